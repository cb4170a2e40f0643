//! The compliance lint: what a config does that LGPD and the ANPD cookie
//! guidance (October 2022) advise against, even where it is valid JSON for
//! Biscoito. Used by `biscoito check` and the configurator.

use super::config::{is_tracking_cookie, is_tracking_host, MAX_EXPIRY_DAYS};
use super::i18n::{Text, TEXT_NAMES};
use super::json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub pt_br: &'static str,
    pub en: &'static str,
}

/// Category ids that name a purpose which always needs consent.
const OPTIONAL_PURPOSES: [&str; 12] = [
    "analytics",
    "statistics",
    "estatisticas",
    "marketing",
    "ads",
    "advertising",
    "publicidade",
    "tracking",
    "social",
    "video",
    "videos",
    "personalization",
];
/// Keys other tools use to pre-tick a category.
const PRE_TICK_KEYS: [&str; 5] = [
    "enabled",
    "default",
    "checked",
    "defaultEnabled",
    "preselected",
];

fn push(out: &mut Vec<Finding>, path: String, pt_br: &'static str, en: &'static str) {
    out.push(Finding { path, pt_br, en });
}

pub fn lint(config: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if config
        .get("policyUrl")
        .and_then(Value::as_str)
        .is_none_or(|s| s.trim().is_empty())
    {
        push(
            &mut out,
            "policyUrl".into(),
            "Sem link para a política de privacidade: o titular tem direito a informação clara sobre o tratamento (LGPD art. 9).",
            "No link to the privacy policy: data subjects have a right to clear information about the processing (LGPD art. 9).",
        );
    }
    if let Some(days) = config.get("expiresAfterDays").and_then(Value::as_whole) {
        if days > MAX_EXPIRY_DAYS {
            push(
                &mut out,
                "expiresAfterDays".into(),
                "Validade do consentimento acima de 24 meses: peça de novo em intervalos razoáveis (recomenda-se cerca de 6 meses).",
                "Consent kept for more than 24 months: ask again at reasonable intervals (about 6 months is recommended).",
            );
        }
    }
    if let Some(Value::Array(categories)) = config.get("categories") {
        for (i, category) in categories.iter().enumerate() {
            let mut base = String::from("categories[");
            super::json::push_decimal(&mut base, i as u64);
            base.push(']');
            lint_category(&mut out, category, &base);
        }
    }
    if let Some(Value::Object(languages)) = config.get("texts") {
        for (lang, texts) in languages {
            for key in [Text::RejectAll, Text::AcceptAll] {
                let name = TEXT_NAMES[key as usize];
                let Some(text) = texts.get(name).and_then(Value::as_str) else {
                    continue;
                };
                if text.trim().is_empty() {
                    let mut path = String::from("texts.");
                    path.push_str(lang);
                    path.push('.');
                    path.push_str(name);
                    push(
                        &mut out,
                        path,
                        "Botão da primeira camada sem texto: rejeitar deve ser tão visível e fácil quanto aceitar (guia da ANPD).",
                        "A first-layer button has no text: rejecting must be as visible and easy as accepting (ANPD guidance).",
                    );
                }
            }
        }
    }
    out
}

fn lint_category(out: &mut Vec<Finding>, category: &Value, base: &str) {
    let required = category.get("required").and_then(Value::as_bool) == Some(true);
    let id = category.get("id").and_then(Value::as_str).unwrap_or("");
    if required && OPTIONAL_PURPOSES.contains(&id.to_ascii_lowercase().as_str()) {
        let mut path = String::from(base);
        path.push_str(".required");
        push(
            out,
            path,
            "Categoria opcional marcada como necessária: estatística, publicidade e similares dependem de consentimento.",
            "An optional category is marked required: statistics, advertising and the like need consent.",
        );
    }
    for key in PRE_TICK_KEYS {
        if category.get(key).is_some() {
            let mut path = String::from(base);
            path.push('.');
            path.push_str(key);
            push(
                out,
                path,
                "Categoria pré-ativada: nenhuma categoria opcional pode vir marcada (guia da ANPD, segunda camada).",
                "A pre-ticked category: no optional category may start switched on (ANPD guidance, second layer).",
            );
        }
    }
    match category.get("legalBasis").and_then(Value::as_str) {
        Some(basis) if !required && basis != "consent" => {
            let mut path = String::from(base);
            path.push_str(".legalBasis");
            push(
                out,
                path,
                "Categoria opcional com base legal diferente de consentimento: o que o visitante pode recusar se apoia no consentimento dele (LGPD art. 7º, I, e art. 8º); a ANPD pediu ao Gov.br consentimento para os cookies não necessários e legítimo interesse só para os estritamente necessários (Ofício 6/2022).",
                "An optional category with a legal basis other than consent: what the visitor may refuse rests on their consent (LGPD art. 7 I and art. 8); the ANPD asked Gov.br for consent for non-necessary cookies and legitimate interest only for strictly necessary ones (Ofício 6/2022).",
            );
        }
        Some("consent") if required => {
            let mut path = String::from(base);
            path.push_str(".legalBasis");
            push(
                out,
                path,
                "Categoria obrigatória apoiada em consentimento: um consentimento que não se pode recusar nem revogar não é livre (LGPD art. 8º, § 5º). Indique a base dos cookies necessários (por exemplo public-service, art. 7º, III, e art. 23) ou torne a categoria opcional.",
                "A required category resting on consent: consent that cannot be refused or withdrawn is not free (LGPD art. 8 §5). State the basis of the necessary cookies (public-service, art. 7 III and art. 23, for example) or make the category optional.",
            );
        }
        _ => {}
    }
    if required {
        lint_necessary_content(out, category, base);
        if let Some(Value::Array(services)) = category.get("services") {
            for (j, service) in services.iter().enumerate() {
                let mut path = String::from(base);
                path.push_str(".services[");
                super::json::push_decimal(&mut path, j as u64);
                path.push(']');
                lint_necessary_content(out, service, &path);
            }
        }
    }
}

