//! Upstream policy: which POP3 servers the relay may reach. Pure functions, no I/O.
//!
//! The relay is not an open proxy. An upstream must match an allowlist entry by host and
//! port: an exact name, a `*.domain` pattern (any name under the domain, not the domain
//! itself), or an IP address. A host that spells an IPv4 address the odd ways resolvers
//! still accept (`2130706433`, `0x7f.1`, `0177.0.0.1`) is refused outright. Then every address the name resolved to is checked: a name entry admits public
//! addresses only, so a DNS answer pointing at loopback or the private network is refused;
//! an IP entry admits exactly that address, private or not (how an operator allows a mail
//! server on the same host). The session then connects to the checked address, never
//! resolving again.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use thiserror::Error;

/// The host part of an allowlist entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowHost {
    /// A DNS name, lower-cased.
    Name(String),
    /// `*.domain`: any name under the domain (stored as `.domain`, lower-cased).
    Suffix(String),
    /// An IP address.
    Ip(IpAddr),
}

/// One `--allow HOST:PORT` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowEntry {
    /// The host.
    pub host: AllowHost,
    /// The port.
    pub port: u16,
}

impl AllowEntry {
    /// An entry for exactly this socket address.
    pub fn ip(addr: SocketAddr) -> AllowEntry {
        AllowEntry {
            host: AllowHost::Ip(addr.ip()),
            port: addr.port(),
        }
    }
}

/// A malformed allowlist entry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("allowlist entry {0:?} is not HOST:PORT (IPv6 as [ADDR]:PORT)")]
pub struct BadAllowEntry(String);

impl FromStr for AllowEntry {
    type Err = BadAllowEntry;
    fn from_str(s: &str) -> Result<Self, BadAllowEntry> {
        let bad = || BadAllowEntry(s.to_owned());
        let (host, port) = s.trim().rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        let host = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            Some(v6) => AllowHost::Ip(IpAddr::V6(v6.parse().map_err(|_| bad())?)),
            None => match host.parse::<Ipv4Addr>() {
                Ok(v4) => AllowHost::Ip(IpAddr::V4(v4)),
                Err(_) => {
                    let name = host.to_ascii_lowercase();
                    let (pattern, name) = match name.strip_prefix("*.") {
                        Some(domain) => (true, domain.to_owned()),
                        None => (false, name),
                    };
                    let valid = !name.is_empty()
                        && name
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
                        && !is_odd_ipv4(&name);
                    match (valid, pattern) {
                        (false, _) => return Err(bad()),
                        (true, true) => AllowHost::Suffix(format!(".{name}")),
                        (true, false) => AllowHost::Name(name),
                    }
                }
            },
        };
        Ok(AllowEntry { host, port })
    }
}

impl fmt::Display for AllowEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            AllowHost::Name(n) => write!(f, "{n}:{}", self.port),
            AllowHost::Suffix(s) => write!(f, "*{s}:{}", self.port),
            AllowHost::Ip(IpAddr::V6(v6)) => write!(f, "[{v6}]:{}", self.port),
            AllowHost::Ip(ip) => write!(f, "{ip}:{}", self.port),
        }
    }
}

/// What the browser asked to reach, once matched against the allowlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An IP address entry: connect to exactly this address.
    Ip(SocketAddr),
    /// A name entry: resolve it, then [`check_resolved`].
    Name {
        /// The lower-cased name.
        name: String,
        /// The port.
        port: u16,
    },
}

/// Why the policy refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// No entry allows this host and port.
    #[error("this relay is not allowed to connect to {0}")]
    NotListed(String),
    /// The name resolved to an address that only an IP entry may allow.
    #[error("{name} resolves to {addr}, a non-public address this relay does not connect to")]
    NonPublicAddress {
        /// The name.
        name: String,
        /// The refused address.
        addr: IpAddr,
    },
    /// The name resolved to nothing.
    #[error("{0} resolved to no address")]
    NoAddress(String),
    /// The host is an IPv4 address written in a non-standard way.
    #[error("{0} is an IP address in an unusual spelling; write it as four decimal numbers")]
    OddAddress(String),
}

/// Whether a host is a numeric IPv4 spelling other than the dotted quad: what
/// `inet_aton` accepts (one to four parts, each decimal, octal `0…` or hex `0x…`) and
/// Rust's parser does not.
pub fn is_odd_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let numeric = |part: &str| {
        let digits = part
            .strip_prefix("0x")
            .or_else(|| part.strip_prefix("0X"))
            .map(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()));
        digits.unwrap_or(!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
    };
    (1..=4).contains(&parts.len())
        && parts.iter().all(|p| numeric(p))
        && host.parse::<Ipv4Addr>().is_err()
}

