//! `shennong cluster` (Taylor–Butina) and `shennong pick` (MaxMin).

use std::time::Instant;

use anyhow::{bail, Result};
use clap::{Args, ValueEnum};
use shennong::index::Index;
use shennong::io::OutputFile;

use crate::batch::group;
use crate::search::{open_index, pool, progress, tsv, RunArgs};

/// Clustering methods.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Taylor–Butina on Tanimoto distance, as RDKit's Butina.ClusterData.
    Butina,
}

/// Arguments of `shennong cluster`.
#[derive(Args, Debug)]
pub struct ClusterArgs {
    /// The index (.shx).
    pub index: String,
    /// Method.
    #[arg(long, value_enum, default_value = "butina")]
    pub method: Method,
    /// Tanimoto distance cutoff (1 - similarity): records this close are neighbours.
    #[arg(long, default_value_t = 0.35)]
    pub threshold: f64,
    /// Update neighbour counts after every cluster (RDKit's reordering=True).
    #[arg(long)]
    pub reordering: bool,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `shennong pick`.
#[derive(Args, Debug)]
pub struct PickArgs {
    /// The index (.shx).
    pub index: String,
    /// Number of records to pick.
    #[arg(short)]
    pub n: usize,
    /// Seed of the first pick (RDKit's MaxMinPicker seed; same seed, same picks).
    #[arg(long, default_value_t = 42)]
    pub seed: u32,
    /// Start from these records (ids, comma-separated) instead of a random one.
    #[arg(long, value_delimiter = ',')]
    pub first: Vec<String>,
    #[command(flatten)]
    pub run: RunArgs,
}

fn ids_by_ordinal(index: &Index) -> Result<Vec<String>> {
    let rows = index.rows_by_ordinal()?;
    Ok(rows.iter().map(|&r| tsv(&index.id(r as usize))).collect())
}

/// Runs `shennong cluster`.
pub fn run_cluster(args: ClusterArgs) -> Result<i32> {
    let index = open_index(&args.index)?;
    let start = Instant::now();
    let bar = progress(0, args.run.quiet, "");
    bar.set_message("clustering");
    let clusters = match args.method {
        Method::Butina => {
            pool(args.run.threads)?.install(|| index.butina(args.threshold, args.reordering))?
        }
    };
    bar.finish_and_clear();
    let ids = ids_by_ordinal(&index)?;
    let id = |o: u32| ids.get(o as usize).map_or("", String::as_str);
    let mut out = OutputFile::create(&args.run.output, args.run.output.ends_with(".gz"))?;
    out.write_str("cluster\tid\tcentroid_id\tis_centroid\tsize\n")?;
    for (c, members) in clusters.iter().enumerate() {
        let centroid = members.first().map_or("", |&o| id(o));
        let mut text = String::new();
        for (i, &m) in members.iter().enumerate() {
            text.push_str(&format!(
                "{}\t{}\t{centroid}\t{}\t{}\n",
                c + 1,
                id(m),
                u8::from(i == 0),
                members.len()
            ));
        }
        out.write_str(&text)?;
    }
    out.commit()?;
    let singletons = clusters.iter().filter(|c| c.len() == 1).count();
    eprintln!(
        "{} records in {} clusters ({} singletons) at distance <= {} in {:.2} s",
        group(index.len()),
        group(clusters.len()),
        group(singletons),
        args.threshold,
        start.elapsed().as_secs_f64()
    );
    Ok(0)
}

/// Runs `shennong pick`.
pub fn run_pick(args: PickArgs) -> Result<i32> {
    let index = open_index(&args.index)?;
    let start = Instant::now();
    let ids = ids_by_ordinal(&index)?;
    let mut first = Vec::new();
    for want in &args.first {
        match ids.iter().position(|i| i == want) {
            Some(o) => first.push(o as u32),
            None => bail!("--first: no record with id '{want}' in the index"),
        }
    }
    let picks = pool(args.run.threads)?.install(|| index.maxmin(args.n, &first, args.seed))?;
    let mut out = OutputFile::create(&args.run.output, args.run.output.ends_with(".gz"))?;
    out.write_str("rank\tid\n")?;
    let mut text = String::new();
    for (rank, &o) in picks.iter().enumerate() {
        text.push_str(&format!(
            "{}\t{}\n",
            rank + 1,
            ids.get(o as usize).map_or("", String::as_str)
        ));
    }
    out.write_str(&text)?;
    out.commit()?;
    eprintln!(
        "picked {} of {} records in {:.2} s",
        group(picks.len()),
        group(index.len()),
        start.elapsed().as_secs_f64()
    );
    Ok(0)
}
