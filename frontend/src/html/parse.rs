//! The browser parses the untrusted HTML into a document that runs nothing and loads
//! nothing: one with no browsing context. Where the browser has the HTML Sanitizer API,
//! its safe `Document.parseHTML` also drops what it knows as unsafe (scripts, event
//! handlers, `javascript:` URLs) with our removals on top; the allowlist walk runs in
//! both cases.

use js_sys::{Function, JSON, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Document, DomParser, SupportedType};

#[wasm_bindgen]
extern "C" {
    /// `Document.parseHTML(html, options)` (the Sanitizer API's safe parser).
    #[wasm_bindgen(js_namespace = Document, js_name = parseHTML, catch)]
    fn parse_html_safe(html: &str, options: &JsValue) -> Result<Document, JsValue>;
}

/// What the Sanitizer API removes on top of its own unsafe list: elements that embed,
/// fetch or submit, and foreign content (SVG and MathML, the home of mXSS and of
/// Roundcube's `animate`/`feImage` bypasses). Forms keep their text, and so does
/// `<marquee>`: Chromium 156 crashes the tab when the walk moves a `<marquee>` of a
/// `parseHTML` document (seen here with one message), so the sanitizer takes it out first.
const SANITIZER_OPTIONS: &str = r#"{"sanitizer":{"removeElements":["script","noscript","template","iframe","frame","frameset","object","embed","applet","link","meta","base","title","audio","video","source","track","picture","canvas","input","button","select","textarea","option","dialog","portal","slot",{"name":"svg","namespace":"http://www.w3.org/2000/svg"},{"name":"math","namespace":"http://www.w3.org/1998/Math/MathML"}],"replaceWithChildrenElements":["form","label","fieldset","legend","marquee","blink"],"comments":false}}"#;

/// Whether this browser has the Sanitizer API's `Document.parseHTML`.
pub fn has_sanitizer_api() -> bool {
    Reflect::get(&js_sys::global(), &"Document".into())
        .and_then(|document| Reflect::get(&document, &"parseHTML".into()))
        .is_ok_and(|f| f.is_instance_of::<Function>())
}

/// `html` parsed into an inert document; `None` when the browser cannot parse it.
pub fn inert(html: &str) -> Option<Document> {
    if has_sanitizer_api()
        && let Ok(options) = JSON::parse(SANITIZER_OPTIONS)
        && let Ok(document) = parse_html_safe(html, &options)
    {
        return Some(document);
    }
    DomParser::new()
        .ok()?
        .parse_from_string(html, SupportedType::TextHtml)
        .ok()
}
