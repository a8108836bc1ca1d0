#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Library search against RDKit: top-k and threshold hits of
//! `BulkTanimoto/Dice/TverskySimilarity`, `Butina.ClusterData`,
//! `MaxMinPicker.LazyBitVectorPick` and `SubstructLibrary.GetMatches`,
//! from `scripts/parity/make_index_reference.py` (directory in
//! `SHENNONG_INDEX_REF`; skipped when unset).

use std::path::Path;

use shennong_fingerprint::FingerprintSpec;
use shennong_index::{default_pattern_spec, Hit, Index, IndexBuilder, IndexParams, Metric};

fn read_smi(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (s, id) = l.split_once('\t').unwrap();
            (s.to_string(), id.to_string())
        })
        .collect()
}

fn build(dir: &Path, lib: &[(String, String)], spec: &FingerprintSpec) -> Index {
    let pattern = default_pattern_spec();
    let params = IndexParams {
        fp_type: spec.to_string(),
        fp_bits: spec.size,
        pattern_type: Some(pattern.to_string()),
        pattern_bits: pattern.size,
        with_smiles: true,
        source: "parity".into(),
    };
    let mut builder = IndexBuilder::new(params, dir).unwrap();
    for (smi, id) in lib {
        let mol = shennong_smiles::parse(smi).unwrap_or_else(|e| panic!("{id}: {e}"));
        builder
            .add(
                &spec.bits(&mol),
                Some(&pattern.bits(&mol)),
                id,
                Some(&shennong_smiles::to_smiles(&mol)),
            )
            .unwrap();
    }
    let path = dir.join("parity.shx");
    builder.finish(&path).unwrap();
    Index::open(&path).unwrap()
}

fn parse_hits(text: &str) -> Vec<(u32, f64)> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|p| {
            let (i, s) = p.split_once(':').unwrap();
            (i.parse().unwrap(), s.parse().unwrap())
        })
        .collect()
}

fn ours(hits: &[Hit]) -> Vec<(u32, f64)> {
    hits.iter().map(|h| (h.ordinal, h.score)).collect()
}

fn ordinals(text: &str) -> Vec<u32> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
}

#[test]
fn library_search_matches_rdkit() {
    let Ok(dir) = std::env::var("SHENNONG_INDEX_REF") else {
        eprintln!("SHENNONG_INDEX_REF not set: library search parity skipped");
        return;
    };
    let dir = Path::new(&dir);
    let lib = read_smi(&dir.join("library.smi"));
    let queries = read_smi(&dir.join("queries.smi"));
    let spec = FingerprintSpec::morgan(2, 2048);
    let tmp = tempfile::tempdir().unwrap();
    let index = build(tmp.path(), &lib, &spec);
    let qfps: Vec<Vec<u64>> = queries
        .iter()
        .map(|(s, _)| {
            spec.bits(&shennong_smiles::parse(s).unwrap())
                .words()
                .to_vec()
        })
        .collect();
    let metric = |name: &str| match name {
        "tanimoto" => Metric::Tanimoto,
        "dice" => Metric::Dice,
        "tversky" => Metric::Tversky {
            alpha: 0.7,
            beta: 0.3,
        },
        other => panic!("unknown metric {other}"),
    };
    let reference = std::fs::read_to_string(dir.join("reference.tsv")).unwrap();
    let (mut total, mut agree) = (
        std::collections::BTreeMap::new(),
        std::collections::BTreeMap::new(),
    );
    let mut failures = Vec::new();
    for line in reference.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        let (kind, same, what) = match f[0] {
            "knn" => {
                let q: usize = f[2].parse().unwrap();
                let got = ours(&index.knn(&qfps[q], 10, metric(f[1])).unwrap());
                (
                    "knn top-10",
                    got == parse_hits(f[3]),
                    format!("{} query {q}", f[1]),
                )
            }
            "threshold" => {
                let q: usize = f[3].parse().unwrap();
                let t: f64 = f[2].parse().unwrap();
                let got = ours(&index.threshold(&qfps[q], t, metric(f[1])).unwrap());
                (
                    "threshold",
                    got == parse_hits(f[4]),
                    format!("{} >= {t} query {q}", f[1]),
                )
            }
            "butina" => {
                let cutoff: f64 = f[1].parse().unwrap();
                let reorder = f[2] == "1";
                let got = index.butina(cutoff, reorder).unwrap();
                let want: Vec<Vec<u32>> = f[3].split(';').map(ordinals).collect();
                (
                    "butina",
                    got == want,
                    format!("cutoff {cutoff} reordering {reorder}"),
                )
            }
            "maxmin" => {
                let n: usize = f[1].parse().unwrap();
                let seed: u32 = f[2].parse().unwrap();
                let first = if f[3] == "-" {
                    Vec::new()
                } else {
                    ordinals(f[3])
                };
                let got = index.maxmin(n, &first, seed).unwrap();
                (
                    "maxmin",
                    got == ordinals(f[4]),
                    format!("n {n} seed {seed} first {}", f[3]),
                )
            }
            "sub" => {
                let q = shennong_smarts::parse(f[1]).unwrap();
                // SubstructLibrary matches with useChirality=true by default
                let opts = shennong_index::SubstructureOptions {
                    use_chirality: true,
                    ..Default::default()
                };
                let got = index.substructure(&q, &opts).unwrap();
                assert_eq!(got.unreadable, 0);
                let want = ordinals(f.get(2).copied().unwrap_or(""));
                let same = got.ordinals == want;
                if !same {
                    eprintln!(
                        "  {}: ours {} hits, RDKit {}",
                        f[1],
                        got.ordinals.len(),
                        want.len()
                    );
                }
                ("substructure", same, f[1].to_string())
            }
            other => panic!("unknown reference line {other}"),
        };
        *total.entry(kind).or_insert(0usize) += 1;
        if same {
            *agree.entry(kind).or_insert(0usize) += 1;
        } else {
            failures.push(format!("{kind}: {what}"));
        }
    }
    eprintln!(
        "library search vs RDKit ({} records, {} queries):",
        index.len(),
        queries.len()
    );
    for (kind, n) in &total {
        let a = agree.get(kind).copied().unwrap_or(0);
        eprintln!(
            "  {kind:<14} {a}/{n} identical ({:.2} %)",
            100.0 * a as f64 / *n as f64
        );
    }
    assert!(
        failures.is_empty(),
        "differences from RDKit:\n{}",
        failures.join("\n")
    );
}
