//! `shennong filter`: structural alerts (PAINS, Brenk, NIH, ZINC, ChEMBL
//! sets, users' SMARTS files) on every record.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use clap::Args;
use shennong::filter::Catalog;
use shennong::io::{Cell, Column, ColumnType, OutputOptions, RecordOutput, RecordWriter, Rendered};
use shennong::smarts::Target;
use shennong::smiles::WriteOptions;

use crate::batch::{self, resolve_format, BatchArgs};

/// Arguments of `shennong filter`.
#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output file (format from the extension): each record with `n_alerts`
    /// and `alerts` (`catalog:name|…`), as columns or SD data items.
    #[arg(short, long)]
    pub output: String,
    /// Output format when it cannot be told from the file name.
    #[arg(long)]
    pub out_format: Option<String>,
    /// Built-in catalogs, comma-separated: pains (= pains_a,pains_b,pains_c),
    /// brenk, nih, zinc, chembl (= the seven chembl_* sets), chembl_glaxo,
    /// chembl_dundee, chembl_bms, chembl_mlsmr, chembl_inpharmatica,
    /// chembl_lint, chembl_surechembl, all.
    #[arg(long, value_delimiter = ',')]
    pub catalog: Vec<String>,
    /// A SMARTS file of your own alerts (`name<TAB>smarts[<TAB>max]` or
    /// `smarts name` per line); may be repeated.
    #[arg(long)]
    pub smarts_file: Vec<String>,
    /// Write only the records that hit no alert.
    #[arg(long, conflicts_with = "keep")]
    pub drop: bool,
    /// Write only the records that hit at least one alert.
    #[arg(long)]
    pub keep: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Runs the filter; returns the exit status.
pub fn run(args: FilterArgs) -> Result<i32> {
    let mut catalog = Catalog::default();
    for name in &args.catalog {
        catalog.extend(Catalog::builtin(name)?);
    }
    for path in &args.smarts_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read SMARTS file '{path}'"))?;
        let name = std::path::Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.clone());
        catalog.extend(Catalog::parse(&name, &text)?);
    }
    if catalog.is_empty() {
        bail!("no alerts: name built-in catalogs with --catalog (e.g. --catalog pains,brenk) or give --smarts-file");
    }
    let (format, gz) = resolve_format(&args.output, args.out_format.as_deref(), "out")?;
    let writer = RecordWriter::new(OutputOptions {
        format,
        smiles: WriteOptions::default(),
    });
    let columns = [
        Column::new("n_alerts", ColumnType::Integer),
        Column::new("alerts", ColumnType::Text),
    ];
    let mut output = RecordOutput::create(&args.output, &writer, gz, &columns)?;
    let flagged = AtomicUsize::new(0);
    let work = |raw: shennong::io::RawRecord| {
        let (number, line) = (raw.number, raw.line);
        let record = raw.parse()?;
        let target = Target::new(&record.mol);
        let hits = catalog.hits_in(&target);
        if !hits.is_empty() {
            flagged.fetch_add(1, Ordering::Relaxed);
        }
        if (args.drop && !hits.is_empty()) || (args.keep && hits.is_empty()) {
            return Ok(Rendered::Skip);
        }
        let names: Vec<String> = hits
            .iter()
            .map(|a| format!("{}:{}", a.catalog, a.name))
            .collect();
        writer
            .render_record(
                &record,
                &[
                    (
                        "n_alerts",
                        Cell::Integer(i64::try_from(hits.len()).unwrap_or(i64::MAX)),
                    ),
                    ("alerts", Cell::Text(names.join("|"))),
                ],
            )
            .map_err(|reason| batch::render_error(number, line, &record.id, reason))
    };
    let summary = batch::run_into(&args.batch, &args.input, work, |rendered| {
        Ok(output.write(rendered)?)
    })?;
    output.commit()?;
    eprintln!(
        "{} of {} records hit at least one of {} alerts{}",
        batch::group(flagged.into_inner()),
        batch::group(summary.processed - summary.failed),
        catalog.len(),
        if args.drop {
            " (dropped)"
        } else if args.keep {
            " (kept; the others dropped)"
        } else {
            ""
        }
    );
    Ok(0)
}
