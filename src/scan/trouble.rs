//! What went wrong with a page, the banner or a button, as data: the report
//! says it in the reader's language, and the JSON keeps the English words.

use super::report::Lang;
use serde::{Deserialize, Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "trouble", rename_all = "kebab-case")]
pub enum Trouble {
    /// Chromium's net error code for a page it could not load.
    Net {
        code: String,
    },
    /// No load event within the timeout.
    Timeout {
        seconds: u64,
        partial: bool,
    },
    RedirectedAway {
        to: String,
    },
    Http {
        status: u16,
    },
    ConfigRejected {
        errors: Vec<String>,
    },
    /// The browser itself failed (a tab, a protocol call).
    Browser {
        message: String,
    },
    NoBiscoito,
    NoBannerForNewVisitor,
    /// One of Biscoito's files sent without compression (its Content-Length).
    Uncompressed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<u64>,
    },
    /// The module sent with a cache policy that has every page view ask again.
    Revalidated {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cache_control: Option<String>,
    },
    /// A cookie kept longer than its declared duration says.
    Retention {
        declared: String,
        seen_days: u64,
    },
    /// A banner button (`reject-all`, `accept-all`) and what it failed to do.
    Button {
        button: String,
        failure: ButtonFailure,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ButtonFailure {
    NoBanner,
    NotClickable,
    NoEffect,
}

impl Trouble {
    pub fn text(&self, lang: Lang) -> String {
        let t = |en: &str, pt: &str| lang.pick(en, pt).to_owned();
        match self {
            Trouble::Net { code } => {
                let words = match code.as_str() {
                    "net::ERR_NAME_NOT_RESOLVED" => t("the host name does not resolve", "o nome do host não resolve"),
                    "net::ERR_CONNECTION_REFUSED" => t("the server refused the connection", "o servidor recusou a conexão"),
                    "net::ERR_CONNECTION_TIMED_OUT" | "net::ERR_TIMED_OUT" => t("the server did not answer", "o servidor não respondeu"),
                    "net::ERR_TOO_MANY_REDIRECTS" => t("the page redirects in a loop", "a página redireciona em ciclo"),
                    "net::ERR_ABORTED" => t(
                        "the load was aborted (a download, or a page that replaced itself)",
                        "o carregamento foi interrompido (um download, ou uma página que se substituiu)",
                    ),
                    c if c.starts_with("net::ERR_CERT_") || c.starts_with("net::ERR_SSL_") => t(
                        "its TLS certificate or connection is not valid",
                        "o certificado ou a conexão TLS não é válido",
                    ),
                    _ => t("the page could not be loaded", "a página não pôde ser carregada"),
                };
                format!("{words} ({code})")
            }
            Trouble::Timeout { seconds, partial } => {
                let mut s = format!(
                    "{} {seconds} s",
                    lang.pick(
                        "the page did not finish loading within",
                        "a página não terminou de carregar em"
                    )
                );
                if *partial {
                    s += lang.pick(
                        "; what it did until then is recorded",
                        "; o que ela fez até então está registrado",
                    );
                }
                s
            }
            Trouble::RedirectedAway { to } => format!(
                "{} ({to}); {}",
                lang.pick(
                    "redirected to another site",
                    "redirecionada para outro site"
                ),
                lang.pick("not followed further", "não seguida adiante")
            ),
            Trouble::Http { status } => {
                format!(
                    "{} {status}",
                    lang.pick("the server answered HTTP", "o servidor respondeu HTTP")
                )
            }
            Trouble::ConfigRejected { errors } => format!(
                "{}: {}",
                lang.pick(
                    "Biscoito rejected this page's config and fell back to its default",
                    "o Biscoito recusou a configuração desta página e usou a padrão"
                ),
                errors.join("; ")
            ),
            Trouble::Browser { message } => {
                format!(
                    "{}: {message}",
                    lang.pick("the browser failed", "o navegador falhou")
                )
            }
            Trouble::NoBiscoito => t(
                "Biscoito did not start on this page",
                "o Biscoito não iniciou nesta página",
            ),
            Trouble::Uncompressed { bytes } => {
                // gzip sends the module in about 40% of its bytes; at 1.6
                // Mbit/s each kilobyte is 5 ms.
                let mut text = t("sent without compression", "enviado sem compressão").to_owned();
                if let Some(bytes) = bytes {
                    let ms = (*bytes as f64 * 0.6 / 1024.0 * 5.0).round() as u64;
                    text += &format!(
                        " ({} KB): {} {ms} ms {}",
                        bytes / 1024,
                        t("about", "cerca de"),
                        t(
                            "more on every first visit on a phone network (1.6 Mbit/s)",
                            "a mais em cada primeira visita numa rede de celular (1,6 Mbit/s)"
                        )
                    );
                }
                text
            }
            Trouble::Revalidated { cache_control } => format!(
                "{} ({}): {}",
                t(
                    "every page view asks the host about the module again",
                    "cada página vista pergunta de novo ao servidor pelo módulo"
                ),
                cache_control.as_deref().unwrap_or("no Cache-Control"),
                t(
                    "a round trip, about 150 ms on a phone network, before a returning visitor's banner or release",
                    "uma ida e volta, cerca de 150 ms numa rede de celular, antes do banner ou da liberação de quem volta"
                )
            ),
            Trouble::Retention {
                declared,
                seen_days,
            } => format!(
                "{} \"{declared}\"{} {seen_days} {}",
                t("declared as", "declarado como"),
                t(
                    ", but the browser keeps it for",
                    ", mas o navegador o guarda por"
                ),
                t(
                    "days: the policy understates how long it is kept",
                    "dias: a política diz menos do que o tempo real"
                )
            ),
            Trouble::NoBannerForNewVisitor => t(
                "the banner did not appear for a first-time visitor",
                "o banner não apareceu para quem visita pela primeira vez",
            ),
            Trouble::Button { button, failure } => {
                let what = match failure {
                    ButtonFailure::NoBanner => t(
                        "the banner did not appear, so there was nothing to click",
                        "o banner não apareceu, então não havia o que clicar",
                    ),
                    ButtonFailure::NotClickable => t(
                        "the button could not be clicked",
                        "o botão não pôde ser clicado",
                    ),
                    ButtonFailure::NoEffect => t(
                        "the click did nothing: the banner stayed or no choice was recorded",
                        "o clique não fez nada: o banner ficou ou nenhuma escolha foi registrada",
                    ),
                };
                format!("\"{button}\": {what}")
            }
        }
    }
}

/// The JSON report keeps the English words, whatever `--lang` says.
pub fn in_english<S: Serializer>(trouble: &Option<Trouble>, s: S) -> Result<S::Ok, S::Error> {
    match trouble {
        Some(t) => s.serialize_str(&t.text(Lang::En)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trouble_reads_in_both_languages() {
        let all = [
            Trouble::Net {
                code: "net::ERR_CERT_AUTHORITY_INVALID".into(),
            },
            Trouble::Net {
                code: "net::ERR_TOO_MANY_REDIRECTS".into(),
            },
            Trouble::Timeout {
                seconds: 30,
                partial: true,
            },
            Trouble::RedirectedAway {
                to: "https://outro.example/".into(),
            },
            Trouble::Http { status: 404 },
            Trouble::ConfigRejected {
                errors: vec!["hosts: is not a known setting".into()],
            },
            Trouble::Browser {
                message: "tab crashed".into(),
            },
            Trouble::NoBiscoito,
            Trouble::NoBannerForNewVisitor,
            Trouble::Button {
                button: "reject-all".into(),
                failure: ButtonFailure::NoEffect,
            },
        ];
        for trouble in &all {
            let (en, pt) = (trouble.text(Lang::En), trouble.text(Lang::PtBr));
            assert!(!en.is_empty() && en != pt, "{trouble:?}");
        }
        assert_eq!(
            all[0].text(Lang::PtBr),
            "o certificado ou a conexão TLS não é válido (net::ERR_CERT_AUTHORITY_INVALID)"
        );
    }
}
