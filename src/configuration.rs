//! Settings from `STAKEMAP_*` environment variables, each overridable by a CLI flag.

use std::path::PathBuf;

use clap::Args;

use crate::db::DatabaseUrl;

/// Raw settings as given on the command line or in the environment.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`.
    #[arg(long, global = true, env = "STAKEMAP_DATABASE_URL", default_value = "sqlite://stakemap.db")]
    pub database_url: String,
    /// host:port to bind (port 0 picks a free port, printed at start).
    #[arg(long, global = true, env = "STAKEMAP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// HS256 secret (at least 32 bytes); generated once and kept in the database if unset.
    #[arg(long, global = true, env = "STAKEMAP_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Path to a PEM public key enabling RS256/ES256/EdDSA tokens from an identity provider.
    #[arg(long, global = true, env = "STAKEMAP_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<PathBuf>,
    /// Required `iss` claim.
    #[arg(long, global = true, env = "STAKEMAP_JWT_ISSUER", default_value = "stakemap")]
    pub jwt_issuer: String,
    /// Required `aud` claim.
    #[arg(long, global = true, env = "STAKEMAP_JWT_AUDIENCE", default_value = "stakemap")]
    pub jwt_audience: String,
    /// Comma-separated allowed CORS origins.
    #[arg(long, global = true, env = "STAKEMAP_CORS_ORIGINS")]
    pub cors_origins: Option<String>,
    /// Database connections in the pool.
    #[arg(long, global = true, env = "STAKEMAP_POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,
    /// `pretty` or `json`; defaults to pretty on a terminal, else json.
    #[arg(long, global = true, env = "STAKEMAP_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Largest accepted request body in bytes (batch and import routes allow 16 MiB).
    #[arg(long, global = true, env = "STAKEMAP_MAX_BODY_BYTES", default_value_t = 1_048_576)]
    pub max_body_bytes: usize,
    /// Requests one token may make per rate-limit window (0 = no limit).
    #[arg(long, global = true, env = "STAKEMAP_RATE_LIMIT", default_value_t = 1200)]
    pub rate_limit: u32,
    /// Length of the rate-limit window in seconds.
    #[arg(long, global = true, env = "STAKEMAP_RATE_LIMIT_WINDOW_SECONDS", default_value_t = 60)]
    pub rate_limit_window_seconds: u64,
    /// Run the webhook delivery worker in this process (false for API-only replicas).
    #[arg(long, global = true, env = "STAKEMAP_WEBHOOK_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub webhook_worker: bool,
    /// How often the webhook worker looks for due deliveries, in milliseconds.
    #[arg(long, global = true, env = "STAKEMAP_WEBHOOK_POLL_MS", default_value_t = 1000)]
    pub webhook_poll_ms: u64,
    /// First retry delay of a failed webhook delivery in milliseconds (doubling each time).
    #[arg(long, global = true, env = "STAKEMAP_WEBHOOK_RETRY_BASE_MS", default_value_t = 5000)]
    pub webhook_retry_base_ms: u64,
    /// Allow webhook receivers on loopback and private addresses (on-premises receivers, tests).
    #[arg(long, global = true, env = "STAKEMAP_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Unauthenticated calls and invalid tokens one client address may make per rate-limit window (0 = no limit).
    #[arg(long, global = true, env = "STAKEMAP_AUTH_RATE_LIMIT", default_value_t = 60)]
    pub auth_rate_limit: u32,
    /// The form front-end's page for access links; `{token}` is replaced by the link's token.
    #[arg(long, global = true, env = "STAKEMAP_ACCESS_LINK_URL", default_value = DEFAULT_ACCESS_LINK_URL)]
    pub access_link_url: String,
    /// The language of a person with none, and of forms created without `default_locale` (BCP 47).
    #[arg(long, global = true, env = "STAKEMAP_DEFAULT_LOCALE", default_value = "en")]
    pub default_locale: String,
}

/// Where access links point by default: the token in the fragment stays out of server
/// logs and `Referer` headers.
pub const DEFAULT_ACCESS_LINK_URL: &str = "http://localhost:3000/feedback#token={token}";

/// The public key that verifies identity-provider tokens.
#[derive(Clone)]
pub struct PublicKey {
    /// The key as jsonwebtoken uses it.
    pub key: jsonwebtoken::DecodingKey,
    /// The algorithms this key may verify.
    pub algorithms: Vec<jsonwebtoken::Algorithm>,
}

