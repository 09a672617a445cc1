//! Charsets mail-parser is built without, or gets wrong. The app leaves out its
//! `full_encoding` feature (encoding_rs, about 130 KB gzip), so mail-parser turns
//! Shift_JIS, EUC-JP, ISO-2022-JP, GBK, GB18030, Big5 and EUC-KR into replacement
//! characters. Those parts and encoded words are decoded again here, from their own bytes,
//! by the browser's `TextDecoder`, which knows every one of them.
//!
//! Two more cases are decoded here: UTF-7 (which `TextDecoder` refuses, and whose
//! mail-parser decoder eats the character that ends a base64 run: "pag+APM 5" came out
//! "pagó5"), with a decoder of its own; and a header whose encoded words split one
//! character between them (mail-parser decodes each word alone, into replacement
//! characters), whose words' bytes are joined before decoding. mail-parser's decoders stay
//! for everything else (IBM850 among them).

use mail_parser::decoders::base64::base64_decode;
use mail_parser::decoders::quoted_printable::quoted_printable_decode;
use mail_parser::{Encoding, Message, MessagePart, MimeHeaders};

/// Labels (WHATWG Encoding Standard names and their aliases) of the multi-byte charsets
/// mail-parser cannot decode without `full_encoding`.
const BROWSER_DECODES: &[&str] = &[
    "shift_jis",
    "shift-jis",
    "sjis",
    "x-sjis",
    "ms_kanji",
    "csshiftjis",
    "windows-31j",
    "cp932",
    "ms932",
    "euc-jp",
    "x-euc-jp",
    "cseucpkdfmtjapanese",
    "iso-2022-jp",
    "csiso2022jp",
    "gbk",
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "gb18030",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "euc-cn",
    "csgb2312",
    "chinese",
    "big5",
    "big5-hkscs",
    "cn-big5",
    "x-x-big5",
    "csbig5",
    "euc-kr",
    "cseuckr",
    "ks_c_5601-1987",
    "ks_c_5601-1989",
    "korean",
    "windows-949",
    "cp949",
    "iso-2022-kr",
    "csiso2022kr",
];

fn label(charset: &str) -> String {
    charset.trim().trim_matches('"').to_ascii_lowercase()
}

fn is_utf7(charset: &str) -> bool {
    matches!(
        label(charset).as_str(),
        "utf-7" | "utf7" | "unicode-1-1-utf-7"
    )
}

/// Whether text in `charset` is decoded here rather than by mail-parser.
pub fn decoded_here(charset: &str) -> bool {
    BROWSER_DECODES.contains(&label(charset).as_str()) || is_utf7(charset)
}

/// `bytes` in `charset`: UTF-7 by [`utf7`], anything else by the browser (`None` outside a
/// browser, or for a label it does not know).
pub fn decode(charset: &str, bytes: &[u8]) -> Option<String> {
    match is_utf7(charset) {
        true => Some(utf7(bytes)),
        false => browser_decode(charset, bytes),
    }
}

#[cfg(target_arch = "wasm32")]
fn browser_decode(charset: &str, bytes: &[u8]) -> Option<String> {
    let decoder = web_sys::TextDecoder::new_with_label(charset.trim().trim_matches('"')).ok()?;
    decoder.decode_with_u8_array(bytes).ok()
}

/// Outside a browser (native unit tests) there is no `TextDecoder`.
#[cfg(not(target_arch = "wasm32"))]
fn browser_decode(_charset: &str, _bytes: &[u8]) -> Option<String> {
    None
}

/// UTF-7 (RFC 2152): ASCII as it is; `+…` a run of modified base64 holding UTF-16, ended
/// by any other character, which is kept (a `-` ending it is absorbed); `+-` is `+`.
pub fn utf7(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'+' {
            out.push(char::from(bytes[i]));
            i += 1;
            continue;
        }
        i += 1;
        if bytes.get(i) == Some(&b'-') {
            out.push('+');
            i += 1;
            continue;
        }
        let (mut bits, mut held, mut units) = (0u32, 0, Vec::new());
        while let Some(value) = bytes.get(i).and_then(|&b| base64_value(b)) {
            bits = (bits << 6) | u32::from(value);
            held += 6;
            if held >= 16 {
                held -= 16;
                units.push((bits >> held) as u16);
                bits &= (1 << held) - 1;
            }
            i += 1;
        }
        out.extend(char::decode_utf16(units).map(|c| c.unwrap_or('\u{FFFD}')));
        if bytes.get(i) == Some(&b'-') {
            i += 1;
        }
    }
    out
}

fn base64_value(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// A text part's text decoded again here, when its charset needs it.
pub fn part_text(message: &Message, part: &MessagePart) -> Option<String> {
    let charset = part.content_type()?.attribute("charset")?;
    if !decoded_here(charset) {
        return None;
    }
    let raw = message
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize)?;
    let bytes = match part.encoding {
        Encoding::Base64 => base64_decode(raw)?,
        Encoding::QuotedPrintable => quoted_printable_decode(raw)?,
        Encoding::None => raw.to_vec(),
    };
    decode(charset, &bytes)
}

