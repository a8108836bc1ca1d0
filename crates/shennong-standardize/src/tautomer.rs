//! Canonical tautomers as RDKit's `MolStandardize::TautomerEnumerator`
//! chooses them: enumerate every tautomer reachable with the transform rules
//! (hydrogen moved from the first to the last atom of a match, bonds along
//! the match flipped), score each (aromatic rings, carbonyls and other
//! favoured groups, penalties for H on P/S/Se/Te), keep the best.
//!
//! Scores follow RDKit's `TautomerScoringFunctions` (after Sayle's 2010
//! "So you think you understand tautomerism?" and the MolVS rules). Ties
//! are broken on canonical SMILES, which are RDKit's. As in RDKit, rules
//! match the tautomer's canonical Kekulé form (aromatic flags kept), and
//! each product is kekulised again before perception, so ring bonds take
//! the Kekulé structure that fits the moved hydrogen; chiral tags no rule
//! touched stay on every tautomer, and stereo is cleaned on the picked one.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use shennong_mol::{
    sanitize, AtomIdx, BondDirection, BondIdx, BondOrder, BondStereo, Chirality, Mol,
};
use shennong_smarts::{MatchOptions, Query};
use shennong_smiles::to_smiles;

use crate::error::{parse_pattern, Result};
use crate::normalize::reperceive;

