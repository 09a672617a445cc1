//! A message's CSS, in `<style>` sheets and `style` attributes: escapes that spell letters
//! are decoded first (so `u\72l(` is seen as `url(`), comments go, every `url(…)` goes
//! through the image policy ([`urls::image`]), `@import` goes, and `image-set(…)` (whose
//! bare strings are URLs too) becomes `none` while remote images are blocked. The frame's
//! CSP (`default-src 'none'`) still stands behind it, so a form this misses loads
//! nothing; it only goes uncounted.

use super::{Policy, urls};

/// A `<style>` sheet, cleaned; with the remote loads taken out. A `</` that taking out
/// comments may have joined is escaped (`<\/`), so the sheet cannot end its element
/// when the frame parses it again.
pub fn clean_sheet(sheet: &str, policy: &Policy) -> (String, u32) {
    let (sheet, imports) = without_imports(&without_comments(&letters_unescaped(sheet)));
    let (sheet, n) = clean_urls(&sheet, policy);
    (escape_tag_openers(&sheet), imports + n)
}

/// A `style` attribute, cleaned; with the remote loads taken out.
pub fn clean_declarations(style: &str, policy: &Policy) -> (String, u32) {
    clean_urls(&without_comments(&letters_unescaped(style)), policy)
}

/// CSS escapes that stand for a letter, a digit, `-`, `_` or a character past ASCII
/// (`\72`, `\o`, `\e9`) written as that character: the same CSS, with no keyword hidden.
/// Escapes of anything else (a quote, a bracket, a space) stay, as they change what the
/// CSS means.
fn letters_unescaped(css: &str) -> String {
    if !css.contains('\\') {
        return css.to_owned();
    }
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let hex: String = after
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .take(6)
            .collect();
        let (decoded, used) = match hex.is_empty() {
            false => {
                let c = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                let space = after[hex.len()..].starts_with([' ', '\t', '\n']) as usize;
                (c, hex.len() + space)
            }
            true => {
                let c = after.chars().next();
                (c, c.map_or(0, char::len_utf8))
            }
        };
        // Every code point past ASCII is a name character in CSS, never syntax.
        match decoded {
            Some(c) if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '\u{80}'..) => {
                out.push(c)
            }
            _ => out.push_str(&rest[at..at + 1 + used]),
        }
        rest = &after[used..];
    }
    out.push_str(rest);
    out
}

/// The end of a function call whose argument list starts at `from` (after its `(`):
/// where its matching `)` ends, nested brackets and quoted strings skipped.
fn call_end(css: &str, from: usize) -> usize {
    let mut depth = 1;
    let mut quote = None;
    for (i, c) in css[from..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return from + i + 1;
                }
            }
            _ => {}
        }
    }
    css.len()
}

/// Every `image-set(…)` (and `-webkit-image-set(…)`) replaced by `none`, counted.
fn without_image_sets(css: &str) -> (String, u32) {
    let lower = css.to_ascii_lowercase();
    let mut out = String::with_capacity(css.len());
    let mut count = 0;
    let mut at = 0;
    while let Some(found) = find_from(&lower, "image-set(", at) {
        let mut start = found;
        if lower[..start].ends_with("-webkit-") {
            start -= "-webkit-".len();
        }
        out.push_str(&css[at..start]);
        out.push_str("none");
        at = call_end(css, found + "image-set(".len());
        count += 1;
    }
    out.push_str(&css[at..]);
    (out, count)
}

/// Where `needle` (ASCII) first starts in `hay` at or after `from`: a plain byte scan, all
/// this module needs (the standard two-way searcher would cost the page's wasm 2 KB).
pub fn find_from(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let needle = needle.as_bytes();
    hay.as_bytes()
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// `</` and `<!` written `<\/` and `<\!` (the same CSS): a sheet shown again in the frame
/// can then not close its `<style>` or open a comment.
fn escape_tag_openers(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '<' && matches!(chars.peek(), Some('/' | '!')) {
            out.push('\\');
        }
    }
    out
}

fn without_comments(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut at = 0;
    while let Some(start) = find_from(css, "/*", at) {
        out.push_str(&css[at..start]);
        at = find_from(css, "*/", start + 2).map_or(css.len(), |end| end + 2);
    }
    out.push_str(&css[at..]);
    out
}

/// Takes out every `@import` rule (up to its `;`), counting each: what it loads is a
/// sheet from elsewhere.
fn without_imports(css: &str) -> (String, u32) {
    let lower = css.to_ascii_lowercase();
    let mut out = String::with_capacity(css.len());
    let mut count = 0;
    let mut at = 0;
    while let Some(found) = lower[at..].find("@import") {
        let start = at + found;
        out.push_str(&css[at..start]);
        at = lower[start..]
            .find(';')
            .map_or(css.len(), |end| start + end + 1);
        count += 1;
    }
    out.push_str(&css[at..]);
    (out, count)
}

