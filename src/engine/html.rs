//! The banner, the preferences dialog and the reopen button as HTML text.
//!
//! Rendering is pure so it can be tested natively; the browser layer puts
//! the result into a shadow root and wires the `data-action` attributes.
//! Every text from the config goes through [`escape`]: config texts are
//! data, never markup. No `style` attribute is ever written (strict CSP).

use super::config::{Category, Config, CookieInfo, Service, ANALYTICS, NECESSARY};
use super::i18n::{builtin, legal_basis, Lang, Text, CATEGORY_PLACEHOLDER};
use super::record::Record;

pub fn text(config: &Config, lang: Lang, key: Text) -> &str {
    config
        .text_override(lang, key)
        .unwrap_or_else(|| builtin(lang, key))
}

pub fn category_title<'a>(config: &'a Config, category: &'a Category, lang: Lang) -> &'a str {
    category
        .title
        .get(lang)
        .unwrap_or(match category.id.as_str() {
            NECESSARY => text(config, lang, Text::NecessaryTitle),
            ANALYTICS => text(config, lang, Text::AnalyticsTitle),
            other => other,
        })
}

pub fn category_description<'a>(config: &'a Config, category: &'a Category, lang: Lang) -> &'a str {
    category
        .description
        .get(lang)
        .unwrap_or(match category.id.as_str() {
            NECESSARY => text(config, lang, Text::NecessaryDescription),
            ANALYTICS => text(config, lang, Text::AnalyticsDescription),
            _ => "",
        })
}

/// Escapes text for element content and double-quoted attribute values.
pub fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Where the loader will fetch the wasm module for a script at `script_url`:
/// `biscoito_bg.wasm` beside it, as `new URL("biscoito_bg.wasm", src)`
/// resolves it (the script's query and fragment do not carry over). A
/// preload tag must name exactly that URL, or the browser fetches twice.
pub fn module_url_beside(script_url: &str) -> String {
    let path_end = script_url.find(['?', '#']).unwrap_or(script_url.len());
    let path = &script_url[..path_end];
    let directory = match path.rfind('/') {
        Some(slash) => &path[..=slash],
        None => "",
    };
    let mut url = String::from(directory);
    url.push_str("biscoito_bg.wasm");
    url
}

/// A tiny builder: `open`, `text`, `close` keep the markup readable without `format!`.
struct Html(String);

impl Html {
    fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }
    fn text(&mut self, s: &str) -> &mut Self {
        escape(&mut self.0, s);
        self
    }
    fn button(&mut self, action: &str, class: &str, label: &str) -> &mut Self {
        self.raw("<button type=\"button\" class=\"")
            .raw(class)
            .raw("\" data-action=\"")
            .raw(action)
            .raw("\">")
            .text(label)
            .raw("</button>")
    }
    /// A link to a privacy policy, after a space, when there is one.
    fn policy_link(&mut self, url: Option<&str>, label: &str) -> &mut Self {
        if let Some(url) = url {
            self.raw(" <a class=\"policy\" href=\"")
                .text(url)
                .raw("\">")
                .text(label)
                .raw("</a>");
        }
        self
    }
}

/// The three first-layer actions share one class: accept and reject must
/// look and weigh exactly the same.
fn first_layer_actions(h: &mut Html, config: &Config, lang: Lang) {
    h.raw("<div class=\"actions\">")
        .button("accept-all", "btn", text(config, lang, Text::AcceptAll))
        .button("reject-all", "btn", text(config, lang, Text::RejectAll))
        .button("preferences", "btn", text(config, lang, Text::Preferences))
        .raw("</div>");
}

pub fn banner(config: &Config, lang: Lang) -> String {
    let mut h = Html(String::with_capacity(1024));
    h.raw("<section class=\"banner ")
        .raw(config.layout.as_str())
        .raw("\" data-part=\"banner\" aria-labelledby=\"bsc-title\" aria-describedby=\"bsc-body\"><div class=\"inner\"><h2 id=\"bsc-title\" class=\"title\">")
        .text(text(config, lang, Text::BannerTitle))
        .raw("</h2><p id=\"bsc-body\" class=\"body\">")
        .text(text(config, lang, Text::BannerBody))
        .policy_link(
            config.policy_url.as_deref(),
            text(config, lang, Text::PolicyLink),
        )
        .raw("</p>");
    first_layer_actions(&mut h, config, lang);
    h.raw("</div></section>");
    h.0
}

