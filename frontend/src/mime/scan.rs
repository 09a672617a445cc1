//! Counting a message's attachments without decoding it: for big messages, whose full
//! parse would decode every part (a 50 MB attachment, 37 MB more in memory) only to count
//! them. Only part headers are read; bodies are skipped line by line.

/// Whether a part's headers (lower-cased, unfolded enough for a search) make it an
/// attachment: a disposition of `attachment`, or a file name.
fn is_attachment(headers: &str) -> bool {
    headers.contains("content-disposition: attachment")
        || headers.contains("content-disposition:attachment")
        || headers.contains("filename=")
        || headers.contains("filename*=")
        || [";name=", " name=", "\tname=", ";name*=", " name*="]
            .iter()
            .any(|p| headers.contains(p))
}

/// The `boundary` parameter of a `Content-Type` in `headers` (lower-cased; boundaries
/// are compared without case, which RFC 2046 allows nobody to rely on, so none clash).
fn boundary(headers: &str) -> Option<String> {
    let at = headers.find("boundary=")? + "boundary=".len();
    let rest = &headers[at..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split([';', ' ', '\t', '\r', '\n']).next()?,
    };
    (!value.is_empty()).then(|| value.to_owned())
}

/// How many parts of `raw` are attachments, reading only part headers.
pub fn count_attachments(raw: &[u8]) -> u32 {
    let mut boundaries: Vec<String> = Vec::new();
    let mut count = 0;
    // The header block being read (the message's first), if in one.
    let mut headers = Some(String::new());
    let mut top = true;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if let Some(block) = headers.as_mut() {
            if line.is_empty() {
                let done = headers.take().unwrap_or_default();
                if let Some(b) = boundary(&done) {
                    boundaries.push(b);
                }
                // The message's own headers name an attachment only when it is one
                // whole (no parts of its own).
                let single_part = top && boundary(&done).is_none();
                if (!top || single_part) && is_attachment(&done) {
                    count += 1;
                }
                top = false;
            } else if block.len() < 16 * 1024 {
                block.push_str(&String::from_utf8_lossy(line).to_ascii_lowercase());
                block.push(' ');
            }
            continue;
        }
        let Some(marker) = line.strip_prefix(b"--") else {
            continue;
        };
        let marker = String::from_utf8_lossy(marker).to_ascii_lowercase();
        if boundaries.iter().any(|b| marker.trim_end() == b.as_str()) {
            headers = Some(String::new());
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_counted_from_part_headers_alone() {
        let raw = b"From: a@example.org\r\nContent-Type: multipart/mixed;\r\n boundary=\"XyZ\"\r\n\r\n\
            preamble\r\n--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ\r\n\
            Content-Type: application/pdf; name=\"a.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
            JVBERi0=\r\n--XyZ\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n\
            --inner\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--inner--\r\n--XyZ\r\n\
            Content-Disposition: attachment;\r\n filename*=utf-8''a%C3%B1o.txt\r\n\r\nbody\r\n--XyZ--\r\n";
        assert_eq!(count_attachments(raw), 2);
    }

    #[test]
    fn a_plain_message_or_a_body_line_like_a_boundary_counts_nothing() {
        assert_eq!(
            count_attachments(b"Subject: x\r\n\r\nfilename=\"no.txt\"\r\n--x\r\n"),
            0
        );
        assert_eq!(count_attachments(b""), 0);
    }

    #[test]
    fn a_folded_name_and_a_message_that_is_one_attachment_count() {
        let folded = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
            Content-Type: application/pdf;\r\n name=\"a.pdf\"\r\n\r\nJVBERi0=\r\n--b--\r\n";
        assert_eq!(count_attachments(folded), 1);
        let whole = b"Content-Type: application/pdf; name=\"a.pdf\"\r\n\r\nJVBERi0=\r\n";
        assert_eq!(count_attachments(whole), 1);
    }
}
