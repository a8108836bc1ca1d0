//! Fragments: the largest-fragment parent (RDKit
//! `MolStandardize::LargestFragmentChooser`) and salt/solvent stripping with
//! a definition list (RDKit `SaltRemover`, the format of RDKit's `Salts.txt`
//! and datamol's `salts_solvents.smi`).

use shennong_mol::{AtomIdx, Mol};
use shennong_smarts::Query;
use shennong_smiles::{write_smiles, WriteOptions};

use crate::error::{parse_pattern, Result, StandardizeError};
use crate::normalize::reperceived;

/// Keeps only the atoms of `keep` (whole fragments), perceived again.
pub(crate) fn keep_atoms(mol: &Mol, keep: &[bool]) -> Result<Mol> {
    let bonds = vec![true; mol.num_bonds()];
    reperceived(
        mol.to_builder().subgraph(keep, &bonds),
        "fragment selection",
    )
}

/// Canonical SMILES of one fragment (RDKit's `MolFragmentToSmiles` with defaults).
fn fragment_smiles(mol: &Mol, atoms: &[AtomIdx]) -> String {
    let mut keep = vec![false; mol.num_atoms()];
    for a in atoms {
        if let Some(k) = keep.get_mut(a.index()) {
            *k = true;
        }
    }
    match keep_atoms(mol, &keep) {
        Ok(frag) => write_smiles(&frag, &WriteOptions::default()).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// The largest fragment: most atoms counting hydrogens, then the largest
/// "weight" (100 × Z + isotope − 0.1 × charge + hydrogens, summed), then the
/// alphabetically smallest canonical SMILES. With `prefer_organic`, a
/// fragment holding carbon beats any without.
pub fn largest_fragment(mol: &Mol, prefer_organic: bool) -> Result<Mol> {
    let frags = mol.fragments();
    if frags.len() <= 1 {
        return Ok(mol.clone());
    }
    struct Best {
        index: usize,
        atoms: u32,
        weight: f64,
        smiles: String,
        organic: bool,
    }
    let mut best: Option<Best> = None;
    for (fi, frag) in frags.iter().enumerate() {
        let organic = frag.iter().any(|&a| mol.atom(a).atomic_num == 6);
        if prefer_organic {
            if let Some(b) = &best {
                if b.organic && !organic {
                    continue;
                }
                if organic && !b.organic {
                    best = None;
                }
            }
        }
        let atoms: u32 = frag
            .iter()
            .map(|&a| 1 + u32::from(mol.atom(a).total_hs()))
            .sum();
        if best.as_ref().is_some_and(|b| atoms < b.atoms) {
            continue;
        }
        let weight: f64 = frag
            .iter()
            .map(|&a| {
                let x = mol.atom(a);
                100.0 * f64::from(x.atomic_num) + f64::from(x.isotope)
                    - f64::from(x.formal_charge) * 0.1
                    + f64::from(x.total_hs())
            })
            .sum();
        if best
            .as_ref()
            .is_some_and(|b| atoms == b.atoms && weight < b.weight)
        {
            continue;
        }
        let smiles = fragment_smiles(mol, frag);
        if best
            .as_ref()
            .is_some_and(|b| atoms == b.atoms && weight == b.weight && smiles > b.smiles)
        {
            continue;
        }
        best = Some(Best {
            index: fi,
            atoms,
            weight,
            smiles,
            organic,
        });
    }
    let Some(best) = best else {
        return Ok(mol.clone());
    };
    let mut keep = vec![false; mol.num_atoms()];
    for a in frags.get(best.index).into_iter().flatten() {
        if let Some(k) = keep.get_mut(a.index()) {
            *k = true;
        }
    }
    keep_atoms(mol, &keep)
}

/// One salt or solvent definition.
#[derive(Debug, Clone)]
pub struct SaltDefinition {
    /// The name given after the pattern, if any.
    pub name: String,
    /// The pattern; a fragment is a salt when it matches it with every atom.
    pub query: Query,
}

/// An ordered salt/solvent list.
#[derive(Debug, Clone, Default)]
pub struct SaltRemover {
    salts: Vec<SaltDefinition>,
}

impl SaltRemover {
    /// Reads a definition list: one SMARTS per line, optionally followed by
    /// whitespace and a name; `//` starts a comment, blank lines are skipped
    /// (RDKit's `Salts.txt` format). `origin` names the file in errors.
    ///
    /// ```
    /// let salts = shennong_standardize::SaltRemover::parse("mine", "[Cl,Br,I]\n[Na,K] // cations").unwrap();
    /// let mol = shennong_smiles::parse("CN(C)C.Cl.[Na+].[Cl-]").unwrap();
    /// assert_eq!(shennong_smiles::to_smiles(&salts.strip(&mol).unwrap()), "CN(C)C");
    /// ```
    pub fn parse(origin: &str, text: &str) -> Result<SaltRemover> {
        let mut salts = Vec::new();
        for (i, line) in text.lines().enumerate() {
            // As RDKit's SaltRemover: `//` starts a comment anywhere on the line.
            let trimmed = line.split("//").next().unwrap_or("").trim();
            if trimmed.is_empty() {
                continue;
            }
            let (pattern, name) = match trimmed.split_once(char::is_whitespace) {
                Some((p, n)) => (p, n.trim()),
                None => (trimmed, ""),
            };
            let query = parse_pattern(pattern, origin, i + 1)?;
            salts.push(SaltDefinition {
                name: name.to_string(),
                query,
            });
        }
        if salts.is_empty() {
            return Err(StandardizeError::Definition {
                origin: origin.to_string(),
                line: 0,
                reason: "no salt definitions in the file".into(),
            });
        }
        Ok(SaltRemover { salts })
    }

    /// The definitions, in order.
    pub fn definitions(&self) -> &[SaltDefinition] {
        &self.salts
    }

    /// Removes, definition by definition, every fragment that the definition
    /// matches entirely; a definition that would remove every fragment
    /// removes none (RDKit `SaltRemover.StripMol(dontRemoveEverything=True)`).
    pub fn strip(&self, mol: &Mol) -> Result<Mol> {
        let mut current = mol.clone();
        for salt in &self.salts {
            let frags = current.fragments();
            let mut keep = vec![true; current.num_atoms()];
            let mut removed = false;
            for frag in &frags {
                if frag.len() != salt.query.num_atoms() {
                    continue;
                }
                let mut sub = vec![false; current.num_atoms()];
                for a in frag {
                    if let Some(s) = sub.get_mut(a.index()) {
                        *s = true;
                    }
                }
                let piece = keep_atoms(&current, &sub)?;
                if salt.query.is_match(&piece) {
                    for a in frag {
                        if let Some(k) = keep.get_mut(a.index()) {
                            *k = false;
                        }
                    }
                    removed = true;
                }
            }
            if removed && keep.iter().any(|&k| k) {
                current = keep_atoms(&current, &keep)?;
            }
        }
        Ok(current)
    }
}
