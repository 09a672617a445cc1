//! mail-parser → view models. Malformed mail still shows: whatever cannot be parsed is
//! shown as raw text rather than hidden.

use mail_parser::decoders::html::{html_to_text, text_to_html};
use mail_parser::{Address, HeaderName, MessageParser, MessagePart, MimeHeaders, PartType};

use super::{charset, flowed, rfc2231, scan};
use crate::model::reading::{Attachment, Forwarded, InlineImage, Rendered, Summary};

fn first_sender(from: Option<&Address>) -> (String, String) {
    let Some(addr) = from.and_then(|a| a.first()) else {
        return (String::new(), String::new());
    };
    let address = addr.address().unwrap_or_default().to_owned();
    let name = addr
        .name()
        .filter(|n| !n.trim().is_empty())
        .map_or_else(|| address.clone(), str::to_owned);
    (name, address)
}

fn addresses(list: Option<&Address>) -> String {
    list.map(|a| {
        a.iter()
            .map(|addr| match (addr.name(), addr.address()) {
                (Some(name), Some(address)) => format!("{name} <{address}>"),
                (None, Some(address)) => address.to_owned(),
                (Some(name), None) => name.to_owned(),
                (None, None) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
    .unwrap_or_default()
}

/// A header in a charset only the browser decodes, decoded by it.
fn browser_header(message: &mail_parser::Message, name: HeaderName) -> Option<String> {
    charset::header(message.header_raw(name)?)
}

fn summary_of(message: &mail_parser::Message) -> Summary {
    let (mut from, from_address) = first_sender(message.from());
    if let Some(name) = browser_header(message, HeaderName::From)
        .as_deref()
        .and_then(charset::display_name)
    {
        from = name;
    }
    Summary {
        from,
        from_address,
        subject: browser_header(message, HeaderName::Subject)
            .unwrap_or_else(|| message.subject().unwrap_or_default().to_owned()),
        date_ms: message
            .date()
            .map_or(0.0, |d| d.to_timestamp() as f64 * 1000.0),
        attachments: message
            .attachments()
            .filter(|part| !shown_inline(message, part))
            .count() as u32,
        thread: super::facts::thread_root_of(message),
    }
}

/// Whether attachment `part` is a picture the HTML body shows by `cid:`, as
/// [`inline_image`] takes it.
fn shown_inline(message: &mail_parser::Message, part: &MessagePart) -> bool {
    let Some(id) = part.content_id().map(bare_id) else {
        return false;
    };
    !id.is_empty()
        && mime_of(part).starts_with("image/")
        && part.contents().len() <= INLINE_IMAGE_LIMIT
        && message
            .html_bodies()
            .any(|body| matches!(&body.body, PartType::Html(html) if html.contains(id)))
}

/// A name for attachment `i` (from 0) of type `mime` that names none: `attachment-1.png`,
/// its extension from the type, so a saved file opens with the right program.
fn unnamed(i: usize, mime: &str) -> String {
    let subtype = mime.split_once('/').map_or("", |(_, sub)| sub);
    let extension = match subtype.to_ascii_lowercase().as_str() {
        "jpeg" => "jpg".to_owned(),
        "plain" => "txt".to_owned(),
        "svg+xml" => "svg".to_owned(),
        sub if (1..=4).contains(&sub.len()) && sub.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            sub.to_owned()
        }
        _ => String::new(),
    };
    match extension.is_empty() {
        true => format!("attachment-{}", i + 1),
        false => format!("attachment-{}.{extension}", i + 1),
    }
}

/// A `Content-ID` without its angle brackets.
fn bare_id(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}

/// Messages above this size are summarized from their headers, their attachments counted
/// by [`scan::count_attachments`]: a full parse decodes every part only to count them.
pub const FULL_PARSE_LIMIT: usize = 1024 * 1024;

/// The list summary of a raw message.
pub fn summarize(raw: &[u8]) -> Summary {
    summarize_with(raw, |_| ()).0
}

/// What search reads of a message besides its summary: its recipients and its body as
/// text (empty for a message above [`FULL_PARSE_LIMIT`]: only its headers are read).
#[derive(Debug, Default, Clone)]
pub struct SearchText {
    /// Every To and Cc recipient.
    pub to: String,
    /// The first text body (an HTML one as text).
    pub body: String,
}

/// The list summary of a raw message and what search reads of it, from one parse.
pub fn summarize_for_search(raw: &[u8]) -> (Summary, SearchText) {
    let big = raw.len() > FULL_PARSE_LIMIT;
    let (summary, text) = summarize_with(raw, |message| {
        let mut to = addresses(message.to());
        let cc = addresses(message.cc());
        if !cc.is_empty() {
            to.push_str(", ");
            to.push_str(&cc);
        }
        let body = match big {
            true => String::new(),
            false => message
                .body_text(0)
                .map(|b| b.into_owned())
                .unwrap_or_default(),
        };
        SearchText { to, body }
    });
    (summary, text.unwrap_or_default())
}

/// The summary of `raw`, and what `also` reads of the parsed message.
fn summarize_with<R>(
    raw: &[u8],
    also: impl FnOnce(&mail_parser::Message) -> R,
) -> (Summary, Option<R>) {
    let parser = MessageParser::default();
    let big = raw.len() > FULL_PARSE_LIMIT;
    let parsed = match big {
        true => parser.parse_headers(raw),
        false => parser.parse(raw),
    };
    match parsed {
        Some(message) => {
            let mut summary = summary_of(&message);
            if big {
                summary.attachments = scan::count_attachments(raw);
            }
            (summary, Some(also(&message)))
        }
        None => (
            Summary {
                from: String::new(),
                from_address: String::new(),
                subject: String::new(),
                date_ms: 0.0,
                attachments: 0,
                thread: None,
            },
            None,
        ),
    }
}

/// A part's MIME type, e.g. `application/pdf` (`application/octet-stream` when it says
/// none).
fn mime_of(part: &MessagePart) -> String {
    part.content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_owned(),
        })
        .unwrap_or_else(|| "application/octet-stream".into())
}

/// An attachment's file name: its `filename` (or its type's `name`), with RFC 2231
/// continuations decoded as a whole ([`rfc2231::continued`]).
fn attachment_name(message: &mail_parser::Message, part: &MessagePart) -> Option<String> {
    let raw = |name: HeaderName| {
        let header = part.headers.iter().find(|h| h.name == name)?;
        let bytes = message
            .raw_message
            .get(header.offset_start as usize..header.offset_end as usize)?;
        std::str::from_utf8(bytes).ok()
    };
    raw(HeaderName::ContentDisposition)
        .and_then(|value| rfc2231::continued(value, "filename"))
        .or_else(|| {
            raw(HeaderName::ContentType).and_then(|value| rfc2231::continued(value, "name"))
        })
        .or_else(|| part.attachment_name().map(str::to_owned))
}

/// Attachment `index` of a raw message (in [`Rendered::attachments`]' order): `with` is
/// handed its MIME type and decoded contents while the parsed message holds them.
pub fn with_attachment<R>(
    raw: &[u8],
    index: usize,
    with: impl FnOnce(&str, &[u8]) -> R,
) -> Option<R> {
    let message = MessageParser::default().parse(raw)?;
    let part = message.attachment(index as u32)?;
    Some(with(&mime_of(part), part.contents()))
}

/// The boundaries of the multiparts of `message` and of the messages inside it.
fn boundaries<'a>(message: &'a mail_parser::Message, out: &mut Vec<&'a str>) {
    for part in &message.parts {
        match &part.body {
            PartType::Multipart(_) => {
                if let Some(boundary) = part.content_type().and_then(|ct| ct.attribute("boundary"))
                {
                    out.push(boundary);
                }
            }
            PartType::Message(nested) => boundaries(nested, out),
            _ => {}
        }
    }
}

