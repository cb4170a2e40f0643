//! Writers only: the JSON report (versioned, schema in
//! docs/scan-report.schema.json), the terminal summary and the HTML page for
//! a data protection officer. Nothing here judges.

use super::artifacts::{Choice, CookieSeen, OwnFile, Phase, RequestSeen, StorageSeen};
use super::audit::{Finding, FindingType, Kind};
use super::Outcome;
use serde::Serialize;

/// Raised when a field changes meaning or goes away; new fields keep it.
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    PtBr,
    En,
}

impl Lang {
    /// `--lang`, else the environment's LC_ALL, LC_MESSAGES or LANG.
    pub fn from_env(explicit: Option<&str>) -> Lang {
        let from_env = || {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty())
                .unwrap_or_default()
        };
        let code = explicit.map(str::to_owned).unwrap_or_else(from_env);
        if code.to_ascii_lowercase().starts_with("pt") {
            Lang::PtBr
        } else {
            Lang::En
        }
    }

    pub fn pick<'a>(self, en: &'a str, pt: &'a str) -> &'a str {
        match self {
            Lang::PtBr => pt,
            Lang::En => en,
        }
    }

    fn code(self) -> &'static str {
        self.pick("en", "pt-BR")
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report<'a> {
    pub version: u32,
    pub tool: String,
    pub command: &'a str,
    /// When the scan ended, RFC 3339, UTC.
    pub date: &'a str,
    pub start_url: &'a str,
    pub browser: &'a str,
    pub config: ConfigUsed<'a>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub other_configs: &'a [String],
    /// Requests to private or link-local addresses the scanner refused.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub refused_private: &'a [String],
    pub summary: Summary,
    pub choices: Vec<ChoiceMade<'a>>,
    pub pages: Vec<PageSeen<'a>>,
    pub findings: &'a [Finding],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigUsed<'a> {
    /// "page", "file" or "default".
    pub source: &'a str,
    pub revision: u64,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub pages: usize,
    pub violation: usize,
    pub missing: usize,
    pub broken: usize,
    pub undeclared: usize,
    pub stale: usize,
    pub slow: usize,
    /// No violation, missing or broken finding: the exit code is 0.
    pub passed: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceMade<'a> {
    pub phase: Phase,
    #[serde(flatten)]
    pub choice: &'a Choice,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageSeen<'a> {
    pub url: &'a str,
    pub phase: Phase,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// In English, whatever --lang says.
    pub error: Option<String>,
    pub biscoito: bool,
    pub banner_shown: bool,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
    pub cookies: &'a [CookieSeen],
    pub storage: &'a [StorageSeen],
    /// Requests to other sites, scripts among them.
    pub requests: &'a [RequestSeen],
    /// Scripts from other sites that ran.
    pub scripts: Vec<&'a str>,
    #[serde(skip_serializing_if = "<[OwnFile]>::is_empty")]
    pub own_files: &'a [OwnFile],
}

pub fn summary(outcome: &Outcome) -> Summary {
    let mut s = Summary {
        pages: outcome
            .artifacts
            .passes
            .first()
            .map_or(0, |p| p.visits.len()),
        ..Summary::default()
    };
    for f in &outcome.findings {
        *match f.kind_of_finding {
            FindingType::Violation => &mut s.violation,
            FindingType::Missing => &mut s.missing,
            FindingType::Broken => &mut s.broken,
            FindingType::Undeclared => &mut s.undeclared,
            FindingType::Stale => &mut s.stale,
            FindingType::Slow => &mut s.slow,
        } += 1;
    }
    s.passed = s.violation + s.missing + s.broken == 0;
    s
}

pub fn report<'a>(outcome: &'a Outcome, command: &'a str, date: &'a str) -> Report<'a> {
    let a = &outcome.artifacts;
    Report {
        version: REPORT_VERSION,
        tool: format!("biscoito {}", env!("CARGO_PKG_VERSION")),
        command,
        date,
        start_url: &a.start_url,
        browser: &a.browser,
        config: ConfigUsed {
            source: &a.config_source,
            revision: outcome.config.revision,
        },
        other_configs: &a.other_configs,
        refused_private: &a.refused_private,
        summary: summary(outcome),
        choices: a
            .passes
            .iter()
            .filter_map(|p| {
                Some(ChoiceMade {
                    phase: p.phase,
                    choice: p.choice.as_ref()?,
                })
            })
            .collect(),
        pages: a
            .passes
            .iter()
            .flat_map(|p| {
                p.visits.iter().map(move |v| PageSeen {
                    url: &v.url,
                    phase: p.phase,
                    status: v.status,
                    error: v.error.as_ref().map(|t| t.text(Lang::En)),
                    biscoito: v.has_biscoito,
                    banner_shown: v.banner_shown,
                    notes: &v.notes,
                    cookies: &v.cookies,
                    storage: &v.storage,
                    requests: &v.requests,
                    scripts: v
                        .requests
                        .iter()
                        .filter(|r| r.is_script_that_ran())
                        .map(|r| r.url.as_str())
                        .collect(),
                    own_files: &v.own_files,
                })
            })
            .collect(),
        findings: &outcome.findings,
    }
}

