//! Reading the gov.br Design System's cookie bar configuration
//! (`br-cookiebar`, npm `@govbr-ds/core`) into a Biscoito config, for
//! `biscoito import-govbr` and the configurator.
//!
//! The design system's format is an array with one object per language
//! (`lang`, labels, `cookieGroups[].cookieList[]`). Groups become categories
//! (a group that cannot be opted out of, or any group when `allOptOut` is
//! false, becomes a required category), cookies become the categories'
//! cookie tables, the companies named in the cookie lists become the
//! categories' services, and labels become text overrides. What has no place
//! in Biscoito is listed with its path, and what the old setup did that the
//! law does not allow (pre-selected groups, no "reject all") is explained.

use super::i18n::Lang;
use super::json::{push_decimal, Value};
use super::lint::Finding;

/// The result of an import: the config, and what the maintainer should read.
#[derive(Debug)]
pub struct Imported {
    pub config: Value,
    /// Input that has no place in a Biscoito config, each with its path.
    pub unmapped: Vec<Finding>,
    /// What the old setup lacked or did against LGPD and the ANPD guidance,
    /// and how the import dealt with it.
    pub old_setup: Vec<Finding>,
}

/// Labels of the cookie bar that have a Biscoito text, by text name.
const LABELS: [(&str, &str); 11] = [
    ("mainTitle", "bannerTitle"),
    ("entryText", "bannerBody"),
    ("infoText", "dialogBody"),
    ("optOutButton", "preferences"),
    ("optInButton", "policyLink"),
    ("closeLabel", "close"),
    ("alwaysActiveLabel", "alwaysOn"),
    ("cookieNameLabel", "columnName"),
    ("expiresLabel", "columnDuration"),
    ("enterpriseLabel", "columnProvider"),
    ("purposeLabel", "columnPurpose"),
];

/// Top-level keys read by `import` itself, `texts` (acceptButton) and
/// `policy_url` (links); the labels are in [`LABELS`].
const READ_ELSEWHERE: [&str; 6] = [
    "lang",
    "cookieGroups",
    "allOptOut",
    "selectAll",
    "acceptButton",
    "links",
];

const NOT_CARRIED: &str = "Sem equivalente no Biscoito; não foi importado.";
const NOT_CARRIED_EN: &str = "Biscoito has no equivalent; not imported.";

/// Reads a br-cookiebar configuration. Fails only when the input is not one
/// (no language object with `cookieGroups`).
pub fn import(input: &Value) -> Result<Imported, String> {
    let objects: Vec<(String, &Value)> = match input {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (index("", i), v))
            .collect(),
        Value::Object(_) => vec![(String::new(), input)],
        other => {
            return Err(format!(
                "expected the br-cookiebar array of languages, found {}",
                other.kind()
            ))
        }
    };
    let mut out = Imported {
        config: Value::Null,
        unmapped: Vec::new(),
        old_setup: Vec::new(),
    };
    // One object per language: the first for each, as the design system does.
    let mut languages: Vec<(Lang, String, &Value)> = Vec::new();
    for (path, object) in &objects {
        if !matches!(object, Value::Object(_)) || object.get("cookieGroups").is_none() {
            out.unmapped.push(note(
                path_or_root(path),
                "Não é um objeto de idioma do br-cookiebar (falta cookieGroups); ignorado.",
                "Not a br-cookiebar language object (no cookieGroups); skipped.",
            ));
            continue;
        }
        let tag = object.get("lang").and_then(Value::as_str);
        let lang = match tag {
            Some(tag) => Lang::from_tag(tag),
            // Without a tag the design system shows it as the fallback.
            None if languages.is_empty() => Some(Lang::PtBr),
            None => None,
        };
        match lang {
            Some(lang) if languages.iter().all(|(l, _, _)| *l != lang) => {
                languages.push((lang, path.clone(), object))
            }
            Some(_) => out.unmapped.push(note(
                child(path, "lang"),
                "Segundo objeto no mesmo idioma: o br-cookiebar também só usa o primeiro; ignorado.",
                "A second object in the same language: br-cookiebar also uses only the first; skipped.",
            )),
            None => out.unmapped.push(note(
                child(path, "lang"),
                "Idioma sem textos embutidos no Biscoito (pt-BR, en, es); ignorado.",
                "A language Biscoito has no built-in texts for (pt-BR, en, es); skipped.",
            )),
        }
    }
    // Portuguese leads, else the first language given: categories, their
    // order and the settings come from it.
    languages.sort_by_key(|(lang, _, _)| *lang != Lang::PtBr);
    let Some(&(_, ref primary_path, primary)) = languages.first() else {
        return Err("no br-cookiebar language object (with cookieGroups) was found".into());
    };
    let all_opt_out = primary.get("allOptOut").and_then(Value::as_bool) != Some(false);
    let mut root = Vec::new();
    root.push(("revision".to_string(), Value::Number(1.0)));
    if let Some(url) = policy_url(primary, primary_path, &mut out) {
        root.push(("policyUrl".into(), Value::String(url)));
    }
    root.push((
        "categories".into(),
        Value::Array(categories(&languages, all_opt_out, &mut out)),
    ));
    let texts = texts(&languages, &mut out);
    if !texts.is_empty() {
        root.push(("texts".into(), Value::Object(texts)));
    }
    for (i, (_, path, object)) in languages.iter().enumerate() {
        unmapped_keys(object, path, i == 0, &mut out);
    }
    old_setup(primary, primary_path, all_opt_out, &mut out);
    out.config = Value::Object(root);
    Ok(out)
}

