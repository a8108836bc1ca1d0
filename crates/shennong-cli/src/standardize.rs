//! `shennong standardize`: RDKit MolStandardize parents of every record.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{bail, Context, Result};
use clap::Args;
use shennong::io::{OutputOptions, RecordOutput, RecordWriter};
use shennong::smiles::WriteOptions;
use shennong::standardize::{Parent, SaltRemover, Standardizer};

use crate::batch::{self, resolve_format, BatchArgs};

/// Arguments of `shennong standardize`.
#[derive(Args, Debug)]
pub struct StandardizeArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output file (format from the extension): the standardised records,
    /// ids and data carried.
    #[arg(short, long)]
    pub output: String,
    /// Output format when it cannot be told from the file name.
    #[arg(long)]
    pub out_format: Option<String>,
    /// Which parent to write: full (charge parent's canonical tautomer),
    /// cleanup, fragment, charge, isotope, stereo, tautomer, super,
    /// super-no-tautomer.
    #[arg(long, default_value = "full")]
    pub parent: String,
    /// Salt and solvent definitions (one SMARTS per line, `//` comments, as
    /// RDKit's Salts.txt) whose fragments are stripped before the largest
    /// fragment is chosen.
    #[arg(long)]
    pub salts: Option<String>,
    /// Let a fragment holding carbon win over larger inorganic ones.
    #[arg(long)]
    pub prefer_organic: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Runs the standardisation; returns the exit status.
pub fn run(args: StandardizeArgs) -> Result<i32> {
    let Some(parent) = Parent::from_name(&args.parent) else {
        let names: Vec<&str> = Parent::ALL.iter().map(|(n, _)| *n).collect();
        bail!(
            "unknown parent '{}': use one of {}",
            args.parent,
            names.join(", ")
        );
    };
    let mut standardizer = Standardizer::new()?;
    standardizer.prefer_organic = args.prefer_organic;
    if let Some(path) = &args.salts {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read salt file '{path}'"))?;
        standardizer = standardizer.with_salts(SaltRemover::parse(path, &text)?);
    }
    let (format, gz) = resolve_format(&args.output, args.out_format.as_deref(), "out")?;
    let writer = RecordWriter::new(OutputOptions {
        format,
        smiles: WriteOptions::default(),
    });
    let mut output = RecordOutput::create(&args.output, &writer, gz, &[])?;
    let changed = AtomicUsize::new(0);
    let work = |raw: shennong::io::RawRecord| {
        let (number, line) = (raw.number, raw.line);
        let mut record = raw.parse()?;
        let before = shennong::smiles::to_smiles(&record.mol);
        record.mol = standardizer.parent(&record.mol, parent).map_err(|e| {
            batch::render_error(number, line, &record.id, format!("cannot standardise: {e}"))
        })?;
        if shennong::smiles::to_smiles(&record.mol) != before {
            changed.fetch_add(1, Ordering::Relaxed);
        }
        writer
            .render_record(&record, &[])
            .map_err(|reason| batch::render_error(number, line, &record.id, reason))
    };
    let summary = batch::run_into(&args.batch, &args.input, work, |rendered| {
        Ok(output.write(rendered)?)
    })?;
    output.commit()?;
    eprintln!(
        "{} of {} records changed by standardisation ({} parent)",
        batch::group(changed.into_inner()),
        batch::group(summary.processed - summary.failed),
        args.parent
    );
    Ok(0)
}
