//! Metal disconnection (RDKit `MolStandardize::MetalDisconnector` with its
//! default options): covalent bonds between metals and N, O, F (any metal of
//! the list) or B, C, Si, P, As, Sb, S, Se, Te, halogens (transition metals
//! and Al) are broken, and the charges of both ends are set to what the
//! broken bonds imply.

use std::collections::BTreeMap;

use shennong_mol::element::valences;
use shennong_mol::{AtomIdx, Mol};
use shennong_smarts::Query;

use crate::error::{parse_pattern, Result};
use crate::matching::ordered_matches;
use crate::normalize::reperceived;

const METAL_NOF: &str = "[Li,Na,K,Rb,Cs,Fr,Be,Mg,Ca,Sr,Ba,Ra,Sc,Ti,V,Cr,Mn,Fe,Co,Ni,Cu,Zn,Al,Ga,Y,Zr,Nb,Mo,Tc,Ru,Rh,Pd,Ag,Cd,In,Sn,Hf,Ta,W,Re,Os,Ir,Pt,Au,Hg,Tl,Pb,Bi]~[#7,#8,F]";
const METAL_NON: &str = "[Al,Sc,Ti,V,Cr,Mn,Fe,Co,Ni,Cu,Zn,Y,Zr,Nb,Mo,Tc,Ru,Rh,Pd,Ag,Cd,Hf,Ta,W,Re,Os,Ir,Pt,Au]~[B,C,Si,P,As,Sb,S,Se,Te,Cl,Br,I,At]";

/// The two metal–non-metal patterns.
#[derive(Debug, Clone)]
pub struct MetalDisconnector {
    patterns: [Query; 2],
}

#[derive(Default)]
struct NonMetal {
    cut_bonds: i32,
    metals: Vec<usize>,
}

impl MetalDisconnector {
    /// RDKit's default disconnector.
    pub fn new() -> Result<MetalDisconnector> {
        Ok(MetalDisconnector {
            patterns: [
                parse_pattern(METAL_NOF, "built-in metal patterns", 1)?,
                parse_pattern(METAL_NON, "built-in metal patterns", 2)?,
            ],
        })
    }

    /// Breaks metal bonds; returns the molecule unchanged when there are none.
    pub fn disconnect(&self, mol: &Mol) -> Result<Mol> {
        let mut cuts: Vec<(usize, usize, i32)> = Vec::new();
        for q in &self.patterns {
            for m in ordered_matches(q, mol, true) {
                let (Some(&metal), Some(&non)) = (m.first(), m.get(1)) else {
                    continue;
                };
                if cuts
                    .iter()
                    .any(|&(a, b, _)| a == metal.index() && b == non.index())
                {
                    continue;
                }
                let Some(bi) = mol.bond_between(metal, non) else {
                    continue;
                };
                let bond = mol.bond(bi);
                let order = match bond.order {
                    shennong_mol::BondOrder::Dative | shennong_mol::BondOrder::Zero => 0,
                    o => o.valence_x2(true) / 2,
                };
                cuts.push((metal.index(), non.index(), order));
            }
        }
        if cuts.is_empty() {
            return Ok(mol.clone());
        }
        let mut non_metals: BTreeMap<usize, NonMetal> = BTreeMap::new();
        let mut metal_excess: BTreeMap<usize, i32> = BTreeMap::new();
        let mut b = mol.to_builder();
        for &(metal, non, order) in &cuts {
            metal_excess.insert(metal, 0);
            b.remove_bond(AtomIdx(metal as u32), AtomIdx(non as u32));
            let entry = non_metals.entry(non).or_default();
            entry.cut_bonds += order;
            if let Err(pos) = entry.metals.binary_search(&metal) {
                entry.metals.insert(pos, metal);
            }
        }
        for (&idx, nm) in non_metals.iter_mut() {
            let a = AtomIdx(idx as u32);
            let before = mol.atom(a);
            let valence_before = mol.total_valence(a);
            let rad_before = i32::from(before.radical_electrons);
            let degree_after = b.neighbors(a).len() as i32 + i32::from(before.total_hs());
            let mut fc_after = -nm.cut_bonds;
            let mut valence_after = 0;
            let mut lone_electrons = 0;
            let mut new_radicals = before.radical_electrons;
            let vals = valences(before.atomic_num);
            if vals.first().is_some_and(|&v| v != -1) {
                for (k, &v) in vals.iter().enumerate() {
                    let v = i32::from(v);
                    valence_after = valence_before + rad_before - nm.cut_bonds;
                    if valence_after > v {
                        if k + 1 != vals.len() {
                            continue;
                        }
                        valence_after = v;
                        break;
                    }
                    fc_after = valence_after - v;
                    if rad_before % 2 == 1 && fc_after < 0 {
                        fc_after += 1;
                        lone_electrons += 1;
                        new_radicals = if before.atomic_num < 7 {
                            before.radical_electrons.saturating_add(1)
                        } else {
                            0
                        };
                    }
                    break;
                }
            }
            if fc_after == -1 && valence_after == degree_after + 1 {
                fc_after = 0;
            }
            if let Some(atom) = b.atom_mut(a) {
                atom.formal_charge = i8::try_from(fc_after).unwrap_or(atom.formal_charge);
                atom.radical_electrons = new_radicals;
            }
            if nm.cut_bonds == 0
                || (fc_after == -1 && before.atomic_num == 6 && valence_after == degree_after + 2)
            {
                fc_after = 0;
            }
            nm.metals
                .sort_by_key(|m| metal_excess.get(m).copied().unwrap_or(0));
            fc_after += lone_electrons;
            while fc_after < 0 {
                for &m in &nm.metals {
                    let old = fc_after;
                    fc_after += 1;
                    if old >= 0 {
                        break;
                    }
                    *metal_excess.entry(m).or_insert(0) += 1;
                }
                if nm.metals.is_empty() {
                    break;
                }
            }
        }
        for (&idx, &excess) in &metal_excess {
            let a = AtomIdx(idx as u32);
            let Some(atom) = b.atom_mut(a) else {
                continue;
            };
            let current = i32::from(atom.formal_charge);
            let vals = valences(atom.atomic_num);
            let max_valence = vals.iter().copied().max().map_or(-1, i32::from);
            if max_valence != -1 && current >= max_valence {
                continue;
            }
            let mut fc_after = excess;
            if current > 0 {
                fc_after += current;
            }
            if vals.first().is_some_and(|&v| v != -1) {
                for (k, &v) in vals.iter().enumerate() {
                    let v = i32::from(v);
                    if v == -1 {
                        continue;
                    }
                    if fc_after > v {
                        if k + 1 != vals.len() && fc_after >= v {
                            continue;
                        }
                        fc_after = v;
                        break;
                    }
                }
            }
            if fc_after > current {
                atom.formal_charge = i8::try_from(fc_after).unwrap_or(atom.formal_charge);
            }
            atom.radical_electrons = 0;
            atom.explicit_hs = 0;
            atom.no_implicit = false;
        }
        reperceived(b, "metal disconnection")
    }
}
