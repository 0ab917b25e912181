//! The command line: `serve` (default), `migrate`, `workspace`, `token`, `demo`, `openapi`.

use clap::{Parser, Subcommand};

use crate::auth::Role;
use crate::bootstrap;
use crate::configuration::Settings;
use crate::demo;
use crate::store;

/// stakemap: stakeholder management service.
#[derive(Debug, Parser)]
#[command(name = "stakemap", version, about)]
pub struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve {
        /// Load the demo workspace first and print a manager token for it.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage workspaces.
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Print a signed JWT (and nothing else).
    Token {
        /// Workspace slug.
        #[arg(long)]
        workspace: String,
        /// admin, manager, contributor, viewer, integration or stakeholder.
        #[arg(long)]
        role: String,
        /// Subject recorded as the actor of changes; default a unique `cli:<uuid>`.
        #[arg(long)]
        sub: Option<String>,
        /// The stakeholder a stakeholder-role token speaks for.
        #[arg(long)]
        stakeholder_id: Option<String>,
        /// Lifetime: e.g. 90s, 30m, 1h, 7d; at most 24h (90d for the stakeholder role).
        #[arg(long, default_value = "1h")]
        ttl: String,
    },
    /// Load the demo workspace (the Globex China account and a marketing project team) and print a manager token for it.
    Demo,
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Debug, Subcommand)]
enum WorkspaceCommand {
    /// Create a workspace; prints its id and slug.
    Create {
        /// Display name.
        name: String,
        /// Short unique name; defaults to the name lower-cased with non-alphanumerics as '-'.
        #[arg(long)]
        slug: Option<String>,
    },
    /// List workspaces (id, slug, name).
    List,
}

/// Parses a lifetime like `90s`, `30m`, `1h`, `7d` or plain seconds.
pub fn parse_ttl(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: i64 = number.parse().map_err(|_| format!("invalid ttl '{text}': use e.g. 30m, 1h, 7d"))?;
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("invalid ttl unit in '{text}': use s, m, h or d")),
    };
    match n.checked_mul(factor) {
        Some(secs) if secs > 0 && secs <= 366 * 86_400 => Ok(secs),
        _ => Err(format!("ttl '{text}' must be between 1 second and 366 days")),
    }
}

/// Runs the parsed command; an `Err` is printed and the process exits non-zero.
pub fn run(cli: Cli) -> Result<(), String> {
    if matches!(cli.command, Some(Command::Openapi)) {
        let doc = crate::openapi::document();
        println!("{}", serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?);
        return Ok(());
    }
    crate::telemetry::init(cli.settings.log_format.as_deref());
    let config = cli.settings.validate()?;
    let ready = bootstrap::prepare(&config)?;
    let mut conn = ready.pool.get().map_err(|e| e.to_string())?;
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            if demo {
                let (ws, _) = demo::load(&mut conn).map_err(|e| format!("demo load failed: {e}"))?;
                println!(
                    "demo manager token: {}",
                    ready.jwt.issue("demo-manager", &ws, Role::Manager, None, 86_400)
                );
            }
            drop(conn);
            serve(&config, ready)
        }
        Command::Migrate => {
            println!("migrations are current");
            Ok(())
        }
        Command::Workspace(WorkspaceCommand::Create { name, slug }) => {
            let slug = slug.unwrap_or_else(|| store::workspaces::slugify(&name));
            if slug.is_empty() || !slug.chars().all(|c| c.is_alphanumeric() || c == '-') {
                return Err(format!("invalid slug '{slug}': use letters, digits and '-'"));
            }
            if store::workspaces::by_slug(&mut conn, &slug).map_err(|e| e.to_string())?.is_some() {
                return Err(format!("a workspace with slug '{slug}' already exists"));
            }
            let ws = store::workspaces::create(&mut conn, &name, &slug).map_err(|e| e.to_string())?;
            println!("{} {}", ws.id, ws.slug);
            Ok(())
        }
        Command::Workspace(WorkspaceCommand::List) => {
            for ws in store::workspaces::list(&mut conn).map_err(|e| e.to_string())? {
                println!("{}\t{}\t{}", ws.id, ws.slug, ws.name);
            }
            Ok(())
        }
        Command::Token { workspace, role, sub, stakeholder_id, ttl } => {
            let role = Role::parse(&role).ok_or_else(|| format!("unknown role '{role}'"))?;
            if role == Role::Stakeholder && stakeholder_id.is_none() {
                return Err("--stakeholder-id is required for the stakeholder role".into());
            }
            let ttl = parse_ttl(&ttl)?;
            let max = crate::auth::jwt::max_ttl(role);
            if ttl > max {
                return Err(format!(
                    "--ttl may be at most {} hours for the {} role",
                    max / 3600,
                    role.as_str()
                ));
            }
            let sub = sub.unwrap_or_else(|| format!("cli:{}", uuid::Uuid::new_v4()));
            let ws = store::workspaces::by_slug(&mut conn, &workspace)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("no workspace with slug '{workspace}'"))?;
            println!("{}", ready.jwt.issue(&sub, &ws.id, role, stakeholder_id.as_deref(), ttl));
            Ok(())
        }
        Command::Demo => {
            let (ws, created) = demo::load(&mut conn).map_err(|e| format!("demo load failed: {e}"))?;
            eprintln!("{}", if created { "demo workspace loaded" } else { "demo workspace already present" });
            println!("{}", ready.jwt.issue("demo-manager", &ws, Role::Manager, None, 86_400));
            Ok(())
        }
        Command::Openapi => unreachable!("handled above"),
    }
}

fn serve(config: &crate::configuration::Config, ready: bootstrap::Ready) -> Result<(), String> {
    let system = actix_web::rt::System::new();
    system.block_on(async {
        let app = bootstrap::build(config, ready)?;
        let host = config.listen.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1");
        println!("listening on http://{host}:{}", app.port);
        tracing::info!(port = app.port, "stakemap listening");
        app.server.await.map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::parse_ttl;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("1h"), Ok(3600));
        assert_eq!(parse_ttl("30m"), Ok(1800));
        assert_eq!(parse_ttl("7d"), Ok(604_800));
        assert_eq!(parse_ttl("90"), Ok(90));
        assert!(parse_ttl("0s").is_err());
        assert!(parse_ttl("1y").is_err());
        assert!(parse_ttl("h").is_err());
    }
}
