//! Any bytes as a `.shx` index file: opening never panics, and an index
//! that opens can be searched, clustered and picked from without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = tempfile::NamedTempFile::new() else { return };
    if std::fs::write(file.path(), data).is_err() {
        return;
    }
    let Ok(index) = shennong_index::Index::open(file.path()) else { return };
    let query = vec![0x5555_5555_5555_5555u64; index.fp_words()];
    let _ = index.knn(&query, 3, shennong_index::Metric::Tanimoto);
    let _ = index.threshold(&query, 0.2, shennong_index::Metric::Dice);
    for row in 0..index.len().min(4) {
        let _ = (index.id(row), index.smiles(row), index.ordinal(row));
    }
    if index.len() < 2000 {
        let _ = index.butina(0.4, true);
        let _ = index.maxmin(index.len().min(3), &[], 1);
    }
    if let Ok(q) = shennong_smarts::parse("c1ccccc1") {
        let _ = index.substructure(&q, &Default::default());
    }
});