/// The end of a `url(` argument starting at `from`: the URL and where the `)` ends.
fn url_argument(css: &str, from: usize) -> (String, usize) {
    let rest = &css[from..];
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    let (url, used) = match trimmed.chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let body = &trimmed[1..];
            let end = body.find(quote).unwrap_or(body.len());
            (body[..end].to_owned(), 1 + (end + 1).min(body.len()))
        }
        _ => {
            let end = trimmed.find(')').unwrap_or(trimmed.len());
            (trimmed[..end].trim().to_owned(), end)
        }
    };
    let after = from + skipped + used;
    let close = css[after..].find(')').map_or(css.len(), |i| after + i + 1);
    (url, close)
}

/// Every `url(…)` through the image policy: kept, rewritten (`cid:`) or `none`.
fn clean_urls(css: &str, policy: &Policy) -> (String, u32) {
    let (css, sets) = match policy.remote_images {
        true => (css.to_owned(), 0),
        false => without_image_sets(css),
    };
    let css = css.as_str();
    let lower = css.to_ascii_lowercase();
    let mut out = String::with_capacity(css.len());
    let mut remote = 0;
    let mut at = 0;
    while let Some(start) = find_from(&lower, "url(", at) {
        out.push_str(&css[at..start]);
        let (url, end) = url_argument(css, start + 4);
        match urls::image(&url, policy, &mut remote) {
            Some(url) => {
                out.push_str("url(\"");
                out.push_str(&url.replace('"', "%22").replace('\\', "%5C"));
                out.push_str("\")");
            }
            None => out.push_str("none"),
        }
        at = end;
    }
    out.push_str(&css[at..]);
    (out, remote + sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked() -> Policy {
        Policy::default()
    }

    #[test]
    fn remote_urls_become_none_and_are_counted() {
        let (css, n) = clean_declarations(
            "background: URL( 'https://t.example/a.gif' ) no-repeat; color: red",
            &blocked(),
        );
        assert_eq!(css, "background: none no-repeat; color: red");
        assert_eq!(n, 1);
        let (css, n) = clean_sheet(
            "@import url(https://t.example/x.css); p{background:url(//t.example/b)}",
            &blocked(),
        );
        assert_eq!(css, " p{background:none}");
        assert_eq!(n, 2);
    }

    #[test]
    fn inline_images_and_data_urls_stay() {
        let mut policy = blocked();
        policy
            .inline
            .push(("logo@x".into(), "data:image/png;base64,AA".into()));
        let (css, n) = clean_declarations("background:url(cid:logo@x)", &policy);
        assert_eq!(css, "background:url(\"data:image/png;base64,AA\")");
        assert_eq!(n, 0);
    }

    #[test]
    fn comments_cannot_hide_an_import_and_image_set_is_broken() {
        let (css, n) = clean_sheet("/* x */@imp/**/ort 'a.css'; b{}", &blocked());
        assert!(!css.to_ascii_lowercase().contains("@import"), "{css}");
        assert_eq!(n, 1);
        let (css, n) = clean_declarations(
            "background-image: -webkit-image-set(url('https://t/a') 1x, 'https://t/(b)' 2x); color: red",
            &blocked(),
        );
        assert_eq!(css, "background-image: none; color: red");
        assert_eq!(n, 1);
    }

    #[test]
    fn escapes_cannot_hide_a_url_or_an_import() {
        let (css, n) = clean_declarations(
            "background:u\\72 l(https://t/a);x:\\75rl(//t/b)",
            &blocked(),
        );
        assert_eq!(css, "background:none;x:none");
        assert_eq!(n, 2);
        // An escaped quote stays escaped; a letter or a character past ASCII is written out.
        let (css, n) = clean_sheet(
            "@imp\\ort 'https://t/x.css'; q{content:\"\\201C\\\"\\e9 \"}",
            &blocked(),
        );
        assert_eq!(css, " q{content:\"\u{201C}\\\"\u{e9}\"}");
        assert_eq!(n, 1);
    }

    #[test]
    fn a_sheet_cannot_close_its_element() {
        let (css, _) = clean_sheet("a{}</*x*/style><img src=x>", &blocked());
        assert!(!css.contains("</"), "{css}");
    }

    #[test]
    fn allowed_remote_images_keep_their_url() {
        let policy = Policy {
            remote_images: true,
            ..Policy::default()
        };
        let (css, n) = clean_declarations("background:url(https://img.example/a\".png)", &policy);
        assert_eq!(css, "background:url(\"https://img.example/a%22.png\")");
        assert_eq!(n, 1, "a remote load, shown");
    }
}
