//! Keeps a scanned page from reaching the scanner's own network: the cloud
//! metadata service (169.254.169.254), the intranet, the machine itself.
//!
//! Chromium is pointed at a small forward proxy on loopback. The proxy
//! resolves each host itself, refuses the request when any address is
//! private, loopback, link-local or otherwise not on the public internet,
//! and otherwise connects to the very address it checked. Checking in the
//! proxy, not in a CDP hook, is what keeps a DNS answer that changes between
//! the check and the connection (rebinding) from getting through.
//!
//! The scanned host itself is always allowed: intranet portals are scanned
//! from inside. `--allow-private` turns the proxy off.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request head larger than this is not a browser's.
const MOST_HEAD_BYTES: usize = 64 * 1024;
/// Refused addresses the report keeps, like the scanner's other caps.
const MOST_REFUSED: usize = 200;

/// True for every address a public web page has no business reaching.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_v4(v4);
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
                || (first & 0xffc0) == 0xfe80 // link-local, fe80::/10
                || (first & 0xffc0) == 0xfec0 // site-local, deprecated but routed by some
                || is_nat64_of_private(v6)
        }
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT, 100.64/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, 198.18/15
        || a >= 240 // reserved
}

/// 64:ff9b::/96 carries an IPv4 address through a NAT64 gateway.
fn is_nat64_of_private(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    if s[..6] != [0x64, 0xff9b, 0, 0, 0, 0] {
        return false;
    }
    let [hi, lo] = [s[6], s[7]];
    is_private_v4(Ipv4Addr::new(
        (hi >> 8) as u8,
        hi as u8,
        (lo >> 8) as u8,
        lo as u8,
    ))
}

/// The running proxy. Dropping it stops listening.
pub struct Guard {
    pub address: SocketAddr,
    refused: Arc<Mutex<BTreeSet<String>>>,
    unreachable: Arc<Unreachable>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Guard {
    /// Listens on a free loopback port; `scanned_host` (a name or an
    /// address, without port) may be private.
    pub async fn start(scanned_host: &str) -> Result<Guard, String> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| format!("could not start the private-address guard: {e}"))?;
        let address = listener
            .local_addr()
            .map_err(|e| format!("could not start the private-address guard: {e}"))?;
        let refused: Arc<Mutex<BTreeSet<String>>> = Arc::default();
        let unreachable: Arc<Unreachable> = Arc::default();
        let scanned = Arc::new(bare_host(scanned_host).to_ascii_lowercase());
        let task = {
            let refused = refused.clone();
            let unreachable = unreachable.clone();
            tokio::spawn(async move {
                while let Ok((client, _)) = listener.accept().await {
                    let refused = refused.clone();
                    let unreachable = unreachable.clone();
                    let scanned = scanned.clone();
                    tokio::spawn(async move {
                        let _ = relay(client, &scanned, &refused, &unreachable).await;
                    });
                }
            })
        };
        Ok(Guard {
            address,
            refused,
            unreachable,
            task,
        })
    }

    /// The Chromium flags that send every request through the guard,
    /// loopback included (Chromium skips the proxy for it by default).
    pub fn browser_args(&self) -> [String; 2] {
        [
            format!("proxy-server=http://{}", self.address),
            "proxy-bypass-list=<-loopback>".to_owned(),
        ]
    }

    /// Why the guard could not reach `host`, as Chromium's net error code.
    pub fn why_unreachable(&self, host: &str) -> Option<&'static str> {
        let host = bare_host(host).to_ascii_lowercase();
        let list = self.unreachable.0.lock().unwrap();
        list.iter().find(|(h, _)| *h == host).map(|(_, code)| *code)
    }

    /// "host:port (address)" of each request refused so far, sorted.
    pub fn refused(&self) -> Vec<String> {
        self.refused.lock().unwrap().iter().cloned().collect()
    }
}

