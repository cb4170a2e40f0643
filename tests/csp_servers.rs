//! `biscoito csp` as a maintainer uses it: the real binary writes the
//! configuration, and Debian's nginx, Apache and Caddy, run unprivileged from
//! a temporary prefix, serve a page with it. Each must send the strict
//! policy without the consent cookie, with one of another revision and with
//! a forged one, and open exactly what a cookie of this revision names.
//!
//! A server that is not installed fails its test, saying so (`.ci/setup.sh
//! servers` installs them); BISCOITO_TEST_SERVERS=skip leaves them out on
//! purpose.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONFIG: &str = r#"{"revision": 4, "csp": true, "googleAnalytics": {"measurementId": "G-CSP0000001"},
 "categories": [{"id": "necessary", "required": true, "hosts": ["cdn.vilaserena.example"]},
  {"id": "analytics", "services": ["Google Analytics"]},
  {"id": "marketing", "hosts": ["connect.facebook.net"]},
  {"id": "videos", "services": [{"id": "youtube", "title": "YouTube", "hosts": ["*.youtube-nocookie.com"]},
                                {"id": "vimeo", "title": "Vimeo", "hosts": ["player.vimeo.com"]}]}]}"#;

/// A fresh directory for one server, readable by the user nginx's workers
/// and Apache's children drop to when started as root.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("biscoito-csp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site")).unwrap();
    std::fs::write(
        dir.join("site/index.html"),
        "<!doctype html><title>Portal</title>",
    )
    .unwrap();
    std::fs::write(dir.join("biscoito.json"), CONFIG).unwrap();
    dir
}

/// The server's program, or None when this run leaves servers out.
fn program(name: &str) -> Option<&'static str> {
    if std::env::var("BISCOITO_TEST_SERVERS").as_deref() == Ok("skip") {
        eprintln!("{name} left out: BISCOITO_TEST_SERVERS=skip");
        return None;
    }
    let path = match name {
        "nginx" => "/usr/sbin/nginx",
        "apache" => "/usr/sbin/apache2",
        _ => "/usr/bin/caddy",
    };
    assert!(
        Path::new(path).exists(),
        "{path} is missing: run .ci/setup.sh servers (make test does), or set BISCOITO_TEST_SERVERS=skip"
    );
    Some(path)
}

fn generate(dir: &Path, server: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .args(["csp", "--config"])
        .arg(dir.join("biscoito.json"))
        .args(["--server", server, "--out"])
        .arg(dir.join("generated"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The Content-Security-Policy header for a request sending `cookie`.
fn policy_for(port: u16, cookie: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("the server never listened on {port}: {e}"),
        }
    };
    let cookie = if cookie.is_empty() {
        String::new()
    } else {
        format!("Cookie: {cookie}\r\n")
    };
    write!(
        stream,
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{cookie}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    // The policy depends on the cookie: no cache may reuse it for another.
    assert!(
        answer
            .lines()
            .any(|l| l.starts_with("Vary:") && l.contains("Cookie")),
        "no Vary: Cookie in {answer}"
    );
    answer
        .lines()
        .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
        .unwrap_or_else(|| panic!("no Content-Security-Policy in {answer}"))
        .split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ;", ";")
}

/// What every server must answer, on any `cookie_name` it reads.
fn holds(port: u16, cookie_name: &str) {
    let strict = "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline' cdn.vilaserena.example; \
                  img-src 'self' cdn.vilaserena.example; frame-src 'self' cdn.vilaserena.example; \
                  connect-src 'self' cdn.vilaserena.example";
    assert_eq!(policy_for(port, ""), strict, "no cookie");
    assert_eq!(
        policy_for(port, &format!("{cookie_name}=3.youtube.vimeo")),
        strict,
        "another revision"
    );
    assert_eq!(
        policy_for(port, &format!("{cookie_name}=4")),
        strict,
        "everything refused"
    );
    assert_eq!(
        policy_for(port, &format!("{cookie_name}=4.evil.com")),
        strict,
        "a forged id"
    );
    assert_eq!(
        policy_for(port, &format!("x{cookie_name}=4.youtube")),
        strict,
        "another cookie's name"
    );
    let youtube = policy_for(port, &format!("a=1; {cookie_name}=4.youtube; b=2"));
    assert!(
        youtube.contains(
            "frame-src 'self' cdn.vilaserena.example youtube-nocookie.com *.youtube-nocookie.com;"
        ),
        "{youtube}"
    );
    assert!(
        !youtube.contains("vimeo") && !youtube.contains("google"),
        "{youtube}"
    );
    let analytics = policy_for(port, &format!("{cookie_name}=4.analytics.google-analytics"));
    assert!(analytics.contains("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline' cdn.vilaserena.example googletagmanager.com *.googletagmanager.com"), "{analytics}");
    assert!(
        !analytics.contains("facebook") && !analytics.contains("youtube"),
        "{analytics}"
    );
}

/// A server that stops with the test, however the test ends: SIGTERM, which
/// nginx's master and Apache pass on to their workers (SIGKILL would orphan them).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn nginx_serves_the_policy_each_cookie_asks_for() {
    let Some(nginx) = program("nginx") else {
        return;
    };
    let dir = workdir("nginx");
    generate(&dir, "nginx");
    let port = free_port();
    for sub in ["logs", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let d = dir.display();
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/logs/error.log;\n\
             events {{ worker_connections 64; }}\nhttp {{\n access_log off;\n\
             client_body_temp_path {d}/tmp/body; proxy_temp_path {d}/tmp/proxy; fastcgi_temp_path {d}/tmp/fcgi;\n\
             uwsgi_temp_path {d}/tmp/uwsgi; scgi_temp_path {d}/tmp/scgi;\n\
             include {d}/generated/http.conf;\n\
             server {{ listen 127.0.0.1:{port}; root {d}/site; include {d}/generated/server.conf; }}\n}}\n"
        ),
    )
    .unwrap();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    holds(port, "biscoito-csp");
    holds(port, "__Host-biscoito-csp");
}

