//! `runserver`'s `[ADDR:]PORT` argument, parsed as Django parses it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// Where to listen, and how to show it.
#[derive(Debug, Clone)]
pub(crate) struct AddrPort {
    pub(crate) addr: SocketAddr,
    /// As the user wrote the host (`localhost`, `127.0.0.1`, `[::1]`).
    pub(crate) display_host: String,
}

impl AddrPort {
    /// Django's default, `127.0.0.1:8000`.
    pub(crate) fn default_dev() -> Self {
        AddrPort {
            addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8000),
            display_host: "127.0.0.1".to_owned(),
        }
    }

    /// `8000`, `0.0.0.0:8000`, `localhost:8000`, `[::1]:8000`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("\"{text}\" is not a valid port number or address:port pair.");
        if let Ok(port) = text.parse::<u16>() {
            return Ok(AddrPort {
                addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
                display_host: "127.0.0.1".to_owned(),
            });
        }
        let (host, port) = text.rsplit_once(':').ok_or_else(invalid)?;
        let port: u16 = port.parse().map_err(|_| invalid())?;
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let addr = match bare.parse::<IpAddr>() {
            Ok(ip) => SocketAddr::new(ip, port),
            Err(_) => (bare, port)
                .to_socket_addrs()
                .ok()
                .and_then(|mut a| a.next())
                .ok_or_else(invalid)?,
        };
        Ok(AddrPort {
            addr,
            display_host: host.to_owned(),
        })
    }

    /// `http://127.0.0.1:8000/`.
    pub(crate) fn url(&self) -> String {
        format!("http://{}:{}/", self.display_host, self.addr.port())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_django() {
        assert_eq!(
            AddrPort::parse("9000").unwrap().url(),
            "http://127.0.0.1:9000/"
        );
        assert_eq!(
            AddrPort::parse("0.0.0.0:80").unwrap().addr.to_string(),
            "0.0.0.0:80"
        );
        assert_eq!(
            AddrPort::parse("[::1]:8001").unwrap().url(),
            "http://[::1]:8001/"
        );
        assert_eq!(
            AddrPort::parse("nope").unwrap_err(),
            "\"nope\" is not a valid port number or address:port pair."
        );
    }
}
