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
    let mut molblock = String::new();
    let mut data = Vec::new();
    let mut lines = text.lines().peekable();
    for l in lines.by_ref() {
        molblock.push_str(l);
        molblock.push('\n');
        if l.starts_with("M  END") {
            break;
        }
    }
    let mut current: Option<(String, Vec<String>)> = None;
    for l in lines {
        let l = l.trim_end_matches('\r');
        if l.starts_with('>') {
            if let Some((k, v)) = current.take() {
                data.push((k, v.join("\n")));
            }
            let name = l
                .find('<')
                .and_then(|s| {
                    l.get(s + 1..)
                        .and_then(|r| r.find('>').map(|e| r.get(..e).unwrap_or("").to_string()))
                })
                .unwrap_or_default();
            current = Some((name, Vec::new()));
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

/// Streams SD records from a reader. I/O errors end the stream with an `Err`.
pub struct SdRecords<R> {
    reader: R,
    line: usize,
    done: bool,
}

impl<R: BufRead> SdRecords<R> {
    /// Wraps a buffered reader.
    pub fn new(reader: R) -> Self {
        SdRecords {
            reader,
            line: 0,
            done: false,
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
        let mut text = String::new();
        let first = self.line + 1;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match self.reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    self.done = true;
                    if text.trim().is_empty() {
                        return None;
                    }
                    return Some(Ok(split_record(&text, first)));
                }
                Ok(_) => {
                    self.line += 1;
                    let l = String::from_utf8_lossy(&buf);
                    if l.trim_end() == "$$$$" {
                        return Some(Ok(split_record(&text, first)));
                    }
                    text.push_str(&l);
                    if text.len() > MAX_RECORD_BYTES {
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
