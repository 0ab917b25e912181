//! Signing and verifying tokens.

use jsonwebtoken::{decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::configuration::PublicKey;

/// The claims of every stakemap token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Subject: who acts (recorded as the actor of changes).
    pub sub: String,
    /// Workspace id.
    pub ws: String,
    /// Role name.
    pub role: String,
    /// The stakeholder this token speaks for (stakeholder role only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholder_id: Option<String>,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    /// Issuer.
    pub iss: String,
    /// Audience: one string, or an array containing ours (identity providers send arrays).
    pub aud: Audience,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// The `aud` claim in either of its JSON shapes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "stakemap"`.
    One(String),
    /// `"aud": ["stakemap", "other"]`.
    Many(Vec<String>),
}

/// The longest an HS256 token of a stakeholder may live (a feedback link's token).
pub const MAX_STAKEHOLDER_TTL: i64 = 90 * 86_400;
/// The longest any other HS256 token may live.
pub const MAX_TTL: i64 = 86_400;

/// The longest lifetime allowed for a token of `role`.
pub fn max_ttl(role: Role) -> i64 {
    match role {
        Role::Stakeholder => MAX_STAKEHOLDER_TTL,
        _ => MAX_TTL,
    }
}

/// Everything needed to issue and check tokens.
#[derive(Clone)]
pub struct JwtKeys {
    secret: Vec<u8>,
    public_key: Option<PublicKey>,
    /// Required issuer.
    pub issuer: String,
    /// Required audience.
    pub audience: String,
}

/// Why a token was refused; the message goes to the client as the 401 detail.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TokenRejected(pub String);

impl JwtKeys {
    /// Keys from the HS256 secret and an optional identity-provider key.
    pub fn new(secret: Vec<u8>, public_key: Option<PublicKey>, issuer: String, audience: String) -> Self {
        Self { secret, public_key, issuer, audience }
    }

    /// A secret derived from the server secret for `label` (a webhook's signing secret):
    /// nothing needs storing, and the database alone does not reveal it.
    pub fn derive_secret(&self, label: &str) -> String {
        use base64::Engine;
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(b"stakemap derived secret\n");
        mac.update(label.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A webhook's signing secret, derived from the server secret and the webhook's id (the
    /// database holds none; hooks made before this keep the secret stored with them).
    pub fn webhook_secret(&self, webhook_id: &str) -> String {
        format!("whsec_{}", self.derive_secret(&format!("webhook:{webhook_id}")))
    }

    /// Signs claims with the server secret (HS256).
    pub fn sign(&self, claims: &Claims) -> String {
        encode(&Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(&self.secret))
            .expect("HS256 signing of serialisable claims cannot fail")
    }

    /// Issues a token for the given subject, workspace and role, valid for `ttl_seconds`.
    pub fn issue(
        &self,
        sub: &str,
        ws: &str,
        role: Role,
        stakeholder_id: Option<&str>,
        ttl_seconds: i64,
    ) -> String {
        let now = chrono::Utc::now().timestamp();
        self.sign(&Claims {
            sub: sub.to_string(),
            ws: ws.to_string(),
            role: role.as_str().to_string(),
            stakeholder_id: stakeholder_id.map(str::to_string),
            exp: now + ttl_seconds,
            iat: Some(now),
            iss: self.issuer.clone(),
            aud: Audience::One(self.audience.clone()),
            nbf: None,
        })
    }

    /// Verifies signature, algorithm, expiry, issuer and audience, and returns the claims.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenRejected> {
        let header = decode_header(token).map_err(|_| TokenRejected("malformed token".into()))?;
        // The key is chosen by algorithm family, so an HS256 token can never be checked
        // against the public key (the classic algorithm-confusion attack).
        let (key, algorithms): (DecodingKey, Vec<Algorithm>) = match header.alg {
            Algorithm::HS256 => (DecodingKey::from_secret(&self.secret), vec![Algorithm::HS256]),
            alg => match &self.public_key {
                Some(pk) if pk.algorithms.contains(&alg) => (pk.key.clone(), pk.algorithms.clone()),
                _ => return Err(TokenRejected(format!("tokens signed with {alg:?} are not accepted"))),
            },
        };
        let mut validation = Validation::new(algorithms[0]);
        validation.algorithms = algorithms;
        validation.leeway = 0;
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        let claims = decode::<Claims>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| TokenRejected(describe(&e)))?;
        if claims.sub.trim().is_empty() {
            return Err(TokenRejected("token has an empty 'sub' claim".into()));
        }
        // Our own tokens have a bounded life; an identity provider's (other algorithms)
        // follow its policy.
        if header.alg == Algorithm::HS256 {
            let max = Role::parse(&claims.role).map_or(MAX_TTL, max_ttl);
            if claims.exp - chrono::Utc::now().timestamp() > max {
                return Err(TokenRejected(format!("token lives longer than the {max} seconds allowed")));
            }
        }
        Ok(claims)
    }
}

fn describe(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::ExpiredSignature => "token expired".into(),
        ErrorKind::ImmatureSignature => "token not valid yet ('nbf' is in the future)".into(),
        ErrorKind::InvalidSignature => "invalid token signature".into(),
        ErrorKind::InvalidIssuer => "wrong token issuer".into(),
        ErrorKind::InvalidAudience => "wrong token audience".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("token lacks the '{claim}' claim"),
        ErrorKind::InvalidAlgorithm => "token algorithm not accepted".into(),
        ErrorKind::Json(_) => "token claims are missing or malformed".into(),
        _ => "invalid token".into(),
    }
}
