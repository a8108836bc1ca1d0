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
    // the molblock is every line through `M  END`, each ended by '\n'
    let bytes = text.as_bytes();
    let end_line = if bytes.starts_with(b"M  END") {
        Some(0)
    } else {
        memchr::memmem::find(bytes, b"\nM  END").map(|at| at + 1)
    };
    let end = end_line.map_or(text.len(), |start| {
        bytes
            .get(start..)
            .and_then(|line| memchr::memchr(b'\n', line))
            .map_or(text.len(), |nl| start + nl + 1)
    });
    let (block, rest) = text.split_at_checked(end).unwrap_or((text, ""));
    let mut molblock;
    if memchr::memchr(b'\r', block.as_bytes()).is_some() {
        molblock = String::with_capacity(block.len());
        for l in block.lines() {
            molblock.push_str(l);
            molblock.push('\n');
        }
    } else {
        molblock = block.to_string();
        if !molblock.is_empty() && !molblock.ends_with('\n') {
            molblock.push('\n');
        }
    }
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
    SdRecord {
        molblock,
        data,
        first_line,
    }
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

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        // the record's bytes, read line by line and decoded once at the end
        let mut bytes: Vec<u8> = Vec::with_capacity(self.last_len + self.last_len / 4);
        let first = self.line + 1;
        let text_of = |bytes: Vec<u8>| {
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        };
        loop {
            let start = bytes.len();
            match self.reader.read_until(b'\n', &mut bytes) {
                Ok(0) => {
                    self.done = true;
                    let text = text_of(bytes);
                    if text.trim().is_empty() {
                        return None;
                    }
                    return Some(Ok(split_record(&text, first)));
                }
                Ok(_) => {
                    self.line += 1;
                    let line = bytes.get(start..).unwrap_or(&[]);
                    // any line that starts with `$$$$` ends the record, as
                    // in RDKit's reader (`$$$$$$$$` of a file that lacked
                    // its last line break, pasted onto another, is two
                    // records, not one that swallows the next molecule)
                    if line.starts_with(b"$$$$") {
                        bytes.truncate(start);
                        self.last_len = bytes.len().min(MAX_RECORD_BYTES);
                        return Some(Ok(split_record(&text_of(bytes), first)));
                    }
                    if bytes.len() > MAX_RECORD_BYTES {
                        self.done = true;
                        return Some(Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!("SD record starting at line {first} exceeds {MAX_RECORD_BYTES} bytes without $$$$"),
                        )));
                    }
                }
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
        }
    }
}
