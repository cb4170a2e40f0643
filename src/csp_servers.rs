//! `biscoito csp`: the web server's side of the consent-following
//! Content-Security-Policy (`engine::csp`), written for nginx, Apache and
//! Caddy. Each reads the consent cookie with the server's own matching
//! (a map, SetEnvIf, a Caddy map), one rule per optional category or
//! service, so that no program runs per request.

use crate::engine::csp::{Policy, PLAIN_COOKIE, SECURE_COOKIE};

/// Where browsers send violation reports in report-only mode.
pub struct Reporting<'a> {
    pub uri: &'a str,
}

impl Reporting<'_> {
    /// The Reporting API (`report-to`, `Reporting-Endpoints`) needs an https
    /// endpoint, and where `report-to` is named Chromium ignores
    /// `report-uri`: with a relative or http URL only `report-uri` is given,
    /// which every browser sends at once.
    fn reporting_api(&self) -> bool {
        self.uri.starts_with("https://")
    }
}

/// The header's name, and in report-only mode the directives that say where
/// reports go.
fn header_name(reporting: Option<&Reporting>) -> &'static str {
    if reporting.is_some() {
        "Content-Security-Policy-Report-Only"
    } else {
        "Content-Security-Policy"
    }
}

/// The header's value with `variable(id)` standing in for each opening.
fn header_value(
    policy: &Policy,
    reporting: Option<&Reporting>,
    variable: impl Fn(&str) -> String,
) -> String {
    let mut header = policy.render(|opening| Some(variable(&opening.id)));
    if let Some(reporting) = reporting {
        header.push_str("; report-uri ");
        header.push_str(reporting.uri);
        if reporting.reporting_api() {
            header.push_str("; report-to biscoito");
        }
    }
    header
}

/// A regular expression that matches a cookie value of this revision
/// naming `id`. Dots are written `[.]` so that no server's string escapes
/// get in the way.
fn names(policy: &Policy, id: &str) -> String {
    format!(
        "^{}([.][a-z0-9_-]+)*[.]{id}([.][a-z0-9_-]+)*$",
        policy.revision
    )
}

fn variable_name(id: &str) -> String {
    format!("biscoito_csp_{}", id.replace('-', "_"))
}

fn generated(config_path: &str, policy: &Policy, comment: &str) -> String {
    format!(
        "{comment} Written by `biscoito csp` from {config_path}, revision {}: write it again\n\
         {comment} whenever the config changes. Every visitor gets the strict policy until the\n\
         {comment} consent cookie of this revision names a category or service.\n",
        policy.revision
    )
}

/// `http.conf` (the `http` context: the maps) and `server.conf` (a
/// `server` or `location`: the header).
pub fn nginx(
    policy: &Policy,
    config_path: &str,
    reporting: Option<&Reporting>,
) -> (String, String) {
    let mut http = generated(config_path, policy, "#");
    http.push_str(&format!(
        "map $http_cookie $biscoito_consent {{\n    default \"\";\n    \"~(^|;)[ ]*({}|{})=(?<biscoito_consent_value>[^;]*)\" $biscoito_consent_value;\n}}\n",
        SECURE_COOKIE, PLAIN_COOKIE
    ));
    for opening in &policy.openings {
        http.push_str(&format!(
            "map $biscoito_consent ${} {{\n    default \"\";\n    \"~{}\" \"{}\";\n}}\n",
            variable_name(&opening.id),
            names(policy, &opening.id),
            opening.sources.join(" ")
        ));
    }
    let mut server = generated(config_path, policy, "#");
    let name = header_name(reporting);
    server.push_str(&format!(
        "add_header {name} \"{}\" always;\n",
        header_value(policy, reporting, |id| format!("${}", variable_name(id)))
    ));
    // The header depends on the cookie: a cache (the browser's own
    // included) must not answer a page with the policy of another choice.
    server.push_str("add_header Vary Cookie always;\n");
    if let Some(reporting) = reporting.filter(|r| r.reporting_api()) {
        server.push_str(&format!(
            "add_header Reporting-Endpoints 'biscoito=\"{}\"' always;\n",
            reporting.uri
        ));
    }
    (http, server)
}

