//! The test harness: a real server on a random port over a fresh database.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{json, Value};
use stakemap::auth::{JwtKeys, Role};
use stakemap::configuration::Settings;
use stakemap::db::{DbConnection, Pool};
use stakemap::store;

/// The secret test tokens are signed with.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running app and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    /// The database URL (a replica can be started on it).
    pub database_url: String,
    pub client: reqwest::Client,
    pub keys: JwtKeys,
    pub pool: Pool,
    _dir: tempfile::TempDir,
    postgres_db: Option<(String, String)>,
}

pub fn settings(database_url: String) -> Settings {
    Settings {
        database_url,
        listen: "127.0.0.1:0".into(),
        jwt_secret: Some(SECRET.into()),
        jwt_public_key: None,
        jwt_issuer: "stakemap".into(),
        jwt_audience: "stakemap".into(),
        cors_origins: None,
        pool_size: 4,
        log_format: Some("json".into()),
        max_body_bytes: 1_048_576,
        rate_limit: 0,
        rate_limit_window_seconds: 60,
        // Webhook tests poll fast; elsewhere a poll would only race the end of the test.
        webhook_poll_ms: 3_600_000,
        webhook_worker: true,
        webhook_retry_base_ms: 200,
        webhook_allow_private: true,
        auth_rate_limit: 0,
        access_link_url: stakemap::configuration::DEFAULT_ACCESS_LINK_URL.into(),
        default_locale: "en".into(),
    }
}

/// The PostgreSQL server URL, or `None` (with a note) when the suite runs on SQLite only.
pub fn postgres_url() -> Option<String> {
    match std::env::var("STAKEMAP_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // CI must never skip PostgreSQL silently.
            assert!(std::env::var("CI").is_err(), "CI is set but STAKEMAP_TEST_POSTGRES_URL is not");
            eprintln!("STAKEMAP_TEST_POSTGRES_URL not set: PostgreSQL test skipped (SQLite only)");
            None
        }
    }
}

/// The server URL with its database replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_part = match base[authority_end..].find('/') {
        Some(i) => &base[..authority_end + i],
        None => base,
    };
    format!("{host_part}/{db}{query}")
}

fn admin_conn(server: &str) -> PgConnection {
    PgConnection::establish(server).expect("connect to the PostgreSQL test server")
}

