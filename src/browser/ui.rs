//! The shadow root that holds the banner, the preferences dialog and the
//! reopen button, isolated from the site's CSS in both directions. Styles
//! are constructed stylesheets, which a strict CSP allows (no `<style>`,
//! no `style` attributes).

use js_sys::{Array, Reflect};
use wasm_bindgen::JsCast;
use web_sys::{
    CssStyleSheet, Document, Element, HtmlElement, HtmlInputElement, ShadowRoot, ShadowRootInit,
    ShadowRootMode,
};

use crate::engine::config::{Config, Layout, Preset, Scheme, GOVBR_CSS};
use crate::engine::html;
use crate::engine::i18n::Lang;
use crate::engine::record::Record;

const STYLE: &str = include_str!("style.css");
pub const HOST_ID: &str = "biscoito";
/// Google's mark for text a result's snippet must not quote.
pub const NO_SNIPPET: &str = "data-nosnippet";
const SPACER_ID: &str = "biscoito-spacer";
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), summary, a[href], [tabindex]:not([tabindex=\"-1\"])";

pub struct Ui {
    pub root: ShadowRoot,
    /// Shared with embed placeholders, which look like the banner.
    pub sheets: Array,
    pub scheme: &'static str,
    container: Element,
    banner: Element,
    dialog: Element,
    reopen: Element,
    status: Element,
    /// An invisible copy of a bottom banner at the end of the page, so the
    /// page's last content can scroll above the banner instead of staying
    /// hidden under it (WCAG 2.4.11, focus not obscured). Being a copy, it
    /// has the banner's height at every width and zoom without measuring.
    spacer: Element,
    /// Where focus was before the dialog opened, to return it there.
    return_focus: Option<HtmlElement>,
}

fn sheet(css: &str) -> Option<CssStyleSheet> {
    let sheet = CssStyleSheet::new().ok()?;
    sheet.replace_sync(css).ok()?;
    Some(sheet)
}

/// The declaration's small default style, in a cascade layer of its own
/// so that any rule of the page's wins over it. Added once per document.
pub(super) fn adopt_declaration_style(document: &Document) {
    const MARK: &str = "data-biscoito-declaration-style";
    let Some(root) = document.document_element() else {
        return;
    };
    if root.has_attribute(MARK) {
        return;
    }
    let _ = root.set_attribute(MARK, "");
    let Some(own) = sheet("@layer biscoito{.biscoito-declaration .table-wrap{overflow-x:auto;max-width:100%}.biscoito-declaration table{border-collapse:collapse;min-width:36em}.biscoito-declaration caption{text-align:start;font-weight:600;padding:.25em 0}.biscoito-declaration th,.biscoito-declaration td{border:1px solid;padding:.3em .5em;text-align:start;vertical-align:top}.biscoito-declaration code{overflow-wrap:anywhere}}") else {
        return;
    };
    let sheets = Reflect::get(document, &"adoptedStyleSheets".into())
        .ok()
        .filter(Array::is_array)
        .map(|v| Array::from(&v));
    if let Some(sheets) = sheets {
        let all = sheets.slice(0, sheets.length());
        all.push(&own);
        let _ = Reflect::set(document, &"adoptedStyleSheets".into(), &all);
    }
}

fn slot(document: &Document, parent: &Element, class: &str) -> Option<Element> {
    let el = document.create_element("div").ok()?;
    el.set_class_name(class);
    parent.append_child(&el).ok()?;
    Some(el)
}

/// `:host` variables from the maintainer's theme. Values were validated in
/// the engine (hex colours, whole pixels, a plain font list), so they cannot
/// break out of the declaration.
fn theme_css(config: &Config) -> String {
    let mut css = String::new();
    if let Some(Preset::Govbr) = config.theme.preset {
        css.push_str(GOVBR_CSS);
    }
    // The maintainer's accent is for the light theme, where validation
    // checked it against white; the dark theme keeps its own readable accent.
    if let Some(accent) = &config.theme.accent {
        css.push_str(":host,.root[data-scheme=light]{--bsc-accent:");
        css.push_str(accent);
        css.push_str(";--bsc-on-accent:#fff}@media (prefers-color-scheme:dark){:host{--bsc-accent:#8cc4ff;--bsc-on-accent:#0b1a2a}}");
    }
    css.push_str(":host{");
    if let Some(radius) = config.theme.radius_px {
        css.push_str("--bsc-radius:");
        crate::engine::json::push_decimal(&mut css, radius);
        css.push_str("px;");
    }
    if let Some(font) = &config.theme.font {
        css.push_str("--bsc-font:");
        css.push_str(font);
        css.push(';');
    }
    css.push('}');
    css
}

impl Ui {
    /// Builds (or rebuilds) the host element as the first child of `<body>`,
    /// so the banner comes first in keyboard and reading order.
    pub fn mount(document: &Document, config: &Config) -> Option<Ui> {
        for id in [HOST_ID, SPACER_ID] {
            if let Some(old) = document.get_element_by_id(id) {
                old.remove();
            }
        }
        let body = document.body()?;
        let sheets = Array::new();
        if let Some(s) = sheet(STYLE) {
            sheets.push(&s);
        }
        if let Some(s) = sheet(&theme_css(config)) {
            sheets.push(&s);
        }
        let shadow_host = |id: &str| -> Option<(Element, ShadowRoot)> {
            let host = document.create_element("div").ok()?;
            host.set_id(id);
            // Search engines render pages too: the banner is never a snippet.
            host.set_attribute(NO_SNIPPET, "").ok()?;
            let root = host
                .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
                .ok()?;
            let _ = Reflect::set(&root, &"adoptedStyleSheets".into(), &sheets);
            Some((host, root))
        };
        let (host, root) = shadow_host(HOST_ID)?;
        let (spacer_host, spacer_root) = shadow_host(SPACER_ID)?;
        spacer_host.set_attribute("aria-hidden", "true").ok()?;
        spacer_host.set_attribute("inert", "").ok()?;
        let spacer = document.create_element("div").ok()?;
        spacer.set_class_name("root spacer");
        spacer_root.append_child(&spacer).ok()?;
        body.append_child(&spacer_host).ok()?;
        let container = document.create_element("div").ok()?;
        container.set_class_name("root");
        let scheme = match config.theme.scheme {
            Scheme::Auto => "auto",
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        };
        container.set_attribute("data-scheme", scheme).ok()?;
        root.append_child(&container).ok()?;
        let banner = slot(document, &container, "banner-slot")?;
        let dialog = slot(document, &container, "dialog-slot")?;
        let reopen = slot(document, &container, "reopen-slot")?;
        let status = document.create_element("p").ok()?;
        status.set_class_name("sr-only");
        status.set_attribute("role", "status").ok()?;
        container.append_child(&status).ok()?;
        body.prepend_with_node_1(&host).ok()?;
        Some(Ui {
            root,
            sheets,
            scheme,
            container,
            banner,
            dialog,
            reopen,
            status,
            spacer,
            return_focus: None,
        })
    }

    /// `lang` on our own root, so screen readers switch voice when the
    /// banner's language differs from the page's (WCAG 3.1.2).
    pub fn set_language(&self, lang: Lang) {
        let _ = self.container.set_attribute("lang", lang.code());
    }

    pub fn show_banner(&self, config: &Config, lang: Lang) {
        let markup = html::banner(config, lang);
        self.banner.set_inner_html(&markup);
        // A centred banner leaves room to scroll content out from under it.
        if config.layout != Layout::Center {
            self.spacer.set_inner_html(&markup);
        }
    }

    pub fn hide_banner(&self) {
        self.banner.set_inner_html("");
        self.spacer.set_inner_html("");
    }

    /// How far the page must scroll for `element` to show above the banner,
    /// when the banner covers it.
    pub fn covering(&self, element: &Element) -> Option<f64> {
        let banner = self.banner.first_element_child()?;
        let b = banner.get_bounding_client_rect();
        let e = element.get_bounding_client_rect();
        let overlaps = e.bottom() > b.top()
            && e.top() < b.bottom()
            && e.right() > b.left()
            && e.left() < b.right();
        // A little margin so the focus ring shows too.
        overlaps.then(|| e.bottom() - b.top() + 8.0)
    }

    pub fn banner_visible(&self) -> bool {
        self.banner.child_element_count() > 0
    }

    pub fn dialog_open(&self) -> bool {
        self.dialog.child_element_count() > 0
    }

    pub fn set_reopen(&self, config: &Config, lang: Lang, visible: bool) {
        if visible && config.floating_button {
            self.reopen
                .set_inner_html(&html::reopen_button(config, lang));
        } else {
            self.reopen.set_inner_html("");
        }
    }

    fn focused(&self, document: &Document) -> Option<HtmlElement> {
        let active = self
            .root
            .active_element()
            .or_else(|| document.active_element())?;
        active.dyn_into().ok()
    }

    pub fn open_dialog(
        &mut self,
        document: &Document,
        config: &Config,
        lang: Lang,
        record: Option<&Record>,
    ) {
        if !self.dialog_open() {
            self.return_focus = self.focused(document);
        }
        self.dialog
            .set_inner_html(&html::preferences(config, lang, record));
        for category in self.all("input[data-mixed]") {
            category.set_indeterminate(true);
        }
        if let Some(title) = self.query("#bsc-dialog-title") {
            let _ = title.focus();
        }
    }

    /// Closes the dialog and gives focus back to whatever opened it, if it is still there.
    pub fn close_dialog(&mut self) {
        self.dialog.set_inner_html("");
        if let Some(el) = self.return_focus.take() {
            if el.is_connected() {
                let _ = el.focus();
                return;
            }
        }
        self.focus_reopen();
    }

    pub fn focus_reopen(&self) {
        if let Some(button) = self.query(".reopen") {
            let _ = button.focus();
        }
    }

    pub fn query(&self, selector: &str) -> Option<HtmlElement> {
        self.root
            .query_selector(selector)
            .ok()
            .flatten()?
            .dyn_into()
            .ok()
    }

    fn all(&self, selector: &str) -> Vec<HtmlInputElement> {
        let Ok(list) = self.root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into().ok())
            .collect()
    }

    /// The optional categories and services switched on in the open dialog.
    pub fn switched_on(&self) -> Vec<String> {
        self.all("input.switch:checked:not([disabled])")
            .iter()
            .filter_map(|e| {
                e.get_attribute("data-category")
                    .or_else(|| e.get_attribute("data-service"))
            })
            .collect()
    }

    /// Keeps a category and its services in step after `switch` changed: the
    /// category's checkbox sets all of them; a service's switch makes its
    /// category on, off or mixed, and the mixed note says which in words.
    pub fn follow_switch(&self, switch: &Element, some_services: &str) {
        let (category, from_category) = match (
            switch.get_attribute("data-of"),
            switch.get_attribute("data-category"),
        ) {
            (Some(of), _) => (of, false),
            (None, Some(id)) => (id, true),
            _ => return,
        };
        let mut selector = String::from("input[data-of=\"");
        selector.push_str(&category);
        selector.push_str("\"]");
        let services = self.all(&selector);
        // The ids html::preferences gives a category's checkbox and its note.
        let mut box_id = String::from("#bsc-switch-");
        box_id.push_str(&category);
        let Some(category_box) = self.all(&box_id).pop() else {
            return;
        };
        if services.is_empty() {
            return;
        }
        if from_category {
            for service in &services {
                service.set_checked(category_box.checked());
            }
        }
        let on = services.iter().filter(|s| s.checked()).count();
        let mixed = on > 0 && on < services.len();
        category_box.set_checked(on == services.len());
        category_box.set_indeterminate(mixed);
        let mut note_id = String::from("#bsc-mixed-");
        note_id.push_str(&category);
        if let Some(note) = self.query(&note_id) {
            note.set_text_content(Some(if mixed { some_services } else { "" }));
        }
    }

    pub fn announce(&self, message: &str) {
        self.status.set_text_content(Some(message));
    }

    /// Keeps Tab and Shift+Tab inside the open dialog. Returns true when it moved focus.
    pub fn trap_tab(&self, backwards: bool) -> bool {
        let Ok(list) = self.dialog.query_selector_all(FOCUSABLE) else {
            return false;
        };
        let count = list.length();
        if count == 0 {
            return false;
        }
        let item = |i: u32| list.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok());
        let active: Option<Element> = self.root.active_element();
        let at = |el: &Option<HtmlElement>| {
            el.as_ref()
                .is_some_and(|el| el.is_same_node(active.as_ref().map(|a| a.as_ref())))
        };
        let first = item(0);
        let last = item(count - 1);
        let title_focused = active
            .as_ref()
            .is_some_and(|a| a.id() == "bsc-dialog-title");
        let outside = active
            .as_ref()
            .is_none_or(|a| !self.dialog.contains(Some(a)));
        let target = if backwards && (at(&first) || title_focused || outside) {
            last
        } else if !backwards && (at(&last) || outside) {
            first
        } else {
            None
        };
        match target {
            Some(el) => el.focus().is_ok(),
            None => false,
        }
    }
}