/// Validated settings the service runs with.
#[derive(Clone)]
pub struct Config {
    /// Where the data lives.
    pub database: DatabaseUrl,
    /// Address to bind.
    pub listen: String,
    /// Configured HS256 secret, if any.
    pub jwt_secret: Option<Vec<u8>>,
    /// Identity-provider public key, if any.
    pub jwt_public_key: Option<PublicKey>,
    /// Required issuer.
    pub jwt_issuer: String,
    /// Required audience.
    pub jwt_audience: String,
    /// Allowed CORS origins.
    pub cors_origins: Vec<String>,
    /// Pool size.
    pub pool_size: u32,
    /// Default body limit.
    pub max_body_bytes: usize,
    /// Requests per window per token (0 = off).
    pub rate_limit: u32,
    /// Rate-limit window.
    pub rate_limit_window: std::time::Duration,
    /// Whether this process delivers webhooks.
    pub webhook_worker: bool,
    /// Webhook worker poll interval.
    pub webhook_poll: std::time::Duration,
    /// First webhook retry delay.
    pub webhook_retry_base: std::time::Duration,
    /// Whether webhook receivers may be on loopback or private addresses.
    pub webhook_allow_private: bool,
    /// Unauthenticated calls and invalid tokens per client address per window (0 = off).
    pub auth_rate_limit: u32,
    /// Access link URL template, with `{token}`.
    pub access_link_url: String,
    /// The workspace language (canonical BCP 47 tag).
    pub default_locale: String,
}

/// The smallest HS256 secret accepted.
pub const MIN_SECRET_BYTES: usize = 32;

impl Settings {
    /// Checks every setting, returning a message fit for a startup error.
    pub fn validate(&self) -> Result<Config, String> {
        let database = DatabaseUrl::parse(&self.database_url)?;
        let jwt_secret = match &self.jwt_secret {
            Some(secret) if secret.len() < MIN_SECRET_BYTES => {
                return Err(format!(
                    "STAKEMAP_JWT_SECRET is {} bytes; it must be at least {MIN_SECRET_BYTES}",
                    secret.len()
                ))
            }
            Some(secret) => Some(secret.as_bytes().to_vec()),
            None => None,
        };
        let jwt_public_key = match &self.jwt_public_key {
            Some(path) => Some(load_public_key(path)?),
            None => None,
        };
        if self.pool_size == 0 {
            return Err("STAKEMAP_POOL_SIZE must be at least 1".into());
        }
        if !self.access_link_url.contains("{token}") {
            return Err("STAKEMAP_ACCESS_LINK_URL must contain {token}".into());
        }
        let default_locale = crate::domain::locale::parse(&self.default_locale)
            .ok_or("STAKEMAP_DEFAULT_LOCALE must be a locale tag (BCP 47, e.g. en, zh-CN)")?;
        if self.max_body_bytes < 1024 {
            return Err("STAKEMAP_MAX_BODY_BYTES must be at least 1024".into());
        }
        let cors_origins = self
            .cors_origins
            .iter()
            .flat_map(|s| s.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        Ok(Config {
            database,
            listen: self.listen.clone(),
            jwt_secret,
            jwt_public_key,
            jwt_issuer: self.jwt_issuer.clone(),
            jwt_audience: self.jwt_audience.clone(),
            cors_origins,
            pool_size: self.pool_size,
            max_body_bytes: self.max_body_bytes,
            rate_limit: self.rate_limit,
            rate_limit_window: std::time::Duration::from_secs(self.rate_limit_window_seconds.max(1)),
            webhook_worker: self.webhook_worker,
            webhook_poll: std::time::Duration::from_millis(self.webhook_poll_ms.max(10)),
            webhook_retry_base: std::time::Duration::from_millis(self.webhook_retry_base_ms.max(10)),
            webhook_allow_private: self.webhook_allow_private,
            auth_rate_limit: self.auth_rate_limit,
            access_link_url: self.access_link_url.clone(),
            default_locale,
        })
    }
}

fn load_public_key(path: &PathBuf) -> Result<PublicKey, String> {
    use jsonwebtoken::{Algorithm, DecodingKey};
    let pem = std::fs::read(path)
        .map_err(|e| format!("cannot read STAKEMAP_JWT_PUBLIC_KEY {}: {e}", path.display()))?;
    if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
        let algorithms = vec![Algorithm::RS256, Algorithm::RS384, Algorithm::RS512];
        return Ok(PublicKey { key, algorithms });
    }
    if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
        return Ok(PublicKey { key, algorithms: vec![Algorithm::ES256, Algorithm::ES384] });
    }
    if let Ok(key) = DecodingKey::from_ed_pem(&pem) {
        return Ok(PublicKey { key, algorithms: vec![Algorithm::EdDSA] });
    }
    Err(format!("STAKEMAP_JWT_PUBLIC_KEY {} is not a PEM RSA, EC or Ed25519 public key", path.display()))
}
