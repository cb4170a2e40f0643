//! Built-in texts in Brazilian Portuguese, English and Spanish, and the
//! choice of language for a visitor.
//!
//! Portuguese is always compiled in. English and Spanish are too, except in
//! the visitor's build (`dist/`, feature `fetched-translations`), where each
//! is a file beside the module (`biscoito.en.json`, `biscoito.es.json`)
//! that the browser fetches only for a visitor who reads that language:
//! a Portuguese page's first download carries one language. The files are
//! written from the tables below ([`Translation::compiled`], `make docs`), so
//! there is one source of every text, and read back by
//! [`Translation::from_value`], which refuses a file that lacks a text.

use super::config::LegalBasis;
use super::json::{Value, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    PtBr,
    En,
    Es,
}

pub const LANGS: [Lang; 3] = [Lang::PtBr, Lang::En, Lang::Es];

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::PtBr => "pt-BR",
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// Matches a BCP 47 tag by its primary subtag ("pt-PT" and "pt" get pt-BR,
    /// "en-GB" gets en). Unknown languages give `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("pt") {
            Some(Lang::PtBr)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else {
            None
        }
    }

    #[cfg(feature = "fetched-translations")]
    fn index(self) -> usize {
        self as usize
    }
}

/// The config's `language` first (unless "auto"), then the page's `<html lang>`,
/// then the browser's preferred languages, then pt-BR: the site's own language
/// wins over the browser because the site's policy is written in it.
pub fn negotiate(configured: Option<Lang>, page_lang: Option<&str>, browser: &[String]) -> Lang {
    configured
        .or_else(|| page_lang.and_then(Lang::from_tag))
        .or_else(|| browser.iter().find_map(|t| Lang::from_tag(t)))
        .unwrap_or(Lang::PtBr)
}

macro_rules! text_keys {
    ($($key:ident = $name:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $($key),* }
        /// The config's names for the texts, in the order of [`Text`].
        pub const TEXT_NAMES: &[&str] = &[$($name),*];
        const ALL_TEXTS: &[Text] = &[$(Text::$key),*];
    };
}

text_keys! {
    BannerTitle = "bannerTitle",
    BannerBody = "bannerBody",
    PolicyLink = "policyLink",
    AcceptAll = "acceptAll",
    RejectAll = "rejectAll",
    Preferences = "preferences",
    DialogTitle = "dialogTitle",
    DialogBody = "dialogBody",
    Save = "save",
    Close = "close",
    AlwaysOn = "alwaysOn",
    CookieList = "cookieList",
    ColumnName = "columnName",
    ColumnProvider = "columnProvider",
    ColumnPurpose = "columnPurpose",
    ColumnDuration = "columnDuration",
    ColumnParty = "columnParty",
    FirstParty = "firstParty",
    ThirdParty = "thirdParty",
    NoCookies = "noCookies",
    Reopen = "reopen",
    Saved = "saved",
    EmbedBlocked = "embedBlocked",
    EmbedAllow = "embedAllow",
    NecessaryTitle = "necessaryTitle",
    NecessaryDescription = "necessaryDescription",
    AnalyticsTitle = "analyticsTitle",
    AnalyticsDescription = "analyticsDescription",
    BasisLabel = "legalBasis",
    Services = "services",
    SomeServices = "someServices",
    ServicePolicy = "servicePolicy",
    ConsentCode = "consentCode",
}

impl Text {
    pub fn from_name(name: &str) -> Option<Text> {
        TEXT_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| ALL_TEXTS[i])
    }
}

/// A legal basis in plain words, with the article of the LGPD it rests on.
pub fn legal_basis(lang: Lang, basis: LegalBasis) -> &'static str {
    translations::legal_basis(lang, basis).unwrap_or_else(|| pt_br_basis(basis))
}

