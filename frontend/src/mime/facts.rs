//! What a rule's conditions look at in a raw message: sender, recipients, subject and every
//! header. Read from the headers alone.

use mail_parser::{Address, HeaderValue, Message, MessageParser};

use crate::model::rules::Facts;
use crate::model::thread;

/// The message ids of an id header (`References`, `In-Reply-To`), in header order.
fn ids<'a>(value: &'a HeaderValue) -> Vec<&'a str> {
    match value {
        HeaderValue::Text(id) => vec![id.as_ref()],
        HeaderValue::TextList(ids) => ids.iter().map(AsRef::as_ref).collect(),
        _ => Vec::new(),
    }
}

/// The root id of the conversation of a parsed `message` (`model::thread::root`).
pub fn thread_root_of(message: &Message) -> Option<String> {
    thread::root(
        ids(message.references()),
        ids(message.in_reply_to()),
        message.message_id(),
    )
}

/// The root id of the conversation of message `raw`, read from its headers alone.
pub fn thread_root(raw: &[u8]) -> Option<String> {
    MessageParser::default()
        .parse_headers(raw)
        .as_ref()
        .and_then(thread_root_of)
}

/// Every address in `address`, each as `Name <address>` (or the address alone).
fn addresses(address: Option<&Address>) -> Vec<String> {
    let Some(address) = address else {
        return Vec::new();
    };
    address
        .iter()
        .map(|a| match (a.name(), a.address()) {
            (Some(name), Some(addr)) => format!("{name} <{addr}>"),
            (None, Some(addr)) => addr.to_owned(),
            (Some(name), None) => name.to_owned(),
            (None, None) => String::new(),
        })
        .collect()
}

/// The facts of message `raw` of `account`.
pub fn facts(raw: &[u8], account: &str) -> Facts {
    let Some(message) = MessageParser::default().parse_headers(raw) else {
        return Facts {
            size: raw.len() as u64,
            account: account.to_owned(),
            ..Facts::default()
        };
    };
    let headers = message
        .headers()
        .iter()
        .map(|h| {
            let value = raw
                .get(h.offset_start as usize..h.offset_end as usize)
                .unwrap_or_default();
            let value = String::from_utf8_lossy(value);
            // Unfolded: a line break inside a header is a space.
            let value: Vec<&str> = value
                .split(['\r', '\n'])
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect();
            let value = value.join(" ");
            (h.name.as_str().to_owned(), value.trim().to_owned())
        })
        .collect();
    let mut to_cc = addresses(message.to());
    to_cc.extend(addresses(message.cc()));
    Facts {
        from: addresses(message.from()).join(", "),
        to_cc: to_cc.join(", "),
        subject: message.subject().unwrap_or_default().to_owned(),
        headers,
        size: raw.len() as u64,
        account: account.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_come_decoded_from_the_headers() {
        let raw = b"From: =?utf-8?q?Banco_Rural?= <avisos@banco.example>\r\n\
            To: ana@x.example\r\nCc: Luis <luis@x.example>\r\n\
            Subject: =?iso-8859-1?q?Extracto_de_peque=F1os?=\r\n\
            List-Id: Boletin\r\n <boletin.pueblo.example>\r\n\r\nHola\r\n";
        let f = facts(raw, "acct-1");
        assert_eq!(f.from, "Banco Rural <avisos@banco.example>");
        assert_eq!(f.to_cc, "ana@x.example, Luis <luis@x.example>");
        assert_eq!(f.subject, "Extracto de pequeños");
        let list = f
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("list-id"));
        let list = list.unwrap_or_else(|| panic!("{:?}", f.headers));
        assert_eq!(list.1, "Boletin <boletin.pueblo.example>");
        assert_eq!((f.size, f.account.as_str()), (raw.len() as u64, "acct-1"));
    }

    #[test]
    fn a_reply_names_its_conversation_by_the_first_reference() {
        let reply = b"From: a@x\r\nMessage-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\n\
            References: <a@x>\r\n <b@x>\r\nSubject: Re: s\r\n\r\nbody\r\n";
        assert_eq!(thread_root(reply).as_deref(), Some("a@x"));
        let parent_only = b"Message-ID: <c@x>\r\nIn-Reply-To: <b@x>\r\n\r\nbody\r\n";
        assert_eq!(thread_root(parent_only).as_deref(), Some("b@x"));
        let first = b"Message-ID: <a@x>\r\nSubject: s\r\n\r\nbody\r\n";
        assert_eq!(thread_root(first).as_deref(), Some("a@x"));
        assert_eq!(thread_root(b"Subject: none\r\n\r\nbody\r\n"), None);
    }
}
