//! Any bytes: parsing never panics, and whatever parses writes canonical
//! SMILES that parse again to the same canonical string.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mol) = shennong_smiles::parse(&text) {
        let canon = shennong_smiles::to_smiles(&mol);
        let again = shennong_smiles::parse(&canon).expect("canonical SMILES must re-parse");
        assert_eq!(shennong_smiles::to_smiles(&again), canon);
        let _ = shennong_sdf::write_molblock(&mol, "fuzz");
    }
});
