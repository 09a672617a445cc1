//! Framing: where a reply line ends, where a multi-line body ends, and dot-unstuffing.
//!
//! Size caps are set here, before anything is parsed. A status or listing line may be at
//! most [`MAX_LINE_LEN`] octets; a message body streams out in chunks of bounded size,
//! whatever its line lengths, so a 50 MB message never sits in one buffer here.

use thiserror::Error;

/// Longest status or listing line accepted, terminator included. RFC 2449 §4 limits
/// responses to 512 octets; real servers send longer `CAPA` and error lines, so Cartero
/// accepts up to 8 KiB and reports [`FrameError::LineTooLong`] beyond that.
pub const MAX_LINE_LEN: usize = 8192;

/// A framing failure: the peer is not speaking POP3 as we can accept it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FrameError {
    /// A status or listing line went past [`MAX_LINE_LEN`] without a line break.
    #[error("a reply line is longer than {MAX_LINE_LEN} octets")]
    LineTooLong,
}

/// One step of a multi-line body.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyStep {
    /// Dot-unstuffed body bytes, line terminators as received.
    Chunk(Vec<u8>),
    /// The terminating `.` line was consumed.
    End,
    /// More input is needed.
    NeedMore,
}

/// One line of a multi-line listing (`CAPA`, `LIST`, `UIDL`).
#[derive(Debug, PartialEq, Eq)]
pub enum ListingLine {
    /// A dot-unstuffed line without its terminator.
    Line(Vec<u8>),
    /// The terminating `.` line.
    End,
}

/// Buffers received bytes and cuts them into lines and body chunks.
#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes before `start` are consumed.
    start: usize,
    /// In a body: whether the next byte begins a line (where a dot is special).
    body_at_line_start: bool,
}

