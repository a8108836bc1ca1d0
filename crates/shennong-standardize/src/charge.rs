//! Charges: reionisation (RDKit `MolStandardize::Reionizer`: the most acidic
//! group is the one left ionised) and uncharging (RDKit
//! `MolStandardize::Uncharger`: neutralise by adding or removing hydrogens
//! while keeping a zwitterion's charges balanced).

use shennong_mol::canon::canonical_ranks;
use shennong_mol::element::{is_early_atom, valences};
use shennong_mol::{AtomIdx, Mol, MolBuilder};
use shennong_smarts::Query;

use crate::error::{parse_pattern, Result};
use crate::matching::{first_match, ordered_matches};
use crate::normalize::reperceived;

/// RDKit 2026.09's acid/base pairs (`acid_base_pairs.in`, BSD), strongest
/// acid first: name, acid SMARTS, conjugate base SMARTS. The last atom of each
/// pattern is the one that gains or loses the proton.
pub const DEFAULT_ACID_BASE_PAIRS: &[(&str, &str, &str)] = &[
    ("-OSO3H", "OS(=O)(=O)[OH]", "OS(=O)(=O)[O-]"),
    ("-SO3H", "[!O]S(=O)(=O)[OH]", "[!O]S(=O)(=O)[O-]"),
    ("-OSO2H", "O[SD3](=O)[OH]", "O[SD3](=O)[O-]"),
    ("-SO2H", "[!O][SD3](=O)[OH]", "[!O][SD3](=O)[O-]"),
    ("-OPO3H2", "OP(=O)([OH])[OH]", "OP(=O)([OH])[O-]"),
    ("-PO3H2", "[!O]P(=O)([OH])[OH]", "[!O]P(=O)([OH])[O-]"),
    ("-CO2H", "C(=O)[OH]", "C(=O)[O-]"),
    ("thiophenol", "c[SH]", "c[S-]"),
    ("(-OPO3H)-", "OP(=O)([O-])[OH]", "OP(=O)([O-])[O-]"),
    ("(-PO3H)-", "[!O]P(=O)([O-])[OH]", "[!O]P(=O)([O-])[O-]"),
    (
        "phthalimide",
        "O=C2c1ccccc1C(=O)[NH]2",
        "O=C2c1ccccc1C(=O)[N-]2",
    ),
    ("CO3H (peracetyl)", "C(=O)O[OH]", "C(=O)O[O-]"),
    (
        "alpha-carbon-hydrogen-nitro group",
        "O=N(O)[CH]",
        "O=N(O)[C-]",
    ),
    ("-SO2NH2", "S(=O)(=O)[NH2]", "S(=O)(=O)[NH-]"),
    ("-OBO2H2", "OB([OH])[OH]", "OB([OH])[O-]"),
    ("-BO2H2", "[!O]B([OH])[OH]", "[!O]B([OH])[O-]"),
    ("phenol", "c[OH]", "c[O-]"),
    ("SH (aliphatic)", "C[SH]", "C[S-]"),
    ("(-OBO2H)-", "OB([O-])[OH]", "OB([O-])[O-]"),
    ("(-BO2H)-", "[!O]B([O-])[OH]", "[!O]B([O-])[O-]"),
    ("cyclopentadiene", "C1=CC=C[CH2]1", "c1ccc[cH-]1"),
    ("-CONH2", "C(=O)[NH2]", "C(=O)[NH-]"),
    ("imidazole", "c1cnc[nH]1", "c1cnc[n-]1"),
    ("-OH (aliphatic alcohol)", "[CX4][OH]", "[CX4][O-]"),
    (
        "alpha-carbon-hydrogen-keto group",
        "O=C([!O])[C!H0+0]",
        "O=C([!O])[C-]",
    ),
    (
        "alpha-carbon-hydrogen-acetyl ester group",
        "OC(=O)[C!H0+0]",
        "OC(=O)[C-]",
    ),
    ("sp carbon hydrogen", "C#[CH]", "C#[C-]"),
    (
        "alpha-carbon-hydrogen-sulfone group",
        "CS(=O)(=O)[C!H0+0]",
        "CS(=O)(=O)[C-]",
    ),
    (
        "alpha-carbon-hydrogen-sulfoxide group",
        "C[SD3](=O)[C!H0+0]",
        "C[SD3](=O)[C-]",
    ),
    ("-NH2", "[CX4][NH2]", "[CX4][NH-]"),
    ("benzyl hydrogen", "c[CX4H2]", "c[CX3H-]"),
    ("sp2-carbon hydrogen", "[CX3]=[CX3!H0+0]", "[CX3]=[CX2-]"),
    ("sp3-carbon hydrogen", "[CX4!H0+0]", "[CX3-]"),
];

