//! Random byte mutations of seed inputs for the crates' bad-input tests
//! (included with `#[path]`, so that every crate uses the same mutator
//! without a test-only crate).

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
