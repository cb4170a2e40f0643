//! The gatherers: headless Chromium over the DevTools protocol
//! (chromiumoxide). A visit opens a tab in the pass's own browser context (a
//! fresh profile: no cookies, no storage), listens to the network, records
//! which script wrote each cookie and storage key, waits for late scripts,
//! and turns what it saw into a [`Visit`]. No judgement happens here.

use super::artifacts::{
    host_of, site_of, without_query, Choice, CookieSeen, OwnFile, RequestSeen, StorageSeen, Visit,
};
use super::trouble::Trouble;
use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::browser::BrowserContextId;
use chromiumoxide::cdp::browser_protocol::network::{
    self, EventLoadingFinished, EventRequestWillBeSent, EventResponseReceived,
    EventResponseReceivedExtraInfo, GetCookiesParams,
};
use chromiumoxide::cdp::browser_protocol::page::{
    AddScriptToEvaluateOnNewDocumentParams, CaptureScreenshotFormat, EventJavascriptDialogOpening,
    EventLoadEventFired, HandleJavaScriptDialogParams, NavigateParams,
};
use chromiumoxide::cdp::browser_protocol::target::{
    CloseTargetParams, CreateBrowserContextParams, CreateTargetParams, EventTargetCreated, TargetId,
};
use chromiumoxide::cdp::js_protocol::runtime::{AddBindingParams, EventBindingCalled};
use chromiumoxide::layout::Point;
use chromiumoxide::listeners::EventStream;
use chromiumoxide::page::ScreenshotParams;
use chromiumoxide::Page;
use futures::StreamExt;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Where Chromium usually is, in the order `make test` looks (CHROMIUM_PATH first).
pub fn find_chromium(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_owned())
        } else {
            Err(format!("no browser at {}", path.display()))
        };
    }
    if let Some(path) = std::env::var_os("CHROMIUM_PATH").map(PathBuf::from) {
        if path.is_file() {
            return Ok(path);
        }
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err("no Chromium found: install it (apt-get install chromium) or pass --browser PATH".into())
}

/// Runs in every frame before the page's own scripts: reports each
/// document.cookie write, Storage.setItem and indexedDB.open with the
/// script that made it (the first http(s) frame of the stack; an inline
/// script shows as its page). Page code can see the wrappers, as it can see
/// any extension's; the scanner is an auditor, not a stealth crawler.
const RECORDER: &str = r#"(() => {
  const report = globalThis.__biscoitoScan;
  if (typeof report !== "function") return;
  const origin = () => {
    for (const line of String(new Error().stack || "").split("\n").slice(2)) {
      const m = line.match(/(https?:\/\/\S+?):\d+:\d+\)?\s*$/);
      if (m) return m[1];
    }
    return "";
  };
  const send = (area, name) => {
    try { report(JSON.stringify({ area, name: String(name), by: origin() })); } catch (_) {}
  };
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, "cookie");
  if (cookie && cookie.set) {
    Object.defineProperty(Document.prototype, "cookie", {
      configurable: true, enumerable: cookie.enumerable,
      get() { return cookie.get.call(this); },
      set(value) { send("cookie", String(value).split(";")[0].split("=")[0].trim()); cookie.set.call(this, value); },
    });
  }
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) {
    let area = "localStorage";
    try { if (this === globalThis.sessionStorage) area = "sessionStorage"; } catch (_) {}
    send(area, key);
    return setItem.call(this, key, value);
  };
  const open = globalThis.open;
  if (typeof open === "function") {
    globalThis.open = function (url, ...rest) { send("window", url === undefined ? "" : url); return open.call(this, url, ...rest); };
  }
  if (globalThis.IDBFactory) {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = function (name, version) {
      send("indexedDB", name);
      return version === undefined ? open.call(this, name) : open.call(this, name, version);
    };
  }
})();"#;

