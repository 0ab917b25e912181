//! Webhook signatures: `Stakemap-Signature: t=<unix>,v1=<hex hmac-sha256 of "<t>.<body>">`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header name.
pub const HEADER: &str = "Stakemap-Signature";

/// The header value for `body` sent at unix time `t`.
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(format!("{t}.{body}").as_bytes());
    let hex: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={t},v1={hex}")
}

/// Checks a header value as a receiver would (a reference for receivers and tests).
pub fn verify(secret: &str, header: &str, body: &str) -> bool {
    let t = header.split(',').find_map(|p| p.strip_prefix("t=")).and_then(|t| t.parse::<i64>().ok());
    t.is_some_and(|t| sign(secret, t, body) == header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector_and_tampering() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        let header = sign("whsec_test", 1_700_000_000, r#"{"a":1}"#);
        assert_eq!(
            header,
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
        assert!(verify("whsec_test", &header, r#"{"a":1}"#));
        assert!(!verify("whsec_test", &header, r#"{"a":2}"#));
        assert!(!verify("other", &header, r#"{"a":1}"#));
    }
}
