//! `format=flowed` text (RFC 3676), the way most mail programs wrap long lines: a line
//! that ends in a space goes on in the next line, so a reader rewraps paragraphs to its
//! own width. With `DelSp=yes` that space was added by the wrapping and goes too, so a long
//! word wrapped in the middle comes out whole. mail-parser leaves the lines as they came.

/// The quote depth of a line (its leading `>`s) and the rest, space-stuffing undone.
fn quoted(line: &str) -> (usize, &str) {
    let depth = line.bytes().take_while(|&b| b == b'>').count();
    let rest = &line[depth..];
    (depth, rest.strip_prefix(' ').unwrap_or(rest))
}

/// `text` (a decoded `format=flowed` part) with its soft line breaks joined: paragraphs as
/// one line each, quoted lines keeping their depth as `> ` prefixes.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    // The paragraph being joined: its quote depth.
    let mut open: Option<usize> = None;
    for raw in text.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (depth, content) = quoted(line);
        if open.is_some_and(|d| d != depth) {
            // A change of quote depth ends a paragraph even after a soft break.
            out.push('\n');
            open = None;
        }
        if open.is_none() {
            for _ in 0..depth {
                out.push_str("> ");
            }
        }
        // The signature separator is a hard break, though it ends in a space.
        let soft = content.ends_with(' ') && content != "-- ";
        match (soft, delsp) {
            (true, true) => out.push_str(&content[..content.len() - 1]),
            _ => out.push_str(content),
        }
        match soft {
            true => open = Some(depth),
            false => {
                out.push('\n');
                open = None;
            }
        }
    }
    // `split` gives one line after a final line end: it added a line end of its own.
    if text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_breaks_join_and_hard_breaks_stay() {
        let text = "This is a long \r\nparagraph that \r\nwraps.\r\nNew line.\r\n";
        assert_eq!(
            unflow(text, false),
            "This is a long paragraph that wraps.\nNew line.\n"
        );
    }

    #[test]
    fn delsp_joins_a_word_split_in_two() {
        let text = "Supercalifragilistic \nexpialidocious is one word.\n";
        assert_eq!(
            unflow(text, true),
            "Supercalifragilisticexpialidocious is one word.\n"
        );
        assert_eq!(
            unflow(text, false),
            "Supercalifragilistic expialidocious is one word.\n"
        );
    }

    #[test]
    fn quotes_keep_their_depth_and_stuffing_is_undone() {
        let text = "> Quoted text \n> goes on.\n>> Deeper.\n From here.\n-- \nAna\n";
        assert_eq!(
            unflow(text, false),
            "> Quoted text goes on.\n> > Deeper.\nFrom here.\n-- \nAna\n"
        );
    }

    #[test]
    fn a_soft_break_before_another_depth_is_a_hard_one() {
        assert_eq!(unflow("> a \nb\n", false), "> a \nb\n");
    }
}