/// What the page itself says once it settled.
const READ_PAGE: &str = r#"(async () => {
  const keys = (area) => { try { return Object.keys(globalThis[area] || {}).slice(0, 1000); } catch (_) { return []; } };
  let databases = [];
  try { databases = (await indexedDB.databases()).map((d) => d.name).filter(Boolean).slice(0, 1000); } catch (_) {}
  const host = document.getElementById("biscoito");
  const bannerButton = host && host.shadowRoot && host.shadowRoot.querySelector(".banner-slot [data-action=reject-all]");
  const shown = !!bannerButton && bannerButton.getClientRects().length > 0;
  let configErrors = [];
  try { configErrors = globalThis.Biscoito && globalThis.Biscoito.configErrors ? Array.from(globalThis.Biscoito.configErrors()) : []; } catch (_) {}
  let consent = null;
  try { consent = globalThis.Biscoito && globalThis.Biscoito.consent ? globalThis.Biscoito.consent() : null; } catch (_) {}
  const links = [];
  for (const a of Array.from(document.querySelectorAll("a[href]")).slice(0, 2000)) links.push(a.href);
  const config = document.getElementById("biscoito-config");
  return JSON.stringify({
    config: config ? config.textContent : null,
    url: location.href, biscoito: !!globalThis.Biscoito, configErrors, banner: shown, recorded: !!consent,
    local: keys("localStorage"), session: keys("sessionStorage"), databases, links,
  });
})()"#;

/// The centre of a banner button, if it is drawn.
const BUTTON_CENTRE: &str = r#"((action) => {
  const host = document.getElementById("biscoito");
  const b = host && host.shadowRoot && host.shadowRoot.querySelector(`.banner-slot [data-action=${action}]`);
  if (!b) return null;
  b.scrollIntoView({ block: "center" });
  const r = b.getBoundingClientRect();
  return r.width > 0 && r.height > 0 ? JSON.stringify({ x: r.left + r.width / 2, y: r.top + r.height / 2 }) : null;
})"#;

#[derive(Deserialize)]
struct PageFacts {
    config: Option<String>,
    url: String,
    biscoito: bool,
    #[serde(rename = "configErrors")]
    config_errors: Vec<String>,
    banner: bool,
    recorded: bool,
    local: Vec<String>,
    session: Vec<String>,
    databases: Vec<String>,
    links: Vec<String>,
}

#[derive(Deserialize)]
struct Write {
    area: String,
    name: String,
    by: String,
}

#[derive(Default)]
struct Heard {
    /// request id -> (URL, resource type, initiator)
    requests: Vec<(String, String, String, Option<String>)>,
    /// request id -> URL, to name who sent a Set-Cookie without a scan of `requests`
    urls: HashMap<String, String>,
    status: HashMap<String, u16>,
    /// cookie name -> response URL that sent Set-Cookie
    set_cookie: HashMap<String, String>,
    /// (area, name) -> script URL
    writes: HashMap<(String, String), String>,
    notes: Vec<String>,
    /// Biscoito's own files, as the host sent them, and their request ids.
    own_files: Vec<OwnFile>,
    own_ids: Vec<String>,
    /// request id -> bytes on the wire, once loaded.
    loaded: HashMap<String, u64>,
    /// What a page made the scanner leave out, past the limits below.
    left_out: usize,
}

/// The most a page can make the scanner keep of each kind: a hostile page
/// can fire requests, dialogs and storage writes in a loop for as long as
/// the visit lasts, and four tabs at once must not exhaust the memory.
const MOST_REQUESTS: usize = 5_000;
const MOST_NOTES: usize = 50;
const MOST_NAMES: usize = 1_000;
/// Past this, a page's #biscoito-config is not read (the largest real one is
/// a few kilobytes; the validator would still take it whole).
const MOST_CONFIG_CHARS: usize = 256 * 1024;

impl Heard {
    fn request(&mut self, id: String, url: String, kind: String, initiator: Option<String>) {
        if self.requests.len() >= MOST_REQUESTS {
            self.left_out += 1;
            return;
        }
        self.urls.insert(id.clone(), url.clone());
        self.requests.push((id, url, kind, initiator));
    }

