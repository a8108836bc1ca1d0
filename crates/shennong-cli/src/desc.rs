//! `shennong desc`: RDKit-compatible descriptors into a CSV, TSV or Parquet table.

use anyhow::{bail, Result};
use clap::Args;
use shennong::descriptors::{all_descriptors, DescriptorSet};
use shennong::io::{Cell, Column, ColumnType, TableWriter};

use crate::batch::{self, BatchArgs};

/// Arguments of `shennong desc`.
#[derive(Args, Debug)]
pub struct DescArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    #[arg(required_unless_present = "list")]
    pub input: Option<String>,
    /// Output table: .csv or .tsv (optionally .gz), .parquet, or - for
    /// stdout (CSV). Columns: id, then one column per descriptor under
    /// RDKit's name (integer descriptors as integers; NaN as missing).
    #[arg(short, long, required_unless_present = "list")]
    pub output: Option<String>,
    /// Descriptors to compute, comma-separated RDKit names (default: all).
    #[arg(long, value_delimiter = ',', conflicts_with = "all")]
    pub names: Vec<String>,
    /// Compute every descriptor (the default).
    #[arg(long)]
    pub all: bool,
    /// List the descriptor names with a one-line description, and exit.
    #[arg(long)]
    pub list: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// A descriptor value as a table cell: integer descriptors as integers,
/// NaN (not computable for this molecule) as missing.
fn cell(v: f64, integer: bool) -> Cell {
    if v.is_nan() {
        Cell::Missing
    } else if integer && v.fract() == 0.0 && v.abs() < 1e15 {
        Cell::Integer(v as i64)
    } else {
        // a sum over nothing is -0.0 in Rust; RDKit and the table say 0.0
        Cell::Float(v + 0.0)
    }
}

/// Runs `shennong desc`; returns the exit status.
pub fn run(args: DescArgs) -> Result<i32> {
    if args.list {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for d in all_descriptors() {
            // a closed pipe (`| head`) just ends the listing
            if writeln!(out, "{}\t{}", d.name(), d.description()).is_err() {
                break;
            }
        }
        return Ok(0);
    }
    let (Some(input), Some(output_path)) = (args.input.as_deref(), args.output.as_deref()) else {
        bail!("give an input file and -o OUTPUT (or --list)");
    };
    let set = if args.names.is_empty() {
        DescriptorSet::all()
    } else {
        DescriptorSet::from_names(&args.names)?
    };
    let integer: Vec<bool> = set.descriptors().iter().map(|d| d.is_integer()).collect();
    let mut columns = vec![Column::new("id", ColumnType::Text)];
    columns.extend(set.names().iter().zip(&integer).map(|(name, &int)| {
        Column::new(
            *name,
            if int {
                ColumnType::Integer
            } else {
                ColumnType::Float
            },
        )
    }));
    let spec = set.spec();
    let mut table =
        TableWriter::create(output_path, columns, &[("shennong.descriptor_set", &spec)])?;
    if args.names.is_empty() {
        eprintln!(
            "descriptor set: all {} descriptors ({})",
            set.names().len(),
            spec.split(" names=").next().unwrap_or_default()
        );
    } else {
        eprintln!("descriptor set: {spec}");
    }
    batch::run_into(
        &args.batch,
        input,
        |raw| {
            let record = raw.parse()?;
            let values = set.compute(&record.mol);
            let mut row = Vec::with_capacity(values.len() + 1);
            row.push(Cell::Text(record.id));
            row.extend(values.iter().zip(&integer).map(|(v, int)| cell(*v, *int)));
            Ok(row)
        },
        |row| Ok(table.write_row(row)?),
    )?;
    table.commit()?;
    Ok(0)
}
