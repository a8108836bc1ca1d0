//! Single-reactant, in-place reaction transforms (`reactant>>product` SMARTS
//! with atom maps), applied as RDKit's `ChemicalReaction::runReactant` does:
//! the first match of the reactant template is edited where it lies, mapped
//! atoms take the charge, hydrogen count, isotope and element that the product
//! template states, bonds between mapped atoms take the product's bond type
//! where the two templates differ, are added where only the product has them
//! and removed where only the reactant has them; reactant atoms missing from
//! the product are deleted. Everything outside the match is untouched.
//!
//! [`Transform::parse_reaction`] also accepts product atoms without a mapped
//! reactant atom: they are added, with the element, charge, hydrogen count
//! and isotope the template states, bonded as the template bonds them (as
//! RDKit's `runReactants` creates unmapped product atoms). Design uses such
//! reactions as medicinal-chemistry moves ([`Transform::products`]).

use shennong_mol::{AtomIdx, BondOrder, MolBuilder};
use shennong_smarts::{AtomExpr, AtomPrim, BondExpr, BondPrim, Count, Expr, Query};

use crate::error::{parse_pattern, Result, StandardizeError};
use crate::matching::{first_match, ordered_matches};

/// What a product template atom sets on the atom it maps to.
#[derive(Debug, Clone, Default, PartialEq)]
struct AtomEdit {
    map: u32,
    atomic_num: Option<u8>,
    charge: Option<i8>,
    hydrogens: Option<u8>,
    isotope: Option<u16>,
    aromatic: bool,
}

/// A parsed transform.
#[derive(Debug, Clone)]
pub struct Transform {
    name: String,
    reactant: Query,
    /// Per reactant atom: the product atom with the same map number.
    product_of: Vec<Option<usize>>,
    product_atoms: Vec<AtomEdit>,
    /// Product bonds as (product atom, product atom, type).
    product_bonds: Vec<(usize, usize, BondOrder)>,
    /// Product atoms that no reactant atom maps to: created by the edit.
    new_atoms: Vec<usize>,
}

impl Transform {
    /// Parses an in-place transform `reactant>>product`, whose product atoms
    /// all map to reactant atoms; `origin` and `line` locate errors.
    pub fn parse(name: &str, smirks: &str, origin: &str, line: usize) -> Result<Transform> {
        Self::parse_with(name, smirks, origin, line, false)
    }

    /// Parses a reaction `reactant>>product` whose product may also have
    /// unmapped atoms, which the edit creates; each needs a stated element.
    ///
    /// ```
    /// use shennong_standardize::Transform;
    /// let fluorinate = Transform::parse_reaction("F scan", "[cH:1]>>[c:1]F", "example", 1).unwrap();
    /// let benzoic = shennong_smiles::parse("OC(=O)c1ccccc1").unwrap();
    /// let products: Vec<String> = fluorinate
    ///     .products(&benzoic)
    ///     .into_iter()
    ///     .filter_map(|b| b.sanitize().ok())
    ///     .map(|m| shennong_smiles::to_smiles(&m))
    ///     .collect();
    /// assert_eq!(products.len(), 5); // one per aromatic CH
    /// assert!(products.contains(&"O=C(O)c1ccc(F)cc1".to_string()));
    /// ```
    pub fn parse_reaction(
        name: &str,
        smirks: &str,
        origin: &str,
        line: usize,
    ) -> Result<Transform> {
        Self::parse_with(name, smirks, origin, line, true)
    }

    fn parse_with(
        name: &str,
        smirks: &str,
        origin: &str,
        line: usize,
        allow_new_atoms: bool,
    ) -> Result<Transform> {
        let bad = |reason: String| StandardizeError::Definition {
            origin: origin.to_string(),
            line,
            reason,
        };
        let (left, right) = smirks
            .split_once(">>")
            .ok_or_else(|| bad(format!("'{smirks}' is not a reaction (no '>>')")))?;
        let reactant = parse_pattern(left, origin, line)?;
        let product = parse_pattern(right, origin, line)?;
        let product_atoms: Vec<AtomEdit> = product
            .atoms()
            .iter()
            .map(|a| {
                let mut edit = AtomEdit {
                    map: a.map_num,
                    ..AtomEdit::default()
                };
                collect_edits(&a.expr, &mut edit);
                edit
            })
            .collect();
        let mut product_of = Vec::with_capacity(reactant.num_atoms());
        for atom in reactant.atoms() {
            let p = (atom.map_num != 0)
                .then(|| product_atoms.iter().position(|e| e.map == atom.map_num))
                .flatten();
            product_of.push(p);
        }
        let mut new_atoms = Vec::new();
        for (i, edit) in product_atoms.iter().enumerate() {
            if edit.map != 0 && product_of.contains(&Some(i)) {
                continue;
            }
            if !allow_new_atoms {
                return Err(bad(format!(
                    "product atom {} has no mapped reactant atom: in-place transforms cannot add atoms",
                    i + 1
                )));
            }
            if edit.atomic_num.is_none() {
                return Err(bad(format!(
                    "product atom {} is new (no mapped reactant atom) but its element is not stated",
                    i + 1
                )));
            }
            new_atoms.push(i);
        }
        if reactant.num_atoms() == 0 {
            return Err(bad(format!("'{smirks}' has an empty reactant template")));
        }
        let aromatic = |i: usize| product_atoms.get(i).is_some_and(|e| e.aromatic);
        let product_bonds = product
            .bonds()
            .iter()
            .map(|b| {
                (
                    b.begin,
                    b.end,
                    template_bond_type(&b.expr, aromatic(b.begin) && aromatic(b.end)),
                )
            })
            .collect();
        Ok(Transform {
            name: name.to_string(),
            reactant,
            product_of,
            product_atoms,
            product_bonds,
            new_atoms,
        })
    }