/// The preferences dialog, with switches set from `record` (all optional off without one).
pub fn preferences(config: &Config, lang: Lang, record: Option<&Record>) -> String {
    let mut h = Html(String::with_capacity(4096));
    h.raw("<div class=\"backdrop\" data-part=\"backdrop\"></div><div class=\"dialog\" role=\"dialog\" aria-modal=\"true\" aria-labelledby=\"bsc-dialog-title\" aria-describedby=\"bsc-dialog-body\" data-part=\"dialog\"><div class=\"dialog-head\"><h2 id=\"bsc-dialog-title\" class=\"title\" tabindex=\"-1\">")
        .text(text(config, lang, Text::DialogTitle))
        .raw("</h2>")
        .raw("<button type=\"button\" class=\"close\" data-action=\"close\" aria-label=\"")
        .text(text(config, lang, Text::Close))
        .raw("\"><svg aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\"><path d=\"M3 3l10 10M13 3L3 13\"/></svg></button></div><div class=\"dialog-scroll\"><p id=\"bsc-dialog-body\" class=\"body\">")
        .text(text(config, lang, Text::DialogBody))
        .policy_link(
            config.policy_url.as_deref(),
            text(config, lang, Text::PolicyLink),
        )
        .raw("</p><ul class=\"categories\">");
    for category in &config.categories {
        category_item(&mut h, config, lang, category, record);
    }
    h.raw("</ul>");
    // The id the controller's consent log files this visitor's receipts
    // under: what they quote to ask about, or revoke, their consent.
    if let Some(record) = record {
        h.raw("<p class=\"consent-code\">")
            .text(text(config, lang, Text::ConsentCode))
            .raw(" <code id=\"bsc-consent-code\">")
            .text(&record.id)
            .raw("</code></p>");
    }
    h.raw("</div><div class=\"actions\">")
        .button("reject-all", "btn", text(config, lang, Text::RejectAll))
        .button("accept-all", "btn", text(config, lang, Text::AcceptAll))
        .button("save", "btn", text(config, lang, Text::Save))
        .raw("</div></div>");
    h.0
}

fn category_item(
    h: &mut Html,
    config: &Config,
    lang: Lang,
    category: &Category,
    record: Option<&Record>,
) {
    let id = category.id.as_str();
    let on = category.required || record.is_some_and(|r| r.accepted(id));
    let service_on = |s: &Service| on || record.is_some_and(|r| r.service_accepted(&s.id, id));
    // With one service, the category's switch is that service's: a second
    // switch would only repeat it.
    let per_service = category.services.len() > 1;
    let mixed = per_service && !on && category.services.iter().any(service_on);
    h.raw("<li class=\"category\"><div class=\"category-head\"><label class=\"switch-label\" for=\"bsc-switch-")
        .raw(id)
        .raw("\"><span class=\"category-title\">")
        .text(category_title(config, category, lang))
        .raw("</span>");
    if category.required {
        h.raw("<span class=\"always\">")
            .text(text(config, lang, Text::AlwaysOn))
            .raw("</span>");
    }
    // ARIA's switch has no mixed state: a category whose services the
    // visitor may choose one by one is a checkbox, which has one.
    h.raw("</label><input type=\"checkbox\" ");
    if !per_service {
        h.raw("role=\"switch\" ");
    }
    h.raw("class=\"switch\" id=\"bsc-switch-")
        .raw(id)
        .raw("\" data-category=\"")
        .raw(id)
        .raw("\" aria-describedby=\"bsc-desc-")
        .raw(id)
        .raw(" bsc-basis-")
        .raw(id);
    if per_service {
        h.raw(" bsc-mixed-").raw(id);
    }
    h.raw("\"");
    switch_state(h, on, mixed, category.required);
    h.raw("></div>");
    if per_service {
        // Filled and emptied as services are switched (browser::ui): read
        // by everyone, and part of the checkbox's description.
        h.raw("<p class=\"mixed\" id=\"bsc-mixed-")
            .raw(id)
            .raw("\">");
        if mixed {
            h.text(text(config, lang, Text::SomeServices));
        }
        h.raw("</p>");
    }
    h.raw("<p class=\"description\" id=\"bsc-desc-")
        .raw(id)
        .raw("\">")
        .text(category_description(config, category, lang))
        .raw("</p><p class=\"basis\" id=\"bsc-basis-")
        .raw(id)
        .raw("\">")
        .text(text(config, lang, Text::BasisLabel))
        .raw(": ")
        .text(legal_basis(lang, category.legal_basis))
        .raw("</p>");
    if !category.services.is_empty() {
        h.raw("<details class=\"services\"><summary>")
            .text(text(config, lang, Text::Services))
            .raw(" (");
        super::json::push_decimal(&mut h.0, category.services.len() as u64);
        h.raw(")</summary><ul>");
        for service in &category.services {
            let switch = per_service.then(|| service_on(service));
            service_item(h, config, lang, category, service, switch);
        }
        h.raw("</ul></details>");
    }
    // A category whose services list every cookie has no table of its own.
    if category.services.is_empty() || !category.cookies.is_empty() {
        h.raw("<details class=\"cookies\"><summary>")
            .text(text(config, lang, Text::CookieList))
            .raw(" (");
        super::json::push_decimal(&mut h.0, category.cookies.len() as u64);
        h.raw(")</summary>");
        if category.cookies.is_empty() {
            h.raw("<p>")
                .text(text(config, lang, Text::NoCookies))
                .raw("</p>");
        } else {
            cookie_table(h, config, lang, &category.cookies);
        }
        h.raw("</details>");
    }
    h.raw("</li>");
}

