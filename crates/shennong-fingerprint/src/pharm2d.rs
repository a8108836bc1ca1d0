//! 2D pharmacophore fingerprints with Gobbi & Poppinger's feature
//! definitions (A. Gobbi, D. Poppinger, *Biotechnol. Bioeng.* 61, 47 (1998)),
//! with the bit numbering of RDKit's `Pharm2D` package
//! (`Generate.Gen2DFingerprint(mol, Gobbi_Pharm2D.factory)`): two- and
//! three-point pharmacophores of the eight feature families, topological
//! distances between features binned into [2,3), [3,4), …, [7,8), [8,100),
//! three-point scaffolds pruned by the binned triangle inequality, and
//! triangles put in RDKit's canonical order. Bits are identical to RDKit's.
//!
//! ```
//! use shennong_fingerprint::pharm2d::Pharm2D;
//! let gobbi = Pharm2D::gobbi();
//! let mol = shennong_smiles::parse("CCCOc1cc2ncnc(Nc3ccc4ncsc4c3)c2cc1S(=O)(=O)C(C)(C)C").unwrap();
//! let bits = gobbi.bits(&mol);
//! assert!(!bits.is_empty() && bits.iter().all(|&b| b < gobbi.size()));
//! assert_eq!(Pharm2D::tanimoto(&bits, &bits), 1.0);
//! ```

use std::collections::VecDeque;
use std::sync::OnceLock;

use shennong_mol::{AtomIdx, Mol};
use shennong_smarts::{MatchOptions, Query};

/// Gobbi's feature families and definitions, in RDKit's sorted family order.
const GOBBI_FEATURES: [(&str, &str); 8] = [
    ("AG", "[$([C,S](=[O,S,P])-[O;H1])]"),
    ("AR", "[$([a;D3](@*)(@*)*)]"),
    (
        "BG",
        "[$([N;H2&+0][$([C,a]);!$([C,a](=O))]),$([N;H1&+0]([$([C,a]);!$([C,a](=O))])[$([C,a]);!$([C,a](=O))]),$([N;H0&+0]([C;!$(C(=O))])([C;!$(C(=O))])[C;!$(C(=O))]),$([N,n;X2;+0])]",
    ),
    (
        "HA",
        "[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N&v3;H1,H2]-[!$(*=[O,N,P,S])]),$([N;v3;H0]),$([n,o,s;+0]),F]",
    ),
    (
        "HD",
        "[$([N;!H0;v3]),$([N;!H0;+1;v4]),$([O,S;H1;+0]),$([n;H1;+0])]",
    ),
    (
        "LH",
        "[$([C;H2,H1](!=*)[C;H2,H1][C;H2,H1][$([C;H1,H2,H3]);!$(C=*)]),$(C([C;H2,H3])([C;H2,H3])[C;H2,H3])]",
    ),
    ("RR", "[$([A;D3](@*)(@*)*)]"),
    ("X", "[!#1;!#6;!#7;!#8;!#9;!#16;!#17;!#35;!#53]"),
];

/// Gobbi's distance bins: [lower, upper).
const GOBBI_BINS: [(u32, u32); 7] = [(2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 100)];

/// A 2D pharmacophore signature factory (two- and three-point).
pub struct Pharm2D {
    features: Vec<Query>,
    bins: Vec<(u32, u32)>,
    /// Feature-index combinations with repetition, per point count, in
    /// RDKit's `GetIndexCombinations` order.
    combos: [Vec<Vec<usize>>; 2],
    /// Realisable binned scaffolds per point count.
    scaffolds: [Vec<Vec<usize>>; 2],
    /// First bit of the two- and three-point blocks.
    starts: [u32; 2],
    size: u32,
}

