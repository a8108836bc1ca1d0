//! Any bytes: SMARTS parsing never panics, and whatever parses can be
//! matched (with and without merged hydrogens) against a few molecules.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for merge_hs in [false, true] {
        if let Ok(q) = shennong_smarts::parse_with(&text, shennong_smarts::ParseOptions { merge_hs }) {
            for smiles in ["CC(=O)Oc1ccccc1C(=O)O", "[2H]C([2H])N", "C1CC2CCC1CC2"] {
                let mol = shennong_smiles::parse(smiles).expect("fixed molecule");
                let _ = q.count(&mol, &shennong_smarts::MatchOptions::default());
                let _ = shennong_fingerprint::pattern::query_pattern_fingerprint(&q, 2048);
            }
        }
    }
});
