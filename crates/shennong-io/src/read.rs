//! Raw record readers.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use shennong_sdf::SdRecords;

use crate::{Format, IoError, RawRecord, RawText, RecordError};

/// Reading options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputOptions {
    /// Column holding SMILES in CSV/TSV input (default: a column named `smiles`, any case).
    pub smiles_column: Option<String>,
    /// Column holding ids in CSV/TSV input (default: `id`, `name`, `title`, or the record number).
    pub id_column: Option<String>,
    /// Carry the other CSV/TSV columns in [`RawRecord::data`] as
    /// `(header, value)` pairs (training targets, split labels).
    pub carry_columns: bool,
}

/// Opens a path (or `-` for stdin), decompressing `.gz`.
pub fn open_input(path: &str, gzip: bool) -> Result<Box<dyn BufRead + Send>, IoError> {
    let raw: Box<dyn Read + Send> = if path == "-" {
        Box::new(std::io::stdin())
    } else {
        Box::new(File::open(Path::new(path)).map_err(|source| IoError::Os {
            path: path.to_string(),
            source,
        })?)
    };
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(raw))
    } else {
        raw
    };
    Ok(Box::new(BufReader::with_capacity(1 << 16, reader)))
}

enum Inner {
    Smiles {
        reader: Box<dyn BufRead + Send>,
        line: usize,
        buf: Vec<u8>,
        first: bool,
    },
    Sdf(SdRecords<Box<dyn BufRead + Send>>),
    Table {
        reader: csv::Reader<Box<dyn BufRead + Send>>,
        smiles_col: usize,
        id_col: Option<usize>,
        record: csv::StringRecord,
        /// Header names of the carried columns; empty unless asked for.
        carried: Vec<(usize, String)>,
    },
}

/// Iterator of raw records from one input.
pub struct RawReader {
    inner: Inner,
    count: usize,
    done: bool,
}

impl RawReader {
    /// Creates a reader of `format` over `input`.
    pub fn new(
        input: Box<dyn BufRead + Send>,
        format: Format,
        options: &InputOptions,
    ) -> Result<RawReader, IoError> {
        let inner = match format {
            Format::Smiles => Inner::Smiles {
                reader: input,
                line: 0,
                buf: Vec::new(),
                first: true,
            },
            Format::Sdf => Inner::Sdf(SdRecords::new(input)),
            Format::Csv | Format::Tsv => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                    .flexible(true)
                    .from_reader(input);
                let headers = reader
                    .headers()
                    .map_err(|e| IoError::Columns(format!("cannot read the header row: {e}")))?
                    .clone();
                let find = |name: &str| {
                    headers
                        .iter()
                        .position(|h| h.trim().eq_ignore_ascii_case(name))
                };
                let smiles_col = match &options.smiles_column {
                    Some(c) => find(c).ok_or_else(|| {
                        IoError::Columns(format!(
                            "no column '{c}' in the header ({})",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ))
                    })?,
                    None => find("smiles").ok_or_else(|| {
                        IoError::Columns(format!(
                            "no 'smiles' column in the header ({}); name one with --smiles-col",
                            headers.iter().collect::<Vec<_>>().join(", ")
                        ))
                    })?,
                };
                let id_col = match &options.id_column {
                    Some(c) => Some(find(c).ok_or_else(|| {
                        IoError::Columns(format!("no id column '{c}' in the header"))
                    })?),
                    None => ["id", "name", "title", "chembl_id", "compound_id"]
                        .iter()
                        .find_map(|n| find(n)),
                };
                let carried = if options.carry_columns {
                    headers
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != smiles_col && Some(*i) != id_col)
                        .map(|(i, h)| (i, h.trim().to_string()))
                        .collect()
                } else {
                    Vec::new()
                };
                Inner::Table {
                    reader,
                    smiles_col,
                    id_col,
                    record: csv::StringRecord::new(),
                    carried,
                }
            }
        };
        Ok(RawReader {
            inner,
            count: 0,
            done: false,
        })
    }
}

/// Splits a SMILES line into (SMILES, id), skipping a CXSMILES `|...|` block.
/// With a tab after the SMILES, the id is the whole next tab-separated field
/// (so ids may contain spaces, as our own `.smi` output writes them);
/// otherwise it is the next whitespace-separated word.
fn split_smiles_line(line: &str) -> (&str, Option<&str>) {
    let line = line.trim_end_matches(['\r', '\n']);
    let end = line.find([' ', '\t']).unwrap_or(line.len());
    let smi = line.get(..end).unwrap_or("");
    let mut rest = line.get(end..).unwrap_or("");
    let tab_separated = rest.starts_with('\t');
    rest = rest.trim_start_matches([' ', '\t']);
    if rest.starts_with('|') {
        rest = match rest.get(1..).and_then(|r| r.find('|').map(|e| (r, e))) {
            Some((r, e)) => r.get(e + 1..).unwrap_or("").trim_start(),
            None => "",
        };
    }
    let id = if tab_separated {
        rest.split('\t').next().map(str::trim)
    } else {
        rest.split(['\t', ' ']).next()
    };
    (smi, id.filter(|s| !s.is_empty()))
}

