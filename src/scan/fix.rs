//! How to fix each finding, for the web team the report is handed to: the
//! same steps in the terminal, the JSON (`fixes`) and the HTML report.

use super::artifacts::host_of;
use super::audit::{Finding, FindingType, Kind};
use crate::engine::config::Config;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Mark the tag so that it waits for `category`.
    Mark,
    /// Add `host` to the `hosts` of `category`.
    DeclareHost,
    /// A host no catalogue knows: if the site needs it, add it to the
    /// `hosts` of the required `category`.
    DeclareNeeded,
    /// Put biscoito.js first in `<head>`, parser-blocking: the guard.
    TurnOnGuard,
    /// `biscoito csp`: the browser refuses the request itself.
    Csp,
    /// Add the cookie or key to the `cookies` of `category`.
    DeclareCookie,
    /// The server sets the cookie: set it only once consent allows.
    SetOnlyWithConsent,
    /// Put Biscoito on the page.
    AddBiscoito,
    /// Declare the cookie's duration as at least `days`.
    UpdateDuration,
    /// Compress JavaScript and application/wasm on the host.
    Compress,
    /// Let browsers keep the module (Cache-Control with a max-age).
    Cache,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u64>,
}

impl Fix {
    fn new(action: Action) -> Fix {
        Fix {
            action,
            host: None,
            category: None,
            days: None,
        }
    }

    fn with(action: Action, host: Option<&str>, category: Option<&str>) -> Fix {
        Fix {
            action,
            host: host.map(str::to_owned),
            category: category.map(str::to_owned),
            days: None,
        }
    }

    /// The step as a sentence, in `en` or `pt` (`pick`).
    pub fn text(&self, pick: impl Fn(&'static str, &'static str) -> &'static str) -> String {
        let category = self.category.as_deref().unwrap_or("analytics");
        let host = self.host.as_deref().unwrap_or("");
        match self.action {
            Action::Mark => format!(
                "{} type=\"text/plain\" data-category=\"{category}\" {}",
                pick("mark this tag:", "marque esta tag:"),
                pick(
                    "(and src becomes data-src)",
                    "(e o src passa a data-src)"
                )
            ),
            Action::DeclareHost => format!(
                "{} {host} {} \"{category}\"",
                pick("add", "acrescente"),
                pick("to the hosts of", "aos hosts de")
            ),
            Action::DeclareNeeded => format!(
                "{} {host} {} \"{category}\"",
                pick("if the site needs it, add", "se o site precisa dele, acrescente"),
                pick("to the hosts of", "aos hosts de")
            ),
            Action::TurnOnGuard => pick(
                "or, where templates write the tag, turn on the guard: biscoito.js without defer or async, right after #biscoito-config",
                "ou, onde os modelos escrevem a tag, ligue o guarda: biscoito.js sem defer nem async, logo após #biscoito-config",
            )
            .to_owned(),
            Action::Csp => pick(
                "the Content-Security-Policy that follows consent (biscoito csp) stops this request, even for a tag written in the HTML",
                "a Content-Security-Policy que segue o consentimento (biscoito csp) impede esta requisição, mesmo de uma tag escrita no HTML",
            )
            .to_owned(),
            Action::DeclareCookie => format!(
                "{} \"{category}\" {}",
                pick("list it in the cookies of", "liste-o nos cookies de"),
                pick(
                    "and mark the tag that sets it with that category",
                    "e marque a tag que o grava com essa categoria"
                )
            ),
            Action::SetOnlyWithConsent => pick(
                "if the server sets it (Set-Cookie), set it only when the consent cookie allows it",
                "se o servidor o grava (Set-Cookie), grave-o só quando o cookie de consentimento permitir",
            )
            .to_owned(),
            Action::UpdateDuration => format!(
                "{} {} {}",
                pick(
                    "declare its duration as at least",
                    "declare a duração como pelo menos"
                ),
                self.days.unwrap_or(0),
                pick(
                    "days, or have it kept no longer",
                    "dias, ou faça que seja guardado por menos tempo"
                )
            ),
            Action::Compress => pick(
                "compress JavaScript and application/wasm on the host (nginx: gzip on; gzip_types text/javascript application/javascript application/wasm;)",
                "comprima JavaScript e application/wasm no servidor (nginx: gzip on; gzip_types text/javascript application/javascript application/wasm;)",
            )
            .to_owned(),
            Action::Cache => pick(
                "let browsers keep it: Cache-Control: public, max-age=86400 on /biscoito/ (README, \"Serve both files compressed\")",
                "deixe o navegador guardá-lo: Cache-Control: public, max-age=86400 em /biscoito/ (README, \"Serve both files compressed\")",
            )
            .to_owned(),
            Action::AddBiscoito => pick(
                "add the Biscoito tag to this page (a template that skips it?)",
                "acrescente a tag do Biscoito a esta página (um modelo que a omite?)",
            )
            .to_owned(),
        }
    }
}