/// RDKit 2026.09's tautomer transforms (`tautomerTransforms.in`, BSD): name,
/// SMARTS, bond types after the move (empty: flip single/double), charge
/// changes (empty: none).
pub const DEFAULT_TAUTOMER_TRANSFORMS: &[(&str, &str, &str, &str)] = &[
    ("1,3 (thio)keto/enol f", "[CX4!H0R{0-2}]-[C;z{1-2}]=[O,S,Se,Te;X1]", "", ""),
    ("1,3 (thio)keto/enol r", "[O,S,Se,Te;X2!H0]-[#6;z{1-2}]=[C,cz{0-1}R{0-1}]", "", ""),
    ("1,5 (thio)keto/enol f", "[CX4z0,NX3;!H0]-[C]=[C][Cz1H0]=[O,S,Se,Te;X1]", "", ""),
    ("1,5 (thio)keto/enol r", "[O,S,Se,Te;X2!H0]-[Cz1H0]=[C]-[C]=[Cz0,N]", "", ""),
    ("aliphatic imine f", "[CX4R{0-2}!H0]-[Cz1]=[NX2;N!H0,$(N-a)]", "", ""),
    ("aliphatic imine r", "[NX3;NH2,$([NH1]-a)]-[C;z{1-2}]=[CX3]", "", ""),
    ("special imine f", "[Nz0!H0]-[C]=[Cz0X3R0]", "", ""),
    ("special imine r", "[Cz0R0X4!H0]-[c]=[nz0]", "", ""),
    ("special imine r2", "[Cz0R0X4!H0]-[cr6](=[cr6])-[nr6H0z0]", "==-", ""),
    ("1,3 aromatic heteroatom H shift f", "[#7+0!H0]-[#6R1]=[O,#7X2+0]", "", ""),
    ("1,3 aromatic heteroatom H shift ", "[O,#7+0;!H0]-[#6R1]=[#7+0X2]", "", ""),
    ("1,3 heteroatom H shift", "[#7+0,S,O,Se,Te;!H0]-[#7X2,#6,#15X3H0]=[#7+0,#16,#8,Se,Te]", "", ""),
    ("1,5 aromatic heteroatom H shift", "[#7+0,#16,#8;!H0]-[#6,#7]=[#6]-[#6,#7]=[#7+0,#16,#8;H0]", "", ""),
    (
        "1,5 aromatic heteroatom H shift ",
        "[#7+0,#16,#8,Se,Te;!H0]-[#6,nX2]=[#6,nX2]-[#6,#7X2]=[#7X2+0,S,O,Se,Te]",
        "",
        "",
    ),
    (
        "1,5 aromatic heteroatom H shift r",
        "[#7+0,S,O,Se,Te;!H0]-[#6,#7X2]=[#6,nX2]-[#6,nX2]=[#7+0,#16,#8,Se,Te]",
        "",
        "",
    ),
    (
        "1,7 aromatic heteroatom H shift f",
        "[#7+0,#8,#16,Se,Te;!H0]-[#6,#7X2]=[#6,#7X2]-[#6,#7X2]=[#6]-[#6,#7X2]=[#7X2+0,S,O,Se,Te,Cz0X3]",
        "",
        "",
    ),
    (
        "1,7 aromatic heteroatom H shift r",
        "[#7+0,S,O,Se,Te,Cz0X4;!H0]-[#6,#7X2]=[#6]-[#6,#7X2]=[#6,#7X2]-[#6,#7X2]=[NX2,S,O,Se,Te]",
        "",
        "",
    ),
    (
        "1,9 aromatic heteroatom H shift f",
        "[#7+0,O;!H0]-[#6,#7X2]=[#6,#7X2]-[#6,#7X2]=[#6,#7X2]-[#6,#7X2]=[#6,#7X2]-[#6,#7X2]=[#7+0,O]",
        "",
        "",
    ),
    (
        "1,11 aromatic heteroatom H shift f",
        "[#7+0,O;!H0]-[#6,nX2]=[#6,nX2]-[#6,nX2]=[#6,nX2]-[#6,nX2]=[#6,nX2]-[#6,nX2]=[#6,nX2]-[#6,nX2]=[#7X2+0,O]",
        "",
        "",
    ),
    ("furanone f", "[O,S,N;!H0]-[#6z2r5]=,:[#6X3r5;$([#6]([#6;r5])=,:[#6X3r5])]", "", ""),
    ("furanone r", "[#6r5!H0;$([#6]([#6r5])[#6r5])][#6z2r5]=[O,S,N]", "", ""),
    ("keten/ynol f", "[C!H0]=[C]=[O,S,Se,Te;X1]", "#-", ""),
    ("keten/ynol r", "[O,S,Se,Te;!H0X2]-[C]#[C]", "==", ""),
    ("ionic nitro/aci-nitro f", "[C!H0]-[N+;$([N][O-])]=[O]", "", ""),
    ("ionic nitro/aci-nitro r", "[O!H0]-[N+;$([N][O-])]=[C]", "", ""),
    ("oxim/nitroso f", "[O!H0]-[Nz1]=[C]", "", ""),
    ("oxim/nitroso r", "[C!H0]-[Nz1]=[O]", "", ""),
    ("oxim/nitroso via phenol f", "[O!H0]-[N]=[C]-[C]=[C]-[C]=[OH0]", "", ""),
    ("oxim/nitroso via phenol r", "[O!H0]-[c]=,:[c][c]=,:[c]-[N]=[OH0]", "", ""),
    ("cyano/iso-cyanic acid f", "[O!H0]-[C]#[N]", "==", ""),
    ("cyano/iso-cyanic acid r", "[N!H0]=[C]=[O]", "#-", ""),
    ("formamidinesulfinic acid f", "[O,N;!H0]-[C]=[S,Se,Te;v6]=[O]", "=--", ""),
    ("formamidinesulfinic acid r", "[O!H0]-[S,Se,Te;v4]-[C]=[O,N]", "==-", ""),
    ("isocyanide f", "[C-0!H0]#[N+0]", "#", "-+"),
    ("isocyanide r", "[N+!H0]#[C-]", "#", "-+"),
    ("phosphonic acid f", "[OH]-[PX3H0]", "=", ""),
    ("phosphonic acid r", "[PX4H]=[O]", "-", ""),
];