fn pt_br_basis(basis: LegalBasis) -> &'static str {
    use LegalBasis::*;
    match basis {
        Consent => "consentimento (LGPD, art. 7º, I)",
        LegalObligation => "cumprimento de obrigação legal ou regulatória (LGPD, art. 7º, II)",
        PublicPolicy => "execução de políticas públicas (LGPD, art. 7º, III)",
        Research => "estudos por órgão de pesquisa (LGPD, art. 7º, IV)",
        Contract => "execução de contrato com o titular (LGPD, art. 7º, V)",
        ExerciseOfRights => "exercício regular de direitos em processo (LGPD, art. 7º, VI)",
        ProtectionOfLife => "proteção da vida ou da incolumidade física (LGPD, art. 7º, VII)",
        HealthProtection => "tutela da saúde (LGPD, art. 7º, VIII)",
        LegitimateInterest => "legítimo interesse (LGPD, art. 7º, IX)",
        CreditProtection => "proteção do crédito (LGPD, art. 7º, X)",
        PublicService => "atribuições legais do serviço público (LGPD, art. 7º, III, e art. 23)",
    }
}

/// `{category}` in EmbedBlocked and EmbedAllow is replaced by the category's title.
pub const CATEGORY_PLACEHOLDER: &str = "{category}";

pub fn builtin(lang: Lang, key: Text) -> &'static str {
    translations::text(lang, key).unwrap_or_else(|| pt_br(key))
}

/// Whether `lang`'s texts are here (always, but for a fetched translation
/// not yet installed): until then [`builtin`] answers in Portuguese.
pub fn available(lang: Lang) -> bool {
    lang == Lang::PtBr || translations::available(lang)
}

/// The two cookies of Google Analytics that the default config declares,
/// described in the visitor's language like the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaCookie {
    Visitor,
    Session,
}

/// Their texts' names in a translation file: the two purposes, then the duration.
const GA_COOKIE_TEXT_NAMES: [&str; 3] = ["gaVisitorPurpose", "gaSessionPurpose", "gaDuration"];

pub fn ga_cookie_purpose(lang: Lang, cookie: GaCookie) -> &'static str {
    translations::ga_cookie_text(lang, cookie as usize)
        .unwrap_or_else(|| PT_BR_GA_COOKIES[cookie as usize])
}

pub fn ga_cookie_duration(lang: Lang) -> &'static str {
    translations::ga_cookie_text(lang, 2).unwrap_or(PT_BR_GA_COOKIES[2])
}

const PT_BR_GA_COOKIES: [&str; 3] = [
    "Distingue visitantes para contar visitas",
    "Mantém o estado da sessão de estatística",
    "2 anos",
];

fn pt_br(key: Text) -> &'static str {
    use Text::*;
    match key {
        BannerTitle => "Sua privacidade neste portal",
        BannerBody => "Usamos cookies necessários para o portal funcionar. Com a sua permissão, usaremos também cookies de estatística, que nos mostram de forma agregada como o portal é usado. Aceitar é opcional: o portal funciona do mesmo jeito se você recusar, e você pode mudar de ideia quando quiser.",
        PolicyLink => "Política de privacidade",
        AcceptAll => "Aceitar todos",
        RejectAll => "Rejeitar todos",
        Preferences => "Preferências",
        DialogTitle => "Preferências de cookies",
        DialogBody => "Escolha quais cookies opcionais o portal pode usar. Os necessários ficam sempre ativos, pois sem eles o portal não funciona. Sua escolha vale para todas as páginas e pode ser alterada a qualquer momento pelo botão de preferências.",
        Save => "Salvar minhas escolhas",
        Close => "Fechar",
        AlwaysOn => "Sempre ativos",
        CookieList => "Cookies desta categoria",
        ColumnName => "Nome",
        ColumnProvider => "Fornecedor",
        ColumnPurpose => "Finalidade",
        ColumnDuration => "Duração",
        ColumnParty => "Origem",
        FirstParty => "Próprio",
        ThirdParty => "Terceiro",
        NoCookies => "Nenhum cookie declarado nesta categoria.",
        Reopen => "Preferências de cookies",
        Saved => "Suas escolhas foram salvas.",
        EmbedBlocked => "Este conteúdo vem de outro site e usa cookies de {category}. Ele só é carregado se você permitir.",
        EmbedAllow => "Permitir {category} e carregar",
        NecessaryTitle => "Necessários",
        NecessaryDescription => "Essenciais para o funcionamento e a segurança do portal, como guardar a sua escolha sobre cookies. Não dependem de consentimento e não podem ser desativados.",
        AnalyticsTitle => "Estatísticas",
        AnalyticsDescription => "Contam visitas e mostram, de forma agregada, quais páginas são mais acessadas, para melhorarmos o portal (Google Analytics). O Google recebe dados de navegação, como endereço IP e páginas visitadas.",
        BasisLabel => "Base legal",
        Services => "Serviços desta categoria",
        SomeServices => "Só alguns serviços desta categoria estão permitidos.",
        ServicePolicy => "Política de privacidade do serviço",
        ConsentCode => "Código do seu consentimento:",
    }
}

