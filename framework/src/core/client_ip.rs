//! Who is on the other end of a request: the client's IP address, and the network it controls.
//!
//! **Security.** Anything in a request header is chosen by the client, so by default pony
//! takes the address of the TCP peer and ignores `X-Forwarded-For` and friends: a client that
//! could pick its own address could dodge every per-client limit (and frame someone else).
//! Behind reverse proxies, the peer is the proxy, the same for every user; then say which
//! header your proxies set and how many of them there are:
//!
//! ```toml
//! CLIENT_IP_HEADER = "X-Forwarded-For"   # or "X-Real-IP", …; unset (the default): the peer
//! CLIENT_IP_PROXY_COUNT = 1              # trusted proxies in front of pony (default 1)
//! ```
//!
//! The header is read as one comma-separated list (all its lines joined, as HTTP says) and
//! the entry `CLIENT_IP_PROXY_COUNT` from the right is taken. Each proxy appends the address
//! it saw, so that entry is the one the outermost trusted proxy wrote; everything to its left
//! came from the client and is never used. A header that is missing, too short, or holds
//! something other than an address there falls back to the peer: never to a value the client
//! could have chosen. Set these only when every request really passes your proxies (a client
//! reaching pony directly could send the header itself), and count the proxies exactly: one
//! too many trusts a client-written entry. RFC 7239's `Forwarded` syntax is not read.
//!
//! A client is identified by its [network](network_key): an IPv4 address, or the /64 of an
//! IPv6 address (the block one subscriber gets, so one user cannot rotate through 2^64 keys).
//! IPv4-mapped IPv6 addresses (`::ffff:203.0.113.9`, from dual-stack sockets) count as IPv4.
//!
//! ```
//! use std::net::IpAddr;
//! use axum::http::HeaderMap;
//! use pony::http::{ClientIpSettings, network_key};
//!
//! let proxy: IpAddr = "10.0.0.2".parse().unwrap();
//! let mut headers = HeaderMap::new();
//! headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.9".parse().unwrap());
//! // By default the header is ignored: the peer is the client.
//! assert_eq!(ClientIpSettings::default().client_ip(&headers, Some(proxy)), Some(proxy));
//! // Behind one proxy, the entry it appended; "6.6.6.6" was written by the client.
//! let behind = ClientIpSettings::behind_proxies("X-Forwarded-For", 1).unwrap();
//! let client = behind.client_ip(&headers, Some(proxy)).unwrap();
//! assert_eq!(client.to_string(), "203.0.113.9");
//! assert_eq!(network_key("2001:db8:1:2:3:4:5:6".parse().unwrap()), "2001:db8:1:2::/64");
//! ```

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap, HeaderName};
use serde::Deserialize;

use crate::conf::Settings;
use crate::error::{Error, Result};

/// How to find the client's address: the peer (default) or a trusted proxy header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientIpSettings {
    /// `CLIENT_IP_HEADER`, when set.
    header: Option<HeaderName>,
    /// `CLIENT_IP_PROXY_COUNT`.
    proxy_count: usize,
}

/// The `CLIENT_IP_*` settings as written in `settings.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", deny_unknown_fields, default)]
struct FileSettings {
    header: Option<String>,
    proxy_count: Option<usize>,
}

impl ClientIpSettings {
    /// The `CLIENT_IP_HEADER` and `CLIENT_IP_PROXY_COUNT` settings; a wrong type, an invalid
    /// header name or a count of 0 is an `ImproperlyConfigured` error.
    pub fn from_settings(settings: &Settings) -> Result<Self> {
        let file: FileSettings = settings.group("CLIENT_IP_")?;
        match (file.header, file.proxy_count) {
            (Some(header), count) => Self::behind_proxies(&header, count.unwrap_or(1)),
            (None, None) => Ok(Self::default()),
            (None, Some(_)) => Err(Error::ImproperlyConfigured(
                "CLIENT_IP_PROXY_COUNT needs CLIENT_IP_HEADER (the header your proxies set)"
                    .to_owned(),
            )),
        }
    }

