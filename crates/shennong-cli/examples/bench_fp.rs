//! Times Shennong's fingerprints and SMARTS matching on in-memory data,
//! single-threaded and on all threads: SMILES → ECFP4 end to end, ECFP4 and
//! MACCS from parsed molecules, and PAINS matching (480 FilterCatalog
//! patterns, first-match test per molecule × pattern). Driven by
//! `bench/bench_fp.py`, which times RDKit on the same files.
//!
//! Usage: bench_fp SMILES_FILE PATTERNS_TSV MATCH_N THREADS
//! Prints one JSON object.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use rayon::prelude::*;
use shennong::fingerprint::{FingerprintSpec, Kind};
use shennong::smarts::{parse_with, ParseOptions, Target};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let smiles: Vec<String> = std::fs::read_to_string(&args[1])
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let patterns: Vec<_> = std::fs::read_to_string(&args[2])
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            parse_with(
                l.split('\t').nth(1).unwrap(),
                ParseOptions { merge_hs: true },
            )
            .unwrap()
        })
        .collect();
    let match_n: usize = args[3].parse().unwrap();
    let threads: usize = args[4].parse().unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let best = |reps: usize, f: &dyn Fn() -> usize| -> (f64, usize) {
        let mut out = (f64::INFINITY, 0);
        for _ in 0..reps {
            let t = Instant::now();
            let r = f();
            out = (out.0.min(t.elapsed().as_secs_f64()), r);
        }
        out
    };
    let ecfp4 = FingerprintSpec::morgan(2, 2048);
    let maccs = FingerprintSpec::new(Kind::Maccs);
    pool.install(|| {
        let (e2e_s, e2e_bits) = best(3, &|| {
            smiles
                .par_iter()
                .filter_map(|s| shennong::smiles::parse(s).ok())
                .map(|m| ecfp4.bits(&m).count_ones() as usize)
                .sum()
        });
        let mols: Vec<_> = smiles.par_iter().filter_map(|s| shennong::smiles::parse(s).ok()).collect();
        let (fp_s, _) = best(3, &|| mols.par_iter().map(|m| ecfp4.bits(m).count_ones() as usize).sum());
        let (maccs_s, maccs_bits) = best(1, &|| mols.par_iter().map(|m| maccs.bits(m).count_ones() as usize).sum());
        let sub = &mols[..match_n.min(mols.len())];
        let (match_s, hits) = best(1, &|| {
            sub.par_iter()
                .map(|m| {
                    let t = Target::new(m);
                    patterns.iter().filter(|q| q.is_match_in(&t)).count()
                })
                .sum()
        });
        println!(
            "{{\"threads\": {threads}, \"n\": {}, \"parsed\": {}, \"e2e_s\": {e2e_s:.4}, \"e2e_bits\": {e2e_bits}, \"fp_s\": {fp_s:.4}, \"maccs_s\": {maccs_s:.4}, \"maccs_bits\": {maccs_bits}, \"match_n\": {}, \"patterns\": {}, \"match_s\": {match_s:.4}, \"hits\": {hits}}}",
            smiles.len(),
            mols.len(),
            sub.len(),
            patterns.len()
        );
    });
}
