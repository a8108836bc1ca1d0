//! Typed result tables written as CSV, TSV or Apache Parquet.
//!
//! Commands that emit one row per record (descriptors, sparse fingerprint
//! counts, predictions, design runs) describe their columns once and hand
//! over typed cells; the writer renders them in the format the output's
//! name asks for. Text tables are what pandas' `read_csv` reads back; a
//! Parquet file carries the column types (strings, 64-bit integers,
//! doubles, booleans, all nullable), Snappy compression and the producing
//! specification as key–value metadata, and is written in row groups so
//! that memory stays bounded however many records stream through. Both
//! appear atomically, like every [`OutputFile`].

use std::sync::Arc;

use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::{IoError, OutputFile};

/// The type of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// UTF-8 text.
    Text,
    /// A 64-bit signed integer.
    Integer,
    /// A 64-bit float.
    Float,
    /// True or false.
    Boolean,
}

/// A named, typed column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Column name (the header in text tables).
    pub name: String,
    /// Its type.
    pub kind: ColumnType,
}

impl Column {
    /// A column of `kind` called `name`.
    pub fn new(name: impl Into<String>, kind: ColumnType) -> Column {
        Column {
            name: name.into(),
            kind,
        }
    }
}

/// One value of a row. A float NaN is written as a missing value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// An integer.
    Integer(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Boolean(bool),
    /// No value (empty in text tables, null in Parquet).
    Missing,
}

impl Cell {
    /// The value as text tables write it: integers plainly, floats in the
    /// shortest form that reads back as the same double, booleans as
    /// `True`/`False` (as pandas reads them), NaN and missing as empty.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Integer(v) => v.to_string(),
            Cell::Float(v) if v.is_nan() => String::new(),
            Cell::Float(v) => format!("{v:?}"),
            Cell::Boolean(b) => if *b { "True" } else { "False" }.to_string(),
            Cell::Missing => String::new(),
        }
    }
}

/// Table formats, chosen from the output's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated, RFC 4180 quoting.
    Csv,
    /// Tab-separated; tabs and line breaks inside values become spaces.
    Tsv,
    /// Apache Parquet.
    Parquet,
}

impl TableFormat {
    /// Format and gzip flag from an output name: `.csv`, `.tsv`, `.txt`
    /// (tab-separated), each optionally `.gz`, or `.parquet`; `-` is CSV
    /// on standard output. `None` when the name says none of these.
    pub fn from_path(path: &str) -> Option<(TableFormat, bool)> {
        if path == "-" {
            return Some((TableFormat::Csv, false));
        }
        let lower = path.to_ascii_lowercase();
        let (stem, gz) = match lower.strip_suffix(".gz") {
            Some(stem) => (stem, true),
            None => (lower.as_str(), false),
        };
        let format = if stem.ends_with(".csv") {
            TableFormat::Csv
        } else if stem.ends_with(".tsv") || stem.ends_with(".txt") {
            TableFormat::Tsv
        } else if stem.ends_with(".parquet") {
            TableFormat::Parquet
        } else {
            return None;
        };
        Some((format, gz))
    }
}

/// Rows per Parquet row group: large enough for good compression and
/// fast scans, small enough that a wide descriptor table stays within a
/// few hundred megabytes while it is buffered.
const ROW_GROUP_ROWS: usize = 65_536;

/// A table being written; it appears at its path on [`TableWriter::commit`].
///
/// ```
/// use shennong_io::{Cell, Column, ColumnType, TableWriter};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("t.csv");
/// let columns = vec![Column::new("id", ColumnType::Text), Column::new("MolWt", ColumnType::Float)];
/// let mut table = TableWriter::create(path.to_str().unwrap(), columns, &[]).unwrap();
/// table.write_row(vec![Cell::Text("aspirin, form I".into()), Cell::Float(180.159)]).unwrap();
/// table.commit().unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "id,MolWt\n\"aspirin, form I\",180.159\n");
/// ```
pub struct TableWriter {
    columns: Vec<Column>,
    sink: TableSink,
}

// one per table: the size of the text variant does not matter
#[allow(clippy::large_enum_variant)]
enum TableSink {
    Text {
        output: OutputFile,
        separator: char,
        line: String,
    },
    Parquet(Box<ParquetSink>),
}

struct ParquetSink {
    writer: SerializedFileWriter<OutputFile>,
    buffers: Vec<ColumnBuffer>,
    rows: usize,
    path: String,
}

/// The buffered values of one column in the current row group; `defined`
/// holds Parquet definition levels (1 present, 0 null).
struct ColumnBuffer {
    values: Values,
    defined: Vec<i16>,
}

