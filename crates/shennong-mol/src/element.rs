//! The periodic table: symbols, masses, isotopes and RDKit's default valences.

use crate::element_data::{ELEMENTS, ELEMENT_TABLE, ISOTOPES};

/// Static data for one element.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementData {
    /// Element symbol as written in SMILES bracket atoms (`"Cl"`, `"*"` for the dummy).
    pub symbol: &'static str,
    /// Standard atomic weight.
    pub average_mass: f64,
    /// Number of outer-shell (valence) electrons.
    pub outer_electrons: u8,
    /// Mass number of the most abundant isotope.
    pub common_isotope: u16,
    /// Exact mass of the most abundant isotope.
    pub common_isotope_mass: f64,
    /// Allowed valences in increasing order; `[-1]` means "any" (metals).
    pub valences: &'static [i8],
}

/// Highest atomic number in the table.
pub const MAX_ATOMIC_NUM: u8 = 118;

/// Data for atomic number `z`, or `None` past the end of the table.
///
/// ```
/// let c = shennong_mol::element::element(6).unwrap();
/// assert_eq!(c.symbol, "C");
/// assert_eq!(c.valences, &[4]);
/// ```
pub fn element(z: u8) -> Option<&'static ElementData> {
    ELEMENTS.get(usize::from(z))
}

/// Element symbol for `z` (`"?"` if out of range).
pub fn symbol(z: u8) -> &'static str {
    element(z).map_or("?", |e| e.symbol)
}

/// Allowed valences of `z`; `[-1]` for "any" and for unknown elements.
pub fn valences(z: u8) -> &'static [i8] {
    element(z).map_or(&[-1], |e| e.valences)
}

/// The first allowed valence of `z` and how many there are (`(-1, 1)`
/// for "any" and for unknown elements; `(-1, 0)` for none): what the
/// valence model reads of nearly every atom, from one load of a small table
/// rather than through the element's valence list.
#[inline]
pub(crate) fn valence_head(z: u8) -> (i8, u8) {
    VALENCE_HEADS
        .get(usize::from(z))
        .copied()
        .unwrap_or((-1, 1))
}

static VALENCE_HEADS: [(i8, u8); ELEMENT_TABLE.len()] = valence_heads();

// Evaluated by the compiler: an index out of range would fail the build,
// never a run.
#[allow(clippy::indexing_slicing)]
const fn valence_heads() -> [(i8, u8); ELEMENT_TABLE.len()] {
    let mut table = [(-1i8, 0u8); ELEMENT_TABLE.len()];
    let mut z = 0;
    while z < ELEMENT_TABLE.len() {
        let list = ELEMENT_TABLE[z].valences;
        if !list.is_empty() {
            table[z] = (list[0], list.len() as u8);
        }
        z += 1;
    }
    table
}

/// Default (first) valence of `z`, `-1` for "any".
pub fn default_valence(z: u8) -> i32 {
    i32::from(valence_head(z).0)
}

/// Whether `z` is in SMILES' organic subset (B, C, N, O, P, S, F, Cl, Br,
/// I: written without brackets when their valence allows it).
///
/// ```
/// use shennong_mol::element::in_organic_subset;
/// assert!(in_organic_subset(17) && !in_organic_subset(34) && !in_organic_subset(0));
/// ```
pub fn in_organic_subset(z: u8) -> bool {
    matches!(z, 5..=9 | 15..=17 | 35 | 53)
}

/// Outer-shell electrons of `z`.
pub fn outer_electrons(z: u8) -> i32 {
    element(z).map_or(0, |e| i32::from(e.outer_electrons))
}

/// Atomic number for an element symbol (case-sensitive, `"Cl"`), or `None`.
pub fn atomic_number(symbol: &str) -> Option<u8> {
    match symbol.as_bytes() {
        [b'*'] => Some(0),
        &[first] => atomic_number_of_letters(first, None),
        &[first, second] => atomic_number_of_letters(first, Some(second)),
        _ => None,
    }
}

