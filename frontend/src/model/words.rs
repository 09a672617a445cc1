//! Words as search sees them: folded to lower case without accents ("Camión" and "camion"
//! are one word, so are "Niño" and "nino"), split at anything that is not a letter or a
//! digit.
//!
//! The folding is a table of the Latin letters with marks (Latin-1 and Latin Extended-A,
//! what Spanish, Portuguese, French, German, Catalan and the other languages of our people
//! write), plus combining marks dropped. A Unicode decomposition crate would bring its
//! tables into both wasm binaries for letters nobody here searches by; other scripts are
//! lower-cased and kept as they are.

/// A word shorter than this is not indexed nor searched ("a", "y", "o").
pub const SHORTEST: usize = 2;
/// A word longer than this (in chars) is not indexed: a URL's token, base64 or a hash.
pub const LONGEST: usize = 32;

/// The base letters of U+00C0 to U+017F, in order ('\0': no letter of its own, kept).
const LATIN: &str = concat!(
    // U+00C0–U+00FF: ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß àáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿ
    "aaaaaa\x01ceeeeiiiidnooooo\0ouuuuy\x02\x03",
    "aaaaaa\x01ceeeeiiiidnooooo\0ouuuuy\x02y",
    // U+0100–U+017F: ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁł
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii\x04\x04jjkkkllllllllll",
    // ŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "nnnnnnnnnoooooo\x05\x05rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs",
);

/// What the marks in [`LATIN`] stand for: two letters each.
const PAIRS: [&str; 6] = ["", "ae", "th", "ss", "ij", "oe"];

/// Appends `c` folded (lower case, no accent) to `out`.
pub fn fold_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let code = c as u32;
    if (0x0300..=0x036f).contains(&code) {
        // A combining mark (a decomposed accent): dropped with it.
        return;
    }
    if (0xc0..=0x17f).contains(&code) {
        let base = LATIN.as_bytes()[(code - 0xc0) as usize];
        match base {
            0 => out.push(c),
            1..=5 => out.push_str(PAIRS[usize::from(base)]),
            letter => out.push(char::from(letter)),
        }
        return;
    }
    let mut one = [0u8; 4];
    out.push_str(&super::account::lower_case(c.encode_utf8(&mut one)));
}

/// `text` folded.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_into(c, &mut out);
    }
    out
}

/// Whether `c` (folded) belongs to a word.
fn in_word(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words of `text`, folded, in order, each as often as it occurs; short and overlong
/// ones are left out.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    let folded = if text.is_ascii() {
        text.to_ascii_lowercase()
    } else {
        fold(text)
    };
    let words: Vec<String> = folded
        .split(|c: char| !in_word(c))
        .filter(|w| (SHORTEST..=LONGEST).contains(&w.chars().count()))
        .map(str::to_owned)
        .collect();
    words.into_iter()
}

/// Where in `text` the words starting with one of `needles` (folded words) are: byte
/// ranges of `text`, in order, not overlapping. A needle matches the start of a word, so
/// "cam" marks the "Cam" of "Camión" and nothing in "escama".
pub fn marks(text: &str, needles: &[String]) -> Vec<std::ops::Range<usize>> {
    if needles.is_empty() {
        return Vec::new();
    }
    // Each folded char with the byte range in `text` of the char it came from.
    let mut folded: Vec<(char, usize, usize)> = Vec::with_capacity(text.len());
    let mut buffer = String::new();
    for (at, c) in text.char_indices() {
        buffer.clear();
        fold_into(c, &mut buffer);
        folded.extend(buffer.chars().map(|f| (f, at, at + c.len_utf8())));
    }
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        let starts_word = in_word(folded[i].0) && (i == 0 || !in_word(folded[i - 1].0));
        let long = starts_word
            .then(|| {
                needles
                    .iter()
                    .filter(|n| {
                        let mut chars = n.chars();
                        folded[i..]
                            .iter()
                            .map(|f| f.0)
                            .take(n.chars().count())
                            .eq(chars.by_ref())
                    })
                    .map(|n| n.chars().count())
                    .max()
            })
            .flatten();
        match long {
            Some(len) => {
                let (start, end) = (folded[i].1, folded[i + len - 1].2);
                match found.last_mut() {
                    Some(last) if last.end >= start => last.end = end.max(last.end),
                    _ => found.push(start..end),
                }
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Camión NIÑO Çà"), "camion nino ca");
        assert_eq!(fold("Straße Œuvre Æsir Łódź"), "strasse oeuvre aesir lodz");
        // A decomposed accent (n + combining tilde) folds the same as the composed one.
        assert_eq!(fold("nin\u{303}o"), fold("niño"));
        assert_eq!(fold("×÷"), "×÷");
    }

    #[test]
    fn the_table_covers_its_range() {
        assert_eq!(LATIN.len(), 0x180 - 0xc0);
        assert_eq!(fold("ÿ"), "y");
        assert_eq!(fold("ſ"), "s");
        assert_eq!(fold("Ÿ"), "y");
    }

    #[test]
    fn words_split_and_skip() {
        let got: Vec<String> = words("¿Reunión el Lunes? ana@example.org, y 2026-12-01").collect();
        assert_eq!(
            got,
            [
                "reunion", "el", "lunes", "ana", "example", "org", "2026", "12", "01"
            ]
        );
        let long = "x".repeat(LONGEST + 1);
        assert_eq!(words(&long).count(), 0);
        assert_eq!(
            words("Москва Привет").collect::<Vec<_>>(),
            ["москва", "привет"]
        );
    }

    #[test]
    fn marks_find_word_starts_in_the_original() {
        let text = "Camión a la escama, CAMIONES";
        let got: Vec<&str> = marks(text, &["cam".into()])
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, ["Cam", "CAM"]);
        let text = "El niño y la niña";
        let got: Vec<&str> = marks(text, &["nino".into(), "el".into()])
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(got, ["El", "niño"]);
        assert!(marks("nothing here", &[]).is_empty());
    }
}
