//! `shennong fp`: fingerprints into chemfp's FPS format (or sparse counts
//! into a CSV, TSV or Parquet table).

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use shennong::fingerprint::{fps, FingerprintSpec, Kind};
use shennong::io::{Cell, Column, ColumnType, OutputFile, TableFormat, TableWriter};

use crate::batch::{self, BatchArgs};

/// Fingerprint kinds on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FpType {
    /// Morgan / ECFP (connectivity invariants).
    Morgan,
    /// Morgan with feature invariants (FCFP).
    Fcfp,
    /// Atom pairs.
    Atompair,
    /// Topological torsions.
    Torsion,
    /// RDKit path fingerprint (RDKFingerprint).
    Rdkit,
    /// MACCS 166 keys.
    Maccs,
    /// Substructure-screening fingerprint.
    Pattern,
}

/// Arguments of `shennong fp`.
#[derive(Args, Debug)]
pub struct FpArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// Output: .fps (optionally .gz) for bits; with --counts a table,
    /// .csv/.tsv (optionally .gz) or .parquet.
    #[arg(short, long)]
    pub output: String,
    #[command(flatten)]
    pub fp: FpOptions,
    /// Write folded sparse counts as rows `id,bit,count` instead of bits.
    #[arg(long)]
    pub counts: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Which fingerprint: shared by `fp` and `index build`.
#[derive(Args, Debug, Clone)]
pub struct FpOptions {
    /// Fingerprint kind.
    #[arg(
        long = "type",
        visible_alias = "fp",
        value_enum,
        default_value = "morgan"
    )]
    pub fp_type: FpType,
    /// Morgan/FCFP radius (2 = ECFP4).
    #[arg(long, default_value_t = 2)]
    pub radius: u32,
    /// Number of bits (MACCS is always 167).
    #[arg(long)]
    pub size: Option<u32>,
    /// Morgan/FCFP with stereo (RDKit's `includeChirality=True`).
    #[arg(long)]
    pub chirality: bool,
}

impl FpOptions {
    /// The spec the options describe.
    pub fn spec(&self) -> Result<FingerprintSpec> {
        let mut spec = spec_from_options(self.fp_type, self.radius, self.size)?;
        if self.chirality {
            if !matches!(spec.kind, Kind::Morgan | Kind::FeatureMorgan) {
                bail!("--chirality applies to morgan and fcfp fingerprints");
            }
            spec.include_chirality = true;
        }
        Ok(spec)
    }
}

/// The spec of a kind, Morgan radius and size (`None`: the kind's default).
fn spec_from_options(fp_type: FpType, radius: u32, size: Option<u32>) -> Result<FingerprintSpec> {
    let kind = match fp_type {
        FpType::Morgan => Kind::Morgan,
        FpType::Fcfp => Kind::FeatureMorgan,
        FpType::Atompair => Kind::AtomPair,
        FpType::Torsion => Kind::Torsion,
        FpType::Rdkit => Kind::RdkitPath,
        FpType::Maccs => Kind::Maccs,
        FpType::Pattern => Kind::Pattern,
    };
    let mut spec = FingerprintSpec::new(kind);
    spec.radius = radius;
    if let Some(size) = size {
        if kind == Kind::Maccs && size != 167 {
            bail!("MACCS keys always have 167 bits; leave out --size");
        }
        spec.size = size;
    }
    spec.validate().context("invalid fingerprint options")?;
    Ok(spec)
}

/// Runs `shennong fp`; returns the exit status.
pub fn run(args: FpArgs) -> Result<i32> {
    let spec = args.fp.spec()?;
    let summary = if args.counts {
        write_counts(&args, &spec)?
    } else {
        let name = args.output.trim_end_matches(".gz");
        if !name.ends_with(".fps") && args.output != "-" {
            bail!("fingerprints are written as chemfp FPS: name the output .fps (or use --counts with .csv, .tsv or .parquet)");
        }
        let mut output = OutputFile::create(&args.output, args.output.ends_with(".gz"))?;
        output.write_str(&fps::header(&spec, Some(&args.input)))?;
        let summary = batch::run(&args.batch, &args.input, &mut output, |raw| {
            let record = raw.parse()?;
            Ok(fps::record(&spec.bits(&record.mol), &record.id))
        })?;
        output.commit()?;
        summary
    };
    Ok(i32::from(
        summary.failed > 0 && summary.processed == summary.failed,
    ))
}

/// `--counts`: one `id, bit, count` row per set bit. Text tables start with
/// a `# spec` comment line; Parquet keeps the spec in its metadata.
fn write_counts(args: &FpArgs, spec: &FingerprintSpec) -> Result<batch::Summary> {
    let (format, gz) = TableFormat::from_path(&args.output).context(
        "--counts writes a table: name the output .csv, .tsv (optionally .gz) or .parquet",
    )?;
    let columns = vec![
        Column::new("id", ColumnType::Text),
        Column::new("bit", ColumnType::Integer),
        Column::new("count", ColumnType::Integer),
    ];
    let spec_text = spec.to_string();
    let mut table = TableWriter::create_as(
        &args.output,
        format,
        gz,
        columns,
        &[("shennong.fingerprint_spec", &spec_text)],
        Some(&format!("# {spec_text}\n")),
    )?;
    let summary = batch::run_into(
        &args.batch,
        &args.input,
        |raw| {
            let record = raw.parse()?;
            let counts = spec.counts(&record.mol);
            Ok((record.id, counts.counts().to_vec()))
        },
        |(id, counts)| {
            for (bit, count) in counts {
                table.write_row(vec![
                    Cell::Text(id.clone()),
                    Cell::Integer(i64::from(bit)),
                    Cell::Integer(i64::from(count)),
                ])?;
            }
            Ok(())
        },
    )?;
    table.commit()?;
    Ok(summary)
}
