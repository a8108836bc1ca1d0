//! `shennong design`: run (or resume) a graph-GA design run from a TOML
//! configuration or on a PMO benchmark task.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use shennong::generate::design::{read_pool, run_design, Progress};
use shennong::generate::pmo::{PMO_MISSING, PMO_TASKS};

/// Arguments of `shennong design`.
#[derive(Args, Debug)]
pub struct DesignArgs {
    /// Design configuration (TOML: `[run]`, `[scoring]` components, optional
    /// `[diversity_filter]`); omit with --pmo.
    pub config: Option<String>,
    /// Run directory: run.toml, scored.csv (every scored molecule with each
    /// component and the total), scored.parquet (the same, typed),
    /// summary.json. Running again on the same directory resumes the run.
    #[arg(short, long)]
    pub output: Option<String>,
    /// Run a PMO benchmark task instead of a configuration (`--pmo list` lists them).
    #[arg(long)]
    pub pmo: Option<String>,
    /// Oracle budget for --pmo (PMO: 10,000).
    #[arg(long, default_value_t = 10_000)]
    pub budget: usize,
    /// Random seed for --pmo.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// For --pmo: model-guided screening factor (1: plain Graph GA; 5, the default:
    /// make five times the offspring and score the best fifth by a
    /// k-nearest-neighbour model of all scores so far).
    #[arg(long, default_value_t = 5)]
    pub screen: usize,
    /// Starting pool (.smi / .smi.gz); for --pmo defaults to zinc250k in
    /// $SHENNONG_DATA or ../shared/data.
    #[arg(long)]
    pub start: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

fn default_zinc() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(dir) = std::env::var("SHENNONG_DATA") {
        candidates.push(PathBuf::from(dir).join("zinc250k.smi.gz"));
    }
    candidates.push(PathBuf::from("../shared/data/zinc250k.smi.gz"));
    candidates.into_iter().find(|p| p.exists())
}

/// Runs `shennong design`.
pub fn run(args: DesignArgs) -> Result<i32> {
    crate::train::init_threads(args.threads);
    let (text, base) = match (&args.pmo, &args.config) {
        (Some(task), None) => {
            if task == "list" {
                for t in PMO_TASKS {
                    println!("{t}");
                }
                for (t, why) in PMO_MISSING {
                    println!("{t}\t(not available: {why})");
                }
                return Ok(0);
            }
            let start = match &args.start {
                Some(s) => PathBuf::from(s),
                None => default_zinc()
                    .context("no starting pool: give --start (PMO starts from zinc250k.smi.gz)")?,
            };
            let start = std::fs::canonicalize(&start)
                .with_context(|| format!("starting pool {}", start.display()))?;
            let text = format!(
                "# PMO task {task}\n[run]\npmo = \"{task}\"\nbudget = {}\nseed = {}\nscreen_factor = {}\nstart = \"{}\"\n",
                args.budget,
                args.seed,
                args.screen,
                start.display().to_string().replace('\\', "\\\\").replace('"', "\\\"")
            );
            (text, PathBuf::from("."))
        }
        (None, Some(config)) => {
            let text = std::fs::read_to_string(config)
                .with_context(|| format!("cannot read configuration {config}"))?;
            let base = Path::new(config)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            (text, base)
        }
        (Some(_), Some(_)) => bail!("give a configuration file or --pmo, not both"),
        (None, None) => bail!("give a configuration file (or --pmo TASK)"),
    };
    let Some(output) = args.output.as_deref() else {
        bail!("give the run directory with -o");
    };
    let pool = match (&args.start, &args.config) {
        (Some(s), Some(_)) => Some(read_pool(Path::new(s))?),
        _ => None,
    };
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template(
                "{bar:30} {human_pos}/{human_len} oracle calls  best {msg}  {elapsed}  eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb
    };
    let on_progress = |p: Progress| {
        bar.set_length(p.budget as u64);
        bar.set_position(p.calls as u64);
        bar.set_message(format!("{:.4} (generation {})", p.best, p.generation));
        true
    };
    let summary = run_design(&text, &base, pool, Path::new(output), on_progress)
        .with_context(|| format!("design run in {output}"))?;
    bar.finish_and_clear();
    eprintln!(
        "design: {} oracle calls of {} ({} resumed), {} generations, stopped: {}",
        summary.calls, summary.budget, summary.resumed, summary.generations, summary.stopped
    );
    eprintln!(
        "best {:.4}, top-10 mean {:.4}, AUC top-10 {:.4}; {:.1} s",
        summary.best, summary.top10_mean, summary.auc_top10, summary.seconds
    );
    if summary.bad_start > 0 {
        eprintln!(
            "{} starting SMILES could not be read and were skipped",
            summary.bad_start
        );
    }
    for (smiles, total) in summary.top.iter().take(3) {
        eprintln!("  {total:.4}  {smiles}");
    }
    eprintln!("wrote {output}/scored.csv, scored.parquet and summary.json");
    Ok(0)
}
