//! Raw record readers.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::reader::RowIter;
use parquet::record::Field;
use parquet::schema::types::Type;
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
    Parquet {
        rows: Box<RowIter<'static>>,
        smiles: String,
        id: Option<String>,
        carried: Vec<String>,
    },
}

/// Runs a Parquet decoding step, turning a panic inside the decoder (it
/// has assertions that malformed files can trip) into an error, so that a
/// damaged file is refused like any other bad input.
fn guarded<T>(step: impl FnOnce() -> Result<T, ParquetError>) -> Result<T, ParquetError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("malformed data");
        Err(ParquetError::General(format!("damaged file ({why})")))
    })
}

/// Installs a panic hook that keeps quiet about panics raised inside the
/// Parquet decoder — [`RawReader`] catches those and reports the file as
/// damaged, so the default "thread panicked" message would only look like a
/// crash — and hands every other panic to the hook that was installed
/// before. For applications (the `shennong` binary calls it at start); the
/// hook is process-wide.
pub fn quiet_parquet_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_parquet = info.location().is_some_and(|l| {
            let file = l.file().replace('\\', "/");
            file.contains("/parquet-") && file.contains("/src/")
        });
        if !in_parquet {
            previous(info);
        }
    }));
}

/// A Parquet value as text: strings as they are, numbers in Rust's
/// shortest round-trip form, null as empty.
fn field_text(field: &Field) -> Result<String, String> {
    Ok(match field {
        Field::Null => String::new(),
        Field::Str(s) => s.clone(),
        Field::Bytes(b) => std::str::from_utf8(b.data())
            .map_err(|_| "a binary value that is not UTF-8 text".to_string())?
            .to_string(),
        Field::Float(v) => v.to_string(),
        Field::Double(v) => v.to_string(),
        other => other.to_string(),
    })
}

/// Iterator of raw records from one input.
pub struct RawReader {
    inner: Inner,
    count: usize,
    done: bool,
}

/// Which columns of a table hold the SMILES, the id and the carried values:
/// the named ones, else `smiles` and the first of `id`, `name`, `title`,
/// `chembl_id`, `compound_id` (any case).
type ChosenColumns = (usize, Option<usize>, Vec<(usize, String)>);

