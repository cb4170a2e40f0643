//! Biscoito: a cookie-consent banner for LGPD sites.
//!
//! [`engine`] is pure Rust and decides everything; `browser` (wasm only)
//! renders it and applies it to the page.

pub mod engine;

// The native `biscoito scan` command; never part of the wasm build.
#[cfg(not(target_arch = "wasm32"))]
pub mod scan;

// The native `biscoito receipts` service and its commands; never in the wasm build.
#[cfg(not(target_arch = "wasm32"))]
pub mod receipts;

// `biscoito csp`: the web server's side of the consent-following policy.
#[cfg(not(target_arch = "wasm32"))]
pub mod csp_servers;

// The frame of the native command's HTML pages.
#[cfg(not(target_arch = "wasm32"))]
pub mod html_page;

// `biscoito declaration --format html`: the cookie declaration as a page.
#[cfg(not(target_arch = "wasm32"))]
pub mod declaration_page;

// Terminal output of the native commands, made safe to print.
#[cfg(not(target_arch = "wasm32"))]
pub mod terminal;

#[cfg(target_arch = "wasm32")]
mod browser;

// dlmalloc costs 3 KB gzipped; Biscoito allocates little, on one thread, and
// the end-to-end suite checks that its memory stays flat under churn.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
