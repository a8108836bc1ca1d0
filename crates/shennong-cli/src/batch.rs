//! The batch pipeline shared by record-processing verbs: read raw records
//! sequentially, process chunks in parallel, write results in input order,
//! report bad records, show progress on a terminal, and summarise.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use shennong::io::{Format, InputOptions, OutputFile, RawReader, RawRecord, RecordError};

/// What to do with a bad record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ErrorMode {
    /// Report it on stderr, count it, and go on.
    Skip,
    /// Stop at the first bad record with a non-zero exit status.
    Strict,
}

/// Options every batch verb has.
#[derive(Args, Debug, Clone)]
pub struct BatchArgs {
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Bad records: skip (report and count) or strict (stop).
    #[arg(long, value_enum, default_value = "skip")]
    pub errors: ErrorMode,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Input format when it cannot be told from the file name (smi, sdf, csv, tsv, parquet).
    #[arg(long)]
    pub in_format: Option<String>,
    /// SMILES column of CSV/TSV input (default: a column named "smiles").
    #[arg(long)]
    pub smiles_col: Option<String>,
    /// Id column of CSV/TSV input (default: id/name/title, else the record number).
    #[arg(long)]
    pub id_col: Option<String>,
    /// Also write every bad record's message to this file.
    #[arg(long)]
    pub error_log: Option<String>,
    /// Carry the other CSV/TSV columns in each record's data (set by verbs
    /// that read targets or labels from the table, not a flag).
    #[arg(skip)]
    pub carry_columns: bool,
}

/// Format and gzip flag from `--X-format` or the path.
pub fn resolve_format(path: &str, explicit: Option<&str>, what: &str) -> Result<(Format, bool)> {
    if let Some(name) = explicit {
        let (name, gz) = match name.strip_suffix(".gz") {
            Some(n) => (n, true),
            None => (name, path.ends_with(".gz")),
        };
        let f = Format::from_name(name).with_context(|| {
            format!("unknown {what} format '{name}' (smi, sdf, csv, tsv, parquet)")
        })?;
        return Ok((f, gz));
    }
    if path == "-" {
        bail!("{what} is '-': name its format with --{what}-format");
    }
    Format::from_path(std::path::Path::new(path)).with_context(|| {
        format!("cannot tell the {what} format of '{path}' from its extension; use --{what}-format (smi, sdf, csv, tsv, optionally .gz; parquet)")
    })
}

/// Totals of a run.
pub struct Summary {
    pub processed: usize,
    pub failed: usize,
}

const CHUNK: usize = 2048;

/// Runs `work` on every record in parallel, writing its output in input order.
/// Returns the totals; in strict mode, stops at the first bad record.
pub fn run<F>(args: &BatchArgs, input: &str, output: &mut OutputFile, work: F) -> Result<Summary>
where
    F: Fn(RawRecord) -> Result<String, RecordError> + Sync,
{
    run_into(args, input, work, |text: String| {
        Ok(output.write_str(&text)?)
    })
}

/// Runs `work` on every record in parallel and hands each result to `sink`
/// in input order. Returns the totals; in strict mode, stops at the first
/// bad record.
pub fn run_into<T, F, S>(args: &BatchArgs, input: &str, work: F, mut sink: S) -> Result<Summary>
where
    T: Send,
    F: Fn(RawRecord) -> Result<T, RecordError> + Sync,
    S: FnMut(T) -> Result<()>,
{
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let (format, gz) = resolve_format(input, args.in_format.as_deref(), "in")?;
    let options = InputOptions {
        smiles_column: args.smiles_col.clone(),
        id_column: args.id_col.clone(),
        carry_columns: args.carry_columns,
    };
    let mut reader = RawReader::open(input, format, gz, &options)?;
    let progress = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new_spinner();
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} {human_pos} records  {per_sec}  {elapsed}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        pb
    };
    let mut error_log = match &args.error_log {
        Some(p) => Some(OutputFile::create(p, false)?),
        None => None,
    };
    let start = Instant::now();
    let mut summary = Summary {
        processed: 0,
        failed: 0,
    };
    loop {
        let chunk: Vec<Result<RawRecord, RecordError>> = reader.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let results: Vec<Result<T, RecordError>> =
            pool.install(|| chunk.into_par_iter().map(|r| r.and_then(&work)).collect());
        for r in results {
            summary.processed += 1;
            match r {
                Ok(value) => sink(value)?,
                Err(e) => {
                    summary.failed += 1;
                    let msg = e.to_string();
                    progress.suspend(|| eprintln!("{msg}"));
                    if let Some(log) = error_log.as_mut() {
                        log.write_str(&format!("{msg}\n"))?;
                    }
                    if args.errors == ErrorMode::Strict {
                        progress.finish_and_clear();
                        if let Some(log) = error_log {
                            log.commit()?;
                        }
                        bail!("stopped at the first bad record (--errors strict); the output file was not written");
                    }
                }
            }
        }
        progress.set_position(summary.processed as u64);
        progress.set_message(format!("{} failed", summary.failed));
    }
    progress.finish_and_clear();
    if let Some(log) = error_log {
        log.commit()?;
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "processed {}, failed {} ({:.1} s, {:.0} records/s){}",
        group(summary.processed),
        group(summary.failed),
        secs,
        summary.processed as f64 / secs.max(1e-9),
        if summary.failed > 0 && args.error_log.is_none() {
            "; see the messages above, or --error-log FILE"
        } else {
            ""
        }
    );
    Ok(summary)
}

/// A record error for a record that parsed but could not be written.
pub fn render_error(number: usize, line: usize, id: &str, reason: String) -> RecordError {
    RecordError {
        number,
        line,
        column: None,
        id: Some(id.to_string()),
        reason,
    }
}

/// 1234567 → "1,234,567".
pub fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
