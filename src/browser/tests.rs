//! Browser tests (wasm-pack test --headless --chrome --firefox): the storage
//! chain, the rendered interface, events and gated scripts in a real page.

use super::*;
use wasm_bindgen_test::*;
use web_sys::{CustomEvent, Element, Event};

wasm_bindgen_test_configure!(run_in_browser);

fn local() -> web_sys::Storage {
    window().unwrap().local_storage().unwrap().unwrap()
}

/// A Portuguese page, as the portals Biscoito is made for.
fn portuguese_page() {
    document()
        .unwrap()
        .document_element()
        .unwrap()
        .set_attribute("lang", "pt-BR")
        .unwrap();
}

/// Restarts Biscoito on a clean page with `config` (JSON text).
fn fresh(config_json: &str) {
    local().clear().unwrap();
    let config = js_sys::JSON::parse(config_json).unwrap();
    let problems = init(config);
    assert_eq!(
        problems.length(),
        0,
        "config problems: {:?}",
        problems.to_vec()
    );
}

fn shadow_root() -> web_sys::ShadowRoot {
    document()
        .unwrap()
        .get_element_by_id(ui::HOST_ID)
        .unwrap()
        .shadow_root()
        .unwrap()
}

fn shadow_html() -> String {
    shadow_root().inner_html()
}

#[wasm_bindgen_test]
fn default_banner_asks_in_portuguese_and_allows_nothing_optional() {
    portuguese_page();
    fresh("{}");
    let html = shadow_html();
    assert!(html.contains(">Aceitar todos</button>") && html.contains(">Rejeitar todos</button>"));
    assert!(html.contains("lang=\"pt-BR\""));
    let host = document().unwrap().get_element_by_id(ui::HOST_ID).unwrap();
    assert!(
        host.has_attribute("data-nosnippet"),
        "never a search result's snippet"
    );
    assert!(!accepted("analytics"));
    assert!(accepted("necessary"));
    assert!(consent().is_null());
    assert_eq!(storage_backend(), "localStorage");
}