fn categories(
    languages: &[(Lang, String, &Value)],
    all_opt_out: bool,
    out: &mut Imported,
) -> Vec<Value> {
    let (_, primary_path, primary) = &languages[0];
    let groups = list(primary.get("cookieGroups"));
    let mut ids: Vec<String> = Vec::new();
    let mut categories = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let path = index(&child(primary_path, "cookieGroups"), g);
        let group_id = group.get("groupId").and_then(Value::as_str).unwrap_or("");
        let required =
            !all_opt_out || group.get("groupOptOut").and_then(Value::as_bool) != Some(true);
        let mut id = category_id(group_id, g);
        if id == super::config::NECESSARY && !required {
            id.push_str("-opcional");
        }
        while ids.contains(&id) {
            id.push_str("-2");
        }
        if id != group_id {
            out.unmapped.push(note(
                child(&path, "groupId"),
                "Id renomeado: ids de categoria usam só letras minúsculas, dígitos, - e _ (até 32) e são únicos.",
                "Id renamed: category ids use only lowercase letters, digits, - and _ (up to 32) and are unique.",
            ));
        }
        ids.push(id.clone());
        // This group, then the same group in the other languages, by its id.
        let mut translations: Vec<(Lang, &Value)> = vec![(languages[0].0, group)];
        translations.extend(languages[1..].iter().filter_map(|(lang, _, object)| {
            list(object.get("cookieGroups"))
                .iter()
                .find(|other| {
                    !group_id.is_empty()
                        && other.get("groupId").and_then(Value::as_str) == Some(group_id)
                })
                .map(|other| (*lang, other))
        }));
        let mut category = vec![("id".to_string(), Value::String(id))];
        if required {
            category.push(("required".into(), Value::Bool(true)));
        }
        if let Some(title) = localized(&translations, |g| text_of(g, "groupName")) {
            category.push(("title".into(), title));
        }
        if let Some(text) = localized(&translations, |g| text_of(g, "groupText")) {
            category.push(("description".into(), text));
        }
        let (cookies, services) = cookies(group, &path, required, &translations, out);
        if !cookies.is_empty() {
            category.push(("cookies".into(), Value::Array(cookies)));
        }
        if list(group.get("cookieList")).iter().any(|c| {
            c.get("cookieName")
                .and_then(Value::as_str)
                .is_some_and(|n| super::config::is_ga_cookie(n.trim()))
        }) {
            out.old_setup.push(note(
                path.clone(),
                "Este grupo tem cookies do Google Analytics. Para o Biscoito carregá-lo só depois do aceite, informe googleAnalytics.measurementId, aponte googleAnalytics.consentMode.analytics_storage para o id desta categoria e tire o snippet do gtag das páginas.",
                "This group has Google Analytics cookies. For Biscoito to load it only after consent, give googleAnalytics.measurementId, point googleAnalytics.consentMode.analytics_storage at this category's id, and take the gtag snippet off the pages.",
            ));
        }
        if !services.is_empty() {
            category.push((
                "services".into(),
                Value::Array(services.into_iter().map(Value::String).collect()),
            ));
        }
        if group.get("groupAlertMessage").is_some() && required {
            out.unmapped.push(note(
                child(&path, "groupAlertMessage"),
                NOT_CARRIED,
                NOT_CARRIED_EN,
            ));
        } else if group.get("groupAlertMessage").is_some() {
            out.old_setup.push(note(
                child(&path, "groupAlertMessage"),
                "O aviso a quem desliga o grupo não foi importado: alertar contra a recusa pressiona o titular, e o consentimento deve ser livre (LGPD art. 8º; guia da ANPD).",
                "The warning shown to whoever switches the group off was not imported: warning against refusing pressures the data subject, and consent must be free (LGPD art. 8; ANPD guidance).",
            ));
        }
        if !required && group.get("groupSelected").and_then(Value::as_bool) == Some(true) {
            out.old_setup.push(note(
                child(&path, "groupSelected"),
                "Grupo opcional pré-selecionado: não foi mantido. Consentimento é uma manifestação do titular (LGPD art. 5º, XII); uma opção já marcada não é escolha (guia da ANPD, segunda camada).",
                "A pre-selected optional group: not kept. Consent is the data subject's own act (LGPD art. 5, XII); a box already ticked is no choice (ANPD guidance, second layer).",
            ));
        }
        for (key, _) in object_entries(group) {
            let known = [
                "groupId",
                "groupName",
                "groupText",
                "groupOptOut",
                "groupSelected",
                "groupAlertMessage",
                "cookieList",
            ];
            if !known.contains(&key.as_str()) {
                out.unmapped
                    .push(note(child(&path, key), UNKNOWN, UNKNOWN_EN));
            }
        }
        categories.push(Value::Object(category));
    }
    give_services_unique_ids(&mut categories);
    // Groups only another language has.
    for (_, path, object) in &languages[1..] {
        for (g, group) in list(object.get("cookieGroups")).iter().enumerate() {
            let id = group.get("groupId").and_then(Value::as_str);
            let in_primary = groups
                .iter()
                .any(|p| p.get("groupId").and_then(Value::as_str) == id);
            if !in_primary {
                out.unmapped.push(note(
                    index(&child(path, "cookieGroups"), g),
                    "Grupo que só existe neste idioma (groupId sem par no idioma principal); ignorado.",
                    "A group only this language has (its groupId is not in the leading language's object); skipped.",
                ));
            }
        }
    }
    categories
}