/// Whether a multipart of `message` (or of a message inside it) lacks its closing
/// boundary in `raw`: the message was cut short. One pass over the lines of `raw` (a
/// boundary starts a line): a search at every byte took a quarter of a second for a
/// 50 MB message.
fn cut_short(message: &mail_parser::Message, raw: &[u8]) -> bool {
    let mut open = Vec::new();
    boundaries(message, &mut open);
    for line in raw.split(|&b| b == b'\n') {
        if open.is_empty() {
            return false;
        }
        if let Some(rest) = line.strip_prefix(b"--") {
            open.retain(|boundary| {
                let closes = rest
                    .strip_prefix(boundary.as_bytes())
                    .is_some_and(|after| after.starts_with(b"--"));
                !closes
            });
        }
    }
    !open.is_empty()
}

/// Whether a part of `message` (or of a message inside it) could not be decoded.
fn undecodable(message: &mail_parser::Message) -> bool {
    message.parts.iter().any(|part| {
        part.is_encoding_problem
            || matches!(&part.body, PartType::Message(nested) if undecodable(nested))
    })
}

/// The readable form of a raw message. `each_attachment` is handed each attachment's
/// decoded contents, in order, while the parsed message holds them: they are not copied
/// out first.
pub fn render(raw: &[u8], mut each_attachment: impl FnMut(&Attachment, &[u8])) -> Rendered {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Rendered {
            summary: summarize(raw),
            to: String::new(),
            text: String::from_utf8_lossy(raw).into_owned(),
            html: None,
            attachments: Vec::new(),
            inline: Vec::new(),
            forwarded: Vec::new(),
            cut_short: false,
            undecodable: !raw.is_empty(),
        };
    };
    let html = html_body(&message);
    let mut inline = Vec::new();
    let mut forwarded = Vec::new();
    let attachments = message
        .attachments()
        .enumerate()
        .map(|(i, part)| {
            let contents = part.contents();
            let mut attachment = Attachment {
                filename: attachment_name(&message, part).unwrap_or_else(|| match &part.body {
                    PartType::Message(nested) => {
                        format!("{}.eml", nested.subject().unwrap_or("message"))
                    }
                    _ => unnamed(i, &mime_of(part)),
                }),
                mime: mime_of(part),
                size: contents.len(),
                content_id: part.content_id().map(|id| bare_id(id).to_owned()),
                inline: false,
            };
            if let Some(image) = inline_image(html.as_deref(), &attachment, contents) {
                attachment.inline = true;
                inline.push(image);
            }
            if let PartType::Message(nested) = &part.body {
                forwarded.push(forwarded_of(nested));
            }
            each_attachment(&attachment, contents);
            attachment
        })
        .collect();
    Rendered {
        summary: summary_of(&message),
        to: addresses(message.to()),
        text: text_of(&message),
        html,
        attachments,
        inline,
        forwarded,
        cut_short: cut_short(&message, raw),
        undecodable: undecodable(&message),
    }
}