fn type_title(t: FindingType, lang: Lang) -> &'static str {
    match t {
        FindingType::Violation => lang.pick(
            "Violations: optional items before consent or after refusal",
            "Violações: itens opcionais antes do consentimento ou após a recusa",
        ),
        FindingType::Missing => lang.pick("Pages without Biscoito", "Páginas sem o Biscoito"),
        FindingType::Broken => lang.pick(
            "Broken: pages, banner or buttons that did not work",
            "Falhas: páginas, banner ou botões que não funcionaram",
        ),
        FindingType::Undeclared => lang.pick(
            "Undeclared: seen, but in no category",
            "Não declarados: vistos, mas em nenhuma categoria",
        ),
        FindingType::Stale => lang.pick(
            "Stale: declared, never seen, or kept longer than declared",
            "Obsoletos: declarados e nunca vistos, ou guardados por mais tempo que o declarado",
        ),
        FindingType::Slow => lang.pick(
            "Slow: Biscoito's files served in a way that costs visitors time",
            "Lentos: arquivos do Biscoito servidos de um jeito que custa tempo aos visitantes",
        ),
    }
}

fn phase_words(p: Option<Phase>, lang: Lang) -> &'static str {
    match p {
        Some(Phase::BeforeConsent) => lang.pick("before any choice", "antes de qualquer escolha"),
        Some(Phase::AfterReject) => lang.pick("after \"Reject all\"", "após \"Rejeitar todos\""),
        Some(Phase::AfterAccept) => lang.pick("after \"Accept all\"", "após \"Aceitar todos\""),
        None => "",
    }
}

/// What a finding is about: its kind (or storage area) in the reader's
/// words, and its name or address.
fn subject(f: &Finding, lang: Lang) -> (&str, &str) {
    let kind = kind_words(f.kind, lang);
    match (&f.area, &f.name, &f.url) {
        (Some(area), Some(name), _) => (area, name),
        (None, Some(name), _) => (kind, name),
        (_, None, Some(url)) => (kind, url),
        _ => (kind, ""),
    }
}

/// What kind of thing a finding is about, in the reader's words.
fn kind_words(kind: Kind, lang: Lang) -> &'static str {
    match kind {
        Kind::Cookie => "cookie",
        Kind::Storage => lang.pick("storage", "armazenamento"),
        Kind::Request => lang.pick("request", "requisição"),
        Kind::Script => "script",
        Kind::Page => lang.pick("page", "página"),
        Kind::Banner => "banner",
    }
}

const ORDER: [FindingType; 6] = [
    FindingType::Violation,
    FindingType::Missing,
    FindingType::Broken,
    FindingType::Undeclared,
    FindingType::Stale,
    FindingType::Slow,
];

/// The findings of each type that has any, most serious type first.
fn by_type(findings: &[Finding]) -> impl Iterator<Item = (FindingType, Vec<&Finding>)> {
    ORDER.into_iter().filter_map(move |t| {
        let group: Vec<&Finding> = findings.iter().filter(|f| f.kind_of_finding == t).collect();
        (!group.is_empty()).then_some((t, group))
    })
}

