//! One delivery attempt: the HTTP client that only reaches addresses the policy allows.
//!
//! The check runs against the address actually connected to: names are resolved by
//! [`PolicyResolver`], which hands the client only allowed addresses, so a name cannot
//! resolve to a public address when checked and a private one when connected (no
//! DNS-rebinding window). Literal addresses never reach a resolver and are checked before
//! sending. No redirects are followed and no proxy from the environment is used.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::WorkerConfig;
use crate::domain::signature;
use crate::domain::webhook_address::{self, Refusal};
use crate::store::webhooks::Claimed;

/// The longest a receiver may take to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Resolves receiver names and drops every address the policy refuses.
struct PolicyResolver {
    allow_private: bool,
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> =
                found.into_iter().filter(|a| allow_private || webhook_address::allowed(a.ip())).collect();
            if allowed.is_empty() {
                let refusal = Refusal::Private(format!("{host} (every address it resolves to)"));
                return Err(refusal.message().into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// The client every delivery of this process uses.
pub fn client(allow_private: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(PolicyResolver { allow_private }))
        .build()
        .expect("HTTP client builds")
}

/// The outcome of one attempt: delivered, the receiver's status, the failure.
pub struct Outcome {
    /// Whether the receiver answered 2xx.
    pub ok: bool,
    /// The receiver's status, if it answered.
    pub status: Option<i32>,
    /// Why it failed.
    pub error: Option<String>,
}

fn failed(error: String) -> Outcome {
    Outcome { ok: false, status: None, error: Some(error) }
}

/// POSTs one claimed delivery, signed; refuses without connecting where the policy says so.
pub async fn send(client: &reqwest::Client, claimed: &Claimed, config: &WorkerConfig) -> Outcome {
    if let Err(refusal) = webhook_address::check_url(&claimed.url, config.allow_private) {
        return failed(format!("not sent: the URL {}", refusal.message()));
    }
    let body = claimed.delivery.payload.clone();
    let secret = match claimed.secret.is_empty() {
        true => config.keys.webhook_secret(&claimed.delivery.webhook_id),
        false => claimed.secret.clone(),
    };
    let header = signature::sign(&secret, chrono::Utc::now().timestamp(), &body);
    let result = client
        .post(&claimed.url)
        .header("Content-Type", "application/json")
        .header(signature::HEADER, header)
        .header("Stakemap-Event", &claimed.delivery.event)
        .header("Stakemap-Delivery", &claimed.delivery.id)
        .body(body)
        .send()
        .await;
    match result {
        Ok(res) => {
            let status = res.status();
            let error = (!status.is_success()).then(|| match status.is_redirection() {
                true => format!("receiver answered {status}; redirects are not followed"),
                false => format!("receiver answered {status}"),
            });
            Outcome { ok: status.is_success(), status: Some(status.as_u16() as i32), error }
        }
        // With its causes: the policy's refusal is a cause of the client's error.
        Err(e) => failed(format!("request failed: {}", crate::error::cause_chain(&e))),
    }
}
