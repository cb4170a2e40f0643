//! Biscoito: a cookie-consent banner for LGPD sites.
//!
//! [`engine`] is pure Rust and decides everything; `browser` (wasm only)
//! renders it and applies it to the page.

pub mod engine;

#[cfg(target_arch = "wasm32")]
mod browser;