#[cfg(not(feature = "fetched-translations"))]
fn en(key: Text) -> &'static str {
    use Text::*;
    match key {
        BannerTitle => "Your privacy on this site",
        BannerBody => "We use necessary cookies to make this site work. With your permission we will also use statistics cookies, which show us in aggregate how the site is used. Accepting is optional: the site works just the same if you refuse, and you can change your mind at any time.",
        PolicyLink => "Privacy policy",
        AcceptAll => "Accept all",
        RejectAll => "Reject all",
        Preferences => "Preferences",
        DialogTitle => "Cookie preferences",
        DialogBody => "Choose which optional cookies this site may use. Necessary cookies are always on, because the site cannot work without them. Your choice applies to every page and can be changed at any time with the preferences button.",
        Save => "Save my choices",
        Close => "Close",
        AlwaysOn => "Always on",
        CookieList => "Cookies in this category",
        ColumnName => "Name",
        ColumnProvider => "Provider",
        ColumnPurpose => "Purpose",
        ColumnDuration => "Duration",
        ColumnParty => "Party",
        FirstParty => "First party",
        ThirdParty => "Third party",
        NoCookies => "No cookies declared in this category.",
        Reopen => "Cookie preferences",
        Saved => "Your choices have been saved.",
        EmbedBlocked => "This content comes from another site and uses {category} cookies. It only loads if you allow it.",
        EmbedAllow => "Allow {category} and load",
        NecessaryTitle => "Necessary",
        NecessaryDescription => "Essential for the site to work securely, for example to remember your cookie choice. They do not depend on consent and cannot be switched off.",
        AnalyticsTitle => "Statistics",
        AnalyticsDescription => "Count visits and show in aggregate which pages are read most, so we can improve the site (Google Analytics). Google receives browsing data such as your IP address and the pages you visit.",
        BasisLabel => "Legal basis",
        Services => "Services in this category",
        SomeServices => "Only some services in this category are allowed.",
        ServicePolicy => "The service's privacy policy",
        ConsentCode => "Your consent code:",
    }
}