enum Values {
    Text(Vec<ByteArray>),
    Integer(Vec<i64>),
    Float(Vec<f64>),
    Boolean(Vec<bool>),
}

impl TableWriter {
    /// Creates a table at `path` in the format its name says (see
    /// [`TableFormat::from_path`]). `metadata` is stored as Parquet
    /// key–value metadata (text tables have nowhere to keep it).
    pub fn create(
        path: &str,
        columns: Vec<Column>,
        metadata: &[(&str, &str)],
    ) -> Result<TableWriter, IoError> {
        let (format, gz) = TableFormat::from_path(path).ok_or_else(|| {
            IoError::Format(format!(
                "cannot tell the table format of '{path}': name it .csv, .tsv (optionally .gz) or .parquet"
            ))
        })?;
        TableWriter::create_as(path, format, gz, columns, metadata, None)
    }

    /// Creates a table at `path` in `format` (`gzip` for text formats).
    /// A text table starts with `text_preamble` (comment lines, say), if
    /// given, before its header.
    pub fn create_as(
        path: &str,
        format: TableFormat,
        gzip: bool,
        columns: Vec<Column>,
        metadata: &[(&str, &str)],
        text_preamble: Option<&str>,
    ) -> Result<TableWriter, IoError> {
        for (i, column) in columns.iter().enumerate() {
            if columns.iter().take(i).any(|c| c.name == column.name) {
                return Err(IoError::Format(format!(
                    "column name '{}' appears twice",
                    column.name
                )));
            }
        }
        let sink = match format {
            TableFormat::Csv | TableFormat::Tsv => {
                let separator = if format == TableFormat::Csv {
                    ','
                } else {
                    '\t'
                };
                let mut output = OutputFile::create(path, gzip)?;
                let mut line = text_preamble.unwrap_or_default().to_string();
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        line.push(separator);
                    }
                    push_text(&mut line, &column.name, separator);
                }
                line.push('\n');
                output.write_str(&line)?;
                TableSink::Text {
                    output,
                    separator,
                    line,
                }
            }
            TableFormat::Parquet => {
                if path == "-" {
                    return Err(IoError::Format(
                        "Parquet cannot be written to standard output; name a .parquet file".into(),
                    ));
                }
                if gzip {
                    return Err(IoError::Format(
                        "Parquet is compressed inside the file (Snappy); drop the .gz".into(),
                    ));
                }
                let parquet_error = |e: parquet::errors::ParquetError| {
                    IoError::Write(format!("{path}: cannot write Parquet: {e}"))
                };
                let schema = parquet_schema(&columns).map_err(parquet_error)?;
                let key_values = metadata
                    .iter()
                    .map(|(k, v)| KeyValue::new(k.to_string(), v.to_string()))
                    .collect();
                let properties = WriterProperties::builder()
                    .set_compression(Compression::SNAPPY)
                    .set_created_by(format!("shennong {}", env!("CARGO_PKG_VERSION")))
                    .set_key_value_metadata(Some(key_values))
                    .build();
                let output = OutputFile::create(path, false)?;
                let writer = SerializedFileWriter::new(output, schema, Arc::new(properties))
                    .map_err(parquet_error)?;
                let buffers = columns
                    .iter()
                    .map(|c| ColumnBuffer {
                        values: match c.kind {
                            ColumnType::Text => Values::Text(Vec::new()),
                            ColumnType::Integer => Values::Integer(Vec::new()),
                            ColumnType::Float => Values::Float(Vec::new()),
                            ColumnType::Boolean => Values::Boolean(Vec::new()),
                        },
                        defined: Vec::new(),
                    })
                    .collect();
                TableSink::Parquet(Box::new(ParquetSink {
                    writer,
                    buffers,
                    rows: 0,
                    path: path.to_string(),
                }))
            }
        };
        Ok(TableWriter { columns, sink })
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Appends a row: one cell per column, each of the column's type or
    /// [`Cell::Missing`] (an integer is accepted in a float column).
    pub fn write_row(&mut self, row: Vec<Cell>) -> Result<(), IoError> {
        if row.len() != self.columns.len() {
            return Err(IoError::Write(format!(
                "a row of {} values for a table of {} columns",
                row.len(),
                self.columns.len()
            )));
        }
        for (cell, column) in row.iter().zip(&self.columns) {
            let fits = matches!(
                (cell, column.kind),
                (Cell::Missing, _)
                    | (Cell::Text(_), ColumnType::Text)
                    | (Cell::Integer(_), ColumnType::Integer | ColumnType::Float)
                    | (Cell::Float(_), ColumnType::Float)
                    | (Cell::Boolean(_), ColumnType::Boolean)
            );
            if !fits {
                return Err(IoError::Write(format!(
                    "column '{}' holds {:?} values, not {cell:?}",
                    column.name, column.kind
                )));
            }
        }
        match &mut self.sink {
            TableSink::Text {
                output,
                separator,
                line,
            } => {
                line.clear();
                for (i, cell) in row.iter().enumerate() {
                    if i > 0 {
                        line.push(*separator);
                    }
                    match cell {
                        Cell::Text(s) => push_text(line, s, *separator),
                        other => line.push_str(&other.to_text()),
                    }
                }
                line.push('\n');
                output.write_str(line)
            }
            TableSink::Parquet(sink) => {
                for (cell, buffer) in row.into_iter().zip(&mut sink.buffers) {
                    buffer.push(cell);
                }
                sink.rows += 1;
                if sink.rows >= ROW_GROUP_ROWS {
                    sink.flush_row_group()?;
                }
                Ok(())
            }
        }
    }

    /// Finishes the table and moves it into place.
    pub fn commit(self) -> Result<(), IoError> {
        match self.sink {
            TableSink::Text { output, .. } => output.commit(),
            TableSink::Parquet(mut sink) => {
                // an empty table still gets one (empty) row group so that
                // readers see the schema the usual way
                if sink.rows > 0 || sink.writer.flushed_row_groups().is_empty() {
                    sink.flush_row_group()?;
                }
                let path = sink.path.clone();
                let output = sink.writer.into_inner().map_err(|e| {
                    IoError::Write(format!("{path}: cannot finish the Parquet file: {e}"))
                })?;
                output.commit()
            }
        }
    }
}

