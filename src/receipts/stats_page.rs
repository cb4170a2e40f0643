//! The statistics as one self-contained page (`stats --html`, and GET
//! /estatisticas from the service): no script, no external asset, in pt-BR
//! or English, printable.
//!
//! The charts are SVG drawn here rather than by a charting crate (plotters
//! was the candidate): what makes a chart accessible is its structure, and
//! hand-drawn SVG lets each one be a named image (role="img", a title and a
//! description in words) with every bar labelled in text and a table of the
//! same numbers beside it, with contrast and separators chosen for it, none
//! of which a general plotting backend writes.

use super::stats::{Group, Period, Stats, Tally};
use maud::{html, Markup};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    PtBr,
    En,
}

impl Lang {
    fn pick(self, en: &'static str, pt: &'static str) -> &'static str {
        match self {
            Lang::En => en,
            Lang::PtBr => pt,
        }
    }
    fn code(self) -> &'static str {
        self.pick("en", "pt-BR")
    }
}

/// Accept all, reject all, a choice of one's own, the GPC signal: each at
/// least 4.5:1 against white, and told apart by the text beside each bar.
const COLOURS: [&str; 4] = ["#1d4f91", "#a14a00", "#5c5c5c", "#6a2c8f"];

const STYLE: &str = "body{font:100%/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0}\
main{max-width:64rem;margin:0 auto;padding:1rem}\
.table-wrap{overflow-x:auto;max-width:100%}table{border-collapse:collapse;margin:.5rem 0 1.5rem}\
caption{text-align:start;font-weight:600;padding:.25em 0}th,td{border:1px solid #767676;padding:.3em .5em;text-align:end}\
th[scope=row],thead th:first-child{text-align:start}svg{display:block}\
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}.swatch{display:inline-block;width:1em;height:1em;vertical-align:-.15em;margin-inline-end:.35em}\
.s0{background:#1d4f91}.s1{background:#a14a00}.s2{background:#5c5c5c}.s3{background:#6a2c8f}\
@media print{.table-wrap{overflow:visible}}";

fn percent(share: Option<u64>) -> String {
    share.map_or_else(|| "—".to_owned(), |p| format!("{p}%"))
}

