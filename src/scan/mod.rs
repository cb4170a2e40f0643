//! `biscoito scan`: what a real site sets and sends before a choice, after
//! "Rejeitar todos" and after "Aceitar todos", judged against its config.
//!
//! Laid out like Lighthouse: `chromium` gathers (the only part that talks to
//! a browser), `artifacts` is what it saw as plain data, `audit` judges
//! that against the config with the same engine the banner uses, and
//! `report` only presents. Audits are tested from artifacts, no browser.

pub mod artifacts;
pub mod audit;
pub mod catalogue;
pub mod chromium;
pub mod fix;
pub mod private_net;
pub mod report;
pub mod trouble;
pub mod write_config;

use crate::engine::config::{self, Config};
use crate::engine::json;
use artifacts::{host_of, site_of, Artifacts, Pass, Phase, Visit};
use base64::Engine as _;
use chromium::{Chromium, Settings};
use futures::StreamExt;
use std::path::PathBuf;
use std::time::Duration;

pub struct Options {
    pub url: String,
    pub pages: usize,
    pub depth: usize,
    pub concurrency: usize,
    pub timeout: Duration,
    pub wait: Duration,
    pub browser: Option<PathBuf>,
    pub browser_args: Vec<String>,
    pub no_sandbox: bool,
    /// Let pages reach private and link-local addresses other than the
    /// scanned host's (the private-address guard is off).
    pub allow_private: bool,
    /// The config to judge by, already read and validated; `None`: the page's.
    pub config: Option<(String, Config)>,
}

/// One page done, for the progress display.
pub struct Progress<'a> {
    pub phase: Phase,
    pub done: usize,
    pub total: usize,
    pub url: &'a str,
}

pub struct Outcome {
    pub artifacts: Artifacts,
    pub config: Config,
    pub findings: Vec<audit::Finding>,
}

/// Everything that stops a scan from running at all (exit code 2).
#[derive(Debug)]
pub struct CannotRun(pub String);

pub async fn run(options: &Options, progress: &dyn Fn(Progress)) -> Result<Outcome, CannotRun> {
    let start = normalise_start(&options.url)?;
    let site = site_of(&host_of(&start).unwrap_or_default());
    let executable = chromium::find_chromium(options.browser.as_deref()).map_err(CannotRun)?;
    let mut browser_args = options.browser_args.clone();
    let guard = if options.allow_private {
        None
    } else {
        if browser_args.iter().any(|a| a.contains("proxy-server")) {
            return Err(CannotRun(
                "--browser-arg=--proxy-server would bypass the scanner's own guard against private addresses; \
                 add --allow-private to scan through your proxy"
                    .into(),
            ));
        }
        let guard = private_net::Guard::start(&host_of(&start).unwrap_or_default())
            .await
            .map_err(CannotRun)?;
        browser_args.extend(guard.browser_args());
        Some(guard)
    };
    let settings = Settings {
        timeout: options.timeout,
        wait: options.wait,
        browser_args,
        no_sandbox: options.no_sandbox,
    };
    let browser = Chromium::launch(&executable, &settings)
        .await
        .map_err(CannotRun)?;
    let mut outcome = scan(
        &browser,
        options,
        &settings,
        &start,
        &site,
        guard.as_ref(),
        progress,
    )
    .await;
    browser.close().await;
    if let (Ok(outcome), Some(guard)) = (&mut outcome, &guard) {
        outcome.artifacts.refused_private = guard.refused();
    }
    outcome
}