/// Index tuples of length `k` from `0..n` in lexicographic order:
/// non-decreasing (RDKit's `GetIndexCombinations`) or, with `strict`,
/// strictly increasing (k-combinations).
fn index_tuples(n: usize, k: usize, strict: bool) -> Vec<Vec<usize>> {
    fn rec(
        n: usize,
        k: usize,
        from: usize,
        strict: bool,
        cur: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        for x in from..n {
            cur.push(x);
            rec(n, k, x + usize::from(strict), strict, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    rec(n, k, 0, strict, &mut Vec::new(), &mut out);
    out
}

/// RDKit's `BinsTriangleInequality` on three bins.
fn bins_triangle(d1: (u32, u32), d2: (u32, u32), d3: (u32, u32)) -> bool {
    d1.1 + d2.1 >= d3.0 && d2.1 + d3.1 >= d1.0 && d3.1 + d1.1 >= d2.0
}

impl Pharm2D {
    /// The Gobbi–Poppinger factory as RDKit's `Gobbi_Pharm2D.factory`
    /// (built once).
    pub fn gobbi() -> &'static Pharm2D {
        static GOBBI: OnceLock<Pharm2D> = OnceLock::new();
        GOBBI.get_or_init(|| {
            let features = GOBBI_FEATURES
                .iter()
                .filter_map(|(_, s)| shennong_smarts::parse(s).ok())
                .collect();
            Pharm2D::new(features, GOBBI_BINS.to_vec())
        })
    }

    fn new(features: Vec<Query>, bins: Vec<(u32, u32)>) -> Pharm2D {
        let n = features.len();
        let nb = bins.len();
        let two: Vec<Vec<usize>> = (0..nb).map(|b| vec![b]).collect();
        let mut three = Vec::new();
        for a in 0..nb {
            for b in 0..nb {
                for c in 0..nb {
                    let bin = |i: usize| bins.get(i).copied().unwrap_or((0, 0));
                    if bins_triangle(bin(a), bin(b), bin(c)) {
                        three.push(vec![a, b, c]);
                    }
                }
            }
        }
        let combos = [index_tuples(n, 2, false), index_tuples(n, 3, false)];
        let start3 = (combos[0].len() * two.len()) as u32;
        let size = start3 + (combos[1].len() * three.len()) as u32;
        Pharm2D {
            features,
            bins,
            combos,
            scaffolds: [two, three],
            starts: [0, start3],
            size,
        }
    }

    /// Number of bits in the signature.
    pub fn size(&self) -> u32 {
        self.size
    }

    fn bin_of(&self, d: u32) -> Option<usize> {
        self.bins.iter().position(|&(lo, hi)| lo <= d && d < hi)
    }

    /// The sorted on-bits of a molecule's signature.
    pub fn bits(&self, mol: &Mol) -> Vec<u32> {
        let n = mol.num_atoms();
        // topological distances
        let mut dist = vec![u32::MAX; n * n];
        let mut queue = VecDeque::new();
        for s in 0..n {
            let row = s * n;
            if let Some(d) = dist.get_mut(row + s) {
                *d = 0;
            }
            queue.clear();
            queue.push_back(s);
            while let Some(a) = queue.pop_front() {
                let da = dist.get(row + a).copied().unwrap_or(u32::MAX);
                for &(nb, _) in mol.neighbors(AtomIdx(a as u32)) {
                    if let Some(dn) = dist.get_mut(row + nb.index()) {
                        if *dn == u32::MAX {
                            *dn = da + 1;
                            queue.push_back(nb.index());
                        }
                    }
                }
            }
        }
        let opts = MatchOptions::default();
        let matches: Vec<Vec<Vec<usize>>> = self
            .features
            .iter()
            .map(|q| {
                q.find_all(mol, &opts)
                    .into_iter()
                    .map(|m| m.into_iter().map(AtomIdx::index).collect())
                    .collect()
            })
            .collect();
        let (min_d, max_d) = (
            self.bins.first().map_or(0, |b| b.0),
            self.bins.last().map_or(0, |b| b.1),
        );
        let pair_distance = |a: &[usize], b: &[usize]| -> Option<u32> {
            let mut seen = max_d;
            for &x in a {
                for &y in b {
                    seen = seen.min(dist.get(x * n + y).copied().unwrap_or(u32::MAX));
                    if seen == 0 || seen < min_d {
                        return None;
                    }
                }
            }
            (seen >= min_d && seen < max_d).then_some(seen)
        };
        let mut out = Vec::new();
        for (p, combos) in self.combos.iter().enumerate() {
            let points = p + 2;
            let pairs: &[(usize, usize)] = if points == 2 {
                &[(0, 1)]
            } else {
                &[(0, 1), (0, 2), (1, 2)]
            };
            for (offset, perm) in combos.iter().enumerate() {
                for chosen in unique_choices(perm, &matches) {
                    let mut dists = Vec::with_capacity(pairs.len());
                    let mut ok = true;
                    for &(i, j) in pairs {
                        match (chosen.get(i), chosen.get(j)) {
                            (Some(a), Some(b)) => match pair_distance(a, b) {
                                Some(d) => dists.push(d),
                                None => {
                                    ok = false;
                                    break;
                                }
                            },
                            _ => ok = false,
                        }
                    }
                    if !ok {
                        continue;
                    }
                    if points == 3 {
                        dists = order_triangle(perm, &dists);
                    }
                    let Some(binned) = dists
                        .iter()
                        .map(|&d| self.bin_of(d))
                        .collect::<Option<Vec<usize>>>()
                    else {
                        continue;
                    };
                    let Some(scaffolds) = self.scaffolds.get(p) else {
                        continue;
                    };
                    let Some(s) = scaffolds.iter().position(|x| *x == binned) else {
                        continue;
                    };
                    let start = self.starts.get(p).copied().unwrap_or(0);
                    out.push(start + (offset * scaffolds.len() + s) as u32);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Tanimoto similarity of two sorted on-bit lists (0 when both are empty).
    pub fn tanimoto(a: &[u32], b: &[u32]) -> f64 {
        let (mut i, mut j, mut common) = (0, 0, 0usize);
        while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
            match x.cmp(y) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - common;
        if union == 0 {
            0.0
        } else {
            common as f64 / union as f64
        }
    }
}

/// The distinct assignments of feature matches to the points of `perm`
/// (RDKit's `GetUniqueCombinations`): points of the same feature take
/// distinct matches in increasing order, and no match is used twice.
fn unique_choices<'m>(perm: &[usize], matches: &'m [Vec<Vec<usize>>]) -> Vec<Vec<&'m [usize]>> {
    let mut out: Vec<Vec<&[usize]>> = vec![Vec::new()];
    let mut i = 0;
    while let Some(&feature) = perm.get(i) {
        let run = perm.iter().skip(i).take_while(|&&f| f == feature).count();
        let list = matches.get(feature).map_or(&[][..], Vec::as_slice);
        let picks = index_tuples(list.len(), run, true);
        let mut next = Vec::new();
        for prefix in &out {
            for pick in &picks {
                let chosen: Vec<&[usize]> = pick
                    .iter()
                    .filter_map(|&k| list.get(k).map(Vec::as_slice))
                    .collect();
                if chosen.iter().any(|c| prefix.contains(c)) {
                    continue;
                }
                let mut v = prefix.clone();
                v.extend(chosen);
                next.push(v);
            }
        }
        out = next;
        i += run;
    }
    // identical matches within one feature would repeat a point: drop them
    out.retain(|v| {
        v.iter()
            .enumerate()
            .all(|(k, a)| v.iter().skip(k + 1).all(|b| a != b))
    });
    out
}

/// RDKit's `Utils.OrderTriangle` for non-decreasing feature indices: the
/// canonical order of a triangle's distances when features repeat.
fn order_triangle(features: &[usize], d: &[u32]) -> Vec<u32> {
    let (f0, f1, f2) = match features {
        [a, b, c] => (*a, *b, *c),
        _ => return d.to_vec(),
    };
    let (d0, d1, d2) = match d {
        [a, b, c] => (*a, *b, *c),
        _ => return d.to_vec(),
    };
    let distinct = 1 + usize::from(f1 != f0) + usize::from(f2 != f1 && f2 != f0);
    let reorder: [usize; 3] = if distinct == 3 {
        [0, 1, 2]
    } else if distinct == 1 {
        let sums = [d0 + d1, d0 + d2, d1 + d2];
        let max = sums.iter().copied().max().unwrap_or(0);
        if sums[0] == max {
            if d0 > d1 {
                [0, 1, 2]
            } else {
                [1, 0, 2]
            }
        } else if sums[1] == max {
            if d0 > d2 {
                [0, 2, 1]
            } else {
                [2, 0, 1]
            }
        } else if d1 > d2 {
            [1, 2, 0]
        } else {
            [2, 1, 0]
        }
    } else if f0 == f1 {
        if d1 > d2 {
            [0, 1, 2]
        } else {
            [0, 2, 1]
        }
    } else if f0 == f2 {
        if d0 > d2 {
            [0, 1, 2]
        } else {
            [2, 1, 0]
        }
    } else if d0 > d1 {
        [0, 1, 2]
    } else {
        [1, 0, 2]
    };
    reorder
        .iter()
        .map(|&k| d.get(k).copied().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn triangles_are_ordered_as_rdkit_doctests_say() {
        assert_eq!(order_triangle(&[0, 2, 4], &[1, 2, 3]), vec![1, 2, 3]);
        for d in [[1, 2, 3], [2, 1, 3], [1, 3, 2], [3, 1, 2], [3, 2, 1]] {
            assert_eq!(order_triangle(&[0, 0, 0], &d), vec![3, 2, 1], "{d:?}");
        }
        assert_eq!(order_triangle(&[0, 0, 1], &[3, 2, 1]), vec![3, 2, 1]);
        assert_eq!(order_triangle(&[0, 0, 1], &[1, 3, 2]), vec![1, 3, 2]);
        assert_eq!(order_triangle(&[0, 0, 1], &[1, 2, 3]), vec![1, 3, 2]);
    }

    #[test]
    fn gobbi_signature_has_rdkits_size() {
        // RDKit: Gobbi_Pharm2D.factory.GetSigSize() == 39972
        assert_eq!(Pharm2D::gobbi().size(), 39972);
        assert_eq!(Pharm2D::gobbi().features.len(), 8);
    }
}