/// A message's text body: its text part, or its HTML made into text.
fn text_of(message: &mail_parser::Message) -> String {
    message
        .text_part(0)
        .and_then(|part| match &part.body {
            PartType::Html(_) => body_text(message, part).map(|h| html_to_text(&h)),
            _ => body_text(message, part),
        })
        .unwrap_or_default()
}

/// A message forwarded inside another, as the reader sees it nested.
fn forwarded_of(nested: &mail_parser::Message) -> Forwarded {
    Forwarded {
        summary: summary_of(nested),
        to: addresses(nested.to()),
        text: text_of(nested),
        attachments: nested
            .attachments()
            .map(|part| part.attachment_name().unwrap_or("attachment").to_owned())
            .collect(),
    }
}

/// Inline images above this size are left out of the HTML view (still offered as
/// attachments): the frame takes them as `data:` URLs, a third larger than the image.
const INLINE_IMAGE_LIMIT: usize = 8 * 1024 * 1024;

/// `attachment` as an image the HTML body shows by `cid:`, when it is one.
fn inline_image(
    html: Option<&str>,
    attachment: &Attachment,
    contents: &[u8],
) -> Option<InlineImage> {
    use base64::Engine;
    let id = attachment.content_id.as_deref()?;
    let html = html?;
    let shown = !id.is_empty() && html.contains(id);
    (shown && attachment.mime.starts_with("image/") && contents.len() <= INLINE_IMAGE_LIMIT).then(
        || InlineImage {
            content_id: id.to_owned(),
            data_url: format!(
                "data:{};base64,{}",
                attachment.mime,
                base64::engine::general_purpose::STANDARD.encode(contents)
            ),
        },
    )
}

