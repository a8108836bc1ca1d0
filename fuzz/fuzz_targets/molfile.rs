//! Any bytes as a molfile or SD stream: never panics; what parses can be written.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(mol) = shennong_sdf::read_molblock(&text) {
        let _ = shennong_smiles::to_smiles(&mol);
        let _ = shennong_sdf::write_molblock(&mol, "fuzz");
    }
    for rec in shennong_sdf::SdRecords::new(data).flatten() {
        let _ = shennong_sdf::read_molblock(&rec.molblock);
    }
});
