//! The parts of a CXSMILES extension block (`C1CC1 |...|`) that change the
//! molecule, applied as RDKit's `MolFromSmiles` applies them: radicals
//! (`^1:0,2`), coordination bonds (`C:3.2`) and zero-order bonds (`Z:4`).
//! Every other section (coordinates, labels, enhanced stereo, S-groups, ...)
//! describes the molecule without changing it and is skipped.
//!
//! Atoms are numbered as written; bonds in the order they are written, a
//! ring bond where its closing digit stands, which is the order the SMILES
//! reader adds them to the molecule.

use shennong_mol::{AtomIdx, BondIdx, BondOrder, MolBuilder};

use crate::error::SmilesError;

/// The extension block after the SMILES token of `text`: its content
/// (between the bars) and the byte offset where that content starts.
#[cfg(test)]
fn block(text: &str) -> Option<(usize, &str)> {
    let end = text.bytes().position(|c| c.is_ascii_whitespace())?;
    block_after(text, end)
}

/// [`block`] for a token known to end at byte `end` (where the parser
/// stopped), so the token is not scanned twice.
pub(crate) fn block_after(text: &str, end: usize) -> Option<(usize, &str)> {
    // ASCII whitespace never sits inside a multi-byte character
    let bytes = text.as_bytes();
    if !bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
        return None;
    }
    let start = end
        + bytes
            .get(end..)?
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
    if bytes.get(start) != Some(&b'|') {
        return None;
    }
    let after_bar = text.get(start + 1..)?;
    let close = after_bar.find('|')?;
    Some((start + 1, after_bar.get(..close)?))
}

/// The section a comma-separated piece continues.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Radicals(u8),
    Coordinate,
    Zero,
    Other,
}

/// Applies the block's radicals, coordination and zero-order bonds to
/// `mol`; `offset` is where the block's content starts in `input`, for the
/// column of an error (a bond that does not exist or does not touch its
/// atom, as RDKit rejects them).
pub(crate) fn apply(
    mol: &mut MolBuilder,
    content: &str,
    offset: usize,
    input: &str,
) -> Result<(), SmilesError> {
    let mut section = Section::Other;
    for (at, piece) in pieces(content) {
        let column = offset + at + 1;
        let fail = |reason: String| SmilesError {
            column,
            reason,
            input: input.to_string(),
        };
        let (items, started) = if let Some(rest) = piece.strip_prefix('^') {
            // `^n:`: 1 monovalent, 2-4 divalent, 5-7 trivalent (RDKit's counts)
            let mut chars = rest.chars();
            let electrons = match chars.next() {
                Some('1') => 1,
                Some('2'..='4') => 2,
                Some('5'..='7') => 3,
                _ => 0,
            };
            match chars.as_str().strip_prefix(':') {
                Some(items) if electrons > 0 => (items, Section::Radicals(electrons)),
                _ => ("", Section::Other),
            }
        } else if let Some(items) = piece.strip_prefix("C:") {
            (items, Section::Coordinate)
        } else if let Some(items) = piece.strip_prefix("Z:") {
            (items, Section::Zero)
        } else if piece.starts_with(|c: char| c.is_ascii_digit()) {
            (piece, section)
        } else {
            ("", Section::Other)
        };
        section = started;
        if items.is_empty() {
            continue;
        }
        match section {
            Section::Radicals(electrons) => {
                // an atom number outside the molecule is ignored, as in RDKit
                let atom = items
                    .parse::<u32>()
                    .ok()
                    .and_then(|a| mol.atom_mut(AtomIdx(a)));
                if let Some(atom) = atom {
                    atom.radical_electrons = electrons;
                }
            }
            Section::Coordinate => {
                let (a, b) = items
                    .split_once('.')
                    .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
                    .ok_or_else(|| fail(format!("coordination bond '{items}' is not atom.bond")))?;
                // numbers outside the molecule are ignored, as in RDKit
                if a as usize >= mol.num_atoms() || b as usize >= mol.num_bonds() {
                    continue;
                }
                let bond = mol
                    .bond_mut(BondIdx(b))
                    .filter(|bond| bond.begin.0 == a || bond.end.0 == a)
                    .ok_or_else(|| {
                        fail(format!("no bond {b} at atom {a} for a coordination bond"))
                    })?;
                // the named atom donates
                if bond.begin.0 != a {
                    std::mem::swap(&mut bond.begin, &mut bond.end);
                }
                bond.order = BondOrder::Dative;
                bond.aromatic = false;
            }
            Section::Zero => {
                let b = items
                    .parse::<u32>()
                    .map_err(|_| fail(format!("zero-order bond '{items}' is not a number")))?;
                // a number outside the molecule is ignored, as in RDKit
                if let Some(bond) = mol.bond_mut(BondIdx(b)) {
                    bond.order = BondOrder::Zero;
                    bond.aromatic = false;
                }
            }
            Section::Other => {}
        }
    }
    Ok(())
}

/// The block's comma-separated pieces with their offsets, commas inside
/// parentheses (coordinates) or `$...$` (labels) not splitting.
fn pieces(content: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut in_label, mut start) = (0usize, false, 0usize);
    for (i, c) in content.char_indices() {
        match c {
            '$' => in_label = !in_label,
            '(' if !in_label => depth += 1,
            ')' if !in_label => depth = depth.saturating_sub(1),
            ',' if depth == 0 && !in_label => {
                out.push((start, content.get(start..i).unwrap_or("")));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, content.get(start..).unwrap_or("")));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_is_found_after_the_token() {
        assert_eq!(block("CC |^1:1| name"), Some((4, "^1:1")));
        assert_eq!(block("CC\t|C:0.0|"), Some((4, "C:0.0")));
        assert_eq!(block("CC name"), None);
        assert_eq!(block("CC |unclosed"), None);
        assert_eq!(block("CC"), None);
    }

    #[test]
    fn pieces_keep_coordinates_and_labels_whole() {
        let p: Vec<&str> = pieces("(0,0,;1,2,),$a,b$,^1:0,2")
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        assert_eq!(p, ["(0,0,;1,2,)", "$a,b$", "^1:0", "2"]);
    }
}
