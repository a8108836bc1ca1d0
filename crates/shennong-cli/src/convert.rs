//! `shennong convert`: molecules from one format to another.

use anyhow::Result;
use clap::Args;
use shennong::io::{OutputOptions, RecordOutput, RecordWriter};
use shennong::smiles::WriteOptions;

use crate::batch::{self, resolve_format, BatchArgs};

/// Arguments of `shennong convert`.
#[derive(Args, Debug)]
pub struct ConvertArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output file (format from the extension), or - for stdout.
    #[arg(short, long)]
    pub output: String,
    /// Output format when it cannot be told from the file name.
    #[arg(long)]
    pub out_format: Option<String>,
    /// Write Kekulé SMILES (no aromatic lower-case atoms).
    #[arg(long)]
    pub kekule: bool,
    /// Non-isomeric SMILES: leave out stereo and isotopes (RDKit's
    /// `isomericSmiles=False`).
    #[arg(long)]
    pub no_stereo: bool,
    /// Keep the input atom order instead of canonical SMILES.
    #[arg(long)]
    pub no_canonical: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Runs the conversion; returns the exit status.
pub fn run(args: ConvertArgs) -> Result<i32> {
    let (format, gz) = resolve_format(&args.output, args.out_format.as_deref(), "out")?;
    let writer = RecordWriter::new(OutputOptions {
        format,
        smiles: WriteOptions {
            canonical: !args.no_canonical,
            kekule: args.kekule,
            stereo: !args.no_stereo,
            atom_maps: true,
        },
    });
    let mut output = RecordOutput::create(&args.output, &writer, gz, &[])?;
    batch::run_into(
        &args.batch,
        &args.input,
        |raw| {
            let (number, line) = (raw.number, raw.line);
            let record = raw.parse()?;
            writer
                .render_record(&record, &[])
                .map_err(|reason| batch::render_error(number, line, &record.id, reason))
        },
        |rendered| Ok(output.write(rendered)?),
    )?;
    output.commit()?;
    Ok(0)
}
