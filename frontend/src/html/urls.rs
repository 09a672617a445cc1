//! URLs in a message: which images may load, and what links become.
//!
//! - An image is shown from the message itself (`cid:`, as a `data:` URL), from a
//!   `data:image/…` URL, or, once the reader allows it, from `http(s)`. Every other
//!   remote image is taken out and counted.
//! - A link keeps only `http(s)`, `mailto:` and `tel:` targets, loses its tracking
//!   parameters (`utm_*` and the like), opens in a new tab with no opener and no referrer,
//!   shows its real target on hover, and is flagged when its text names another site.

use web_sys::{Element, Url};

use super::Policy;

/// Query parameters that only track the click (Google, Meta, Microsoft, Mailchimp,
/// HubSpot, Marketo and others); `utm_*` is matched as a prefix.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "ttclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "vero_conv",
    "rb_clickid",
    "s_cid",
    "_ga",
    "_gl",
];

/// A `data:` image of a raster type. An SVG one is left out: it cannot run scripts or
/// load anything as an image, but it can carry markup nobody needs in a message.
fn is_data_image(lower: &str) -> bool {
    lower
        .strip_prefix("data:image/")
        .is_some_and(|rest| !rest.starts_with("svg"))
}

fn is_remote(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http:") || lower.starts_with("https:") || lower.starts_with("//")
}

/// What an image URL becomes: `None` takes it out. A remote one is counted in `remote`,
/// whether it is taken out or (the policy shows remote images) kept.
pub fn image(value: &str, policy: &Policy, remote: &mut u32) -> Option<String> {
    let url = value.trim();
    let lower = url.to_ascii_lowercase();
    if let Some(id) = lower.strip_prefix("cid:") {
        let id = percent_decode(&url[url.len() - id.len()..]);
        return policy
            .inline
            .iter()
            .find(|(cid, _)| *cid == id)
            .map(|(_, url)| url.clone());
    }
    if is_data_image(&lower) {
        return Some(url.to_owned());
    }
    if is_remote(url) {
        *remote += 1;
        if policy.remote_images {
            return Some(match url.starts_with("//") {
                true => format!("https:{url}"),
                false => url.to_owned(),
            });
        }
    }
    None
}

/// A `srcset`: kept whole when every candidate may load, else taken out (one with a
/// remote candidate is counted once in `remote`, kept or not).
pub fn srcset(value: &str, policy: &Policy, remote: &mut u32) -> Option<String> {
    let mut has_remote = false;
    for candidate in value.split(',') {
        let url = candidate.split_whitespace().next().unwrap_or_default();
        let lower = url.to_ascii_lowercase();
        match () {
            _ if is_data_image(&lower) => {}
            _ if is_remote(url) => has_remote = true,
            _ if url.is_empty() => {}
            _ => return None,
        }
    }
    *remote += has_remote as u32;
    match has_remote && !policy.remote_images {
        true => None,
        false => Some(value.to_owned()),
    }
}

/// `%XX` escapes decoded (a `cid:` URL is percent-encoded, RFC 2392).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// The query without tracking parameters (`?` included, empty when none is left).
fn without_tracking(search: &str) -> String {
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| {
            let key = pair
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            !pair.is_empty() && !key.starts_with("utm_") && !TRACKING.contains(&key.as_str())
        })
        .collect();
    match kept.is_empty() {
        true => String::new(),
        false => format!("?{}", kept.join("&")),
    }
}

/// The host a link's text names, when the text looks like a web address.
fn host_in_text(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.bytes().any(|b| b.is_ascii_whitespace()) || !text.contains('.') {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let rest = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
        .unwrap_or(&lower);
    if rest.contains('@') {
        return None;
    }
    let host = Url::new(&format!("https://{rest}")).ok()?.hostname();
    let tld = host.rsplit('.').next().unwrap_or_default();
    (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())).then_some(host)
}

