//! Any bytes as a Parquet molecule table: reading never panics (the
//! decoder's own assertions are caught and reported as a damaged file), and
//! every row comes out as a record or a record error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use shennong_io::{Format, InputOptions, RawReader};

fuzz_target!(|data: &[u8]| {
    let options = InputOptions {
        carry_columns: true,
        ..InputOptions::default()
    };
    if let Ok(reader) = RawReader::new(Box::new(std::io::Cursor::new(data.to_vec())), Format::Parquet, &options) {
        for record in reader.flatten() {
            let _ = record.parse();
        }
    }
});
