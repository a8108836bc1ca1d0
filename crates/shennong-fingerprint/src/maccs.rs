//! MACCS 166 structural keys as RDKit's `GetMACCSKeysFingerprint` defines
//! them (bit 0 unused; 167 bits).

use std::sync::OnceLock;

use shennong_mol::Mol;
use shennong_smarts::{MatchOptions, Query, Target};

use crate::fp::BitFingerprint;
use crate::maccs_patterns::MACCS_PATTERNS;

/// Keys set by the presence of an element: (bits, elements).
const ELEMENT_KEYS: &[(&[u32], &[u8])] = &[
    (&[35], &[3, 11, 19, 37, 55, 87]),
    (&[10], &[4, 12, 20, 38, 56, 88]),
    (&[18], &[5, 13, 31, 49, 81]),
    (&[42, 134], &[9]),
    (&[29], &[15]),
    (&[88], &[16]),
    (&[103, 134], &[17]),
    (&[5], &[21, 22, 39, 40, 72]),
    (&[7], &[23, 24, 25, 41, 42, 43, 73, 74, 75]),
    (&[9], &[26, 27, 28, 44, 45, 46, 76, 77, 78]),
    (&[12], &[29, 30, 47, 48, 79, 80]),
    (&[3], &[32, 33, 34, 50, 51, 52, 82, 83, 84]),
    (&[46, 134], &[35]),
    (&[27, 134], &[53]),
    (
        &[6],
        &[57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71],
    ),
    (
        &[4],
        &[
            89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103,
        ],
    ),
    (&[2], &[104]),
];

/// A compiled key pattern and its (more than n matches, bit) rules.
type Key = (Option<Query>, &'static [(usize, u32)]);

fn queries() -> &'static [Key] {
    static Q: OnceLock<Vec<Key>> = OnceLock::new();
    Q.get_or_init(|| {
        MACCS_PATTERNS
            .iter()
            .map(|&(s, rules)| (shennong_smarts::parse(s).ok(), rules))
            .collect()
    })
}

/// The 167-bit MACCS fingerprint of a molecule.
pub fn maccs(mol: &Mol) -> BitFingerprint {
    let mut fp = BitFingerprint::new(167);
    if mol.num_atoms() == 0 {
        return fp;
    }
    for atom in mol.atoms() {
        for &(bits, elements) in ELEMENT_KEYS {
            if elements.contains(&atom.atomic_num) {
                for &b in bits {
                    fp.set(b);
                }
            }
        }
    }
    let target = Target::new(mol);
    for (query, rules) in queries() {
        let Some(query) = query else { continue };
        let needed = rules.iter().map(|r| r.0 + 1).max().unwrap_or(1);
        let opts = MatchOptions {
            uniquify: true,
            max_matches: needed,
            use_chirality: false,
        };
        let count = query.count_in(&target, &opts);
        for &(more_than, bit) in *rules {
            if count > more_than {
                fp.set(bit);
            }
        }
    }
    // Key 125: more than one aromatic ring (all bonds aromatic).
    let bonds = mol.bonds();
    let aromatic_rings = mol
        .rings()
        .bond_rings()
        .iter()
        .filter(|r| {
            r.iter()
                .all(|&b| bonds.get(b.index()).is_some_and(|x| x.aromatic))
        })
        .count();
    if aromatic_rings > 1 {
        fp.set(125);
    }
    // Key 166: more than one fragment.
    if mol.fragments().len() > 1 {
        fp.set(166);
    }
    fp
}
