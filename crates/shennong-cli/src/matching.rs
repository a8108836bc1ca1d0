//! `shennong match`: substructure search with one SMARTS pattern.

use anyhow::{Context, Result};
use clap::Args;
use shennong::io::OutputFile;
use shennong::smarts::{parse_with, MatchOptions, ParseOptions};

use crate::batch::{self, BatchArgs};

/// Arguments of `shennong match`.
#[derive(Args, Debug)]
pub struct MatchArgs {
    /// Input file (.smi, .sdf, .csv, .tsv, optionally .gz), or - for stdin.
    pub input: String,
    /// The SMARTS (a SMILES works too).
    #[arg(long)]
    pub smarts: String,
    /// Output file (one id per line; with --count a TSV `id<TAB>count`), or - for stdout.
    #[arg(short, long)]
    pub output: String,
    /// Write the number of unique matches of every record instead of the matching ids.
    #[arg(long)]
    pub count: bool,
    /// Merge explicit hydrogen query atoms into their neighbours (RDKit's mergeHs, as its FilterCatalog).
    #[arg(long)]
    pub merge_hs: bool,
    /// Require tetrahedral stereo of the pattern to agree.
    #[arg(long)]
    pub chirality: bool,
    /// Count at most this many unique matches per record (RDKit's default is 1000).
    #[arg(long, default_value_t = 1000)]
    pub max_matches: usize,
    #[command(flatten)]
    pub batch: BatchArgs,
}

/// Runs `shennong match`; returns the exit status.
pub fn run(args: MatchArgs) -> Result<i32> {
    let query = parse_with(
        &args.smarts,
        ParseOptions {
            merge_hs: args.merge_hs,
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}\n{}", e.caret()))
    .context("bad --smarts")?;
    let opts = MatchOptions {
        uniquify: true,
        max_matches: args.max_matches,
        use_chirality: args.chirality,
    };
    let gz = args.output.ends_with(".gz");
    let mut output = OutputFile::create(&args.output, gz)?;
    if args.count {
        output.write_str("id\tcount\n")?;
    }
    let hits = std::sync::atomic::AtomicUsize::new(0);
    let summary = batch::run(&args.batch, &args.input, &mut output, |raw| {
        let record = raw.parse()?;
        let id = shennong::io::quote_csv(&record.id.replace('\t', " "), ',');
        if args.count {
            let n = query.count(&record.mol, &opts);
            if n > 0 {
                hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(format!("{id}\t{n}\n"))
        } else {
            let single = MatchOptions {
                max_matches: 1,
                uniquify: false,
                ..opts
            };
            if query.count(&record.mol, &single) > 0 {
                hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok(format!("{id}\n"))
            } else {
                Ok(String::new())
            }
        }
    })?;
    output.commit()?;
    eprintln!(
        "{} of {} records match",
        hits.into_inner(),
        summary.processed - summary.failed
    );
    Ok(0)
}