async fn scan(
    browser: &Chromium,
    options: &Options,
    settings: &Settings,
    start: &str,
    site: &str,
    guard: Option<&private_net::Guard>,
    progress: &dyn Fn(Progress),
) -> Result<Outcome, CannotRun> {
    // Pass 1 also crawls: the pages it finds are the pages every pass visits.
    let visitor = browser.new_visitor().await.map_err(CannotRun)?;
    let (first, _, screenshot) = browser
        .visit(&visitor, start, site, settings, None, true)
        .await;
    // Through the guard, a site that cannot be reached answers 502 from the
    // guard itself: say what the guard met instead.
    let unreachable = guard.and_then(|g| g.why_unreachable(&host_of(start).unwrap_or_default()));
    if let (Some(code), None | Some(502)) = (unreachable, first.status) {
        return Err(CannotRun(format!(
            "{start}: {}",
            trouble::Trouble::Net { code: code.into() }.text(report::Lang::En)
        )));
    }
    if let Some(error) = &first.error {
        if first.status.is_none() {
            return Err(CannotRun(format!(
                "{start}: {}",
                error.text(report::Lang::En)
            )));
        }
    }
    progress(Progress {
        phase: Phase::BeforeConsent,
        done: 1,
        total: options.pages,
        url: start,
    });
    let (config_json, config_source, config) = match &options.config {
        Some((text, config)) => (text.clone(), "file", config.clone()),
        None => match &first.page_config {
            Some(text) => {
                let value = json::parse(text).map_err(|e| {
                    CannotRun(format!(
                        "the page's #biscoito-config is not valid JSON: {e}"
                    ))
                })?;
                let config = config::from_value(&value).map_err(|problems| {
                    let lines: Vec<String> = problems.iter().map(|p| p.line()).collect();
                    CannotRun(format!(
                        "the page's #biscoito-config has errors (Biscoito would not start):\n  {}",
                        lines.join("\n  ")
                    ))
                })?;
                (text.trim().to_owned(), "page", config)
            }
            None => ("{}".to_owned(), "default", Config::default()),
        },
    };

    let mut pages = vec![start.to_owned()];
    let mut visits = vec![first];
    let mut frontier_from = 0;
    let mut skipped: Vec<String> = Vec::new();
    let sitemap: Vec<String> = visits[0]
        .sitemap
        .iter()
        .filter_map(|u| same_origin(start, u))
        .collect();
    for depth in 1..=options.depth {
        if pages.len() >= options.pages {
            break;
        }
        let mut next: Vec<String> = Vec::new();
        let mut found: Vec<String> = visits[frontier_from..]
            .iter()
            .filter(|v| v.error.is_none())
            .flat_map(|v| v.links.iter().filter_map(|l| same_origin(start, l)))
            .collect();
        if depth == 1 {
            found.extend(sitemap.iter().cloned());
        }
        for url in found {
            if !pages.contains(&url)
                && !next.contains(&url)
                && !skipped.contains(&url)
                && pages.len() + next.len() < options.pages
            {
                next.push(url);
            }
        }
        if next.is_empty() {
            break;
        }
        frontier_from = visits.len();
        let done_before = pages.len();
        pages.extend(next.iter().cloned());
        let total = options.pages.min(pages.len());
        let new_visits = visit_all(
            browser,
            &visitor,
            &next,
            site,
            settings,
            options.concurrency,
            |i, url| {
                progress(Progress {
                    phase: Phase::BeforeConsent,
                    done: done_before + i,
                    total,
                    url,
                })
            },
        )
        .await;
        // A page with another Biscoito config is another site's business
        // (two portals on one host): noted, not judged by this config.
        for visit in new_visits {
            let other_config = options.config.is_none()
                && visit.has_biscoito
                && visit.page_config.is_some()
                && visit.page_config != visits[0].page_config;
            if other_config {
                pages.retain(|p| *p != visit.url);
                skipped.push(visit.url);
            } else {
                visits.push(visit);
            }
        }
    }
    let mut passes = vec![Pass {
        phase: Phase::BeforeConsent,
        choice: None,
        visits,
    }];

    for phase in [Phase::AfterReject, Phase::AfterAccept] {
        let visitor = browser.new_visitor().await.map_err(CannotRun)?;
        let (clicked, choice, _) = browser
            .visit(&visitor, start, site, settings, phase.button(), false)
            .await;
        let total = pages.len() + 1;
        progress(Progress {
            phase,
            done: 1,
            total,
            url: start,
        });
        let mut visits = vec![clicked];
        visits.extend(
            visit_all(
                browser,
                &visitor,
                &pages,
                site,
                settings,
                options.concurrency,
                |i, url| {
                    progress(Progress {
                        phase,
                        done: 1 + i,
                        total,
                        url,
                    })
                },
            )
            .await,
        );
        passes.push(Pass {
            phase,
            choice,
            visits,
        });
    }

    let artifacts = Artifacts {
        start_url: start.to_owned(),
        config_json,
        config_source: config_source.to_owned(),
        passes,
        banner_screenshot: screenshot
            .map(|png| base64::engine::general_purpose::STANDARD.encode(png)),
        browser: browser.version.clone(),
        other_configs: skipped,
        refused_private: Vec::new(),
    };
    let findings = audit::audit(&artifacts, &config);
    Ok(Outcome {
        artifacts,
        config,
        findings,
    })
}

