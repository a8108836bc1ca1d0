#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Morgan fingerprints with RDKit's `includeChirality` (bit parity with
//! RDKit is in `rdkit_parity.rs`, kind `morgan2_chiral`).

/// With `include_chirality` (RDKit's `includeChirality`), enantiomers and
/// E/Z isomers get different Morgan bits; without it they do not.
#[test]
fn chiral_morgan_tells_stereoisomers_apart() {
    let achiral = shennong_fingerprint::FingerprintSpec::morgan(2, 2048);
    let chiral = shennong_fingerprint::FingerprintSpec {
        include_chirality: true,
        ..achiral.clone()
    };
    for (a, b) in [
        ("C[C@H](N)C(=O)O", "C[C@@H](N)C(=O)O"),
        ("C/C=C/CO", "C/C=C\\CO"),
    ] {
        let (ma, mb) = (
            shennong_smiles::parse(a).unwrap(),
            shennong_smiles::parse(b).unwrap(),
        );
        assert_eq!(
            achiral.bits(&ma).to_hex(),
            achiral.bits(&mb).to_hex(),
            "{a} {b}"
        );
        assert_ne!(
            chiral.bits(&ma).to_hex(),
            chiral.bits(&mb).to_hex(),
            "{a} {b}"
        );
    }
}