/// The steps that fix `f`, most direct first; none for findings that need
/// no change to the site (a stale declaration is the maintainer's call).
pub fn fixes_for(f: &Finding, config: &Config) -> Vec<Fix> {
    let optional = |id: &str| {
        config
            .category(id)
            .is_some_and(|c| !c.required)
            .then(|| id.to_owned())
    };
    // Where it belongs: the category that declares it, else the catalogue's
    // usual one when the config has it, else the first optional category.
    let home = f
        .category
        .as_deref()
        .and_then(optional)
        .or_else(|| f.usual_category.as_deref().and_then(optional))
        .or_else(|| {
            config
                .categories
                .iter()
                .find(|c| !c.required)
                .map(|c| c.id.clone())
        });
    let home = home.as_deref();
    let declared = f.category.is_some();
    match (f.kind_of_finding, f.kind) {
        (FindingType::Missing, _) => vec![Fix::new(Action::AddBiscoito)],
        (FindingType::Slow, _) => match &f.detail {
            Some(super::trouble::Trouble::Uncompressed { .. }) => vec![Fix::new(Action::Compress)],
            Some(super::trouble::Trouble::Revalidated { .. }) => vec![Fix::new(Action::Cache)],
            _ => Vec::new(),
        },
        (FindingType::Stale, Kind::Cookie) => match &f.detail {
            Some(super::trouble::Trouble::Retention { seen_days, .. }) => vec![Fix {
                days: Some(*seen_days),
                ..Fix::with(Action::UpdateDuration, None, f.category.as_deref())
            }],
            _ => Vec::new(),
        },
        (FindingType::Violation, Kind::Script | Kind::Request) => {
            let host = f.url.as_deref().and_then(host_of);
            let mut steps = Vec::new();
            if !declared && f.provider.is_none() {
                let required = config.categories.iter().find(|c| c.required);
                steps.push(Fix::with(
                    Action::DeclareNeeded,
                    host.as_deref(),
                    required.map(|c| c.id.as_str()),
                ));
            }
            if !declared {
                steps.push(Fix::with(Action::DeclareHost, host.as_deref(), home));
            }
            steps.push(Fix::with(Action::Mark, None, home));
            if f.kind == Kind::Script {
                steps.push(Fix::new(Action::TurnOnGuard));
            }
            steps.push(Fix::new(Action::Csp));
            steps
        }
        (FindingType::Violation, Kind::Cookie | Kind::Storage) => {
            let mut steps = Vec::new();
            if !declared {
                steps.push(Fix::with(Action::DeclareCookie, None, home));
            } else {
                steps.push(Fix::with(Action::Mark, None, home));
            }
            if f.kind == Kind::Cookie && f.cause.is_none() {
                steps.push(Fix::new(Action::SetOnlyWithConsent));
            }
            steps
        }
        (FindingType::Undeclared, Kind::Script | Kind::Request) => {
            let host = f.url.as_deref().and_then(host_of);
            vec![Fix::with(Action::DeclareHost, host.as_deref(), home)]
        }
        (FindingType::Undeclared, Kind::Cookie | Kind::Storage) => {
            vec![Fix::with(Action::DeclareCookie, None, home)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{config, json};
    use crate::scan::artifacts::Phase;

    fn finding(kind_of_finding: FindingType, kind: Kind, url: &str) -> Finding {
        Finding {
            kind_of_finding,
            phase: Some(Phase::BeforeConsent),
            kind,
            name: None,
            area: None,
            url: Some(url.to_owned()),
            page: "https://www.tjvs.jus.br/".into(),
            pages: Vec::new(),
            provider: None,
            purpose: None,
            usual_category: None,
            category: None,
            cause: None,
            effects: Vec::new(),
            detail: None,
            fixes: Vec::new(),
        }
    }

    fn actions(fixes: &[Fix]) -> Vec<Action> {
        fixes.iter().map(|f| f.action).collect()
    }

    #[test]
    fn each_violation_says_what_the_web_team_does() {
        let config = config::from_value(
            &json::parse(
                r#"{"categories": [{"id": "necessary", "required": true},
                {"id": "analytics"}, {"id": "marketing", "hosts": ["connect.facebook.net"]}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        // A known tracker no category declares: declare it where it usually goes.
        let mut pixel = finding(
            FindingType::Violation,
            Kind::Script,
            "https://www.clarity.ms/tag/x",
        );
        pixel.provider = Some("Microsoft Clarity".into());
        pixel.usual_category = Some("analytics".into());
        let fixes = fixes_for(&pixel, &config);
        assert_eq!(
            actions(&fixes),
            [
                Action::DeclareHost,
                Action::Mark,
                Action::TurnOnGuard,
                Action::Csp
            ]
        );
        assert_eq!(fixes[0].host.as_deref(), Some("www.clarity.ms"));
        assert_eq!(fixes[0].category.as_deref(), Some("analytics"));
        assert_eq!(
            fixes[0].text(|en, _| en),
            "add www.clarity.ms to the hosts of \"analytics\""
        );
        // Declared, but it ran before consent: mark it.
        let mut meta = finding(
            FindingType::Violation,
            Kind::Request,
            "https://connect.facebook.net/en_US/fbevents.js",
        );
        meta.category = Some("marketing".into());
        let fixes = fixes_for(&meta, &config);
        assert_eq!(actions(&fixes), [Action::Mark, Action::Csp]);
        assert_eq!(
            fixes[0].text(|_, pt| pt),
            "marque esta tag: type=\"text/plain\" data-category=\"marketing\" (e o src passa a data-src)"
        );
        // A host nobody knows may be one the site needs.
        let cdn = finding(
            FindingType::Violation,
            Kind::Script,
            "https://cdn.bibliotecas.example/x.js",
        );
        let fixes = fixes_for(&cdn, &config);
        assert_eq!(fixes[0].action, Action::DeclareNeeded);
        assert_eq!(fixes[0].category.as_deref(), Some("necessary"));
        // A page without the tag.
        let page = finding(
            FindingType::Missing,
            Kind::Page,
            "https://www.tjvs.jus.br/x",
        );
        assert_eq!(actions(&fixes_for(&page, &config)), [Action::AddBiscoito]);
    }
}
