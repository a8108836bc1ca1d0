//! SD file records: split a stream at `$$$$`, separate the molblock from its data items.

use std::io::BufRead;

/// One raw SD record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdRecord {
    /// The molblock text (through `M  END`).
    pub molblock: String,
    /// Data items in file order: (name, value).
    pub data: Vec<(String, String)>,
    /// 1-based line number of the record's first line in the file.
    pub first_line: usize,
}

/// Splits record text into molblock and data items.
pub fn split_record(text: &str, first_line: usize) -> SdRecord {
    split_owned_record(text.to_string(), first_line)
}

/// [`split_record`] of a record read into its own buffer: the buffer, cut
/// after the molblock, becomes the molblock (no copy of it is made).
fn split_owned_record(mut text: String, first_line: usize) -> SdRecord {
    let end = molblock_end(&text);
    let data = data_items(text.get(end..).unwrap_or(""));
    // (`end` follows a '\n' or is the end: a character boundary)
    text.truncate(end);
    SdRecord {
        molblock: molblock_of(text),
        data,
        first_line,
    }
}

/// Where a record's molblock ends: after the line of `M  END`, or at the
/// end of the text when there is none.
fn molblock_end(text: &str) -> usize {
    // the molblock is every line through `M  END`, each ended by '\n'
    let bytes = text.as_bytes();
    let end_line = if bytes.starts_with(b"M  END") {
        Some(0)
    } else {
        memchr::memmem::find(bytes, b"\nM  END").map(|at| at + 1)
    };
    end_line.map_or(text.len(), |start| {
        bytes
            .get(start..)
            .and_then(|line| memchr::memchr(b'\n', line))
            .map_or(text.len(), |nl| start + nl + 1)
    })
}

/// The molblock text of `block` (its lines through `M  END`), each line
/// ended by a bare '\n'.
fn molblock_of(mut block: String) -> String {
    if memchr::memchr(b'\r', block.as_bytes()).is_some() {
        let mut molblock = String::with_capacity(block.len());
        for l in block.lines() {
            molblock.push_str(l);
            molblock.push('\n');
        }
        return molblock;
    }
    if !block.is_empty() && !block.ends_with('\n') {
        block.push('\n');
    }
    block
}

/// Whether a line ends an SD record: any line that starts with `$$$$`, as
/// in RDKit's reader (`$$$$$$$$` of a file that lacked its last line
/// break, pasted onto another, is two records, not one that swallows the
/// next molecule).
fn ends_record(line: &[u8]) -> bool {
    line.starts_with(b"$$$$")
}

/// Record bytes as text, invalid UTF-8 replaced.
fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The data items after a molblock: (name, value) in file order.
fn data_items(rest: &str) -> Vec<(String, String)> {
    let mut data = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for l in rest.lines() {
        let l = l.trim_end_matches('\r');
        if l.starts_with('>') {
            if let Some((k, v)) = current.take() {
                data.push((k, v.join("\n")));
            }
            current = data_label(l).map(|name| (name.to_string(), Vec::new()));
        } else if l.is_empty() {
            if let Some((k, v)) = current.take() {
                data.push((k, v.join("\n")));
            }
        } else if let Some((_, v)) = current.as_mut() {
            v.push(l.to_string());
        }
    }
    if let Some((k, v)) = current.take() {
        data.push((k, v.join("\n")));
    }
    data
}

/// The label of a data header line (`>  <NAME>`, possibly with a field
/// number around it): from its first `<` to its last `>`, as RDKit reads it.
/// A header without a label, or with an empty one (a field known only by
/// number, `>  DT12`, or a truncated header, `>  <ID`), has `None`: its
/// item is skipped up to the next blank line, as RDKit skips it, rather than
/// kept under an empty name that no SD reader reads back.
fn data_label(header: &str) -> Option<&str> {
    let rest = header.get(1..)?;
    let open = rest.find('<')?;
    let close = rest.rfind('>')?;
    rest.get(open + 1..close).filter(|name| !name.is_empty())
}

/// Streams SD records from a reader. I/O errors end the stream with an `Err`.
pub struct SdRecords<R> {
    reader: R,
    line: usize,
    done: bool,
    /// Size of the last record, to size the next one's buffer.
    last_len: usize,
}

impl<R: BufRead> SdRecords<R> {
    /// Wraps a buffered reader.
    pub fn new(reader: R) -> Self {
        SdRecords {
            reader,
            line: 0,
            done: false,
            last_len: 0,
        }
    }
}

/// Longest record accepted (bytes); a guard against unterminated binary input.
const MAX_RECORD_BYTES: usize = 64 << 20;

impl<R: BufRead> Iterator for SdRecords<R> {
    type Item = std::io::Result<SdRecord>;

