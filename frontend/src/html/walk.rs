//! The allowlist walk over a parsed message: what is not known to be layout goes.
//!
//! - Elements: layout and text elements stay; `<style>` stays with its sheet cleaned;
//!   elements that run, embed, fetch or submit go with their content, as does anything
//!   outside the HTML namespace (SVG, MathML); any other element (Word's `<o:p>`, a
//!   typo) is replaced by its children, so no text is lost.
//! - Attributes: a short list of presentational ones; `style` cleaned; URLs only where
//!   [`urls`] allows them. Everything else (event handlers first of all) goes.
//! - Comments and processing instructions go.
//!
//! The walk keeps its own stack, so a message nested thousands of levels deep (mail
//! pasted from Word nests past 255) is walked whole, not cut short.

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node};

use super::{Policy, css, urls};

const XHTML: &str = "http://www.w3.org/1999/xhtml";

/// Elements kept, with the allowed attributes.
const KEEP: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "article",
    "aside",
    "b",
    "bdi",
    "bdo",
    "big",
    "blockquote",
    "body",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "font",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "main",
    "mark",
    "nav",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed with everything in them: they run, embed, fetch, submit or hold
/// content that is not the message's text.
const DROP: &[&str] = &[
    "script",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "link",
    "meta",
    "base",
    "title",
    "audio",
    "video",
    "source",
    "track",
    "canvas",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "optgroup",
    "datalist",
    "output",
    "dialog",
    "portal",
    "slot",
    "map",
    "area",
    "param",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
];

/// Attributes kept on any kept element, as they are.
const PRESENTATION: &[&str] = &[
    "align",
    "alt",
    "bgcolor",
    "border",
    "cellpadding",
    "cellspacing",
    "class",
    "color",
    "cols",
    "colspan",
    "dir",
    "face",
    "frame",
    "headers",
    "height",
    "hspace",
    "lang",
    "nowrap",
    "reversed",
    "rows",
    "rowspan",
    "rules",
    "scope",
    "size",
    "span",
    "start",
    "summary",
    "title",
    "type",
    "valign",
    "vspace",
    "width",
    "open",
    "datetime",
    "abbr",
];

enum Verdict {
    Keep,
    Unwrap,
    Drop,
}

fn verdict(element: &Element) -> Verdict {
    if element.namespace_uri().as_deref() != Some(XHTML) {
        return Verdict::Drop;
    }
    let name = element.local_name();
    match name.as_str() {
        n if KEEP.contains(&n) => Verdict::Keep,
        n if DROP.contains(&n) => Verdict::Drop,
        _ => Verdict::Unwrap,
    }
}

fn children(node: &Node) -> Vec<Node> {
    let list = node.child_nodes();
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Cleans `document` in place under `policy`; answers the remote loads it took out.
pub fn clean(document: &Document, policy: &Policy) -> u32 {
    let mut remote = 0;
    let mut work = children(document);
    while let Some(node) = work.pop() {
        match node.node_type() {
            Node::TEXT_NODE => {}
            Node::ELEMENT_NODE => {
                let element: Element = node.unchecked_into();
                match verdict(&element) {
                    Verdict::Keep => {
                        remote += clean_attributes(&element, policy);
                        match element.local_name().as_str() {
                            "style" => {
                                let sheet = element.text_content().unwrap_or_default();
                                let (sheet, n) = css::clean_sheet(&sheet, policy);
                                remote += n;
                                element.set_text_content(Some(&sheet));
                            }
                            name => {
                                if name == "a" {
                                    urls::link(&element, policy);
                                }
                                work.extend(children(&element));
                            }
                        }
                    }
                    Verdict::Unwrap => work.extend(unwrap(&element)),
                    Verdict::Drop => element.remove(),
                }
            }
            // The doctype stays; comments, processing instructions and CDATA go.
            Node::DOCUMENT_TYPE_NODE => {}
            _ => {
                if let Some(parent) = node.parent_node() {
                    let _ = parent.remove_child(&node);
                }
            }
        }
    }
    remote
}

/// Replaces `element` by its children; answers them, to be walked.
fn unwrap(element: &Element) -> Vec<Node> {
    let kids = children(element);
    if let Some(parent) = element.parent_node() {
        for kid in &kids {
            let _ = parent.insert_before(kid, Some(element));
        }
    }
    element.remove();
    kids
}

/// Keeps the allowed attributes of `element`; answers the remote loads found.
fn clean_attributes(element: &Element, policy: &Policy) -> u32 {
    let mut remote = 0;
    let tag = element.local_name();
    for name in element.get_attribute_names().iter() {
        let Some(name) = name.as_string() else {
            continue;
        };
        let value = element.get_attribute(&name).unwrap_or_default();
        let kept = match (tag.as_str(), name.as_str()) {
            (_, n) if PRESENTATION.contains(&n) => Some(value),
            (_, "style") => {
                let (style, n) = css::clean_declarations(&value, policy);
                remote += n;
                Some(style)
            }
            ("a", "href") => Some(value),
            ("body", "text" | "link" | "vlink" | "alink") => Some(value),
            ("img", "src") => urls::image(&value, policy, &mut remote),
            ("img", "srcset") => urls::srcset(&value, policy, &mut remote),
            ("body" | "table" | "td" | "th" | "tr", "background") => {
                urls::image(&value, policy, &mut remote)
            }
            _ => None,
        };
        match kept {
            Some(kept) => {
                let _ = element.set_attribute(&name, &kept);
            }
            None => {
                let _ = element.remove_attribute(&name);
            }
        }
    }
    remote
}