fn choose_columns(headers: &[String], options: &InputOptions) -> Result<ChosenColumns, IoError> {
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let listed = || headers.join(", ");
    let smiles_col = match &options.smiles_column {
        Some(c) => find(c).ok_or_else(|| {
            IoError::Columns(format!("no column '{c}' in the header ({})", listed()))
        })?,
        None => find("smiles").ok_or_else(|| {
            IoError::Columns(format!(
                "no 'smiles' column in the header ({}); name one with --smiles-col",
                listed()
            ))
        })?,
    };
    let id_col = match &options.id_column {
        Some(c) => Some(
            find(c).ok_or_else(|| IoError::Columns(format!("no id column '{c}' in the header")))?,
        ),
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
    Ok((smiles_col, id_col, carried))
}

impl RawReader {
    /// Opens `path` (`-` for standard input) as `format`, decompressing
    /// when `gzip`. Parquet files are read row group by row group through
    /// the file; Parquet on standard input is first read into memory.
    pub fn open(
        path: &str,
        format: Format,
        gzip: bool,
        options: &InputOptions,
    ) -> Result<RawReader, IoError> {
        if format == Format::Parquet && path != "-" && !gzip {
            let file = File::open(Path::new(path)).map_err(|source| IoError::Os {
                path: path.to_string(),
                source,
            })?;
            let reader = guarded(|| SerializedFileReader::new(file)).map_err(|e| {
                IoError::Format(format!("{path}: not a readable Parquet file: {e}"))
            })?;
            return RawReader::from_parquet(Box::new(reader), options);
        }
        RawReader::new(open_input(path, gzip)?, format, options)
    }

    fn from_parquet(
        reader: Box<dyn FileReader>,
        options: &InputOptions,
    ) -> Result<RawReader, IoError> {
        let schema = reader.metadata().file_metadata().schema().clone();
        let fields = schema.get_fields();
        let names: Vec<String> = fields.iter().map(|f| f.name().to_string()).collect();
        let (smiles_col, id_col, carried) = choose_columns(&names, options)?;
        // read only the columns a record needs, in file order
        let wanted: Vec<usize> = (0..names.len())
            .filter(|i| {
                *i == smiles_col || Some(*i) == id_col || carried.iter().any(|(c, _)| c == i)
            })
            .collect();
        let projection = Type::group_type_builder(schema.name())
            .with_fields(
                wanted
                    .iter()
                    .filter_map(|i| fields.get(*i).cloned())
                    .collect(),
            )
            .build()
            .map_err(|e| IoError::Format(format!("cannot select Parquet columns: {e}")))?;
        let rows = guarded(|| RowIter::from_file_into(reader).project(Some(projection)))
            .map_err(|e| IoError::Format(format!("cannot select Parquet columns: {e}")))?;
        let name = |i: usize| names.get(i).cloned().unwrap_or_default();
        Ok(RawReader {
            inner: Inner::Parquet {
                rows: Box::new(rows),
                smiles: name(smiles_col),
                id: id_col.map(name),
                carried: carried.into_iter().map(|(_, h)| h).collect(),
            },
            count: 0,
            done: false,
        })
    }

    /// Creates a reader of `format` over `input`.
    pub fn new(
        input: Box<dyn BufRead + Send>,
        format: Format,
        options: &InputOptions,
    ) -> Result<RawReader, IoError> {
        let inner = match format {
            Format::Parquet => {
                let mut bytes = Vec::new();
                let mut input = input;
                input
                    .read_to_end(&mut bytes)
                    .map_err(|source| IoError::Os {
                        path: "<input>".into(),
                        source,
                    })?;
                let reader = guarded(|| SerializedFileReader::new(bytes::Bytes::from(bytes)))
                    .map_err(|e| {
                        IoError::Format(format!("input is not a readable Parquet file: {e}"))
                    })?;
                return RawReader::from_parquet(Box::new(reader), options);
            }
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
                let names: Vec<String> = headers.iter().map(str::to_string).collect();
                let (smiles_col, id_col, carried) = choose_columns(&names, options)?;
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

/// Splits a SMILES line into (SMILES, id). A CXSMILES `|...|` block after
/// the SMILES stays with it (the SMILES reader applies the parts that change
/// the molecule) and is not the id.
/// With a tab after the SMILES, the id is the whole next tab-separated field
/// (so ids may contain spaces, as our own `.smi` output writes them);
/// otherwise it is the next whitespace-separated word.
fn split_smiles_line(line: &str) -> (&str, Option<&str>) {
    let line = line.trim_end_matches(['\r', '\n']);
    let end = line.find([' ', '\t']).unwrap_or(line.len());
    let mut smi = line.get(..end).unwrap_or("");
    let mut rest = line.get(end..).unwrap_or("");
    let tab_separated = rest.starts_with('\t');
    rest = rest.trim_start_matches([' ', '\t']);
    if rest.starts_with('|') {
        rest = match rest.get(1..).and_then(|r| r.find('|').map(|e| (r, e))) {
            Some((r, e)) => {
                let block_end = line.len() - r.len() + e + 1;
                smi = line.get(..block_end).unwrap_or(smi);
                r.get(e + 1..).unwrap_or("").trim_start()
            }
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
            Inner::Parquet {
                rows,
                smiles,
                id,
                carried,
            } => {
                let row = match guarded(|| Ok(rows.next())) {
                    Ok(row) => row?,
                    Err(e) => Err(e),
                };
                self.count += 1;
                let number = self.count;
                // Parquet has no lines: the row number stands in for one
                let fail = |reason: String| RecordError {
                    number,
                    line: number,
                    column: None,
                    id: None,
                    reason,
                };
                let row = match row {
                    Ok(row) => row,
                    Err(e) => {
                        self.done = true;
                        return Some(Err(fail(format!("cannot read the Parquet row: {e}"))));
                    }
                };
                let mut text = None;
                let mut record_id = None;
                let mut data = Vec::with_capacity(carried.len());
                for (name, field) in row.get_column_iter() {
                    let value = match field_text(field) {
                        Ok(v) => v,
                        Err(why) => return Some(Err(fail(format!("column '{name}': {why}")))),
                    };
                    if name == smiles {
                        text = Some(value);
                    } else if Some(name) == id.as_ref() {
                        record_id = Some(value);
                    } else if carried.contains(name) {
                        data.push((name.clone(), value));
                    }
                }
                Some(Ok(RawRecord {
                    number,
                    line: number,
                    column: 1,
                    id: record_id
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| number.to_string()),
                    text: RawText::Smiles(text.unwrap_or_default().trim().to_string()),
                    data,
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn cxsmiles_block_is_skipped() {
        assert_eq!(
            split_smiles_line("C[C@H](F)Cl |&1:1| mol7"),
            ("C[C@H](F)Cl |&1:1|", Some("mol7"))
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

    fn parquet_input(dir: &Path) -> String {
        use crate::{Cell, Column, ColumnType, TableWriter};
        let path = dir.join("in.parquet");
        let columns = vec![
            Column::new("Compound_ID", ColumnType::Integer),
            Column::new("logS", ColumnType::Float),
            Column::new("SMILES", ColumnType::Text),
        ];
        let mut table = TableWriter::create(path.to_str().unwrap(), columns, &[]).unwrap();
        for (id, y, smiles) in [
            (
                Cell::Integer(7),
                Cell::Float(-1.5),
                Cell::Text("CCO".into()),
            ),
            (Cell::Missing, Cell::Missing, Cell::Text("C1CC".into())),
            (Cell::Integer(9), Cell::Float(0.25), Cell::Missing),
        ] {
            table.write_row(vec![id, y, smiles]).unwrap();
        }
        table.commit().unwrap();
        path.to_str().unwrap().to_string()
    }

    #[test]
    fn parquet_rows_become_records_with_ids_and_carried_columns() {
        let dir = tempfile::tempdir().unwrap();
        let path = parquet_input(dir.path());
        let options = InputOptions {
            id_column: Some("compound_id".into()),
            carry_columns: true,
            ..InputOptions::default()
        };
        let from_file: Vec<_> = RawReader::open(&path, Format::Parquet, false, &options)
            .unwrap()
            .collect();
        // the same through a byte stream (standard input)
        let bytes = std::fs::read(&path).unwrap();
        let from_stream: Vec<_> = RawReader::new(
            Box::new(std::io::Cursor::new(bytes)),
            Format::Parquet,
            &options,
        )
        .unwrap()
        .collect();
        assert_eq!(from_file, from_stream);
        assert_eq!(from_file.len(), 3);
        let first = from_file[0].as_ref().unwrap();
        assert_eq!(first.id, "7");
        assert_eq!(first.text, RawText::Smiles("CCO".into()));
        assert_eq!(first.data, vec![("logS".to_string(), "-1.5".to_string())]);
        let second = from_file[1].as_ref().unwrap();
        assert_eq!(second.id, "2", "a null id falls back to the record number");
        assert!(second.clone().parse().is_err(), "C1CC has an unclosed ring");
        let third = from_file[2].as_ref().unwrap();
        assert_eq!(third.text, RawText::Smiles(String::new()));
    }

    #[test]
    fn parquet_without_a_smiles_column_or_not_parquet_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = parquet_input(dir.path());
        let options = InputOptions {
            smiles_column: Some("smi".into()),
            ..InputOptions::default()
        };
        let err = RawReader::open(&path, Format::Parquet, false, &options)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("no column 'smi'") && err.contains("SMILES"),
            "{err}"
        );
        let text = dir.path().join("fake.parquet");
        std::fs::write(&text, "smiles\nCCO\n").unwrap();
        let err = RawReader::open(
            text.to_str().unwrap(),
            Format::Parquet,
            false,
            &InputOptions::default(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(err.contains("not a readable Parquet file"), "{err}");
    }
}