#[cfg(not(feature = "fetched-translations"))]
fn es(key: Text) -> &'static str {
    use Text::*;
    match key {
        BannerTitle => "Tu privacidad en este portal",
        BannerBody => "Usamos cookies necesarias para que el portal funcione. Con tu permiso usaremos también cookies de estadística, que nos muestran de forma agregada cómo se usa el portal. Aceptar es opcional: el portal funciona igual si las rechazas, y puedes cambiar de opinión cuando quieras.",
        PolicyLink => "Política de privacidad",
        AcceptAll => "Aceptar todas",
        RejectAll => "Rechazar todas",
        Preferences => "Preferencias",
        DialogTitle => "Preferencias de cookies",
        DialogBody => "Elige qué cookies opcionales puede usar el portal. Las necesarias están siempre activas, porque sin ellas el portal no funciona. Tu elección vale para todas las páginas y puedes cambiarla en cualquier momento con el botón de preferencias.",
        Save => "Guardar mis elecciones",
        Close => "Cerrar",
        AlwaysOn => "Siempre activas",
        CookieList => "Cookies de esta categoría",
        ColumnName => "Nombre",
        ColumnProvider => "Proveedor",
        ColumnPurpose => "Finalidad",
        ColumnDuration => "Duración",
        ColumnParty => "Origen",
        FirstParty => "Propia",
        ThirdParty => "De terceros",
        NoCookies => "No hay cookies declaradas en esta categoría.",
        Reopen => "Preferencias de cookies",
        Saved => "Tus elecciones se han guardado.",
        EmbedBlocked => "Este contenido viene de otro sitio y usa cookies de {category}. Solo se carga si lo permites.",
        EmbedAllow => "Permitir {category} y cargar",
        NecessaryTitle => "Necesarias",
        NecessaryDescription => "Imprescindibles para que el portal funcione de forma segura, por ejemplo para recordar tu elección sobre cookies. No dependen del consentimiento y no se pueden desactivar.",
        AnalyticsTitle => "Estadísticas",
        AnalyticsDescription => "Cuentan visitas y muestran de forma agregada qué páginas se leen más, para mejorar el portal (Google Analytics). Google recibe datos de navegación, como la dirección IP y las páginas visitadas.",
        BasisLabel => "Base legal",
        Services => "Servicios de esta categoría",
        SomeServices => "Solo algunos servicios de esta categoría están permitidos.",
        ServicePolicy => "Política de privacidad del servicio",
        ConsentCode => "Código de su consentimiento:",
    }
}

#[cfg(not(feature = "fetched-translations"))]
fn en_basis(basis: LegalBasis) -> &'static str {
    use LegalBasis::*;
    match basis {
        Consent => "consent (LGPD, art. 7, I)",
        LegalObligation => "compliance with a legal or regulatory obligation (LGPD, art. 7, II)",
        PublicPolicy => "carrying out public policies (LGPD, art. 7, III)",
        Research => "studies by a research body (LGPD, art. 7, IV)",
        Contract => "performing a contract with you (LGPD, art. 7, V)",
        ExerciseOfRights => "exercising rights in legal proceedings (LGPD, art. 7, VI)",
        ProtectionOfLife => "protecting someone's life or physical safety (LGPD, art. 7, VII)",
        HealthProtection => "protecting health (LGPD, art. 7, VIII)",
        LegitimateInterest => "legitimate interest (LGPD, art. 7, IX)",
        CreditProtection => "credit protection (LGPD, art. 7, X)",
        PublicService => "the public service's legal duties (LGPD, art. 7, III, and art. 23)",
    }
}

#[cfg(not(feature = "fetched-translations"))]
fn es_basis(basis: LegalBasis) -> &'static str {
    use LegalBasis::*;
    match basis {
        Consent => "consentimiento (LGPD, art. 7, I)",
        LegalObligation => "cumplimiento de una obligación legal o regulatoria (LGPD, art. 7, II)",
        PublicPolicy => "ejecución de políticas públicas (LGPD, art. 7, III)",
        Research => "estudios de un órgano de investigación (LGPD, art. 7, IV)",
        Contract => "ejecución de un contrato con el titular (LGPD, art. 7, V)",
        ExerciseOfRights => "ejercicio regular de derechos en un proceso (LGPD, art. 7, VI)",
        ProtectionOfLife => "protección de la vida o de la integridad física (LGPD, art. 7, VII)",
        HealthProtection => "tutela de la salud (LGPD, art. 7, VIII)",
        LegitimateInterest => "interés legítimo (LGPD, art. 7, IX)",
        CreditProtection => "protección del crédito (LGPD, art. 7, X)",
        PublicService => "atribuciones legales del servicio público (LGPD, art. 7, III, y art. 23)",
    }
}

