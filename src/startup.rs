//! Builds the actix-web application and runs the server.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::RwLock;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, Condition};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;

use crate::auth::JwtKeys;
use crate::db::Pool;
use crate::pagination::CursorCodec;
use crate::routes;

/// Shared, read-only state of one server process (nothing another replica would need).
pub struct AppState {
    /// Database connections.
    pub pool: Pool,
    /// Token signing and verification.
    pub jwt: JwtKeys,
    /// Cursor signing.
    pub cursors: CursorCodec,
    /// Default body limit in bytes.
    pub max_body_bytes: usize,
    /// Requests per token per window.
    pub rate_limiter: crate::rate_limit::RateLimiter,
    /// Workspaces seen to exist; they are never deleted, so a hit is always right.
    known_workspaces: RwLock<HashSet<String>>,
    /// Request counts and latencies for `/metrics`.
    pub metrics: crate::metrics::Metrics,
    /// API keys recently checked for revocation.
    pub live_keys: crate::auth::revocation::LiveKeys,
}

impl AppState {
    /// State for a pool and keys.
    pub fn new(
        pool: Pool,
        jwt: JwtKeys,
        cursor_secret: &[u8],
        max_body_bytes: usize,
        rate_limiter: crate::rate_limit::RateLimiter,
    ) -> Self {
        Self {
            pool,
            jwt,
            cursors: CursorCodec::new(cursor_secret),
            max_body_bytes,
            rate_limiter,
            known_workspaces: RwLock::new(HashSet::new()),
            metrics: crate::metrics::Metrics::default(),
            live_keys: Default::default(),
        }
    }

    /// Whether this workspace id is known to exist.
    pub fn known_workspace(&self, id: &str) -> bool {
        self.known_workspaces.read().map(|set| set.contains(id)).unwrap_or(false)
    }

    /// Records that a workspace exists.
    pub fn remember_workspace(&self, id: &str) {
        if let Ok(mut set) = self.known_workspaces.write() {
            set.insert(id.to_string());
        }
    }
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allow_any_header()
        .expose_headers(["ETag", "Location", "X-Request-Id", "Retry-After"])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Binds the listener's socket and starts serving; the returned server runs until stopped.
pub fn run(listener: TcpListener, state: AppState, cors_origins: Vec<String>) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let document = crate::openapi::document();
    let route_table = web::Data::new(routes::fallback::RouteTable::from_openapi(&document));
    let spec = web::Data::new(document);
    // Database work runs on the blocking thread pool. A thread more than there are pooled
    // connections would only wait for one, and each holds its own allocator heap: with the
    // default of hundreds, 32 concurrent clients doubled the peak memory.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let blocking_threads = (state.pool.max_size() as usize).div_ceil(workers).max(2);
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(routes::operations)
            .service(utoipa_actix_web::scope("/v1").configure(routes::v1))
            .split_for_parts();
        app.app_data(state.clone())
            .app_data(route_table.clone())
            .app_data(spec.clone())
            .app_data(routes::extractors::json_config(state.max_body_bytes))
            .app_data(routes::extractors::query_config())
            .app_data(routes::extractors::path_config())
            .service(routes::docs::openapi_json)
            .service(routes::docs::docs_redirect)
            .service(routes::docs::swagger_ui())
            .default_service(web::to(routes::fallback::not_found_or_method))
            // Without configured origins no CORS headers are sent at all (same-origin only).
            .wrap(Condition::new(!cors_origins.is_empty(), cors(&cors_origins)))
            .wrap(from_fn(routes::idempotency::idempotency))
            .wrap(Compress::default())
            .wrap(from_fn(routes::middleware::request_context))
    })
    .workers(workers)
    .worker_max_blocking_threads(blocking_threads)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
