//! Composition, weights, hydrogen-bonding, rotatable-bond and ring counts as
//! RDKit's `rdMolDescriptors` defines them.

use std::sync::OnceLock;

use shennong_mol::element::{element, outer_electrons};
use shennong_mol::{AtomIdx, BondIdx, BondOrder};
use shennong_smarts::{parse, Query};

use crate::context::MolContext;

/// RDKit's electron mass, subtracted per positive charge in exact masses.
const ELECTRON_MASS: f64 = 0.00054857991;

fn pattern(cell: &'static OnceLock<Option<Query>>, smarts: &str) -> Option<&'static Query> {
    cell.get_or_init(|| parse(smarts).ok()).as_ref()
}

fn count_smarts(ctx: &MolContext, cell: &'static OnceLock<Option<Query>>, smarts: &str) -> f64 {
    pattern(cell, smarts).map_or(0.0, |q| ctx.count(q) as f64)
}

/// Average mass of one atom (isotope mass when labelled).
fn atom_mass(z: u8, isotope: u16) -> f64 {
    if isotope > 0 {
        match shennong_mol::element::isotope_mass(z, isotope) {
            Some(m) => m,
            None if z != 0 => f64::from(isotope),
            None => 0.0,
        }
    } else {
        element(z).map_or(0.0, |e| e.average_mass)
    }
}

/// MolWt (`heavy_only`: HeavyAtomMolWt, hydrogens left out).
pub(crate) fn mol_wt(ctx: &MolContext, heavy_only: bool) -> f64 {
    let h = element(1).map_or(0.0, |e| e.average_mass);
    let mut res = 0.0;
    for a in ctx.mol.atoms() {
        if !heavy_only || a.atomic_num != 1 {
            res += atom_mass(a.atomic_num, a.isotope);
        }
        if !heavy_only {
            res += f64::from(a.total_hs()) * h;
        }
    }
    res
}

/// MolWt, computed once per molecule (QED and Lipinski reuse it).
pub(crate) fn avg_mol_wt(ctx: &MolContext) -> f64 {
    *ctx.mol_wt.get_or_init(|| mol_wt(ctx, false))
}

/// ExactMolWt: most common isotopes (or the labelled one), less electrons.
pub(crate) fn exact_mol_wt(ctx: &MolContext) -> f64 {
    let mut res = 0.0;
    let mut hs = 0u32;
    for a in ctx.mol.atoms() {
        res += if a.isotope == 0 {
            element(a.atomic_num).map_or(0.0, |e| e.common_isotope_mass)
        } else {
            atom_mass(a.atomic_num, a.isotope)
        };
        res -= ELECTRON_MASS * f64::from(a.formal_charge);
        hs += u32::from(a.total_hs());
    }
    res + f64::from(hs) * element(1).map_or(0.0, |e| e.common_isotope_mass)
}

pub(crate) fn heavy_atom_count(ctx: &MolContext) -> f64 {
    ctx.mol.atoms().iter().filter(|a| a.atomic_num > 1).count() as f64
}

pub(crate) fn num_valence_electrons(ctx: &MolContext) -> f64 {
    ctx.mol
        .atoms()
        .iter()
        .map(|a| {
            f64::from(outer_electrons(a.atomic_num)) - f64::from(a.formal_charge)
                + f64::from(a.total_hs())
        })
        .sum()
}

pub(crate) fn num_radical_electrons(ctx: &MolContext) -> f64 {
    ctx.mol
        .atoms()
        .iter()
        .map(|a| f64::from(a.radical_electrons))
        .sum()
}

pub(crate) fn num_heteroatoms(ctx: &MolContext) -> f64 {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    count_smarts(ctx, &Q, "[!#6;!#1]")
}

pub(crate) fn num_h_donors(ctx: &MolContext) -> f64 {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    *ctx.h_donors
        .get_or_init(|| count_smarts(ctx, &Q, "[N&!H0&v3,N&!H0&+1&v4,O&H1&+0,S&H1&+0,n&H1&+0]"))
}

pub(crate) fn num_h_acceptors(ctx: &MolContext) -> f64 {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    count_smarts(
        ctx,
        &Q,
        "[$([O,S;H1;v2]-[!$(*=[O,N,P,S])]),$([O,S;H0;v2]),$([O,S;-]),$([N;v3;!$(N-*=!@[O,N,P,S])]),$([nH0X2,o,s;+0])]",
    )
}

pub(crate) fn num_amide_bonds(ctx: &MolContext) -> f64 {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    count_smarts(ctx, &Q, "C(=[O;!R])N")
}

/// RDKit's default (strict) rotatable-bond definition.
pub(crate) fn num_rotatable_bonds(ctx: &MolContext) -> f64 {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    *ctx.rotatable_bonds.get_or_init(|| count_smarts(
        ctx,
        &Q,
        "[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CH3])&!$([CD3](=[N,O,S])-!@[#7,O,S!D1])&!$([#7,O,S!D1]-!@[CD3]=[N,O,S])&!$([CD3](=[N+])-!@[#7!D1])&!$([#7!D1]-!@[CD3]=[N+])]-,:;!@[!$(*#*)&!D1&!$(C(F)(F)F)&!$(C(Cl)(Cl)Cl)&!$(C(Br)(Br)Br)&!$(C([CH3])([CH3])[CH3])&!$([CH3])]",
    ))
}

/// NOCount (Lipinski acceptors): nitrogens and oxygens.
pub(crate) fn no_count(ctx: &MolContext) -> f64 {
    ctx.mol
        .atoms()
        .iter()
        .filter(|a| matches!(a.atomic_num, 7 | 8))
        .count() as f64
}

/// NHOHCount (Lipinski donors): hydrogens on nitrogens and oxygens.
pub(crate) fn nhoh_count(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    mol.atom_indices()
        .filter(|&a| matches!(mol.atom(a).atomic_num, 7 | 8))
        .map(|a| f64::from(mol.total_hs_with_graph_hs(a)))
        .sum()
}

/// FractionCSP3: carbons with four connections (hydrogens included) over carbons.
pub(crate) fn fraction_csp3(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    let (mut c, mut sp3) = (0u32, 0u32);
    for a in mol.atom_indices() {
        let atom = mol.atom(a);
        if atom.atomic_num == 6 {
            c += 1;
            if mol.degree(a) + usize::from(atom.total_hs()) == 4 {
                sp3 += 1;
            }
        }
    }
    if c == 0 {
        0.0
    } else {
        f64::from(sp3) / f64::from(c)
    }
}

/// Which ring classes a ring belongs to.
#[derive(Clone, Copy)]
pub(crate) enum RingKind {
    All,
    Aromatic,
    Aliphatic,
    Saturated,
}

/// Which atoms a ring must (not) contain.
#[derive(Clone, Copy)]
pub(crate) enum RingAtoms {
    Any,
    Hetero,
    Carbo,
}

/// Ring counts over RDKit's ring set (SSSR symmetrised), by kind and atoms.
pub(crate) fn ring_count(ctx: &MolContext, kind: RingKind, atoms: RingAtoms) -> f64 {
    let mol = ctx.mol;
    let bond_ok = |b: &BondIdx| {
        let bond = mol.bond(*b);
        match kind {
            RingKind::All | RingKind::Aliphatic => true,
            RingKind::Aromatic => bond.aromatic,
            RingKind::Saturated => bond.order == BondOrder::Single && !bond.aromatic,
        }
    };
    let hetero_bond = |b: &BondIdx| {
        let bond = mol.bond(*b);
        mol.atom(bond.begin).atomic_num != 6 || mol.atom(bond.end).atomic_num != 6
    };
    let rings = mol.rings();
    let n = rings
        .bond_rings()
        .iter()
        .zip(rings.atom_rings())
        .filter(|(bonds, ring_atoms)| {
            let kind_ok = match kind {
                RingKind::Aliphatic => bonds.iter().any(|b| !mol.bond(*b).aromatic),
                _ => bonds.iter().all(bond_ok),
            };
            kind_ok
                && match (kind, atoms) {
                    (_, RingAtoms::Any) => true,
                    // RDKit's NumHeterocycles looks at ring atoms, the others at bond ends
                    (RingKind::All, RingAtoms::Hetero) => ring_atoms
                        .iter()
                        .any(|a: &AtomIdx| mol.atom(*a).atomic_num != 6),
                    (_, RingAtoms::Hetero) => bonds.iter().any(hetero_bond),
                    (_, RingAtoms::Carbo) => !bonds.iter().any(hetero_bond),
                }
        })
        .count();
    n as f64
}