#[cfg(not(feature = "fetched-translations"))]
const EN_GA_COOKIES: [&str; 3] = [
    "Tells visitors apart to count visits",
    "Keeps the state of the statistics session",
    "2 years",
];

#[cfg(not(feature = "fetched-translations"))]
const ES_GA_COOKIES: [&str; 3] = [
    "Distingue visitantes para contar visitas",
    "Mantiene el estado de la sesión de estadística",
    "2 años",
];

/// A language's texts as its translation file carries them, each list in
/// the order of its names ([`TEXT_NAMES`], the legal bases, the cookies).
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    texts: Vec<String>,
    bases: Vec<String>,
    ga_cookies: Vec<String>,
}

impl Translation {
    /// The compiled-in texts of `lang`, to write its file from.
    #[cfg(not(feature = "fetched-translations"))]
    pub fn compiled(lang: Lang) -> Translation {
        let owned = |s: &str| s.to_owned();
        Translation {
            texts: ALL_TEXTS
                .iter()
                .map(|&key| owned(builtin(lang, key)))
                .collect(),
            bases: LegalBasis::ALL
                .iter()
                .map(|&basis| owned(legal_basis(lang, basis)))
                .collect(),
            ga_cookies: vec![
                owned(ga_cookie_purpose(lang, GaCookie::Visitor)),
                owned(ga_cookie_purpose(lang, GaCookie::Session)),
                owned(ga_cookie_duration(lang)),
            ],
        }
    }

    /// The file's JSON: `{"language", "texts", "legalBases", "cookies"}`,
    /// each a map from the config's names to the text.
    pub fn to_json(&self, lang: Lang) -> String {
        let mut w = Writer::new();
        w.begin_object();
        w.key("language");
        w.string(lang.code());
        let sections = [
            ("texts", TEXT_NAMES, &self.texts),
            (
                "legalBases",
                &super::config::LEGAL_BASIS_NAMES[..],
                &self.bases,
            ),
            ("cookies", &GA_COOKIE_TEXT_NAMES[..], &self.ga_cookies),
        ];
        for (section, names, values) in sections {
            w.key(section);
            w.begin_object();
            for (name, value) in names.iter().zip(values) {
                w.key(name);
                w.string(value);
            }
            w.end_object();
        }
        w.end_object();
        w.finish()
    }

    /// Reads a translation file for `lang`. Every text must be there, a
    /// non-blank string that keeps the placeholders of the Portuguese one;
    /// anything else is refused whole with the first problem, so the
    /// interface never shows a half-translated or empty text.
    pub fn from_value(value: &Value, lang: Lang) -> Result<Translation, String> {
        let Value::Object(_) = value else {
            return Err(format_problem("the file", "is not a JSON object"));
        };
        match value.get("language").and_then(Value::as_str) {
            Some(code) if code == lang.code() => {}
            _ => {
                let mut why = String::from("is not \"");
                why.push_str(lang.code());
                why.push('"');
                return Err(format_problem("language", &why));
            }
        }
        let texts = read_section(value, "texts", TEXT_NAMES, |i| {
            pt_br(ALL_TEXTS[i]).contains(CATEGORY_PLACEHOLDER)
        })?;
        let bases = read_section(
            value,
            "legalBases",
            &super::config::LEGAL_BASIS_NAMES,
            |_| false,
        )?;
        let ga_cookies = read_section(value, "cookies", &GA_COOKIE_TEXT_NAMES, |_| false)?;
        Ok(Translation {
            texts,
            bases,
            ga_cookies,
        })
    }
}

fn format_problem(path: &str, why: &str) -> String {
    let mut line = String::from(path);
    line.push(' ');
    line.push_str(why);
    line
}

