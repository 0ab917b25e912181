//! The merge-patch, soft-delete and restore handlers every versioned resource has,
//! written once. Each resource supplies its `modify` function, types, roles and texts.

/// Generates `update` (PATCH), `remove` (DELETE) and `restore` (POST …/restore). The
/// calling module imports actix-web's `patch`, `delete` and `post` (utoipa reads them by name).
/// The resource module must define `modify(conn, &auth, &id, &if_match, include_deleted, change)`.
macro_rules! versioned_handlers {
    (
        tag: $tag:literal,
        path: $path:literal,
        restore_path: $restore_path:literal,
        id: $id_doc:literal,
        resource: $ty:ty,
        input: $input:ty,
        update_doc: $update_doc:literal,
        remove_doc: $remove_doc:literal,
        restore_doc: $restore_doc:literal $(,)?
    ) => {
        #[doc = $update_doc]
        #[utoipa::path(tag = $tag,
            params(("id" = String, Path, description = $id_doc), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
            request_body(content(($input = "application/merge-patch+json"), ($input = "application/json"))),
            responses((status = 200, body = $ty), (status = 409, description = "Conflicts with another record (e.g. a CRM key already taken)", body = crate::error::Problem, content_type = "application/problem+json")),
            security(("bearer" = [])))]
        #[patch($path)]
        pub async fn update(
            auth: Auth,
            state: web::Data<AppState>,
            req: HttpRequest,
            id: web::Path<String>,
            body: web::Json<Map<String, Value>>,
        ) -> Result<HttpResponse, ApiError> {
            let if_match = crate::routes::support::precondition(&req, actix_web::http::header::IF_MATCH)?;
            let body = body.into_inner();
            let saved = with_conn(&state, move |conn| {
                modify(conn, &auth, &id, &if_match, false, |x| {
                    crate::domain::patch::apply(x, &body, crate::domain::patch::Mode::Patch).map(|_| true).map_err(ApiError::from)
                })
            })
            .await?;
            Ok(with_etag(actix_web::http::StatusCode::OK, saved.version, &saved))
        }

        #[doc = $remove_doc]
        #[utoipa::path(tag = $tag,
            params(("id" = String, Path, description = $id_doc), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
            responses((status = 204, description = "Deleted")),
            security(("bearer" = [])))]
        #[delete($path)]
        pub async fn remove(auth: Auth, state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
            let if_match = crate::routes::support::precondition(&req, actix_web::http::header::IF_MATCH)?;
            with_conn(&state, move |conn| modify(conn, &auth, &id, &if_match, false, crate::service::versioned::mark_deleted)).await?;
            Ok(HttpResponse::NoContent().finish())
        }

        #[doc = $restore_doc]
        #[utoipa::path(tag = $tag,
            params(("id" = String, Path, description = $id_doc), ("If-Match" = Option<String>, Header, description = "Current ETag; 412 when stale")),
            responses((status = 200, body = $ty)),
            security(("bearer" = [])))]
        #[post($restore_path)]
        pub async fn restore(auth: Auth, state: web::Data<AppState>, req: HttpRequest, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
            let if_match = crate::routes::support::precondition(&req, actix_web::http::header::IF_MATCH)?;
            let saved = with_conn(&state, move |conn| modify(conn, &auth, &id, &if_match, true, crate::service::versioned::mark_restored)).await?;
            Ok(with_etag(actix_web::http::StatusCode::OK, saved.version, &saved))
        }
    };
}
