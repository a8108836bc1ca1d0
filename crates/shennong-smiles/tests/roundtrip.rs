//! Property tests: canonical SMILES is a fixed point, every writer option
//! reads back to the same molecule, and the canonical string does not depend
//! on atom or bond order (stereo included).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use proptest::prelude::*;
use shennong_mol::{AtomIdx, BondStereo, Chirality, MolBuilder};
use shennong_smiles::{parse, to_smiles, write_smiles, WriteOptions};

const MOLECULES: &[&str] = &[
    "CC(=O)Oc1ccccc1C(=O)O",
    "C[C@H](N)C(=O)O",
    "N[C@@H](Cc1c[nH]c2ccccc12)C(=O)O",
    "F/C=C/F",
    "F/C=C\\F",
    "C/C=C/C=C(C)/C=C/C",
    "CC/C(=C(\\c1ccccc1)/c1ccc(cc1)OCCN(C)C)/c1ccccc1",
    "C[C@H]1CC[C@@H](C)CC1",
    "C[C@H]1CC[C@H](C)CC1",
    "O[C@H]1[C@H](O)[C@@H](O)[C@H](O)[C@@H](O)[C@@H]1O",
    "CN1CC[C@]23[C@@H]4[C@H]1CC5=C2C(=C(C=C5)O)O[C@H]3[C@H](C=C4)O",
    "COc1ccc2[nH]c(nc2c1)[S@](=O)Cc1ncc(C)c(OC)c1C",
    "[NH3+][C@@H](C)C(=O)[O-]",
    "[2H]C([2H])([2H])Oc1ccccc1",
    "c1ccc2c(c1)ccc1ccccc12",
    "O=c1cc[nH]c2ccccc12",
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",
    "C1CC2CCC1CC2",
    "C12C3C4C1C5C2C3C45",
    "[Na+].[Cl-]",
    "OC(=O)C[C@](O)(CC(=O)O)C(=O)O",
    "C[C@@]12CC[C@H]3[C@@H](CCc4cc(O)ccc34)[C@@H]1CC[C@@H]2O",
    "c1ccc(cc1)-c1ccccc1",
    "C1=CC=CC=CC=C1",
    "[O-][N+](=O)c1ccc(cc1)S(=O)(=O)N",
    "C[Si](C)(C)O[Se]c1cc[se]c1",
];

/// Rebuilds `smiles` with atoms and bonds in a shuffled order, keeping stereo.
fn shuffled(smiles: &str, seed: u64) -> shennong_mol::Mol {
    let mol = parse(smiles).unwrap();
    let n = mol.num_atoms();
    let mut state = seed | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    let mut new_of = vec![0u32; n];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new as u32;
    }
    let mut b = MolBuilder::new();
    for &old in &order {
        let mut atom = *mol.atom(AtomIdx(old as u32));
        atom.chirality = Chirality::None;
        b.add_atom(atom);
    }
    let mut bond_order: Vec<usize> = (0..mol.num_bonds()).collect();
    for i in (1..bond_order.len()).rev() {
        bond_order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    for &bi in &bond_order {
        let bond = mol.bonds()[bi];
        let (x, y) = if next() % 2 == 0 {
            (bond.begin, bond.end)
        } else {
            (bond.end, bond.begin)
        };
        let nb = b
            .add_bond(
                AtomIdx(new_of[x.index()]),
                AtomIdx(new_of[y.index()]),
                bond.order,
            )
            .unwrap();
        let map = |a: AtomIdx| AtomIdx(new_of[a.index()]);
        let stereo = match bond.stereo {
            // the reference atoms stay attached to the same ends
            BondStereo::Cis(p, q) if x == bond.begin => BondStereo::Cis(map(p), map(q)),
            BondStereo::Cis(p, q) => BondStereo::Cis(map(q), map(p)),
            BondStereo::Trans(p, q) if x == bond.begin => BondStereo::Trans(map(p), map(q)),
            BondStereo::Trans(p, q) => BondStereo::Trans(map(q), map(p)),
            BondStereo::None => BondStereo::None,
        };
        b.bond_mut(nb).unwrap().stereo = stereo;
        b.bond_mut(nb).unwrap().aromatic = bond.aromatic;
    }
    // chirality: same spatial arrangement relative to the new neighbour order
    for old in 0..n {
        let tag = mol.atom(AtomIdx(old as u32)).chirality;
        if !tag.is_tetrahedral() {
            continue;
        }
        let before: Vec<u32> = mol
            .neighbors(AtomIdx(old as u32))
            .iter()
            .map(|(x, _)| new_of[x.index()])
            .collect();
        let after: Vec<u32> = b
            .neighbors(AtomIdx(new_of[old]))
            .iter()
            .map(|(x, _)| x.0)
            .collect();
        let perm: Vec<usize> = after
            .iter()
            .map(|x| before.iter().position(|y| y == x).unwrap())
            .collect();
        let mut odd = false;
        for i in 0..perm.len() {
            for j in i + 1..perm.len() {
                if perm[i] > perm[j] {
                    odd = !odd;
                }
            }
        }
        b.atom_mut(AtomIdx(new_of[old])).unwrap().chirality =
            if odd { tag.inverted() } else { tag };
    }
    b.sanitize().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn canonical_is_independent_of_atom_order(i in 0..MOLECULES.len(), seed in any::<u64>()) {
        let reference = to_smiles(&parse(MOLECULES[i]).unwrap());
        prop_assert_eq!(to_smiles(&shuffled(MOLECULES[i], seed)), reference);
    }

    #[test]
    fn every_writer_option_reads_back(i in 0..MOLECULES.len(), canonical in any::<bool>(), kekule in any::<bool>()) {
        let mol = parse(MOLECULES[i]).unwrap();
        let reference = to_smiles(&mol);
        prop_assert_eq!(to_smiles(&parse(&reference).unwrap()), reference.clone());
        let opts = WriteOptions { canonical, kekule, ..WriteOptions::default() };
        let text = write_smiles(&mol, &opts).unwrap();
        prop_assert_eq!(to_smiles(&parse(&text).unwrap()), reference);
    }
}

#[test]
fn no_stereo_option_drops_only_stereo() {
    let mol = parse("C[C@H](N)/C=C/C").unwrap();
    let opts = WriteOptions {
        stereo: false,
        ..WriteOptions::default()
    };
    assert_eq!(write_smiles(&mol, &opts).unwrap(), "CC=CC(C)N");
}
