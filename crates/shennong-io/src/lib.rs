//! Streaming molecule input and atomic output by file format.
//!
//! Readers yield raw records (text plus id and position) sequentially and
//! cheaply; [`RawRecord::parse`] does the chemistry, so callers can parse
//! in parallel and keep input order. A bad record is an `Err` with its
//! record number, line and column; it never stops the stream.
//!
//! ```
//! use shennong_io::{Format, InputOptions, RawReader};
//! let text = "CCO ethanol\nC1CC bad\nc1ccccc1 benzene\n";
//! let reader = RawReader::new(Box::new(text.as_bytes()), Format::Smiles, &InputOptions::default()).unwrap();
//! let parsed: Vec<_> = reader.map(|r| r.and_then(|raw| raw.parse())).collect();
//! assert_eq!(parsed.len(), 3);
//! assert!(parsed[1].is_err());
//! assert_eq!(parsed[2].as_ref().unwrap().id, "benzene");
//! ```
#![deny(missing_docs)]

mod read;
mod table;
mod write;

pub use read::{open_input, quiet_parquet_panics, InputOptions, RawReader};
pub use table::{Cell, Column, ColumnType, TableFormat, TableWriter};
pub use write::{
    quote_csv, temp_builder, OutputFile, OutputOptions, RecordOutput, RecordWriter, Rendered,
};

use std::fmt;
use std::path::Path;

use shennong_mol::Mol;

/// Molecule file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// SMILES, one per line, optional id after whitespace.
    Smiles,
    /// MDL SD file.
    Sdf,
    /// Comma-separated table with a SMILES column.
    Csv,
    /// Tab-separated table with a SMILES column.
    Tsv,
    /// Apache Parquet table with a SMILES column (records are written by
    /// [`RecordOutput`], typed result tables by [`TableWriter`]).
    Parquet,
}

impl Format {
    /// Parses a format name (`smi`, `smiles`, `sdf`, `sd`, `mol`, `csv`, `tsv`,
    /// `parquet`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().trim_start_matches('.') {
            "smi" | "smiles" | "ism" | "can" => Some(Format::Smiles),
            "sdf" | "sd" | "mol" => Some(Format::Sdf),
            "csv" => Some(Format::Csv),
            "tsv" | "tab" => Some(Format::Tsv),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// Format and gzip flag from a path's extension (`x.sdf.gz` → (Sdf, true)).
    pub fn from_path(path: &Path) -> Option<(Format, bool)> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let (stem, gz) = match name.strip_suffix(".gz") {
            Some(s) => (s.to_string(), true),
            None => (name, false),
        };
        let ext = stem.rsplit_once('.')?.1;
        Format::from_name(ext).map(|f| (f, gz))
    }
}

/// The text of one record before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawText {
    /// A SMILES string.
    Smiles(String),
    /// A molblock.
    Molblock(String),
}

/// One record as read: text, id and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRecord {
    /// 1-based record number.
    pub number: usize,
    /// 1-based line where the record starts.
    pub line: usize,
    /// Column where the SMILES starts on that line (1-based), for error positions.
    pub column: usize,
    /// Identifier (second SMILES column, SD title, id column, or the record number).
    pub id: String,
    /// The molecule text.
    pub text: RawText,
    /// SD data items or other carried fields, in input order.
    pub data: Vec<(String, String)>,
}

/// A parsed record.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based record number.
    pub number: usize,
    /// Identifier.
    pub id: String,
    /// The molecule.
    pub mol: Mol,
    /// SD data items or carried fields.
    pub data: Vec<(String, String)>,
}

/// A record that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// 1-based record number.
    pub number: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// Identifier, when known.
    pub id: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(
                f,
                "record {} (line {}, column {}): {}",
                self.number, self.line, c, self.reason
            ),
            None => write!(
                f,
                "record {} (line {}): {}",
                self.number, self.line, self.reason
            ),
        }
    }
}

impl std::error::Error for RecordError {}

impl RawRecord {
    /// Parses and sanitises the record.
    pub fn parse(self) -> Result<Record, RecordError> {
        let fail = |column: Option<usize>, line: usize, reason: String| RecordError {
            number: self.number,
            line,
            column,
            id: Some(self.id.clone()),
            reason,
        };
        let mol = match &self.text {
            RawText::Smiles(s) => shennong_smiles::parse(s).map_err(|e| match e {
                shennong_smiles::ParseError::Syntax(se) => fail(
                    Some(self.column + se.column - 1),
                    self.line,
                    se.reason.clone(),
                ),
                other => fail(None, self.line, other.to_string()),
            })?,
            RawText::Molblock(m) => shennong_sdf::read_molblock(m).map_err(|e| match e {
                shennong_sdf::ReadError::Syntax(me) => {
                    fail(Some(me.column), self.line + me.line - 1, me.reason.clone())
                }
                other => fail(None, self.line, other.to_string()),
            })?,
        };
        Ok(Record {
            number: self.number,
            id: self.id,
            mol,
            data: self.data,
        })
    }
}

/// I/O-level failures (opening files, writing output).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// Operating-system error with the path involved.
    #[error("{path}: {source}")]
    Os {
        /// The path.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// A format cannot be chosen.
    #[error("{0}")]
    Format(String),
    /// Table input without a SMILES column.
    #[error("{0}")]
    Columns(String),
    /// A molecule could not be written in the output format.
    #[error("{0}")]
    Write(String),
}
