//! Any bytes: parsing never panics, and whatever parses writes canonical
//! SMILES that parse again to the same canonical string; for the molecules
//! whose canonical SMILES RDKit itself may read back as another form (ring
//! dummies, aromatic-flagged multiple bonds, unflagged aromatic bonds
//! marked for stereo; see
//! `shennong_smiles::canonical_may_drift`), reading it back must not panic.
//! A molblock written for it (with a 2D layout) has finite coordinates and,
//! outside those molecules, reads back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mol) = shennong_smiles::parse(&text) {
        let canon = shennong_smiles::to_smiles(&mol);
        let again = shennong_smiles::parse(&canon);
        if !shennong_smiles::canonical_may_drift(&mol) {
            let again = again.expect("canonical SMILES must re-parse");
            assert_eq!(shennong_smiles::to_smiles(&again), canon);
        }
        // a written molblock (2D layout included) has finite coordinates
        // and reads back (unless, as for RDKit's own molblocks, an
        // aromatic-flagged multiple bond or the like may not)
        if let Ok(block) = shennong_sdf::write_molblock(&mol, "fuzz") {
            assert!(!block.contains("NaN") && !block.contains("inf"), "{block}");
            let back = shennong_sdf::read_molblock(&block);
            if !shennong_smiles::canonical_may_drift(&mol) {
                back.expect("a written molblock must read back");
            }
        }
    }
});