/// Hosts the guard could not reach, with the net error Chromium would have
/// given without it: behind a proxy, Chromium only sees a 502.
#[derive(Default)]
struct Unreachable(Mutex<Vec<(String, &'static str)>>);

impl Unreachable {
    fn note(&self, host: &str, code: &'static str) {
        let mut list = self.0.lock().unwrap();
        if list.len() < MOST_REFUSED && !list.iter().any(|(h, _)| h == host) {
            list.push((bare_host(host).to_ascii_lowercase(), code));
        }
    }
}

/// Chromium's words for a connection that failed.
fn net_code(error: &std::io::Error) -> &'static str {
    match error.kind() {
        std::io::ErrorKind::ConnectionRefused => "net::ERR_CONNECTION_REFUSED",
        std::io::ErrorKind::TimedOut => "net::ERR_CONNECTION_TIMED_OUT",
        _ => "net::ERR_CONNECTION_FAILED",
    }
}

/// "[::1]" → "::1"; names and IPv4 addresses are left as they are.
fn bare_host(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// Where a proxied request goes, and the head to send there.
struct Target {
    host: String,
    port: u16,
    /// `None` for CONNECT: the browser speaks to the host itself (TLS,
    /// WebSocket) once the tunnel is open.
    head: Option<Vec<u8>>,
}

async fn relay(
    mut client: TcpStream,
    scanned: &str,
    refused: &Mutex<BTreeSet<String>>,
    unreachable: &Unreachable,
) -> std::io::Result<()> {
    let mut buffer = Vec::with_capacity(4096);
    let head_end = loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MOST_HEAD_BYTES {
            return answer(&mut client, "431 Request Header Fields Too Large").await;
        }
        let mut chunk = [0u8; 4096];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let Some(target) = parse_head(&buffer[..head_end]) else {
        return answer(&mut client, "400 Bad Request").await;
    };
    let addresses: Vec<SocketAddr> =
        match tokio::net::lookup_host((bare_host(&target.host), target.port)).await {
            Ok(found) => found.collect(),
            Err(_) => {
                unreachable.note(&target.host, "net::ERR_NAME_NOT_RESOLVED");
                return answer(&mut client, "502 Bad Gateway").await;
            }
        };
    let own_site = bare_host(&target.host).eq_ignore_ascii_case(scanned);
    if !own_site {
        if let Some(private) = addresses.iter().find(|a| is_private(a.ip())) {
            note_refused(
                refused,
                format!("{}:{} ({})", target.host, target.port, private.ip()),
            );
            return answer(&mut client, "403 Forbidden").await;
        }
    }
    // The very addresses checked above: no second lookup to rebind.
    let mut upstream = match TcpStream::connect(&addresses[..]).await {
        Ok(stream) => stream,
        Err(error) => {
            unreachable.note(&target.host, net_code(&error));
            return answer(&mut client, "502 Bad Gateway").await;
        }
    };
    match target.head {
        None => {
            client
                .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                .await?
        }
        Some(head) => upstream.write_all(&head).await?,
    }
    upstream.write_all(&buffer[head_end..]).await?;
    tokio::io::copy_bidirectional(&mut client, &mut upstream).await?;
    Ok(())
}

fn note_refused(refused: &Mutex<BTreeSet<String>>, what: String) {
    let mut refused = refused.lock().unwrap();
    if refused.len() < MOST_REFUSED {
        refused.insert(what);
    }
}

async fn answer(client: &mut TcpStream, status: &str) -> std::io::Result<()> {
    client
        .write_all(
            format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads a proxy request head: `CONNECT host:port` or a plain-http request
/// in absolute form. The plain one is rewritten for the origin server, with
/// `Connection: close`, so that a kept-alive connection cannot carry a
/// second request to another host past the check.
fn parse_head(head: &[u8]) -> Option<Target> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target, version) = (
        request_line.next()?,
        request_line.next()?,
        request_line.next()?,
    );
    if method.eq_ignore_ascii_case("CONNECT") {
        let (host, port) = split_authority(target, 443)?;
        return Some(Target {
            host,
            port,
            head: None,
        });
    }
    let rest = target.strip_prefix("http://")?;
    let slash = rest.find('/').unwrap_or(rest.len());
    let (host, port) = split_authority(&rest[..slash], 80)?;
    let path = if slash == rest.len() {
        "/"
    } else {
        &rest[slash..]
    };
    let mut out = format!("{method} {path} {version}\r\n");
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("connection") || name.eq_ignore_ascii_case("proxy-connection")
        {
            continue;
        }
        out += line;
        out += "\r\n";
    }
    out += "Connection: close\r\n\r\n";
    Some(Target {
        host,
        port,
        head: Some(out.into_bytes()),
    })
}

/// "host:port", "[v6]:port" or a bare host with the scheme's port.
fn split_authority(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        (format!("[{host}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_owned(), port.parse().ok()?),
            None => (authority.to_owned(), default_port),
        }
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_addresses_a_page_must_not_reach_are_private() {
        for private in [
            "169.254.169.254",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.0.10",
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_private(ip(private)), "{private} should be private");
        }
        for public in [
            "142.250.79.14",
            "200.160.2.3",
            "172.32.0.1",
            "100.128.0.1",
            "2800:3f0:4001:80d::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
        ] {
            assert!(!is_private(ip(public)), "{public} should be public");
        }
    }

    #[test]
    fn a_plain_request_goes_to_its_host_with_the_connection_closed_after_it() {
        let target = parse_head(
            b"GET http://Intranet.local:8080/a?b=1 HTTP/1.1\r\nHost: intranet.local:8080\r\nProxy-Connection: keep-alive\r\nAccept: */*\r\n\r\n",
        )
        .unwrap();
        assert_eq!(
            (target.host.as_str(), target.port),
            ("Intranet.local", 8080)
        );
        assert_eq!(
            String::from_utf8(target.head.unwrap()).unwrap(),
            "GET /a?b=1 HTTP/1.1\r\nHost: intranet.local:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn a_tunnel_names_its_host_and_port() {
        let target =
            parse_head(b"CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n").unwrap();
        assert_eq!((target.host.as_str(), target.port), ("[::1]", 8443));
        assert!(target.head.is_none());
        let target = parse_head(b"CONNECT www.google-analytics.com:443 HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(target.port, 443);
    }

    #[test]
    fn what_is_not_a_proxy_request_is_refused() {
        for head in [
            &b"GET /relative HTTP/1.1\r\n\r\n"[..],
            b"GET ftp://x/ HTTP/1.1\r\n\r\n",
            b"GET http://user:pw@169.254.169.254/ HTTP/1.1\r\n\r\n",
            b"CONNECT x:notaport HTTP/1.1\r\n\r\n",
            b"\xff\xfe\r\n\r\n",
        ] {
            assert!(
                parse_head(head).is_none(),
                "{:?}",
                String::from_utf8_lossy(head)
            );
        }
    }
}
