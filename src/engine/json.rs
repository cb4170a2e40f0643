//! A minimal JSON tree and writer.
//!
//! Configs and stored records are read into [`Value`] (through serde, from
//! serde-wasm-bindgen in the browser or serde_json natively) and then walked
//! by hand, so that every problem can name its exact field path and so that
//! the wasm build carries no serde_json. Writing is done by [`Writer`], which
//! only ever emits strings, integers and booleans: no float formatting.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Nesting deeper than this is refused: a config or record is never deep,
/// and a hostile one must not exhaust the stack.
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Keys in document order; duplicates are kept so validation can report them.
    Object(Vec<(String, Value)>),
}

impl Value {
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A non-negative whole number that fits in 2^53 (what JSON numbers hold exactly).
    pub fn as_whole(&self) -> Option<u64> {
        match self {
            Value::Number(n)
                if *n >= 0.0 && *n <= 9_007_199_254_740_991.0 && (*n as u64) as f64 == *n =>
            {
                Some(*n as u64)
            }
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor { depth: 0 })
    }
}

struct ValueVisitor {
    depth: usize,
}

/// Lets nested containers carry the depth down through serde's seeds.
struct Nested(usize);

impl<'de> serde::de::DeserializeSeed<'de> for Nested {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor { depth: self.0 })
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_char<E>(self, v: char) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Number(v as f64))
    }
    // The remaining kinds are not JSON. Answering them here, with a plain
    // message, keeps serde's default (float-formatting) error text out of the wasm.
    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<Value, E> {
        Err(E::custom("binary data is not JSON"))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(serde::de::Error::custom("an enum is not JSON"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Nested(self.depth + 1))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.depth >= MAX_DEPTH {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Nested(self.depth + 1))?;
            entries.push((key, value));
        }
        Ok(Value::Object(entries))
    }
}

/// Parses JSON text natively (tests and the `check` command).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Value::deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// Appends JSON text. Keys and values are written in the order given.
#[derive(Default)]
pub struct Writer {
    out: String,
    need_comma: bool,
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn finish(self) -> String {
        self.out
    }
    fn comma(&mut self) {
        if self.need_comma {
            self.out.push(',');
        }
        self.need_comma = true;
    }
    pub fn begin_object(&mut self) {
        self.comma();
        self.out.push('{');
        self.need_comma = false;
    }
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.need_comma = true;
    }
    pub fn key(&mut self, key: &str) {
        self.comma();
        push_json_string(&mut self.out, key);
        self.out.push(':');
        self.need_comma = false;
    }
    pub fn string(&mut self, value: &str) {
        self.comma();
        push_json_string(&mut self.out, value);
    }
    pub fn whole(&mut self, value: u64) {
        self.comma();
        push_decimal(&mut self.out, value);
    }
    pub fn boolean(&mut self, value: bool) {
        self.comma();
        self.out.push_str(if value { "true" } else { "false" });
    }
    pub fn null(&mut self) {
        self.comma();
        self.out.push_str("null");
    }
}

/// Indented JSON for people to read and edit (`biscoito import-govbr`).
pub fn to_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_pretty(out: &mut String, value: &Value, depth: usize) {
    let indent = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) => match value.as_whole() {
            Some(n) => push_decimal(out, n),
            None => out.push_str(&value_number_text(value)),
        },
        Value::String(s) => push_json_string(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(entries) if entries.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                write_pretty(out, item, depth + 1);
            }
            indent(out, depth);
            out.push(']');
        }
        Value::Object(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                indent(out, depth + 1);
                push_json_string(out, key);
                out.push_str(": ");
                write_pretty(out, item, depth + 1);
            }
            indent(out, depth);
            out.push('}');
        }
    }
}

fn value_number_text(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_finite() => n.to_string(),
        _ => "null".into(),
    }
}

pub fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(d as char);
    }
}

fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // U+2028/2029 and '<' are escaped so the text is also safe inside a <script>.
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' || c == '<' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn writer_round_trips_through_the_parser() {
        let mut w = Writer::new();
        w.begin_object();
        w.key("text");
        w.string("aspas \" barra \\ linha\n</script> \u{1} ç");
        w.key("n");
        w.whole(1_732_000_000_123);
        w.key("ok");
        w.boolean(true);
        w.key("list");
        w.begin_object();
        w.key("a");
        w.null();
        w.end_object();
        w.end_object();
        let text = w.finish();
        assert!(!text.contains("</script>"));
        let value = parse(&text).unwrap();
        assert_eq!(
            value.get("text").and_then(Value::as_str),
            Some("aspas \" barra \\ linha\n</script> \u{1} ç")
        );
        assert_eq!(
            value.get("n").and_then(Value::as_whole),
            Some(1_732_000_000_123)
        );
        assert_eq!(value.get("ok").and_then(Value::as_bool), Some(true));
        assert_eq!(
            value.get("list").and_then(|l| l.get("a")),
            Some(&Value::Null)
        );
    }

    #[test]
    fn whole_numbers_reject_fractions_negatives_and_huge_values() {
        assert_eq!(Value::Number(3.0).as_whole(), Some(3));
        assert_eq!(Value::Number(3.5).as_whole(), None);
        assert_eq!(Value::Number(-1.0).as_whole(), None);
        assert_eq!(Value::Number(1e300).as_whole(), None);
        assert_eq!(Value::Number(f64::NAN).as_whole(), None);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parse(&deep).is_err());
        let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn duplicate_keys_are_kept_for_validation() {
        let v = parse(r#"{"a":1,"a":2}"#).unwrap();
        match v {
            Value::Object(entries) => assert_eq!(entries.len(), 2),
            _ => panic!("not an object"),
        }
    }
}
