#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Bad SMARTS get clear errors with a column and never panic, in parsing or
//! matching.

use shennong_smarts::{parse, parse_with, MatchOptions, ParseOptions};

fn targets() -> Vec<shennong_mol::Mol> {
    [
        "CC(=O)Oc1ccccc1C(=O)O",
        "[2H]C([2H])([2H])N",
        "C[C@H](N)C(=O)O",
        "OCC(O)C(O)C(O)C(O)CO",
        "[Na+].[Cl-]",
        "C1CC2CCC1CC2",
        "c1ccc2c(c1)[nH]c1ccccc12",
    ]
    .iter()
    .map(|s| shennong_smiles::parse(s).unwrap())
    .collect()
}

#[test]
fn syntax_errors_point_at_the_column() {
    let cases = [
        ("C1CC", 2, "ring bond 1 is never closed"),
        ("C(C", 2, "branch is never closed"),
        ("CC)", 3, "unmatched ')'"),
        ("[C", 1, "bracket atom is never closed"),
        ("C=", 2, "bond without a following atom"),
        ("[Qq]", 2, "unknown element symbol"),
        ("[#]", 3, "expected an atomic number after '#'"),
        ("", 1, "empty SMARTS"),
        ("C[$(N]", 6, "unexpected ']'"),
    ];
    for (smarts, column, reason) in cases {
        let e = parse(smarts).unwrap_err();
        assert_eq!((e.column, e.reason.as_str()), (column, reason), "{smarts}");
        assert!(e
            .to_string()
            .starts_with(&format!("SMARTS error at column {column}")));
        assert_eq!(e.caret().lines().nth(1).unwrap().len(), column);
    }
}

#[test]
fn corpus_never_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/smarts");
    let mols = targets();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for line in String::from_utf8_lossy(&bytes).lines() {
            n += 1;
            for merge_hs in [false, true] {
                if let Ok(q) = parse_with(line, ParseOptions { merge_hs }) {
                    for m in &mols {
                        let _ = q.count(m, &MatchOptions::default());
                    }
                }
            }
        }
    }
    assert!(n > 100, "corpus too small: {n}");
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const ALPHABET: &[u8] = b"CNOScnos*aA#[]()=:~@!&,;$0123456789+-HDXRrvxhzZk{}^%.:/\\<>";

#[test]
fn mutation_fuzz_over_real_patterns() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/filters");
    let mut seeds = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        for line in std::fs::read_to_string(entry.unwrap().path())
            .unwrap()
            .lines()
        {
            if let Some(s) = line.split('\t').nth(1).filter(|_| !line.starts_with('#')) {
                seeds.push(s.to_string());
            }
        }
    }
    let mols = targets();
    let mut rng = Rng(0x5eed_5a7a_0000_0001);
    let mut accepted = 0;
    for _ in 0..20_000 {
        let seed = &seeds[rng.below(seeds.len())];
        let mut bytes = seed.as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let pos = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 if pos < bytes.len() => {
                    bytes.remove(pos);
                }
                1 => bytes.insert(pos, ALPHABET[rng.below(ALPHABET.len())]),
                2 if pos < bytes.len() => bytes[pos] = ALPHABET[rng.below(ALPHABET.len())],
                _ => bytes.insert(pos, (rng.next() & 0xff) as u8),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match parse_with(
            &text,
            ParseOptions {
                merge_hs: rng.below(2) == 0,
            },
        ) {
            Ok(q) => {
                accepted += 1;
                let m = &mols[rng.below(mols.len())];
                let _ = q.count(m, &MatchOptions::default());
            }
            Err(e) => assert!(e.column >= 1 && e.column <= text.len() + 1, "{text:?}: {e}"),
        }
    }
    println!(
        "SMARTS mutation fuzz: {accepted} of 20000 mutants parsed, all matched without panics"
    );
}