    /// The transform's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Edits the first match in place; `None` when the reactant template does
    /// not match or the edit changes nothing (RDKit then moves on).
    pub(crate) fn apply(&self, mol: &shennong_mol::Mol) -> Option<MolBuilder> {
        let matched = first_match(&self.reactant, mol)?;
        self.apply_at(mol, &matched)
    }

    /// The edited molecule for every match of the reactant template (one per
    /// set of matched atoms, in RDKit's match order), unsanitized: pass each
    /// through `MolBuilder::sanitize`, which refuses impossible valences.
    /// Matches where the edit changes nothing give nothing.
    pub fn products(&self, mol: &shennong_mol::Mol) -> Vec<MolBuilder> {
        ordered_matches(&self.reactant, mol, true)
            .iter()
            .filter_map(|matched| self.apply_at(mol, matched))
            .collect()
    }

    /// Edits the match `matched` (target atom of each reactant atom).
    fn apply_at(&self, mol: &shennong_mol::Mol, matched: &[AtomIdx]) -> Option<MolBuilder> {
        let mut b = mol.to_builder();
        let mut modified = false;
        for (ri, &target) in matched.iter().enumerate() {
            let Some(pi) = self.product_of.get(ri).copied().flatten() else {
                continue;
            };
            let Some(edit) = self.product_atoms.get(pi) else {
                continue;
            };
            let reactant_z = self.reactant.definite_atomic_num(ri);
            let Some(atom) = b.atom_mut(target) else {
                continue;
            };
            if let Some(z) = edit.atomic_num {
                if reactant_z != Some(z) && atom.atomic_num != z {
                    atom.atomic_num = z;
                    modified = true;
                }
            }
            if let Some(c) = edit.charge {
                if atom.formal_charge != c {
                    atom.formal_charge = c;
                    modified = true;
                }
            }
            if let Some(h) = edit.hydrogens {
                if !atom.no_implicit || atom.explicit_hs != h {
                    atom.explicit_hs = h;
                    atom.no_implicit = true;
                    modified = true;
                }
            }
            if let Some(iso) = edit.isotope {
                if atom.isotope != iso {
                    atom.isotope = iso;
                    modified = true;
                }
            }
        }
        let mut created: Vec<(usize, AtomIdx)> = Vec::with_capacity(self.new_atoms.len());
        for &p in &self.new_atoms {
            let Some(edit) = self.product_atoms.get(p) else {
                continue;
            };
            let mut atom = shennong_mol::Atom::new(edit.atomic_num.unwrap_or(0));
            atom.formal_charge = edit.charge.unwrap_or(0);
            atom.isotope = edit.isotope.unwrap_or(0);
            atom.aromatic = edit.aromatic;
            if let Some(h) = edit.hydrogens {
                atom.explicit_hs = h;
                atom.no_implicit = true;
            }
            created.push((p, b.add_atom(atom)));
            modified = true;
        }
        let target_of_product = |p: usize| -> Option<AtomIdx> {
            if let Some(&(_, t)) = created.iter().find(|&&(q, _)| q == p) {
                return Some(t);
            }
            let ri = self.product_of.iter().position(|&x| x == Some(p))?;
            matched.get(ri).copied()
        };
        let reactant_index_of_product =
            |p: usize| -> Option<usize> { self.product_of.iter().position(|&x| x == Some(p)) };
        let mut to_remove: Vec<(AtomIdx, AtomIdx)> = Vec::new();
        for &(pa, pb, order) in &self.product_bonds {
            let (Some(ta), Some(tb)) = (target_of_product(pa), target_of_product(pb)) else {
                continue;
            };
            let reactant_ends = reactant_index_of_product(pa).zip(reactant_index_of_product(pb));
            // A bond to a created atom has no reactant counterpart: it is added.
            let reactant_bond = reactant_ends.and_then(|(ra, rb)| {
                self.reactant
                    .neighbors(ra)
                    .iter()
                    .find(|&&(n, _)| n == rb)
                    .map(|&(_, bi)| bi)
            });
            let template_changes = match (reactant_bond, reactant_ends) {
                (Some(rbi), Some((ra, rb))) => {
                    let ends_aromatic =
                        |q: usize| atom_is_aromatic(self.reactant.atoms().get(q).map(|a| &a.expr));
                    let rtype = self.reactant.bonds().get(rbi).map(|rbond| {
                        template_bond_type(&rbond.expr, ends_aromatic(ra) && ends_aromatic(rb))
                    });
                    rtype != Some(order)
                }
                _ => true,
            };
            if !template_changes {
                continue;
            }
            match b.bond_between(ta, tb) {
                Some(bi) => {
                    if let Some(bond) = b.bond_mut(bi) {
                        // RDKit counts a bond whose template type changes as a
                        // modification even when the molecule already has it.
                        if bond.order != order || reactant_bond.is_some() {
                            modified = true;
                            bond.order = order;
                            bond.aromatic = order == BondOrder::Aromatic;
                        }
                    }
                }
                None => {
                    if b.add_bond(ta, tb, order).is_ok() {
                        modified = true;
                    }
                }
            }
        }
        // Reactant bonds between atoms that both survive but are no longer bonded in the product.
        for bond in self.reactant.bonds() {
            let (Some(pa), Some(pb)) = (
                self.product_of.get(bond.begin).copied().flatten(),
                self.product_of.get(bond.end).copied().flatten(),
            ) else {
                continue;
            };
            let bonded = self
                .product_bonds
                .iter()
                .any(|&(x, y, _)| (x == pa && y == pb) || (x == pb && y == pa));
            if !bonded {
                if let (Some(&ta), Some(&tb)) = (matched.get(bond.begin), matched.get(bond.end)) {
                    to_remove.push((ta, tb));
                }
            }
        }
        for (ta, tb) in to_remove {
            modified |= b.remove_bond(ta, tb);
        }
        let doomed: Vec<bool> = {
            let mut keep = vec![true; b.num_atoms()];
            for (ri, &target) in matched.iter().enumerate() {
                if self.product_of.get(ri).copied().flatten().is_none() {
                    if let Some(k) = keep.get_mut(target.index()) {
                        *k = false;
                    }
                }
            }
            keep
        };
        if doomed.iter().any(|k| !k) {
            let all_bonds = vec![true; b.num_bonds()];
            b = b.subgraph(&doomed, &all_bonds);
            modified = true;
        }
        modified.then_some(b)
    }
}

