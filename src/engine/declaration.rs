//! The cookie declaration: the part of a privacy policy that lists what the
//! site stores and contacts, generated from the config in force so that it
//! never drifts from the banner. What ANPD's cookie guide (2022) asks of it:
//! each purpose and legal basis, first or third party, how long, who else
//! receives the data, and a way to refuse on the site itself.
//!
//! One walk over the config, written out as HTML (the policy page's
//! `data-biscoito="declaration"` and `biscoito declaration --format html`)
//! or as Markdown (`--format md`, for a CMS page or a PDF).

use super::config::{Category, Config, CookieInfo};
use super::html::{
    category_description, category_title, cookie_table_into, escape, text, COOKIE_COLUMNS,
};
use super::i18n::{legal_basis, Lang, Text};
use super::record::Record;

/// The declaration's own words, per language.
struct Words {
    heading: &'static str,
    intro: &'static str,
    revision: &'static str,
    of: &'static str,
    choice: &'static str,
    no_choice: &'static str,
    accepted: &'static str,
    refused: &'static str,
    required: &'static str,
    optional: &'static str,
    hosts: &'static str,
    cookies_of: &'static str,
    provider: &'static str,
    policy: &'static str,
}

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::PtBr => &Words {
            heading: "Cookies e tecnologias semelhantes",
            intro: "Esta lista é gerada da mesma configuração que o aviso de cookies usa: o que está aqui é o que o site pede.",
            revision: "Configuração em vigor: revisão",
            of: "de",
            choice: "Sua escolha neste navegador",
            no_choice: "Você ainda não escolheu: nada opcional está ativo.",
            accepted: "aceito",
            refused: "recusado",
            required: "Necessária: funciona sem consentimento e não pode ser desligada.",
            optional: "Opcional: só com o seu consentimento, que pode ser revogado a qualquer momento.",
            hosts: "Outros sites contatados",
            cookies_of: "Cookies e armazenamento",
            provider: "Fornecedor",
            policy: "política de privacidade",
        },
        Lang::En => &Words {
            heading: "Cookies and similar technologies",
            intro: "This list is generated from the same configuration the cookie notice uses: what is here is what the site asks for.",
            revision: "Configuration in force: revision",
            of: "of",
            choice: "Your choice in this browser",
            no_choice: "You have not chosen yet: nothing optional is on.",
            accepted: "accepted",
            refused: "refused",
            required: "Necessary: works without consent and cannot be switched off.",
            optional: "Optional: only with your consent, which you may withdraw at any time.",
            hosts: "Other sites contacted",
            cookies_of: "Cookies and storage",
            provider: "Provider",
            policy: "privacy policy",
        },
        Lang::Es => &Words {
            heading: "Cookies y tecnologías similares",
            intro: "Esta lista se genera de la misma configuración que usa el aviso de cookies: lo que está aquí es lo que el sitio pide.",
            revision: "Configuración vigente: revisión",
            of: "del",
            choice: "Su elección en este navegador",
            no_choice: "Aún no ha elegido: nada opcional está activo.",
            accepted: "aceptado",
            refused: "rechazado",
            required: "Necesaria: funciona sin consentimiento y no se puede desactivar.",
            optional: "Opcional: solo con su consentimiento, que puede retirar en cualquier momento.",
            hosts: "Otros sitios contactados",
            cookies_of: "Cookies y almacenamiento",
            provider: "Proveedor",
            policy: "política de privacidad",
        },
    }
}

/// Every cookie of a category and of its services, with the provider
/// filled from the service when the cookie names none.
fn cookies_of(category: &Category) -> Vec<(&CookieInfo, &str)> {
    let mut out: Vec<(&CookieInfo, &str)> = category.cookies.iter().map(|c| (c, "")).collect();
    for service in &category.services {
        out.extend(
            service
                .cookies
                .iter()
                .map(|c| (c, service.provider.as_str())),
        );
    }
    out
}

fn hosts_of(config: &Config, category: &Category) -> Vec<String> {
    let mut out = config.declared_hosts(&category.id, &category.hosts);
    for service in &category.services {
        for host in config.declared_hosts(&service.id, &service.hosts) {
            if !out.contains(&host) {
                out.push(host);
            }
        }
    }
    out
}