/// The terminal summary: one line a finding, grouped by type.
pub fn terminal(outcome: &Outcome, lang: Lang) -> String {
    let s = summary(outcome);
    let a = &outcome.artifacts;
    let mut out = String::new();
    let source = match a.config_source.as_str() {
        "page" => lang.pick("the page's", "da página"),
        "file" => "--config",
        _ => lang.pick("built-in default", "padrão embutida"),
    };
    out += &format!(
        "{} {}: {} {}, 3 {}; {} {} ({source})\n",
        lang.pick("Scanned", "Varredura de"),
        a.start_url,
        s.pages,
        lang.pick("page(s)", "página(s)"),
        lang.pick("passes", "passagens"),
        lang.pick("config revision", "configuração, revisão"),
        outcome.config.revision,
    );
    if !a.refused_private.is_empty() {
        out += &format!(
            "\n{} ({})\n",
            lang.pick(
                "Refused: requests to private or link-local addresses (--allow-private lets them through)",
                "Recusadas: requisições a endereços privados ou de enlace local (--allow-private as deixa passar)"
            ),
            a.refused_private.len()
        );
        for refused in &a.refused_private {
            out += &format!("  {refused}\n");
        }
    }
    for (t, group) in by_type(&outcome.findings) {
        out += &format!("\n{} ({})\n", type_title(t, lang), group.len());
        for f in group {
            let (label, subject) = subject(f, lang);
            out += &format!("  {label} {subject}");
            if let Some(p) = &f.provider {
                out += &format!(" [{p}]");
            }
            if f.phase.is_some() && t != FindingType::Undeclared {
                out += &format!(" — {}", phase_words(f.phase, lang));
            }
            if !f.page.is_empty() && f.url.as_deref() != Some(f.page.as_str()) {
                out += &format!(", {} {}", lang.pick("on", "em"), f.page);
            }
            if let Some(c) = &f.category {
                out += &format!(" ({} {c})", lang.pick("category", "categoria"));
            }
            if let Some(d) = &f.detail {
                out += &format!(": {}", d.text(lang));
            }
            out.push('\n');
            if !f.effects.is_empty() {
                out += &format!(
                    "      {} {}\n",
                    lang.pick("and with it:", "e com ele:"),
                    f.effects.join(", ")
                );
            }
            for fix in &f.fixes {
                out += &format!(
                    "      {} {}\n",
                    lang.pick("fix:", "correção:"),
                    fix.text(|en, pt| lang.pick(en, pt))
                );
            }
        }
    }
    out += &format!(
        "\n{}: {} {}, {} {}, {} {}, {} {}, {} {}, {} {}\n",
        if s.passed {
            lang.pick("PASSED", "APROVADO")
        } else {
            lang.pick("FAILED", "REPROVADO")
        },
        s.violation,
        lang.pick("violation(s)", "violação(ões)"),
        s.missing,
        lang.pick("page(s) without Biscoito", "página(s) sem o Biscoito"),
        s.broken,
        lang.pick("broken", "falha(s)"),
        s.undeclared,
        lang.pick("undeclared", "não declarado(s)"),
        s.stale,
        lang.pick("stale", "obsoleto(s)"),
        s.slow,
        lang.pick("slow", "lento(s)"),
    );
    out
}

