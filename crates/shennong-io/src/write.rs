//! Rendering records in an output format, and atomic output files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use flate2::Compression;
use shennong_smiles::{write_smiles, WriteOptions};

use crate::{Cell, Column, ColumnType, Format, IoError, Record, TableFormat, TableWriter};

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputOptions {
    /// Output format.
    pub format: Format,
    /// SMILES options (canonical, Kekulé, stereo).
    pub smiles: WriteOptions,
}

/// Renders records as text in one format. Rendering is pure, so callers can
/// run it on many threads and write results in input order.
#[derive(Debug, Clone, Copy)]
pub struct RecordWriter {
    options: OutputOptions,
}

/// A field quoted for a CSV-style table when it holds the delimiter, a
/// quote or a line break (RFC 4180).
pub fn quote_csv(field: &str, delimiter: char) -> String {
    if field.contains([delimiter, '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

impl RecordWriter {
    /// A writer with the given options.
    pub fn new(options: OutputOptions) -> Self {
        RecordWriter { options }
    }

    /// Text written before the first record (a table header).
    pub fn header(&self) -> String {
        self.header_with(&[])
    }

    /// The table header with extra columns after `smiles` and `id` (the
    /// columns [`RecordWriter::render_with`] appends); empty for SMILES and SD files.
    pub fn header_with(&self, extra: &[&str]) -> String {
        let columns = || ["smiles", "id"].iter().chain(extra.iter());
        match self.options.format {
            Format::Csv => {
                let cols: Vec<String> = columns().map(|c| quote_csv(c, ',')).collect();
                format!("{}\n", cols.join(","))
            }
            Format::Tsv => {
                let cols: Vec<String> = columns().map(|c| c.replace(['\t', '\n'], " ")).collect();
                format!("{}\n", cols.join("\t"))
            }
            _ => String::new(),
        }
    }

    /// One record as text, newline-terminated.
    pub fn render(&self, record: &Record) -> Result<String, String> {
        self.render_with(record, &[])
    }

    /// One record with extra named values: appended columns in CSV/TSV and
    /// tab-separated fields after the id in SMILES files (in the order
    /// given), SD data items in SD files.
    pub fn render_with(&self, record: &Record, extra: &[(&str, String)]) -> Result<String, String> {
        let smiles = || write_smiles(&record.mol, &self.options.smiles).map_err(|e| e.to_string());
        let joined = |sep: char, clean: &dyn Fn(&str) -> String| -> String {
            extra
                .iter()
                .map(|(_, v)| format!("{sep}{}", clean(v)))
                .collect()
        };
        match self.options.format {
            Format::Smiles | Format::Tsv => {
                let clean = |v: &str| v.replace(['\t', '\n', '\r'], " ");
                Ok(format!(
                    "{}\t{}{}\n",
                    smiles()?,
                    clean(&record.id),
                    joined('\t', &clean)
                ))
            }
            Format::Csv => Ok(format!(
                "{},{}{}\n",
                quote_csv(&smiles()?, ','),
                quote_csv(&record.id, ','),
                joined(',', &|v| quote_csv(v, ','))
            )),
            Format::Parquet => {
                Err("Parquet rows are made by RecordWriter::render_record".to_string())
            }
            Format::Sdf => if extra.is_empty() {
                shennong_sdf::write_sd_record(&record.mol, &record.id, &record.data)
            } else {
                let mut data = record.data.clone();
                data.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
                shennong_sdf::write_sd_record(&record.mol, &record.id, &data)
            }
            .map_err(|e| e.to_string()),
        }
    }
}

/// A record made ready for its output: text for SMILES, SD, CSV and TSV,
/// a row of cells for Parquet.
#[derive(Debug, Clone, PartialEq)]
pub enum Rendered {
    /// Text, newline-terminated.
    Text(String),
    /// A table row: SMILES, id, then the extra values.
    Row(Vec<Cell>),
    /// Nothing to write (a record filtered out).
    Skip,
}

impl RecordWriter {
    /// One record, with extra named values (the columns given to
    /// [`RecordOutput::create`], in order), ready for a [`RecordOutput`].
    pub fn render_record(
        &self,
        record: &Record,
        extra: &[(&str, Cell)],
    ) -> Result<Rendered, String> {
        if self.options.format == Format::Parquet {
            let smiles =
                write_smiles(&record.mol, &self.options.smiles).map_err(|e| e.to_string())?;
            let mut row = Vec::with_capacity(2 + extra.len());
            row.push(Cell::Text(smiles));
            row.push(Cell::Text(record.id.clone()));
            row.extend(extra.iter().map(|(_, v)| v.clone()));
            return Ok(Rendered::Row(row));
        }
        let text: Vec<(&str, String)> = extra.iter().map(|(k, v)| (*k, v.to_text())).collect();
        self.render_with(record, &text).map(Rendered::Text)
    }
}

/// Where rendered records go: a text file (with the table header for CSV
/// and TSV) or a Parquet table of `smiles`, `id` (text) and the extra
/// columns. Appears atomically on [`RecordOutput::commit`].
pub struct RecordOutput {
    sink: RecordSink,
}

enum RecordSink {
    Text(OutputFile),
    Table(TableWriter),
}

impl RecordOutput {
    /// Creates the output at `path` for records rendered by `writer`, with
    /// `extra` columns after `smiles` and `id`.
    pub fn create(
        path: &str,
        writer: &RecordWriter,
        gzip: bool,
        extra: &[Column],
    ) -> Result<RecordOutput, IoError> {
        let sink = if writer.options.format == Format::Parquet {
            let columns = [
                Column::new("smiles", ColumnType::Text),
                Column::new("id", ColumnType::Text),
            ]
            .into_iter()
            .chain(extra.iter().cloned())
            .collect();
            RecordSink::Table(TableWriter::create_as(
                path,
                TableFormat::Parquet,
                gzip,
                columns,
                &[],
                None,
            )?)
        } else {
            let mut output = OutputFile::create(path, gzip)?;
            let names: Vec<&str> = extra.iter().map(|c| c.name.as_str()).collect();
            output.write_str(&writer.header_with(&names))?;
            RecordSink::Text(output)
        };
        Ok(RecordOutput { sink })
    }

    /// Writes one rendered record.
    pub fn write(&mut self, rendered: Rendered) -> Result<(), IoError> {
        match (&mut self.sink, rendered) {
            (_, Rendered::Skip) => Ok(()),
            (RecordSink::Text(out), Rendered::Text(text)) => out.write_str(&text),
            (RecordSink::Table(table), Rendered::Row(row)) => table.write_row(row),
            _ => Err(IoError::Write(
                "a record rendered for another output format".into(),
            )),
        }
    }

    /// Finishes the output and moves it into place.
    pub fn commit(self) -> Result<(), IoError> {
        match self.sink {
            RecordSink::Text(out) => out.commit(),
            RecordSink::Table(table) => table.commit(),
        }
    }
}

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    File {
        writer: FileWriter,
        temp: tempfile::TempPath,
        target: PathBuf,
    },
}

enum FileWriter {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
}

impl FileWriter {
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            FileWriter::Plain(w) => w.write_all(bytes),
            FileWriter::Gzip(w) => w.write_all(bytes),
        }
    }

    /// Writes any trailer and flushes everything to the file.
    fn finish(self) -> std::io::Result<()> {
        match self {
            FileWriter::Plain(mut w) => w.flush(),
            FileWriter::Gzip(w) => w.finish()?.flush(),
        }
    }
}