/// Scoring terms: name, SMARTS, score, elements required, connectivity
/// SMARTS that must match the input for the term to be used at all.
const SCORE_TERMS: &[(&str, &str, i32, &[u8], &str)] = &[
    (
        "benzoquinone",
        "[#6]1([#6]=[#6][#6]([#6]=[#6]1)=,:[N,S,O])=,:[N,S,O]",
        25,
        &[6],
        "[#6]1(~[#6]~[#6]~[#6](~[#6]~[#6]~1)~[N,S,O])~[N,S,O]",
    ),
    ("oxim", "[#6]=[N][OH]", 4, &[6, 7, 8], "[#6]~[#7]~[#8]"),
    ("C=O", "[#6]=,:[#8]", 2, &[6, 8], "[#6]~[#8]"),
    ("N=O", "[#7]=,:[#8]", 2, &[7, 8], "[#7]~[#8]"),
    ("P=O", "[#15]=,:[#8]", 2, &[15, 8], "[#15]~[#8]"),
    ("C=hetero", "[C]=[!#1;!#6]", 1, &[6], "[C]~[!#1;!#6]"),
    (
        "C(=hetero)-hetero",
        "[C](=[!#1;!#6])[!#1;!#6]",
        2,
        &[6],
        "[C](~[!#1;!#6])~[!#1;!#6]",
    ),
    (
        "aromatic C = exocyclic N",
        "[c]=!@[N]",
        -1,
        &[6, 7],
        "[c]~[N]",
    ),
    ("methyl", "[CX4H3]", 1, &[6], ""),
    (
        "guanidine terminal=N",
        "[#7]C(=[NR0])[#7H0]",
        1,
        &[6, 7],
        "[#7]~[#6]~[#7]",
    ),
    (
        "guanidine endocyclic=N",
        "[#7;R][#6;R]([N])=[#7;R]",
        2,
        &[6, 7],
        "[#7]~[#6](~[N])~[#7]",
    ),
    (
        "aci-nitro",
        "[#6]=[N+]([O-])[OH]",
        -4,
        &[6, 7, 8],
        "[#6]~[#7](~[#8])~[#8]",
    ),
];

/// RDKit's limits on one enumeration.
const MAX_TAUTOMERS: usize = 1000;
const MAX_TRANSFORMS: usize = 1000;

#[derive(Debug, Clone)]
struct TautomerTransform {
    query: Query,
    bond_types: Vec<BondOrder>,
    charges: Vec<i8>,
}

#[derive(Debug, Clone)]
struct ScoreTerm {
    query: Query,
    score: i32,
    elements: &'static [u8],
    connectivity: Option<Query>,
}

/// The transforms and scoring terms.
#[derive(Debug, Clone)]
pub struct TautomerCanonicalizer {
    transforms: Vec<TautomerTransform>,
    terms: Vec<ScoreTerm>,
}

fn bond_type(c: char) -> Option<BondOrder> {
    match c {
        '-' => Some(BondOrder::Single),
        '=' => Some(BondOrder::Double),
        '#' => Some(BondOrder::Triple),
        ':' => Some(BondOrder::Aromatic),
        _ => None,
    }
}