/// [`atomic_number`] of the symbol written with the capital `first` and,
/// for a two-letter symbol, the lower-case `second`: one table look-up,
/// for readers that hold the letters, not a string.
///
/// ```
/// use shennong_mol::element::atomic_number_of_letters;
/// assert_eq!(atomic_number_of_letters(b'C', Some(b'l')), Some(17));
/// assert_eq!(atomic_number_of_letters(b'N', None), Some(7));
/// assert_eq!(atomic_number_of_letters(b'X', Some(b'x')), None);
/// ```
#[inline]
pub fn atomic_number_of_letters(first: u8, second: Option<u8>) -> Option<u8> {
    let row = usize::from(first.checked_sub(b'A').filter(|&r| r < 26)?);
    let column = match second {
        None => 0,
        Some(c) => usize::from(c.checked_sub(b'a').filter(|&k| k < 26)?) + 1,
    };
    SYMBOL_LOOKUP
        .get(row * 27 + column)
        .copied()
        .filter(|&z| z != 0)
}

/// Atomic numbers by symbol letters: row = capital (`A`..`Z`), column 0
/// for a one-letter symbol, 1 + (second letter - `a`) otherwise; 0 where no
/// element has that symbol.
static SYMBOL_LOOKUP: [u8; 26 * 27] = symbol_lookup();

// Evaluated by the compiler: an index out of range would fail the build,
// never a run.
#[allow(clippy::indexing_slicing)]
const fn symbol_lookup() -> [u8; 26 * 27] {
    let mut table = [0u8; 26 * 27];
    // from 1: the dummy `*` is no letter
    let mut z = 1;
    while z < ELEMENT_TABLE.len() {
        let letters = ELEMENT_TABLE[z].symbol.as_bytes();
        let row = (letters[0] - b'A') as usize;
        let column = if letters.len() > 1 {
            (letters[1] - b'a') as usize + 1
        } else {
            0
        };
        table[row * 27 + column] = z as u8;
        z += 1;
    }
    table
}

/// Exact mass of isotope `mass_number` of element `z`, if tabulated.
pub fn isotope_mass(z: u8, mass_number: u16) -> Option<f64> {
    let pos = ISOTOPES
        .binary_search_by(|&(iz, a, _, _)| (iz, a).cmp(&(z, mass_number)))
        .ok()?;
    ISOTOPES.get(pos).map(|&(_, _, m, _)| m)
}

/// Whether element `a` is more electronegative than `b` by RDKit's proxy
/// (more outer electrons, then lower atomic number).
pub fn more_electronegative(a: u8, b: u8) -> bool {
    let (na, nb) = (outer_electrons(a), outer_electrons(b));
    na > nb || (na == nb && a < b)
}

/// Elements to the left of carbon in their row (RDKit's `isEarlyAtom`), whose
/// formal charge shifts valence in the opposite direction.
pub fn is_early_atom(z: u8) -> bool {
    matches!(
        z,
        3..=5 | 11..=13 | 19..=22 | 30..=32 | 37..=41 | 48..=51 | 55..=61 | 72..=73 | 80..=83 | 87..=93 | 104..=118
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The valence table holds each element's first valence and count.
    #[test]
    fn valence_heads_follow_the_valence_lists() {
        for z in 0..=MAX_ATOMIC_NUM.saturating_add(2) {
            let list = valences(z);
            let expected = (list.first().copied().unwrap_or(-1), list.len() as u8);
            assert_eq!(valence_head(z), expected, "{z}");
        }
    }

    /// The letter table finds every element by its symbol, as the search
    /// of the element list did, and nothing else.
    #[test]
    fn symbol_lookup_finds_every_element_and_nothing_else() {
        for z in 0..=MAX_ATOMIC_NUM {
            assert_eq!(atomic_number(symbol(z)), Some(z), "{}", symbol(z));
        }
        for bad in ["", "c", "CL", "Xx", "Cll", "**", "C*", "@", "Z"] {
            let by_search = ELEMENTS.iter().position(|e| e.symbol == bad);
            assert_eq!(atomic_number(bad), None, "{bad}");
            assert_eq!(by_search, None, "{bad}");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(atomic_number("Cl"), Some(17));
        assert_eq!(atomic_number("Xx"), None);
        assert_eq!(symbol(35), "Br");
        assert_eq!(valences(16), &[2, 4, 6]);
        assert!((isotope_mass(1, 2).unwrap_or(0.0) - 2.014101778).abs() < 1e-9);
        assert!(more_electronegative(8, 6));
        assert!(!more_electronegative(6, 8));
    }
}