/// RDKit's charge corrections: isolated alkali, alkaline-earth and chloride
/// atoms get their usual ionic charge.
const CHARGE_CORRECTIONS: &[(&str, i8)] = &[
    ("[Li,Na,K;X0+0]", 1),
    ("[Mg,Ca;X0+0]", 2),
    ("[Cl;X0+0]", -1),
];

fn net_charge(mol: &Mol) -> i32 {
    mol.atoms().iter().map(|a| i32::from(a.formal_charge)).sum()
}

/// Moves protons so that the strongest acids are the ionised ones.
#[derive(Debug, Clone)]
pub struct Reionizer {
    pairs: Vec<(Query, Query)>,
    corrections: Vec<(Query, i8)>,
}

impl Reionizer {
    /// RDKit's default acid/base pairs and charge corrections.
    pub fn new() -> Result<Reionizer> {
        let origin = "built-in acid/base pairs";
        let pairs = DEFAULT_ACID_BASE_PAIRS
            .iter()
            .enumerate()
            .map(|(i, (_, acid, base))| {
                Ok((
                    parse_pattern(acid, origin, i + 1)?,
                    parse_pattern(base, origin, i + 1)?,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        let corrections = CHARGE_CORRECTIONS
            .iter()
            .enumerate()
            .map(|(i, (smarts, c))| {
                Ok((
                    parse_pattern(smarts, "built-in charge corrections", i + 1)?,
                    *c,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Reionizer { pairs, corrections })
    }

    fn strongest_protonated(&self, mol: &Mol) -> Option<(usize, AtomIdx)> {
        self.pairs
            .iter()
            .enumerate()
            .find_map(|(i, (acid, _))| Some((i, *first_match(acid, mol)?.last()?)))
    }

    fn weakest_ionized(&self, mol: &Mol) -> Option<(usize, AtomIdx)> {
        self.pairs
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, (_, base))| Some((i, *first_match(base, mol)?.last()?)))
    }

    /// Reionises a molecule.
    pub fn reionize(&self, mol: &Mol) -> Result<Mol> {
        let start_charge = net_charge(mol);
        let mut current = mol.clone();
        let mut corrected = false;
        let mut b = current.to_builder();
        for (q, charge) in &self.corrections {
            for m in ordered_matches(q, &current, true) {
                for a in m {
                    if let Some(atom) = b.atom_mut(a) {
                        atom.formal_charge = *charge;
                        corrected = true;
                    }
                }
            }
        }
        if corrected {
            current = reperceived(b, "reionization")?;
        }
        let current_charge = net_charge(&current);
        let mut charge_diff = current_charge - start_charge;
        if current_charge != 0 {
            while charge_diff > 0 {
                let Some((_, p)) = self.strongest_protonated(&current) else {
                    break;
                };
                let mut b = current.to_builder();
                if let Some(atom) = b.atom_mut(p) {
                    atom.formal_charge -= 1;
                    if atom.explicit_hs > 0 {
                        atom.explicit_hs -= 1;
                    }
                }
                current = reperceived(b, "reionization")?;
                charge_diff -= 1;
            }
        }
        let mut already_moved: Vec<(AtomIdx, AtomIdx)> = Vec::new();
        while let (Some((ppos, p)), Some((ipos, i))) = (
            self.strongest_protonated(&current),
            self.weakest_ionized(&current),
        ) {
            if ppos >= ipos || p == i {
                break;
            }
            let key = (p.min(i), p.max(i));
            if already_moved.contains(&key) {
                break;
            }
            already_moved.push(key);
            let patom = *current.atom(p);
            let iatom = *current.atom(i);
            // RDKit tests the ionised atom's valence as cached before its charge changes.
            let found = valences(iatom.atomic_num)
                .iter()
                .any(|&v| i32::from(v) == current.total_valence(i));
            let mut b = current.to_builder();
            if let Some(atom) = b.atom_mut(p) {
                atom.formal_charge -= 1;
                if patom.implicit_hs() == 0 && atom.explicit_hs > 0 {
                    atom.explicit_hs -= 1;
                }
            }
            if let Some(atom) = b.atom_mut(i) {
                atom.formal_charge += 1;
                if iatom.no_implicit
                    || (matches!(patom.atomic_num, 7 | 15) && patom.aromatic)
                    || !found
                {
                    atom.explicit_hs = atom.explicit_hs.saturating_add(1);
                }
            }
            current = reperceived(b, "reionization")?;
        }
        Ok(current)
    }
}

/// Neutralises charges where a hydrogen can be added or removed.
#[derive(Debug, Clone)]
pub struct Uncharger {
    pos_h: Query,
    pos_noh: Query,
    neg: Query,
    neg_acid: Query,
    /// Neutralise in canonical atom order (RDKit's default), so that the
    /// result does not depend on the input atom order.
    pub canonical_order: bool,
}

impl Uncharger {
    /// RDKit's default uncharger (canonical ordering, not forced, protons and hydrides).
    pub fn new() -> Result<Uncharger> {
        let origin = "built-in uncharger patterns";
        Ok(Uncharger {
            pos_h: parse_pattern("[+,+2,+3,+4;!h0;!$(*~[-]),$(*(~[-])~[-])]", origin, 1)?,
            pos_noh: parse_pattern("[+,+2,+3,+4;h0;!$(*~[-])]", origin, 2)?,
            neg: parse_pattern("[-!$(*~[+,+2,+3,+4])]", origin, 3)?,
            neg_acid: parse_pattern(
                "[$([O,S;-][C,S;+0]=[O,S]),$([O,S;-][N,P;+](=[O,S])[O,S;-]),$([O-][Cl,Br,I;+,+2,+3][O-]),$([n-]1nnnc1),$([n-]1ncnn1)]",
                origin,
                4,
            )?,
            canonical_order: true,
        })
    }

    /// Uncharges a molecule.
    pub fn uncharge(&self, mol: &Mol) -> Result<Mol> {
        let p_matches = ordered_matches(&self.pos_h, mol, true);
        let q_matches = ordered_matches(&self.pos_noh, mol, true);
        let n_matches = ordered_matches(&self.neg, mol, true);
        let a_matches = ordered_matches(&self.neg_acid, mol, true);
        let first = |m: &Vec<AtomIdx>| m.first().copied();
        let charge = |a: AtomIdx| i32::from(mol.atom(a).formal_charge);
        let mut total_hs: Vec<i32> = mol
            .atoms()
            .iter()
            .map(|a| i32::from(a.total_hs()))
            .collect();
        let hs = |t: &Vec<i32>, a: AtomIdx| t.get(a.index()).copied().unwrap_or(0);

        let mut q_matched: i32 = q_matches.iter().filter_map(first).map(charge).sum();
        for a in p_matches.iter().filter_map(first) {
            if h_delta_removing_pos(mol.atom(a).atomic_num, hs(&total_hs, a)) == 0 {
                q_matched += charge(a);
            }
        }
        let needs_neutralization =
            q_matched > 0 && (!n_matches.is_empty() || !a_matches.is_empty());
        let ranks: Vec<u32> = if self.canonical_order && needs_neutralization {
            canonical_ranks(mol, true)
        } else {
            (0..mol.num_atoms() as u32).collect()
        };
        let rank_of = |a: AtomIdx| (ranks.get(a.index()).copied().unwrap_or(0), a.index());
        let mut n_atoms: Vec<(u32, usize)> =
            n_matches.iter().filter_map(first).map(rank_of).collect();
        let mut a_atoms: Vec<(u32, usize)> =
            a_matches.iter().filter_map(first).map(rank_of).collect();
        if self.canonical_order {
            n_atoms.sort();
            a_atoms.sort();
        }
        let acid: Vec<usize> = a_atoms.iter().map(|&(_, i)| i).collect();
        let mut neg_atoms: Vec<usize> = n_atoms
            .iter()
            .map(|&(_, i)| i)
            .filter(|i| !acid.contains(i))
            .collect();
        // An acid anion next to a cation is a charge-separated pair (nitro, N-oxide): leave it.
        let mut skip = vec![0i32; mol.num_atoms()];
        for &i in &acid {
            let a = AtomIdx(i as u32);
            for &(nbr, _) in mol.neighbors(a) {
                let fc = charge(nbr);
                if fc > 0 {
                    if let Some(s) = skip.get_mut(nbr.index()) {
                        if *s < fc {
                            *s += 1;
                            if let Some(me) = skip.get_mut(i) {
                                *me = 1;
                            }
                        }
                    }
                    break;
                }
            }
        }
        neg_atoms.extend(
            acid.iter()
                .copied()
                .filter(|&i| skip.get(i).copied().unwrap_or(0) == 0),
        );

        let mut b = mol.to_builder();
        let mut neg_surplus = neg_atoms.len() as i32 - q_matched;
        if neg_surplus != 0 {
            for &i in &neg_atoms {
                let a = AtomIdx(i as u32);
                let z = mol.atom(a).atomic_num;
                let delta = h_delta_removing_neg(z, hs(&total_hs, a));
                if delta != 0 {
                    remove_charge(&mut b, &mut total_hs, a, -1, delta);
                    neg_surplus -= 1;
                    if neg_surplus == 0 {
                        break;
                    }
                }
            }
        }
        let mut net: i32 = (0..b.num_atoms() as u32)
            .filter_map(|i| b.atom(AtomIdx(i)))
            .map(|a| i32::from(a.formal_charge))
            .sum();
        if net > 0 {
            'outer: for m in &p_matches {
                for &a in m {
                    loop {
                        let fc = b.atom(a).map_or(0, |x| i32::from(x.formal_charge));
                        if fc <= 0 || net <= 0 {
                            break;
                        }
                        let z = mol.atom(a).atomic_num;
                        let delta = h_delta_removing_pos(z, hs(&total_hs, a));
                        if delta == 0 {
                            break;
                        }
                        remove_charge(&mut b, &mut total_hs, a, 1, delta);
                        net -= 1;
                    }
                    if net == 0 {
                        break 'outer;
                    }
                }
            }
        }
        reperceived(b, "uncharging")
    }
}

/// RDKit's `removeCharge`: all hydrogens become explicit, `hDelta` more or fewer.
fn remove_charge(b: &mut MolBuilder, total_hs: &mut [i32], a: AtomIdx, charge: i8, h_delta: i32) {
    let Some(slot) = total_hs.get_mut(a.index()) else {
        return;
    };
    let new_hs = (*slot + h_delta).max(0);
    *slot = new_hs;
    if let Some(atom) = b.atom_mut(a) {
        atom.explicit_hs = u8::try_from(new_hs).unwrap_or(u8::MAX);
        atom.no_implicit = true;
        atom.formal_charge -= charge;
    }
}

/// Hydrogens gained (+1) or lost (−1) when a negative charge goes; 0 if it cannot.
fn h_delta_removing_neg(z: u8, total_hs: i32) -> i32 {
    let early = is_early_atom(z);
    if early && total_hs == 0 {
        return 0;
    }
    if early {
        -1
    } else {
        1
    }
}

/// Hydrogens gained or lost when a positive charge goes; 0 if it cannot.
fn h_delta_removing_pos(z: u8, total_hs: i32) -> i32 {
    let carbon_or_early = z == 6 || is_early_atom(z);
    if !carbon_or_early && total_hs == 0 {
        return 0;
    }
    if carbon_or_early {
        1
    } else {
        -1
    }
}