impl TestApp {
    /// Starts an app with custom settings tweaks.
    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        let dir = tempfile::tempdir().unwrap();
        let (url, postgres_db) = match backend {
            Backend::Sqlite => (format!("sqlite://{}", dir.path().join("test.db").display()), None),
            Backend::Postgres => {
                let server = postgres_url()?;
                let name = format!("stakemap_t_{}", uuid::Uuid::new_v4().simple());
                admin_conn(&server).batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
                (with_database(&server, &name), Some((server, name)))
            }
        };
        let mut settings = settings(url.clone());
        tweak(&mut settings);
        let config = settings.validate().expect("valid test settings");
        let ready = stakemap::bootstrap::prepare(&config).expect("database ready");
        let (keys, pool) = (ready.jwt.clone(), ready.pool.clone());
        let app = stakemap::bootstrap::build(&config, ready).expect("server bound");
        tokio::spawn(app.server);
        Some(TestApp {
            address: format!("http://127.0.0.1:{}", app.port),
            database_url: url,
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            keys,
            pool,
            _dir: dir,
            postgres_db,
        })
    }

    /// A second server on the same database, as another replica behind a load balancer.
    pub async fn replica(&self, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = settings(self.database_url.clone());
        tweak(&mut settings);
        let config = settings.validate().expect("valid test settings");
        let ready = stakemap::bootstrap::prepare(&config).expect("database ready");
        let (keys, pool) = (ready.jwt.clone(), ready.pool.clone());
        let app = stakemap::bootstrap::build(&config, ready).expect("server bound");
        tokio::spawn(app.server);
        TestApp {
            address: format!("http://127.0.0.1:{}", app.port),
            database_url: self.database_url.clone(),
            client: reqwest::Client::new(),
            keys,
            pool,
            _dir: tempfile::tempdir().unwrap(),
            postgres_db: None,
        }
    }

    /// The database this app runs on.
    pub fn backend(&self) -> Backend {
        if self.database_url.starts_with("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    /// Starts an app with the default test settings.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub fn conn(&self) -> r2d2::PooledConnection<stakemap::db::ConnectionManager> {
        self.pool.get().unwrap()
    }

    /// How many rows of `table` belong to the workspace.
    pub fn count(&self, table: &str, ws: &str) -> i64 {
        self.number(&format!("SELECT COUNT(*) AS n FROM {table} WHERE workspace_id = '{ws}'"))
    }

    /// The BIGINT column `n` of a one-row query.
    pub fn number(&self, sql: &str) -> i64 {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql).get_result::<N>(&mut *self.conn()).unwrap().n
    }

    /// Creates a workspace and returns its id.
    pub fn workspace(&self, name: &str) -> String {
        let slug = store::workspaces::slugify(name);
        store::workspaces::create(&mut self.conn(), name, &slug).unwrap().id
    }

    /// A valid token for a role in a workspace.
    pub fn token(&self, ws: &str, role: Role) -> String {
        let sid = (role == Role::Stakeholder).then_some("00000000-0000-0000-0000-000000000000");
        self.keys.issue("tester", ws, role, sid, 3600)
    }

    pub fn request(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path)).bearer_auth(token)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, token).json(body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, token).json(body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, token).send().await.unwrap()
    }

    /// A stakeholder token as a person gets one: an access link made by `manager`, exchanged.
    pub async fn link_token(&self, manager: &str, person: &str) -> String {
        let res = self.post(&format!("/v1/stakeholders/{person}/access-links"), manager, &json!({})).await;
        assert_eq!(res.status(), 201, "access link: {}", res.text().await.unwrap());
        let link: Value = res.json().await.unwrap();
        let token = link_token_of(link["url"].as_str().expect("a link URL"));
        let res =
            self.client.post(format!("{}/v1/auth/link", self.address)).json(&json!({"token": token})).send();
        let res = res.await.unwrap();
        assert_eq!(res.status(), 200, "exchange");
        res.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_string()
    }

    /// Creates a stakeholder as admin and returns its JSON.
    pub async fn create_stakeholder(&self, token: &str, body: Value) -> Value {
        let res = self.post("/v1/stakeholders", token, &body).await;
        assert_eq!(res.status(), 201, "create failed: {}", res.text().await.unwrap());
        res.json().await.unwrap()
    }

    /// Rows in the stakeholders table of a workspace (deleted included), straight from the database.
    pub fn stakeholder_rows(&self, ws: &str) -> i64 {
        use stakemap::db::schema::stakeholders::dsl::*;
        let mut conn = self.conn();
        let c: &mut DbConnection = &mut conn;
        stakeholders.filter(workspace_id.eq(ws)).count().get_result(c).unwrap()
    }

    /// Sum of all versions in a workspace: changes whenever any row is written.
    pub fn version_sum(&self, ws: &str) -> i64 {
        use stakemap::db::schema::stakeholders::dsl::*;
        let mut conn = self.conn();
        let c: &mut DbConnection = &mut conn;
        let versions: Vec<i64> = stakeholders.filter(workspace_id.eq(ws)).select(version).load(c).unwrap();
        versions.iter().sum()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((server, name)) = self.postgres_db.take() {
            // A plain thread: Drop may run inside the async runtime.
            let _ = std::thread::spawn(move || {
                let _ = admin_conn(&server)
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            })
            .join();
        }
    }
}

/// The token inside an access link's URL (the default template puts it in the fragment).
pub fn link_token_of(url: &str) -> String {
    url.rsplit_once("token=").expect("a token in the link").1.to_string()
}

/// Asserts a problem+json response with the status and returns its body.
pub async fn assert_problem(res: Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status, "unexpected status");
    let ct = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(ct.starts_with("application/problem+json"), "content-type was {ct}");
    assert!(res.headers().contains_key("x-request-id"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

/// The `field` names of a 422's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

/// Runs one async test function against SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                use $crate::helpers::{Backend, TestApp};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite always runs");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(app) = TestApp::spawn(Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )+
    };
}