impl ColumnBuffer {
    fn push(&mut self, cell: Cell) {
        let present = match (&mut self.values, cell) {
            (Values::Text(v), Cell::Text(s)) => {
                v.push(ByteArray::from(s.into_bytes()));
                true
            }
            (Values::Integer(v), Cell::Integer(x)) => {
                v.push(x);
                true
            }
            (Values::Float(v), Cell::Float(x)) if !x.is_nan() => {
                v.push(x);
                true
            }
            (Values::Float(v), Cell::Integer(x)) => {
                v.push(x as f64);
                true
            }
            (Values::Boolean(v), Cell::Boolean(x)) => {
                v.push(x);
                true
            }
            // Missing, NaN (and mismatches, which write_row has refused)
            _ => false,
        };
        self.defined.push(i16::from(present));
    }

    fn clear(&mut self) {
        self.defined.clear();
        match &mut self.values {
            Values::Text(v) => v.clear(),
            Values::Integer(v) => v.clear(),
            Values::Float(v) => v.clear(),
            Values::Boolean(v) => v.clear(),
        }
    }
}

impl ParquetSink {
    fn flush_row_group(&mut self) -> Result<(), IoError> {
        let path = self.path.clone();
        let error = |e: parquet::errors::ParquetError| {
            IoError::Write(format!("{path}: cannot write Parquet: {e}"))
        };
        let mut group = self.writer.next_row_group().map_err(error)?;
        let mut buffers = self.buffers.iter_mut();
        while let Some(mut column) = group.next_column().map_err(error)? {
            let Some(buffer) = buffers.next() else {
                return Err(IoError::Write(format!(
                    "{path}: the Parquet schema has more columns than the table"
                )));
            };
            let defined = Some(buffer.defined.as_slice());
            match &buffer.values {
                Values::Text(v) => column
                    .typed::<ByteArrayType>()
                    .write_batch(v, defined, None),
                Values::Integer(v) => column.typed::<Int64Type>().write_batch(v, defined, None),
                Values::Float(v) => column.typed::<DoubleType>().write_batch(v, defined, None),
                Values::Boolean(v) => column.typed::<BoolType>().write_batch(v, defined, None),
            }
            .map_err(error)?;
            column.close().map_err(error)?;
            buffer.clear();
        }
        group.close().map_err(error)?;
        self.rows = 0;
        Ok(())
    }
}

fn parquet_schema(columns: &[Column]) -> parquet::errors::Result<Arc<Type>> {
    let mut fields = Vec::with_capacity(columns.len());
    for column in columns {
        let (physical, logical) = match column.kind {
            ColumnType::Text => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
            ColumnType::Integer => (PhysicalType::INT64, None),
            ColumnType::Float => (PhysicalType::DOUBLE, None),
            ColumnType::Boolean => (PhysicalType::BOOLEAN, None),
        };
        let field = Type::primitive_type_builder(&column.name, physical)
            .with_repetition(Repetition::OPTIONAL)
            .with_logical_type(logical)
            .build()?;
        fields.push(Arc::new(field));
    }
    Ok(Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    ))
}