/// The message's HTML body, when it has an HTML part: every inline body part in order,
/// plain-text parts among them turned into HTML (escaped), as a mail client shows a
/// multipart/mixed of text and HTML parts.
fn html_body(message: &mail_parser::Message) -> Option<String> {
    let has_html = message
        .html_bodies()
        .any(|part| matches!(part.body, PartType::Html(_)));
    has_html.then(|| {
        message
            .html_bodies()
            .filter_map(|part| match &part.body {
                PartType::Html(_) => body_text(message, part),
                _ => body_text(message, part).map(|t| text_to_html(&t)),
            })
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// For a `format=flowed` part, whether its `DelSp` is `yes`; `None` for any other part.
fn flowed_delsp(part: &MessagePart) -> Option<bool> {
    let content_type = part.content_type()?;
    let flowed = content_type
        .attribute("format")
        .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
    flowed.then(|| {
        content_type
            .attribute("delsp")
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"))
    })
}

/// A text or HTML part's text: mail-parser's, or ours for a charset decoded here;
/// `format=flowed` text with its soft line breaks joined.
fn body_text(message: &mail_parser::Message, part: &MessagePart) -> Option<String> {
    match &part.body {
        PartType::Text(text) => {
            let text = charset::part_text(message, part).unwrap_or_else(|| text.to_string());
            Some(match flowed_delsp(part) {
                Some(delsp) => flowed::unflow(&text, delsp),
                None => text,
            })
        }
        PartType::Html(text) => {
            Some(charset::part_text(message, part).unwrap_or_else(|| text.to_string()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENCODED: &[u8] = b"From: =?UTF-8?Q?Luc=C3=ADa?= <lucia@example.org>\r\n\
Subject: =?UTF-8?B?wr9RdWVkYW1vcyBlbCBzw6FiYWRvPw==?=\r\n\
Date: Fri, 20 Nov 2026 21:17:09 +0100\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Hola.\r\n\
--b\r\n\
Content-Type: application/pdf; name=\"acta.pdf\"\r\n\
Content-Disposition: attachment; filename=\"acta.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0=\r\n\
--b--\r\n";

    #[test]
    fn encoded_headers_are_decoded() {
        let s = summarize(ENCODED);
        assert_eq!(s.subject, "¿Quedamos el sábado?");
        assert_eq!(s.from, "Lucía");
        assert_eq!(s.from_address, "lucia@example.org");
        assert_eq!(s.date_ms, 1_795_205_829_000.0);
        assert_eq!(s.attachments, 1);
    }

    #[test]
    fn attachments_are_decoded_with_their_names() {
        let mut contents = Vec::new();
        let r = render(ENCODED, |_, bytes| contents.push(bytes.to_vec()));
        assert_eq!(r.text.trim(), "Hola.");
        assert_eq!(r.attachments.len(), 1);
        assert_eq!(r.attachments[0].filename, "acta.pdf");
        assert_eq!(r.attachments[0].mime, "application/pdf");
        assert_eq!(r.attachments[0].size, 5);
        assert_eq!(contents, vec![b"%PDF-".to_vec()]);
    }

    const RELATED: &[u8] = b"From: news@example.org\r\n\
Subject: Novedades\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"a\"\r\n\
\r\n\
--a\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
A\xc3\xb1o nuevo\r\n\
--a\r\n\
Content-Type: multipart/related; boundary=\"r\"\r\n\
\r\n\
--r\r\n\
Content-Type: text/html; charset=UTF-8\r\n\
\r\n\
<p>A&ntilde;o <img src=\"cid:logo@x\"></p>\r\n\
--r\r\n\
Content-Type: image/png\r\n\
Content-ID: <logo@x>\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
iVBORw0K\r\n\
--r--\r\n\
--a--\r\n";

    #[test]
    fn an_html_body_travels_raw_with_its_inline_images_ids() {
        let r = render(RELATED, |_, _| {});
        assert_eq!(r.text.trim(), "A\u{f1}o nuevo");
        let html = r.html.expect("the HTML part");
        assert!(html.contains("<img src=\"cid:logo@x\">"), "{html}");
        assert!(
            html.contains("A&ntilde;o"),
            "the page's parser decodes entities: {html}"
        );
        let logo = r.attachments.iter().find(|a| a.mime == "image/png");
        assert_eq!(logo.and_then(|a| a.content_id.as_deref()), Some("logo@x"));
        assert_eq!(r.inline.len(), 1);
        assert!(
            logo.is_some_and(|a| a.inline),
            "shown in the body, not listed"
        );
        assert_eq!(
            logo.map(|a| a.filename.as_str()),
            Some("attachment-1.png"),
            "a nameless picture is named for its type"
        );
        assert_eq!(summarize(RELATED).attachments, 0, "no paperclip for a logo");
        assert_eq!(r.inline[0].content_id, "logo@x");
        assert_eq!(r.inline[0].data_url, "data:image/png;base64,iVBORw0K");
    }

    #[test]
    fn flowed_text_is_joined_and_delsp_keeps_a_long_word_whole() {
        let raw = b"From: a@x\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\nUna palabra larguisima: anticonstitucional \r\nmente dicho.\r\n";
        let r = render(raw, |_, _| {});
        assert_eq!(
            r.text.trim_end(),
            "Una palabra larguisima: anticonstitucionalmente dicho."
        );
    }

    #[test]
    fn a_forwarded_message_is_shown_nested_with_its_attachments() {
        let raw = b"From: ana@x\r\nSubject: Fwd: acta\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"f\"\r\n\r\n--f\r\nContent-Type: text/plain\r\n\r\nMira esto.\r\n--f\r\nContent-Type: message/rfc822\r\n\r\nFrom: Luc\xc3\xada <lucia@example.org>\r\nTo: ana@x\r\nSubject: Acta\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"i\"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\nEl acta va adjunta.\r\n--i\r\nContent-Type: application/pdf; name=\"acta.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--i--\r\n--f--\r\n";
        let r = render(raw, |_, _| {});
        assert_eq!(r.text.trim(), "Mira esto.");
        assert_eq!(r.forwarded.len(), 1);
        let f = &r.forwarded[0];
        assert_eq!(
            (f.summary.from.as_str(), f.summary.subject.as_str()),
            ("Luc\u{ed}a", "Acta")
        );
        assert_eq!(f.text.trim(), "El acta va adjunta.");
        assert_eq!(f.attachments, ["acta.pdf"]);
        assert_eq!(r.attachments[0].filename, "Acta.eml");
    }

    #[test]
    fn rfc2231_filenames_in_latin1_keep_their_letters_across_continuations() {
        let raw = b"From: a@x\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nadjuntos\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-8859-1''a%F1o.pdf\r\n\r\nx\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=iso-8859-1''Acta%20de%20la%20reuni%F3n;\r\n filename*1*=%20de%20oto%F1o.pdf\r\n\r\ny\r\n--b--\r\n";
        let names: Vec<String> = render(raw, |_, _| {})
            .attachments
            .into_iter()
            .map(|a| a.filename)
            .collect();
        assert_eq!(
            names,
            ["a\u{f1}o.pdf", "Acta de la reuni\u{f3}n de oto\u{f1}o.pdf"]
        );
    }

    #[test]
    fn one_attachment_is_decoded_on_its_own() {
        let pdf = with_attachment(ENCODED, 0, |mime, bytes| (mime.to_owned(), bytes.to_vec()));
        assert_eq!(pdf, Some(("application/pdf".into(), b"%PDF-".to_vec())));
        assert_eq!(with_attachment(ENCODED, 1, |_, _| ()), None);
    }

    #[test]
    fn a_message_cut_before_its_closing_boundary_says_so() {
        let whole = render(ENCODED, |_, _| {});
        assert!(!whole.cut_short && !whole.undecodable);
        let cut = &ENCODED[..ENCODED.len() - 30];
        let r = render(cut, |_, _| {});
        assert!(r.cut_short, "the closing boundary is gone");
        assert_eq!(r.text.trim(), "Hola.", "what is there still shows");
    }

    #[test]
    fn a_cut_inside_a_forwarded_message_says_so() {
        let raw = b"From: a@x\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n--o\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@x\r\nSubject: in\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"i\"\r\n\r\n--i\r\nContent-Type: text/plain\r\n\r\ndentro\r\n--o--\r\n";
        assert!(render(raw, |_, _| {}).cut_short);
    }

    #[test]
    fn a_broken_base64_part_is_shown_as_it_came_with_a_note() {
        let raw = b"From: a@x\r\nSubject: roto\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\xff\xfe!!*** no es base64 ***\r\n";
        let r = render(raw, |_, _| {});
        assert!(r.undecodable, "{r:?}");
        assert!(r.text.contains("no es base64"), "{:?}", r.text);
    }

    #[test]
    fn plain_text_mail_has_no_html_body() {
        assert_eq!(render(ENCODED, |_, _| {}).html, None);
    }

    #[test]
    fn a_sender_without_a_name_shows_the_address() {
        let s = summarize(b"From: bare@example.org\r\nSubject: x\r\n\r\nbody\r\n");
        assert_eq!(s.from, "bare@example.org");
    }

    #[test]
    fn text_without_headers_is_still_shown() {
        let r = render(b"no headers here, just a note\r\n", |_, _| {});
        assert!(r.text.contains("just a note"), "{:?}", r.text);
    }

    #[test]
    fn binary_garbage_renders_without_panicking() {
        let garbage: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
        let mut handed = 0;
        let r = render(&garbage, |_, _| handed += 1);
        assert!(r.attachments.len() <= 1);
        assert_eq!(handed, r.attachments.len());
        assert_eq!(summarize(b"").subject, "");
    }
}
