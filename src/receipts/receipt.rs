//! What a banner sends to `receiptUrl`, read with the engine's own record
//! reader, and the hash that chains each stored receipt to the one before.

use crate::engine::config::{is_identifier, MAX_ID_LEN};
use crate::engine::json::{self, Value};
use crate::engine::record::{strip_query, Record};
use sha2::{Digest, Sha256};

/// Bodies over this are refused before they are read: a receipt of a config
/// with dozens of categories and services is under 3 KB.
pub const MAX_BODY_BYTES: usize = 8 * 1024;
/// Longest page address kept.
pub const MAX_PAGE_CHARS: usize = 2048;
/// The hash a chain starts from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A receipt as Biscoito sends it: the record and the page it was given on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub record: Record,
    pub page: String,
}

/// Why a body is not a receipt: the field (a JSON path such as
/// `record.revision`) when one is to blame, and what it must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: Option<String>,
    pub message: String,
}

impl Refusal {
    fn at(field: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            field: Some(field.to_owned()),
            message: message.into(),
        }
    }
    fn whole(message: impl Into<String>) -> Refusal {
        Refusal {
            field: None,
            message: message.into(),
        }
    }
}

impl Receipt {
    /// Reads a request body. The record goes through `engine::record`, the
    /// same reader the banner uses on what it stored.
    pub fn parse(body: &[u8]) -> Result<Receipt, Refusal> {
        let text =
            std::str::from_utf8(body).map_err(|_| Refusal::whole("the body must be UTF-8 text"))?;
        let value =
            json::parse(text).map_err(|e| Refusal::whole(format!("the body is not JSON: {e}")))?;
        Receipt::from_value(&value)
    }

    pub fn from_value(value: &Value) -> Result<Receipt, Refusal> {
        if !matches!(value, Value::Object(_)) {
            return Err(Refusal::whole(
                "the body must be a JSON object with \"record\" and \"page\"",
            ));
        }
        let record = match value.get("record") {
            None => return Err(Refusal::at("record", "is missing")),
            Some(r @ Value::Object(_)) => Record::from_value_naming_field(r)
                .map_err(|bad| Refusal::at(&format!("record.{}", bad.field), bad.expected()))?,
            Some(_) => return Err(Refusal::at("record", "must be an object")),
        };
        // What a banner makes: anything else could only come from another
        // client, and would reach the spreadsheets exports are opened in.
        if !record
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            || !record.id.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            return Err(Refusal::at(
                "record.id",
                "must be letters and digits (a banner sends 32 hexadecimal characters)",
            ));
        }
        let keys = "keys must be category or service ids: lowercase letters, digits, - and _";
        if !all_ids(&record.decisions) {
            return Err(Refusal::at("record.decisions", keys));
        }
        if !all_ids(record.services.as_deref().unwrap_or_default()) {
            return Err(Refusal::at("record.services", keys));
        }
        if !all_ids(&record.legal_bases) {
            return Err(Refusal::at("record.legalBasis", keys));
        }
        if record.decisions.is_empty() {
            return Err(Refusal::at(
                "record.decisions",
                "must hold at least one category",
            ));
        }
        if record.created_ms > record.updated_ms {
            return Err(Refusal::at(
                "record.updatedAt",
                "must not be before createdAt",
            ));
        }
        if record.updated_ms > record.expires_ms {
            return Err(Refusal::at(
                "record.expiresAt",
                "must not be before updatedAt",
            ));
        }
        if record.language.is_empty()
            || record.language.len() > 35
            || !record
                .language
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(Refusal::at(
                "record.language",
                "must be a language tag such as pt-BR",
            ));
        }
        let page = match value.get("page") {
            None => return Err(Refusal::at("page", "is missing")),
            Some(Value::String(page)) => page,
            Some(_) => return Err(Refusal::at("page", "must be a string")),
        };
        // The banner already drops the query string and fragment; a client
        // that did not is not allowed to store them either.
        let page = strip_query(page);
        let lower = page.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || page.chars().count() > MAX_PAGE_CHARS
        {
            return Err(Refusal::at(
                "page",
                format!("must be an http(s) address of at most {MAX_PAGE_CHARS} characters"),
            ));
        }
        Ok(Receipt {
            record,
            page: page.to_owned(),
        })
    }

    /// The stored form: written by the engine's writer, so the same receipt
    /// always gives the same text, and so the same hash.
    pub fn to_json(&self) -> String {
        self.record.receipt_json(&self.page)
    }
}

fn all_ids<V>(entries: &[(String, V)]) -> bool {
    entries.iter().all(|(id, _)| is_identifier(id, MAX_ID_LEN))
}

/// One link of the chain: everything stored in a row but the hashes,
/// joined to the hash of the row before.
pub fn link_hash(
    prev_hash: &str,
    seq: i64,
    received_ms: i64,
    consent_id: &str,
    receipt: &str,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        prev_hash,
        &seq.to_string(),
        &received_ms.to_string(),
        consent_id,
        receipt,
    ] {
        hasher.update(part.as_bytes());
        hasher.update(b"\n");
    }
    to_hex(&hasher.finalize())
}

/// Lowercase hexadecimal, as hashes, keys and signatures are written.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of `text` written in hexadecimal, if it is exactly `N` of them.
pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim().as_bytes();
    if text.len() != 2 * N {
        return None;
    }
    let mut bytes = [0; N];
    for (byte, pair) in bytes.iter_mut().zip(text.chunks(2)) {
        *byte = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(bytes)
}