    /// Trusts `header` as written by `proxy_count` proxies in front of the server.
    pub fn behind_proxies(header: &str, proxy_count: usize) -> Result<Self> {
        let name = HeaderName::from_bytes(header.trim().as_bytes()).map_err(|_| {
            Error::ImproperlyConfigured(format!(
                "CLIENT_IP_HEADER must be an HTTP header name such as \"X-Forwarded-For\", \
                 not {header:?}"
            ))
        })?;
        if proxy_count == 0 {
            return Err(Error::ImproperlyConfigured(
                "CLIENT_IP_PROXY_COUNT must be at least 1 when CLIENT_IP_HEADER is set".to_owned(),
            ));
        }
        Ok(ClientIpSettings {
            header: Some(name),
            proxy_count,
        })
    }

    /// The client's address: from the trusted header when configured and well-formed, else
    /// the peer's; `None` when neither is known. IPv4-mapped addresses come back as IPv4.
    pub fn client_ip(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<IpAddr> {
        let forwarded = self
            .header
            .as_ref()
            .and_then(|name| hop_from_right(headers, name, self.proxy_count));
        forwarded.or(peer).map(|ip| ip.to_canonical())
    }
}

/// The TCP peer's address, when the server recorded it (`ConnectInfo`; plain `axum::serve`
/// does not).
///
/// ```
/// assert_eq!(pony::http::peer_address(&Default::default()), None);
/// ```
pub fn peer_address(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The network a client controls, as a key: the IPv4 address itself, or the IPv6 /64.
///
/// ```
/// use pony::http::network_key;
/// assert_eq!(network_key("203.0.113.9".parse().unwrap()), "203.0.113.9");
/// assert_eq!(network_key("::ffff:203.0.113.9".parse().unwrap()), "203.0.113.9");
/// assert_eq!(network_key("2001:db8::1".parse().unwrap()), "2001:db8::/64");
/// ```
pub fn network_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", Ipv6Addr::from(prefix))
        }
    }
}

/// The entry `count` from the right of the comma-separated list in every `name` header line.
fn hop_from_right(headers: &HeaderMap, name: &HeaderName, count: usize) -> Option<IpAddr> {
    let mut entries = Vec::new();
    for line in headers.get_all(name) {
        entries.extend(line.to_str().ok()?.split(','));
    }
    let entry = entries.len().checked_sub(count).map(|at| entries[at])?;
    parse_address(entry.trim())
}