    fn note(&mut self, note: String) {
        if self.notes.len() >= MOST_NOTES {
            self.left_out += 1;
            return;
        }
        self.notes.push(note);
    }

    fn named<K: std::hash::Hash + Eq>(
        map: &mut HashMap<K, String>,
        left_out: &mut usize,
        key: K,
        value: String,
    ) {
        if map.len() >= MOST_NAMES && !map.contains_key(&key) {
            *left_out += 1;
            return;
        }
        map.insert(key, value);
    }
}

pub struct Settings {
    pub timeout: Duration,
    pub wait: Duration,
    /// Passed to Chromium as they are (a proxy, host rules…).
    pub browser_args: Vec<String>,
    /// Chromium's sandbox off: only when the user asked (`--no-sandbox`).
    pub no_sandbox: bool,
}

/// What to say when Chromium's sandbox cannot run here.
const NO_SANDBOX_HERE: &str = "Chromium's sandbox cannot run here (as root, or without user namespaces, as in many CI containers); \
     run the scan as an unprivileged user, or pass --no-sandbox to scan without it, and then only sites you trust";

/// The browser for a whole scan, and the windows pages try to open.
pub struct Chromium {
    browser: Browser,
    profile: PathBuf,
    popups: Arc<Mutex<HashMap<TargetId, Vec<String>>>>,
    pub version: String,
}

