//! Times Shennong's core operations on in-memory data: SMILES
//! parse+sanitize, canonical SMILES writing, SD reading. Driven by
//! `bench/bench_core.py`, which times RDKit on the same files, one run of
//! each tool after the other, so that both see the machine in the same
//! state (on a shared VM the speed drifts over minutes).
//!
//! Usage: bench_core SMILES_FILE SDF_FILE
//! Loads both files, then reads commands from stdin, one per line:
//! `PHASE THREADS` (PHASE: parse, canon or sdf), and answers each with one
//! JSON object on stdout: `{"phase": …, "threads": …, "seconds": …, "count": …}`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::time::Instant;

use rayon::prelude::*;

// the same allocator as the `shennong` binary
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smiles: Vec<String> = std::fs::read_to_string(&args[1])
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let sdf = std::fs::read(&args[2]).unwrap();
    // the molecules the canonical writer is timed on, parsed once, untimed,
    // before its first run (as the RDKit side parses its list once)
    let mut mols: Option<Vec<shennong::mol::Mol>> = None;
    let mut pools: HashMap<usize, rayon::ThreadPool> = HashMap::new();
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let mut words = line.split_whitespace();
        let (Some(phase), Some(threads)) = (words.next(), words.next()) else {
            continue;
        };
        let threads: usize = threads.parse().unwrap();
        let pool = pools.entry(threads).or_insert_with(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
        });
        let mols: &[shennong::mol::Mol] = if phase == "canon" {
            mols.get_or_insert_with(|| {
                smiles
                    .par_iter()
                    .filter_map(|s| shennong::smiles::parse(s).ok())
                    .collect()
            })
        } else {
            &[]
        };
        let (seconds, count) = pool.install(|| {
            let t = Instant::now();
            let count = match phase {
                // molecules are dropped as they are made, as in the RDKit loop
                "parse" => smiles
                    .par_iter()
                    .filter(|s| shennong::smiles::parse(s).is_ok())
                    .count(),
                "canon" => mols
                    .par_iter()
                    .map(|m| shennong::smiles::to_smiles(m).len())
                    .sum(),
                "sdf" => {
                    let records: Vec<_> = shennong::sdf::SdRecords::new(sdf.as_slice())
                        .filter_map(Result::ok)
                        .collect();
                    records
                        .par_iter()
                        .filter(|r| shennong::sdf::read_molblock(&r.molblock).is_ok())
                        .count()
                }
                other => panic!("unknown phase {other}"),
            };
            (t.elapsed().as_secs_f64(), count)
        });
        let mut out = stdout.lock();
        writeln!(out, "{{\"phase\": \"{phase}\", \"threads\": {threads}, \"seconds\": {seconds:.4}, \"count\": {count}}}").unwrap();
        out.flush().unwrap();
    }
}
