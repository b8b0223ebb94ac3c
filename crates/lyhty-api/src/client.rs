//! The client address a request came from, which sign-in throttling is keyed by
//! ([`crate::throttle`]).

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::net::{IpAddr, SocketAddr};

/// The address a request came from: the socket peer, or, when the peer is one of the
/// `trusted_proxies`, the nearest address in `X-Forwarded-For` that is not a trusted proxy.
/// A header sent by anyone else is ignored, so a client cannot pick its own address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Without a socket (a router driven in-process) every request counts as one address.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        Ok(ClientAddr(client_addr(peer, forwarded, &state.settings.trusted_proxies)))
    }
}

fn client_addr<'a>(peer: IpAddr, forwarded: impl Iterator<Item = &'a str>, trusted: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.contains(ip);
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded.flat_map(|h| h.split(',')).map(str::trim).collect();
    // Right to left: each trusted proxy appended the address it got the request from.
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&ip) => continue,
            Ok(ip) => return ip,
            // A hop that is not an address cannot be trusted; neither can anything left of it.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "198.51.100.2".parse().unwrap();
        let header = ["203.0.113.9, 198.51.100.2"];
        assert_eq!(client_addr(client, header.into_iter(), &[proxy]), client, "a client cannot pick its address");
        assert_eq!(client_addr(proxy, header.into_iter(), &[]), proxy, "no proxy is trusted by default");
        assert_eq!(client_addr(proxy, header.into_iter(), &[proxy]), client, "the nearest untrusted hop");
        assert_eq!(client_addr(proxy, ["198.51.100.2, 10.0.0.1"].into_iter(), &[proxy]), client);
        assert_eq!(client_addr(proxy, ["nonsense"].into_iter(), &[proxy]), proxy);
        assert_eq!(client_addr(proxy, std::iter::empty(), &[proxy]), proxy);
    }
}