/// One self-contained page: no script, no external asset, printable. A
/// maud template: every value is escaped unless it says otherwise.
pub fn html(outcome: &Outcome, lang: Lang, command: &str, date: &str) -> String {
    use maud::{html, PreEscaped, DOCTYPE};
    let s = summary(outcome);
    let a = &outcome.artifacts;
    let t = |en: &'static str, pt: &'static str| lang.pick(en, pt);
    let title = t(
        "Cookie and consent audit",
        "Auditoria de cookies e consentimento",
    );
    let source = match a.config_source.as_str() {
        "page" => t(
            "read from the page (#biscoito-config)",
            "lida da página (#biscoito-config)",
        ),
        "file" => t("given with --config", "indicada com --config"),
        _ => t(
            "Biscoito's built-in default",
            "a padrão embutida do Biscoito",
        ),
    };
    let columns = [
        t("What", "O quê"),
        t("When", "Quando"),
        t("Where", "Onde"),
        t("Provider and purpose", "Fornecedor e finalidade"),
        t("Category", "Categoria"),
        t("How to fix", "Como corrigir"),
    ];
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (a.start_url) }
                style { (PreEscaped(STYLE)) }
            }
            body { main {
                h1 { (title) }
                p.site { (a.start_url) }
                @if s.passed {
                    p.verdict.ok { strong { (t(
                        "Passed: nothing optional ran, loaded or was stored before consent or after refusal.",
                        "Aprovado: nada opcional rodou, carregou ou foi guardado antes do consentimento ou após a recusa.",
                    )) } }
                } @else {
                    p.verdict.fail { strong { (t(
                        "Failed: see the findings below, most serious first.",
                        "Reprovado: veja as constatações abaixo, as mais graves primeiro.",
                    )) } }
                }
                h2 { (t("About this scan", "Sobre esta varredura")) }
                dl {
                    dt { (t("Date", "Data")) } dd { (date) }
                    dt { (t("Configuration", "Configuração")) }
                    dd { (t("revision", "revisão")) " " (outcome.config.revision) ", " (source) }
                    dt { (t("Pages visited per pass", "Páginas visitadas por passagem")) } dd { (s.pages) }
                    dt { (t("Passes", "Passagens")) }
                    dd { (t(
                        "before any choice; after \"Rejeitar todos\"; after \"Aceitar todos\", each in a fresh browser profile",
                        "antes de qualquer escolha; após \"Rejeitar todos\"; após \"Aceitar todos\", cada uma num perfil de navegador novo",
                    )) }
                    dt { (t("Browser", "Navegador")) } dd { (a.browser) }
                    dt { (t("Command", "Comando")) } dd { code { (command) } }
                }
                h2 { (t("Summary", "Resumo")) }
                table {
                    caption { (t("Findings by type", "Constatações por tipo")) }
                    thead { tr { th scope="col" { (t("Type", "Tipo")) } th scope="col" { (t("Count", "Quantidade")) } } }
                    tbody {
                        @for (ty, n) in [
                            (FindingType::Violation, s.violation),
                            (FindingType::Missing, s.missing),
                            (FindingType::Broken, s.broken),
                            (FindingType::Undeclared, s.undeclared),
                            (FindingType::Stale, s.stale),
                            (FindingType::Slow, s.slow),
                        ] {
                            tr { th scope="row" { (type_title(ty, lang)) } td { (n) } }
                        }
                    }
                }
                @if let Some(png) = &a.banner_screenshot {
                    h2 { (t("The banner a first-time visitor sees", "O banner que um visitante vê na primeira visita")) }
                    figure {
                        img src={ "data:image/png;base64," (png) } width="640" alt=(t(
                            "Screenshot of the start page with the consent banner, as a first-time visitor sees it",
                            "Captura da página inicial com o banner de consentimento, como um visitante a vê na primeira visita",
                        ));
                        figcaption { (a.start_url) }
                    }
                }
                h2 { (t("Findings", "Constatações")) }
                @if outcome.findings.is_empty() {
                    p { (t("None.", "Nenhuma.")) }
                }
                @for (ty, group) in by_type(&outcome.findings) {
                    h3 { (type_title(ty, lang)) " (" (group.len()) ")" }
                    table {
                        caption.sr-only { (type_title(ty, lang)) }
                        thead { tr { @for column in columns { th scope="col" { (column) } } } }
                        tbody {
                            @for f in group {
                                @let (label, subject) = subject(f, lang);
                                tr {
                                    td data-label=(columns[0]) {
                                        span.kind { (label) } " " code { (subject) }
                                        @if let Some(d) = &f.detail { br; (d.text(lang)) }
                                        @if !f.effects.is_empty() {
                                            br; (t("and with it:", "e com ele:")) " "
                                            @for (i, effect) in f.effects.iter().enumerate() {
                                                @if i > 0 { ", " }
                                                code { (effect) }
                                            }
                                        }
                                    }
                                    td data-label=(columns[1]) { (phase_words(f.phase, lang)) }
                                    td data-label=(columns[2]) {
                                        @if f.page.is_empty() { "—" } @else { (f.page) }
                                        @if f.pages.len() > 1 {
                                            " " (t("and", "e mais")) " " (f.pages.len() - 1) " " (t("more", "página(s)"))
                                        }
                                    }
                                    td data-label=(columns[3]) {
                                        (f.provider.as_deref().unwrap_or("—"))
                                        @if let Some([en, pt]) = &f.purpose { br; (lang.pick(en, pt)) }
                                    }
                                    td data-label=(columns[4]) { (f.category.as_deref().unwrap_or("—")) }
                                    td data-label=(columns[5]) {
                                        @if f.fixes.is_empty() { "—" } @else {
                                            ol.fixes { @for fix in &f.fixes { li { (fix.text(|en, pt| lang.pick(en, pt))) } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.note { (t(
                    "Query strings were dropped from every address: their values can be personal data. Produced by biscoito scan.",
                    "As query strings foram retiradas de todos os endereços: seus valores podem ser dados pessoais. Gerado pelo biscoito scan.",
                )) }
            } }
        }
    };
    page.into_string()
}

const STYLE: &str = "
:root{color:#1b1b1b;background:#fff;font:100%/1.5 system-ui,sans-serif}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.75rem;margin:.5rem 0}
.site{font-family:monospace;overflow-wrap:anywhere}
.verdict{padding:.75rem 1rem;border-left:.4rem solid}
.verdict.ok{border-color:#14632a;background:#eaf5ec}
.verdict.fail{border-color:#9b1c1c;background:#fbeaea}
dl{display:grid;grid-template-columns:minmax(8rem,14rem) minmax(0,1fr);gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
thead th{background:#f0f0f0;overflow-wrap:normal}
code{font-size:.9em;overflow-wrap:anywhere}
.kind{font-weight:600}
figure{margin:1rem 0}figcaption{overflow-wrap:anywhere}
img{max-width:100%;height:auto;border:1px solid #767676}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.note{font-size:.9rem}
.fixes{margin:0;padding-left:1.25rem}
@media (max-width:40rem){dl{display:block}dd{margin:0 0 .5rem}table,thead,tbody,tr,th,td{display:block}thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}td{border-top:0}td[data-label]::before{content:attr(data-label) \": \";font-weight:600}tr{margin-bottom:.75rem}}
@media print{.verdict{border:1px solid}a{color:inherit}}
";

/// Now as RFC 3339 in UTC, without a date library.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}