/// A company named in two groups is a service of each, and service ids must
/// differ from each other and from category ids: the first keeps the id its
/// name gives (and stays a bare name), a later one gets the category's id
/// after it ("serpro-estatisticas") and becomes an object that says so.
fn give_services_unique_ids(categories: &mut [Value]) {
    let mut taken: Vec<String> = categories
        .iter()
        .filter_map(|c| c.get("id").and_then(Value::as_str).map(String::from))
        .collect();
    for category in categories.iter_mut() {
        let Value::Object(fields) = category else {
            continue;
        };
        let category_id = fields
            .iter()
            .find(|(k, _)| k == "id")
            .and_then(|(_, v)| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let Some((_, Value::Array(services))) = fields.iter_mut().find(|(k, _)| k == "services")
        else {
            continue;
        };
        for service in services.iter_mut() {
            let Value::String(name) = service else {
                continue;
            };
            let natural = super::config::id_from_title(name);
            if !natural.is_empty() && !taken.contains(&natural) {
                taken.push(natural);
                continue;
            }
            let mut base = if natural.is_empty() {
                String::from("servico")
            } else {
                natural
            };
            base.push('-');
            base.push_str(&category_id);
            base.truncate(28);
            let mut id = base.clone();
            let mut n = 2u64;
            while taken.contains(&id) {
                id = base.clone();
                id.push('-');
                super::json::push_decimal(&mut id, n);
                n += 1;
            }
            taken.push(id.clone());
            *service = Value::Object(vec![
                ("id".into(), Value::String(id)),
                ("title".into(), Value::String(name.clone())),
            ]);
        }
    }
}

const UNKNOWN: &str = "Chave fora do formato do br-cookiebar; ignorada.";
const UNKNOWN_EN: &str = "A key outside the br-cookiebar format; skipped.";

/// The group's cookie table, and the companies it names (its services).
fn cookies(
    group: &Value,
    path: &str,
    required: bool,
    translations: &[(Lang, &Value)],
    out: &mut Imported,
) -> (Vec<Value>, Vec<String>) {
    let mut cookies = Vec::new();
    let mut services: Vec<String> = Vec::new();
    let mut per_cookie_choice = false;
    let list_path = child(path, "cookieList");
    for (c, cookie) in list(group.get("cookieList")).iter().enumerate() {
        let path = index(&list_path, c);
        let Some(name) = cookie
            .get("cookieName")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| super::config::is_cookie_token(n))
        else {
            out.unmapped.push(note(
                child(&path, "cookieName"),
                "Sem um nome de cookie válido; o cookie não foi importado.",
                "No valid cookie name; the cookie was not imported.",
            ));
            continue;
        };
        // This cookie, then the same cookie in the other languages: by
        // cookieId, else by position.
        let cookie_id = cookie.get("cookieId").and_then(Value::as_str);
        let mut same: Vec<(Lang, &Value)> = vec![(translations[0].0, cookie)];
        same.extend(translations[1..].iter().filter_map(|(lang, g)| {
            let others = list(g.get("cookieList"));
            let found = match cookie_id {
                Some(id) => others
                    .iter()
                    .find(|o| o.get("cookieId").and_then(Value::as_str) == Some(id)),
                None => others.get(c),
            };
            found.map(|o| (*lang, o))
        }));
        let mut entry = vec![("name".to_string(), Value::String(name.into()))];
        // "entreprise" is how older releases of the design system spelled it.
        let provider = ["enterprise", "entreprise"]
            .iter()
            .find_map(|k| text_of(cookie, k));
        if let Some(provider) = &provider {
            entry.push(("provider".into(), Value::String(provider.clone())));
            if !services.contains(provider) {
                services.push(provider.clone());
            }
        }
        let purpose = localized(&same, |cookie| {
            match (text_of(cookie, "purpose"), text_of(cookie, "description")) {
                (Some(p), Some(d)) => Some(format!("{p}: {d}")),
                (Some(t), None) | (None, Some(t)) => Some(t),
                (None, None) => None,
            }
        });
        if let Some(purpose) = purpose {
            entry.push(("purpose".into(), purpose));
        }
        if let Some(duration) = localized(&same, |cookie| text_of(cookie, "expires")) {
            entry.push(("duration".into(), duration));
        }
        cookies.push(Value::Object(entry));
        per_cookie_choice |= cookie.get("cookieOptOut").and_then(Value::as_bool) == Some(true);
        if cookie.get("cookieSelected").and_then(Value::as_bool) == Some(true)
            && cookie.get("cookieOptOut").and_then(Value::as_bool) == Some(true)
        {
            out.old_setup.push(note(
                child(&path, "cookieSelected"),
                "Cookie opcional pré-selecionado: não foi mantido. Nenhuma opção pode vir marcada (guia da ANPD, segunda camada).",
                "A pre-selected optional cookie: not kept. No option may start ticked (ANPD guidance, second layer).",
            ));
        }
        for (key, _) in object_entries(cookie) {
            match key.as_str() {
                "cookieId" | "cookieName" | "enterprise" | "entreprise" | "purpose"
                | "description" | "expires" | "cookieOptOut" | "cookieSelected" => {}
                "domain" => out.unmapped.push(note(
                    child(&path, key),
                    "A tabela de cookies do Biscoito não tem domínio; o cookie foi importado sem ele.",
                    "Biscoito's cookie table has no domain column; the cookie was imported without it.",
                )),
                "alertMessage" if required => {
                    out.unmapped.push(note(child(&path, key), NOT_CARRIED, NOT_CARRIED_EN))
                }
                "alertMessage" => out.old_setup.push(note(
                    child(&path, key),
                    "O aviso a quem desliga o cookie não foi importado: alertar contra a recusa pressiona o titular (LGPD art. 8º; guia da ANPD).",
                    "The warning shown to whoever switches the cookie off was not imported: warning against refusing pressures the data subject (LGPD art. 8; ANPD guidance).",
                )),
                _ => out.unmapped.push(note(child(&path, key), UNKNOWN, UNKNOWN_EN)),
            }
        }
    }
    if per_cookie_choice {
        out.unmapped.push(note(
            list_path,
            "Escolha por cookie: o Biscoito decide por categoria; estes cookies seguem a escolha do grupo.",
            "Choice per cookie: Biscoito decides per category; these cookies follow their group's choice.",
        ));
    }
    (cookies, services)
}