/// A stored receipt's text read back: it must still be a receipt.
pub fn reread(receipt: &str) -> Result<Receipt, Refusal> {
    Receipt::parse(receipt.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SENT: &str = r#"{"record":{"schema":1,"id":"0123456789abcdef0123456789abcdef","revision":2,"decisions":{"necessary":true,"analytics":false},"services":{},"legalBasis":{"necessary":"public-service","analytics":"consent"},"method":"reject-all","createdAt":1790000000000,"updatedAt":1790000000000,"expiresAt":1805552000000,"language":"pt-BR"},"page":"https://www.tjvs.jus.br/"}"#;

    #[test]
    fn a_receipt_as_the_banner_sends_it_is_read_and_written_back_unchanged() {
        let receipt = Receipt::parse(SENT.as_bytes()).unwrap();
        assert_eq!(receipt.record.id, "0123456789abcdef0123456789abcdef");
        assert_eq!(receipt.to_json(), SENT);
    }

    #[test]
    fn a_wrong_field_is_named() {
        let cases = [
            (
                SENT.replace("\"revision\":2", "\"revision\":\"2\""),
                "record.revision",
            ),
            (
                SENT.replace("\"method\":\"reject-all\"", "\"method\":\"yes\""),
                "record.method",
            ),
            (
                SENT.replace("\"analytics\":false", "\"analytics\":1"),
                "record.decisions",
            ),
            (
                SENT.replace("\"schema\":1", "\"schema\":7"),
                "record.schema",
            ),
            (
                SENT.replace(
                    "\"page\":\"https://www.tjvs.jus.br/\"",
                    "\"page\":\"javascript:x\"",
                ),
                "page",
            ),
            (
                SENT.replace(",\"page\":\"https://www.tjvs.jus.br/\"", ""),
                "page",
            ),
            (
                SENT.replace("\"createdAt\":1790000000000", "\"createdAt\":1790000000001"),
                "record.updatedAt",
            ),
            (
                SENT.replace("\"language\":\"pt-BR\"", "\"language\":\"<b>\""),
                "record.language",
            ),
            (r#"{"page":"https://x.gov.br/"}"#.to_owned(), "record"),
            (
                SENT.replace("\"id\":\"0123", "\"id\":\"=cmd|0123"),
                "record.id",
            ),
            (
                SENT.replace("\"analytics\":false", "\"=1+1\":false"),
                "record.decisions",
            ),
            (
                SENT.replace("\"services\":{}", "\"services\":{\"A B\":true}"),
                "record.services",
            ),
            (
                SENT.replace("\"analytics\":\"consent\"", "\"@x\":\"consent\""),
                "record.legalBasis",
            ),
        ];
        for (body, field) in cases {
            let refusal = Receipt::parse(body.as_bytes()).unwrap_err();
            assert_eq!(refusal.field.as_deref(), Some(field), "{body}: {refusal:?}");
            assert!(!refusal.message.is_empty());
        }
    }

    #[test]
    fn what_is_not_a_json_object_is_refused_whole() {
        for body in ["", "[]", "nul", "{\"record\":", "\u{0}"] {
            let refusal = Receipt::parse(body.as_bytes()).unwrap_err();
            assert_eq!(refusal.field, None, "{body:?}");
        }
        assert!(Receipt::parse(&[0xff, 0xfe]).is_err());
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(Receipt::parse(deep.as_bytes()).unwrap_err().field, None);
    }

    #[test]
    fn a_query_string_sent_by_another_client_is_not_kept() {
        let body = SENT.replace("jus.br/\"", "jus.br/busca?cpf=12345678900#r\"");
        let receipt = Receipt::parse(body.as_bytes()).unwrap();
        assert_eq!(receipt.page, "https://www.tjvs.jus.br/busca");
        assert!(!receipt.to_json().contains("cpf"));
    }

    #[test]
    fn the_documented_schema_names_what_the_engine_writes() {
        use crate::engine::config::LEGAL_BASIS_NAMES;
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../docs/receipt.schema.json")).unwrap();
        let record = &schema["properties"]["record"];
        let names = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap().to_owned())
                .collect()
        };
        let bases = names(&record["properties"]["legalBasis"]["additionalProperties"]["enum"]);
        assert_eq!(bases, LEGAL_BASIS_NAMES);
        let methods = names(&record["properties"]["method"]["enum"]);
        assert_eq!(methods, ["accept-all", "reject-all", "custom", "gpc"]);
        // Every key the engine writes is documented, and the required ones are always written.
        let sent: serde_json::Value = serde_json::from_str(SENT).unwrap();
        for key in sent["record"].as_object().unwrap().keys() {
            assert!(
                record["properties"].get(key).is_some(),
                "{key} undocumented"
            );
        }
        for key in names(&record["required"]) {
            assert!(
                sent["record"].get(&key).is_some(),
                "{key} required but not sent"
            );
        }
        assert_eq!(schema["properties"]["page"]["maxLength"], MAX_PAGE_CHARS);
    }

    #[test]
    fn each_link_depends_on_every_stored_part_and_on_the_link_before() {
        let base = link_hash(GENESIS, 1, 5, "id", "{}");
        assert_eq!(base.len(), 64);
        assert_eq!(base, link_hash(GENESIS, 1, 5, "id", "{}"));
        for other in [
            link_hash(&base, 1, 5, "id", "{}"),
            link_hash(GENESIS, 2, 5, "id", "{}"),
            link_hash(GENESIS, 1, 6, "id", "{}"),
            link_hash(GENESIS, 1, 5, "ie", "{}"),
            link_hash(GENESIS, 1, 5, "id", "{ }"),
        ] {
            assert_ne!(base, other);
        }
    }
}