/// ` checked`, `data-mixed` (the browser sets the checkbox's indeterminate
/// state from it: HTML has no attribute for that) and ` disabled`.
fn switch_state(h: &mut Html, on: bool, mixed: bool, required: bool) {
    if on {
        h.raw(" checked");
    }
    if mixed {
        h.raw(" data-mixed");
    }
    if required {
        h.raw(" disabled");
    }
}

/// One service inside its category's disclosure: its own switch (`switch`
/// is whether it is on; `None` when the category's switch is its), who runs
/// it, what it does, its policy and its cookies.
fn service_item(
    h: &mut Html,
    config: &Config,
    lang: Lang,
    category: &Category,
    service: &Service,
    switch: Option<bool>,
) {
    let id = service.id.as_str();
    h.raw("<li class=\"service\"><div class=\"category-head\">");
    match switch {
        Some(on) => {
            h.raw("<label class=\"switch-label\" for=\"bsc-service-")
                .raw(id)
                .raw("\"><span class=\"category-title\">")
                .text(&service.title)
                .raw("</span></label><input type=\"checkbox\" role=\"switch\" class=\"switch\" id=\"bsc-service-")
                .raw(id)
                .raw("\" data-service=\"")
                .raw(id)
                .raw("\" data-of=\"")
                .raw(&category.id)
                .raw("\" aria-describedby=\"bsc-about-")
                .raw(id)
                .raw("\"");
            switch_state(h, on, false, category.required);
            h.raw(">");
        }
        None => {
            h.raw("<span class=\"category-title\">")
                .text(&service.title)
                .raw("</span>");
        }
    }
    h.raw("</div><p class=\"description\" id=\"bsc-about-")
        .raw(id)
        .raw("\">");
    if !service.provider.is_empty() {
        h.text(text(config, lang, Text::ColumnProvider))
            .raw(": ")
            .text(&service.provider);
        // "Vimeo.com, Inc." already ends the sentence.
        h.raw(if service.provider.ends_with('.') {
            " "
        } else {
            ". "
        });
    }
    h.text(service.description.get(lang).unwrap_or(""))
        .policy_link(
            service.policy_url.as_deref(),
            text(config, lang, Text::ServicePolicy),
        )
        .raw("</p>");
    if !service.cookies.is_empty() {
        cookie_table(h, config, lang, &service.cookies);
    }
    h.raw("</li>");
}

fn cookie_table(h: &mut Html, config: &Config, lang: Lang, cookies: &[CookieInfo]) {
    let rows: Vec<(&CookieInfo, &str)> = cookies.iter().map(|c| (c, "")).collect();
    cookie_table_into(&mut h.0, config, lang, &rows, None);
}

/// The columns of every table of cookies, in order.
pub(super) const COOKIE_COLUMNS: [Text; 5] = [
    Text::ColumnName,
    Text::ColumnProvider,
    Text::ColumnPurpose,
    Text::ColumnDuration,
    Text::ColumnParty,
];

