//! Fingerprint values: fixed-size bit vectors and sparse count vectors, with
//! the similarity measures chemists use on them.

/// A fixed-size bit fingerprint; bit `i` is bit `i % 64` of word `i / 64`
/// (the byte order chemfp's FPS hex uses: bit 0 is the low bit of byte 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BitFingerprint {
    nbits: u32,
    words: Vec<u64>,
}

impl BitFingerprint {
    /// An all-zero fingerprint of `nbits` bits.
    pub fn new(nbits: u32) -> BitFingerprint {
        BitFingerprint {
            nbits,
            words: vec![0; (nbits as usize).div_ceil(64)],
        }
    }

    /// Builds a fingerprint from raw words; bits past `nbits` are cleared.
    pub fn from_words(nbits: u32, mut words: Vec<u64>) -> BitFingerprint {
        words.resize((nbits as usize).div_ceil(64), 0);
        let rem = nbits % 64;
        if rem != 0 {
            if let Some(last) = words.last_mut() {
                *last &= (1u64 << rem) - 1;
            }
        }
        BitFingerprint { nbits, words }
    }

    /// Number of bits.
    pub fn len(&self) -> u32 {
        self.nbits
    }

    /// Whether the fingerprint has zero length.
    pub fn is_empty(&self) -> bool {
        self.nbits == 0
    }

    /// The 64-bit words.
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Sets bit `i` (ignored when out of range).
    #[inline]
    pub fn set(&mut self, i: u32) {
        if i < self.nbits {
            if let Some(w) = self.words.get_mut((i / 64) as usize) {
                *w |= 1u64 << (i % 64);
            }
        }
    }

    /// Whether bit `i` is set.
    #[inline]
    pub fn get(&self, i: u32) -> bool {
        self.words
            .get((i / 64) as usize)
            .is_some_and(|w| w & (1u64 << (i % 64)) != 0)
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    /// Indices of the set bits, ascending.
    pub fn on_bits(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.count_ones() as usize);
        for (wi, &w) in self.words.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                let b = w.trailing_zeros();
                out.push(wi as u32 * 64 + b);
                w &= w - 1;
            }
        }
        out
    }

    /// Whether every bit set here is also set in `other` (the substructure
    /// screen: a query's pattern fingerprint must be contained in a target's).
    pub fn is_subset_of(&self, other: &BitFingerprint) -> bool {
        self.words
            .iter()
            .zip(other.words.iter().chain(std::iter::repeat(&0)))
            .all(|(a, b)| a & !b == 0)
    }

    /// Lower-case hex of the bytes, as chemfp's FPS format writes it.
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let nbytes = (self.nbits as usize).div_ceil(8);
        let mut s = String::with_capacity(nbytes * 2);
        for i in 0..nbytes {
            let byte = self
                .words
                .get(i / 8)
                .map_or(0, |w| (w >> ((i % 8) * 8)) as u8);
            s.push(char::from(
                HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0'),
            ));
            s.push(char::from(
                HEX.get(usize::from(byte & 15)).copied().unwrap_or(b'0'),
            ));
        }
        s
    }

    /// Parses chemfp hex for a fingerprint of `nbits` bits.
    pub fn from_hex(hex: &str, nbits: u32) -> Result<BitFingerprint, String> {
        let nbytes = (nbits as usize).div_ceil(8);
        if hex.len() != nbytes * 2 {
            return Err(format!(
                "expected {} hex digits for {} bits, found {}",
                nbytes * 2,
                nbits,
                hex.len()
            ));
        }
        let mut fp = BitFingerprint::new(nbits);
        let bytes = hex.as_bytes();
        for i in 0..nbytes {
            let digit = |k: usize| -> Result<u64, String> {
                let c = bytes.get(k).copied().unwrap_or(b'?');
                char::from(c).to_digit(16).map(u64::from).ok_or_else(|| {
                    format!(
                        "'{}' at position {} is not a hex digit",
                        char::from(c),
                        k + 1
                    )
                })
            };
            let byte = (digit(2 * i)? << 4) | digit(2 * i + 1)?;
            if let Some(w) = fp.words.get_mut(i / 8) {
                *w |= byte << ((i % 8) * 8);
            }
        }
        let rem = nbits % 64;
        if rem != 0 {
            if let Some(&last) = fp.words.last() {
                if last >> rem != 0 {
                    return Err(format!("bits set beyond the fingerprint length {nbits}"));
                }
            }
        }
        Ok(fp)
    }

    fn common(&self, other: &BitFingerprint) -> u32 {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }

    /// Tanimoto (Jaccard) similarity; 0 when both are empty, as RDKit.
    pub fn tanimoto(&self, other: &BitFingerprint) -> f64 {
        let c = f64::from(self.common(other));
        let denom = f64::from(self.count_ones()) + f64::from(other.count_ones()) - c;
        if denom == 0.0 {
            0.0
        } else {
            c / denom
        }
    }

    /// Dice similarity.
    pub fn dice(&self, other: &BitFingerprint) -> f64 {
        let c = f64::from(self.common(other));
        let denom = f64::from(self.count_ones()) + f64::from(other.count_ones());
        if denom == 0.0 {
            0.0
        } else {
            2.0 * c / denom
        }
    }

    /// Tversky similarity with weights `alpha` (this) and `beta` (other).
    pub fn tversky(&self, other: &BitFingerprint, alpha: f64, beta: f64) -> f64 {
        let c = f64::from(self.common(other));
        let a = f64::from(self.count_ones()) - c;
        let b = f64::from(other.count_ones()) - c;
        let denom = alpha * a + beta * b + c;
        if denom == 0.0 {
            0.0
        } else {
            c / denom
        }
    }

    /// Cosine similarity.
    pub fn cosine(&self, other: &BitFingerprint) -> f64 {
        let c = f64::from(self.common(other));
        let denom = (f64::from(self.count_ones()) * f64::from(other.count_ones())).sqrt();
        if denom == 0.0 {
            0.0
        } else {
            c / denom
        }
    }
}