fn read_section(
    file: &Value,
    section: &str,
    names: &[&str],
    needs_placeholder: impl Fn(usize) -> bool,
) -> Result<Vec<String>, String> {
    let Some(Value::Object(entries)) = file.get(section) else {
        return Err(format_problem(section, "is missing or not an object"));
    };
    if let Some((unknown, _)) = entries.iter().find(|(k, _)| !names.contains(&k.as_str())) {
        return Err(format_problem(
            &dotted(section, unknown),
            "is not a known text",
        ));
    }
    let mut texts = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let text = match file.get(section).and_then(|s| s.get(name)) {
            Some(Value::String(text)) if !text.trim().is_empty() => text,
            _ => {
                return Err(format_problem(
                    &dotted(section, name),
                    "is missing or blank",
                ))
            }
        };
        if needs_placeholder(i) && !text.contains(CATEGORY_PLACEHOLDER) {
            return Err(format_problem(
                &dotted(section, name),
                "has lost {category}",
            ));
        }
        texts.push(text.clone());
    }
    Ok(texts)
}

fn dotted(section: &str, name: &str) -> String {
    let mut path = String::from(section);
    path.push('.');
    path.push_str(name);
    path
}

/// English and Spanish, compiled in.
#[cfg(not(feature = "fetched-translations"))]
mod translations {
    use super::*;

    pub fn available(_: Lang) -> bool {
        true
    }
    pub fn text(lang: Lang, key: Text) -> Option<&'static str> {
        match lang {
            Lang::PtBr => None,
            Lang::En => Some(en(key)),
            Lang::Es => Some(es(key)),
        }
    }
    pub fn legal_basis(lang: Lang, basis: LegalBasis) -> Option<&'static str> {
        match lang {
            Lang::PtBr => None,
            Lang::En => Some(en_basis(basis)),
            Lang::Es => Some(es_basis(basis)),
        }
    }
    pub fn ga_cookie_text(lang: Lang, index: usize) -> Option<&'static str> {
        match lang {
            Lang::PtBr => None,
            Lang::En => Some(EN_GA_COOKIES[index]),
            Lang::Es => Some(ES_GA_COOKIES[index]),
        }
    }
}

/// English and Spanish, as their files are installed (once each: a page
/// keeps them for its life, so they are leaked to be `'static` like the
/// compiled texts).
#[cfg(feature = "fetched-translations")]
mod translations {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        static INSTALLED: Cell<[Option<&'static Translation>; 2]> = const { Cell::new([None, None]) };
    }

    fn installed(lang: Lang) -> Option<&'static Translation> {
        let slot = lang.index().checked_sub(1)?;
        INSTALLED.get()[slot]
    }
    pub fn install(lang: Lang, translation: Translation) {
        let Some(slot) = lang.index().checked_sub(1) else {
            return;
        };
        let mut all = INSTALLED.get();
        if all[slot].is_none() {
            all[slot] = Some(Box::leak(Box::new(translation)));
            INSTALLED.set(all);
        }
    }
    pub fn available(lang: Lang) -> bool {
        installed(lang).is_some()
    }
    pub fn text(lang: Lang, key: Text) -> Option<&'static str> {
        installed(lang).map(|t| t.texts[key as usize].as_str())
    }
    pub fn legal_basis(lang: Lang, basis: LegalBasis) -> Option<&'static str> {
        installed(lang).map(|t| t.bases[basis as usize].as_str())
    }
    pub fn ga_cookie_text(lang: Lang, index: usize) -> Option<&'static str> {
        installed(lang).map(|t| t.ga_cookies[index].as_str())
    }
}