impl Chromium {
    pub async fn launch(executable: &Path, settings: &Settings) -> Result<Chromium, String> {
        // Chromium refuses to start as root with its sandbox on: say so
        // rather than turn the sandbox off behind the user's back.
        if is_root() && !settings.no_sandbox {
            return Err(NO_SANDBOX_HERE.into());
        }
        let profile = private_profile_dir()?;
        let mut config = BrowserConfig::builder()
            .chrome_executable(executable)
            .user_data_dir(&profile)
            .disable_default_args()
            .window_size(1280, 800)
            .viewport(None)
            .launch_timeout(Duration::from_secs(30))
            .request_timeout(settings.timeout + Duration::from_secs(5))
            // Chromium's own traffic is not the site's: without these it
            // calls Google at start, which a report must not blame on the site.
            .args([
                "disable-background-networking",
                "disable-component-update",
                "disable-default-apps",
                "disable-extensions",
                "disable-sync",
                "disable-quic",
                "no-first-run",
                "disable-gpu",
                "mute-audio",
                "hide-scrollbars",
                "lang=pt-BR",
                // Every frame in the page's own process, so that what a
                // third-party frame requests and stores is heard too.
                "disable-site-isolation-trials",
                "disable-features=IsolateOrigins,site-per-process,Translate,HttpsUpgrades",
            ])
            // chromiumoxide writes each as "--" + it.
            .args(
                settings
                    .browser_args
                    .iter()
                    .map(|a| a.trim_start_matches('-')),
            );
        if settings.no_sandbox {
            config = config.no_sandbox();
        }
        let config = config.build()?;
        let (browser, mut handler) = match Browser::launch(config).await {
            Ok(launched) => launched,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&profile);
                let why = e.to_string();
                return Err(if why.to_ascii_lowercase().contains("sandbox") {
                    NO_SANDBOX_HERE.into()
                } else {
                    format!("Chromium at {} did not start: {why}", executable.display())
                });
            }
        };
        tokio::spawn(async move { while handler.next().await.is_some() {} });
        let version = browser
            .version()
            .await
            .map(|v| v.product)
            .unwrap_or_else(|_| "Chromium".into());
        let popups: Arc<Mutex<HashMap<TargetId, Vec<String>>>> = Arc::default();
        if let Ok(mut created) = browser.event_listener::<EventTargetCreated>().await {
            let popups = popups.clone();
            // A window a page opens is noted on its opener, which closes it.
            tokio::spawn(async move {
                while let Some(event) = created.next().await {
                    if let Some(opener) = &event.target_info.opener_id {
                        popups
                            .lock()
                            .unwrap()
                            .entry(opener.clone())
                            .or_default()
                            .push(event.target_info.target_id.inner().clone());
                    }
                }
            });
        }
        Ok(Chromium {
            browser,
            profile,
            popups,
            version,
        })
    }

    /// A fresh profile: a browser context with no cookies and no storage.
    pub async fn new_visitor(&self) -> Result<BrowserContextId, String> {
        self.browser
            .create_browser_context(CreateBrowserContextParams::default())
            .await
            .map_err(|e| format!("could not open a fresh browser profile: {e}"))
    }

    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    /// Visits `url` as the visitor of `context`. With `button`, clicks that
    /// banner button once the page settled, then waits again. The
    /// `first_visit` of a scan also returns a PNG of the page as first drawn
    /// and reads the site's sitemap.xml.
    pub async fn visit(
        &self,
        context: &BrowserContextId,
        url: &str,
        site: &str,
        settings: &Settings,
        button: Option<&str>,
        first_visit: bool,
    ) -> (Visit, Option<Choice>, Option<Vec<u8>>) {
        let params = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context.clone())
            .build()
            .expect("a URL is set");
        let page = match self.browser.new_page(params).await {
            Ok(page) => page,
            Err(e) => {
                return (
                    Visit::failed(
                        url,
                        Trouble::Browser {
                            message: format!("could not open a tab: {e}"),
                        },
                    ),
                    None,
                    None,
                )
            }
        };
        let outcome = tokio::time::timeout(
            settings.timeout + settings.wait * 2 + Duration::from_secs(10),
            self.visit_in(&page, url, site, settings, button, first_visit),
        )
        .await
        .unwrap_or_else(|_| {
            (
                Visit::failed(
                    url,
                    Trouble::Timeout {
                        seconds: settings.timeout.as_secs(),
                        partial: false,
                    },
                ),
                None,
                None,
            )
        });
        let (mut visit, choice, shot) = outcome;
        let opened = self.popups.lock().unwrap().remove(page.target_id());
        for target in opened.unwrap_or_default() {
            let _ = self
                .browser
                .execute(CloseTargetParams::new(TargetId::new(target)))
                .await;
            visit
                .notes
                .push("the page opened a new window; it was closed".to_owned());
        }
        let _ = page.close().await;
        (visit, choice, shot)
    }

    async fn visit_in(
        &self,
        page: &Page,
        url: &str,
        site: &str,
        settings: &Settings,
        button: Option<&str>,
        first_visit: bool,
    ) -> (Visit, Option<Choice>, Option<Vec<u8>>) {
        let heard: Arc<Mutex<Heard>> = Arc::default();
        let mut loads = match listen(page, &heard).await {
            Ok(loads) => loads,
            Err(message) => return (Visit::failed(url, Trouble::Browser { message }), None, None),
        };
        let navigation = match page.execute(NavigateParams::new(url)).await {
            Ok(answer) => answer.result,
            Err(e) => {
                return (
                    Visit::failed(
                        url,
                        Trouble::Browser {
                            message: format!("could not load: {e}"),
                        },
                    ),
                    None,
                    None,
                )
            }
        };
        if let Some(error) = navigation.error_text.filter(|e| !e.is_empty()) {
            return (Visit::failed(url, Trouble::Net { code: error }), None, None);
        }
        let mut error = None;
        if tokio::time::timeout(settings.timeout, loads.next())
            .await
            .is_err()
        {
            error = Some(Trouble::Timeout {
                seconds: settings.timeout.as_secs(),
                partial: true,
            });
        }
        tokio::time::sleep(settings.wait).await;
        let shot = if first_visit {
            page.screenshot(
                ScreenshotParams::builder()
                    .format(CaptureScreenshotFormat::Png)
                    .build(),
            )
            .await
            .ok()
        } else {
            None
        };
        let mut choice = button.map(|action| Choice {
            button: action.to_owned(),
            page: url.to_owned(),
            banner_shown: false,
            clicked: false,
            banner_hidden: false,
            recorded: false,
        });
        if let Some(c) = &mut choice {
            c.banner_shown = read_page(page).await.is_some_and(|f| f.banner);
            if c.banner_shown {
                c.clicked = click_button(page, &c.button).await;
                if c.clicked {
                    // What the choice releases (or should not) loads now.
                    tokio::time::sleep(settings.wait.max(Duration::from_millis(500))).await;
                }
            }
        }
        let facts = read_page(page).await;
        if let (Some(c), Some(after)) = (choice.as_mut().filter(|c| c.clicked), &facts) {
            c.banner_hidden = !after.banner;
            c.recorded = after.recorded;
        }
        let cookies = page
            .execute(GetCookiesParams::default())
            .await
            .map(|r| r.result.cookies)
            .unwrap_or_default();
        let heard = std::mem::take(&mut *heard.lock().unwrap());
        let mut visit = assemble(
            url,
            site,
            error,
            navigation.loader_id.map(|l| l.inner().clone()),
            facts,
            cookies,
            heard,
        );
        if first_visit {
            visit.sitemap = read_sitemap(page).await;
        }
        (visit, choice, shot)
    }
}

