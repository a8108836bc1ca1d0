//! Any bytes: parsing never panics, and whatever parses writes canonical
//! SMILES that parse again to the same canonical string. One exception, as
//! in RDKit: a double, triple or quadruple bond flagged aromatic (a ring
//! closed through dummy atoms) is written with its order and read back
//! aromatic, so the string may change once before it settles.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mol) = shennong_smiles::parse(&text) {
        let canon = shennong_smiles::to_smiles(&mol);
        let again = shennong_smiles::parse(&canon).expect("canonical SMILES must re-parse");
        let rewritten = shennong_smiles::to_smiles(&again);
        if shennong_smiles::rewrites_once(&mol) {
            let settled = shennong_smiles::parse(&rewritten).expect("rewritten SMILES must re-parse");
            assert_eq!(shennong_smiles::to_smiles(&settled), rewritten);
        } else {
            assert_eq!(rewritten, canon);
        }
        let _ = shennong_sdf::write_molblock(&mol, "fuzz");
    }
});