/// Chirality-aware counts, as RDKit 2026.09 gives them with `useChirality=True`.
#[test]
fn chirality_aware_matching_agrees_with_rdkit() {
    let cases = [
        ("C[C@H](N)C(=O)O", "[C@H](N)(C)C(=O)O", 1),
        ("C[C@H](N)C(=O)O", "[C@@H](N)(C)C(=O)O", 0),
        ("C[C@@H](N)C(=O)O", "[C@H](N)(C)C(=O)O", 0),
        ("C[C@H](N)C(=O)O", "N[C@@H](C)C(=O)O", 1),
        ("C[C@H](N)C(=O)O", "N[C@H](C)C(=O)O", 0),
        ("CC(N)C(=O)O", "N[C@H](C)C(=O)O", 0),
        ("F[C@](Cl)(Br)I", "[C@](F)(Cl)(Br)I", 1),
        ("F[C@](Cl)(Br)I", "[C@@](F)(Cl)(Br)I", 0),
        ("F[C@](Cl)(Br)I", "Cl[C@](F)(Br)I", 0),
        ("O[C@H]1CC[C@@H](C)CC1", "[C@H]1(O)CCCCC1", 1),
        ("C[C@@H]1CCCC[C@H]1O", "C[C@@H]1CCCC[C@H]1O", 1),
        ("C[C@@H]1CCCC[C@H]1O", "C[C@H]1CCCC[C@H]1O", 0),
    ];
    assert_chiral_counts(&cases);
}

/// Regression (chirality-aware matching accepted untagged target atoms for
/// tagged query atoms of fewer than three neighbours): RDKit's atom label
/// check requires a tetrahedral tag on the target whatever the degree;
/// counts from RDKit 2026.09 `GetSubstructMatches(q, useChirality=True)`.
#[test]
fn tagged_query_atom_of_low_degree_needs_a_tagged_target() {
    let cases = [
        ("CC(N)C(=O)O", "[C@H](N)C", 0),
        ("C[C@H](N)C(=O)O", "[C@H]", 1),
        ("C[C@H](N)C(=O)O", "[C@@H](N)C", 2),
        ("CC(N)C(=O)O", "[C@H]", 0),
        ("OC(F)(Cl)Br", "[C@](F)Cl", 0),
    ];
    assert_chiral_counts(&cases);
}

/// Checks chirality-aware unique match counts, and that every pattern
/// matches without stereo.
fn assert_chiral_counts(cases: &[(&str, &str, usize)]) {
    let opts = MatchOptions {
        use_chirality: true,
        ..MatchOptions::default()
    };
    for &(mol, smarts, want) in cases {
        let m = shennong_smiles::parse(mol).unwrap();
        let q = parse(smarts).unwrap();
        assert_eq!(q.count(&m, &opts), want, "{smarts} in {mol}");
        assert!(
            q.count(&m, &MatchOptions::default()) > 0,
            "{smarts} in {mol} without stereo"
        );
    }
}

/// Regression (chirality-aware matching ignored `/` `\` marks of SMARTS
/// double bonds, so `C/C=C\C` matched trans isomers): counts from RDKit
/// 2026.09 `GetSubstructMatches(q, useChirality=True)`.
#[test]
fn double_bond_stereo_of_smarts_is_matched_as_rdkit() {
    let cases = [
        ("C/C=C/C", "C/C=C/C", 1),
        ("C/C=C/C", "C/C=C\\C", 0),
        ("C/C=C\\C", "C/C=C\\C", 1),
        ("CC=CC", "C/C=C/C", 0),
        ("F/C=C/Cl", "F/C=C/Cl", 1),
        ("F/C=C/Cl", "Cl/C=C/F", 1),
        ("F/C=C/Cl", "F\\C=C/Cl", 0),
        ("F/C(Br)=C/Cl", "Br/C=C/Cl", 0),
        ("F/C(Br)=C/Cl", "F/C=C\\Cl", 0),
        ("C/C=C/C=C/C", "C/C=C\\C", 0),
        ("OC(=O)/C=C\\C(=O)O", "O=C/C=C\\C=O", 1),
        ("OC(=O)/C=C/C(=O)O", "O=C/C=C\\C=O", 0),
        ("C1CCCCCCC/C=C/1", "C/C=C/C", 1),
        ("C/C=C/C", "C=C", 1),
        ("C/C=C/C", "CC=CC", 1),
    ];
    assert_chiral_counts(&cases);
}