/// This process's throwaway browser profile, once made (removed on close
/// and on Ctrl+C).
static PROFILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

pub fn profile_dir() -> Option<&'static PathBuf> {
    PROFILE.get()
}

/// A new directory only this user can enter, with a name no one can guess
/// ahead (a hostile site's cookies and cache land in it): made with mode
/// 0700 by one `mkdir`, which fails rather than follow anything planted at
/// that path.
fn private_profile_dir() -> Result<PathBuf, String> {
    use std::hash::{BuildHasher, RandomState};
    use std::os::unix::fs::DirBuilderExt;
    let mut last_error = None;
    for attempt in 0..8u64 {
        // RandomState is keyed from the operating system's random source.
        let random = RandomState::new().hash_one(attempt);
        let path = std::env::temp_dir().join(format!(
            "biscoito-scan-{}-{random:016x}",
            std::process::id()
        ));
        match std::fs::DirBuilder::new().mode(0o700).create(&path) {
            Ok(()) => return Ok(PROFILE.get_or_init(|| path).clone()),
            Err(e) => last_error = Some(e),
        }
    }
    Err(format!(
        "cannot make a private browser profile in {}: {}",
        std::env::temp_dir().display(),
        last_error.map(|e| e.to_string()).unwrap_or_default()
    ))
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe extern "C" {
        fn geteuid() -> u32;
    }
    unsafe { geteuid() == 0 }
}