/// Charge, hydrogen count, isotope and element stated at the top level of a
/// product atom (what RDKit keeps as `_QueryFormalCharge`, `_QueryHCount`…).
fn collect_edits(expr: &AtomExpr, edit: &mut AtomEdit) {
    match expr {
        Expr::And(v) => v.iter().for_each(|e| collect_edits(e, edit)),
        Expr::Prim(p) => match p {
            AtomPrim::Charge(c) => edit.charge = i8::try_from(*c).ok(),
            AtomPrim::Count(Count::TotalHs, r) if r.min.is_some() && r.min == r.max => {
                edit.hydrogens = r.min.and_then(|h| u8::try_from(h).ok());
            }
            AtomPrim::Isotope(i) => edit.isotope = Some(*i),
            AtomPrim::Element { z, aromatic } => {
                edit.atomic_num = Some(*z);
                edit.aromatic = *aromatic;
            }
            AtomPrim::AtomicNum(z) => edit.atomic_num = Some(*z),
            AtomPrim::Aromatic => edit.aromatic = true,
            _ => {}
        },
        Expr::Or(_) | Expr::Not(_) => {}
    }
}

fn atom_is_aromatic(expr: Option<&AtomExpr>) -> bool {
    let mut edit = AtomEdit::default();
    if let Some(e) = expr {
        collect_edits(e, &mut edit);
        if let Expr::Or(v) = e {
            // `[n,o,p,s]`: an aromatic-only alternative list.
            return v
                .iter()
                .all(|x| matches!(x, Expr::Prim(AtomPrim::Element { aromatic: true, .. })));
        }
    }
    edit.aromatic
}

/// The bond type RDKit gives a template bond: the stated type, or for an
/// unstated bond, single (aromatic between two aromatic atoms).
fn template_bond_type(expr: &BondExpr, both_aromatic: bool) -> BondOrder {
    fn stated(expr: &BondExpr) -> Option<BondOrder> {
        match expr {
            Expr::Prim(BondPrim::Kind(k)) => Some(k.order()),
            Expr::And(v) => v.iter().find_map(stated),
            _ => None,
        }
    }
    stated(expr).unwrap_or(if both_aromatic {
        BondOrder::Aromatic
    } else {
        BondOrder::Single
    })
}
