//! Built-in texts in Brazilian Portuguese, English and Spanish, and the
//! choice of language for a visitor.

use super::config::LegalBasis;

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
    use LegalBasis::*;
    let [pt, en, es] = match basis {
        Consent => [
            "consentimento (LGPD, art. 7º, I)",
            "consent (LGPD, art. 7, I)",
            "consentimiento (LGPD, art. 7, I)",
        ],
        LegalObligation => [
            "cumprimento de obrigação legal ou regulatória (LGPD, art. 7º, II)",
            "compliance with a legal or regulatory obligation (LGPD, art. 7, II)",
            "cumplimiento de una obligación legal o regulatoria (LGPD, art. 7, II)",
        ],
        PublicPolicy => [
            "execução de políticas públicas (LGPD, art. 7º, III)",
            "carrying out public policies (LGPD, art. 7, III)",
            "ejecución de políticas públicas (LGPD, art. 7, III)",
        ],
        Research => [
            "estudos por órgão de pesquisa (LGPD, art. 7º, IV)",
            "studies by a research body (LGPD, art. 7, IV)",
            "estudios de un órgano de investigación (LGPD, art. 7, IV)",
        ],
        Contract => [
            "execução de contrato com o titular (LGPD, art. 7º, V)",
            "performing a contract with you (LGPD, art. 7, V)",
            "ejecución de un contrato con el titular (LGPD, art. 7, V)",
        ],
        ExerciseOfRights => [
            "exercício regular de direitos em processo (LGPD, art. 7º, VI)",
            "exercising rights in legal proceedings (LGPD, art. 7, VI)",
            "ejercicio regular de derechos en un proceso (LGPD, art. 7, VI)",
        ],
        ProtectionOfLife => [
            "proteção da vida ou da incolumidade física (LGPD, art. 7º, VII)",
            "protecting someone's life or physical safety (LGPD, art. 7, VII)",
            "protección de la vida o de la integridad física (LGPD, art. 7, VII)",
        ],
        HealthProtection => [
            "tutela da saúde (LGPD, art. 7º, VIII)",
            "protecting health (LGPD, art. 7, VIII)",
            "tutela de la salud (LGPD, art. 7, VIII)",
        ],
        LegitimateInterest => [
            "legítimo interesse (LGPD, art. 7º, IX)",
            "legitimate interest (LGPD, art. 7, IX)",
            "interés legítimo (LGPD, art. 7, IX)",
        ],
        CreditProtection => [
            "proteção do crédito (LGPD, art. 7º, X)",
            "credit protection (LGPD, art. 7, X)",
            "protección del crédito (LGPD, art. 7, X)",
        ],
        PublicService => [
            "atribuições legais do serviço público (LGPD, art. 7º, III, e art. 23)",
            "the public service's legal duties (LGPD, art. 7, III, and art. 23)",
            "atribuciones legales del servicio público (LGPD, art. 7, III, y art. 23)",
        ],
    };
    [pt, en, es][lang.index()]
}

/// `{category}` in EmbedBlocked and EmbedAllow is replaced by the category's title.
pub const CATEGORY_PLACEHOLDER: &str = "{category}";

pub fn builtin(lang: Lang, key: Text) -> &'static str {
    [pt_br(key), en(key), es(key)][lang.index()]
}

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
