//! The shape of the configuration, written once as data.
//!
//! Three things are derived from this table and must never disagree with the
//! validator in `config.rs`: the JSON Schema editors use for autocompletion
//! (`biscoito schema`), the configuration reference in the docs (`biscoito
//! reference`), and, in test builds, a check inside the validator that every
//! key it reads is declared here. A test also feeds the validator an example
//! holding every key declared here and expects no problem, so a key added on
//! one side only fails the build's tests.

use super::config::CONSENT_MODE_SIGNALS;
use super::i18n::TEXT_NAMES;

pub struct Field {
    pub key: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// Shown in the reference and the schema, in English and Portuguese.
    pub en: &'static str,
    pub pt: &'static str,
}

pub enum Shape {
    Bool {
        default: bool,
    },
    Whole {
        min: u64,
        max: u64,
        default: Option<u64>,
    },
    Text {
        /// A regular expression (JSON Schema dialect) the value must match.
        pattern: Option<&'static str>,
        example: &'static str,
    },
    /// An http(s) or site-relative URL.
    Url,
    Choice {
        options: &'static [&'static str],
        default: Option<&'static str>,
    },
    /// One string for every language, or an object of strings by language code.
    Localized,
    List(&'static Shape),
    Object(&'static [Field]),
    /// `false`, `true` (all defaults) or an object.
    FlagOr(&'static [Field]),
    /// A bare string, short for an object with only its first field, or the object.
    NameOr(&'static [Field]),
    /// An object whose keys come from a fixed list, all optional.
    Map {
        keys: &'static [&'static str],
        value: &'static Shape,
    },
}

pub const LANGUAGE_CODES: &[&str] = &["pt-BR", "en", "es"];

const fn field(key: &'static str, shape: Shape, en: &'static str, pt: &'static str) -> Field {
    Field {
        key,
        shape,
        required: false,
        en,
        pt,
    }
}

const fn required(key: &'static str, shape: Shape, en: &'static str, pt: &'static str) -> Field {
    Field {
        key,
        shape,
        required: true,
        en,
        pt,
    }
}

const COOKIE: &[Field] = &[
    required(
        "name",
        Shape::Text {
            pattern: None,
            example: "_ga_*",
        },
        "Exact cookie name, or a prefix followed by * (\"_ga_*\").",
        "Nome exato do cookie, ou um prefixo seguido de * (\"_ga_*\").",
    ),
    field(
        "provider",
        Shape::Text {
            pattern: None,
            example: "Google",
        },
        "Who sets it, as the visitor would recognise it.",
        "Quem o define, como o visitante o reconheceria.",
    ),
    field(
        "purpose",
        Shape::Localized,
        "What it is for.",
        "Para que serve.",
    ),
    field(
        "duration",
        Shape::Localized,
        "How long it lasts (\"2 anos\", \"sessão\").",
        "Quanto tempo dura (\"2 anos\", \"sessão\").",
    ),
    field(
        "thirdParty",
        Shape::Bool { default: false },
        "Set by another site's domain.",
        "Definido pelo domínio de outro site.",
    ),
];

const SERVICE: &[Field] = &[
    required(
        "title",
        Shape::Text { pattern: None, example: "YouTube" },
        "Name shown in the preferences and on embed placeholders. A bare string is a service with only a title.",
        "Nome mostrado nas preferências e nos avisos de conteúdo bloqueado. Um texto sozinho é um serviço só com título.",
    ),
    field(
        "id",
        Shape::Text { pattern: Some("^[a-z0-9_-]{1,32}$"), example: "youtube" },
        "Used in data-service attributes and the API; unique among all category and service ids. Default: made from the title (\"Google Analytics\" → google-analytics).",
        "Usado nos atributos data-service e na API; único entre todos os ids de categorias e serviços. Padrão: feito a partir do título (\"Google Analytics\" → google-analytics).",
    ),
    field(
        "description",
        Shape::Localized,
        "What the service does on this site.",
        "O que o serviço faz neste site.",
    ),
    field(
        "provider",
        Shape::Text { pattern: None, example: "Google LLC" },
        "Who runs it.",
        "Quem o opera.",
    ),
    field(
        "policyUrl",
        Shape::Url,
        "The provider's privacy policy.",
        "A política de privacidade do fornecedor.",
    ),
    field(
        "cookies",
        Shape::List(&Shape::NameOr(COOKIE)),
        "The service's cookies, listed under it and deleted when it is refused.",
        "Os cookies do serviço, listados com ele e apagados quando ele é recusado.",
    ),
    field(
        "hosts",
        Shape::List(&Shape::Text {
            pattern: Some("^(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$"),
            example: "*.youtube-nocookie.com",
        }),
        "Other sites the service contacts, as for a category.",
        "Outros sites contatados pelo serviço, como numa categoria.",
    ),
];

const CATEGORY: &[Field] = &[
    required(
        "id",
        Shape::Text { pattern: Some("^[a-z0-9_-]{1,32}$"), example: "statistics" },
        "Used in data-category attributes and the API. \"necessary\" must be required.",
        "Usado nos atributos data-category e na API. \"necessary\" deve ser obrigatória.",
    ),
    field(
        "required",
        Shape::Bool { default: false },
        "Always on, shown as such. Only for cookies the site cannot work without.",
        "Sempre ativa, e mostrada assim. Só para cookies sem os quais o site não funciona.",
    ),
    field(
        "title",
        Shape::Localized,
        "Name shown in the preferences.",
        "Nome mostrado nas preferências.",
    ),
    field(
        "description",
        Shape::Localized,
        "What the category does, in plain words.",
        "O que a categoria faz, em palavras simples.",
    ),
    field(
        "cookies",
        Shape::List(&Shape::NameOr(COOKIE)),
        "Cookies (a name, or an object) listed in the preferences table and deleted when the category is refused.",
        "Cookies (um nome, ou um objeto) listados na tabela das preferências e apagados quando a categoria é recusada.",
    ),
    field(
        "services",
        Shape::List(&Shape::NameOr(SERVICE)),
        "What the visitor may choose one by one inside the category (a title, or an object). The category counts as accepted only when all of them are.",
        "O que o visitante pode escolher um a um dentro da categoria (um título, ou um objeto). A categoria só conta como aceita quando todos são aceitos.",
    ),
    field(
        "legalBasis",
        Shape::Choice {
            options: &crate::engine::config::LEGAL_BASIS_NAMES,
            default: None,
        },
        "Why its cookies may be used (LGPD art. 7; public-service is art. 7 III with art. 23), shown in the preferences. An optional category can only be consent. Default: consent; public-service for a required category.",
        "Por que seus cookies podem ser usados (LGPD art. 7º; public-service é o art. 7º, III, com o art. 23), mostrado nas preferências. Uma categoria opcional só pode ser consent. Padrão: consent; public-service numa categoria obrigatória.",
    ),
    field(
        "hosts",
        Shape::List(&Shape::Text {
            pattern: Some("^(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$"),
            example: "*.youtube-nocookie.com",
        }),
        "Other sites this category's content contacts (\"*.\" covers subdomains). `biscoito scan` allows requests to them once the category is accepted; under a required category, always.",
        "Outros sites contatados pelo conteúdo desta categoria (\"*.\" cobre os subdomínios). O `biscoito scan` permite requisições a eles quando a categoria é aceita; numa categoria obrigatória, sempre.",
    ),
];

const GOOGLE_ANALYTICS: &[Field] = &[
    required(
        "measurementId",
        Shape::Text { pattern: Some("^G-[A-Z0-9]{4,16}$"), example: "G-ABC123XYZ9" },
        "GA4 measurement id. gtag.js loads only after its categories are accepted.",
        "ID de medição do GA4. O gtag.js só carrega depois que suas categorias são aceitas.",
    ),
    field(
        "consentMode",
        Shape::Map {
            keys: &CONSENT_MODE_SIGNALS,
            value: &Shape::List(&Shape::Text { pattern: None, example: "analytics" }),
        },
        "Consent Mode v2 signal → optional categories that must all be accepted to grant it. Default: analytics_storage ← analytics; ad signals stay denied.",
        "Sinal do Consent Mode v2 → categorias opcionais que precisam estar todas aceitas para concedê-lo. Padrão: analytics_storage ← analytics; sinais de anúncio ficam negados.",
    ),
    field(
        "service",
        Shape::Text { pattern: Some("^[a-z0-9_-]{1,32}$"), example: "google-analytics" },
        "The service Google Analytics is. Where a consentMode signal names the category holding it, this service's choice is what counts. Default: google-analytics, when a category has it.",
        "O serviço que o Google Analytics é. Onde um sinal do consentMode cita a categoria que o contém, vale a escolha deste serviço. Padrão: google-analytics, quando alguma categoria o tiver.",
    ),
];

const COOKIE_MIRROR: &[Field] = &[
    field(
        "name",
        Shape::Text {
            pattern: Some("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$"),
            example: "biscoito-consent",
        },
        "Cookie name. Default: the storage key.",
        "Nome do cookie. Padrão: a chave de armazenamento.",
    ),
    field(
        "domain",
        Shape::Text {
            pattern: None,
            example: "example.gov.br",
        },
        "Parent domain, so that every subdomain shares the choice.",
        "Domínio pai, para que todos os subdomínios compartilhem a escolha.",
    ),
    field(
        "path",
        Shape::Text {
            pattern: Some("^/[^;]*$"),
            example: "/",
        },
        "Cookie path. Default: /.",
        "Caminho do cookie. Padrão: /.",
    ),
    field(
        "sameSite",
        Shape::Choice {
            options: &["Lax", "Strict", "None"],
            default: Some("Lax"),
        },
        "SameSite attribute. None needs secure.",
        "Atributo SameSite. None exige secure.",
    ),
    field(
        "secure",
        Shape::Bool { default: false },
        "Secure attribute. Default: on exactly when the page is served over https.",
        "Atributo Secure. Padrão: ligado exatamente quando a página é servida por https.",
    ),
    field(
        "trustEveryHost",
        Shape::Bool { default: false },
        "Take a wider choice from the mirror. Any host under the domain can write it (a vendor's site, an old http host), so by default the mirror only narrows: a refusal or revocation made on a sibling applies here, an acceptance is asked for again. Turn on only when every host under the domain is yours and served over https.",
        "Aceitar do espelho uma escolha mais ampla. Qualquer host sob o domínio pode escrevê-lo (o site de um fornecedor, um host antigo em http), então por padrão o espelho só restringe: uma recusa ou revogação feita num site irmão vale aqui, um aceite é pedido de novo. Ligue só quando todo host sob o domínio for seu e servido por https.",
    ),
];

const STORAGE: &[Field] = &[
    field(
        "key",
        Shape::Text {
            pattern: Some("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$"),
            example: "biscoito-consent",
        },
        "localStorage key (and fallback cookie name) of the consent record.",
        "Chave no localStorage (e nome do cookie reserva) do registro de consentimento.",
    ),
    field(
        "cookie",
        Shape::FlagOr(COOKIE_MIRROR),
        "Also mirror the record in a cookie a server (or a subdomain) can read.",
        "Também espelhar o registro num cookie que o servidor (ou um subdomínio) pode ler.",
    ),
];

const THEME: &[Field] = &[
    field(
        "scheme",
        Shape::Choice { options: &["auto", "light", "dark"], default: Some("auto") },
        "Colour scheme; auto follows the visitor's system.",
        "Esquema de cores; auto segue o sistema do visitante.",
    ),
    field(
        "preset",
        Shape::Choice { options: &["govbr"], default: None },
        "A look to start from: \"govbr\" is the gov.br Design System's (its colours in both schemes, rounded buttons, dashed gold focus ring, the Rawline font when the page has it). accent, radius and font still override it.",
        "Uma aparência de partida: \"govbr\" é a do Padrão Digital de Governo (suas cores nos dois esquemas, botões arredondados, foco tracejado dourado, a fonte Rawline quando a página a tem). accent, radius e font ainda a substituem.",
    ),
    field(
        "accent",
        Shape::Text { pattern: Some("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"), example: "#1d4f91" },
        "Button and link colour of the light scheme; must contrast at least 4.5:1 with white.",
        "Cor de botões e links do esquema claro; deve ter contraste de ao menos 4,5:1 com o branco.",
    ),
    field(
        "radius",
        Shape::Whole { min: 0, max: 24, default: None },
        "Corner radius in CSS pixels.",
        "Raio dos cantos em pixels CSS.",
    ),
    field(
        "font",
        Shape::Text { pattern: Some("^[0-9A-Za-z ,'\"\\u00A0-\\uFFFF-]{1,200}$"), example: "Verdana, sans-serif" },
        "CSS font-family list. Only fonts already on the page or the system: nothing is downloaded.",
        "Lista font-family do CSS. Só fontes já presentes na página ou no sistema: nada é baixado.",
    ),
];

pub const ROOT: &[Field] = &[
    field(
        "$schema",
        Shape::Text { pattern: None, example: "./biscoito.schema.json" },
        "Ignored by Biscoito; lets an editor find this schema.",
        "Ignorado pelo Biscoito; permite que o editor encontre este esquema.",
    ),
    field(
        "language",
        Shape::Choice { options: &["auto", "pt-BR", "en", "es"], default: Some("auto") },
        "auto: the page's lang, then the browser's languages, then pt-BR.",
        "auto: o lang da página, depois os idiomas do navegador, depois pt-BR.",
    ),
    field(
        "revision",
        Shape::Whole { min: 0, max: u32::MAX as u64, default: Some(1) },
        "Policy revision. Raising it asks every visitor again.",
        "Revisão da política. Aumentá-la pergunta de novo a todos os visitantes.",
    ),
    field(
        "revisionDate",
        Shape::Text { pattern: Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), example: "2026-12-01" },
        "When this revision took effect (YYYY-MM-DD), shown in the cookie declaration.",
        "Quando esta revisão entrou em vigor (AAAA-MM-DD), mostrada na declaração de cookies.",
    ),
    field(
        "expiresAfterDays",
        Shape::Whole { min: 1, max: 730, default: Some(180) },
        "How long a choice (accept or reject alike) is kept.",
        "Por quanto tempo uma escolha (aceitar ou rejeitar, igualmente) é guardada.",
    ),
    field(
        "policyUrl",
        Shape::Url,
        "The privacy policy linked from the banner.",
        "A política de privacidade apontada pelo banner.",
    ),
    field(
        "receiptUrl",
        Shape::Url,
        "Endpoint that receives an anonymous receipt of each decision (sendBeacon, JSON).",
        "Endereço que recebe um comprovante anônimo de cada decisão (sendBeacon, JSON).",
    ),
    field(
        "csp",
        Shape::Bool { default: false },
        "Keep a cookie (__Host-biscoito-csp on https) with the revision and what is accepted, which `biscoito csp` turns into a Content-Security-Policy on the server; a choice that widens it reloads the page once.",
        "Manter um cookie (__Host-biscoito-csp em https) com a revisão e o que foi aceito, que o `biscoito csp` transforma numa Content-Security-Policy no servidor; uma escolha que a amplia recarrega a página uma vez.",
    ),
    field(
        "respectGpc",
        Shape::Bool { default: true },
        "Treat Global Privacy Control as a refusal of every optional category.",
        "Tratar o Global Privacy Control como recusa de todas as categorias opcionais.",
    ),
    field(
        "floatingButton",
        Shape::Bool { default: true },
        "Show the small button that reopens the preferences. Turn off only if the site has its own data-biscoito=\"preferences\" link.",
        "Mostrar o pequeno botão que reabre as preferências. Desligue só se o site tiver seu próprio link data-biscoito=\"preferences\".",
    ),
    field(
        "reloadOnRevoke",
        Shape::Bool { default: true },
        "Reload the page when a revocation affects scripts that already ran.",
        "Recarregar a página quando uma revogação afeta scripts que já rodaram.",
    ),
    field(
        "layout",
        Shape::Choice { options: &["bar", "box", "center"], default: Some("bar") },
        "Bottom bar, corner box or centred box; never a wall.",
        "Barra inferior, caixa no canto ou caixa centralizada; nunca um bloqueio.",
    ),
    field(
        "categories",
        Shape::List(&Shape::Object(CATEGORY)),
        "Replaces the default categories (necessary + analytics). Include \"necessary\" as required.",
        "Substitui as categorias padrão (necessary + analytics). Inclua \"necessary\" como obrigatória.",
    ),
    field(
        "googleAnalytics",
        Shape::Object(GOOGLE_ANALYTICS),
        "Google Analytics 4, loaded by Biscoito only after opt-in.",
        "Google Analytics 4, carregado pelo Biscoito só depois do aceite.",
    ),
    field(
        "storage",
        Shape::Object(STORAGE),
        "Where the choice is kept.",
        "Onde a escolha é guardada.",
    ),
    field(
        "texts",
        Shape::Map {
            keys: LANGUAGE_CODES,
            value: &Shape::Map { keys: TEXT_NAMES, value: &Shape::Text { pattern: None, example: "…" } },
        },
        "Overrides of the built-in texts, by language code and text name.",
        "Substituições dos textos embutidos, por código de idioma e nome do texto.",
    ),
    field(
        "theme",
        Shape::Object(THEME),
        "Look. Also themable through CSS custom properties on #biscoito.",
        "Aparência. Também ajustável por propriedades CSS personalizadas em #biscoito.",
    ),
    field(
        "unresolved",
        Shape::List(&Shape::Text { pattern: None, example: "cookie _xyz (seen on /servicos/)" }),
        "Written by `biscoito scan --write-config`: what the site set or contacted that no category declares and no catalogue places. Move each into a category's cookies or hosts, then delete it. The banner ignores it.",
        "Escrito por `biscoito scan --write-config`: o que o site definiu ou contatou sem declaração em nenhuma categoria nem lugar no catálogo. Mova cada item para os cookies ou hosts de uma categoria e depois apague-o. O banner o ignora.",
    ),
];

const ROOT_SHAPE: Shape = Shape::Object(ROOT);

/// Whether the object at `path` (as the validator writes paths:
/// `categories[0].cookies[1]`) declares `key`.
pub fn declares(path: &str, key: &str) -> bool {
    let mut shape = &ROOT_SHAPE;
    for step in path.split('.').filter(|s| !s.is_empty()) {
        let name = step.split('[').next().unwrap_or(step);
        let Some(next) = child_shape(shape, name) else {
            return false;
        };
        shape = next;
        for _ in step.matches('[') {
            match shape {
                Shape::List(inner) => shape = inner,
                _ => return false,
            }
        }
    }
    child_shape(shape, key).is_some()
}

fn child_shape(shape: &'static Shape, key: &str) -> Option<&'static Shape> {
    match shape {
        Shape::Object(fields) | Shape::FlagOr(fields) | Shape::NameOr(fields) => {
            fields.iter().find(|f| f.key == key).map(|f| &f.shape)
        }
        Shape::Map { keys, value } if keys.contains(&key) => Some(value),
        _ => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub mod generate {
    //! Native only: the JSON Schema and the Markdown reference.

    use super::*;
    use serde_json::{json, Map, Value};

    pub const SCHEMA_ID: &str = "https://biscoito.dev/schema/config-1.json";

    pub fn json_schema() -> String {
        let mut root = object_schema(ROOT);
        let o = root.as_object_mut().expect("object");
        o.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        o.insert("$id".into(), json!(SCHEMA_ID));
        o.insert("title".into(), json!("Biscoito configuration"));
        let mut text = serde_json::to_string_pretty(&root).expect("schema serialises");
        text.push('\n');
        text
    }

    fn object_schema(fields: &[Field]) -> Value {
        let mut properties = Map::new();
        for f in fields {
            let mut s = shape_schema(&f.shape);
            if let Some(o) = s.as_object_mut() {
                o.insert("description".into(), json!(f.en));
            }
            properties.insert(f.key.into(), s);
        }
        let required: Vec<&str> = fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.key)
            .collect();
        let mut out =
            json!({"type": "object", "additionalProperties": false, "properties": properties});
        if !required.is_empty() {
            out["required"] = json!(required);
        }
        out
    }

    fn shape_schema(shape: &Shape) -> Value {
        match shape {
            Shape::Bool { default } => json!({"type": "boolean", "default": default}),
            Shape::Whole { min, max, default } => {
                let mut s = json!({"type": "integer", "minimum": min, "maximum": max});
                if let Some(d) = default {
                    s["default"] = json!(d);
                }
                s
            }
            Shape::Text { pattern, .. } => {
                let mut s = json!({"type": "string", "minLength": 1});
                if let Some(p) = pattern {
                    s["pattern"] = json!(p);
                }
                s
            }
            // http(s), or relative: no scheme before the first / ? or #.
            Shape::Url => json!({
                "type": "string",
                "format": "uri-reference",
                "pattern": "^(?:[Hh][Tt][Tt][Pp][Ss]?:|[^:]*$|[^:]*[/?#])",
            }),
            Shape::Choice { options, default } => {
                let mut s = json!({"enum": options});
                if let Some(d) = default {
                    s["default"] = json!(d);
                }
                s
            }
            Shape::Localized => json!({
                "oneOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "additionalProperties": false,
                        "properties": LANGUAGE_CODES.iter().map(|c| (c.to_string(), json!({"type": "string"}))).collect::<Map<_, _>>(),
                    }
                ]
            }),
            Shape::List(inner) => json!({"type": "array", "items": shape_schema(inner)}),
            Shape::Object(fields) => object_schema(fields),
            Shape::FlagOr(fields) => json!({"oneOf": [{"type": "boolean"}, object_schema(fields)]}),
            Shape::NameOr(fields) => {
                json!({"oneOf": [shape_schema(&fields[0].shape), object_schema(fields)]})
            }
            Shape::Map { keys, value } => {
                let inner = shape_schema(value);
                let properties: Map<_, _> = keys
                    .iter()
                    .map(|k| (k.to_string(), inner.clone()))
                    .collect();
                json!({"type": "object", "additionalProperties": false, "properties": properties})
            }
        }
    }

    /// A config holding every declared key with a valid value.
    pub fn full_example() -> Value {
        example_object(ROOT)
    }

    fn example_object(fields: &[Field]) -> Value {
        let mut out = Map::new();
        for f in fields {
            let value = match (f.key, &f.shape) {
                // Values that must agree with other fields rather than with their own shape.
                ("categories", _) => json!([
                    {"id": "necessary", "required": true, "title": "Necessários", "description": {"pt-BR": "Essenciais", "en": "Essential", "es": "Esenciales"},
                     "cookies": [example_object(COOKIE)], "services": ["Portal"], "legalBasis": "public-service"},
                    {"id": "analytics", "title": "Estatística", "cookies": [{"name": "_ga", "provider": "Google", "purpose": "Medição", "duration": "2 anos", "thirdParty": false}],
                     "services": [example_object(SERVICE), "Google Analytics"], "legalBasis": "consent"},
                    {"id": "marketing", "title": "Anúncios"}
                ]),
                ("consentMode", _) => json!({
                    "analytics_storage": ["analytics"], "ad_storage": ["marketing"],
                    "ad_user_data": ["marketing"], "ad_personalization": ["marketing", "analytics"]
                }),
                ("name", _) if std::ptr::eq(fields, COOKIE) => json!("session_id"),
                _ => example(&f.shape),
            };
            out.insert(f.key.into(), value);
        }
        Value::Object(out)
    }

    fn example(shape: &Shape) -> Value {
        match shape {
            Shape::Bool { default } => json!(!default),
            Shape::Whole { min, max, .. } => json!((min + max) / 2),
            Shape::Text { example, .. } => json!(example),
            Shape::Url => json!("/privacidade.html"),
            Shape::Choice { options, .. } => json!(options[options.len() - 1]),
            Shape::Localized => json!({"pt-BR": "Texto", "en": "Text", "es": "Texto"}),
            Shape::List(inner) => json!([example(inner)]),
            Shape::Object(fields) | Shape::FlagOr(fields) | Shape::NameOr(fields) => {
                example_object(fields)
            }
            Shape::Map { keys, value } => Value::Object(
                keys.iter()
                    .map(|k| (k.to_string(), example(value)))
                    .collect(),
            ),
        }
    }

    /// The configuration reference, in `lang` ("en" or "pt-BR"), as Markdown.
    pub fn reference(lang: &str) -> String {
        let pt = lang == "pt-BR";
        let mut out = String::new();
        if pt {
            out.push_str("# Referência da configuração\n\nGerada a partir de `src/engine/schema.rs` por `cargo run --bin biscoito -- reference pt-BR`; não edite à mão. Esquema JSON para editores: [`biscoito.schema.json`](biscoito.schema.json).\n\n| Chave | Tipo | Padrão | Descrição |\n|---|---|---|---|\n");
        } else {
            out.push_str("# Configuration reference\n\nGenerated from `src/engine/schema.rs` by `cargo run --bin biscoito -- reference en`; do not edit by hand. JSON Schema for editors: [`biscoito.schema.json`](biscoito.schema.json).\n\n| Key | Type | Default | Description |\n|---|---|---|---|\n");
        }
        rows(&mut out, ROOT, "", pt);
        out
    }

    fn rows(out: &mut String, fields: &[Field], prefix: &str, pt: bool) {
        for f in fields {
            let path = format!("{prefix}{}", f.key);
            let (kind, default) = describe(&f.shape, pt);
            let mut text = if pt { f.pt } else { f.en }.replace('|', "\\|");
            if f.required {
                text.insert_str(
                    0,
                    if pt {
                        "**Obrigatório.** "
                    } else {
                        "**Required.** "
                    },
                );
            }
            out.push_str(&format!("| `{path}` | {kind} | {default} | {text} |\n"));
            match &f.shape {
                Shape::Object(inner) | Shape::FlagOr(inner) => {
                    rows(out, inner, &format!("{path}."), pt)
                }
                Shape::List(Shape::Object(inner) | Shape::NameOr(inner)) => {
                    rows(out, inner, &format!("{path}[]."), pt)
                }
                _ => {}
            }
        }
    }

    fn describe(shape: &Shape, pt: bool) -> (String, String) {
        let none = "–".to_string();
        match shape {
            Shape::Bool { default } => ("boolean".into(), format!("`{default}`")),
            Shape::Whole { min, max, default } => (
                format!("{} {min}–{max}", if pt { "inteiro" } else { "integer" }),
                default.map_or(none, |d| format!("`{d}`")),
            ),
            Shape::Text { pattern, .. } => (
                match pattern {
                    Some(p) => format!("string `{}`", p.replace('|', "\\|")),
                    None => "string".into(),
                },
                none,
            ),
            Shape::Url => ("URL (https, http, /…)".into(), none),
            Shape::Choice { options, default } => (
                options
                    .iter()
                    .map(|o| format!("`\"{o}\"`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                default.map_or(none, |d| format!("`\"{d}\"`")),
            ),
            Shape::Localized => (
                if pt {
                    "texto ou {\"pt-BR\", \"en\", \"es\"}"
                } else {
                    "text or {\"pt-BR\", \"en\", \"es\"}"
                }
                .into(),
                if pt {
                    "texto embutido"
                } else {
                    "built-in text"
                }
                .into(),
            ),
            Shape::List(_) => (if pt { "lista" } else { "list" }.into(), none),
            Shape::Object(_) => ("object".into(), none),
            Shape::FlagOr(_) => ("boolean | object".into(), "`false`".into()),
            Shape::NameOr(_) => ("string | object".into(), none),
            Shape::Map { keys, .. } => (
                format!(
                    "object: {}",
                    keys.iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                none,
            ),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::generate::*;
    use super::*;

    #[test]
    fn an_example_with_every_declared_key_is_a_valid_config() {
        let text = full_example().to_string();
        let value = crate::engine::json::parse(&text).unwrap();
        let result = crate::engine::config::from_value(&value);
        assert!(result.is_ok(), "{:?}\n{text}", result.err());
    }

    #[test]
    fn paths_lead_to_their_declared_keys() {
        assert!(declares("", "revision"));
        assert!(declares("categories[3].cookies[0]", "thirdParty"));
        assert!(declares("storage.cookie", "sameSite"));
        assert!(declares("googleAnalytics.consentMode", "ad_storage"));
        assert!(declares("texts.es", "acceptAll"));
        assert!(!declares("texts.fr", "acceptAll"));
        assert!(!declares("categories", "id"));
        assert!(!declares("", "nothing"));
    }

    fn committed(name: &str) -> String {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/").to_owned() + name;
        std::fs::read_to_string(&path).unwrap_or_default()
    }

    #[test]
    fn committed_schema_and_reference_are_current() {
        let stale = "is stale: run `make docs` and commit the result";
        assert!(
            committed("biscoito.schema.json") == json_schema(),
            "docs/biscoito.schema.json {stale}"
        );
        assert!(
            committed("config-reference.en.md") == reference("en"),
            "docs/config-reference.en.md {stale}"
        );
        assert!(
            committed("config-reference.pt-BR.md") == reference("pt-BR"),
            "docs/config-reference.pt-BR.md {stale}"
        );
    }
}
