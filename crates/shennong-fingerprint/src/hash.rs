//! The two pseudo-random primitives RDKit's fingerprints are built on.

/// boost's `hash_combine` on 32-bit seeds, as in RDKit's `gboost` copy:
/// `seed ^= v + 0x9e3779b9 + (seed << 6) + (seed >> 2)`.
#[inline]
pub fn hash_combine(seed: &mut u32, v: u32) {
    *seed ^= v
        .wrapping_add(0x9e37_79b9)
        .wrapping_add(*seed << 6)
        .wrapping_add(*seed >> 2);
}

/// `gboost::hash` of a pair of 32-bit values.
#[inline]
pub fn hash_pair(a: u32, b: u32) -> u32 {
    let mut seed = 0;
    hash_combine(&mut seed, a);
    hash_combine(&mut seed, b);
    seed
}

/// `gboost::hash_range` over 32-bit values.
#[inline]
pub fn hash_range(values: &[u32]) -> u32 {
    let mut seed = 0;
    for &v in values {
        hash_combine(&mut seed, v);
    }
    seed
}

/// Outputs of the small Mersenne Twister RDKit's fingerprint generators use
/// for extra bits per feature (`boost::random::mersenne_twister<uint32_t, 32,
/// 4, 2, 31, 0x9908b0df, 11, 7, 0x9d2c5680, 15, 0xefc60000, 18>`: a state of
/// only four words), seeded with `seed` as boost does (Knuth's initialiser,
/// then `normalize_state`).
pub fn twister_outputs(seed: u32, out: &mut [u32]) {
    const A: u32 = 0x9908_b0df;
    const UPPER: u32 = 0x8000_0000;
    const LOWER: u32 = 0x7fff_ffff;
    let knuth = |prev: u32, i: u32| {
        1_812_433_253u32
            .wrapping_mul(prev ^ (prev >> 30))
            .wrapping_add(i)
    };
    let x1 = knuth(seed, 1);
    let x2 = knuth(x1, 2);
    let x3 = knuth(x2, 3);
    // normalize_state: y0 from x[m-1] ^ x[n-1]
    let mut y0 = x1 ^ x3;
    y0 = if y0 & UPPER != 0 {
        ((y0 ^ A) << 1) | 1
    } else {
        y0 << 1
    };
    let mut x = [(seed & UPPER) | (y0 & LOWER), x1, x2, x3];
    if x == [0; 4] {
        x = [UPPER, 0, 0, 0];
    }
    let mix =
        |hi: u32, lo: u32, far: u32| far ^ (((hi & UPPER) | (lo & LOWER)) >> 1) ^ ((lo & 1) * A);
    let mut used = 4;
    for slot in out.iter_mut() {
        if used == 4 {
            // boost's twist for n = 4, m = 2, in its order
            let [s0, s1, s2, s3] = x;
            let n0 = mix(s0, s1, s2);
            let n1 = mix(s1, s2, s3);
            let n2 = mix(s2, s3, n0);
            let n3 = mix(s3, n0, n1);
            x = [n0, n1, n2, n3];
            used = 0;
        }
        let mut z = x.get(used).copied().unwrap_or(0);
        used += 1;
        z ^= z >> 11;
        z ^= (z << 7) & 0x9d2c_5680;
        z ^= (z << 15) & 0xefc6_0000;
        z ^= z >> 18;
        *slot = z;
    }
}
