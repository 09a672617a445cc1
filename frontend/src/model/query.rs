//! What a person types in the search box, understood: words (every one must match; the
//! last one, while it is being typed, as the start of a word) and filters, in English or
//! Spanish:
//!
//! | filter | also | keeps |
//! |---|---|---|
//! | `from:ana` | `de:ana` | messages whose sender has a word starting so |
//! | `subject:factura` | `asunto:factura` | the same for the subject |
//! | `has:attachment` | `tiene:adjunto` | messages with an attachment |
//! | `is:unread` | `es:noleido` | unread messages |
//! | `is:flagged` | `es:destacado` | flagged messages |
//! | `after:2026-01-31` | `desde:2026-01-31` | messages of that day or later |
//! | `before:2026-03-01` | | messages before that day |
//! | | `hasta:2026-02-28` | messages of that day or earlier |
//!
//! Anything else with a colon is searched as words ("re:" is a subject's word).

use super::terms::{ATTACHMENT, FROM, SUBJECT};
use super::words::words;

/// A calendar day (year, month 1–12, day 1–31), in the reader's time zone.
pub type Day = (i32, u32, u32);

/// A search, parsed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Query {
    /// Index terms every result has (words, `from:` and `subject:` words, attachments).
    pub terms: Vec<String>,
    /// The last word typed, while it is being typed: a result has a term starting so.
    pub prefix: Option<String>,
    /// Only unread messages.
    pub unread: bool,
    /// Only flagged messages.
    pub flagged: bool,
    /// Only messages of this day or later.
    pub since: Option<Day>,
    /// Only messages before this day.
    pub before: Option<Day>,
    /// The words to mark in what the list shows (folded, without a field's prefix).
    pub marks: Vec<String>,
}

impl Query {
    /// Whether the query asks for nothing: the folder shows whole.
    pub fn is_empty(&self) -> bool {
        *self == Query::default()
    }

    /// Whether it needs the index (it has terms), not only the folder's own order.
    pub fn has_terms(&self) -> bool {
        !self.terms.is_empty() || self.prefix.is_some()
    }
}

