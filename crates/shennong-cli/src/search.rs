//! `shennong search sim|sub|nxn`: similarity, substructure and NxN search
//! in an index.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use shennong::fingerprint::fps::FpsReader;
use shennong::index::{Index, Metric, SubstructureOptions};
use shennong::io::{InputOptions, OutputFile, RawReader};
use shennong::smarts::{parse_with, ParseOptions};

use crate::batch::{group, resolve_format};

/// `shennong search …`.
#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Similarity search: k nearest (-k) and/or all above a threshold (--threshold).
    Sim(SimArgs),
    /// Substructure search with SMARTS patterns (pattern-fingerprint screen, then a full match).
    Sub(SubArgs),
    /// Every record's neighbours above a threshold (sparse NxN).
    Nxn(NxnArgs),
}

/// Similarity measures on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MetricName {
    /// c / (a + b - c).
    Tanimoto,
    /// 2c / (a + b).
    Dice,
    /// c / (alpha·a + beta·b + (1 - alpha - beta)·c), a = the query.
    Tversky,
}

/// Options shared by the verbs that run on an index.
#[derive(Args, Debug, Clone)]
pub struct RunArgs {
    /// Output TSV file, or - for standard output.
    #[arg(short, long, default_value = "-")]
    pub output: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Measure options.
#[derive(Args, Debug, Clone)]
pub struct MetricArgs {
    /// Similarity measure.
    #[arg(long, value_enum, default_value = "tanimoto")]
    pub metric: MetricName,
    /// Tversky weight of the query's bits.
    #[arg(long, default_value_t = 0.5)]
    pub alpha: f64,
    /// Tversky weight of the target's bits.
    #[arg(long, default_value_t = 0.5)]
    pub beta: f64,
}

impl MetricArgs {
    fn metric(&self) -> Result<Metric> {
        let m = match self.metric {
            MetricName::Tanimoto => Metric::Tanimoto,
            MetricName::Dice => Metric::Dice,
            MetricName::Tversky => Metric::Tversky {
                alpha: self.alpha,
                beta: self.beta,
            },
        };
        m.validate()?;
        Ok(m)
    }
}

/// Arguments of `shennong search sim`.
#[derive(Args, Debug)]
pub struct SimArgs {
    /// The index (.shx).
    pub index: String,
    /// One query SMILES.
    #[arg(long, conflicts_with = "queries")]
    pub query: Option<String>,
    /// A file of queries: molecules (.smi, .sdf, .csv, .tsv, optionally .gz) or fingerprints (.fps).
    #[arg(long)]
    pub queries: Option<String>,
    /// Number of nearest neighbours per query (default 10 unless --threshold is given).
    #[arg(short)]
    pub k: Option<usize>,
    /// Only hits scoring at least this.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// SMILES column of CSV/TSV queries (default: a column named "smiles").
    #[arg(long)]
    pub smiles_col: Option<String>,
    /// Id column of CSV/TSV queries.
    #[arg(long)]
    pub id_col: Option<String>,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `shennong search sub`.
#[derive(Args, Debug)]
pub struct SubArgs {
    /// The index (.shx).
    pub index: String,
    /// One SMARTS (a SMILES works too).
    #[arg(long, conflicts_with = "queries")]
    pub smarts: Option<String>,
    /// A file with one SMARTS per line, optionally followed by whitespace and an id; # starts a comment.
    #[arg(long)]
    pub queries: Option<String>,
    /// At most this many hits per query.
    #[arg(long)]
    pub max_hits: Option<usize>,
    /// Give up on a query after this many seconds (its hits so far are written).
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Require tetrahedral stereo of the pattern to agree.
    #[arg(long)]
    pub chirality: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `shennong search nxn`.
#[derive(Args, Debug)]
pub struct NxnArgs {
    /// The index (.shx).
    pub index: String,
    /// Neighbours score at least this.
    #[arg(long)]
    pub threshold: f64,
    #[command(flatten)]
    pub metric: MetricArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Runs `shennong search …`.
pub fn run(command: SearchCommand) -> Result<i32> {
    match command {
        SearchCommand::Sim(args) => sim(args),
        SearchCommand::Sub(args) => sub(args),
        SearchCommand::Nxn(args) => nxn(args),
    }
}

/// A rayon pool of `--threads` threads (0: all cores).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")
}

/// A progress bar over `len` items on a terminal; hidden otherwise.
pub fn progress(len: usize, quiet: bool, what: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len as u64);
    pb.set_style(
        ProgressStyle::with_template(&format!(
            "{{bar:30}} {{human_pos}}/{{human_len}} {what}  {{per_sec}}  {{elapsed}}  eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

/// Opens an index, naming the file in the error.
pub fn open_index(path: &str) -> Result<Index> {
    Index::open(path).with_context(|| format!("cannot open index '{path}'"))
}

/// TSV-safe text.
pub fn tsv(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

struct QueryFp {
    id: String,
    words: Vec<u64>,
}

/// Reads the queries as fingerprints of the index's kind; bad records are
/// reported and counted.
fn read_queries(args: &SimArgs, index: &Index) -> Result<(Vec<QueryFp>, usize)> {
    let spec = || {
        index.spec().with_context(|| {
            format!(
                "the index holds fingerprints of type '{}' made elsewhere: give the queries as an FPS file of that type",
                index.info().fp_type
            )
        })
    };
    if let Some(smiles) = &args.query {
        let mol = shennong::smiles::parse(smiles)
            .map_err(|e| match &e {
                shennong::smiles::ParseError::Syntax(s) => anyhow::anyhow!("{e}\n{}", s.caret()),
                _ => anyhow::anyhow!("{e}"),
            })
            .context("bad --query")?;
        let words = spec()?.bits(&mol).words().to_vec();
        return Ok((
            vec![QueryFp {
                id: "query".into(),
                words,
            }],
            0,
        ));
    }
    let Some(path) = &args.queries else {
        bail!("give a query: --query SMILES or --queries FILE");
    };
    let mut failed = 0;
    let mut queries = Vec::new();
    if path.trim_end_matches(".gz").ends_with(".fps") {
        let input = shennong::io::open_input(path, path.ends_with(".gz"))?;
        let reader = FpsReader::new(input).with_context(|| format!("cannot read '{path}'"))?;
        let header = reader.header().clone();
        index.check_fp_type(header.fp_type.as_deref().unwrap_or(""), header.num_bits)?;
        for (n, record) in reader.enumerate() {
            match record {
                Ok((fp, id)) => queries.push(QueryFp {
                    id: if id.is_empty() {
                        (n + 1).to_string()
                    } else {
                        id
                    },
                    words: fp.words().to_vec(),
                }),
                Err(e) => {
                    failed += 1;
                    eprintln!("query {}: {e}", n + 1);
                }
            }
        }
        return Ok((queries, failed));
    }
    let spec = spec()?;
    let (format, gz) = resolve_format(path, None, "in")?;
    let options = InputOptions {
        smiles_column: args.smiles_col.clone(),
        id_column: args.id_col.clone(),
        ..InputOptions::default()
    };
    let reader = RawReader::open(path, format, gz, &options)?;
    for raw in reader {
        match raw.and_then(|r| r.parse()) {
            Ok(record) => queries.push(QueryFp {
                id: record.id,
                words: spec.bits(&record.mol).words().to_vec(),
            }),
            Err(e) => {
                failed += 1;
                eprintln!("query {e}");
            }
        }
    }
    Ok((queries, failed))
}

fn sim(args: SimArgs) -> Result<i32> {
    let index = open_index(&args.index)?;
    let metric = args.metric.metric()?;
    let (queries, failed) = read_queries(&args, &index)?;
    let k = match (args.k, args.threshold) {
        (Some(k), _) => Some(k),
        (None, None) => Some(10),
        (None, Some(_)) => None,
    };
    let pool = pool(args.run.threads)?;
    let bar = progress(queries.len(), args.run.quiet, "queries");
    let start = Instant::now();
    let mut out = OutputFile::create(&args.run.output, args.run.output.ends_with(".gz"))?;
    out.write_str("query_id\thit_id\tsimilarity\trank\n")?;
    let mut hits_total = 0usize;
    for chunk in queries.chunks(1024) {
        let results: Vec<Result<(String, usize)>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|q| {
                    let hits = match k {
                        Some(k) => index.knn_above(&q.words, k, args.threshold, metric)?,
                        None => index.threshold(&q.words, args.threshold.unwrap_or(0.0), metric)?,
                    };
                    let qid = tsv(&q.id);
                    let mut text = String::new();
                    for (rank, h) in hits.iter().enumerate() {
                        text.push_str(&format!(
                            "{qid}\t{}\t{}\t{}\n",
                            tsv(&index.id(h.row)),
                            h.score,
                            rank + 1
                        ));
                    }
                    Ok((text, hits.len()))
                })
                .collect()
        });
        for r in results {
            let (text, n) = r?;
            hits_total += n;
            out.write_str(&text)?;
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    out.commit()?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{} queries ({} unreadable), {} hits in {:.3} s ({:.2} ms per query)",
        group(queries.len()),
        group(failed),
        group(hits_total),
        secs,
        1e3 * secs / queries.len().max(1) as f64
    );
    Ok(i32::from(queries.is_empty()))
}

fn read_patterns(args: &SubArgs) -> Result<Vec<(String, String)>> {
    if let Some(s) = &args.smarts {
        return Ok(vec![("query".into(), s.clone())]);
    }
    let Some(path) = &args.queries else {
        bail!("give a pattern: --smarts PATTERN or --queries FILE");
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read '{path}'"))?;
    let mut patterns = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(2, char::is_whitespace);
        let smarts = parts.next().unwrap_or("").to_string();
        let id = parts
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("{}", n + 1), str::to_string);
        patterns.push((id, smarts));
    }
    Ok(patterns)
}

fn sub(args: SubArgs) -> Result<i32> {
    let index = open_index(&args.index)?;
    let patterns = read_patterns(&args)?;
    let pool = pool(args.run.threads)?;
    let bar = progress(patterns.len(), args.run.quiet, "patterns");
    let mut out = OutputFile::create(&args.run.output, args.run.output.ends_with(".gz"))?;
    out.write_str("query_id\thit_id\n")?;
    let mut bad = 0usize;
    let start = Instant::now();
    let rows = index.rows_by_ordinal()?;
    for (line, (id, smarts)) in patterns.iter().enumerate() {
        let query = match parse_with(smarts, ParseOptions::default()) {
            Ok(q) => q,
            Err(e) => {
                bad += 1;
                bar.suspend(|| eprintln!("pattern {} ('{id}'): {e}\n{}", line + 1, e.caret()));
                continue;
            }
        };
        let t0 = Instant::now();
        let options = SubstructureOptions {
            max_hits: args.max_hits,
            deadline: args
                .timeout
                .map(|s| t0 + Duration::from_secs_f64(s.max(0.0))),
            use_chirality: args.chirality,
        };
        let found = pool.install(|| index.substructure(&query, &options))?;
        let qid = tsv(id);
        let mut text = String::new();
        for &o in &found.ordinals {
            let row = rows.get(o as usize).copied().unwrap_or(u32::MAX);
            text.push_str(&format!("{qid}\t{}\n", tsv(&index.id(row as usize))));
        }
        out.write_str(&text)?;
        let note = match (found.truncated, found.timed_out) {
            (true, _) => " (stopped at --max-hits)",
            (_, true) => " (stopped at --timeout)",
            _ => "",
        };
        bar.suspend(|| {
            eprintln!(
                "{qid}: {} hits, {} of {} records passed the screen, {:.1} ms{note}",
                group(found.ordinals.len()),
                group(found.screened_in),
                group(index.len()),
                t0.elapsed().as_secs_f64() * 1e3
            )
        });
        if found.unreadable > 0 {
            eprintln!(
                "warning: {} stored SMILES could not be read",
                found.unreadable
            );
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    out.commit()?;
    eprintln!(
        "{} patterns ({} bad) in {:.2} s",
        patterns.len(),
        bad,
        start.elapsed().as_secs_f64()
    );
    Ok(i32::from(bad > 0 && bad == patterns.len()))
}

fn nxn(args: NxnArgs) -> Result<i32> {
    let index = open_index(&args.index)?;
    let metric = args.metric.metric()?;
    let pool = pool(args.run.threads)?;
    let start = Instant::now();
    let bar = progress(0, args.run.quiet, "");
    bar.set_message("computing neighbours");
    let nbrs = pool.install(|| index.neighbours(args.threshold, metric, |_| true))?;
    bar.finish_and_clear();
    let rows = index.rows_by_ordinal()?;
    let id = |o: u32| tsv(&index.id(rows.get(o as usize).copied().unwrap_or(u32::MAX) as usize));
    let mut out = OutputFile::create(&args.run.output, args.run.output.ends_with(".gz"))?;
    out.write_str("query_id\thit_id\tsimilarity\trank\n")?;
    for o in 0..nbrs.len() {
        let mut list = nbrs.of(o).to_vec();
        list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let qid = id(o as u32);
        let mut text = String::new();
        for (rank, (other, score)) in list.iter().enumerate() {
            text.push_str(&format!("{qid}\t{}\t{score}\t{}\n", id(*other), rank + 1));
        }
        out.write_str(&text)?;
    }
    out.commit()?;
    eprintln!(
        "{} records, {} neighbour pairs at >= {} in {:.2} s",
        group(index.len()),
        group(nbrs.pairs() / 2),
        args.threshold,
        start.elapsed().as_secs_f64()
    );
    Ok(0)
}
