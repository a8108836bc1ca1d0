//! Times Shennong's descriptors and alert filtering on parsed molecules,
//! single-threaded or on all threads: the full descriptor set, QED, SA score
//! and PAINS (first alert that fires). Driven by `bench/bench_desc.py`,
//! which times RDKit on the same file.
//!
//! Usage: bench_desc SMILES_FILE THREADS
//! Prints one JSON object.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use rayon::prelude::*;
use shennong::descriptors::DescriptorSet;
use shennong::filter::Catalog;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threads: usize = args[2].parse().unwrap();
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .unwrap();
    let mols: Vec<_> = std::fs::read_to_string(&args[1])
        .unwrap()
        .lines()
        .filter_map(|l| shennong::smiles::parse(l.split_whitespace().next()?).ok())
        .collect();
    let all = DescriptorSet::all();
    let qed = DescriptorSet::from_names(&["qed"]).unwrap();
    let sa = DescriptorSet::from_names(&["SAscore"]).unwrap();
    let pains = Catalog::builtin("pains").unwrap();
    // warm the lazily built tables (SMARTS, SA fragment table) outside the timings
    let _ = all.compute(&mols[0]);
    let time = |f: &(dyn Fn() -> f64 + Sync)| {
        let t = Instant::now();
        let v = f();
        (t.elapsed().as_secs_f64(), v)
    };
    let (all_s, all_sum) = time(&|| {
        mols.par_iter()
            .map(|m| all.compute(m).iter().filter(|v| v.is_finite()).sum::<f64>())
            .sum()
    });
    let (qed_s, qed_sum) = time(&|| mols.par_iter().map(|m| qed.compute(m)[0]).sum());
    let (sa_s, sa_sum) = time(&|| mols.par_iter().map(|m| sa.compute(m)[0]).sum());
    let (pains_s, hits) = time(&|| mols.par_iter().filter(|m| pains.any_hit(m)).count() as f64);
    println!(
        "{{\"n\": {}, \"all_s\": {all_s}, \"all_sum\": {all_sum}, \"qed_s\": {qed_s}, \"qed_sum\": {qed_sum}, \"sa_s\": {sa_s}, \"sa_sum\": {sa_sum}, \"pains_s\": {pains_s}, \"pains_hits\": {hits}, \"descriptors\": {}}}",
        mols.len(),
        all.names().len()
    );
}
