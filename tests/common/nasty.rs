//! Nasty-input helpers for the crates' bad-input tests: the seed corpora in
//! `tests/corpus/` and random byte mutations of them (included with
//! `#[path]`, so that every crate uses the same code without a test-only crate).

/// Every file of `tests/corpus/<name>`, as (path, bytes), sorted by path.
pub fn corpus(name: &str) -> Vec<(String, Vec<u8>)> {
    let dir = format!("{}/../../tests/corpus/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A reproducible xorshift generator, without a dependency.
pub fn rng(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// `seed` with one to four bytes replaced, inserted or removed, new bytes
/// drawn from `alphabet`.
pub fn mutate(seed: &[u8], alphabet: &[u8], next: &mut impl FnMut() -> u64) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..(1 + next() % 4) {
        let pos = if bytes.is_empty() {
            0
        } else {
            (next() as usize) % bytes.len()
        };
        let c = alphabet[(next() as usize) % alphabet.len()];
        match next() % 3 {
            0 if !bytes.is_empty() => bytes[pos] = c,
            1 => bytes.insert(pos, c),
            _ if !bytes.is_empty() => {
                bytes.remove(pos);
            }
            _ => bytes.push(c),
        }
    }
    bytes
}