/// `2026-01-31` (or `2026/1/31`) as a day.
fn day(text: &str) -> Option<Day> {
    let mut parts = text.split(['-', '/']);
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let valid = parts.next().is_none()
        && (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in(year, month)).contains(&day);
    valid.then_some((year, month, day))
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day after `day`.
pub fn next_day((year, month, day): Day) -> Day {
    match (day < days_in(year, month), month < 12) {
        (true, _) => (year, month, day + 1),
        (false, true) => (year, month + 1, 1),
        (false, false) => (year + 1, 1, 1),
    }
}

/// The later of two optional days (the stricter lower bound), and the earlier.
fn later(a: Option<Day>, b: Day) -> Option<Day> {
    Some(a.map_or(b, |a| a.max(b)))
}
fn earlier(a: Option<Day>, b: Day) -> Option<Day> {
    Some(a.map_or(b, |a| a.min(b)))
}

/// Parses what was typed.
pub fn parse(typed: &str) -> Query {
    let mut query = Query::default();
    // The word being typed is the last, unless a space ended it.
    let open = !typed.ends_with(char::is_whitespace);
    // Each word with the prefix of its index term.
    let mut words_typed: Vec<(&'static str, String)> = Vec::new();
    // Whether the last token ended in a word of its own (not a filter, not punctuation).
    let mut ends_in_word = false;
    for token in typed.split_whitespace() {
        let before = words_typed.len();
        let folded = super::words::fold(token);
        let (name, value) = folded.split_once(':').unwrap_or(("", ""));
        let field = match name {
            "from" | "de" => Some(FROM),
            "subject" | "asunto" => Some(SUBJECT),
            _ => None,
        };
        match (name, value) {
            (_, value) if field.is_some() && !value.is_empty() => {
                let field = field.unwrap_or_default();
                words_typed.extend(words(value).map(|w| (field, w)));
            }
            ("has" | "tiene", "attachment" | "adjunto") => query.terms.push(ATTACHMENT.into()),
            ("is" | "es", "unread" | "noleido") => query.unread = true,
            ("is" | "es", "flagged" | "destacado") => query.flagged = true,
            ("after" | "desde", value) if day(value).is_some() => {
                query.since = day(value).and_then(|d| later(query.since, d));
            }
            ("before", value) if day(value).is_some() => {
                query.before = day(value).and_then(|d| earlier(query.before, d));
            }
            ("hasta", value) if day(value).is_some() => {
                query.before = day(value).and_then(|d| earlier(query.before, next_day(d)));
            }
            _ => words_typed.extend(words(token).map(|w| ("", w))),
        }
        ends_in_word = words_typed.len() > before
            && words_typed
                .last()
                .is_some_and(|(_, w)| folded.ends_with(w.as_str()));
    }
    // Only a word at the very end is still being typed.
    let prefix_word = (open && ends_in_word).then(|| words_typed.pop()).flatten();
    for (field, word) in &words_typed {
        query.terms.push(format!("{field}{word}"));
        query.marks.push(word.clone());
    }
    if let Some((field, word)) = prefix_word {
        query.prefix = Some(format!("{field}{word}"));
        query.marks.push(word);
    }
    query.terms.sort();
    query.terms.dedup();
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_the_one_being_typed() {
        let q = parse("Reunión camio");
        assert_eq!(q.terms, ["reunion"]);
        assert_eq!(q.prefix.as_deref(), Some("camio"));
        assert_eq!(q.marks, ["reunion", "camio"]);
        // A space ends the word: it is whole.
        let q = parse("camión ");
        assert_eq!(q.terms, ["camion"]);
        assert_eq!(q.prefix, None);
    }

    #[test]
    fn filters_in_both_languages() {
        let q = parse("de:Lucía asunto:factura tiene:adjunto es:noleído ");
        assert_eq!(q.terms, ["from:lucia", "has:attachment", "subject:factura"]);
        assert!(q.unread && !q.flagged);
        assert_eq!(q.marks, ["lucia", "factura"]);
        let q = parse("from:ana@example.org is:flagged has:attachment");
        assert_eq!(
            q.terms,
            ["from:ana", "from:example", "from:org", "has:attachment"]
        );
        assert!(q.flagged && q.prefix.is_none());
        // A filter last: the word before it is whole.
        let q = parse("camion is:unread");
        assert_eq!(q.terms, ["camion"]);
        assert!(q.prefix.is_none() && q.unread);
    }

    #[test]
    fn a_field_word_being_typed_is_a_prefix_of_that_field() {
        let q = parse("from:luc");
        assert!(q.terms.is_empty());
        assert_eq!(q.prefix.as_deref(), Some("from:luc"));
    }

    #[test]
    fn dates_bound_the_range() {
        let q = parse("after:2026-01-31 before:2026/3/1 ");
        assert_eq!(q.since, Some((2026, 1, 31)));
        assert_eq!(q.before, Some((2026, 3, 1)));
        assert!(!q.has_terms() && !q.is_empty());
        // "hasta" keeps its own day.
        assert_eq!(parse("hasta:2024-02-29").before, Some((2024, 3, 1)));
        assert_eq!(parse("hasta:2026-12-31").before, Some((2027, 1, 1)));
        // Not a day: searched as words.
        let q = parse("after:2026-02-30 ");
        assert_eq!(q.since, None);
        assert_eq!(q.terms, ["02", "2026", "30", "after"]);
    }

    #[test]
    fn other_colons_are_words() {
        let q = parse("Re: presupuesto");
        assert_eq!(q.terms, ["re"]);
        assert_eq!(q.prefix.as_deref(), Some("presupuesto"));
        assert!(parse("   ").is_empty());
        // Too short to search.
        assert!(parse("a").is_empty());
    }
}