fn revision_line(out: &mut String, config: &Config, w: &Words) {
    out.push_str(w.revision);
    out.push(' ');
    super::json::push_decimal(out, config.revision);
    if let Some(date) = &config.revision_date {
        out.push(' ');
        out.push_str(w.of);
        out.push(' ');
        out.push_str(date);
    }
    out.push('.');
}

fn choice_word<'a>(category: &Category, record: Option<&Record>, w: &'a Words) -> &'a str {
    if record.is_some_and(|r| r.accepted(&category.id)) {
        w.accepted
    } else {
        w.refused
    }
}

/// The declaration as an HTML fragment: semantic, in the page's light DOM,
/// with real tables (a caption, column and row headers) in regions that
/// scroll sideways on a narrow screen. `record` is this visitor's choice;
/// the button reopens the preferences.
/// Who reads the declaration: a visitor of the policy page, whose choice it
/// shows with a button to change it, or a printed or pasted copy (no choice).
#[derive(Clone, Copy)]
pub enum Reader<'a> {
    Visitor(Option<&'a Record>),
    Copy,
}

pub fn html(config: &Config, lang: Lang, reader: Reader) -> String {
    let w = words(lang);
    let mut h = String::with_capacity(4096);
    let mut push = |parts: &[&str]| {
        for part in parts {
            h.push_str(part);
        }
    };
    push(&["<section class=\"biscoito-declaration\" aria-labelledby=\"bsc-declaration\"><h2 id=\"bsc-declaration\">", w.heading, "</h2><p>", w.intro, " "]);
    let mut line = String::new();
    revision_line(&mut line, config, w);
    escape(&mut h, &line);
    h.push_str("</p>");
    if let Reader::Visitor(record) = reader {
        h.push_str("<div class=\"choice\"><h3>");
        h.push_str(w.choice);
        h.push_str("</h3><div data-part=\"choice\" aria-live=\"polite\">");
        h.push_str(&choice(config, lang, record));
        h.push_str("</div><p><button type=\"button\" data-biscoito=\"preferences\">");
        escape(&mut h, text(config, lang, Text::Reopen));
        h.push_str("</button></p></div>");
    }
    for category in &config.categories {
        h.push_str("<h3>");
        escape(&mut h, category_title(config, category, lang));
        h.push_str("</h3><p>");
        escape(&mut h, category_description(config, category, lang));
        h.push_str("</p><p>");
        h.push_str(if category.required {
            w.required
        } else {
            w.optional
        });
        h.push(' ');
        escape(&mut h, text(config, lang, Text::BasisLabel));
        h.push_str(": ");
        escape(&mut h, legal_basis(lang, category.legal_basis));
        h.push_str(".</p>");
        if !category.services.is_empty() {
            h.push_str("<h4>");
            escape(&mut h, text(config, lang, Text::Services));
            h.push_str("</h4><ul>");
            for service in &category.services {
                h.push_str("<li><strong>");
                escape(&mut h, &service.title);
                h.push_str("</strong>");
                if !service.provider.is_empty() {
                    h.push_str(" (");
                    h.push_str(w.provider);
                    h.push_str(": ");
                    escape(&mut h, &service.provider);
                    h.push(')');
                }
                if let Some(description) = service.description.get(lang) {
                    h.push_str(": ");
                    escape(&mut h, description);
                }
                if let Some(url) = &service.policy_url {
                    h.push_str(" <a href=\"");
                    escape(&mut h, url);
                    h.push_str("\">");
                    h.push_str(w.policy);
                    h.push_str(" — ");
                    escape(&mut h, &service.title);
                    h.push_str("</a>");
                }
                h.push_str("</li>");
            }
            h.push_str("</ul>");
        }
        let cookies = cookies_of(category);
        let title = category_title(config, category, lang);
        if cookies.is_empty() {
            h.push_str("<p>");
            escape(&mut h, text(config, lang, Text::NoCookies));
            h.push_str("</p>");
        } else {
            // A region of its own: a wide table scrolls inside it at 320 px,
            // and the keyboard can reach it to scroll.
            let mut label = String::from(w.cookies_of);
            label.push_str(": ");
            label.push_str(title);
            cookie_table_into(&mut h, config, lang, &cookies, Some(&label));
        }
        let hosts = hosts_of(config, category);
        if !hosts.is_empty() {
            h.push_str("<p>");
            h.push_str(w.hosts);
            h.push_str(": ");
            for (i, host) in hosts.iter().enumerate() {
                if i > 0 {
                    h.push_str(", ");
                }
                h.push_str("<code>");
                escape(&mut h, host);
                h.push_str("</code>");
            }
            h.push_str(".</p>");
        }
    }
    h.push_str("</section>");
    h
}

