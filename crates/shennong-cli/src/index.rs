//! `shennong index build|info`: library indexes for search, clustering and
//! picking.

use std::path::Path;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use shennong::fingerprint::fps::FpsReader;
use shennong::index::{default_pattern_spec, Index, IndexBuilder, IndexParams};

use crate::batch::{self, group, BatchArgs};
use crate::fp::FpOptions;

/// `shennong index …`.
#[derive(Subcommand, Debug)]
pub enum IndexCommand {
    /// Build an index from SMILES, SD, CSV/TSV or FPS input.
    Build(BuildArgs),
    /// Print what an index holds and how it was made.
    Info(InfoArgs),
}

/// Arguments of `shennong index build`.
#[derive(Args, Debug)]
pub struct BuildArgs {
    /// Input: molecules (.smi, .sdf, .csv, .tsv, optionally .gz) or fingerprints (.fps, .fps.gz).
    pub input: String,
    /// The index file to write (.shx).
    #[arg(short, long)]
    pub output: String,
    /// The similarity fingerprint (--fp or --type, --radius, --size).
    #[command(flatten)]
    pub fp: FpOptions,
    /// Leave out the SMILES and pattern fingerprints (no substructure search; smaller file).
    #[arg(long)]
    pub no_molecules: bool,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Arguments of `shennong index info`.
#[derive(Args, Debug)]
pub struct InfoArgs {
    /// The index file.
    pub index: String,
}

/// Runs `shennong index …`.
pub fn run(command: IndexCommand) -> Result<i32> {
    match command {
        IndexCommand::Build(args) => build(args),
        IndexCommand::Info(args) => info(args),
    }
}

fn is_fps(path: &str) -> bool {
    let name = path.trim_end_matches(".gz");
    name.ends_with(".fps")
}

fn output_dir(path: &str) -> &Path {
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn build(args: BuildArgs) -> Result<i32> {
    let start = std::time::Instant::now();
    let dir = output_dir(&args.output);
    let (summary, failed) = if is_fps(&args.input) {
        build_from_fps(&args, dir)?
    } else {
        let spec = args.fp.spec()?;
        let pattern = (!args.no_molecules).then(default_pattern_spec);
        let params = IndexParams {
            fp_type: spec.to_string(),
            fp_bits: spec.size,
            pattern_type: pattern.as_ref().map(ToString::to_string),
            pattern_bits: pattern.as_ref().map_or(0, |p| p.size),
            with_smiles: !args.no_molecules,
            source: args.input.clone(),
        };
        let mut builder = IndexBuilder::new(params, dir)?;
        let totals = batch::run_into(
            &args.batch,
            &args.input,
            |raw| {
                let record = raw.parse()?;
                let fp = spec.bits(&record.mol);
                let extra = pattern.as_ref().map(|p| {
                    (
                        p.bits(&record.mol),
                        shennong::smiles::to_smiles(&record.mol),
                    )
                });
                Ok((fp, extra, record.id))
            },
            |(fp, extra, id)| {
                let (pattern, smiles) = match &extra {
                    Some((p, s)) => (Some(p), Some(s.as_str())),
                    None => (None, None),
                };
                builder.add(&fp, pattern, &id, smiles)?;
                Ok(())
            },
        )?;
        if builder.is_empty() {
            bail!(
                "no record of '{}' could be read: nothing to index",
                args.input
            );
        }
        (builder.finish(Path::new(&args.output))?, totals.failed)
    };
    eprintln!(
        "wrote {}: {} records, {} failed; {:.1} MB ({:.1} MB fingerprints, {:.1} MB pattern fingerprints, {:.1} MB ids and SMILES) in {:.1} s",
        args.output,
        group(summary.records),
        group(failed),
        summary.file_bytes as f64 / 1e6,
        summary.fingerprint_bytes as f64 / 1e6,
        summary.pattern_bytes as f64 / 1e6,
        summary.text_bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    Ok(0)
}

fn build_from_fps(args: &BuildArgs, dir: &Path) -> Result<(shennong::index::BuildSummary, usize)> {
    let input = shennong::io::open_input(&args.input, args.input.ends_with(".gz"))?;
    let reader = FpsReader::new(input).with_context(|| format!("cannot read '{}'", args.input))?;
    let header = reader.header().clone();
    if header.num_bits == 0 {
        bail!("'{}' has no #num_bits= line", args.input);
    }
    let params = IndexParams {
        fp_type: header.fp_type.clone().unwrap_or_default(),
        fp_bits: header.num_bits,
        pattern_type: None,
        pattern_bits: 0,
        with_smiles: false,
        source: args.input.clone(),
    };
    let mut builder = IndexBuilder::new(params, dir)?;
    let mut failed = 0usize;
    for (n, record) in reader.enumerate() {
        match record {
            Ok((fp, id)) => {
                let id = if id.is_empty() {
                    (n + 1).to_string()
                } else {
                    id
                };
                builder.add(&fp, None, &id, None)?;
            }
            Err(e) => {
                failed += 1;
                eprintln!("record {}: {e}", n + 1);
                if args.batch.errors == batch::ErrorMode::Strict {
                    bail!("stopped at the first bad record (--errors strict); the index was not written");
                }
            }
        }
    }
    if builder.is_empty() {
        bail!(
            "no fingerprint of '{}' could be read: nothing to index",
            args.input
        );
    }
    Ok((builder.finish(Path::new(&args.output))?, failed))
}

fn info(args: InfoArgs) -> Result<i32> {
    let index = Index::open(&args.index)?;
    let info = index.info();
    println!("file\t{}", args.index);
    println!("format_version\t{}", info.format_version);
    println!("records\t{}", info.records);
    println!("fingerprint\t{}", info.fp_type);
    println!("fingerprint_bits\t{}", info.fp_bits);
    println!(
        "pattern\t{}",
        info.pattern_type
            .as_deref()
            .unwrap_or("none (no substructure search)")
    );
    println!("smiles\t{}", if info.has_smiles { "yes" } else { "no" });
    println!("source\t{}", info.source);
    println!("software\t{}", info.software);
    println!("bytes\t{}", info.file_bytes);
    println!(
        "popcount_kernel\t{}",
        shennong::index::kernel::popcount_method()
    );
    Ok(0)
}
