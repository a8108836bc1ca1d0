//! Malformed SMILES give clear errors (with the column where it can be
//! known) and never panic; a mutation fuzzer over real SMILES runs on stable.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use shennong_mol::BondOrder;
use shennong_smiles::{parse, to_smiles, write_smiles, ParseError, WriteOptions};

/// (SMILES, expected column, expected words in the reason)
const SYNTAX: &[(&str, usize, &str)] = &[
    ("C1CC", 2, "ring bond 1 is never closed"),
    ("CC(C", 3, "'(' is never closed"),
    ("CC)C", 3, "')' without '('"),
    ("C()C", 3, "empty branch"),
    ("C[NH4", 2, "missing ']'"),
    ("C[Xx]C", 3, "unknown element"),
    ("C==C", 3, "two bond symbols"),
    ("=CC", 1, "without a preceding atom"),
    ("CC=", 3, "end of the SMILES"),
    ("C.", 2, "'.' at the end"),
    (".C", 1, "without a preceding atom"),
    ("(C)C", 1, "before any atom"),
    ("C%1C", 3, "two digits"),
    ("C%(12C", 6, "expected ')'"),
    ("CuC", 2, "not an organic-subset atom"),
    ("C[C@XY]", 5, "unexpected"),
    ("C[C+20]", 4, "out of range"),
    ("C1CC=1C1", 8, "ring bond 1 is never closed"),
    ("C11", 3, "closes on its own atom"),
    ("C12CC12", 7, "duplicates an existing bond"),
    ("", 1, "empty"),
    ("C$$C", 3, "two bond symbols"),
    ("[C@SP9](F)(Cl)(Br)I", 6, "out of range"),
    ("\u{1F600}", 1, "unexpected character"),
    // Regressions found by an RDKit-differential run over mutated SMILES:
    // a ring-bond number opening a branch closed the ring at the atom
    // before the branch, and a permutation with a leading zero read as
    // unspecified or as 1; RDKit 2026.09 refuses both.
    ("CC(1CCCCC1)C", 4, "ring bond number directly after '('"),
    ("CC(%10CC%10)C", 4, "ring bond number directly after '('"),
    ("C1CC(-1)", 7, "ring bond number directly after '('"),
    (
        "F[C@OH0](Cl)(Br)I",
        7,
        "stereo permutation 0 out of range 1..30",
    ),
    (
        "F[C@TH01](Cl)(Br)I",
        7,
        "stereo permutation 01 out of range 1..2",
    ),
];

#[test]
fn syntax_errors_point_at_the_column() {
    for &(smi, column, words) in SYNTAX {
        match parse(smi) {
            Err(ParseError::Syntax(e)) => {
                assert_eq!(e.column, column, "{smi:?}: {e}");
                assert!(
                    e.reason.contains(words),
                    "{smi:?}: '{}' lacks '{words}'",
                    e.reason
                );
                let caret = e.caret();
                assert!(caret.ends_with('^'), "{caret}");
            }
            other => panic!("{smi:?}: expected a syntax error, got {other:?}"),
        }
    }
}

#[test]
fn chemistry_errors_are_typed() {
    for (smi, words) in [
        ("C(C)(C)(C)(C)C", "greater than permitted"),
        ("c1cccc1", "cannot kekulise ring atoms"),
        ("n1cccc1", "cannot kekulise"),
        ("cc", "non-ring atom 0 marked aromatic"),
        ("O(C)(C)C", "greater than permitted"),
    ] {
        match parse(smi) {
            Err(ParseError::Chemistry(e)) => assert!(e.to_string().contains(words), "{smi}: {e}"),
            other => panic!("{smi:?}: expected a chemistry error, got {other:?}"),
        }
    }
}

#[test]
fn corpus_files_never_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/smiles");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for line in String::from_utf8_lossy(&bytes).lines() {
            n += 1;
            if let Ok(m) = parse(line) {
                let _ = to_smiles(&m);
            }
        }
    }
    assert!(n > 50, "corpus too small: {n}");
}

/// xorshift64*: a tiny deterministic generator, so the run is reproducible.
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

const ALPHABET: &[u8] = b"CNOSPFIBrcnosp()[]=#$:/\\.%0123456789@+-H*";

#[test]
fn mutation_fuzz_over_real_smiles() {
    let seeds: Vec<String> = std::env::var("SHENNONG_DATA")
        .ok()
        .and_then(|d| std::fs::read_to_string(format!("{d}/chembl_1k.smi")).ok())
        .map(|t| {
            t.lines()
                .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_else(|| {
            [
                "CC(=O)Oc1ccccc1C(=O)O",
                "C[C@H](N)C(=O)O",
                "F/C=C/F",
                "c1ccc2[nH]ccc2c1",
                "[Na+].[Cl-]",
                "C1CC2CCC1CC2",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        });
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let iterations = 60_000;
    let mut accepted = 0;
    for _ in 0..iterations {
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
        if let Ok(mol) = parse(&text) {
            accepted += 1;
            // whatever we accept, we must write and read back to the same canonical form
            let canon = to_smiles(&mol);
            // (RDKit's own canonical SMILES of ring dummies, aromatic-
            // flagged multiple bonds and unflagged aromatic bonds marked
            // for stereo may read back as another form; those need only
            // read back without panicking)
            let drift = shennong_smiles::canonical_may_drift(&mol);
            match parse(&canon) {
                Ok(again) if !drift => assert_eq!(
                    to_smiles(&again),
                    canon,
                    "canonical form not stable for {text:?}"
                ),
                Err(e) if !drift => panic!("{text:?} -> {canon:?} does not re-parse: {e}"),
                _ => {}
            }
            let opts = WriteOptions {
                kekule: true,
                ..WriteOptions::default()
            };
            // (a triple or quadruple bond flagged aromatic keeps its order
            // in the Kekulé form, as in RDKit, whose Kekulé SMILES of
            // `c1ccc2[nH]c$cc2c1`, `C1$CC2=CC=CC=C2N1`, is over-valent)
            let kept_order = mol
                .bonds()
                .iter()
                .any(|b| b.aromatic && matches!(b.order, BondOrder::Triple | BondOrder::Quadruple));
            if let Ok(k) = write_smiles(&mol, &opts) {
                assert!(
                    kept_order || parse(&k).is_ok(),
                    "Kekulé SMILES {k:?} of {text:?} does not re-parse"
                );
            }
        }
    }
    println!(
        "mutation fuzz: {iterations} mutants, {accepted} accepted and round-tripped, no panic"
    );
}