/// The visitor's current choice, per category: the part of the declaration
/// that changes with it (the browser replaces only this, so that the button
/// beside it keeps the focus the preferences dialog returns to it).
pub fn choice(config: &Config, lang: Lang, record: Option<&Record>) -> String {
    let w = words(lang);
    let mut h = String::new();
    match record {
        None => {
            h.push_str("<p>");
            h.push_str(w.no_choice);
            h.push_str("</p>");
        }
        Some(record) => {
            h.push_str("<ul>");
            for category in &config.categories {
                h.push_str("<li>");
                escape(&mut h, category_title(config, category, lang));
                h.push_str(": ");
                escape(
                    &mut h,
                    if category.required {
                        text(config, lang, Text::AlwaysOn)
                    } else {
                        choice_word(category, Some(record), w)
                    },
                );
                h.push_str("</li>");
            }
            h.push_str("</ul>");
        }
    }
    h
}

fn provider_of<'a>(cookie: &'a CookieInfo, fallback: &'a str) -> &'a str {
    if cookie.provider.is_empty() {
        fallback
    } else {
        &cookie.provider
    }
}

fn party<'a>(config: &'a Config, lang: Lang, cookie: &CookieInfo) -> &'a str {
    text(
        config,
        lang,
        if cookie.third_party {
            Text::ThirdParty
        } else {
            Text::FirstParty
        },
    )
}

