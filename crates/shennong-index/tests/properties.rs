#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Pruned searches equal brute force on random fingerprints, and damaged
//! index files are refused or searched without a panic.

use proptest::prelude::*;
use shennong_fingerprint::BitFingerprint;
use shennong_index::{butina_from_neighbours, Hit, Index, IndexBuilder, IndexParams, Metric};

const BITS: u32 = 256;

fn build(dir: &std::path::Path, fps: &[Vec<u64>]) -> Index {
    let params = IndexParams {
        fp_type: "random".into(),
        fp_bits: BITS,
        pattern_type: None,
        pattern_bits: 0,
        with_smiles: false,
        source: "proptest".into(),
    };
    let mut b = IndexBuilder::new(params, dir).unwrap();
    for (i, w) in fps.iter().enumerate() {
        b.add(
            &BitFingerprint::from_words(BITS, w.clone()),
            None,
            &format!("r{i}"),
            None,
        )
        .unwrap();
    }
    let path = dir.join("p.shx");
    b.finish(&path).unwrap();
    Index::open(&path).unwrap()
}

fn brute(fps: &[Vec<u64>], q: &[u64], metric: Metric) -> Vec<(u32, f64)> {
    let pc = |w: &[u64]| w.iter().map(|x| x.count_ones()).sum::<u32>();
    let mut all: Vec<(u32, f64)> = fps
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let c = f.iter().zip(q).map(|(a, b)| (a & b).count_ones()).sum();
            (i as u32, metric.score(c, pc(q), pc(f)))
        })
        .collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    all
}

/// Sparse random fingerprints with a spread of popcounts, and duplicates
/// so that ties occur.
fn fingerprints() -> impl Strategy<Value = Vec<Vec<u64>>> {
    prop::collection::vec((prop::collection::vec(any::<u64>(), 4), 0u32..4), 1..60).prop_map(
        |rows| {
            let mut out: Vec<Vec<u64>> = Vec::new();
            for (i, (words, sparsity)) in rows.into_iter().enumerate() {
                if i % 7 == 3 && !out.is_empty() {
                    out.push(out[i / 2].clone());
                    continue;
                }
                let mut w = words;
                for _ in 0..sparsity {
                    let mask: Vec<u64> = w.iter().map(|x| x.rotate_left(17)).collect();
                    for (a, m) in w.iter_mut().zip(mask) {
                        *a &= m;
                    }
                }
                out.push(w);
            }
            out
        },
    )
}

fn pairs(hits: &[Hit]) -> Vec<(u32, f64)> {
    hits.iter().map(|h| (h.ordinal, h.score)).collect()
}