/// A table of cookies and storage keys: name (a row header), provider
/// (each row's fallback when the cookie names none), purpose, duration and
/// party. With `label`, the table has that caption and its scrolling
/// region is a named, focusable region (the declaration's tables).
pub(super) fn cookie_table_into(
    out: &mut String,
    config: &Config,
    lang: Lang,
    rows: &[(&CookieInfo, &str)],
    label: Option<&str>,
) {
    let mut h = Html(std::mem::take(out));
    h.raw("<div class=\"table-wrap\"");
    if let Some(label) = label {
        h.raw(" role=\"region\" tabindex=\"0\" aria-label=\"")
            .text(label)
            .raw("\"");
    }
    h.raw("><table>");
    if let Some(label) = label {
        h.raw("<caption>").text(label).raw("</caption>");
    }
    h.raw("<thead><tr>");
    for column in COOKIE_COLUMNS {
        h.raw("<th scope=\"col\">")
            .text(text(config, lang, column))
            .raw("</th>");
    }
    h.raw("</tr></thead><tbody>");
    for (cookie, fallback) in rows {
        let party = if cookie.third_party {
            Text::ThirdParty
        } else {
            Text::FirstParty
        };
        let provider = if cookie.provider.is_empty() {
            fallback
        } else {
            cookie.provider.as_str()
        };
        h.raw("<tr><th scope=\"row\"><code>")
            .text(&cookie.name)
            .raw("</code></th><td>")
            .text(provider)
            .raw("</td><td>")
            .text(cookie.purpose.get(lang).unwrap_or(""))
            .raw("</td><td>")
            .text(cookie.duration.get(lang).unwrap_or(""))
            .raw("</td><td>")
            .text(text(config, lang, party))
            .raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    *out = h.0;
}

/// The permanent way back to the preferences (LGPD art. 8 §5: revocation must be easy).
pub fn reopen_button(config: &Config, lang: Lang) -> String {
    let mut h = Html(String::with_capacity(512));
    h.raw("<button type=\"button\" class=\"reopen\" data-action=\"preferences\" aria-label=\"")
        .text(text(config, lang, Text::Reopen))
        .raw("\" title=\"")
        .text(text(config, lang, Text::Reopen))
        .raw("\"><svg aria-hidden=\"true\" focusable=\"false\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\"><path d=\"M12 2a10 10 0 1 0 10 10 4 4 0 0 1-5-5 4 4 0 0 1-5-5z\"/><circle cx=\"8.5\" cy=\"10.5\" r=\"1.5\"/><circle cx=\"15.5\" cy=\"15.5\" r=\"1.5\"/><circle cx=\"9.5\" cy=\"16\" r=\"1.2\"/></svg></button>");
    h.0
}

/// The text shown in place of a blocked embed, naming the categories and
/// services it needs.
pub fn embed_placeholder(config: &Config, lang: Lang, categories: &[&str]) -> (String, String) {
    let mut titles = String::new();
    for (i, id) in categories.iter().enumerate() {
        if i > 0 {
            titles.push_str(", ");
        }
        match (config.category(id), config.service(id)) {
            (Some(c), _) => titles.push_str(category_title(config, c, lang)),
            (None, Some((_, service))) => titles.push_str(&service.title),
            (None, None) => titles.push_str(id),
        }
    }
    let message = with_categories(text(config, lang, Text::EmbedBlocked), &titles);
    let action = with_categories(text(config, lang, Text::EmbedAllow), &titles);
    (message, action)
}

/// `template` with every `{category}` replaced by `titles`. A byte search:
/// str's substring searcher would add two-way search to every visitor's download.
fn with_categories(template: &str, titles: &str) -> String {
    let placeholder = CATEGORY_PLACEHOLDER.as_bytes();
    let mut out = String::with_capacity(template.len() + titles.len());
    let mut rest = template;
    // The placeholder starts with an ASCII byte, so `at` is a char boundary.
    while let Some(at) = rest
        .as_bytes()
        .windows(placeholder.len())
        .position(|w| w == placeholder)
    {
        out.push_str(&rest[..at]);
        out.push_str(titles);
        rest = &rest[at + placeholder.len()..];
    }
    out.push_str(rest);
    out
}

/// What stands in for a blocked embed: the embed's own title if it has one,
/// why it is not loaded, and a button that allows its categories.
pub fn embed_placeholder_markup(
    config: &Config,
    lang: Lang,
    categories: &str,
    title: Option<&str>,
) -> String {
    let ids: Vec<&str> = super::policy::category_list(categories).collect();
    let (message, action) = embed_placeholder(config, lang, &ids);
    let mut h = Html(String::with_capacity(256));
    h.raw("<div class=\"placeholder\">");
    if let Some(title) = title.filter(|t| !t.trim().is_empty()) {
        h.raw("<p class=\"title\">").text(title).raw("</p>");
    }
    h.raw("<p>")
        .text(&message)
        .raw("</p><button type=\"button\" class=\"btn\" data-action=\"allow\" data-category=\"")
        .text(categories)
        .raw("\">")
        .text(&action)
        .raw("</button></div>");
    h.0
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::config::{from_value, Localized};
    use super::super::json::parse;
    use super::super::record::Method;
    use super::*;

    #[test]
    fn the_module_is_found_beside_the_script_whatever_its_url() {
        for (script, module) in [
            ("/biscoito/biscoito.js", "/biscoito/biscoito_bg.wasm"),
            (
                "https://cdn.example/b/0.1.0/biscoito.js?v=3#x",
                "https://cdn.example/b/0.1.0/biscoito_bg.wasm",
            ),
            ("biscoito.js", "biscoito_bg.wasm"),
            ("../vendor/cookies.js", "../vendor/biscoito_bg.wasm"),
            ("/js/biscoito.js?from=/x/y", "/js/biscoito_bg.wasm"),
        ] {
            assert_eq!(module_url_beside(script), module, "{script}");
        }
    }

    #[test]
    fn default_banner_is_portuguese_with_equal_accept_and_reject() {
        let html = banner(&Config::default(), Lang::PtBr);
        assert!(html.contains(
            r#"<button type="button" class="btn" data-action="accept-all">Aceitar todos</button>"#
        ));
        assert!(html.contains(
            r#"<button type="button" class="btn" data-action="reject-all">Rejeitar todos</button>"#
        ));
        assert!(html.contains(r#"data-action="preferences">Preferências</button>"#));
        assert!(!html.contains("style="));
    }

    #[test]
    fn no_optional_switch_is_pre_ticked() {
        let html = preferences(&Config::default(), Lang::PtBr, None);
        assert!(html.contains(r#"id="bsc-switch-necessary" data-category="necessary" aria-describedby="bsc-desc-necessary bsc-basis-necessary" checked disabled>"#));
        assert!(html.contains(r#"id="bsc-switch-analytics" data-category="analytics" aria-describedby="bsc-desc-analytics bsc-basis-analytics">"#));
        assert!(html.contains("Estatísticas") && html.contains("<code>_ga</code>"));
    }

    #[test]
    fn the_dialog_shows_the_consent_code_once_there_is_a_consent() {
        let config = Config::default();
        assert!(!preferences(&config, Lang::PtBr, None).contains("bsc-consent-code"));
        let record = Record::decide(
            &config,
            &[],
            crate::engine::record::Method::RejectAll,
            1,
            "0123456789abcdef0123456789abcdef".into(),
            "pt-BR",
        );
        let html = preferences(&config, Lang::En, Some(&record));
        assert!(html.contains(
            "Your consent code: <code id=\"bsc-consent-code\">0123456789abcdef0123456789abcdef</code>"
        ));
    }

    #[test]
    fn switches_reflect_the_stored_choice() {
        let c = Config::default();
        let r = Record::decide(
            &c,
            &["analytics"],
            Method::AcceptAll,
            1,
            "x".into(),
            "pt-BR",
        );
        let html = preferences(&c, Lang::En, Some(&r));
        assert!(
            html.contains(r#"aria-describedby="bsc-desc-analytics bsc-basis-analytics" checked>"#)
        );
        assert!(html.contains("Statistics"));
    }

    #[test]
    fn config_texts_are_rendered_as_text_never_markup() {
        let mut c = from_value(&parse(r#"{"policyUrl": "/p?a=1&b=\"><script>x</script>", "texts": {"pt-BR": {"bannerTitle": "<img src=x onerror=alert(1)>"}}}"#).unwrap()).unwrap();
        c.categories[1].title = Localized::one("<b>bold</b>");
        let html = banner(&c, Lang::PtBr) + &preferences(&c, Lang::PtBr, None);
        assert!(!html.contains("<img") && !html.contains("<script") && !html.contains("<b>"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains(r#"href="/p?a=1&amp;b=&quot;&gt;&lt;script&gt;x&lt;/script&gt;""#));
    }

    #[test]
    fn the_policy_link_appears_only_when_configured() {
        assert!(!banner(&Config::default(), Lang::PtBr).contains("<a "));
        let c = Config {
            policy_url: Some("/privacidade".into()),
            ..Config::default()
        };
        assert!(banner(&c, Lang::Es)
            .contains(r#"<a class="policy" href="/privacidade">Política de privacidad</a>"#));
    }

    #[test]
    fn embed_placeholders_name_the_categories() {
        let (message, action) = embed_placeholder(&Config::default(), Lang::PtBr, &["analytics"]);
        assert!(message.contains("cookies de Estatísticas"));
        assert_eq!(action, "Permitir Estatísticas e carregar");
    }

    #[test]
    fn every_category_placeholder_in_a_text_is_filled() {
        assert_eq!(with_categories("sem marcador", "Vídeos"), "sem marcador");
        assert_eq!(with_categories("{category}", "Vídeos"), "Vídeos");
        assert_eq!(
            with_categories("É {category}, só {category}.", "Estatísticas, Vídeos"),
            "É Estatísticas, Vídeos, só Estatísticas, Vídeos."
        );
        assert_eq!(with_categories("{categor", "x"), "{categor");
    }

    #[test]
    fn embed_placeholder_markup_escapes_the_page_title_and_carries_the_categories() {
        let html = embed_placeholder_markup(
            &Config::default(),
            Lang::En,
            "analytics",
            Some("<b>Video</b> \"how to\""),
        );
        assert!(html.contains("<p class=\"title\">&lt;b&gt;Video&lt;/b&gt; &quot;how to&quot;</p>"));
        assert!(html.contains(
            "data-action=\"allow\" data-category=\"analytics\">Allow Statistics and load</button>"
        ));
        let untitled =
            embed_placeholder_markup(&Config::default(), Lang::Es, "analytics", Some("  "));
        assert!(!untitled.contains("class=\"title\""));
    }

    #[test]
    fn services_get_their_own_switches_a_mixed_category_says_so_and_each_basis_is_shown() {
        let c = super::super::config::services_example();
        let r = Record::decide(&c, &["youtube"], Method::Custom, 1, "x".into(), "pt-BR");
        let html = preferences(&c, Lang::PtBr, Some(&r));
        // Two video services: the category is a checkbox (ARIA's switch has
        // no mixed state), marked mixed, and says so in words.
        assert!(html.contains(r#"<input type="checkbox" class="switch" id="bsc-switch-videos" data-category="videos" aria-describedby="bsc-desc-videos bsc-basis-videos bsc-mixed-videos" data-mixed>"#), "{html}");
        assert!(html.contains(r#"<p class="mixed" id="bsc-mixed-videos">Só alguns serviços desta categoria estão permitidos.</p>"#));
        assert!(html.contains(r#"<p class="mixed" id="bsc-mixed-analytics"></p>"#));
        assert!(html.contains(r#"id="bsc-service-youtube" data-service="youtube" data-of="videos" aria-describedby="bsc-about-youtube" checked>"#));
        assert!(html.contains(r#"id="bsc-service-vimeo" data-service="vimeo" data-of="videos" aria-describedby="bsc-about-vimeo">"#));
        assert!(html.contains(r#"<p class="description" id="bsc-about-youtube">Fornecedor: Google LLC. Vídeos das audiências <a class="policy" href="https://policies.google.com/privacy">Política de privacidade do serviço</a></p>"#));
        assert!(html.contains(r#"<summary>Serviços desta categoria (2)</summary>"#));
        assert!(html.contains(r#"<p class="basis" id="bsc-basis-videos">Base legal: consentimento (LGPD, art. 7º, I)</p>"#));
        assert!(html.contains(r#"<p class="basis" id="bsc-basis-necessary">Base legal: atribuições legais do serviço público (LGPD, art. 7º, III, e art. 23)</p>"#));
        // Hotjar's cookies are listed under Hotjar.
        assert!(html.contains("<code>_hj*</code>"));
        // With one service, the category's switch is that service's.
        let html = preferences(&Config::default(), Lang::En, None);
        assert!(!html.contains("data-service") && !html.contains("bsc-mixed"));
        assert!(html.contains(r#"<span class="category-title">Google Analytics</span>"#));
        let mut c = super::super::config::services_example();
        c.categories[2].services[1].provider = "Vimeo.com, Inc.".into();
        assert!(preferences(&c, Lang::PtBr, None).contains("Fornecedor: Vimeo.com, Inc. "));
        assert!(html.contains("Legal basis: consent (LGPD, art. 7, I)"));
    }

    #[test]
    fn a_placeholder_names_the_service_it_allows() {
        let c = super::super::config::services_example();
        let html =
            embed_placeholder_markup(&c, Lang::PtBr, "youtube", Some("Audiência de 3 de março"));
        assert!(html.contains(r#"data-action="allow" data-category="youtube">Permitir YouTube e carregar</button>"#), "{html}");
    }
}