    /// The next record: every line up to one that starts with `$$$$`, or
    /// up to the end of the input. The line breaks
    /// of each buffered chunk are found in one vectorised search (`memchr`)
    /// rather than a read call per line.
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // the record's bytes, decoded once at the end
        let mut bytes: Vec<u8> = Vec::with_capacity(self.last_len + self.last_len / 4);
        let first = self.line + 1;
        // where the line being read starts in `bytes`
        let mut line_start = 0;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            };
            if available.is_empty() {
                // the end: a last line without a line break counts as a line
                if bytes.len() > line_start {
                    self.line += 1;
                    if bytes.get(line_start..).is_some_and(ends_record) {
                        bytes.truncate(line_start);
                        return Some(Ok(self.finish(bytes, first)));
                    }
                }
                self.done = true;
                let text = decode(bytes);
                if text.trim().is_empty() {
                    return None;
                }
                return Some(Ok(split_owned_record(text, first)));
            }
            let mut used = 0;
            let mut ended = false;
            let mut too_long = false;
            for nl in memchr::memchr_iter(b'\n', available) {
                bytes.extend_from_slice(available.get(used..=nl).unwrap_or(&[]));
                used = nl + 1;
                self.line += 1;
                if bytes.get(line_start..).is_some_and(ends_record) {
                    bytes.truncate(line_start);
                    ended = true;
                    break;
                }
                line_start = bytes.len();
                if line_start > MAX_RECORD_BYTES {
                    too_long = true;
                    break;
                }
            }
            if !ended && !too_long {
                // the rest of the chunk: the start of a line
                bytes.extend_from_slice(available.get(used..).unwrap_or(&[]));
                used = available.len();
            }
            self.reader.consume(used);
            if ended {
                return Some(Ok(self.finish(bytes, first)));
            }
            if too_long || bytes.len() > MAX_RECORD_BYTES {
                self.done = true;
                return Some(Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("SD record starting at line {first} exceeds {MAX_RECORD_BYTES} bytes without $$$$"),
                )));
            }
        }
    }
}

impl<R> SdRecords<R> {
    /// The record of the bytes read for it, which ended at a line that
    /// [`ends_record`].
    fn finish(&mut self, bytes: Vec<u8>, first_line: usize) -> SdRecord {
        self.last_len = bytes.len().min(MAX_RECORD_BYTES);
        split_owned_record(decode(bytes), first_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::BufReader;

    /// The record splitter as it was before it searched whole chunks: one
    /// `read_until` per line. The reference the chunked one must equal.
    fn records_line_by_line(input: &[u8]) -> Vec<Result<SdRecord, String>> {
        let mut reader = input;
        let mut out = Vec::new();
        let mut line = 0;
        'records: loop {
            let mut bytes: Vec<u8> = Vec::new();
            let first = line + 1;
            loop {
                let start = bytes.len();
                match reader.read_until(b'\n', &mut bytes) {
                    Ok(0) => {
                        let text = decode(bytes);
                        if !text.trim().is_empty() {
                            out.push(Ok(split_record(&text, first)));
                        }
                        break 'records;
                    }
                    Ok(_) => {
                        line += 1;
                        if bytes[start..].starts_with(b"$$$$") {
                            bytes.truncate(start);
                            out.push(Ok(split_record(&decode(bytes), first)));
                            continue 'records;
                        }
                    }
                    Err(e) => {
                        out.push(Err(e.to_string()));
                        break 'records;
                    }
                }
            }
        }
        out
    }

    fn line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"$$$$".to_vec()),
            Just(b"$$$$$$$$".to_vec()),
            Just(b"$$$ ".to_vec()),
            Just(b"M  END".to_vec()),
            Just(b">  <NAME>".to_vec()),
            Just(b"> <ID> (1)".to_vec()),
            Just(b"value".to_vec()),
            Just(Vec::new()),
            Just(b"\r".to_vec()),
            Just(b"line\r".to_vec()),
            Just(b"  6  5  0  0  0  0  0  0  0  0999 V2000".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..12),
        ]
    }

    proptest! {
        /// Chunked splitting gives the records line-by-line reading gives
        /// (text, data items, first line numbers), whatever the chunk size
        /// of the buffered reader, down to one byte.
        #[test]
        fn chunked_splitting_equals_line_by_line_reading(
            lines in proptest::collection::vec(line(), 0..40),
            last_break in any::<bool>(),
            capacity in prop_oneof![1usize..9, Just(64usize), Just(8192usize)],
        ) {
            let mut input = lines.join(&b'\n');
            if last_break && !input.is_empty() {
                input.push(b'\n');
            }
            let expected = records_line_by_line(&input);
            let got: Vec<Result<SdRecord, String>> =
                SdRecords::new(BufReader::with_capacity(capacity, input.as_slice()))
                    .map(|r| r.map_err(|e| e.to_string()))
                    .collect();
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn record_ends_at_a_last_dollar_line_without_a_break() {
        let text = b"a\n\n\nM  END\n> <X>\n1\n\n$$$$";
        let recs: Vec<_> = SdRecords::new(&text[..]).collect::<Result<_, _>>().unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].molblock, "a\n\n\nM  END\n");
        assert_eq!(recs[0].data, vec![("X".to_string(), "1".to_string())]);
        // a second record's first line is counted after the first's lines
        let text = b"a\nM  END\n$$$$\r\nb\nM  END\n$$$$\n";
        let recs: Vec<_> = SdRecords::new(BufReader::with_capacity(3, &text[..]))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            recs.iter().map(|r| r.first_line).collect::<Vec<_>>(),
            vec![1, 4]
        );
    }
}