/// A builder for temporary files that become outputs: created with the
/// permissions of an ordinary new file (`0666` less the umask on Unix)
/// rather than tempfile's private `0600`, so that renamed outputs are as
/// readable by colleagues as any file the user writes.
pub fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".shennong-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

/// An output that appears atomically: a temporary file beside the target,
/// renamed into place by [`OutputFile::commit`]; dropped uncommitted, it is
/// removed and the target is untouched. `-` writes to standard output.
pub struct OutputFile {
    sink: Sink,
}

impl OutputFile {
    /// Creates the output (`gzip` compresses).
    pub fn create(path: &str, gzip: bool) -> Result<OutputFile, IoError> {
        if path == "-" {
            return Ok(OutputFile {
                sink: Sink::Stdout(BufWriter::new(std::io::stdout())),
            });
        }
        let target = PathBuf::from(path);
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let os = |source| IoError::Os {
            path: path.to_string(),
            source,
        };
        let named = temp_builder().tempfile_in(dir).map_err(os)?;
        let (file, temp): (File, tempfile::TempPath) = named.into_parts();
        let buffered = BufWriter::with_capacity(1 << 16, file);
        let writer = if gzip {
            FileWriter::Gzip(GzEncoder::new(buffered, Compression::default()))
        } else {
            FileWriter::Plain(buffered)
        };
        Ok(OutputFile {
            sink: Sink::File {
                writer,
                temp,
                target,
            },
        })
    }

    /// Appends text.
    pub fn write_str(&mut self, text: &str) -> Result<(), IoError> {
        self.write_all(text.as_bytes())
            .map_err(|source| IoError::Os {
                path: self.path_name(),
                source,
            })
    }

    fn path_name(&self) -> String {
        match &self.sink {
            Sink::Stdout(_) => "<stdout>".into(),
            Sink::File { target, .. } => target.display().to_string(),
        }
    }

    /// Flushes and moves the output into place.
    pub fn commit(self) -> Result<(), IoError> {
        let name = self.path_name();
        let os = |source| IoError::Os {
            path: name.clone(),
            source,
        };
        match self.sink {
            Sink::Stdout(mut w) => w.flush().map_err(os),
            Sink::File {
                writer,
                temp,
                target,
            } => {
                writer.finish().map_err(os)?;
                temp.persist(&target).map_err(|e| os(e.error))
            }
        }
    }
}

/// Byte-level writing, for encoders that produce binary files (Parquet).
impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.sink {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File { writer, .. } => writer.write_all(buf),
        }?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::File { writer, .. } => match writer {
                FileWriter::Plain(w) => w.flush(),
                FileWriter::Gzip(w) => w.flush(),
            },
        }
    }
}
