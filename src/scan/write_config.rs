//! `--write-config`: the config with what the scan saw but no category
//! declares placed where the catalogue says such a tracker belongs, when the
//! config has that category; everything else goes under `unresolved` for
//! the maintainer. The result is validated by the same reader as the banner
//! before anything is written.

use super::artifacts::host_of;
use super::audit::{Finding, FindingType, Kind};
use crate::engine::config::{self, Config};
use crate::engine::json;
use serde_json::{json, Map, Value};

/// What was added where, for the command's output.
pub struct Placed {
    pub added: Vec<String>,
    pub unresolved: Vec<String>,
}

pub fn write_config(
    original: &str,
    config: &Config,
    findings: &[Finding],
) -> Result<(String, Placed), String> {
    let mut root: Value =
        serde_json::from_str(original).map_err(|e| format!("the config is not valid JSON: {e}"))?;
    let Some(object) = root.as_object_mut() else {
        return Err("the config is not a JSON object".into());
    };
    if !object.contains_key("categories") {
        // The built-in categories, written out so that they can grow.
        let categories: Vec<Value> = config
            .categories
            .iter()
            .map(|c| {
                let mut category = Map::new();
                category.insert("id".into(), json!(c.id));
                if c.required {
                    category.insert("required".into(), json!(true));
                }
                let cookies: Vec<Value> = c
                    .cookies
                    .iter()
                    .map(|k| json!({"name": k.name, "provider": k.provider}))
                    .collect();
                if !cookies.is_empty() {
                    category.insert("cookies".into(), Value::Array(cookies));
                }
                Value::Object(category)
            })
            .collect();
        object.insert("categories".into(), Value::Array(categories));
    }
    let mut placed = Placed {
        added: Vec::new(),
        unresolved: Vec::new(),
    };
    let mut unresolved: Vec<String> = config.unresolved.clone();
    for f in findings {
        let undeclared = f.category.is_none()
            && matches!(
                f.kind_of_finding,
                FindingType::Violation | FindingType::Undeclared
            );
        if !undeclared {
            continue;
        }
        // The audit already named the tracker; its usual category decides.
        let (key, entry, label) = match f.kind {
            Kind::Cookie | Kind::Storage => {
                let name = f.name.clone().unwrap_or_default();
                let entry = match (&f.provider, &f.purpose) {
                    (Some(provider), Some([_, pt_br])) => {
                        json!({"name": name, "provider": provider, "purpose": pt_br})
                    }
                    _ => json!(name),
                };
                let label = match &f.area {
                    Some(area) => format!("{area} {name}"),
                    None => format!("cookie {name}"),
                };
                ("cookies", entry, label)
            }
            Kind::Request | Kind::Script => {
                let Some(host) = f.url.as_deref().and_then(host_of) else {
                    continue;
                };
                ("hosts", json!(host), format!("host {host}"))
            }
            Kind::Page | Kind::Banner => continue,
        };
        let usual = f.usual_category.as_deref();
        let target = usual.and_then(|id| {
            object["categories"]
                .as_array_mut()?
                .iter_mut()
                .find(|c| c["id"] == json!(id))
        });
        match target {
            Some(category) => {
                let list = category
                    .as_object_mut()
                    .expect("categories are objects in a valid config")
                    .entry(key)
                    .or_insert_with(|| json!([]));
                if let Some(items) = list.as_array_mut() {
                    let name_of = |v: &Value| v.get("name").unwrap_or(v).clone();
                    if !items.iter().any(|v| name_of(v) == name_of(&entry)) {
                        items.push(entry);
                        placed
                            .added
                            .push(format!("{label} → {}", usual.unwrap_or("")));
                    }
                }
            }
            None => {
                let line = format!("{label} (seen on {})", f.page);
                if !unresolved
                    .iter()
                    .any(|u| u.starts_with(&format!("{label} (")))
                {
                    unresolved.push(line.clone());
                    placed.unresolved.push(line);
                }
            }
        }
    }
    if !unresolved.is_empty() {
        object.insert("unresolved".into(), json!(unresolved));
    }
    let text = serde_json::to_string_pretty(&root).expect("a JSON value serialises") + "\n";
    let value = json::parse(&text).map_err(|e| format!("internal: {e}"))?;
    if let Err(problems) = config::from_value(&value) {
        let lines: Vec<String> = problems.iter().map(|p| p.line()).collect();
        return Err(format!(
            "the new config would not pass biscoito check, so it was not written:\n  {}",
            lines.join("\n  ")
        ));
    }
    Ok((text, placed))
}