/// A sparse count fingerprint: (index, count) pairs sorted by index, with
/// the index space size (the folded size, or 2^32 for unfolded Morgan ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountFingerprint {
    size: u64,
    counts: Vec<(u32, u32)>,
}

impl CountFingerprint {
    /// Builds a count fingerprint from unsorted (index, count) pairs;
    /// repeated indices are summed.
    pub fn from_pairs(size: u64, mut pairs: Vec<(u32, u32)>) -> CountFingerprint {
        pairs.sort_unstable_by_key(|p| p.0);
        let mut counts: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
        for (i, c) in pairs {
            match counts.last_mut() {
                Some(last) if last.0 == i => last.1 = last.1.saturating_add(c),
                _ => counts.push((i, c)),
            }
        }
        CountFingerprint { size, counts }
    }

    /// Size of the index space.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Non-zero entries, sorted by index.
    pub fn counts(&self) -> &[(u32, u32)] {
        &self.counts
    }

    /// The count at `i`.
    pub fn get(&self, i: u32) -> u32 {
        self.counts
            .binary_search_by_key(&i, |p| p.0)
            .ok()
            .and_then(|k| self.counts.get(k))
            .map_or(0, |p| p.1)
    }

    fn sums(&self, other: &CountFingerprint) -> (f64, f64, f64, f64) {
        // (sum of minima, sum a, sum b, dot product)
        let (mut i, mut j) = (0, 0);
        let (mut mins, mut dot) = (0.0, 0.0);
        let a = &self.counts;
        let b = &other.counts;
        while let (Some(&(ia, ca)), Some(&(ib, cb))) = (a.get(i), b.get(j)) {
            match ia.cmp(&ib) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    mins += f64::from(ca.min(cb));
                    dot += f64::from(ca) * f64::from(cb);
                    i += 1;
                    j += 1;
                }
            }
        }
        let sa: f64 = a.iter().map(|p| f64::from(p.1)).sum();
        let sb: f64 = b.iter().map(|p| f64::from(p.1)).sum();
        (mins, sa, sb, dot)
    }

    /// Tanimoto on counts as RDKit's `TanimotoSimilarity` on `SparseIntVect`:
    /// Σmin / (Σa + Σb − Σmin).
    pub fn tanimoto(&self, other: &CountFingerprint) -> f64 {
        let (m, a, b, _) = self.sums(other);
        let d = a + b - m;
        if d == 0.0 {
            0.0
        } else {
            m / d
        }
    }

    /// Dice on counts: 2Σmin / (Σa + Σb).
    pub fn dice(&self, other: &CountFingerprint) -> f64 {
        let (m, a, b, _) = self.sums(other);
        if a + b == 0.0 {
            0.0
        } else {
            2.0 * m / (a + b)
        }
    }

    /// Tversky on counts: Σmin / (α(Σa − Σmin) + β(Σb − Σmin) + Σmin).
    pub fn tversky(&self, other: &CountFingerprint, alpha: f64, beta: f64) -> f64 {
        let (m, a, b, _) = self.sums(other);
        let d = alpha * (a - m) + beta * (b - m) + m;
        if d == 0.0 {
            0.0
        } else {
            m / d
        }
    }

    /// Cosine on counts: a·b / (|a| |b|).
    pub fn cosine(&self, other: &CountFingerprint) -> f64 {
        let (_, _, _, dot) = self.sums(other);
        let na: f64 = self.counts.iter().map(|p| f64::from(p.1).powi(2)).sum();
        let nb: f64 = other.counts.iter().map(|p| f64::from(p.1).powi(2)).sum();
        let d = (na * nb).sqrt();
        if d == 0.0 {
            0.0
        } else {
            dot / d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_bit_order() {
        let mut fp = BitFingerprint::new(16);
        fp.set(0);
        fp.set(9);
        assert_eq!(fp.to_hex(), "0102");
        assert_eq!(BitFingerprint::from_hex("0102", 16).unwrap(), fp);
        assert!(BitFingerprint::from_hex("01", 16).is_err());
        assert!(BitFingerprint::from_hex("0g02", 16).is_err());
    }

    #[test]
    fn similarities() {
        let mut a = BitFingerprint::new(64);
        let mut b = BitFingerprint::new(64);
        for i in [1, 2, 3] {
            a.set(i);
        }
        for i in [2, 3, 4, 5] {
            b.set(i);
        }
        assert!((a.tanimoto(&b) - 2.0 / 5.0).abs() < 1e-12);
        assert!((a.dice(&b) - 4.0 / 7.0).abs() < 1e-12);
        assert!((a.tversky(&b, 1.0, 1.0) - a.tanimoto(&b)).abs() < 1e-12);
        assert!((a.cosine(&b) - 2.0 / 12f64.sqrt()).abs() < 1e-12);
        let ca = CountFingerprint::from_pairs(8, vec![(1, 2), (2, 1)]);
        let cb = CountFingerprint::from_pairs(8, vec![(1, 1), (3, 1)]);
        assert!((ca.tanimoto(&cb) - 1.0 / 4.0).abs() < 1e-12);
    }
}
