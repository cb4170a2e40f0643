//! The frame of every HTML page the native command writes (the cookie
//! declaration, the consent statistics): a maud template, self-contained
//! (its style inline, no script, no external asset), in one language.

use maud::{html, Markup, PreEscaped, DOCTYPE};

pub fn page(lang_code: &str, title: &str, style: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang_code) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(style)) }
            }
            body { main { (body) } }
        }
    }
    .into_string()
}