/// Matches a requested `host:port` against the allowlist, before any DNS lookup.
pub fn match_allowlist(allow: &[AllowEntry], host: &str, port: u16) -> Result<Target, Refusal> {
    let requested = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let requested_ip: Option<IpAddr> = requested.parse().ok();
    let requested_name = requested.to_ascii_lowercase();
    let requested_name = requested_name.trim_end_matches('.');
    if requested_ip.is_none() && is_odd_ipv4(requested_name) {
        return Err(Refusal::OddAddress(host.to_owned()));
    }
    for entry in allow.iter().filter(|e| e.port == port) {
        match (&entry.host, requested_ip) {
            (AllowHost::Ip(ip), Some(req)) if *ip == canonical(req) => {
                return Ok(Target::Ip(SocketAddr::new(*ip, port)));
            }
            (AllowHost::Name(name), None) if name == requested_name => {
                return Ok(Target::Name {
                    name: name.clone(),
                    port,
                });
            }
            (AllowHost::Suffix(domain), None)
                if requested_name.ends_with(domain.as_str())
                    && requested_name.len() > domain.len() =>
            {
                return Ok(Target::Name {
                    name: requested_name.to_owned(),
                    port,
                });
            }
            _ => {}
        }
    }
    Err(Refusal::NotListed(format!("{host}:{port}")))
}

/// Checks every resolved address of a name entry: all must be public.
pub fn check_resolved(name: &str, port: u16, addrs: &[IpAddr]) -> Result<Vec<SocketAddr>, Refusal> {
    if addrs.is_empty() {
        return Err(Refusal::NoAddress(name.to_owned()));
    }
    if let Some(&addr) = addrs.iter().find(|a| !is_public(**a)) {
        return Err(Refusal::NonPublicAddress {
            name: name.to_owned(),
            addr,
        });
    }
    Ok(addrs
        .iter()
        .map(|a| SocketAddr::new(canonical(*a), port))
        .collect())
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// Whether an address is on the public internet (not loopback, private, link-local,
/// shared, multicast, documentation, reserved or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let embeds_v4 = ip.segments()[..6] == [0; 6]; // IPv4-compatible (deprecated)
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || embeds_v4
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(list: &[&str]) -> Vec<AllowEntry> {
        list.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn entries_parse_and_print() {
        for s in ["mail.example.org:995", "127.0.0.1:1110", "[::1]:995"] {
            assert_eq!(s.parse::<AllowEntry>().unwrap().to_string(), s);
        }
        for bad in ["mail.example.org", "a b:1", ":995", "x:99999", "[zz]:1"] {
            assert!(bad.parse::<AllowEntry>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_listed_host_and_port_match() {
        let allow = entries(&["Mail.Example.org:995", "127.0.0.1:1110"]);
        assert!(matches!(
            match_allowlist(&allow, "mail.example.ORG", 995),
            Ok(Target::Name { .. })
        ));
        assert!(match_allowlist(&allow, "mail.example.org", 110).is_err());
        assert!(match_allowlist(&allow, "evil.example.org", 995).is_err());
        assert_eq!(
            match_allowlist(&allow, "127.0.0.1", 1110),
            Ok(Target::Ip("127.0.0.1:1110".parse().unwrap()))
        );
        assert_eq!(
            match_allowlist(&allow, "[::ffff:127.0.0.1]", 1110),
            Ok(Target::Ip("127.0.0.1:1110".parse().unwrap()))
        );
        // A name that happens to resolve to an allowed IP is not the IP entry.
        assert!(match_allowlist(&allow, "localhost", 1110).is_err());
    }

    #[test]
    fn a_domain_pattern_allows_names_under_it_only() {
        let allow = entries(&["*.Example.org:995"]);
        assert_eq!(allow[0].to_string(), "*.example.org:995");
        for ok in [
            "mail.example.org",
            "pop.eu.example.org",
            "MAIL.example.org.",
        ] {
            assert!(
                matches!(match_allowlist(&allow, ok, 995), Ok(Target::Name { .. })),
                "{ok}"
            );
        }
        for refused in [
            "example.org",
            "evilexample.org",
            "mail.example.org.evil.net",
            "127.0.0.1",
        ] {
            assert!(match_allowlist(&allow, refused, 995).is_err(), "{refused}");
        }
        assert!(match_allowlist(&allow, "mail.example.org", 110).is_err());
    }

    #[test]
    fn odd_ipv4_spellings_are_refused_by_name() {
        let allow = entries(&["127.0.0.1:110", "*.example.org:110"]);
        for odd in [
            "2130706433",
            "0x7f.1",
            "0177.0.0.1",
            "0x7f000001",
            "127.1",
            "0X7F.0.0.1",
        ] {
            assert_eq!(
                match_allowlist(&allow, odd, 110),
                Err(Refusal::OddAddress(odd.to_owned())),
                "{odd}"
            );
            assert!(format!("{odd}:110").parse::<AllowEntry>().is_err(), "{odd}");
        }
        for name in ["mail.example.org", "1password.example.org", "127.0.0.1"] {
            assert!(!is_odd_ipv4(name), "{name}");
        }
    }

    #[test]
    fn names_must_resolve_to_public_addresses_only() {
        let public: IpAddr = "93.184.216.34".parse().unwrap();
        assert!(check_resolved("m", 995, &[public]).is_ok());
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
        ] {
            let ip: IpAddr = private.parse().unwrap();
            assert!(
                matches!(
                    check_resolved("m", 995, &[public, ip]),
                    Err(Refusal::NonPublicAddress { .. })
                ),
                "{private} must be refused"
            );
        }
        assert!(check_resolved("m", 995, &[]).is_err());
    }
}