/// The cookies and hosts of a required category, or of one of its services,
/// that are for statistics or advertising.
fn lint_necessary_content(out: &mut Vec<Finding>, owner: &Value, base: &str) {
    if let Some(Value::Array(cookies)) = owner.get("cookies") {
        for (j, cookie) in cookies.iter().enumerate() {
            let name = cookie
                .as_str()
                .or_else(|| cookie.get("name").and_then(Value::as_str))
                .unwrap_or("");
            if is_tracking_cookie(name) {
                let mut path = String::from(base);
                path.push_str(".cookies[");
                super::json::push_decimal(&mut path, j as u64);
                path.push(']');
                push(
                    out,
                    path,
                    "Cookie de estatística ou publicidade declarado como necessário: ele precisa de consentimento.",
                    "An analytics or advertising cookie is declared necessary: it needs consent.",
                );
            }
        }
    }
    if let Some(Value::Array(hosts)) = owner.get("hosts") {
        for (j, host) in hosts.iter().enumerate() {
            if host.as_str().is_some_and(is_tracking_host) {
                let mut path = String::from(base);
                path.push_str(".hosts[");
                super::json::push_decimal(&mut path, j as u64);
                path.push(']');
                push(
                    out,
                    path,
                    "Site de estatística ou publicidade declarado como necessário: ele seria contatado antes de qualquer escolha.",
                    "An analytics or advertising site is declared necessary: it would be contacted before any choice.",
                );
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::json::parse;
    use super::*;

    fn paths(json: &str) -> Vec<String> {
        lint(&parse(json).unwrap())
            .into_iter()
            .map(|f| f.path)
            .collect()
    }

    #[test]
    fn a_good_config_is_clean() {
        assert!(paths(r#"{"policyUrl": "/privacidade", "categories": [{"id": "necessary", "required": true}, {"id": "analytics"}]}"#).is_empty());
    }

    #[test]
    fn each_bad_practice_is_found() {
        let found = paths(
            r#"{"expiresAfterDays": 1000,
                "categories": [{"id": "Analytics", "required": true, "cookies": ["_ga", {"name": "_gid"}, "PHPSESSID"],
                                "hosts": ["fonts.gstatic.com", "region1.google-analytics.com"]}, {"id": "video", "enabled": true}],
                "texts": {"pt-BR": {"rejectAll": "  "}}}"#,
        );
        assert_eq!(
            found,
            [
                "policyUrl",
                "expiresAfterDays",
                "categories[0].required",
                "categories[0].cookies[0]",
                "categories[0].cookies[1]",
                "categories[0].hosts[1]",
                "categories[1].enabled",
                "texts.pt-BR.rejectAll"
            ]
        );
    }

    #[test]
    fn legal_bases_and_the_services_of_a_required_category_are_checked() {
        let found = paths(
            r#"{"policyUrl": "/p", "categories": [
                {"id": "necessary", "required": true, "legalBasis": "consent",
                 "services": ["Portal", {"id": "medidor", "title": "Medidor", "cookies": ["_ga"], "hosts": ["www.googletagmanager.com"]}]},
                {"id": "analytics", "legalBasis": "legitimate-interest"},
                {"id": "videos", "legalBasis": "consent"}]}"#,
        );
        assert_eq!(
            found,
            [
                "categories[0].legalBasis",
                "categories[0].services[1].cookies[0]",
                "categories[0].services[1].hosts[0]",
                "categories[1].legalBasis",
            ]
        );
    }

    #[test]
    fn every_finding_has_both_languages() {
        for f in lint(
            &parse(r#"{"categories": [{"id": "ads", "required": true, "checked": true}]}"#)
                .unwrap(),
        ) {
            assert!(!f.pt_br.is_empty() && !f.en.is_empty());
            assert_ne!(f.pt_br, f.en);
        }
    }
}