/// The methods of first choices, in the order of COLOURS.
fn methods(lang: Lang, t: &Tally) -> [(&'static str, u64); 4] {
    [
        (lang.pick("Accept all", "Aceitar todos"), t.accept_all),
        (lang.pick("Reject all", "Rejeitar todos"), t.reject_all),
        (lang.pick("Own choice", "Escolha própria"), t.custom),
        (lang.pick("GPC signal", "Sinal GPC"), t.gpc),
    ]
}

/// The parts of one bar that are not empty: colour index, x, width, name, count.
fn segments(
    lang: Lang,
    t: &Tally,
    left: f64,
    width: f64,
) -> Vec<(usize, f64, f64, &'static str, u64)> {
    let mut x = left;
    let mut out = Vec::new();
    for (i, (name, n)) in methods(lang, t).into_iter().enumerate() {
        let w = if t.first_choices == 0 {
            0.0
        } else {
            width * n as f64 / t.first_choices as f64
        };
        if w > 0.0 {
            out.push((i, x, w, name, n));
        }
        x += w;
    }
    out
}

/// One horizontal bar per group, split by how the first choice was made,
/// each part as wide as its share and labelled in words.
fn methods_chart(lang: Lang, id: &str, title: &str, groups: &[Group]) -> Markup {
    const LABEL: f64 = 150.0;
    const WIDTH: f64 = 560.0;
    const ROW: f64 = 34.0;
    let height = ROW * groups.len() as f64 + 8.0;
    let description: Vec<String> = groups
        .iter()
        .map(|g| {
            let parts: Vec<String> = methods(lang, &g.tally)
                .iter()
                .map(|(name, n)| format!("{name} {}", percent(g.tally.share(*n))))
                .collect();
            format!("{}: {}", g.key, parts.join(", "))
        })
        .collect();
    html! {
        svg role="img" aria-labelledby={ (id) "-t " (id) "-d" } viewBox={ "0 0 " (LABEL + WIDTH + 10.0) " " (height) } width=(LABEL + WIDTH + 10.0) height=(height) xmlns="http://www.w3.org/2000/svg" {
            title id={ (id) "-t" } { (title) }
            desc id={ (id) "-d" } { (description.join("; ")) }
            @for (row, group) in groups.iter().enumerate() {
                @let y = 4.0 + ROW * row as f64;
                text x="0" y=(y + 20.0) font-size="14" fill="#1b1b1b" { (group.key) }
                @for (i, x, w, name, n) in segments(lang, &group.tally, LABEL, WIDTH) {
                    rect x=(x) y=(y) width=(w) height=(ROW - 8.0) fill=(COLOURS[i]) stroke="#fff" stroke-width="1" {
                        title { (name) ": " (percent(group.tally.share(n))) }
                    }
                    @if w >= 44.0 {
                        text x=(x + 6.0) y=(y + 18.0) font-size="13" fill="#fff" { (percent(group.tally.share(n))) }
                    }
                }
            }
        }
    }
}

/// One bar per optional category or service: the share of first choices
/// that accepted it.
fn opt_in_chart(lang: Lang, stats: &Stats) -> Markup {
    const LABEL: f64 = 170.0;
    const WIDTH: f64 = 480.0;
    const ROW: f64 = 30.0;
    let t = &stats.total;
    let height = ROW * stats.ids.len() as f64 + 8.0;
    let title = lang.pick(
        "Opt-in rate of each optional category and service",
        "Taxa de aceite de cada categoria e serviço opcional",
    );
    let description: Vec<String> = stats
        .ids
        .iter()
        .map(|id| {
            format!(
                "{id} {}",
                percent(t.share(t.opted_in.get(id).copied().unwrap_or(0)))
            )
        })
        .collect();
    html! {
        svg role="img" aria-labelledby="optin-t optin-d" viewBox={ "0 0 " (LABEL + WIDTH + 60.0) " " (height) } width=(LABEL + WIDTH + 60.0) height=(height) xmlns="http://www.w3.org/2000/svg" {
            title id="optin-t" { (title) }
            desc id="optin-d" { (description.join("; ")) }
            @for (row, id) in stats.ids.iter().enumerate() {
                @let y = 4.0 + ROW * row as f64;
                @let n = t.opted_in.get(id).copied().unwrap_or(0);
                @let w = if t.first_choices == 0 { 0.0 } else { WIDTH * n as f64 / t.first_choices as f64 };
                text x="0" y=(y + 17.0) font-size="14" fill="#1b1b1b" { (id) }
                rect x=(LABEL) y=(y) width=(WIDTH) height=(ROW - 8.0) fill="none" stroke="#767676" stroke-width="1" {}
                rect x=(LABEL) y=(y) width=(w) height=(ROW - 8.0) fill=(COLOURS[0]) {}
                text x=(LABEL + WIDTH + 8.0) y=(y + 17.0) font-size="14" fill="#1b1b1b" { (percent(t.share(n))) }
            }
        }
    }
}

fn table(
    lang: Lang,
    caption: &str,
    first_column: &str,
    ids: &[String],
    groups: &[Group],
) -> Markup {
    html! {
        div.table-wrap role="region" tabindex="0" aria-label=(caption) {
            table {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (first_column) }
                    th scope="col" { (lang.pick("First choices", "Primeiras escolhas")) }
                    @for (name, _) in methods(lang, &Tally::default()) { th scope="col" { (name) } }
                    th scope="col" { (lang.pick("Later changes", "Mudanças depois")) }
                    th scope="col" { (lang.pick("Revocations", "Revogações")) }
                    @for id in ids { th scope="col" { (lang.pick("Opt-in: ", "Aceite: ")) (id) } }
                } }
                tbody {
                    @for group in groups {
                        @let t = &group.tally;
                        tr {
                            th scope="row" { (group.key) }
                            td { (t.first_choices) }
                            @for (_, n) in methods(lang, t) { td { (percent(t.share(n))) " (" (n) ")" } }
                            td { (t.changes) }
                            td { (t.revocations) }
                            @for id in ids {
                                @let n = t.opted_in.get(id).copied().unwrap_or(0);
                                td { (percent(t.share(n))) " (" (n) ")" }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn page(stats: &Stats, lang: Lang) -> String {
    let title = lang.pick("Consent statistics", "Estatísticas de consentimento");
    let period_column = match stats.by {
        Period::Day => lang.pick("Day", "Dia"),
        Period::Week => lang.pick("Week (from Monday)", "Semana (a partir de segunda)"),
        Period::Month => lang.pick("Month", "Mês"),
    };
    let total = [Group {
        key: lang.pick("Total", "Total").to_owned(),
        tally: stats.total.clone(),
    }];
    let methods_title = lang.pick(
        "How visitors made their first choice, per period",
        "Como os visitantes fizeram a primeira escolha, por período",
    );
    let body = html! {
                h1 { (title) }
                p {
                    (lang.pick("Receipts received from ", "Comprovantes recebidos de "))
                    @if stats.from.starts_with("1970-01-01") { (lang.pick("the start of the log", "o início do registro")) } @else { (&stats.from[..10]) }
                    (lang.pick(" up to (not including) ", " até (exclusive) ")) (&stats.to[..10]) "."
                    @if let Some(r) = stats.revision { " " (lang.pick("Config revision ", "Revisão da configuração ")) (r) "." }
                }
                p {
                    (lang.pick(
                        "Shares are of first choices. A later change is a visitor choosing again; a revocation takes back something they had accepted. Required categories are left out: everyone has them.",
                        "As porcentagens são das primeiras escolhas. Uma mudança é um visitante escolhendo de novo; uma revogação retira algo que ele tinha aceitado. As categorias necessárias ficam de fora: todos as têm.",
                    ))
                }
                p {
                    (lang.pick("Periods, revisions and pages with fewer than ", "Períodos, revisões e páginas com menos de "))
                    (stats.k)
                    (lang.pick(" choices are folded together, so that no one can be singled out.", " escolhas são agrupados, para que ninguém possa ser identificado."))
                }
                @if stats.unreadable > 0 {
                    p { strong { (stats.unreadable) } (lang.pick(" stored receipt(s) could not be read and were left out: run biscoito receipts verify.", " comprovante(s) guardado(s) não puderam ser lidos e ficaram de fora: rode biscoito receipts verify.")) }
                }
                @if stats.withheld {
                    p { strong { (lang.pick("Fewer than ", "Menos de ")) (stats.k) (lang.pick(" choices in the whole period: nothing is shown.", " escolhas no período inteiro: nada é mostrado.")) } }
                } @else {
                h2 { (lang.pick("Summary", "Resumo")) }
                (table(lang, lang.pick("All receipts in the period", "Todos os comprovantes do período"), lang.pick("Receipts", "Comprovantes"), &stats.ids, &total))
                h2 { (methods_title) }
                @if stats.periods.is_empty() {
                    p { (lang.pick("No receipt in the period.", "Nenhum comprovante no período.")) }
                } @else {
                    ul.legend {
                        @for (i, (name, _)) in methods(lang, &Tally::default()).iter().enumerate() {
                            li { span class={ "swatch s" (i) } {} (name) }
                        }
                    }
                    // At its own size, so its text stays legible; it scrolls
                    // sideways in its region on a narrow screen.
                    div.table-wrap role="region" tabindex="0" aria-label=(methods_title) {
                        (methods_chart(lang, "metodos", methods_title, &stats.periods))
                    }
                    (table(lang, methods_title, period_column, &stats.ids, &stats.periods))
                }
                @if !stats.ids.is_empty() {
                    h2 { (lang.pick("Opt-in per category and service", "Aceite por categoria e serviço")) }
                    div.table-wrap role="region" tabindex="0" aria-label=(lang.pick("Opt-in chart", "Gráfico de aceite")) {
                        (opt_in_chart(lang, stats))
                    }
                }
                h2 { (lang.pick("By config revision", "Por revisão da configuração")) }
                p { (lang.pick("Compare a new banner or policy with the one before it.", "Compare um novo banner ou política com o anterior.")) }
                (table(lang, lang.pick("First choices by config revision", "Primeiras escolhas por revisão da configuração"), lang.pick("Revision", "Revisão"), &stats.ids, &stats.revisions))
                h2 { (lang.pick("By page", "Por página")) }
                (table(lang, lang.pick("First choices by page where they were made", "Primeiras escolhas pela página onde foram feitas"), lang.pick("Page", "Página"), &stats.ids, &stats.pages))
                }
                p { small { (lang.pick("Produced by biscoito receipts stats from the institution's own consent log.", "Gerado por biscoito receipts stats a partir do registro de consentimentos da própria instituição.")) } }
    };
    crate::html_page::page(lang.code(), title, STYLE, body)
}