/// The first link that is a real address becomes the policy link.
fn policy_url(primary: &Value, path: &str, out: &mut Imported) -> Option<String> {
    let mut url = None;
    for (i, link) in list(primary.get("links")).iter().enumerate() {
        let href = link.get("url").and_then(Value::as_str).unwrap_or("").trim();
        let real =
            href.starts_with('/') || href.starts_with("https://") || href.starts_with("http://");
        if url.is_none() && real && super::config::is_safe_url(href) {
            url = Some(href.to_string());
        } else {
            out.unmapped.push(note(
                index(&child(path, "links"), i),
                "Só o primeiro link com endereço vira policyUrl; os demais não têm lugar no banner.",
                "Only the first link with an address becomes policyUrl; the others have no place in the banner.",
            ));
        }
    }
    url
}

/// Labels as text overrides, by language.
fn texts(languages: &[(Lang, String, &Value)], out: &mut Imported) -> Vec<(String, Value)> {
    let mut by_language = Vec::new();
    for (lang, path, object) in languages {
        let mut texts = Vec::new();
        for (label, text) in LABELS {
            if let Some(value) = text_of(object, label) {
                texts.push((text.to_string(), Value::String(value)));
            }
        }
        if object.get("acceptButton").is_some() {
            out.unmapped.push(note(
                child(path, "acceptButton"),
                "Não importado: o Biscoito mostra \"Aceitar todos\" e \"Rejeitar todos\" com palavras do mesmo peso, e um rótulo só para aceitar quebraria esse par.",
                "Not imported: Biscoito shows \"Accept all\" and \"Reject all\" in words of equal weight, and a label for accepting alone would break the pair.",
            ));
        }
        if !texts.is_empty() {
            by_language.push((lang.code().to_string(), Value::Object(texts)));
        }
    }
    by_language
}