/// One RFC 2047 encoded word: its charset and decoded bytes, and where it ends in `text`.
fn encoded_word(text: &str, start: usize) -> Option<(&str, Vec<u8>, usize)> {
    let rest = text.get(start..)?.strip_prefix("=?")?;
    let mut fields = rest.splitn(3, '?');
    let charset = fields.next()?;
    let kind = fields.next()?;
    let tail = fields.next()?;
    let end = tail.find("?=")?;
    let data = &tail.as_bytes()[..end];
    let bytes = match kind {
        "B" | "b" => base64_decode(data)?,
        "Q" | "q" => {
            let spaced: Vec<u8> = data
                .iter()
                .map(|&b| if b == b'_' { b' ' } else { b })
                .collect();
            quoted_printable_decode(&spaced)?
        }
        _ => return None,
    };
    // RFC 2231 allows a language after `*` in the charset (`ISO-2022-JP*ja`).
    let charset = charset.split('*').next().unwrap_or(charset);
    let word_end = start + 2 + (rest.len() - tail.len()) + end + 2;
    Some((charset, bytes, word_end))
}

/// A raw header value decoded here when mail-parser would get it wrong: an encoded word
/// in a charset decoded here, or two adjacent words in one charset (a character may be
/// split between them). The words' bytes are joined while the charset stays the same, and
/// the space between two words is dropped (RFC 2047 §6.2). `None` otherwise
/// (mail-parser's reading stands).
pub fn header(raw: &str) -> Option<String> {
    let mut out = String::new();
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut needed = false;
    let mut at = 0;
    let mut gap = String::new();
    let flush = |out: &mut String, pending: &mut Option<(String, Vec<u8>)>| {
        if let Some((charset, bytes)) = pending.take() {
            let text = decode(&charset, &bytes)
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
            out.push_str(&text);
        }
    };
    while at < raw.len() {
        if let Some((charset, bytes, end)) = encoded_word(raw, at) {
            needed |= decoded_here(charset);
            match &mut pending {
                Some((same, held)) if same.eq_ignore_ascii_case(charset) => {
                    needed = true;
                    held.extend(bytes)
                }
                _ => {
                    flush(&mut out, &mut pending);
                    pending = Some((charset.to_owned(), bytes));
                }
            }
            gap.clear();
            at = end;
            continue;
        }
        let c = raw[at..].chars().next().unwrap_or(' ');
        if matches!(c, '\r' | '\n') {
            // A folded line is one line (RFC 5322 §2.2.3).
            at += 1;
            continue;
        }
        if c.is_ascii_whitespace() && pending.is_some() {
            // Kept only if plain text follows, not another word.
            gap.push(c);
        } else {
            flush(&mut out, &mut pending);
            out.push_str(&gap);
            gap.clear();
            out.push(c);
        }
        at += c.len_utf8();
    }
    flush(&mut out, &mut pending);
    needed.then(|| out.trim().to_owned())
}

/// The display name in a decoded `From` value (`Name <address>`), without quotes.
pub fn display_name(from: &str) -> Option<String> {
    let name = from.split('<').next()?.trim().trim_matches('"').trim();
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_mail_parser_cannot_is_decoded_here() {
        assert!(decoded_here("ISO-2022-JP"));
        assert!(decoded_here("\"Shift_JIS\""));
        assert!(decoded_here("ks_c_5601-1987"));
        assert!(decoded_here("UTF-7"));
        assert!(!decoded_here("utf-8"));
        assert!(!decoded_here("iso-8859-1"));
        assert!(!decoded_here("koi8-r"));
    }

    #[test]
    fn utf7_keeps_what_ends_a_run() {
        assert_eq!(utf7(b"El ni+APE-o pag+APM 5 +IKw."), "El niño pagó 5 €.");
        assert_eq!(utf7(b"1 +- 1"), "1 + 1");
        assert_eq!(utf7(b"+2D3cAQ-"), "\u{1F401}");
        assert_eq!(utf7(b"+AAA"), "\0");
        assert_eq!(header("=?utf-7?Q?ni+APE-o?=").as_deref(), Some("niño"));
    }

    #[test]
    fn encoded_words_are_split_joined_and_found() {
        let (charset, bytes, end) =
            encoded_word("x =?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= y", 2).unwrap();
        assert_eq!(charset, "ISO-2022-JP");
        assert_eq!(bytes, b"\x1b$BF|K\\\x1b(B");
        assert_eq!(&"x =?ISO-2022-JP?B?GyRCRnxLXBsoQg==?= y"[end..], " y");
        let (_, bytes, _) = encoded_word("=?utf-8?q?a_b=C3=B1?=", 0).unwrap();
        assert_eq!(bytes, "a bñ".as_bytes());
        // One word in a charset mail-parser decodes: its reading stands.
        assert_eq!(header("=?utf-8?q?hola?= x"), None);
        // A character split between two words comes out whole.
        assert_eq!(
            header("=?UTF-8?B?wr9RdWVkYW1vcyBtYcM=?= =?UTF-8?B?sWFuYT8=?=").as_deref(),
            Some("¿Quedamos mañana?")
        );
    }

    #[test]
    fn a_name_comes_out_of_a_from_value() {
        assert_eq!(
            display_name("\"山田 太郎\" <taro@example.jp>").as_deref(),
            Some("山田 太郎")
        );
        assert_eq!(display_name("<taro@example.jp>"), None);
    }
}