#[test]
fn apache_serves_the_policy_each_cookie_asks_for() {
    let Some(apache) = program("apache") else {
        return;
    };
    let dir = workdir("apache");
    generate(&dir, "apache");
    let port = free_port();
    let d = dir.display();
    let modules = "/usr/lib/apache2/modules";
    std::fs::write(
        dir.join("httpd.conf"),
        format!(
            "ServerRoot {d}\nServerName localhost\nPidFile {d}/httpd.pid\nErrorLog {d}/error.log\nListen 127.0.0.1:{port}\n\
             LoadModule mpm_event_module {modules}/mod_mpm_event.so\n\
             LoadModule authz_core_module {modules}/mod_authz_core.so\n\
             LoadModule headers_module {modules}/mod_headers.so\n\
             LoadModule setenvif_module {modules}/mod_setenvif.so\n\
             DocumentRoot {d}/site\n<Directory {d}/site>\n  Require all granted\n</Directory>\n\
             Include {d}/generated/biscoito-csp.conf\n"
        ),
    )
    .unwrap();
    let check = Command::new(apache)
        .args(["-t", "-f"])
        .arg(dir.join("httpd.conf"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new(apache)
        .args(["-DFOREGROUND", "-f"])
        .arg(dir.join("httpd.conf"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    holds(port, "biscoito-csp");
    holds(port, "__Host-biscoito-csp");
}

#[test]
fn caddy_serves_the_policy_each_cookie_asks_for() {
    let Some(caddy) = program("caddy") else {
        return;
    };
    let dir = workdir("caddy");
    generate(&dir, "caddy");
    let port = free_port();
    let d = dir.display();
    std::fs::write(
        dir.join("Caddyfile"),
        format!(
            "{{\n  admin off\n}}\nhttp://127.0.0.1:{port} {{\n  root * {d}/site\n  file_server\n  import {d}/generated/biscoito-csp.caddy\n}}\n"
        ),
    )
    .unwrap();
    let child = Command::new(caddy)
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(dir.join("Caddyfile"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _running = Running(child);
    // Caddy sites are https, where only the __Host- cookie exists.
    holds(port, "__Host-biscoito-csp");
}

#[test]
fn a_report_url_that_would_break_out_of_the_header_is_refused() {
    let dir = workdir("injection");
    for uri in [
        "/x\" always; add_header X y",
        "/x\n",
        "/a b",
        "/$host",
        "javascript:alert(1)",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
            .args(["csp", "--config"])
            .arg(dir.join("biscoito.json"))
            .args(["--server", "nginx", "--report-only", uri, "--out"])
            .arg(dir.join("generated"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{uri:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--report-only"),
            "{uri:?}"
        );
        assert!(!dir.join("generated").exists(), "{uri:?}: nothing written");
    }
}
