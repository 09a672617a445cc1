//! RFC 2231 parameter continuations (`filename*0*=iso-8859-1''Acta%20de; filename*1*=oto%F1o.pdf`).
//! mail-parser decodes each segment on its own, and only the first names the charset
//! (RFC 2231 §4.1), so a later segment loses its letters, and a character split between
//! two segments breaks. Here the segments are joined as bytes first, then decoded in the
//! first one's charset.

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::decoders::hex::decode_hex;

use super::charset;

/// The parameters of a header value: `key=value` pairs split on `;` outside quotes, keys
/// lower-cased, values unquoted.
fn parameters(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    for c in value.chars().chain(std::iter::once(';')) {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                if let Some((key, value)) = current.split_once('=') {
                    out.push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
                current.clear();
            }
            '\r' | '\n' => {}
            c => current.push(c),
        }
    }
    out
}

/// Parameter `name` of header value `value` when it comes in numbered continuations,
/// decoded whole; `None` when it does not (mail-parser's reading then stands).
pub fn continued(value: &str, name: &str) -> Option<String> {
    let prefix = format!("{name}*");
    let mut segments: Vec<(u32, bool, String)> = parameters(value)
        .into_iter()
        .filter_map(|(key, value)| {
            let rest = key.strip_prefix(&prefix)?;
            let (number, extended) = match rest.strip_suffix('*') {
                Some(number) => (number, true),
                None => (rest, false),
            };
            Some((number.parse().ok()?, extended, value))
        })
        .collect();
    if segments.len() < 2 {
        return None;
    }
    segments.sort_by_key(|s| s.0);
    let mut charset = String::new();
    let mut bytes = Vec::new();
    for (i, (_, extended, value)) in segments.iter().enumerate() {
        let mut value = value.as_str();
        if i == 0 && *extended {
            let mut fields = value.splitn(3, '\'');
            if let (Some(set), Some(_language), Some(text)) =
                (fields.next(), fields.next(), fields.next())
            {
                charset = set.to_owned();
                value = text;
            }
        }
        match extended {
            true => bytes.extend(decode_hex(value.as_bytes()).1),
            false => bytes.extend_from_slice(value.as_bytes()),
        }
    }
    Some(decode(&charset, &bytes))
}

/// `bytes` in `charset`: mail-parser's decoders, the browser's for what they lack, UTF-8
/// when no charset is named.
fn decode(charset: &str, bytes: &[u8]) -> String {
    if let Some(decoder) = charset_decoder(charset.as_bytes()) {
        return decoder(bytes);
    }
    charset::decode(charset, bytes).unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_continuations_are_decoded_as_one() {
        let value = "attachment;\r\n filename*0*=iso-8859-1''Acta%20de%20la%20reuni%F3n;\r\n filename*1*=%20de%20oto%F1o.pdf";
        assert_eq!(
            continued(value, "filename").as_deref(),
            Some("Acta de la reuni\u{f3}n de oto\u{f1}o.pdf")
        );
    }

    #[test]
    fn a_utf8_character_split_between_segments_survives() {
        let value = "attachment; filename*0*=UTF-8''ni%C3; filename*1*=%B1o.txt";
        assert_eq!(
            continued(value, "filename").as_deref(),
            Some("ni\u{f1}o.txt")
        );
    }

    #[test]
    fn plain_continuations_join_and_order_by_number() {
        let value = "attachment; filename*1=\"parte.txt\"; filename*0=\"una;\"";
        assert_eq!(
            continued(value, "filename").as_deref(),
            Some("una;parte.txt")
        );
    }

    #[test]
    fn a_single_parameter_is_left_to_mail_parser() {
        assert_eq!(
            continued("attachment; filename*=utf-8''a.txt", "filename"),
            None
        );
        assert_eq!(
            continued("attachment; filename=\"a.txt\"", "filename"),
            None
        );
    }
}
