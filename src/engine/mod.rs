//! The pure core: configuration, consent record, policy rules, texts and
//! markup. Nothing here touches the DOM, so all of it is tested natively.

pub mod config;
pub mod csp;
pub mod declaration;
pub mod govbr;
pub mod guard;
pub mod html;
pub mod i18n;
pub mod json;
pub mod lint;
pub mod policy;
pub mod record;
pub mod schema;