impl Iterator for RawReader {
    type Item = Result<RawRecord, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match &mut self.inner {
            Inner::Smiles {
                reader,
                line,
                buf,
                first,
            } => loop {
                buf.clear();
                match reader.read_until(b'\n', buf) {
                    Ok(0) => {
                        self.done = true;
                        return None;
                    }
                    Ok(_) => {
                        *line += 1;
                        let text = String::from_utf8_lossy(buf);
                        let trimmed = text.trim();
                        if trimmed.is_empty() || trimmed.starts_with('#') {
                            continue;
                        }
                        let leading = text.len() - text.trim_start().len();
                        let (smi, id) = split_smiles_line(text.trim_start());
                        if *first {
                            *first = false;
                            if smi.eq_ignore_ascii_case("smiles") {
                                continue;
                            }
                        }
                        self.count += 1;
                        return Some(Ok(RawRecord {
                            number: self.count,
                            line: *line,
                            column: leading + 1,
                            id: id.map_or_else(|| self.count.to_string(), str::to_string),
                            text: RawText::Smiles(smi.to_string()),
                            data: Vec::new(),
                        }));
                    }
                    Err(e) => {
                        self.done = true;
                        self.count += 1;
                        return Some(Err(RecordError {
                            number: self.count,
                            line: *line + 1,
                            column: None,
                            id: None,
                            reason: format!("read error: {e}"),
                        }));
                    }
                }
            },
            Inner::Sdf(records) => {
                let rec = records.next()?;
                self.count += 1;
                Some(match rec {
                    Ok(r) => {
                        let title = r.molblock.lines().next().unwrap_or("").trim().to_string();
                        Ok(RawRecord {
                            number: self.count,
                            line: r.first_line,
                            column: 1,
                            id: if title.is_empty() {
                                self.count.to_string()
                            } else {
                                title
                            },
                            text: RawText::Molblock(r.molblock),
                            data: r.data,
                        })
                    }
                    Err(e) => {
                        self.done = true;
                        Err(RecordError {
                            number: self.count,
                            line: 0,
                            column: None,
                            id: None,
                            reason: format!("read error: {e}"),
                        })
                    }
                })
            }
            Inner::Table {
                reader,
                smiles_col,
                id_col,
                record,
                carried,
            } => match reader.read_record(record) {
                Ok(false) => {
                    self.done = true;
                    None
                }
                Ok(true) => {
                    self.count += 1;
                    let line = record.position().map_or(0, |p| p.line() as usize);
                    let Some(smi) = record.get(*smiles_col) else {
                        return Some(Err(RecordError {
                            number: self.count,
                            line,
                            column: None,
                            id: None,
                            reason: format!("row has {} fields; no SMILES column", record.len()),
                        }));
                    };
                    let id = id_col
                        .and_then(|c| record.get(c))
                        .filter(|s| !s.is_empty())
                        .map_or_else(|| self.count.to_string(), str::to_string);
                    Some(Ok(RawRecord {
                        number: self.count,
                        line,
                        column: 1,
                        id,
                        text: RawText::Smiles(smi.trim().to_string()),
                        data: carried
                            .iter()
                            .map(|(c, h)| (h.clone(), record.get(*c).unwrap_or("").to_string()))
                            .collect(),
                    }))
                }
                Err(e) => {
                    self.count += 1;
                    let line = e.position().map_or(0, |p| p.line() as usize);
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                    }
                    Some(Err(RecordError {
                        number: self.count,
                        line,
                        column: None,
                        id: None,
                        reason: format!("malformed row: {e}"),
                    }))
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cxsmiles_block_is_skipped() {
        assert_eq!(
            split_smiles_line("C[C@H](F)Cl |&1:1| mol7"),
            ("C[C@H](F)Cl", Some("mol7"))
        );
        assert_eq!(split_smiles_line("CCO\tethanol"), ("CCO", Some("ethanol")));
        assert_eq!(split_smiles_line("CCO"), ("CCO", None));
        assert_eq!(
            split_smiles_line("CCO\todd, name\tmore"),
            ("CCO", Some("odd, name"))
        );
        assert_eq!(
            split_smiles_line("CCO  ethanol extra"),
            ("CCO", Some("ethanol"))
        );
    }

    #[test]
    fn csv_with_named_columns() {
        let text = "name,SMILES\naspirin,CC(=O)Oc1ccccc1C(=O)O\n";
        let r = RawReader::new(
            Box::new(text.as_bytes()),
            Format::Csv,
            &InputOptions::default(),
        )
        .unwrap();
        let recs: Vec<_> = r.collect();
        let rec = recs[0].as_ref().unwrap();
        assert_eq!(rec.id, "aspirin");
        assert_eq!(rec.line, 2);
    }
}
