//! Logging setup: JSON lines for machines, pretty output on a terminal.

use std::io::IsTerminal;

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber; `format` is `pretty`, `json` or unset (auto).
pub fn init(format: Option<&str>) {
    let filter =
        EnvFilter::try_from_env("STAKEMAP_LOG").unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let json = match format {
        Some("json") => true,
        Some("pretty") => false,
        _ => !std::io::stderr().is_terminal(),
    };
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // try_init: tests start many apps in one process and only the first may install it.
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).with_span_list(false).try_init()
    } else {
        builder.try_init()
    };
}