/// Whether two hosts are one site, as far as a reader can tell: equal, or one a
/// subdomain of the other (`www.` aside).
fn same_site(a: &str, b: &str) -> bool {
    let a = a.strip_prefix("www.").unwrap_or(a);
    let b = b.strip_prefix("www.").unwrap_or(b);
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// Rewrites link `a` (its `href` as the sender wrote it).
pub fn link(a: &Element, policy: &Policy) {
    let href = a.get_attribute("href").unwrap_or_default();
    let url = Url::new(href.trim()).ok();
    let protocol = url.as_ref().map(Url::protocol).unwrap_or_default();
    let Some(url) =
        url.filter(|_| matches!(protocol.as_str(), "http:" | "https:" | "mailto:" | "tel:"))
    else {
        let _ = a.remove_attribute("href");
        return;
    };
    if protocol.starts_with("http") {
        url.set_search(&without_tracking(&url.search()));
    }
    let target = url.href();
    let _ = a.set_attribute("href", &target);
    let _ = a.set_attribute("title", &target);
    let _ = a.set_attribute("target", "_blank");
    let _ = a.set_attribute("rel", "noopener noreferrer");
    let shown = a.text_content().unwrap_or_default();
    let real = url.hostname();
    if let Some(named) = host_in_text(&shown)
        && protocol.starts_with("http")
        && !same_site(&named, &real)
    {
        flag(a, &real, policy);
    }
}

/// Puts a visible warning after link `a`: it goes to `real`, not where its text says.
fn flag(a: &Element, real: &str, policy: &Policy) {
    let _ = a.set_attribute("class", "cartero-mismatch");
    let Some(note) = a
        .owner_document()
        .and_then(|d| d.create_element("span").ok())
    else {
        return;
    };
    let _ = note.set_attribute("class", "cartero-goes-to");
    note.set_text_content(Some(&format!(" ⚠ {} {real}", policy.goes_to)));
    if let Some(parent) = a.parent_node() {
        let _ = parent.insert_before(&note, a.next_sibling().as_ref());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_go_and_the_rest_stays() {
        assert_eq!(
            without_tracking("?id=7&utm_source=news&UTM_Medium=mail&fbclid=x&lang=es"),
            "?id=7&lang=es"
        );
        assert_eq!(without_tracking("?utm_campaign=a&_hsenc=b"), "");
        assert_eq!(without_tracking(""), "");
    }

    #[test]
    fn cid_urls_are_percent_decoded() {
        assert_eq!(percent_decode("logo%40example.org"), "logo@example.org");
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }

    #[test]
    fn remote_images_are_counted_until_allowed() {
        let mut policy = Policy::default();
        let mut remote = 0;
        assert_eq!(image("https://t.example/p.gif", &policy, &mut remote), None);
        assert_eq!(image(" //t.example/p.gif", &policy, &mut remote), None);
        assert_eq!(image("javascript:alert(1)", &policy, &mut remote), None);
        assert_eq!(
            image("data:image/png;base64,AA", &policy, &mut remote).as_deref(),
            Some("data:image/png;base64,AA")
        );
        assert_eq!(
            image("data:image/svg+xml,<svg/>", &policy, &mut remote),
            None
        );
        assert_eq!(
            srcset("a.png 1x, https://t.example/b.png 2x", &policy, &mut remote),
            None
        );
        assert_eq!(remote, 2);
        policy.remote_images = true;
        assert_eq!(
            image("//t.example/p.gif", &policy, &mut remote).as_deref(),
            Some("https://t.example/p.gif")
        );
        assert_eq!(remote, 3, "counted when shown too");
    }

    #[test]
    fn sites_are_compared_as_a_reader_would() {
        assert!(same_site("www.example.org", "example.org"));
        assert!(same_site("click.example.org", "example.org"));
        assert!(!same_site("example.org.evil.test", "example.org"));
        assert!(!same_site("mybank.example", "evil.test"));
    }
}