/// Starts recording into `heard`; returns the page's load events, which the
/// visit awaits.
async fn listen(
    page: &Page,
    heard: &Arc<Mutex<Heard>>,
) -> Result<EventStream<EventLoadEventFired>, String> {
    let fail = |e: chromiumoxide::error::CdpError| format!("the browser did not answer: {e}");
    let mut requests = page
        .event_listener::<EventRequestWillBeSent>()
        .await
        .map_err(fail)?;
    let mut responses = page
        .event_listener::<EventResponseReceived>()
        .await
        .map_err(fail)?;
    let mut extra = page
        .event_listener::<EventResponseReceivedExtraInfo>()
        .await
        .map_err(fail)?;
    let mut finished = page
        .event_listener::<EventLoadingFinished>()
        .await
        .map_err(fail)?;
    let mut bindings = page
        .event_listener::<EventBindingCalled>()
        .await
        .map_err(fail)?;
    let mut dialogs = page
        .event_listener::<EventJavascriptDialogOpening>()
        .await
        .map_err(fail)?;
    let loads = page
        .event_listener::<EventLoadEventFired>()
        .await
        .map_err(fail)?;

    page.execute(network::EnableParams::default())
        .await
        .map_err(fail)?;
    page.execute(AddBindingParams::new("__biscoitoScan"))
        .await
        .map_err(fail)?;
    page.execute(AddScriptToEvaluateOnNewDocumentParams::new(RECORDER))
        .await
        .map_err(fail)?;

    let h = heard.clone();
    tokio::spawn(async move {
        while let Some(e) = requests.next().await {
            let initiator = e
                .initiator
                .stack
                .as_ref()
                .and_then(|s| s.call_frames.iter().find(|f| f.url.starts_with("http")))
                .map(|f| f.url.clone())
                .or_else(|| e.initiator.url.clone());
            let kind = e.r#type.as_ref().map_or("Other", |t| t.as_ref()).to_owned();
            h.lock().unwrap().request(
                e.request_id.inner().clone(),
                e.request.url.clone(),
                kind,
                initiator,
            );
        }
    });
    let h = heard.clone();
    tokio::spawn(async move {
        while let Some(e) = responses.next().await {
            let mut h = h.lock().unwrap();
            // A response can be heard before its request (each is its own
            // task), so it is kept whether or not the request is yet, up to
            // as many as requests are.
            if h.status.len() < MOST_REQUESTS {
                h.status
                    .insert(e.request_id.inner().clone(), e.response.status as u16);
            }
            if OwnFile::is_own(&e.response.url) && h.own_files.len() < 4 {
                let header = |name: &str| {
                    e.response.headers.inner().as_object().and_then(|all| {
                        all.iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(name))
                            .and_then(|(_, v)| v.as_str())
                            .map(str::to_owned)
                    })
                };
                let file = OwnFile {
                    url: without_query(&e.response.url).to_owned(),
                    content_encoding: header("content-encoding"),
                    cache_control: header("cache-control"),
                    bytes: header("content-length").and_then(|v| v.trim().parse().ok()),
                };
                h.own_files.push(file);
                h.own_ids.push(e.request_id.inner().clone());
            }
        }
    });
    let h = heard.clone();
    tokio::spawn(async move {
        while let Some(e) = extra.next().await {
            let Some(headers) = e.headers.inner().as_object() else {
                continue;
            };
            let mut h = h.lock().unwrap();
            let from = h.urls.get(e.request_id.inner()).cloned();
            for (name, value) in headers {
                if !name.eq_ignore_ascii_case("set-cookie") {
                    continue;
                }
                for line in value.as_str().unwrap_or("").lines() {
                    let cookie = line.split(';').next().unwrap_or("");
                    let cookie = cookie.split('=').next().unwrap_or("").trim().to_owned();
                    if let (false, Some(from)) = (cookie.is_empty(), &from) {
                        let h = &mut *h;
                        Heard::named(
                            &mut h.set_cookie,
                            &mut h.left_out,
                            cookie,
                            without_query(from).to_owned(),
                        );
                    }
                }
            }
        }
    });
    let h = heard.clone();
    tokio::spawn(async move {
        // What a file of Biscoito's cost on the wire, when the host sent no
        // Content-Length (chunked).
        // (Heard in any order with the response, like the status above.)
        while let Some(e) = finished.next().await {
            let mut h = h.lock().unwrap();
            if h.loaded.len() < MOST_REQUESTS {
                h.loaded
                    .insert(e.request_id.inner().clone(), e.encoded_data_length as u64);
            }
        }
    });
    let h = heard.clone();
    tokio::spawn(async move {
        while let Some(e) = bindings.next().await {
            if let Ok(w) = serde_json::from_str::<Write>(&e.payload) {
                let mut h = h.lock().unwrap();
                if w.area == "window" {
                    h.note(format!(
                        "the page called window.open({:?}); a visitor's popup blocker stops it, and so did this scan's",
                        w.name.chars().take(120).collect::<String>()
                    ));
                } else if !w.name.is_empty() && w.by.starts_with("http") {
                    let h = &mut *h;
                    Heard::named(&mut h.writes, &mut h.left_out, (w.area, w.name), w.by);
                }
            }
        }
    });
    let h = heard.clone();
    let dialog_page = page.clone();
    tokio::spawn(async move {
        while let Some(e) = dialogs.next().await {
            // Dismissed at once: a visitor's alert() would otherwise hang the scan.
            let _ = dialog_page
                .execute(HandleJavaScriptDialogParams::new(false))
                .await;
            let kind = e.r#type.as_ref().to_owned();
            h.lock().unwrap().note(format!(
                "the page opened a dialog ({kind}: \"{}\"); it was dismissed",
                e.message.chars().take(80).collect::<String>()
            ));
        }
    });
    Ok(loads)
}

