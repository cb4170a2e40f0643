//! `biscoito receipts serve`: the HTTP edge of the consent log.
//!
//! Handlers only read and refuse; one writer task owns every append, so the
//! chain has one author, and it commits what arrived together in one
//! transaction (a sync to disk per batch, not per receipt). A handler answers
//! 204 only once the writer says its receipt is committed.

use super::leak;
use super::receipt::{Receipt, Refusal, MAX_BODY_BYTES};
use super::store::Store;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State};
use axum::http::header::{CONTENT_TYPE, ORIGIN, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};
use tower::Service as _;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Most receipts committed in one transaction.
const MAX_BATCH: usize = 512;
/// Receipts waiting for the writer before handlers wait too.
const QUEUE: usize = 8192;

pub struct Options {
    pub listen: SocketAddr,
    /// Origins whose pages may send receipts; empty: any.
    pub allow_origins: Vec<String>,
    /// Receipts a minute from one address (an IPv6 /64); None: no limit.
    pub rate_limit: Option<NonZeroU32>,
    /// The header the reverse proxy puts the visitor's address in, for the
    /// rate limit; without it, the connection's own address counts.
    pub client_ip_header: Option<HeaderName>,
    /// Most receipts kept for one consent id; more are refused.
    pub max_per_consent: u32,
    /// How long a client may take to send a request's headers, and its body.
    pub read_timeout: Duration,
    /// How long a connection may stay open at all, idle or not.
    pub connection_timeout: Duration,
    /// With it, GET /estatisticas answers the statistics page to a request
    /// that carries it (`Authorization: Bearer …`), 401 to any other.
    pub stats_token: Option<String>,
}

struct Pending {
    consent_id: String,
    receipt: String,
    committed: oneshot::Sender<bool>,
}

#[derive(Clone)]
struct App {
    queue: mpsc::Sender<Pending>,
    store: Arc<Store>,
    origins: Arc<Vec<HeaderValue>>,
    limiter: Option<Arc<DefaultKeyedRateLimiter<IpAddr>>>,
    client_ip_header: Option<HeaderName>,
    max_per_consent: u32,
    stats_token: Option<Arc<String>>,
}

/// An error answer: a JSON object naming what was wrong.
fn refuse(status: StatusCode, error: &str, field: Option<&str>, message: &str) -> Response {
    let mut body = serde_json::json!({ "error": error, "message": message });
    if let Some(field) = field {
        body["field"] = field.into();
    }
    (status, Json(body)).into_response()
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The types `navigator.sendBeacon` sends a string or Blob with, and JSON.
/// Biscoito sends a string: `text/plain;charset=UTF-8`.
fn acceptable_type(headers: &HeaderMap) -> bool {
    let Some((essence, utf8)) = media_type(headers) else {
        return true; // an ArrayBuffer or an untyped Blob
    };
    utf8 && matches!(
        essence.as_str(),
        "text/plain" | "application/json" | "application/octet-stream" | ""
    )
}

/// The visitor's address as the rate limit counts it. Behind a proxy, the
/// last entry of the header's last line: the proxy appends the address it
/// saw, and every entry before it is whatever the client chose to send.
fn client_address(app: &App, headers: &HeaderMap, peer: SocketAddr) -> IpAddr {
    let address = app
        .client_ip_header
        .as_ref()
        .and_then(|name| headers.get_all(name).iter().next_back())
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer.ip());
    rate_key(address)
}

/// An IPv4 address as it is; an IPv6 address as its /64, the network one
/// subscriber is given, where a single host can take any of 2^64 addresses.
fn rate_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The rate limit's answer, when this request's address is over it. The
/// address is used here, in memory, and nowhere else.
fn over_the_limit(app: &App, headers: &HeaderMap, peer: SocketAddr) -> Option<Response> {
    let limiter = app.limiter.as_ref()?;
    limiter
        .check_key(&client_address(app, headers, peer))
        .err()?;
    let mut answer = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        None,
        "too many requests from this address; try again in a minute",
    );
    answer
        .headers_mut()
        .insert(RETRY_AFTER, HeaderValue::from_static("60"));
    Some(answer)
}

/// The answer for a body that could not be read (`what` is "a receipt"
/// or "a report").
fn unreadable(rejection: BytesRejection, what: &str) -> Response {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            None,
            &format!("{what} is at most {MAX_BODY_BYTES} bytes"),
        )
    } else {
        refuse(
            StatusCode::BAD_REQUEST,
            "unreadable-body",
            None,
            &rejection.body_text(),
        )
    }
}