impl TautomerCanonicalizer {
    /// RDKit's default transforms and scores.
    pub fn new() -> Result<TautomerCanonicalizer> {
        let origin = "built-in tautomer transforms";
        let transforms = DEFAULT_TAUTOMER_TRANSFORMS
            .iter()
            .enumerate()
            .map(|(i, (_, smarts, bonds, charges))| {
                let charges = charges
                    .chars()
                    .map(|c| match c {
                        '+' => 1,
                        '-' => -1,
                        _ => 0,
                    })
                    .collect();
                Ok(TautomerTransform {
                    query: parse_pattern(smarts, origin, i + 1)?,
                    bond_types: bonds.chars().filter_map(bond_type).collect(),
                    charges,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let origin = "built-in tautomer scores";
        let terms = SCORE_TERMS
            .iter()
            .enumerate()
            .map(|(i, (_, smarts, score, elements, conn))| {
                Ok(ScoreTerm {
                    query: parse_pattern(smarts, origin, i + 1)?,
                    score: *score,
                    elements,
                    connectivity: if conn.is_empty() {
                        None
                    } else {
                        Some(parse_pattern(conn, origin, i + 1)?)
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(TautomerCanonicalizer { transforms, terms })
    }

    /// Every tautomer reachable from `mol` (itself included), keyed by
    /// canonical SMILES, as RDKit's `TautomerEnumerator::enumerate` finds
    /// them. The order matters once RDKit's limit of 1,000 transform
    /// applications stops the search (tetracyclines reach it): tautomers are
    /// visited in key order, a key added behind the current one waits for the
    /// next pass, and after each pass the tautomers found before later moves
    /// widened the modified atoms and bonds lose their stereo there and are
    /// re-keyed (RDKit's map walk, including where it resumes after a re-key).
    fn enumerate(&self, mol: &Mol) -> BTreeMap<String, Mol> {
        struct Entry {
            mol: Mol,
            done: bool,
            modified_atoms: usize,
            modified_bonds: usize,
        }
        let count = |v: &[bool]| v.iter().filter(|&&x| x).count();
        let after = |found: &BTreeMap<String, Entry>, key: &str| -> Option<String> {
            found
                .range::<str, _>((Bound::Excluded(key), Bound::Unbounded))
                .next()
                .map(|(k, _)| k.clone())
        };
        let mut modified_atoms = vec![false; mol.num_atoms()];
        let mut modified_bonds = vec![false; mol.num_bonds()];
        let mut found: BTreeMap<String, Entry> = BTreeMap::new();
        found.insert(
            to_smiles(mol),
            Entry {
                mol: mol.clone(),
                done: false,
                modified_atoms: 0,
                modified_bonds: 0,
            },
        );
        let opts = MatchOptions::default();
        let mut transforms_applied = 0usize;
        let (mut completed, mut bail) = (false, false);
        while !completed && !bail {
            let mut cursor = found.keys().next().cloned();
            while let Some(key) = cursor {
                cursor = after(&found, &key);
                let Some(entry) = found.get(&key) else {
                    continue;
                };
                if entry.done {
                    continue;
                }
                let kekule = entry.mol.kekule_bonds_keeping_flags();
                for t in &self.transforms {
                    let Ok(kekule) = kekule.as_ref() else {
                        break;
                    };
                    if bail {
                        break;
                    }
                    let matches = t.query.find_all(kekule, &opts);
                    if matches.is_empty() {
                        continue;
                    }
                    transforms_applied += 1;
                    for m in matches {
                        if transforms_applied >= MAX_TRANSFORMS || found.len() >= MAX_TAUTOMERS {
                            bail = true;
                            break;
                        }
                        let Some(product) =
                            self.apply(kekule, t, &m, &mut modified_atoms, &mut modified_bonds)
                        else {
                            continue;
                        };
                        let (product, _) = strip_stereo(&product, &modified_atoms, &modified_bonds);
                        let smiles = to_smiles(&product);
                        if found.contains_key(&smiles) {
                            continue;
                        }
                        // perception may have moved bonds the transform did not touch
                        for (i, (a, b)) in mol.bonds().iter().zip(product.bonds()).enumerate() {
                            if a.order != b.order {
                                if let Some(x) = modified_bonds.get_mut(i) {
                                    *x = true;
                                }
                            }
                        }
                        found.insert(
                            smiles,
                            Entry {
                                mol: product,
                                done: false,
                                modified_atoms: count(&modified_atoms),
                                modified_bonds: count(&modified_bonds),
                            },
                        );
                    }
                }
                if let Some(entry) = found.get_mut(&key) {
                    entry.done = true;
                }
            }
            // re-key the tautomers found before the modified sets grew
            completed = true;
            let (max_atoms, max_bonds) = (count(&modified_atoms), count(&modified_bonds));
            let mut cursor = found.keys().next().cloned();
            while let Some(key) = cursor {
                let Some(entry) = found.get(&key) else {
                    break;
                };
                if !entry.done {
                    completed = false;
                }
                if entry.modified_atoms < max_atoms || entry.modified_bonds < max_bonds {
                    let (restripped, changed) =
                        strip_stereo(&entry.mol, &modified_atoms, &modified_bonds);
                    if changed {
                        let done = entry.done;
                        found.remove(&key);
                        let new_key = to_smiles(&restripped);
                        if found.contains_key(&new_key) {
                            cursor = after(&found, &key);
                        } else {
                            found.insert(
                                new_key.clone(),
                                Entry {
                                    mol: restripped,
                                    done,
                                    modified_atoms: max_atoms,
                                    modified_bonds: max_bonds,
                                },
                            );
                            cursor = Some(new_key);
                        }
                        continue;
                    }
                }
                cursor = after(&found, &key);
            }
        }
        found.into_iter().map(|(k, e)| (k, e.mol)).collect()
    }

    fn apply(
        &self,
        kekule: &Mol,
        t: &TautomerTransform,
        m: &[AtomIdx],
        modified_atoms: &mut [bool],
        modified_bonds: &mut [bool],
    ) -> Option<Mol> {
        let (&first, &last) = (m.first()?, m.last()?);
        // The aromatic flags stay: as in RDKit, the product is kekulised
        // again before perception, so bonds of aromatic rings take the
        // Kekulé structure that fits the moved hydrogen, whatever orders the
        // transform wrote on them; only non-aromatic bonds keep its orders.
        let mut b = kekule.to_builder();
        for (a, delta) in [(first, -1i32), (last, 1)] {
            if let Some(x) = modified_atoms.get_mut(a.index()) {
                *x = true;
            }
            let total = i32::from(kekule.atom(a).total_hs());
            let atom = b.atom_mut(a)?;
            atom.explicit_hs = u8::try_from((total + delta).max(0)).unwrap_or(u8::MAX);
            atom.no_implicit = true;
        }
        for (k, qb) in t.query.bonds().iter().enumerate() {
            let (Some(&x), Some(&y)) = (m.get(qb.begin), m.get(qb.end)) else {
                return None;
            };
            let bi = b.bond_between(x, y)?;
            let bond = b.bond_mut(bi)?;
            if t.bond_types.is_empty() {
                bond.order = match bond.order {
                    BondOrder::Single => BondOrder::Double,
                    BondOrder::Double => BondOrder::Single,
                    other => other,
                };
            } else {
                bond.order = *t.bond_types.get(k)?;
            }
            if let Some(x) = modified_bonds.get_mut(bi.index()) {
                *x = true;
            }
        }
        for (k, &a) in m.iter().enumerate() {
            if let Some(&c) = t.charges.get(k) {
                let atom = b.atom_mut(a)?;
                atom.formal_charge += c;
            }
        }
        // RDKit skips a product whose rings cannot be kekulised
        b.rekekulize_aromatic().ok()?;
        sanitize(b, &keep_stereo()).ok()
    }

    fn score(&self, taut: &Mol, relevant: &[usize]) -> i32 {
        let mut score = 0;
        // Rings: fully aromatic +100, all-carbon aromatic +150 more.
        for ring in taut.rings().bond_rings() {
            let all_aromatic = ring.iter().all(|&b| is_aromatic_bond(taut, b));
            if all_aromatic {
                score += 100;
                let all_carbon = ring.iter().all(|&b| {
                    let bond = taut.bond(b);
                    taut.atom(bond.begin).atomic_num == 6 && taut.atom(bond.end).atomic_num == 6
                });
                if all_carbon {
                    score += 150;
                }
            }
        }
        for &i in relevant {
            let Some(term) = self.terms.get(i) else {
                continue;
            };
            let n = match i {
                2 => count_double_or_aromatic(taut, 6, 8),
                3 => count_double_or_aromatic(taut, 7, 8),
                4 => count_double_or_aromatic(taut, 15, 8),
                5 => count_carbon_double_hetero(taut),
                7 => count_aromatic_c_exocyclic_n(taut),
                8 => count_methyls(taut),
                _ => term.query.count(taut, &MatchOptions::default()),
            };
            score += n as i32 * term.score;
        }
        for atom in taut.atoms() {
            if matches!(atom.atomic_num, 15 | 16 | 34 | 52) {
                score -= i32::from(atom.total_hs());
            }
        }
        score
    }

    /// The canonical tautomer of `mol` (RDKit `TautomerEnumerator::canonicalize`):
    /// the best-scoring tautomer, stereo removed where tautomerism moved
    /// hydrogens or bonds.
    pub fn canonicalize(&self, mol: &Mol) -> Mol {
        let found = self.enumerate(mol);
        if found.len() <= 1 {
            return mol.clone();
        }
        let elements: BTreeSet<u8> = mol.atoms().iter().map(|a| a.atomic_num).collect();
        let relevant: Vec<usize> = self
            .terms
            .iter()
            .enumerate()
            .filter(|(_, t)| t.elements.iter().all(|e| elements.contains(e)))
            .filter(|(_, t)| t.connectivity.as_ref().is_none_or(|q| q.is_match(mol)))
            .map(|(i, _)| i)
            .collect();
        // best score; among equals the smallest key (RDKit's pickCanonical)
        let mut best: Option<(i32, &String, &Mol)> = None;
        for (key, taut) in &found {
            let score = self.score(taut, &relevant);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, key, taut));
            }
        }
        // RDKit's pickCanonical: stereo is cleaned on the picked tautomer only
        best.map_or_else(
            || mol.clone(),
            |(_, _, m)| sanitize(m.to_builder(), &reperceive()).unwrap_or_else(|_| m.clone()),
        )
    }
}

fn is_aromatic_bond(mol: &Mol, b: BondIdx) -> bool {
    let bond = mol.bond(b);
    bond.aromatic || bond.order == BondOrder::Aromatic
}

fn count_double_or_aromatic(mol: &Mol, z1: u8, z2: u8) -> usize {
    mol.bonds()
        .iter()
        .filter(|b| matches!(b.order, BondOrder::Double | BondOrder::Aromatic))
        .filter(|b| {
            let (a, c) = (mol.atom(b.begin).atomic_num, mol.atom(b.end).atomic_num);
            (a == z1 && c == z2) || (a == z2 && c == z1)
        })
        .count()
}

fn count_carbon_double_hetero(mol: &Mol) -> usize {
    let aliphatic_c_to_hetero = |c: AtomIdx, h: AtomIdx| {
        let (c, h) = (mol.atom(c), mol.atom(h));
        c.atomic_num == 6 && !c.aromatic && h.atomic_num != 1 && h.atomic_num != 6
    };
    mol.bonds()
        .iter()
        .filter(|b| b.order == BondOrder::Double)
        .filter(|b| aliphatic_c_to_hetero(b.begin, b.end) || aliphatic_c_to_hetero(b.end, b.begin))
        .count()
}

fn count_aromatic_c_exocyclic_n(mol: &Mol) -> usize {
    let aromatic_c_to_n = |c: AtomIdx, n: AtomIdx| {
        let (c, n) = (mol.atom(c), mol.atom(n));
        c.atomic_num == 6 && c.aromatic && n.atomic_num == 7
    };
    mol.bonds()
        .iter()
        .enumerate()
        .filter(|(_, b)| b.order == BondOrder::Double)
        .filter(|(i, _)| !mol.rings().is_ring_bond(BondIdx(*i as u32)))
        .filter(|(_, b)| aromatic_c_to_n(b.begin, b.end) || aromatic_c_to_n(b.end, b.begin))
        .count()
}

fn count_methyls(mol: &Mol) -> usize {
    mol.atom_indices()
        .filter(|&a| {
            let atom = mol.atom(a);
            atom.atomic_num == 6
                && atom.total_hs() == 3
                && mol.degree(a) + usize::from(atom.total_hs()) == 4
        })
        .count()
}

/// Chirality on the modified atoms and double-bond stereo on the modified
/// bonds removed (RDKit's defaults `tautomerRemoveSp3Stereo`,
/// `tautomerRemoveBondStereo`).
fn strip_stereo(mol: &Mol, atoms: &[bool], bonds: &[bool]) -> (Mol, bool) {
    let touches_stereo = mol.atom_indices().any(|a| {
        atoms.get(a.index()).copied().unwrap_or(false) && mol.atom(a).chirality != Chirality::None
    }) || mol
        .bonds()
        .iter()
        .enumerate()
        .any(|(i, b)| bonds.get(i).copied().unwrap_or(false) && b.stereo != BondStereo::None);
    if !touches_stereo {
        return (mol.clone(), false);
    }
    let mut b = mol.to_builder();
    for (i, &m) in atoms.iter().enumerate() {
        if m {
            if let Some(atom) = b.atom_mut(AtomIdx(i as u32)) {
                atom.chirality = Chirality::None;
            }
        }
    }
    let mut clear_dirs: Vec<BondIdx> = Vec::new();
    for (i, &m) in bonds.iter().enumerate() {
        if !m {
            continue;
        }
        let bi = BondIdx(i as u32);
        let Some(bond) = b.bond_mut(bi) else {
            continue;
        };
        if bond.stereo != BondStereo::None {
            let (x, y) = (bond.begin, bond.end);
            bond.stereo = BondStereo::None;
            for a in [x, y] {
                clear_dirs.extend(mol.neighbors(a).iter().map(|&(_, nb)| nb));
            }
        }
    }
    for bi in clear_dirs {
        if let Some(bond) = b.bond_mut(bi) {
            if matches!(bond.direction, BondDirection::Up | BondDirection::Down) {
                bond.direction = BondDirection::None;
            }
        }
    }
    match sanitize(b, &keep_stereo()) {
        Ok(m) => (m, true),
        Err(_) => (mol.clone(), false),
    }
}

/// Perception for tautomers while they are enumerated: RDKit enumerates
/// with `reassignStereo` off, so a chiral tag no rule touched survives an
/// intermediate tautomer in which its atom is not a stereocentre, and only
/// the picked tautomer is cleaned (`pickCanonical`).
fn keep_stereo() -> shennong_mol::SanitizeOptions {
    shennong_mol::SanitizeOptions {
        clean_stereo: false,
        ..reperceive()
    }
}