/// `203.0.113.9`, `2001:db8::1`, and the same with a port (`203.0.113.9:4711`,
/// `[2001:db8::1]:4711`), which some proxies append.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEER: &str = "10.0.0.2";

    fn peer() -> Option<IpAddr> {
        PEER.parse().ok()
    }

    fn headers(name: &str, lines: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for line in lines {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                line.parse().unwrap(),
            );
        }
        map
    }

    fn seen(settings: &ClientIpSettings, map: &HeaderMap) -> String {
        settings
            .client_ip(map, peer())
            .map_or("none".to_owned(), |ip| ip.to_string())
    }

    #[test]
    fn the_header_is_ignored_unless_trusted() {
        let map = headers("X-Forwarded-For", &["203.0.113.9"]);
        assert_eq!(seen(&ClientIpSettings::default(), &map), PEER);
        assert_eq!(ClientIpSettings::default().client_ip(&map, None), None);
    }

    #[test]
    fn hops_are_counted_from_the_right() {
        let one = ClientIpSettings::behind_proxies("X-Forwarded-For", 1).unwrap();
        let two = ClientIpSettings::behind_proxies("x-forwarded-for", 2).unwrap();
        let map = headers("X-Forwarded-For", &["6.6.6.6, 203.0.113.9", "192.0.2.1"]);
        assert_eq!(seen(&one, &map), "192.0.2.1");
        assert_eq!(seen(&two, &map), "203.0.113.9");
        let three = ClientIpSettings::behind_proxies("X-Forwarded-For", 3).unwrap();
        assert_eq!(seen(&three, &map), "6.6.6.6");
        // Fewer entries than proxies: the header is not what our proxies wrote.
        let four = ClientIpSettings::behind_proxies("X-Forwarded-For", 4).unwrap();
        assert_eq!(seen(&four, &map), PEER);
        // Ports and brackets, as some proxies write them.
        let map = headers("X-Forwarded-For", &["[2001:db8::7]:4711"]);
        assert_eq!(seen(&one, &map), "2001:db8::7");
        let map = headers("X-Forwarded-For", &["203.0.113.9:4711"]);
        assert_eq!(seen(&one, &map), "203.0.113.9");
    }

    #[test]
    fn malformed_or_missing_headers_fall_back_to_the_peer() {
        let one = ClientIpSettings::behind_proxies("X-Forwarded-For", 1).unwrap();
        for lines in [
            &[][..],
            &[""],
            &["unknown"],
            &["203.0.113.9, "],
            &["203.0.113.9,garbage"],
            &["203.0.113.999"],
            &["203.0.113.9 198.51.100.1"],
        ] {
            let map = headers("X-Forwarded-For", lines);
            assert_eq!(seen(&one, &map), PEER, "{lines:?}");
        }
        let mut map = HeaderMap::new();
        map.insert(
            "x-forwarded-for",
            axum::http::HeaderValue::from_bytes(b"203.0.113.9\xff").unwrap(),
        );
        assert_eq!(seen(&one, &map), PEER);
        // Without a peer either, nothing is known.
        assert_eq!(one.client_ip(&HeaderMap::new(), None), None);
    }

    #[test]
    fn other_headers_and_mapped_addresses() {
        let real_ip = ClientIpSettings::behind_proxies("X-Real-IP", 1).unwrap();
        let map = headers("X-Real-IP", &["::ffff:198.51.100.4"]);
        assert_eq!(seen(&real_ip, &map), "198.51.100.4");
        let mapped_peer = "::ffff:10.1.1.1".parse().ok();
        let ip = ClientIpSettings::default().client_ip(&HeaderMap::new(), mapped_peer);
        assert_eq!(ip.map(|ip| ip.to_string()).as_deref(), Some("10.1.1.1"));
    }

    #[test]
    fn networks_are_ipv4_addresses_and_ipv6_slash_64s() {
        let key = |text: &str| network_key(text.parse().unwrap());
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:abcd::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::1"), "::/64");
    }

    #[test]
    fn bad_settings_are_clear_errors() {
        let load = |toml: &str| {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join("settings.toml"), toml).unwrap();
            let settings = Settings::load_from(dir.path(), |_| None).unwrap();
            ClientIpSettings::from_settings(&settings)
        };
        assert_eq!(load("").unwrap(), ClientIpSettings::default());
        let trusted = load("CLIENT_IP_HEADER = 'X-Real-IP'").unwrap();
        assert_eq!(
            trusted,
            ClientIpSettings::behind_proxies("x-real-ip", 1).unwrap()
        );
        for (toml, expected) in [
            ("CLIENT_IP_PROXY_COUNT = '1'", "CLIENT_IP_PROXY_COUNT"),
            ("CLIENT_IP_HEADER = true", "CLIENT_IP_HEADER"),
            ("CLIENT_IP_HEADER = 'X Forwarded'", "must be an HTTP header"),
            (
                "CLIENT_IP_HEADER = 'X-Real-IP'\nCLIENT_IP_PROXY_COUNT = 0",
                "at least 1",
            ),
            ("CLIENT_IP_PROXY_COUNT = 2", "needs CLIENT_IP_HEADER"),
            ("CLIENT_IP_HEADERS = 'X-Real-IP'", "CLIENT_IP_HEADERS"),
        ] {
            let error = load(toml).unwrap_err().to_string();
            assert!(error.contains(expected), "{toml}: {error}");
        }
    }
}
