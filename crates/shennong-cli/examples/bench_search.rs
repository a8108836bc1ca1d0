//! Times Shennong's library search on an index built by `shennong index
//! build`: per-query latency of k-NN (k = 10) and threshold (0.7) Tanimoto
//! search on one thread, throughput on all threads, substructure queries on
//! one and all threads; or NxN (0.7) and Butina (distance 0.35). Driven by
//! `bench/bench_search.py`, which times RDKit and FPSim2 on the same data and
//! compares the hits written to OUT_DIR.
//!
//! Usage: bench_search sim INDEX QUERIES_SMI OUT_DIR
//!        bench_search sub INDEX PATTERNS OUT_DIR
//!        bench_search cluster INDEX OUT_DIR
//! Prints one JSON object.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fmt::Write as _;
use std::time::Instant;

use rayon::prelude::*;
use shennong::index::{Index, Metric};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn stats(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    let pick = |q: f64| ms[((ms.len() as f64 - 1.0) * q).round() as usize];
    format!(
        "{{\"n\": {}, \"median_ms\": {:.4}, \"p95_ms\": {:.4}, \"total_s\": {:.4}}}",
        ms.len(),
        pick(0.5),
        pick(0.95),
        ms.iter().sum::<f64>() / 1e3
    )
}

fn one_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}

fn sim(args: &[String]) {
    let open = Instant::now();
    let index = Index::open(&args[2]).unwrap();
    let open_ms = open.elapsed().as_secs_f64() * 1e3;
    let spec = index.spec().unwrap();
    let queries: Vec<Vec<u64>> = std::fs::read_to_string(&args[3])
        .unwrap()
        .lines()
        .map(|l| {
            let smi = l.split_whitespace().next().unwrap();
            spec.bits(&shennong::smiles::parse(smi).unwrap())
                .words()
                .to_vec()
        })
        .collect();
    let out = std::path::Path::new(&args[4]);
    let mut json = format!(
        "{{\"records\": {}, \"open_ms\": {open_ms:.3}, \"kernel\": \"{}\"",
        index.len(),
        shennong::index::kernel::popcount_method()
    );
    for (name, k, t) in [("knn10", Some(10), None), ("threshold07", None, Some(0.7))] {
        let mut lat = Vec::new();
        let mut text = String::new();
        for (qi, q) in queries.iter().enumerate() {
            let t0 = Instant::now();
            let hits = match k {
                Some(k) => index.knn(q, k, Metric::Tanimoto).unwrap(),
                None => index.threshold(q, t.unwrap(), Metric::Tanimoto).unwrap(),
            };
            lat.push(t0.elapsed().as_secs_f64() * 1e3);
            let list: Vec<String> = hits
                .iter()
                .map(|h| format!("{}:{}", h.ordinal, h.score))
                .collect();
            writeln!(text, "{qi}\t{}", list.join(",")).unwrap();
        }
        std::fs::write(out.join(format!("shennong_{name}.tsv")), text).unwrap();
        let t0 = Instant::now();
        let n: usize = queries
            .par_iter()
            .map(|q| match k {
                Some(k) => index.knn(q, k, Metric::Tanimoto).unwrap().len(),
                None => index
                    .threshold(q, t.unwrap(), Metric::Tanimoto)
                    .unwrap()
                    .len(),
            })
            .sum();
        let all = t0.elapsed().as_secs_f64();
        write!(
            json,
            ", \"{name}\": {}, \"{name}_all_threads_s\": {all:.4}, \"{name}_hits\": {n}",
            stats(lat)
        )
        .unwrap();
    }
    println!("{json}}}");
}

/// Substructure search as RDKit's SubstructLibrary does it by default
/// (chirality-aware).
fn sub(args: &[String]) {
    let index = Index::open(&args[2]).unwrap();
    let patterns: Vec<String> = std::fs::read_to_string(&args[3])
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let out = std::path::Path::new(&args[4]);
    let options = shennong::index::SubstructureOptions {
        use_chirality: true,
        ..Default::default()
    };
    let mut json = format!("{{\"records\": {}", index.len());
    let mut lat1 = Vec::new();
    let mut lat_all = Vec::new();
    let mut text = String::new();
    for p in &patterns {
        let q = shennong::smarts::parse(p).unwrap();
        let t0 = Instant::now();
        let hits = one_thread(|| index.substructure(&q, &options).unwrap());
        lat1.push(t0.elapsed().as_secs_f64() * 1e3);
        let t0 = Instant::now();
        let again = index.substructure(&q, &options).unwrap();
        lat_all.push(t0.elapsed().as_secs_f64() * 1e3);
        assert_eq!(hits.ordinals, again.ordinals);
        let list: Vec<String> = hits.ordinals.iter().map(u32::to_string).collect();
        writeln!(text, "{p}\t{}", list.join(",")).unwrap();
    }
    std::fs::write(out.join("shennong_sub.tsv"), text).unwrap();
    write!(
        json,
        ", \"substructure\": {}, \"substructure_all_threads\": {}}}",
        stats(lat1),
        stats(lat_all)
    )
    .unwrap();
    println!("{json}");
}

fn cluster(args: &[String]) {
    let index = Index::open(&args[2]).unwrap();
    let out = std::path::Path::new(&args[3]);
    let mut json = format!("{{\"records\": {}", index.len());
    for (label, threads) in [("1", true), ("all", false)] {
        let run = || {
            let t0 = Instant::now();
            let nbrs = index.neighbours(0.7, Metric::Tanimoto, |_| true).unwrap();
            let nxn = t0.elapsed().as_secs_f64();
            let t0 = Instant::now();
            let clusters = index.butina(0.35, false).unwrap();
            (nxn, nbrs.pairs() / 2, t0.elapsed().as_secs_f64(), clusters)
        };
        let (nxn, pairs, butina, clusters) = if threads { one_thread(run) } else { run() };
        write!(
            json,
            ", \"nxn07_{label}_s\": {nxn:.3}, \"pairs\": {pairs}, \"butina035_{label}_s\": {butina:.3}, \"clusters\": {}",
            clusters.len()
        )
        .unwrap();
        if threads {
            let text: Vec<String> = clusters
                .iter()
                .map(|c| c.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
                .collect();
            std::fs::write(out.join("shennong_butina.txt"), text.join("\n") + "\n").unwrap();
        }
    }
    println!("{json}}}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("sim") => sim(&args),
        Some("sub") => sub(&args),
        Some("cluster") => cluster(&args),
        _ => panic!("usage: bench_search sim|cluster ..."),
    }
}