/// The same declaration as Markdown (GitHub's tables), without the
/// visitor's choice: a page written once has no visitor.
pub fn markdown(config: &Config, lang: Lang) -> String {
    let w = words(lang);
    // Markdown has no escaping of its own inside table cells but for "|".
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    let mut md = String::new();
    md.push_str("## ");
    md.push_str(w.heading);
    md.push_str("\n\n");
    md.push_str(w.intro);
    md.push(' ');
    revision_line(&mut md, config, w);
    md.push('\n');
    for category in &config.categories {
        let title = category_title(config, category, lang);
        md.push_str("\n### ");
        md.push_str(title);
        md.push_str("\n\n");
        let description = category_description(config, category, lang);
        if !description.is_empty() {
            md.push_str(description);
            md.push_str("\n\n");
        }
        md.push_str(if category.required {
            w.required
        } else {
            w.optional
        });
        md.push(' ');
        md.push_str(text(config, lang, Text::BasisLabel));
        md.push_str(": ");
        md.push_str(legal_basis(lang, category.legal_basis));
        md.push_str(".\n");
        if !category.services.is_empty() {
            md.push_str("\n#### ");
            md.push_str(text(config, lang, Text::Services));
            md.push_str("\n\n");
            for service in &category.services {
                md.push_str("- **");
                md.push_str(&service.title);
                md.push_str("**");
                if !service.provider.is_empty() {
                    md.push_str(" (");
                    md.push_str(w.provider);
                    md.push_str(": ");
                    md.push_str(&service.provider);
                    md.push(')');
                }
                if let Some(description) = service.description.get(lang) {
                    md.push_str(": ");
                    md.push_str(description);
                }
                if let Some(url) = &service.policy_url {
                    md.push_str(" — [");
                    md.push_str(w.policy);
                    md.push_str("](");
                    md.push_str(url);
                    md.push(')');
                }
                md.push('\n');
            }
        }
        let cookies = cookies_of(category);
        md.push('\n');
        if cookies.is_empty() {
            md.push_str(text(config, lang, Text::NoCookies));
            md.push('\n');
        } else {
            md.push_str(w.cookies_of);
            md.push_str(": ");
            md.push_str(title);
            md.push_str("\n\n|");
            for column in COOKIE_COLUMNS {
                md.push(' ');
                md.push_str(&cell(text(config, lang, column)));
                md.push_str(" |");
            }
            md.push_str("\n|---|---|---|---|---|\n");
            for (cookie, fallback) in cookies {
                md.push_str("| `");
                md.push_str(&cell(&cookie.name));
                md.push_str("` | ");
                md.push_str(&cell(provider_of(cookie, fallback)));
                md.push_str(" | ");
                md.push_str(&cell(cookie.purpose.get(lang).unwrap_or("")));
                md.push_str(" | ");
                md.push_str(&cell(cookie.duration.get(lang).unwrap_or("")));
                md.push_str(" | ");
                md.push_str(party(config, lang, cookie));
                md.push_str(" |\n");
            }
        }
        let hosts = hosts_of(config, category);
        if !hosts.is_empty() {
            md.push('\n');
            md.push_str(w.hosts);
            md.push_str(": ");
            let list: Vec<String> = hosts.iter().map(|h| format!("`{h}`")).collect();
            md.push_str(&list.join(", "));
            md.push_str(".\n");
        }
    }
    md
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{config, json};

    fn portal() -> Config {
        config::from_value(
            &json::parse(
                r#"{"revision": 4, "revisionDate": "2026-11-30", "categories": [
                {"id": "necessary", "required": true, "cookies": [{"name": "sessao", "provider": "Tribunal",
                  "purpose": "Mantém a sessão", "duration": "Sessão"}]},
                {"id": "videos", "title": {"pt-BR": "Vídeos <b>do canal</b>"}, "services": [
                  {"id": "youtube", "title": "YouTube", "provider": "Google", "policyUrl": "https://policies.google.com/privacy",
                   "hosts": ["*.youtube-nocookie.com"],
                   "cookies": [{"name": "VISITOR_INFO1_LIVE", "purpose": "Preferências | do player", "duration": "6 meses", "thirdParty": true}]}]}]}"#,
            )
            .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_declaration_is_a_page_of_real_tables_with_every_config_text_escaped() {
        let config = portal();
        let html = html(&config, Lang::PtBr, Reader::Copy);
        assert!(html.contains("revisão 4 de 2026-11-30."));
        assert!(html.contains(
            "<caption>Cookies e armazenamento: Vídeos &lt;b&gt;do canal&lt;/b&gt;</caption>"
        ));
        assert!(!html.contains("<b>do canal</b>"));
        assert!(html.contains("<th scope=\"col\">Duração</th>"));
        assert!(html
            .contains("<tr><th scope=\"row\"><code>VISITOR_INFO1_LIVE</code></th><td>Google</td>"));
        assert!(html.contains("role=\"region\" tabindex=\"0\""));
        assert!(html.contains("<code>*.youtube-nocookie.com</code>"));
        assert!(html.contains("consentimento (LGPD, art. 7º, I)"));
        assert!(
            !html.contains("data-biscoito=\"preferences\""),
            "a copy has no visitor"
        );
    }

    #[test]
    fn a_visitor_sees_their_choice_and_a_way_to_change_it() {
        let config = portal();
        let none = html(&config, Lang::En, Reader::Visitor(None));
        assert!(none.contains("You have not chosen yet"));
        assert!(none.contains("<button type=\"button\" data-biscoito=\"preferences\">"));
        let record = Record::decide(
            &config,
            &[],
            crate::engine::record::Method::RejectAll,
            1_000,
            "id".into(),
            "en",
        );
        let chosen = choice(&config, Lang::En, Some(&record));
        assert!(
            chosen.contains("<li>Vídeos &lt;b&gt;do canal&lt;/b&gt;: refused</li>"),
            "{chosen}"
        );
    }

    #[test]
    fn markdown_keeps_the_tables_whole() {
        let md = markdown(&portal(), Lang::PtBr);
        assert!(md.contains(
            "| `VISITOR_INFO1_LIVE` | Google | Preferências \\| do player | 6 meses | Terceiro |"
        ));
        assert!(md.contains("- **YouTube** (Fornecedor: Google) — [política de privacidade](https://policies.google.com/privacy)"));
    }

    #[test]
    fn a_revision_date_is_a_real_date() {
        for bad in ["2026-13-01", "2026-1-01", "01/12/2026", "2026-12-32"] {
            let text = format!(r#"{{"revisionDate": "{bad}"}}"#);
            let problems = config::from_value(&json::parse(&text).unwrap()).unwrap_err();
            assert!(problems[0].line().contains("YYYY-MM-DD"), "{bad}");
        }
    }
}