/// Top-level keys nothing above read. Settings and links come from the
/// leading language only.
fn unmapped_keys(object: &Value, path: &str, leading: bool, out: &mut Imported) {
    for (key, _) in object_entries(object) {
        let key = key.as_str();
        if !leading && matches!(key, "allOptOut" | "selectAll" | "links") {
            out.unmapped.push(note(
                child(path, key),
                "Lido só do objeto em português (ou do primeiro idioma): vale para todos os idiomas.",
                "Read from the Portuguese (or first) language object only: it applies to every language.",
            ));
            continue;
        }
        let read = READ_ELSEWHERE.contains(&key) || LABELS.iter().any(|(label, _)| *label == key);
        if read {
            continue;
        }
        let known = matches!(
            key,
            "lastUpdate"
                | "lastUpdateLabel"
                | "cookieGroupsLabel"
                | "selectAllLabel"
                | "unselectAllLabel"
                | "selectAllGroupLabel"
                | "unselectAllGroupLabel"
                | "onLabel"
                | "offLabel"
                | "domainLabel"
                | "descriptionLabel"
                | "noteTitle"
                | "noteList"
        );
        match key {
            "allAlertMessage" => out.old_setup.push(note(
                child(path, key),
                "O aviso a quem desliga os cookies não foi importado: alertar contra a recusa pressiona o titular (LGPD art. 8º; guia da ANPD).",
                "The warning shown to whoever switches cookies off was not imported: warning against refusing pressures the data subject (LGPD art. 8; ANPD guidance).",
            )),
            _ if known => out.unmapped.push(note(child(path, key), NOT_CARRIED, NOT_CARRIED_EN)),
            _ => out.unmapped.push(note(child(path, key), UNKNOWN, UNKNOWN_EN)),
        }
    }
}

/// What the old setup lacked, said once for the whole import.
fn old_setup(primary: &Value, path: &str, all_opt_out: bool, out: &mut Imported) {
    out.old_setup.insert(
        0,
        note(
            path_or_root(path),
            "O br-cookiebar não tem \"Rejeitar todos\" na primeira camada, o que a ANPD pediu ao Gov.br (Ofício 6/2022): resolvido, o banner do Biscoito o mostra ao lado de \"Aceitar todos\". Ele também não segurava scripts até o aceite: marque cada script opcional com type=\"text/plain\" e data-category.",
            "br-cookiebar has no \"Reject all\" on its first layer, which the ANPD asked Gov.br for (Ofício 6/2022): solved, Biscoito's banner shows it beside \"Accept all\". It did not hold scripts until consent either: mark each optional script with type=\"text/plain\" and data-category.",
        ),
    );
    if !all_opt_out {
        out.old_setup.push(note(
            child(path, "allOptOut"),
            "allOptOut era false: nada podia ser recusado, e todos os grupos viraram categorias obrigatórias. Só o estritamente necessário pode ser obrigatório; torne opcionais os demais (LGPD art. 7º e 8º).",
            "allOptOut was false: nothing could be refused, so every group became a required category. Only what is strictly necessary may be required; make the others optional (LGPD arts. 7 and 8).",
        ));
    } else if primary.get("selectAll").and_then(Value::as_bool) == Some(true) {
        out.old_setup.push(note(
            child(path, "selectAll"),
            "selectAll era true: tudo vinha marcado. Não foi mantido; no Biscoito nada opcional começa ligado (guia da ANPD).",
            "selectAll was true: everything started ticked. Not kept; in Biscoito nothing optional starts on (ANPD guidance).",
        ));
    }
}

/// A text per language from `pick` on each translation: a plain string
/// when there is one language, else an object by language code.
fn localized<'a>(
    translations: &[(Lang, &'a Value)],
    pick: impl Fn(&'a Value) -> Option<String>,
) -> Option<Value> {
    let texts: Vec<(Lang, String)> = translations
        .iter()
        .filter_map(|(lang, v)| Some((*lang, pick(v)?)))
        .collect();
    match texts.len() {
        0 => None,
        1 => Some(Value::String(texts[0].1.clone())),
        _ => Some(Value::Object(
            texts
                .into_iter()
                .map(|(lang, s)| (lang.code().to_string(), Value::String(s)))
                .collect(),
        )),
    }
}

/// The text at `key` as plain text, unless missing or empty once plain.
fn text_of(object: &Value, key: &str) -> Option<String> {
    let text = plain_text(object.get(key)?.as_str()?);
    (!text.is_empty()).then_some(text)
}

/// The design system's texts may hold markup; Biscoito's are plain text.
/// Read once: a second pass would decode `&amp;lt;` into `<`.
fn plain_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A category id from a group id: lowercase, accents dropped, anything else
/// a dash, at most 32 characters; `grupo-N` when nothing is left.
fn category_id(group_id: &str, position: usize) -> String {
    let mut id = String::new();
    for c in group_id.trim().chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => c,
            _ => '-',
        };
        if !(c == '-' && id.ends_with('-')) {
            id.push(c);
        }
    }
    let id: String = id.trim_matches('-').chars().take(32).collect();
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        let mut generated = String::from("grupo-");
        push_decimal(&mut generated, position as u64 + 1);
        generated
    } else {
        id
    }
}

fn list(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        _ => &[],
    }
}

fn object_entries(value: &Value) -> &[(String, Value)] {
    match value {
        Value::Object(entries) => entries,
        _ => &[],
    }
}