/// Makes a fetched translation's texts the ones [`builtin`] answers with.
#[cfg(feature = "fetched-translations")]
pub fn install(lang: Lang, translation: Translation) {
    translations::install(lang, translation);
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_text_exists_in_every_language_and_differs_from_portuguese() {
        for &key in ALL_TEXTS {
            for lang in LANGS {
                assert!(!builtin(lang, key).trim().is_empty(), "{key:?} in {lang:?}");
            }
            // Same words across languages would mean an untranslated string.
            if !matches!(key, Text::ColumnName | Text::CookieList | Text::BasisLabel) {
                assert_ne!(builtin(Lang::PtBr, key), builtin(Lang::En, key), "{key:?}");
            }
        }
    }

    #[test]
    fn a_translation_file_reads_back_as_the_texts_it_was_written_from() {
        for lang in [Lang::En, Lang::Es] {
            let compiled = Translation::compiled(lang);
            let file = super::super::json::parse(&compiled.to_json(lang)).unwrap();
            assert_eq!(Translation::from_value(&file, lang), Ok(compiled));
            // Offered as the other language, the same file is refused.
            let other = if lang == Lang::En { Lang::Es } else { Lang::En };
            assert_eq!(
                Translation::from_value(&file, other).unwrap_err(),
                format!("language is not \"{}\"", other.code())
            );
        }
    }

    #[test]
    fn a_translation_file_missing_or_spoiling_a_text_is_refused_whole() {
        let good = Translation::compiled(Lang::En).to_json(Lang::En);
        let refusal = |from: &str, to: &str| {
            assert!(good.contains(from), "{from}");
            let bad = super::super::json::parse(&good.replacen(from, to, 1)).unwrap();
            Translation::from_value(&bad, Lang::En).unwrap_err()
        };
        assert_eq!(
            refusal("\"Accept all\"", "\"  \""),
            "texts.acceptAll is missing or blank"
        );
        assert_eq!(
            refusal("\"acceptAll\"", "\"acceptEverything\""),
            "texts.acceptEverything is not a known text"
        );
        assert_eq!(
            refusal("Allow {category} and load", "Allow and load"),
            "texts.embedAllow has lost {category}"
        );
        assert_eq!(
            refusal("\"2 years\"", "730"),
            "cookies.gaDuration is missing or blank"
        );
        assert_eq!(
            refusal("\"legalBases\"", "\"bases\""),
            "legalBases is missing or not an object"
        );
        let not_an_object = super::super::json::parse("[]").unwrap();
        assert_eq!(
            Translation::from_value(&not_an_object, Lang::En).unwrap_err(),
            "the file is not a JSON object"
        );
    }

    #[test]
    fn committed_translation_files_are_current() {
        for lang in [Lang::En, Lang::Es] {
            let path = format!(
                "{}/src/browser/biscoito.{}.json",
                env!("CARGO_MANIFEST_DIR"),
                lang.code()
            );
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            let current = Translation::compiled(lang).to_json(lang) + "\n";
            assert!(committed == current, "{path} is stale: run `make docs`");
        }
    }

    #[test]
    fn text_names_round_trip() {
        for (i, name) in TEXT_NAMES.iter().enumerate() {
            assert_eq!(Text::from_name(name), Some(ALL_TEXTS[i]));
        }
        assert_eq!(Text::from_name("nope"), None);
    }

    #[test]
    fn language_negotiation_prefers_config_then_page_then_browser_then_portuguese() {
        let browser = vec!["de-DE".to_string(), "es-AR".to_string()];
        assert_eq!(negotiate(Some(Lang::En), Some("es"), &browser), Lang::En);
        assert_eq!(negotiate(None, Some("en-US"), &browser), Lang::En);
        assert_eq!(negotiate(None, Some("fr"), &browser), Lang::Es);
        assert_eq!(negotiate(None, None, &["de".to_string()]), Lang::PtBr);
        assert_eq!(negotiate(None, Some("pt-PT"), &[]), Lang::PtBr);
        assert_eq!(negotiate(None, Some(""), &[]), Lang::PtBr);
    }
}