/// The request's media type, lowercased, and whether its charset, if it
/// names one, is UTF-8; None without a Content-Type.
fn media_type(headers: &HeaderMap) -> Option<(String, bool)> {
    let Ok(value) = headers.get(CONTENT_TYPE)?.to_str() else {
        return Some((String::new(), false));
    };
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("").to_ascii_lowercase();
    let utf8 = parts.all(|p| {
        p.split_once('=').is_none_or(|(k, v)| {
            !k.trim().eq_ignore_ascii_case("charset")
                || v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
    });
    Some((essence, utf8))
}

async fn post_receipt(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(origin) = headers.get(ORIGIN) {
        if !app.origins.is_empty() && !app.origins.contains(origin) {
            return refuse(
                StatusCode::FORBIDDEN,
                "origin-not-allowed",
                None,
                "this origin is not among the service's --allow-origin",
            );
        }
    }
    if let Some(answer) = over_the_limit(&app, &headers, peer) {
        return answer;
    }
    if !acceptable_type(&headers) {
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-content-type",
            None,
            "send JSON as text/plain, application/json or application/octet-stream, in UTF-8",
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable(rejection, "a receipt"),
    };
    let receipt = match Receipt::parse(&body) {
        Ok(receipt) => receipt,
        Err(Refusal { field, message }) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "invalid-receipt",
                field.as_deref(),
                &message,
            )
        }
    };
    // Receipts are claims anyone can send: one consent id cannot be made to
    // fill the log (or bury its real receipts under forged ones).
    match app.store.count_for(&receipt.record.id).await {
        Ok(count) if count >= i64::from(app.max_per_consent) => {
            return refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "consent-id-full",
                Some("record.id"),
                "this consent id already has as many receipts as the service keeps for one",
            )
        }
        Ok(_) => {}
        Err(e) => {
            tracing::error!(error = %e, "cannot count a consent id's receipts");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-stored",
                None,
                "the receipt could not be stored; send it again",
            );
        }
    }
    let (committed, was_committed) = oneshot::channel();
    let pending = Pending {
        consent_id: receipt.record.id.clone(),
        receipt: receipt.to_json(),
        committed,
    };
    if app.queue.send(pending).await.is_err() {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting-down",
            None,
            "the service is stopping; send the receipt again",
        );
    }
    match was_committed.await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        _ => refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-stored",
            None,
            "the receipt could not be stored; send it again",
        ),
    }
}

/// `POST /csp-reports`: what `biscoito csp --report-only` tells browsers to
/// send. Counted per day, page path, blocked host and directive; the same
/// body limit and rate limit as receipts.
async fn post_csp_reports(
    State(app): State<App>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Some(answer) = over_the_limit(&app, &headers, peer) {
        return answer;
    }
    let essence = media_type(&headers)
        .map(|(essence, _)| essence)
        .unwrap_or_default();
    let reports_json =
        match essence.as_str() {
            "application/csp-report" | "application/json" => false,
            "application/reports+json" => true,
            _ => return refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-content-type",
                None,
                "send application/csp-report (report-uri) or application/reports+json (report-to)",
            ),
        };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return unreadable(rejection, "a report"),
    };
    let leaks = match leak::read(&body, reports_json) {
        Ok(leaks) => leaks,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, "invalid-report", None, &why),
    };
    let day = super::format_day(now_ms());
    match app.store.count_leaks(&day, &leaks).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => {
            tracing::error!(error = %e, "csp reports not counted");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-stored",
                None,
                "the report could not be counted",
            )
        }
    }
}

#[derive(serde::Deserialize)]
struct StatsQuery {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
    revision: Option<u64>,
    lang: Option<String>,
    /// At least the default: a reader may fold more, never less.
    k: Option<u64>,
}

/// Equal, in a time that does not depend on where they first differ.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter().zip(b.iter()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// GET /estatisticas: the statistics page (stats_page), for whoever holds
/// the token. The query takes `stats`' options: from, to, by, revision, lang.
async fn statistics(
    State(app): State<App>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let expected = app
        .stats_token
        .as_deref()
        .map(String::as_bytes)
        .unwrap_or_default();
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if expected.is_empty() || !same_secret(given.trim().as_bytes(), expected) {
        let mut answer = refuse(
            StatusCode::UNAUTHORIZED,
            "token-required",
            None,
            "the statistics need the token the service was started with, as Authorization: Bearer …",
        );
        answer.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"estatisticas\""),
        );
        return answer;
    }
    let Ok(axum::extract::Query(query)) = query else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "bad-query",
            None,
            "the query takes from, to, by (day, week, month), revision and lang (pt-BR, en)",
        );
    };
    let by = match query.by.as_deref() {
        None | Some("week") => super::stats::Period::Week,
        Some("day") => super::stats::Period::Day,
        Some("month") => super::stats::Period::Month,
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad-query",
                Some("by"),
                "by must be day, week or month",
            )
        }
    };
    let lang = match query.lang.as_deref() {
        None | Some("pt-BR") => super::stats_page::Lang::PtBr,
        Some("en") => super::stats_page::Lang::En,
        Some(_) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad-query",
                Some("lang"),
                "lang must be pt-BR or en",
            )
        }
    };
    let parse = |text: Option<&str>, default: i64| text.map_or(Ok(default), super::parse_time);
    let (from, to) = match (
        parse(query.from.as_deref(), 0),
        parse(query.to.as_deref(), now_ms() + 1),
    ) {
        (Ok(from), Ok(to)) if from < to => (from, to),
        (Err(e), _) => return refuse(StatusCode::BAD_REQUEST, "bad-query", Some("from"), &e),
        (_, Err(e)) => return refuse(StatusCode::BAD_REQUEST, "bad-query", Some("to"), &e),
        _ => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad-query",
                Some("from"),
                "from must come before to",
            )
        }
    };
    let k = query
        .k
        .unwrap_or(super::stats::DEFAULT_K)
        .max(super::stats::DEFAULT_K);
    match super::stats::compute(&app.store, from, to, by, query.revision, k).await {
        Ok(stats) => (
            [
                (CONTENT_TYPE, "text/html; charset=utf-8"),
                (axum::http::header::CACHE_CONTROL, "no-store"),
                (HeaderName::from_static("x-robots-tag"), "noindex"),
                (
                    axum::http::header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
                ),
            ],
            super::stats_page::page(&stats, lang),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "statistics: the database does not answer");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "database-unavailable",
                None,
                "the database does not answer",
            )
        }
    }
}