/// One file for the server config or a `<VirtualHost>` (mod_setenvif and
/// mod_headers).
pub fn apache(policy: &Policy, config_path: &str, reporting: Option<&Reporting>) -> String {
    let mut conf = generated(config_path, policy, "#");
    conf.push_str("# Needs mod_setenvif and mod_headers (a2enmod headers).\n");
    for opening in &policy.openings {
        let variable = variable_name(&opening.id).to_ascii_uppercase();
        let value = names(policy, &opening.id);
        let value = value.trim_start_matches('^').trim_end_matches('$');
        conf.push_str(&format!(
            "SetEnvIf Cookie \"(^|;)[ ]*({SECURE_COOKIE}|{PLAIN_COOKIE})={value}([ ;]|$)\" \"{variable}={}\"\n",
            opening.sources.join(" ")
        ));
    }
    let name = header_name(reporting);
    // An expression reads an unset variable as empty (%{VAR}e would print "(null)").
    conf.push_str(&format!(
        "Header always set {name} \"expr={}\"\n",
        header_value(policy, reporting, |id| format!(
            "%{{reqenv:{}}}",
            variable_name(id).to_ascii_uppercase()
        ))
    ));
    conf.push_str("Header always merge Vary Cookie\n");
    if let Some(reporting) = reporting.filter(|r| r.reporting_api()) {
        conf.push_str(&format!(
            "Header always set Reporting-Endpoints \"biscoito=\\\"{}\\\"\"\n",
            reporting.uri
        ));
    }
    conf
}

/// A Caddyfile snippet for a site block. Caddy sites are https, so only
/// the `__Host-` cookie is read.
pub fn caddy(policy: &Policy, config_path: &str, reporting: Option<&Reporting>) -> String {
    let mut conf = generated(config_path, policy, "#");
    for opening in &policy.openings {
        conf.push_str(&format!(
            "map {{http.request.cookie.{SECURE_COOKIE}}} {{{}}} {{\n    ~{} \"{}\"\n    default \"\"\n}}\n",
            variable_name(&opening.id),
            names(policy, &opening.id),
            opening.sources.join(" ")
        ));
    }
    let name = header_name(reporting);
    conf.push_str(&format!(
        "header {name} \"{}\"\n",
        header_value(policy, reporting, |id| format!("{{{}}}", variable_name(id)))
    ));
    conf.push_str("header +Vary Cookie\n");
    if let Some(reporting) = reporting.filter(|r| r.reporting_api()) {
        conf.push_str(&format!(
            "header Reporting-Endpoints `biscoito=\"{}\"`\n",
            reporting.uri
        ));
    }
    conf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::services_example;

    #[test]
    fn each_server_reads_the_cookie_per_opening_and_keeps_the_strict_policy_otherwise() {
        let c = services_example();
        let policy = Policy::new(&c, None).unwrap();
        let (http, server) = nginx(&policy, "biscoito.json", None);
        for opening in &policy.openings {
            assert!(
                http.contains(&format!("${}", variable_name(&opening.id))),
                "{http}"
            );
        }
        assert!(server.starts_with("# Written by `biscoito csp` from biscoito.json"));
        assert!(server.contains("add_header Content-Security-Policy \"script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline' $biscoito_csp_"));
        let https = Reporting {
            uri: "https://www.tjvs.jus.br/csp-reports",
        };
        let apache_conf = apache(&policy, "biscoito.json", Some(&https));
        assert!(apache_conf.contains("Header always set Content-Security-Policy-Report-Only"));
        assert!(apache_conf
            .contains("report-uri https://www.tjvs.jus.br/csp-reports; report-to biscoito\""));
        assert!(apache_conf.contains("Reporting-Endpoints"));
        // A relative endpoint gets report-uri alone: Chromium would ignore it
        // for a report-to it cannot use.
        let relative = Reporting {
            uri: "/csp-reports",
        };
        let (_, relative) = nginx(&policy, "biscoito.json", Some(&relative));
        assert!(
            relative.contains("; report-uri /csp-reports\" always;"),
            "{relative}"
        );
        assert!(!relative.contains("report-to") && !relative.contains("Reporting-Endpoints"));
        let caddy_conf = caddy(&policy, "biscoito.json", None);
        assert!(caddy_conf.contains("{http.request.cookie.__Host-biscoito-csp}"));
    }
}