fn metrics() -> [Metric; 3] {
    [
        Metric::Tanimoto,
        Metric::Dice,
        Metric::Tversky {
            alpha: 0.8,
            beta: 0.2,
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn knn_and_threshold_equal_brute_force(fps in fingerprints(), k in 1usize..12, t in 0.0f64..1.0, qi in 0usize..60) {
        let dir = tempfile::tempdir().unwrap();
        let index = build(dir.path(), &fps);
        let q = fps[qi % fps.len()].clone();
        for metric in metrics() {
            let all = brute(&fps, &q, metric);
            let knn = pairs(&index.knn(&q, k, metric).unwrap());
            prop_assert_eq!(&knn[..], &all[..k.min(all.len())]);
            let above: Vec<(u32, f64)> = all.iter().copied().filter(|h| h.1 >= t).collect();
            prop_assert_eq!(pairs(&index.threshold(&q, t, metric).unwrap()), above.clone());
            let capped = pairs(&index.knn_above(&q, k, Some(t), metric).unwrap());
            prop_assert_eq!(&capped[..], &above[..k.min(above.len())]);
        }
    }

    #[test]
    fn neighbours_and_butina_equal_brute_force(fps in fingerprints(), cutoff in 0.0f64..1.0) {
        let dir = tempfile::tempdir().unwrap();
        let index = build(dir.path(), &fps);
        let nbrs = index.neighbours(0.0, Metric::Tanimoto, |s| 1.0 - s <= cutoff).unwrap();
        for (i, f) in fps.iter().enumerate() {
            let mut want: Vec<(u32, f64)> = brute(&fps, f, Metric::Tanimoto)
                .into_iter()
                .filter(|&(j, s)| j as usize != i && 1.0 - s <= cutoff)
                .collect();
            want.sort_by_key(|e| e.0);
            prop_assert_eq!(nbrs.of(i), &want[..]);
        }
        // Butina from the pruned search equals Butina on the full lists
        prop_assert_eq!(index.butina(cutoff, false).unwrap(), butina_from_neighbours(&nbrs, false));
        let clusters = index.butina(cutoff, true).unwrap();
        let mut seen: Vec<u32> = clusters.iter().flatten().copied().collect();
        seen.sort_unstable();
        prop_assert_eq!(seen, (0..fps.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn maxmin_picks_are_distinct_and_maximise_the_minimum(fps in fingerprints(), n in 1usize..10, seed in any::<u32>()) {
        let dir = tempfile::tempdir().unwrap();
        let index = build(dir.path(), &fps);
        let n = n.min(fps.len());
        let picks = index.maxmin(n, &[], seed).unwrap();
        prop_assert_eq!(picks.len(), n);
        let mut sorted = picks.clone();
        sorted.sort_unstable();
        sorted.dedup();
        prop_assert_eq!(sorted.len(), n);
        // each pick after the first is a farthest remaining record
        let dist = |a: usize, b: usize| 1.0 - brute(&fps, &fps[a], Metric::Tanimoto).iter().find(|h| h.0 as usize == b).unwrap().1;
        for step in 1..n {
            let chosen = picks[step] as usize;
            let min_to = |c: usize| picks[..step].iter().map(|&p| dist(c, p as usize)).fold(f64::INFINITY, f64::min);
            let best = (0..fps.len()).filter(|c| !picks[..step].contains(&(*c as u32))).map(min_to).fold(f64::NEG_INFINITY, f64::max);
            prop_assert_eq!(min_to(chosen), best);
        }
    }
}

/// Corpus of damaged files, and random byte flips of a valid index: every
/// one is refused with an error or searched without a panic.
#[test]
fn damaged_index_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/index_file");
    let mut inputs: Vec<Vec<u8>> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    assert!(inputs.len() >= 5, "corpus missing");
    let good = std::fs::read(format!("{corpus}/valid_five.shx")).unwrap();
    assert!(Index::open(format!("{corpus}/valid_five.shx")).is_ok());
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..1500 {
        let mut b = good.clone();
        for _ in 0..1 + next() % 4 {
            // mostly the header and tables, where damage is subtle
            let span = if next() % 3 == 0 {
                b.len()
            } else {
                600.min(b.len())
            };
            let at = (next() as usize) % span;
            b[at] = next() as u8;
        }
        inputs.push(b);
    }
    let (mut opened, mut refused) = (0, 0);
    let path = dir.path().join("x.shx");
    for bytes in inputs {
        std::fs::write(&path, &bytes).unwrap();
        match Index::open(&path) {
            Err(e) => {
                assert!(!e.to_string().is_empty());
                refused += 1;
            }
            Ok(index) => {
                opened += 1;
                let q = vec![u64::MAX; index.fp_words()];
                let _ = index.knn(&q, 5, Metric::Tanimoto);
                let _ = index.threshold(&q, 0.1, Metric::Tanimoto);
                let _ = index.butina(0.5, true);
                let _ = index.maxmin(index.len().min(3), &[], 3);
                for row in 0..index.len() {
                    let _ = (index.id(row), index.smiles(row));
                }
                let q = shennong_smarts::parse("C=O").unwrap();
                let _ = index.substructure(&q, &Default::default());
            }
        }
    }
    eprintln!("damaged index files: {opened} opened and searched, {refused} refused");
    assert!(refused > 0 && opened > 0);
}
