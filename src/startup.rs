//! Builds the actix-web application and runs the server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress, Condition};
use actix_web::{web, App, HttpServer};
use utoipa_actix_web::AppExt;

use crate::routes;

pub use crate::state::AppState;

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
            .wrap(from_fn(routes::fields::select_fields))
            .wrap(from_fn(routes::etags::etags))
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