fn note(path: String, pt_br: &'static str, en: &'static str) -> Finding {
    Finding { path, pt_br, en }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

fn path_or_root(path: &str) -> String {
    if path.is_empty() {
        "(root)".into()
    } else {
        path.to_string()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{config, json, lint};

    fn run(input: &str) -> Imported {
        import(&json::parse(input).expect("test input is JSON")).expect("imports")
    }

    fn paths(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.path.as_str()).collect()
    }

    /// A two-language cookie bar written for these tests (a fictitious
    /// portal), with what the format allows that the law does not.
    const PORTAL: &str = r##"[
      {
        "lang": "pt-br", "allOptOut": true, "selectAll": false,
        "mainTitle": "Cookies no <strong>Portal</strong>",
        "entryText": "Usamos cookies &amp; tecnologias parecidas.",
        "optOutButton": "Definir cookies", "acceptButton": "Aceitar",
        "lastUpdate": "10/03/2025", "allAlertMessage": "Sua navegação pode piorar",
        "cookieGroups": [
          { "groupId": "necessarios", "groupName": "Necessários", "groupOptOut": false,
            "groupText": "Sem eles o portal não funciona.",
            "cookieList": [
              { "cookieId": "sessao", "cookieName": "SESSAO", "expires": "Sessão", "domain": "portal.exemplo.gov.br",
                "enterprise": "Portal Exemplo", "purpose": "Sessão", "description": "Mantém o login", "cookieOptOut": false }
            ] },
          { "groupId": "Estatísticas de Uso", "groupName": "Estatísticas", "groupOptOut": true, "groupSelected": true,
            "groupAlertMessage": "O portal pode ficar pior",
            "cookieList": [
              { "cookieId": "ga", "cookieName": "_ga", "expires": "2 anos", "entreprise": "Google",
                "purpose": "Estatística", "cookieOptOut": true, "cookieSelected": true, "alertMessage": "Tem certeza?" }
            ] }
        ],
        "links": [ { "name": "Política", "url": "/privacidade" }, { "name": "Outro", "url": "#" } ]
      },
      {
        "lang": "en-US", "mainTitle": "Cookies on the Portal", "links": [],
        "cookieGroups": [
          { "groupId": "necessarios", "groupName": "Necessary", "cookieList": [
              { "cookieId": "sessao", "cookieName": "SESSAO", "expires": "Session", "purpose": "Session" } ] },
          { "groupId": "Estatísticas de Uso", "groupName": "Statistics", "cookieList": [] },
          { "groupId": "only-english", "groupName": "Extra", "cookieList": [] }
        ]
      }
    ]"##;

    #[test]
    fn groups_become_categories_the_banner_accepts() {
        let imported = run(PORTAL);
        let text = json::to_pretty(&imported.config);
        let value = json::parse(&text).unwrap();
        let config = config::from_value(&value).expect("the output passes the banner's validator");
        let ids: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["necessarios", "estatisticas-de-uso"]);
        assert!(
            config.categories[0].required,
            "a group that cannot be opted out of is required"
        );
        assert!(!config.categories[1].required);
        assert_eq!(config.policy_url.as_deref(), Some("/privacidade"));
        let necessary = &config.categories[0];
        assert_eq!(necessary.cookies[0].name, "SESSAO");
        assert_eq!(necessary.cookies[0].provider, "Portal Exemplo");
        let titles: Vec<&str> = necessary
            .services
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(titles, ["Portal Exemplo"]);
        // The older spelling of the company key is read too.
        assert_eq!(config.categories[1].cookies[0].provider, "Google");
        let by_language = |l: &config::Localized| l.0.clone();
        assert_eq!(
            by_language(&necessary.cookies[0].purpose),
            [
                (Some(Lang::PtBr), "Sessão: Mantém o login".to_string()),
                (Some(Lang::En), "Session".to_string())
            ]
        );
        assert_eq!(
            by_language(&necessary.title),
            [
                (Some(Lang::PtBr), "Necessários".to_string()),
                (Some(Lang::En), "Necessary".to_string())
            ]
        );
    }

    #[test]
    fn a_company_in_two_groups_is_a_service_of_each_with_its_own_id() {
        let imported = run(r#"[{"lang": "pt-br", "allOptOut": true, "cookieGroups": [
              {"groupId": "serpro", "groupOptOut": false, "cookieList": [{"cookieName": "A", "entreprise": "Serpro"}]},
              {"groupId": "uso", "groupOptOut": true, "cookieList": [{"cookieName": "B", "entreprise": "Serpro"}, {"cookieName": "C", "entreprise": "Google"}]},
              {"groupId": "mais", "groupOptOut": true, "cookieList": [{"cookieName": "D", "entreprise": "Google"}, {"cookieName": "E", "entreprise": "!!"}]}
            ]}]"#);
        let value = json::parse(&json::to_pretty(&imported.config)).unwrap();
        let config = config::from_value(&value).expect("the output passes the banner's validator");
        let ids: Vec<Vec<&str>> = config
            .categories
            .iter()
            .map(|c| c.services.iter().map(|s| s.id.as_str()).collect())
            .collect();
        assert_eq!(
            ids,
            [
                vec!["serpro-serpro"],
                vec!["serpro-uso", "google"],
                vec!["google-mais", "servico-mais"]
            ]
        );
        assert_eq!(config.categories[1].services[0].title, "Serpro");
    }

    #[test]
    fn labels_become_texts_without_markup() {
        let text = json::to_pretty(&run(PORTAL).config);
        assert!(
            text.contains(r#""bannerTitle": "Cookies no Portal""#),
            "{text}"
        );
        assert!(text.contains(r#""bannerBody": "Usamos cookies & tecnologias parecidas.""#));
        assert!(text.contains(r#""preferences": "Definir cookies""#));
        assert!(text.contains(
            r#""en": {
      "bannerTitle": "Cookies on the Portal""#
        ));
        assert!(
            !text.contains("Aceitar\""),
            "the lone accept label is not carried"
        );
    }

    #[test]
    fn what_has_no_place_is_listed_with_its_path() {
        let imported = run(PORTAL);
        let unmapped = paths(&imported.unmapped);
        for expected in [
            "[0].cookieGroups[0].cookieList[0].domain",
            "[0].cookieGroups[1].groupId",
            "[0].cookieGroups[1].cookieList",
            "[0].acceptButton",
            "[0].lastUpdate",
            "[0].links[1]",
            "[1].cookieGroups[2]",
            "[1].links",
        ] {
            assert!(
                unmapped.contains(&expected),
                "{expected} missing from {unmapped:?}"
            );
        }
        assert!(
            !unmapped.contains(&"[0].cookieGroups[0].groupId"),
            "a valid id is kept as it is"
        );
    }

    #[test]
    fn what_the_old_setup_did_against_the_law_is_explained() {
        let imported = run(PORTAL);
        let old = paths(&imported.old_setup);
        assert_eq!(old[0], "[0]", "the missing reject-all comes first");
        for expected in [
            "[0].cookieGroups[1]",
            "[0].cookieGroups[1].groupSelected",
            "[0].cookieGroups[1].cookieList[0].cookieSelected",
            "[0].cookieGroups[1].groupAlertMessage",
            "[0].cookieGroups[1].cookieList[0].alertMessage",
            "[0].allAlertMessage",
        ] {
            assert!(old.contains(&expected), "{expected} missing from {old:?}");
        }
        for f in &imported.old_setup {
            assert!(!f.pt_br.is_empty() && !f.en.is_empty());
        }
        // Nothing pre-selected survives: the lint has nothing to flag there.
        let value = json::parse(&json::to_pretty(&imported.config)).unwrap();
        assert!(lint::lint(&value).is_empty(), "{:?}", lint::lint(&value));
    }

    #[test]
    fn one_language_gives_plain_strings_and_a_group_may_have_no_cookies() {
        let imported = run(r#"[{"lang": "pt-br", "cookieGroups": [
                {"groupId": "essenciais", "groupName": "Essenciais", "groupOptOut": false, "cookieList": []},
                {"groupId": "videos", "groupName": "Vídeos", "groupOptOut": true}]}]"#);
        let text = json::to_pretty(&imported.config);
        assert!(text.contains(r#""title": "Essenciais""#), "{text}");
        let config = config::from_value(&json::parse(&text).unwrap()).unwrap();
        assert!(config.categories.iter().all(|c| c.cookies.is_empty()));
        assert!(config.policy_url.is_none());
        let value = json::parse(&text).unwrap();
        assert_eq!(
            paths(&lint::lint(&value)),
            ["policyUrl"],
            "the lint says the old setup had no policy link"
        );
    }

    #[test]
    fn a_warning_is_pressure_only_where_something_can_be_refused() {
        let imported = run(r#"[{"lang": "pt-br", "cookieGroups": [
                {"groupId": "necessarios", "groupName": "N", "groupOptOut": false, "groupAlertMessage": "!",
                 "cookieList": [{"cookieName": "s", "alertMessage": "!"}]},
                {"groupId": "estatisticas", "groupName": "E", "groupOptOut": true, "groupAlertMessage": "!",
                 "cookieList": [{"cookieName": "_ga", "cookieOptOut": true, "alertMessage": "!"}]}]}]"#);
        let (unmapped, old) = (paths(&imported.unmapped), paths(&imported.old_setup));
        assert!(unmapped.contains(&"[0].cookieGroups[0].groupAlertMessage"));
        assert!(unmapped.contains(&"[0].cookieGroups[0].cookieList[0].alertMessage"));
        assert!(old.contains(&"[0].cookieGroups[1].groupAlertMessage"));
        assert!(old.contains(&"[0].cookieGroups[1].cookieList[0].alertMessage"));
    }

    #[test]
    fn duplicate_and_unusable_ids_are_renamed_unique() {
        let imported = run(r#"[{"lang": "pt-br", "cookieGroups": [
                {"groupId": "Grupo", "groupName": "A", "groupOptOut": true, "cookieList": []},
                {"groupId": "grupo", "groupName": "B", "groupOptOut": true, "cookieList": []},
                {"groupId": "???", "groupName": "C", "groupOptOut": true, "cookieList": []},
                {"groupId": "necessary", "groupName": "D", "groupOptOut": true, "cookieList": []}]}]"#);
        let config = config::from_value(&imported.config).expect("valid");
        let ids: Vec<&str> = config.categories.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["grupo", "grupo-2", "grupo-3", "necessary-opcional"]);
    }

    #[test]
    fn nothing_to_refuse_makes_every_group_required_and_says_so() {
        let imported = run(r#"[{"lang": "pt-br", "allOptOut": false, "cookieGroups": [
                {"groupId": "estatisticas", "groupName": "Estatísticas", "groupOptOut": true, "cookieList": []}]}]"#);
        let config = config::from_value(&imported.config).expect("valid");
        assert!(config.categories[0].required);
        assert!(paths(&imported.old_setup).contains(&"[0].allOptOut"));
        assert!(
            !lint::lint(&imported.config).is_empty(),
            "the lint flags statistics as required"
        );
    }

    #[test]
    fn unknown_keys_other_languages_and_a_second_object_are_listed() {
        let imported = run(r#"[{"lang": "pt-br", "novidade": 1, "cookieGroups": [
                  {"groupId": "a", "groupName": "A", "extra": true, "cookieList": [{"cookieName": "x", "cor": "azul"}, {"cookieName": "não é nome"}]}]},
                {"lang": "pt-BR", "cookieGroups": []},
                {"lang": "fr", "cookieGroups": []},
                "texto"]"#);
        let unmapped = paths(&imported.unmapped);
        for expected in [
            "[0].novidade",
            "[0].cookieGroups[0].extra",
            "[0].cookieGroups[0].cookieList[0].cor",
            "[0].cookieGroups[0].cookieList[1].cookieName",
            "[1].lang",
            "[2].lang",
            "[3]",
        ] {
            assert!(
                unmapped.contains(&expected),
                "{expected} missing from {unmapped:?}"
            );
        }
        config::from_value(&imported.config).expect("valid");
    }

    #[test]
    fn without_portuguese_the_first_language_leads() {
        let imported = run(
            r#"[{"lang": "es", "cookieGroups": [{"groupId": "a", "groupName": "Uno", "cookieList": []}]},
                {"lang": "en", "cookieGroups": [{"groupId": "a", "groupName": "One", "cookieList": []},
                                                {"groupId": "b", "groupName": "Two", "cookieList": []}]}]"#,
        );
        let config = config::from_value(&imported.config).expect("valid");
        assert_eq!(config.categories.len(), 1, "the Spanish object's groups");
        assert_eq!(paths(&imported.unmapped), ["[1].cookieGroups[1]"]);
    }

    #[test]
    fn a_group_or_cookie_without_an_id_keeps_its_own_texts() {
        let imported = run(
            r#"[{"lang": "pt-br", "cookieGroups": [{"groupName": "Sem id", "cookieList": [
                  {"cookieId": "x", "cookieName": "a", "purpose": "Primeiro"},
                  {"cookieId": "x", "cookieName": "b", "purpose": "Segundo"}]}]}]"#,
        );
        let config = config::from_value(&imported.config).expect("valid");
        let category = &config.categories[0];
        assert_eq!(category.id, "grupo-1");
        assert_eq!(category.title.0, [(None, "Sem id".to_string())]);
        assert_eq!(
            category.cookies[1].purpose.0,
            [(None, "Segundo".to_string())]
        );
    }

    #[test]
    fn markup_is_stripped_and_entities_decoded_once() {
        let imported = run(
            r#"[{"lang": "pt-br", "cookieGroups": [{"groupId": "a", "groupName": "<em>A</em>", "cookieList": [
                  {"cookieName": "x", "purpose": "Escreva &amp;lt;b&amp;gt;", "description": "<p>para <b>negrito</b></p>"}]}]}]"#,
        );
        let config = config::from_value(&imported.config).expect("valid");
        let category = &config.categories[0];
        assert_eq!(category.title.0, [(None, "A".to_string())]);
        assert_eq!(
            category.cookies[0].purpose.0,
            [(None, "Escreva &lt;b&gt;: para negrito".to_string())]
        );
    }

    #[test]
    fn a_single_object_is_read_and_anything_else_is_an_error() {
        let imported =
            run(r#"{"cookieGroups": [{"groupId": "a", "groupName": "A", "cookieList": []}]}"#);
        config::from_value(&imported.config).expect("valid");
        for bad in ["[]", "3", r#"[{"lang": "pt-br"}]"#, r#"{"categories": []}"#] {
            assert!(import(&json::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