async fn read_page(page: &Page) -> Option<PageFacts> {
    let value = page.evaluate(READ_PAGE).await.ok()?;
    let text: String = value.into_value().ok()?;
    serde_json::from_str(&text).ok()
}

/// The <loc> entries of /sitemap.xml, fetched by the page itself (same
/// origin, so no other request is needed); at most 2 MB of it is read.
async fn read_sitemap(page: &Page) -> Vec<String> {
    const FETCH: &str = r#"fetch("/sitemap.xml", { redirect: "error" })
      .then((r) => (r.ok ? r.text() : "")).then((t) => t.slice(0, 2000000)).catch(() => "")"#;
    let Some(text) = page
        .evaluate(FETCH)
        .await
        .ok()
        .and_then(|v| v.into_value::<String>().ok())
    else {
        return Vec::new();
    };
    text.split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .map(|loc| loc.trim().replace("&amp;", "&"))
        .collect()
}

async fn click_button(page: &Page, action: &str) -> bool {
    let call = format!("{BUTTON_CENTRE}({action:?})");
    let Some(text) = page
        .evaluate(call)
        .await
        .ok()
        .and_then(|v| v.into_value::<Option<String>>().ok())
        .flatten()
    else {
        return false;
    };
    #[derive(Deserialize)]
    struct Centre {
        x: f64,
        y: f64,
    }
    let Ok(c) = serde_json::from_str::<Centre>(&text) else {
        return false;
    };
    page.click(Point { x: c.x, y: c.y }).await.is_ok()
}

