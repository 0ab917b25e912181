//! Which webhook receivers the service may call: the address policy that keeps one
//! workspace's admin from turning deliveries into requests on the service's own network.
//!
//! URLs are parsed the way the HTTP client parses them (WHATWG), so `127.1`,
//! `2130706433` and `0x7f.0.0.1` are all seen as 127.0.0.1 here exactly as when connecting.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

/// Why a receiver URL is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not an absolute http(s) URL with a host.
    Malformed,
    /// `user:pass@` in the URL (credentials would travel to whoever answers).
    UserInfo,
    /// The host is, or resolves to, an address on a private or local network.
    Private(String),
}

impl Refusal {
    /// The message a problem+json shows for it.
    pub fn message(&self) -> String {
        match self {
            Refusal::Malformed => "must be an http(s) URL of at most 2000 characters with a host".into(),
            Refusal::UserInfo => "must not contain user info (user:password@)".into(),
            Refusal::Private(what) => format!(
                "points at {what}: loopback, private, link-local, CGNAT, unspecified and metadata \
                 addresses are refused (STAKEMAP_WEBHOOK_ALLOW_PRIVATE=true allows them)"
            ),
        }
    }
}

/// Where a checked URL sends its requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A literal address (already checked).
    Address(IpAddr),
    /// A name to resolve; every address it resolves to must pass [`allowed`].
    Name(String, u16),
}

/// Parses a receiver URL and checks what can be checked without DNS.
pub fn check_url(text: &str, allow_private: bool) -> Result<Target, Refusal> {
    if text.chars().count() > 2000 || text.chars().any(char::is_control) {
        return Err(Refusal::Malformed);
    }
    // The scheme and authority as written: the lenient parser would read `http:///h` as host `h`.
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    if !rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/')) {
        return Err(Refusal::Malformed);
    }
    let url = Url::parse(text).map_err(|_| Refusal::Malformed)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Refusal::UserInfo);
    }
    let port = url.port_or_known_default().ok_or(Refusal::Malformed)?;
    let target = match url.host().ok_or(Refusal::Malformed)? {
        Host::Ipv4(ip) => Target::Address(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Target::Address(IpAddr::V6(ip)),
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name.is_empty() {
                return Err(Refusal::Malformed);
            }
            // RFC 6761: these names are the local machine whatever DNS says.
            if !allow_private && (name == "localhost" || name.ends_with(".localhost")) {
                return Err(Refusal::Private(name));
            }
            Target::Name(name, port)
        }
    };
    if let Target::Address(ip) = target {
        if !allow_private && !allowed(ip) {
            return Err(Refusal::Private(ip.to_string()));
        }
    }
    Ok(target)
}

/// Whether a receiver at this address may be called (a public unicast address).
pub fn allowed(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => allowed_v4(v4),
        IpAddr::V6(v6) => allowed_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], bits: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn allowed_v4(ip: Ipv4Addr) -> bool {
    const REFUSED: [([u8; 4], u32); 13] = [
        ([0, 0, 0, 0], 8),       // "this network", unspecified
        ([10, 0, 0, 0], 8),      // RFC 1918
        ([100, 64, 0, 0], 10),   // CGNAT (and Alibaba's metadata address)
        ([127, 0, 0, 0], 8),     // loopback
        ([169, 254, 0, 0], 16),  // link-local (cloud metadata at .169.254)
        ([172, 16, 0, 0], 12),   // RFC 1918
        ([192, 0, 0, 0], 24),    // IETF protocol assignments (Oracle metadata)
        ([192, 0, 2, 0], 24),    // documentation
        ([192, 168, 0, 0], 16),  // RFC 1918
        ([198, 18, 0, 0], 15),   // benchmarking
        ([198, 51, 100, 0], 24), // documentation
        ([203, 0, 113, 0], 24),  // documentation
        ([224, 0, 0, 0], 3),     // multicast, reserved, broadcast
    ];
    !REFUSED.iter().any(|(net, bits)| in_v4(ip, *net, *bits))
}

fn allowed_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    // Addresses that carry an IPv4 address are judged by it: mapped (::ffff:a.b.c.d),
    // compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:AABB:CCDD::).
    let embedded = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if s[..5] == [0; 5] && (s[5] == 0xffff || s[5] == 0) {
        return !ip.is_unspecified() && !ip.is_loopback() && allowed_v4(embedded(s[6], s[7]));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return allowed_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return allowed_v4(embedded(s[1], s[2]));
    }
    let refused = (s[0] & 0xfe00) == 0xfc00 // unique local (RFC 4193; AWS metadata fd00:ec2::254)
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || s[0] == 0x2001 && s[1] == 0x0db8; // documentation
    !refused
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> bool {
        matches!(check_url(url, false), Err(Refusal::Private(_)))
    }

    #[test]
    fn every_spelling_of_a_local_address_is_refused() {
        for url in [
            "http://127.0.0.1/x",
            "http://127.1/x",
            "http://2130706433/x",
            "http://0x7f.0.0.1/x",
            "http://0177.0.0.1/x",
            "http://0.0.0.0/x",
            "http://[::1]/x",
            "http://[::]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://[::ffff:169.254.169.254]/x",
            "http://[64:ff9b::a00:1]/x",
            "http://[2002:c0a8:0101::1]/x",
            "http://[fd00:ec2::254]/x",
            "http://[fe80::1]/x",
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/x",
            "http://172.16.0.1/x",
            "http://172.31.255.255/x",
            "http://192.168.1.1/x",
            "http://100.64.0.1/x",
            "http://100.100.100.200/x",
            "http://localhost:8080/x",
            "http://LOCALHOST./x",
            "http://api.localhost/x",
            "http://255.255.255.255/x",
        ] {
            assert!(refused(url), "{url} should be refused");
        }
    }

    #[test]
    fn public_addresses_and_names_pass() {
        assert_eq!(
            check_url("https://93.184.216.34/h", false),
            Ok(Target::Address("93.184.216.34".parse().unwrap()))
        );
        assert_eq!(
            check_url("https://172.32.0.1/h", false),
            Ok(Target::Address("172.32.0.1".parse().unwrap()))
        );
        assert_eq!(
            check_url("https://[2606:4700::1]/h", false),
            Ok(Target::Address("2606:4700::1".parse().unwrap()))
        );
        assert_eq!(
            check_url("https://crm.example.com/h", false),
            Ok(Target::Name("crm.example.com".into(), 443))
        );
    }

    #[test]
    fn user_info_and_other_schemes_are_refused_even_when_private_is_allowed() {
        assert_eq!(check_url("https://u:p@crm.example.com/h", true), Err(Refusal::UserInfo));
        assert_eq!(check_url("https://u@crm.example.com/h", true), Err(Refusal::UserInfo));
        assert_eq!(check_url("ftp://crm.example.com/h", true), Err(Refusal::Malformed));
        assert_eq!(check_url("http:///h", true), Err(Refusal::Malformed));
        assert_eq!(check_url("not a url", true), Err(Refusal::Malformed));
        assert_eq!(
            check_url("http://127.0.0.1:9/h", true),
            Ok(Target::Address("127.0.0.1".parse().unwrap()))
        );
    }
}
