//! Any bytes: reading an FPS file never panics; records that parse write
//! back to the same hex.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(reader) = shennong_fingerprint::fps::FpsReader::new(data) {
        for (fp, _id) in reader.flatten() {
            let hex = fp.to_hex();
            let back = shennong_fingerprint::BitFingerprint::from_hex(&hex, fp.len()).expect("own hex");
            assert_eq!(back, fp);
        }
    }
});