/// Appends a text value: CSV quotes it when it holds the separator, a
/// quote or a line break (RFC 4180); TSV has no quoting, so tabs and line
/// breaks become spaces.
fn push_text(line: &mut String, text: &str, separator: char) {
    if separator == '\t' {
        line.extend(text.chars().map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c => c,
        }));
    } else {
        line.push_str(&crate::write::quote_csv(text, separator));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    fn columns() -> Vec<Column> {
        vec![
            Column::new("id", ColumnType::Text),
            Column::new("count", ColumnType::Integer),
            Column::new("logp", ColumnType::Float),
            Column::new("pass", ColumnType::Boolean),
        ]
    }

    fn rows(n: usize) -> Vec<Vec<Cell>> {
        (0..n)
            .map(|i| {
                vec![
                    Cell::Text(format!("mol,{i}\t\"x\"")),
                    if i % 7 == 3 {
                        Cell::Missing
                    } else {
                        Cell::Integer(i as i64 - 5)
                    },
                    if i % 5 == 1 {
                        Cell::Float(f64::NAN)
                    } else {
                        Cell::Float(i as f64 / 3.0)
                    },
                    Cell::Boolean(i % 2 == 0),
                ]
            })
            .collect()
    }

    #[test]
    fn parquet_reads_back_with_types_nulls_and_metadata_across_row_groups() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let path = path.to_str().unwrap();
        let n = ROW_GROUP_ROWS + 10;
        let mut table = TableWriter::create(path, columns(), &[("shennong.spec", "x/1")]).unwrap();
        for row in rows(n) {
            table.write_row(row).unwrap();
        }
        table.commit().unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
        let meta = reader.metadata();
        assert_eq!(meta.num_row_groups(), 2);
        assert_eq!(meta.file_metadata().num_rows(), n as i64);
        let kv = meta.file_metadata().key_value_metadata().unwrap();
        assert!(kv
            .iter()
            .any(|k| k.key == "shennong.spec" && k.value.as_deref() == Some("x/1")));
        let expected = rows(n);
        for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
            let row = row.unwrap();
            let fields: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
            for (field, cell) in fields.iter().zip(&expected[i]) {
                match (field, cell) {
                    (Field::Str(a), Cell::Text(b)) => assert_eq!(a, b),
                    (Field::Long(a), Cell::Integer(b)) => assert_eq!(a, b),
                    (Field::Double(a), Cell::Float(b)) => assert_eq!(a, b),
                    (Field::Bool(a), Cell::Boolean(b)) => assert_eq!(a, b),
                    (Field::Null, Cell::Missing) => {}
                    (Field::Null, Cell::Float(b)) if b.is_nan() => {}
                    other => panic!("row {i}: {other:?}"),
                }
            }
        }
    }

    #[test]
    fn empty_parquet_table_has_its_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.parquet");
        TableWriter::create(path.to_str().unwrap(), columns(), &[])
            .unwrap()
            .commit()
            .unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let schema = reader.metadata().file_metadata().schema_descr();
        assert_eq!(schema.num_columns(), 4);
        assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
    }

    #[test]
    fn text_tables_quote_csv_and_flatten_tsv() {
        let dir = tempfile::tempdir().unwrap();
        for (name, expected) in [
            (
                "t.csv",
                "id,count,logp,pass\n\"mol,0\t\"\"x\"\"\",-5,0.0,True\n\"mol,1\t\"\"x\"\"\",-4,,False\n",
            ),
            (
                "t.tsv",
                "id\tcount\tlogp\tpass\nmol,0 \"x\"\t-5\t0.0\tTrue\nmol,1 \"x\"\t-4\t\tFalse\n",
            ),
        ] {
            let path = dir.path().join(name);
            let mut table = TableWriter::create(path.to_str().unwrap(), columns(), &[]).unwrap();
            for row in rows(2) {
                table.write_row(row).unwrap();
            }
            table.commit().unwrap();
            assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);
        }
    }

    #[test]
    fn mismatched_rows_and_names_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let mut table = TableWriter::create(path.to_str().unwrap(), columns(), &[]).unwrap();
        assert!(table.write_row(vec![Cell::Missing]).is_err());
        let bad = vec![
            Cell::Integer(1),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
        ];
        assert!(table
            .write_row(bad)
            .unwrap_err()
            .to_string()
            .contains("'id'"));
        drop(table);
        assert!(!path.exists(), "an uncommitted table must not appear");
        assert!(TableWriter::create("x.parquet.gz", columns(), &[]).is_err());
        assert!(TableWriter::create("x.xlsx", columns(), &[]).is_err());
        let twice = vec![
            Column::new("a", ColumnType::Text),
            Column::new("a", ColumnType::Text),
        ];
        assert!(TableWriter::create(path.to_str().unwrap(), twice, &[]).is_err());
    }
}
