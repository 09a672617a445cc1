//! The terms a message is indexed under: every word of its sender, recipients, subject and
//! body, and, with a field's prefix, the words of its sender and subject (for `from:` and
//! `subject:`), plus [`ATTACHMENT`] when it has one.

use std::collections::BTreeSet;

use super::words::words;

/// The prefix of a sender's word (`from:ana`).
pub const FROM: &str = "from:";
/// The prefix of a subject's word (`subject:factura`).
pub const SUBJECT: &str = "subject:";
/// The term of every message with an attachment.
pub const ATTACHMENT: &str = "has:attachment";
/// How much of a body is indexed, in bytes: a long newsletter's first 64 KB.
pub const BODY_BYTES: usize = 64 * 1024;

/// What a message is searched by.
#[derive(Debug, Default, Clone)]
pub struct Searchable<'a> {
    /// The sender's name.
    pub from: &'a str,
    /// The sender's address.
    pub from_address: &'a str,
    /// The subject.
    pub subject: &'a str,
    /// Every recipient (To and Cc), as written.
    pub to: &'a str,
    /// The body as text.
    pub body: &'a str,
    /// How many attachments it has.
    pub attachments: u32,
}

/// The head of `text` of at most `bytes`, cut at a char boundary.
fn head(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The terms of a message, each once.
pub fn terms_of(message: &Searchable) -> BTreeSet<String> {
    let mut terms = BTreeSet::new();
    for field in [message.from, message.from_address] {
        for word in words(field) {
            terms.insert(format!("{FROM}{word}"));
            terms.insert(word);
        }
    }
    for word in words(message.subject) {
        terms.insert(format!("{SUBJECT}{word}"));
        terms.insert(word);
    }
    terms.extend(words(message.to));
    terms.extend(words(head(message.body, BODY_BYTES)));
    if message.attachments > 0 {
        terms.insert(ATTACHMENT.to_owned());
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_get_their_prefixes() {
        let terms = terms_of(&Searchable {
            from: "Lucía Fernández",
            from_address: "lucia@example.org",
            subject: "Camión",
            to: "Tomás <tomas@example.org>",
            body: "El niño llegó.",
            attachments: 1,
        });
        for term in [
            "from:lucia",
            "from:fernandez",
            "from:example",
            "lucia",
            "subject:camion",
            "camion",
            "tomas",
            "nino",
            "llego",
            "has:attachment",
        ] {
            assert!(terms.contains(term), "{term} in {terms:?}");
        }
        assert!(!terms.contains("subject:nino"));
        assert!(!terms.contains("from:tomas"));
    }

    #[test]
    fn a_long_body_is_cut_at_a_char() {
        let body = "ñ".repeat(BODY_BYTES);
        assert!(head(&body, BODY_BYTES).len() <= BODY_BYTES);
        let terms = terms_of(&Searchable {
            body: &body,
            ..Searchable::default()
        });
        // One overlong word: not indexed.
        assert!(terms.is_empty());
    }
}