fn assemble(
    url: &str,
    site: &str,
    mut error: Option<Trouble>,
    loader: Option<String>,
    facts: Option<PageFacts>,
    cookies: Vec<network::Cookie>,
    heard: Heard,
) -> Visit {
    let other_site = |u: &str| host_of(u).is_some_and(|h| site_of(&h) != site);
    let status = loader.as_ref().and_then(|l| heard.status.get(l).copied());
    let facts = facts.unwrap_or(PageFacts {
        config: None,
        url: url.to_owned(),
        biscoito: false,
        config_errors: Vec::new(),
        banner: false,
        recorded: false,
        local: Vec::new(),
        session: Vec::new(),
        databases: Vec::new(),
        links: Vec::new(),
    });
    if other_site(&facts.url) && error.is_none() {
        error = Some(Trouble::RedirectedAway {
            to: without_query(&facts.url).to_owned(),
        });
    }
    if !facts.config_errors.is_empty() && error.is_none() {
        error = Some(Trouble::ConfigRejected {
            errors: facts.config_errors.clone(),
        });
    }
    if let Some(code) = status.filter(|s| *s >= 400) {
        error.get_or_insert(Trouble::Http { status: code });
    }
    let writer = |area: &str, name: &str| {
        heard
            .writes
            .get(&(area.to_owned(), name.to_owned()))
            .map(|by| without_query(by).to_owned())
    };
    let cookies = cookies
        .into_iter()
        .map(|c| CookieSeen {
            third_party: site_of(&c.domain) != site,
            set_by: writer("cookie", &c.name).or_else(|| heard.set_cookie.get(&c.name).cloned()),
            expires: (!c.session).then_some(c.expires),
            lifetime: (!c.session).then(|| (c.expires - now_seconds()).max(0.0)),
            same_site: c.same_site.as_ref().map(|s| s.as_ref().to_owned()),
            name: c.name,
            domain: c.domain,
            path: c.path,
            http_only: c.http_only,
            secure: c.secure,
        })
        .collect();
    let mut storage = Vec::new();
    for (area, names) in [
        ("localStorage", &facts.local),
        ("sessionStorage", &facts.session),
        ("indexedDB", &facts.databases),
    ] {
        for name in names {
            storage.push(StorageSeen {
                area: area.to_owned(),
                name: name.clone(),
                set_by: writer(area, name),
            });
        }
    }
    let mut requests: Vec<RequestSeen> = Vec::new();
    let mut seen_requests = HashSet::new();
    for (id, request_url, kind, initiator) in &heard.requests {
        if !other_site(request_url) {
            continue;
        }
        let seen = RequestSeen {
            url: without_query(request_url).to_owned(),
            host: host_of(request_url).unwrap_or_default(),
            resource_type: kind.clone(),
            initiator: initiator.as_deref().map(|i| without_query(i).to_owned()),
            status: heard.status.get(id).copied(),
        };
        if seen_requests.insert((
            seen.url.clone(),
            seen.resource_type.clone(),
            seen.initiator.clone(),
            seen.status,
        )) {
            requests.push(seen);
        }
    }
    let mut links: Vec<String> = Vec::new();
    let mut seen_links = HashSet::new();
    for link in facts.links {
        let link = without_query_keep_path(&link);
        if seen_links.insert(link.clone()) {
            links.push(link);
        }
    }
    let mut own_files = heard.own_files;
    for (file, id) in own_files.iter_mut().zip(&heard.own_ids) {
        file.bytes = file.bytes.or_else(|| heard.loaded.get(id).copied());
    }
    let mut notes = heard.notes;
    if heard.left_out > 0 {
        notes.push(format!(
            "the page made {} more requests, notes or storage writes than a scan keeps; they were left out",
            heard.left_out
        ));
    }
    let page_config = match facts.config {
        Some(text) if text.chars().count() > MOST_CONFIG_CHARS => {
            notes.push(format!(
                "the page's #biscoito-config is over {} KiB; it was not read",
                MOST_CONFIG_CHARS / 1024
            ));
            None
        }
        config => config,
    };
    Visit {
        url: url.to_owned(),
        final_url: (facts.url != url).then(|| without_query(&facts.url).to_owned()),
        status,
        error,
        has_biscoito: facts.biscoito,
        banner_shown: facts.banner,
        notes,
        cookies,
        storage,
        requests,
        links,
        page_config,
        sitemap: Vec::new(),
        own_files,
    }
}

/// Links keep their query (it can name a different page) but lose the fragment.
fn without_query_keep_path(url: &str) -> String {
    url.split('#').next().unwrap_or(url).to_owned()
}

fn now_seconds() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::private_profile_dir;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_page_cannot_make_the_scanner_keep_without_limit() {
        let mut heard = super::Heard::default();
        for n in 0..super::MOST_REQUESTS + 10 {
            heard.request(
                n.to_string(),
                format!("https://t.example/{n}"),
                "Fetch".into(),
                None,
            );
        }
        for n in 0..super::MOST_NAMES + 5 {
            let h = &mut heard;
            super::Heard::named(
                &mut h.writes,
                &mut h.left_out,
                ("localStorage".into(), n.to_string()),
                "https://t.example/t.js".into(),
            );
        }
        assert_eq!(
            (heard.requests.len(), heard.urls.len()),
            (super::MOST_REQUESTS, super::MOST_REQUESTS)
        );
        assert_eq!(heard.writes.len(), super::MOST_NAMES);
        assert_eq!(heard.left_out, 15);
    }

    #[test]
    fn the_profile_is_private_and_its_name_unguessable() {
        let first = private_profile_dir().unwrap();
        let mode = std::fs::metadata(&first).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{first:?}");
        let name = first.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(
            name.starts_with(&format!("biscoito-scan-{}-", std::process::id())),
            "{name}"
        );
        assert_eq!(name.rsplit('-').next().unwrap().len(), 16, "{name}");
        std::fs::remove_dir(&first).unwrap();
    }
}