#[wasm_bindgen_test]
fn accepting_stores_a_record_and_rejecting_replaces_it() {
    fresh(r#"{"language": "en"}"#);
    accept_all();
    assert!(accepted("analytics"));
    let stored = local()
        .get_item("biscoito-consent")
        .unwrap()
        .expect("record stored");
    assert!(stored.contains("\"method\":\"accept-all\""), "{stored}");
    // consent() is a plain object in the stored shape, key for key.
    let view = consent();
    assert_eq!(
        js_sys::Object::get_prototype_of(&view),
        js_sys::Object::get_prototype_of(&js_sys::Object::new())
    );
    assert_eq!(
        js_sys::JSON::stringify(&view).unwrap().as_string().unwrap(),
        stored
    );
    let id = Reflect::get(&consent(), &"id".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(id.len(), 32);
    reject_all();
    assert!(!accepted("analytics"));
    let again = Reflect::get(&consent(), &"id".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(id, again, "a later choice keeps the consent id");
    assert!(
        !shadow_html().contains(">Accept all</button>"),
        "banner gone after the choice"
    );
    assert!(
        shadow_html().contains("class=\"reopen\""),
        "a way back to the preferences stays"
    );
}

#[wasm_bindgen_test]
fn corrupt_or_foreign_storage_means_no_consent() {
    portuguese_page();
    for junk in [
        "{not json",
        "null",
        "[1,2]",
        r#"{"schema":1,"decisions":{"analytics":true}}"#,
    ] {
        local().set_item("biscoito-consent", junk).unwrap();
        init(js_sys::JSON::parse("{}").unwrap());
        assert!(!accepted("analytics"), "{junk}");
        assert!(shadow_html().contains(">Rejeitar todos</button>"), "{junk}");
    }
}

#[wasm_bindgen_test]
fn a_record_from_an_older_revision_is_set_aside() {
    fresh(r#"{"revision": 1}"#);
    accept_all();
    init(js_sys::JSON::parse(r#"{"revision": 2}"#).unwrap());
    assert!(!accepted("analytics"));
    assert!(consent().is_null());
}

/// What the page sees when the browser shows it again, from the
/// back/forward cache (`persisted`) or as a fresh load.
fn page_shown(persisted: bool) {
    let init = web_sys::PageTransitionEventInit::new();
    init.set_persisted(persisted);
    let event = web_sys::PageTransitionEvent::new_with_event_init_dict("pageshow", &init).unwrap();
    window().unwrap().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
fn a_page_restored_from_the_back_forward_cache_follows_the_stored_record() {
    portuguese_page();
    fresh("{}");
    accept_all();
    let accepted_elsewhere = local().get_item("biscoito-consent").unwrap().unwrap();
    reject_all();
    let refused_elsewhere = local().get_item("biscoito-consent").unwrap().unwrap();
    // While this page sat in the cache, another page accepted: no storage
    // event reaches a cached page, only the pageshow on its return.
    local()
        .set_item("biscoito-consent", &accepted_elsewhere)
        .unwrap();
    assert!(
        !accepted("analytics"),
        "nothing changes before the page is shown"
    );
    page_shown(true);
    assert!(accepted("analytics"), "a wider choice is followed");
    // An ordinary pageshow (a fresh load) is not a return: the boot read storage.
    local()
        .set_item("biscoito-consent", &refused_elsewhere)
        .unwrap();
    page_shown(false);
    assert!(accepted("analytics"));
    page_shown(true);
    assert!(!accepted("analytics"), "a revocation is followed");
    assert!(!shadow_html().contains(">Rejeitar todos</button>"));
    // The record was removed (a new revision's page cleared it): ask again.
    local().remove_item("biscoito-consent").unwrap();
    page_shown(true);
    assert!(consent().is_null());
    assert!(shadow_html().contains(">Rejeitar todos</button>"));
    assert!(!accepted("analytics"));
}

#[wasm_bindgen_test]
fn invalid_config_returns_its_problems_and_falls_back() {
    local().clear().unwrap();
    let problems =
        init(js_sys::JSON::parse(r#"{"expiresAfterDays": 9999, "layout": "wall"}"#).unwrap());
    let lines: Vec<String> = problems.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("biscoito config: expiresAfterDays"));
    assert_eq!(config_errors().length(), 2);
    assert!(!accepted("analytics"));
    let not_an_object = init(JsValue::from_str("analytics"));
    assert_eq!(not_an_object.length(), 1);
}

#[wasm_bindgen_test]
fn gated_inline_script_runs_once_only_after_consent() {
    let document = document().unwrap();
    let script = document.create_element("script").unwrap();
    script.set_attribute("type", "text/plain").unwrap();
    script.set_attribute("data-category", "analytics").unwrap();
    script.set_text_content(Some("window.__gatedRuns = (window.__gatedRuns || 0) + 1;"));
    document.body().unwrap().append_child(&script).unwrap();
    let runs = || {
        Reflect::get(&window().unwrap(), &"__gatedRuns".into())
            .unwrap()
            .as_f64()
    };
    fresh("{}");
    assert_eq!(runs(), None);
    reject_all();
    assert_eq!(runs(), None);
    accept_all();
    assert_eq!(runs(), Some(1.0));
    refresh();
    assert_eq!(runs(), Some(1.0), "never twice");
    script.remove();
}

#[wasm_bindgen_test]
fn consent_and_change_events_carry_the_record() {
    fresh("{}");
    let log = Array::new();
    let log_in = log.clone();
    let listener = Closure::<dyn Fn(Event)>::new(move |e: Event| {
        let detail = e.dyn_into::<CustomEvent>().unwrap().detail();
        log_in.push(&Reflect::get(&detail, &"method".into()).unwrap());
    });
    let f: &Function = listener.as_ref().unchecked_ref();
    assert!(on("consent", f.clone()));
    assert!(on("biscoito:change", f.clone()));
    assert!(!on("click", f.clone()));
    reject_all();
    accept_all();
    let methods: Vec<String> = log.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(methods, ["reject-all", "accept-all"]);
    listener.forget();
}

#[wasm_bindgen_test]
fn set_language_rerenders_in_place() {
    fresh(r#"{"language": "pt-BR"}"#);
    assert!(set_language("es"));
    assert!(shadow_html().contains(">Rechazar todas</button>"));
    assert!(shadow_html().contains("lang=\"es\""));
    assert!(!set_language("fr"));
}

#[wasm_bindgen_test]
fn preferences_dialog_saves_exactly_what_is_switched_on() {
    fresh(
        r#"{"categories": [{"id": "necessary", "required": true}, {"id": "analytics"}, {"id": "video"}]}"#,
    );
    show_preferences();
    let root = shadow_root();
    let video: web_sys::HtmlInputElement = root
        .query_selector("#bsc-switch-video")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(!video.checked(), "nothing optional is pre-ticked");
    video.set_checked(true);
    run_action("save");
    assert!(accepted("video") && !accepted("analytics"));
    let method = Reflect::get(&consent(), &"method".into())
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(method, "custom");
}

const VIDEO_SERVICES: &str = r#"{"categories": [{"id": "necessary", "required": true},
    {"id": "videos", "services": [{"id": "youtube", "title": "YouTube"}, {"id": "vimeo", "title": "Vimeo"}]}]}"#;

/// A gated inline script needing `needs` (on `attribute`) that counts its runs in `window[counter]`.
fn gated_script(attribute: &str, needs: &str, counter: &str) -> Element {
    let document = document().unwrap();
    let script = document.create_element("script").unwrap();
    script.set_attribute("type", "text/plain").unwrap();
    script.set_attribute(attribute, needs).unwrap();
    script.set_text_content(Some(&format!(
        "window.{counter} = (window.{counter} || 0) + 1;"
    )));
    document.body().unwrap().append_child(&script).unwrap();
    script
}

fn runs(counter: &str) -> Option<f64> {
    Reflect::get(&window().unwrap(), &counter.into())
        .unwrap()
        .as_f64()
}

#[wasm_bindgen_test]
fn a_service_releases_only_its_own_content_and_a_refusal_its_fallback() {
    let youtube = gated_script("data-service", "youtube", "__youtubeRuns");
    let vimeo = gated_script("data-service", "vimeo", "__vimeoRuns");
    let whole = gated_script("data-category", "videos", "__videosRuns");
    let refused = gated_script("data-category", "!videos", "__noVideosRuns");
    fresh(VIDEO_SERVICES);
    assert_eq!(
        runs("__noVideosRuns"),
        None,
        "nothing for a refusal before the visitor chose"
    );
    accept_only(["youtube"].iter().map(|s| JsValue::from_str(s)).collect());
    assert_eq!(runs("__youtubeRuns"), Some(1.0));
    assert_eq!(runs("__vimeoRuns"), None);
    assert_eq!(
        runs("__videosRuns"),
        None,
        "the whole category needs every service"
    );
    assert_eq!(
        runs("__noVideosRuns"),
        None,
        "videos are not refused: YouTube is on"
    );
    assert!(accepted("youtube") && !accepted("vimeo") && !accepted("videos"));
    let services = Reflect::get(&consent(), &"services".into()).unwrap();
    assert_eq!(
        Reflect::get(&services, &"vimeo".into()).unwrap(),
        JsValue::FALSE
    );
    for script in [youtube, vimeo, whole, refused] {
        script.remove();
    }
    let refused = gated_script("data-category", "!videos", "__noVideosRuns2");
    fresh(VIDEO_SERVICES);
    reject_all();
    assert_eq!(
        runs("__noVideosRuns2"),
        Some(1.0),
        "the cookieless fallback runs after a refusal"
    );
    refused.remove();
}

#[wasm_bindgen_test]
fn data_category_beside_data_service_waits_for_the_service_as_in_vanilla_cookieconsent() {
    // As a maintainer coming from vanilla-cookieconsent v3 writes it.
    let both = gated_script("data-category", "videos", "__bothRuns");
    both.set_attribute("data-service", "youtube").unwrap();
    let misplaced = gated_script("data-category", "necessary", "__misplacedRuns");
    misplaced.set_attribute("data-service", "vimeo").unwrap();
    fresh(VIDEO_SERVICES);
    assert!(
        misplaced.has_attribute("data-biscoito-misplaced"),
        "a service beside a category it is not in is a console error"
    );
    assert_eq!(runs("__bothRuns"), None);
    accept_only(["youtube"].iter().map(|s| JsValue::from_str(s)).collect());
    assert_eq!(runs("__bothRuns"), Some(1.0), "YouTube alone releases it");
    assert_eq!(
        runs("__misplacedRuns"),
        None,
        "Vimeo decides, not the required category"
    );
    both.remove();
    misplaced.remove();
}

#[wasm_bindgen_test]
fn a_category_switch_sets_its_services_and_a_service_makes_it_mixed() {
    fresh(VIDEO_SERVICES);
    show_preferences();
    let root = shadow_root();
    let input = |selector: &str| -> web_sys::HtmlInputElement {
        root.query_selector(selector)
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap()
    };
    let (videos, youtube, vimeo) = (
        input("#bsc-switch-videos"),
        input("#bsc-service-youtube"),
        input("#bsc-service-vimeo"),
    );
    let note = || {
        root.query_selector("#bsc-mixed-videos")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert!(
        !videos.checked() && !youtube.checked() && !vimeo.checked(),
        "nothing pre-ticked"
    );
    // A click toggles a checkbox and sends the change event a person's would.
    youtube.click();
    assert!(videos.indeterminate() && !videos.checked());
    assert!(note().contains("alguns serviços"), "{}", note());
    videos.click();
    assert!(youtube.checked() && vimeo.checked() && !videos.indeterminate());
    assert_eq!(note(), "");
    vimeo.click();
    assert!(videos.indeterminate());
    run_action("save");
    assert!(accepted("youtube") && !accepted("vimeo"));
    // Opened again, the dialog shows the same mixed state.
    show_preferences();
    assert!(input("#bsc-switch-videos").indeterminate());
    assert!(input("#bsc-service-youtube").checked());
    hide_preferences();
}

/// Runs page script, as a hostile or restrictive page would.
fn page_script(code: &str) {
    js_sys::Function::new_no_args(code)
        .call0(&JsValue::NULL)
        .unwrap();
}

const BLOCK_LOCAL_STORAGE: &str = "window.__realSetItem = Storage.prototype.setItem; \
    Storage.prototype.setItem = function () { throw new DOMException('blocked', 'SecurityError'); };";
const UNBLOCK_LOCAL_STORAGE: &str = "Storage.prototype.setItem = window.__realSetItem;";
const BLOCK_COOKIES: &str = "Object.defineProperty(document, 'cookie', \
    { configurable: true, get() { return ''; }, set(v) {} });";
const UNBLOCK_COOKIES: &str = "delete document.cookie;";

fn forget_cookie(name: &str) {
    storage::write_cookie(&(name.to_owned() + "=; Path=/; Max-Age=0"));
}

#[wasm_bindgen_test]
fn blocked_local_storage_falls_back_to_a_first_party_cookie() {
    local().clear().unwrap();
    page_script(BLOCK_LOCAL_STORAGE);
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    // Nothing is written until the visitor chooses, so the failure shows then.
    assert_eq!(storage_backend(), "localStorage");
    assert!(!accepted("analytics"));
    accept_all();
    assert_eq!(storage_backend(), "cookie");
    let stored = storage::read_cookie("biscoito-consent").expect("record in a cookie");
    assert!(stored.contains("\"method\":\"accept-all\""), "{stored}");
    // The next page view finds the choice in the cookie and does not ask again.
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    assert!(accepted("analytics"));
    assert!(!shadow_html().contains(">Accept all</button>"));
    // Once localStorage takes writes again, the cookie copy still counts until
    // a new choice replaces it, and then it is gone.
    page_script(UNBLOCK_LOCAL_STORAGE);
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    assert!(accepted("analytics"));
    reject_all();
    assert!(!accepted("analytics"));
    assert_eq!(storage_backend(), "localStorage");
    assert!(storage::read_cookie("biscoito-consent").is_none());
    let stored = local()
        .get_item("biscoito-consent")
        .unwrap()
        .expect("record in localStorage");
    assert!(stored.contains("\"method\":\"reject-all\""), "{stored}");
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    assert!(
        !accepted("analytics"),
        "the refusal, not the older acceptance"
    );
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn with_no_storage_at_all_the_choice_lives_only_as_long_as_the_page() {
    local().clear().unwrap();
    page_script(BLOCK_LOCAL_STORAGE);
    page_script(BLOCK_COOKIES);
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    accept_all();
    assert_eq!(storage_backend(), "memory");
    assert!(accepted("analytics"), "the choice holds for this page");
    assert!(!shadow_html().contains(">Accept all</button>"));
    // A new page view remembers nothing, so it asks again and allows nothing.
    init(js_sys::JSON::parse(r#"{"language": "en"}"#).unwrap());
    assert!(!accepted("analytics"));
    assert!(shadow_html().contains(">Accept all</button>"));
    page_script(UNBLOCK_COOKIES);
    page_script(UNBLOCK_LOCAL_STORAGE);
}

#[wasm_bindgen_test]
fn the_cookie_mirror_carries_a_refusal_where_local_storage_is_empty_but_not_an_acceptance() {
    let config = r#"{"language": "en", "storage": {"key": "mirror-test",
        "cookie": {"name": "consent-mirror", "path": "/", "sameSite": "Strict"}}}"#;
    fresh(config);
    accept_all();
    let mirrored = storage::read_cookie("consent-mirror").expect("mirror cookie written");
    assert!(mirrored.contains("\"analytics\":true"), "{mirrored}");
    // A sibling subdomain has its own, empty localStorage but sees the cookie,
    // which any host under the domain could have written: it asks.
    local().clear().unwrap();
    init(js_sys::JSON::parse(config).unwrap());
    assert!(!accepted("analytics"));
    assert!(shadow_html().contains(">Accept all</button>"));
    reject_all();
    let mirrored = storage::read_cookie("consent-mirror").unwrap();
    assert!(mirrored.contains("\"analytics\":false"), "{mirrored}");
    // A refusal is taken as this host's answer, under an id of its own.
    local().clear().unwrap();
    init(js_sys::JSON::parse(config).unwrap());
    assert!(
        !shadow_html().contains(">Accept all</button>"),
        "not asked again"
    );
    let here = local().get_item("mirror-test").unwrap().expect("kept here");
    assert!(here.contains("\"method\":\"reject-all\""), "{here}");
    assert_ne!(
        storage::read_cookie("consent-mirror").unwrap(),
        here,
        "the mirror is not written back"
    );
    forget_cookie("consent-mirror");
    local().clear().unwrap();
}

#[wasm_bindgen_test]
fn hostile_config_objects_are_reported_never_thrown_never_an_opt_in() {
    local().clear().unwrap();
    for code in [
        "const o = { language: 'en' }; o.self = o; return o;",
        "return { revision: 10n };",
        "return { get revision() { throw new Error('boom'); } };",
        "let deep = []; for (let i = 0; i < 100; i++) deep = [deep]; return { categories: deep };",
    ] {
        let config = js_sys::Function::new_no_args(code)
            .call0(&JsValue::NULL)
            .unwrap();
        let problems = init(config);
        assert_eq!(problems.length(), 1, "{code}");
        let line = problems.get(0).as_string().unwrap();
        assert!(line.starts_with("biscoito config: "), "{line}");
        assert!(!accepted("analytics"), "{code}");
        assert!(
            shadow_html().contains("data-action=\"reject-all\""),
            "{code}"
        );
    }
}
