//! `biscoito declaration --format html`: the cookie declaration as one
//! self-contained page (a maud template around engine::declaration, the
//! same markup the policy page shows), to paste into a CMS or print to PDF.

use crate::engine::config::Config;
use crate::engine::declaration::{self, Reader};
use crate::engine::i18n::Lang;
use maud::{html, PreEscaped};

/// The page's style: the banner's default for the declaration, plus a body.
const STYLE: &str = "body{font:100%/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0}\
main{max-width:60rem;margin:0 auto;padding:1rem}\
.table-wrap{overflow-x:auto;max-width:100%}table{border-collapse:collapse;min-width:36em;margin:.5rem 0 1rem}\
caption{text-align:start;font-weight:600;padding:.25em 0}th,td{border:1px solid #767676;padding:.3em .5em;text-align:start;vertical-align:top}\
code{overflow-wrap:anywhere}@media print{.table-wrap{overflow:visible}table{min-width:0}}";

pub fn page(config: &Config, lang: Lang) -> String {
    let title = match lang {
        Lang::PtBr => "Declaração de cookies",
        Lang::En => "Cookie declaration",
        Lang::Es => "Declaración de cookies",
    };
    let body = html! {
        h1 { (title) }
        // Markup from the engine, which escapes every config text.
        (PreEscaped(declaration::html(config, lang, Reader::Copy)))
    };
    crate::html_page::page(lang.code(), title, STYLE, body)
}