/// Visits `urls` in order with at most `concurrency` tabs open at once.
async fn visit_all(
    browser: &Chromium,
    visitor: &chromiumoxide::cdp::browser_protocol::browser::BrowserContextId,
    urls: &[String],
    site: &str,
    settings: &Settings,
    concurrency: usize,
    each: impl Fn(usize, &str),
) -> Vec<Visit> {
    let mut stream = futures::stream::iter(urls.iter())
        .map(|url| async move {
            browser
                .visit(visitor, url, site, settings, None, false)
                .await
                .0
        })
        .buffered(concurrency.max(1));
    let mut visits = Vec::with_capacity(urls.len());
    while let Some(visit) = stream.next().await {
        each(visits.len() + 1, &visit.url);
        visits.push(visit);
    }
    visits
}

/// The start URL as given, if it is one a browser can visit.
fn normalise_start(url: &str) -> Result<String, CannotRun> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) || host_of(url).is_none() {
        return Err(CannotRun(format!(
            "{url}: not an http(s) address; give the site's full address, e.g. https://www.exemplo.jus.br/"
        )));
    }
    Ok(url.split('#').next().unwrap_or(url).to_owned())
}

/// `link` when it is an http(s) page on the start URL's origin (scheme, host
/// and port), without fragment. mailto:, javascript:, tel: and files that
/// are not pages are left out.
pub fn same_origin(start: &str, link: &str) -> Option<String> {
    let origin = |u: &str| -> Option<String> {
        let (scheme, rest) = u.split_once("://")?;
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        Some(format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        ))
    };
    if !(link.starts_with("http://") || link.starts_with("https://")) {
        return None;
    }
    if origin(start)? != origin(link)? {
        return None;
    }
    let link = link.split('#').next()?;
    const NOT_PAGES: [&str; 12] = [
        ".pdf", ".zip", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".jpg", ".png", ".mp4", ".mp3",
        ".xml",
    ];
    let path = artifacts::path_of(link).to_ascii_lowercase();
    if NOT_PAGES.iter().any(|ext| path.ends_with(ext)) {
        return None;
    }
    Some(link.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_the_same_origin_are_crawled() {
        let start = "https://www.tjvs.jus.br/";
        assert_eq!(
            same_origin(start, "https://www.tjvs.jus.br/servicos#topo"),
            Some("https://www.tjvs.jus.br/servicos".into())
        );
        assert_eq!(same_origin(start, "https://cdn.tjvs.jus.br/x"), None);
        assert_eq!(same_origin(start, "http://www.tjvs.jus.br/x"), None);
        assert_eq!(same_origin(start, "mailto:ouvidoria@tjvs.jus.br"), None);
        assert_eq!(same_origin(start, "javascript:void(0)"), None);
        assert_eq!(
            same_origin(start, "https://www.tjvs.jus.br/edital.PDF"),
            None
        );
    }

    #[test]
    fn a_start_address_must_be_http() {
        assert!(normalise_start("ftp://x.example/").is_err());
        assert!(normalise_start("www.example.org").is_err());
        assert_eq!(
            normalise_start(" https://x.example/a?b=1#c ").unwrap(),
            "https://x.example/a?b=1"
        );
    }
}