impl Framer {
    /// Appends received bytes.
    pub fn push(&mut self, data: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Whether received bytes are waiting to be framed.
    pub fn has_pending(&self) -> bool {
        self.start < self.buf.len()
    }

    fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Takes one complete line, without its CRLF (a bare LF is accepted too).
    pub fn line(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let pending = self.pending();
        match pending.iter().position(|&b| b == b'\n') {
            Some(lf) if lf + 1 > MAX_LINE_LEN => Err(FrameError::LineTooLong),
            Some(lf) => {
                let end = if lf > 0 && pending[lf - 1] == b'\r' {
                    lf - 1
                } else {
                    lf
                };
                let line = pending[..end].to_vec();
                self.start += lf + 1;
                Ok(Some(line))
            }
            None if pending.len() >= MAX_LINE_LEN => Err(FrameError::LineTooLong),
            None => Ok(None),
        }
    }

    /// Takes one line of a multi-line listing, dot-unstuffed.
    pub fn listing_line(&mut self) -> Result<Option<ListingLine>, FrameError> {
        Ok(self.line()?.map(|line| match line.strip_prefix(b".") {
            Some([]) => ListingLine::End,
            Some(rest) => ListingLine::Line(rest.to_vec()),
            None => ListingLine::Line(line),
        }))
    }

    /// Marks the start of a multi-line body (call after its `+OK` line).
    pub fn begin_body(&mut self) {
        self.body_at_line_start = true;
    }

    /// Takes up to `max` octets of dot-unstuffed body, or the end of the body.
    ///
    /// Lines of any length stream through: only the first octets of each line are held
    /// back until it is known whether the line is stuffed or the terminator.
    pub fn body(&mut self, max: usize) -> BodyStep {
        let mut out = Vec::new();
        while out.len() < max {
            let pending = self.pending();
            if pending.is_empty() {
                break;
            }
            if self.body_at_line_start && pending[0] == b'.' {
                match pending.get(1..3) {
                    Some([b'\r', b'\n']) | Some([b'\n', _]) => {
                        if !out.is_empty() {
                            // Hand over what we have; the terminator is taken next call.
                            return BodyStep::Chunk(out);
                        }
                        self.start += if pending[1] == b'\r' { 3 } else { 2 };
                        return BodyStep::End;
                    }
                    None if pending.get(1) == Some(&b'\n') => {
                        if !out.is_empty() {
                            return BodyStep::Chunk(out);
                        }
                        self.start += 2;
                        return BodyStep::End;
                    }
                    // ".", ".\r": cannot tell yet.
                    None => break,
                    // A stuffed dot: drop it, the line goes on.
                    Some(_) => {
                        self.start += 1;
                        self.body_at_line_start = false;
                        continue;
                    }
                }
            }
            let room = max - out.len();
            let window = &pending[..pending.len().min(room)];
            let (take, ends_line) = match window.iter().position(|&b| b == b'\n') {
                Some(lf) => (lf + 1, true),
                None => (window.len(), false),
            };
            out.extend_from_slice(&window[..take]);
            self.start += take;
            self.body_at_line_start = ends_line;
        }
        if out.is_empty() {
            BodyStep::NeedMore
        } else {
            BodyStep::Chunk(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` split at `cut` and collects the body until its end.
    fn body_split(input: &[u8], cut: usize, max: usize) -> (Vec<u8>, bool, Vec<u8>) {
        let mut framer = Framer::default();
        framer.begin_body();
        let mut out = Vec::new();
        let mut ended = false;
        let mut unpushed: &[u8] = &[];
        for part in [&input[..cut], &input[cut..]] {
            if ended {
                unpushed = part;
                break;
            }
            framer.push(part);
            loop {
                match framer.body(max) {
                    BodyStep::Chunk(c) => {
                        assert!(c.len() <= max, "chunk over the cap");
                        out.extend(c)
                    }
                    BodyStep::End => {
                        ended = true;
                        break;
                    }
                    BodyStep::NeedMore => break,
                }
            }
        }
        let rest = [framer.pending(), unpushed].concat();
        (out, ended, rest)
    }

    #[test]
    fn body_is_unstuffed_and_ends_at_dot_line_at_every_split() {
        let wire = b"Subject: a\r\n\r\n..leading dot\r\n..\r\n...\r\nlast\r\n.\r\n+OK next";
        let want = b"Subject: a\r\n\r\n.leading dot\r\n.\r\n..\r\nlast\r\n";
        for max in [1, 2, 3, 7, 4096] {
            for cut in 0..=wire.len() {
                let (body, ended, rest) = body_split(wire, cut, max);
                assert!(ended, "cut {cut} max {max}");
                assert_eq!(body, want, "cut {cut} max {max}");
                assert_eq!(rest, b"+OK next", "cut {cut} max {max}");
            }
        }
    }

    #[test]
    fn dot_inside_a_line_is_data() {
        let (body, ended, _) = body_split(b"a.\r\nb .\r\n.\r\n", 3, 64);
        assert!(ended);
        assert_eq!(body, b"a.\r\nb .\r\n");
    }

    #[test]
    fn empty_body_ends_at_once() {
        let (body, ended, _) = body_split(b".\r\n", 1, 64);
        assert!(ended);
        assert!(body.is_empty());
    }

    #[test]
    fn long_body_lines_stream_in_bounded_chunks() {
        let mut wire = vec![b'x'; 100_000];
        wire.extend_from_slice(b"\r\n.\r\n");
        let (body, ended, _) = body_split(&wire, 50_000, 1024);
        assert!(ended);
        assert_eq!(body.len(), 100_002);
    }

    #[test]
    fn lines_accept_crlf_and_lf_at_every_split() {
        let wire = b"+OK one\r\n-ERR two\n";
        for cut in 0..=wire.len() {
            let mut framer = Framer::default();
            let mut lines = Vec::new();
            for part in [&wire[..cut], &wire[cut..]] {
                framer.push(part);
                while let Some(line) = framer.line().unwrap() {
                    lines.push(line);
                }
            }
            assert_eq!(lines, vec![b"+OK one".to_vec(), b"-ERR two".to_vec()]);
        }
    }

    #[test]
    fn overlong_line_is_refused_before_its_end_arrives() {
        let mut framer = Framer::default();
        framer.push(&vec![b'a'; MAX_LINE_LEN]);
        assert_eq!(framer.line(), Err(FrameError::LineTooLong));
    }

    #[test]
    fn listing_lines_unstuff_and_end() {
        let mut framer = Framer::default();
        framer.push(b"1 abc\r\n..x\r\n.\r\n");
        assert_eq!(
            framer.listing_line().unwrap(),
            Some(ListingLine::Line(b"1 abc".to_vec()))
        );
        assert_eq!(
            framer.listing_line().unwrap(),
            Some(ListingLine::Line(b".x".to_vec()))
        );
        assert_eq!(framer.listing_line().unwrap(), Some(ListingLine::End));
        assert_eq!(framer.listing_line().unwrap(), None);
    }
}