async fn healthz(State(app): State<App>) -> Response {
    match app.store.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: the database does not answer");
            refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "database-unavailable",
                None,
                "the database does not answer",
            )
        }
    }
}

async fn not_found() -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        "not-found",
        None,
        "POST /receipts, POST /csp-reports or GET /healthz",
    )
}

/// Takes every receipt waiting, commits them together, and tells each
/// handler. Ends when every handler is gone and the queue is empty.
async fn write_receipts(store: Arc<Store>, mut queue: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let rows: Vec<(&str, &str)> = batch
            .iter()
            .map(|p| (p.consent_id.as_str(), p.receipt.as_str()))
            .collect();
        let stored = store.append(&rows, now_ms()).await;
        match &stored {
            Ok(seqs) => tracing::info!(
                receipts = seqs.len(),
                first_seq = seqs.first().copied().unwrap_or_default(),
                last_seq = seqs.last().copied().unwrap_or_default(),
                "committed"
            ),
            Err(e) => tracing::error!(receipts = rows.len(), error = %e, "not committed"),
        }
        for pending in batch.drain(..) {
            let _ = pending.committed.send(stored.is_ok());
        }
    }
}

fn router(app: App) -> Router {
    let mut receipts = Router::new()
        .route("/receipts", post(post_receipt))
        .route("/csp-reports", post(post_csp_reports))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    if !app.origins.is_empty() {
        receipts = receipts.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(app.origins.iter().cloned()))
                .allow_methods([Method::POST])
                .allow_headers([CONTENT_TYPE])
                .max_age(Duration::from_secs(86_400)),
        );
    }
    if app.stats_token.is_some() {
        receipts = receipts.route("/estatisticas", get(statistics));
    }
    receipts
        .route("/healthz", get(healthz))
        .fallback(not_found)
        .with_state(app)
}

async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = terminate => {},
        _ = tokio::signal::ctrl_c() => {},
    }
    tracing::info!("stopping: finishing the requests in flight");
}

/// Takes connections until SIGTERM or Ctrl+C, then waits for the ones open
/// to finish. A client has `read_timeout` to send each request's headers
/// (the body has as long, through the router's layer), and a connection is
/// closed after `connection_timeout` whatever it is doing: a receipt is one
/// small request, and a slow or idle client must not hold a connection.
async fn accept_until_stopped(
    listener: tokio::net::TcpListener,
    router: Router,
    read_timeout: Duration,
    connection_timeout: Duration,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(read_timeout);
    let open = GracefulShutdown::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait, do not spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let router = router.clone();
        let service = tower::service_fn(move |mut request: axum::extract::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(request)
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = open.watch(connection);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(connection_timeout, connection).await;
        });
    }
    open.shutdown().await;
}

/// Serves until SIGTERM or Ctrl+C, then lets every request in flight finish
/// and the writer commit all it was given before returning.
pub async fn serve(store: Store, options: Options) -> Result<(), String> {
    let store = Arc::new(store);
    let origins = options
        .allow_origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim_end_matches('/'))
                .map_err(|_| format!("--allow-origin {o:?} is not a valid origin"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if origins.is_empty() {
        tracing::warn!("no --allow-origin: receipts are taken from pages of any origin");
    }
    let limiter = options.rate_limit.map(|per_minute| {
        let limiter = Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute)));
        let forget = Arc::clone(&limiter);
        // The addresses seen live only here, and only while they are recent.
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                forget.retain_recent();
                forget.shrink_to_fit();
            }
        });
        limiter
    });
    let (queue, waiting) = mpsc::channel(QUEUE);
    let writer = tokio::spawn(write_receipts(Arc::clone(&store), waiting));
    let app = App {
        queue,
        store,
        origins: Arc::new(origins),
        limiter,
        client_ip_header: options.client_ip_header,
        max_per_consent: options.max_per_consent,
        stats_token: options.stats_token.map(Arc::new),
    };
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.listen))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(address = %address, "listening");
    let router = router(app).layer(RequestBodyTimeoutLayer::new(options.read_timeout));
    accept_until_stopped(
        listener,
        router,
        options.read_timeout,
        options.connection_timeout,
    )
    .await;
    // The router, and with it the last sender, is gone: the writer commits
    // what it still holds and ends.
    writer.await.map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}
