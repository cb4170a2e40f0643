//! Content-Security-Policy violation reports from visitors' browsers
//! (`POST /csp-reports`, from `biscoito csp --report-only`): what the policy
//! that follows consent would block, or blocked, on real pages. Only the
//! day, the page's path, the blocked host and the directive are kept, as a
//! count: no address, no browser, no query string.

use crate::engine::json::{self, Value};

/// One violation as it is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Leak {
    /// The page's path, without query or fragment.
    pub path: String,
    /// The blocked host, or what the browser names instead of a URL
    /// ("inline", "eval", "data"…).
    pub host: String,
    /// The directive that blocked it (`script-src`…).
    pub directive: String,
}

/// Longest path, host or directive kept (a report is the browser's, but
/// anyone can send one).
const MOST_CHARS: usize = 512;
/// Most reports read from one body (`application/reports+json` batches them).
pub const MOST_PER_BODY: usize = 100;

fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    match object {
        Value::Object(fields) => fields
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            }),
        _ => None,
    }
}

fn field<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    match object {
        Value::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn clipped(text: &str) -> String {
    text.chars().take(MOST_CHARS).collect()
}

/// The path of a page URL, without query or fragment.
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    clipped(path.split(['?', '#']).next().unwrap_or("/"))
}

/// The host of a blocked URL, or the keyword the browser wrote instead.
fn host_of(blocked: &str) -> String {
    match blocked.split_once("://") {
        Some((_, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            let host = if host.starts_with('[') {
                host.split(']')
                    .next()
                    .map(|h| format!("{h}]"))
                    .unwrap_or_default()
            } else {
                host.split(':').next().unwrap_or("").to_owned()
            };
            clipped(&host.to_ascii_lowercase())
        }
        None => clipped(blocked.split(':').next().unwrap_or(blocked)),
    }
}

fn directive_of(text: &str) -> String {
    clipped(text.split_ascii_whitespace().next().unwrap_or(""))
}

fn leak(document: Option<&str>, blocked: Option<&str>, directive: Option<&str>) -> Option<Leak> {
    let (document, blocked, directive) = (document?, blocked?, directive?);
    let directive = directive_of(directive);
    if directive.is_empty() {
        return None;
    }
    Some(Leak {
        path: path_of(document),
        host: host_of(blocked),
        directive,
    })
}

/// Reads a report body: `application/csp-report` (one `csp-report` object,
/// report-uri) or `application/reports+json` (a list, report-to; entries of
/// other types are skipped). Err says what is wrong with the body.
pub fn read(body: &[u8], reports_json: bool) -> Result<Vec<Leak>, String> {
    let body = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    let value = json::parse(body).map_err(|e| format!("not JSON: {e}"))?;
    if !reports_json {
        let report = field(&value, "csp-report").ok_or("no \"csp-report\" object")?;
        let directive =
            text(report, "effective-directive").or_else(|| text(report, "violated-directive"));
        return leak(
            text(report, "document-uri"),
            text(report, "blocked-uri"),
            directive,
        )
        .map(|l| vec![l])
        .ok_or_else(|| "the report lacks document-uri, blocked-uri or its directive".to_owned());
    }
    let Value::Array(entries) = &value else {
        return Err("application/reports+json must be a list of reports".into());
    };
    let mut leaks = Vec::new();
    for entry in entries.iter().take(MOST_PER_BODY) {
        if text(entry, "type") != Some("csp-violation") {
            continue;
        }
        let Some(body) = field(entry, "body") else {
            continue;
        };
        if let Some(l) = leak(
            text(body, "documentURL"),
            text(body, "blockedURL"),
            text(body, "effectiveDirective"),
        ) {
            leaks.push(l);
        }
    }
    Ok(leaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_report_formats_become_a_path_a_host_and_a_directive_and_nothing_else() {
        let old = br#"{"csp-report": {"document-uri": "https://www.tjvs.jus.br/servicos?cpf=123#x",
            "blocked-uri": "https://user:pw@connect.facebook.net:443/en_US/fbevents.js?id=9",
            "violated-directive": "script-src-elem", "original-policy": "script-src 'self'"}}"#;
        assert_eq!(
            read(old, false).unwrap(),
            vec![Leak {
                path: "/servicos".into(),
                host: "connect.facebook.net".into(),
                directive: "script-src-elem".into()
            }]
        );
        let new = br#"[{"type": "csp-violation", "age": 3, "url": "https://www.tjvs.jus.br/",
            "user_agent": "Mozilla/5.0", "body": {"documentURL": "https://www.tjvs.jus.br/",
            "blockedURL": "inline", "effectiveDirective": "script-src-elem"}},
            {"type": "deprecation", "body": {}}]"#;
        assert_eq!(
            read(new, true).unwrap(),
            vec![Leak {
                path: "/".into(),
                host: "inline".into(),
                directive: "script-src-elem".into()
            }]
        );
        assert!(read(b"{}", false).is_err());
        assert!(read(b"[1,", true).is_err());
        assert!(read(b"{}", true).is_err());
    }
}
