//! `shennong desc`: RDKit-compatible descriptors into a CSV/TSV table.

use anyhow::{bail, Result};
use clap::Args;
use shennong::descriptors::{all_descriptors, DescriptorSet};
use shennong::io::OutputFile;

use crate::batch::{self, BatchArgs};
use crate::fp::csv_field;

/// Arguments of `shennong desc`.
#[derive(Args, Debug)]
pub struct DescArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    #[arg(required_unless_present = "list")]
    pub input: Option<String>,
    /// Output table: .csv or .tsv (optionally .gz), or - for stdout (CSV).
    /// Columns: id, then one column per descriptor under RDKit's name.
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

/// Formats a value as RDKit's Python would print it in a table: integers
/// without a decimal point, floats in shortest round-trip form, NaN empty.
fn format_value(v: f64, integer: bool) -> String {
    if v.is_nan() {
        String::new()
    } else if integer && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:?}")
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
    let stem = output_path.trim_end_matches(".gz");
    let sep = if stem.ends_with(".tsv") {
        '\t'
    } else if stem.ends_with(".csv") || output_path == "-" {
        ','
    } else if stem.ends_with(".parquet") {
        bail!("Parquet output is not available yet; write .csv or .tsv (pandas reads both)");
    } else {
        bail!("cannot tell the table format of '{output_path}': use .csv or .tsv (optionally .gz)");
    };
    let gz = output_path.ends_with(".gz");
    let mut output = OutputFile::create(output_path, gz)?;
    let mut header = vec!["id".to_string()];
    header.extend(set.names().iter().map(|n| n.to_string()));
    output.write_str(&format!("{}\n", header.join(&sep.to_string())))?;
    if args.names.is_empty() {
        eprintln!(
            "descriptor set: all {} descriptors ({})",
            set.names().len(),
            set.spec().split(" names=").next().unwrap_or_default()
        );
    } else {
        eprintln!("descriptor set: {}", set.spec());
    }
    let integer: Vec<bool> = set.descriptors().iter().map(|d| d.is_integer()).collect();
    batch::run(&args.batch, input, &mut output, |raw| {
        let record = raw.parse()?;
        let values = set.compute(&record.mol);
        let id = if sep == ',' {
            csv_field(&record.id)
        } else {
            record.id.replace(['\t', '\n', '\r'], " ")
        };
        let mut line = id;
        for (v, int) in values.iter().zip(&integer) {
            line.push(sep);
            line.push_str(&format_value(*v, *int));
        }
        line.push('\n');
        Ok(line)
    })?;
    output.commit()?;
    Ok(0)
}
