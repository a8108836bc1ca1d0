//! Times Shennong's core operations on in-memory data, single-threaded and on
//! all threads: SMILES parse+sanitize, canonical SMILES writing, SD reading.
//! Driven by `bench/bench_core.py`, which times RDKit on the same files.
//!
//! Usage: bench_core SMILES_FILE SDF_FILE THREADS
//! Prints one JSON object.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

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
    let threads: usize = args[3].parse().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    // each phase runs three times; the fastest run is reported (as for RDKit)
    let best = |f: &dyn Fn() -> usize| -> (f64, usize) {
        let mut out = (f64::INFINITY, 0);
        for _ in 0..3 {
            let t = Instant::now();
            let r = f();
            out = (out.0.min(t.elapsed().as_secs_f64()), r);
        }
        out
    };
    pool.install(|| {
        // molecules are dropped as they are made, as in the RDKit loop
        let (parse_s, ok) = best(&|| smiles.par_iter().filter(|s| shennong::smiles::parse(s).is_ok()).count());
        let mols: Vec<_> = smiles.par_iter().filter_map(|s| shennong::smiles::parse(s).ok()).collect();
        let (canon_s, total_len) = best(&|| mols.par_iter().map(|m| shennong::smiles::to_smiles(m).len()).sum());
        let (sdf_s, sdf_mols) = best(&|| {
            let records: Vec<_> = shennong::sdf::SdRecords::new(sdf.as_slice()).filter_map(Result::ok).collect();
            records
                .par_iter()
                .filter(|r| shennong::sdf::read_molblock(&r.molblock).is_ok())
                .count()
        });
        let sdf_n = shennong::sdf::SdRecords::new(sdf.as_slice()).count();
        println!(
            "{{\"threads\": {threads}, \"n\": {}, \"parsed\": {ok}, \"parse_s\": {parse_s:.4}, \"canon_s\": {canon_s:.4}, \"canon_chars\": {total_len}, \"sdf_n\": {sdf_n}, \"sdf_ok\": {sdf_mols}, \"sdf_s\": {sdf_s:.4}}}",
            smiles.len()
        );
    });
}
