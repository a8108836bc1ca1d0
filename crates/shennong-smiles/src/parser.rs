//! OpenSMILES reader producing a raw [`MolBuilder`].

use shennong_mol::element::atomic_number_of_letters;
use shennong_mol::{
    Atom, AtomIdx, BondDirection, BondOrder, Chirality, MolBuilder, MolError, StereoClass,
};

use crate::error::SmilesError;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BondSym {
    Single,
    Double,
    Triple,
    Quadruple,
    Aromatic,
    Up,
    Down,
    DativeRight,
    DativeLeft,
}

impl BondSym {
    fn order(self) -> BondOrder {
        match self {
            BondSym::Single | BondSym::Up | BondSym::Down => BondOrder::Single,
            BondSym::Double => BondOrder::Double,
            BondSym::Triple => BondOrder::Triple,
            BondSym::Quadruple => BondOrder::Quadruple,
            BondSym::Aromatic => BondOrder::Aromatic,
            BondSym::DativeRight | BondSym::DativeLeft => BondOrder::Dative,
        }
    }
    fn is_directional(self) -> bool {
        matches!(self, BondSym::Up | BondSym::Down)
    }
}

/// A neighbour slot in the order atoms were written, for chirality.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Slot {
    Atom(AtomIdx),
    /// A neighbour reached through a ring-closure digit.
    Ring(AtomIdx),
    /// The bracket hydrogen or, for three neighbours, the lone pair.
    Implicit,
    /// A ring bond not yet closed.
    Pending,
}

/// The neighbour slots of one atom in written order.
type SlotList = smallvec::SmallVec<[Slot; 4]>;

struct OpenRing {
    atom: AtomIdx,
    bond: Option<BondSym>,
    slot: usize,
    column: usize,
}

/// What the parser keeps of an atom with a stereo tag, to interpret it.
struct Centre {
    atom: AtomIdx,
    /// Neighbour slots in written order, inline for the usual four or fewer.
    slots: SlotList,
    /// Ring-closure digits written at the atom (opening or closing).
    closures: u8,
}

/// [`Parser::centre_of`] for an atom without a stereo tag.
const NOT_A_CENTRE: u32 = u32::MAX;

struct Parser<'a> {
    /// Neighbour order is only needed to interpret `@`/`@@`.
    track_order: bool,
    bytes: &'a [u8],
    pos: usize,
    mol: MolBuilder,
    /// Per atom, when there is an `@`: where its entry is in `centres`, or
    /// [`NOT_A_CENTRE`]. Only tagged atoms keep their neighbour order.
    centre_of: Vec<u32>,
    centres: Vec<Centre>,
}

/// Parses the SMILES token of `text` (up to the first whitespace) into a raw graph.
///
/// ```
/// let raw = shennong_smiles::parse_raw("C[C@H](N)C(=O)O").unwrap();
/// assert_eq!(raw.num_atoms(), 6);
/// ```
pub fn parse_raw(text: &str) -> Result<MolBuilder, SmilesError> {
    parse_token(text).map(|(mol, _)| mol)
}

/// [`parse_raw`], also returning where the SMILES token ends in `text`.
pub(crate) fn parse_token(text: &str) -> Result<(MolBuilder, usize), SmilesError> {
    let scan = scan_token(text.as_bytes());
    let token = text.get(..scan.end).unwrap_or("");
    let mut p = Parser {
        track_order: scan.has_at,
        bytes: token.as_bytes(),
        pos: 0,
        mol: MolBuilder::with_capacity(scan.atoms, scan.bonds),
        centre_of: Vec::with_capacity(if scan.has_at { scan.atoms } else { 0 }),
        centres: Vec::new(),
    };
    p.run().map_err(|(column, reason)| SmilesError {
        column,
        reason,
        input: token.to_string(),
    })?;
    Ok((p.mol, scan.end))
}

/// What one pass over the text tells before parsing.
struct TokenScan {
    /// Where the SMILES token ends (the first ASCII whitespace, or the end).
    end: usize,
    /// Upper bounds on its atoms and bonds, as capacity hints.
    atoms: usize,
    bonds: usize,
    /// Whether it has an `@` (only then is neighbour order kept for chirality).
    has_at: bool,
}

/// One pass over the bytes up to the first ASCII whitespace (which never
/// sits inside a multi-byte character, so no decoding is needed). Atoms are
/// bounded by the element symbols' capitals, the aromatic letters and `*`
/// (a bracket atom's `H` or second letter may count once more), bonds by
/// one per atom plus one per pair of digits; the bounds need no bracket
/// state. Whole blocks of 16 bytes are classified by comparisons alone,
/// which the compiler turns into vector code; the block holding the end,
/// and the bytes after the last whole block, go byte by byte.
fn scan_token(bytes: &[u8]) -> TokenScan {
    const BLOCK: usize = 16;
    let (mut atoms, mut digits, mut has_at) = (0usize, 0usize, false);
    let mut scanned = 0;
    for block in bytes.chunks_exact(BLOCK) {
        let (mut space, mut block_atoms, mut block_digits, mut at) = (false, 0u8, 0u8, false);
        for &c in block {
            space |= c.is_ascii_whitespace();
            block_atoms += u8::from(bounds_an_atom(c));
            block_digits += u8::from(c.is_ascii_digit());
            at |= c == b'@';
        }
        if space {
            break;
        }
        atoms += usize::from(block_atoms);
        digits += usize::from(block_digits);
        has_at |= at;
        scanned += BLOCK;
    }
    let mut end = bytes.len();
    for (i, &c) in bytes.iter().enumerate().skip(scanned) {
        let class = BYTE_CLASS.get(usize::from(c)).copied().unwrap_or(0);
        if class & SPACE != 0 {
            end = i;
            break;
        }
        atoms += usize::from(class & ATOM);
        digits += usize::from(class & DIGIT != 0);
        has_at |= class & AT != 0;
    }
    TokenScan {
        end,
        atoms,
        bonds: atoms + digits.div_ceil(2),
        has_at,
    }
}

/// Whether byte `c` counts towards [`scan_token`]'s atom bound: an element
/// symbol's capital, an aromatic letter or `*`. Written as comparisons,
/// which the block loop turns into vector code; the byte table is built
/// from it.
#[inline]
const fn bounds_an_atom(c: u8) -> bool {
    c.is_ascii_uppercase()
        | (c == b'*')
        | matches!(c, b'b'..=b'c')
        | matches!(c, b'n'..=b'p')
        | (c == b's')
}

/// [`scan_token`]'s byte classes.
const ATOM: u8 = 1;
const DIGIT: u8 = 2;
const AT: u8 = 4;
const SPACE: u8 = 8;
static BYTE_CLASS: [u8; 256] = byte_classes();

// Evaluated at compile time: an index out of range would fail the build,
// never a run.
#[allow(clippy::indexing_slicing)]
const fn byte_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = match c {
            _ if bounds_an_atom(c) => ATOM,
            b'0'..=b'9' => DIGIT,
            b'@' => AT,
            _ if c.is_ascii_whitespace() => SPACE,
            _ => 0,
        };
        i += 1;
    }
    t
}

type PResult<T> = Result<T, (usize, String)>;

/// The order of a bond written `sym` (none: unmarked) between two atoms;
/// `aromatic_pair` tells whether both are aromatic (see
/// `Parser::bond_order_between`).
fn bond_order_of(sym: Option<BondSym>, aromatic_pair: bool) -> BondOrder {
    match sym {
        Some(s) if !s.is_directional() => s.order(),
        _ if aromatic_pair => BondOrder::Aromatic,
        _ => BondOrder::Single,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.bytes.get(self.pos + k).copied()
    }

    fn col(&self) -> usize {
        self.pos + 1
    }

    fn err<T>(&self, reason: impl Into<String>) -> PResult<T> {
        Err((self.col(), reason.into()))
    }

    fn run(&mut self) -> PResult<()> {
        if self.bytes.is_empty() {
            return self.err("empty SMILES");
        }
        let mut prev: Option<AtomIdx> = None;
        let mut branches: smallvec::SmallVec<[(Option<AtomIdx>, usize); 8]> =
            smallvec::SmallVec::new();
        let mut bond: Option<(BondSym, usize)> = None;
        // few ring bonds are open at once: a small list beats a hash map
        let mut rings: smallvec::SmallVec<[(u32, OpenRing); 8]> = smallvec::SmallVec::new();
        let mut dot_pending = false;
        let mut branch_empty = false;
        while let Some(c) = self.peek() {
            match c {
                b'(' => {
                    if branch_empty {
                        return self.err("branch opened directly inside another branch");
                    }
                    if prev.is_none() {
                        return self.err("branch opened before any atom");
                    }
                    if bond.is_some() {
                        return self.err("bond symbol before a branch");
                    }
                    branches.push((prev, self.col()));
                    self.pos += 1;
                    branch_empty = true;
                }
                b')' => {
                    if branch_empty {
                        return self.err("empty branch");
                    }
                    if dot_pending {
                        return self.err("'.' at the end of a branch");
                    }
                    if bond.is_some() {
                        return self.err("bond symbol at the end of a branch");
                    }
                    let Some((p, _)) = branches.pop() else {
                        return self.err("unbalanced parenthesis: ')' without '('");
                    };
                    prev = p;
                    self.pos += 1;
                }
                b'.' => {
                    if bond.is_some() {
                        return self.err("bond symbol before '.'");
                    }
                    if prev.is_none() || branch_empty {
                        return self.err("'.' without a preceding atom");
                    }
                    prev = None;
                    dot_pending = true;
                    self.pos += 1;
                }
                b'-' | b'=' | b'#' | b'$' | b':' | b'/' | b'\\' | b'<' => {
                    if bond.is_some() {
                        return self.err("two bond symbols in a row");
                    }
                    let col = self.col();
                    let sym = match c {
                        b'-' if self.peek_at(1) == Some(b'>') => {
                            self.pos += 1;
                            BondSym::DativeRight
                        }
                        b'<' if self.peek_at(1) == Some(b'-') => {
                            self.pos += 1;
                            BondSym::DativeLeft
                        }
                        b'<' => return self.err("unexpected character '<'"),
                        b'-' => BondSym::Single,
                        b'=' => BondSym::Double,
                        b'#' => BondSym::Triple,
                        b'$' => BondSym::Quadruple,
                        b':' => BondSym::Aromatic,
                        b'/' => BondSym::Up,
                        // RDKit reads a doubled backslash (as left by a
                        // string escape) as one `\` bond, and so do we
                        _ if self.peek_at(1) == Some(b'\\') => {
                            self.pos += 1;
                            BondSym::Down
                        }
                        _ => BondSym::Down,
                    };
                    self.pos += 1;
                    if prev.is_none() {
                        return Err((col, "bond symbol without a preceding atom".into()));
                    }
                    bond = Some((sym, col));
                }
                b'0'..=b'9' | b'%' => {
                    let col = self.col();
                    let Some(atom) = prev else {
                        return self.err("ring bond number without a preceding atom");
                    };
                    // a branch opens with an atom or a bond, not a ring bond
                    // (`CC(1CCCCC1)C`; RDKit refuses it too)
                    if branch_empty {
                        return self.err("ring bond number directly after '('");
                    }
                    let num = self.ring_number()?;
                    let sym = bond.take().map(|(s, _)| s);
                    // only chirality reads the count
                    if let Some(centre) = self.centre_mut(atom) {
                        centre.closures = centre.closures.saturating_add(1);
                    }
                    if let Some(k) = rings.iter().position(|(n, _)| *n == num) {
                        let (_, open) = rings.swap_remove(k);
                        self.close_ring(open, atom, sym, num, col)?;
                    } else {
                        let slot = self.push_slot(atom, Slot::Pending);
                        rings.push((
                            num,
                            OpenRing {
                                atom,
                                bond: sym,
                                slot,
                                column: col,
                            },
                        ));
                    }
                }
                b'[' | b'*' | b'A'..=b'Z' | b'a'..=b'z' => {
                    let (atom, has_h) = self.atom()?;
                    if self.track_order {
                        // registered before the atom is added, which
                        // records its first slot
                        let index = if atom.chirality == Chirality::None {
                            NOT_A_CENTRE
                        } else {
                            self.centres.push(Centre {
                                atom: AtomIdx(self.mol.num_atoms() as u32),
                                slots: SlotList::new(),
                                closures: 0,
                            });
                            self.centres.len() as u32 - 1
                        };
                        self.centre_of.push(index);
                    }
                    let idx = if let Some(p) = prev {
                        let sym = bond.take();
                        self.add_chained(atom, p, sym.map(|s| s.0))?
                    } else if let Some((_, col)) = bond {
                        return Err((col, "bond symbol without a preceding atom".into()));
                    } else {
                        self.mol.add_atom(atom)
                    };
                    if has_h {
                        self.push_slot(idx, Slot::Implicit);
                    }
                    prev = Some(idx);
                    dot_pending = false;
                    branch_empty = false;
                }
                _ => {
                    return self.err(format!("unexpected character '{}'", char::from(c)));
                }
            }
        }
        if let Some((_, col)) = bond {
            return Err((col, "bond symbol at the end of the SMILES".into()));
        }
        if dot_pending {
            return Err((self.bytes.len(), "'.' at the end of the SMILES".into()));
        }
        if let Some((_, col)) = branches.first() {
            return Err((*col, "unbalanced parenthesis: '(' is never closed".into()));
        }
        if let Some((num, open)) = rings.iter().min_by_key(|(_, o)| o.column) {
            return Err((open.column, format!("ring bond {num} is never closed")));
        }
        // without an `@` there is no chirality tag to read
        if self.track_order {
            self.fix_chirality();
        }
        Ok(())
    }

    /// The stereo centre `atom`, if it is one (and there is an `@`).
    fn centre_mut(&mut self, atom: AtomIdx) -> Option<&mut Centre> {
        let k = *self.centre_of.get(atom.index())?;
        self.centres.get_mut(k as usize)
    }

    /// Records the next neighbour slot of `atom` if it is a stereo centre;
    /// returns the slot's position.
    fn push_slot(&mut self, atom: AtomIdx, slot: Slot) -> usize {
        match self.centre_mut(atom) {
            Some(centre) => {
                centre.slots.push(slot);
                centre.slots.len() - 1
            }
            None => 0,
        }
    }

    fn is_aromatic(&self, a: AtomIdx) -> bool {
        self.mol.atom(a).is_some_and(|x| x.aromatic)
    }

    /// RDKit's reading (`GetUnspecifiedBondType`, 2026.09): an unmarked or
    /// directional (`/`, `\\`) bond between two aromatic atoms is aromatic,
    /// any other unmarked bond single, also one between an aromatic atom and
    /// a `*` (kekulisation may still give it a double bond: a dummy in a ring
    /// system may take one).
    fn bond_order_between(&self, a: AtomIdx, b: AtomIdx, sym: Option<BondSym>) -> BondOrder {
        bond_order_of(sym, self.is_aromatic(a) && self.is_aromatic(b))
    }

    /// Adds `atom` bonded to the previous atom `p` by the bond `sym` (none:
    /// the default bond); returns the new atom.
    fn add_chained(&mut self, atom: Atom, p: AtomIdx, sym: Option<BondSym>) -> PResult<AtomIdx> {
        let order = bond_order_of(sym, atom.aromatic && self.is_aromatic(p));
        let (idx, b) = self
            .mol
            .add_atom_bonded(atom, p, order, sym == Some(BondSym::DativeLeft))
            .map_err(|e| (self.col(), e.to_string()))?;
        // a new bond has no direction; only `/` and `\\` give one
        let direction = match sym {
            Some(BondSym::Up) => BondDirection::Up,
            Some(BondSym::Down) => BondDirection::Down,
            _ => BondDirection::None,
        };
        if direction != BondDirection::None {
            if let Some(bm) = self.mol.bond_mut(b) {
                bm.direction = direction;
            }
        }
        self.push_slot(p, Slot::Atom(idx));
        self.push_slot(idx, Slot::Atom(p));
        Ok(idx)
    }

    fn close_ring(
        &mut self,
        open: OpenRing,
        atom: AtomIdx,
        sym: Option<BondSym>,
        num: u32,
        col: usize,
    ) -> PResult<()> {
        if open.atom == atom {
            return Err((col, format!("ring bond {num} closes on its own atom")));
        }
        // Two bond symbols for one ring bond: the opening one holds unless it
        // only gives a direction, as in RDKit (`CloseMolRings` keeps the
        // first specified order: `C=1CC#1` is `C1=CC1`, `C->1CC-1` has the
        // dative bond); OpenSMILES leaves the case open.
        let order_sym = match (open.bond, sym) {
            (Some(a), Some(b)) if a.is_directional() => Some(b),
            (a, b) => a.or(b),
        };
        let order = self.bond_order_between(open.atom, atom, order_sym);
        // A dative arrow points the way it is written: at the opening digit
        // from the opening atom, at the closing digit from the closing atom.
        let arrow_from_closing = match (open.bond, sym) {
            (Some(BondSym::DativeRight), _) => false,
            (Some(BondSym::DativeLeft), _) => true,
            (_, Some(BondSym::DativeRight)) => true,
            (_, Some(BondSym::DativeLeft)) => false,
            _ => false,
        };
        let (begin, end) = if arrow_from_closing {
            (atom, open.atom)
        } else {
            (open.atom, atom)
        };
        // (the builder's duplicate check is the one check for it)
        let b = self.mol.add_bond(begin, end, order).map_err(|e| match e {
            MolError::DuplicateBond { .. } => {
                (col, format!("ring bond {num} duplicates an existing bond"))
            }
            e => (col, e.to_string()),
        })?;
        // Direction relative to begin (the opening atom): a closing mark is
        // written from the closing atom back to the opening one.
        // With a mark at both digits the closing one holds, as in RDKit
        // (the opening bond, of unspecified order, gives way).
        let direction = match (open.bond, sym) {
            (_, Some(BondSym::Up)) => BondDirection::Down,
            (_, Some(BondSym::Down)) => BondDirection::Up,
            (Some(BondSym::Up), _) => BondDirection::Up,
            (Some(BondSym::Down), _) => BondDirection::Down,
            _ => BondDirection::None,
        };
        if let Some(bm) = self.mol.bond_mut(b) {
            bm.direction = direction;
        }
        if let Some(s) = self
            .centre_mut(open.atom)
            .and_then(|c| c.slots.get_mut(open.slot))
        {
            *s = Slot::Ring(atom);
        }
        self.push_slot(atom, Slot::Ring(open.atom));
        Ok(())
    }

    fn ring_number(&mut self) -> PResult<u32> {
        match self.peek() {
            Some(d @ b'0'..=b'9') => {
                self.pos += 1;
                Ok(u32::from(d - b'0'))
            }
            Some(b'%') => {
                self.pos += 1;
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                        self.pos += 1;
                    }
                    if self.pos == start || self.pos - start > 5 {
                        return self.err("expected 1 to 5 digits in a %(nnn) ring bond");
                    }
                    let n = self.number(start)?;
                    if self.peek() != Some(b')') {
                        return self.err("expected ')' after %(nnn) ring bond");
                    }
                    self.pos += 1;
                    Ok(n)
                } else {
                    let (Some(a), Some(b)) = (self.peek(), self.peek_at(1)) else {
                        return self.err("expected two digits after '%'");
                    };
                    if !a.is_ascii_digit() || !b.is_ascii_digit() {
                        return self.err("expected two digits after '%'");
                    }
                    self.pos += 2;
                    Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
                }
            }
            _ => self.err("expected a ring bond number"),
        }
    }

    fn number(&self, start: usize) -> PResult<u32> {
        let s = std::str::from_utf8(self.bytes.get(start..self.pos).unwrap_or(&[])).unwrap_or("");
        s.parse::<u32>()
            .map_err(|_| (start + 1, "number out of range".to_string()))
    }

    fn atom(&mut self) -> PResult<(Atom, bool)> {
        let c = self.peek().unwrap_or(0);
        if c == b'[' {
            return self.bracket_atom();
        }
        let col = self.col();
        let two = (c, self.peek_at(1));
        let (z, aromatic, len) = match two {
            (b'C', Some(b'l')) => (17, false, 2),
            (b'B', Some(b'r')) => (35, false, 2),
            (b'*', _) => (0, false, 1),
            (b'B', _) => (5, false, 1),
            (b'C', _) => (6, false, 1),
            (b'N', _) => (7, false, 1),
            (b'O', _) => (8, false, 1),
            (b'P', _) => (15, false, 1),
            (b'S', _) => (16, false, 1),
            (b'F', _) => (9, false, 1),
            (b'I', _) => (53, false, 1),
            (b'b', _) => (5, true, 1),
            (b'c', _) => (6, true, 1),
            (b'n', _) => (7, true, 1),
            (b'o', _) => (8, true, 1),
            (b'p', _) => (15, true, 1),
            (b's', _) => (16, true, 1),
            _ => {
                return Err((
                    col,
                    format!(
                        "'{}' is not an organic-subset atom; use brackets",
                        char::from(c)
                    ),
                ))
            }
        };
        self.pos += len;
        let mut atom = Atom::new(z);
        atom.aromatic = aromatic;
        Ok((atom, false))
    }

    fn bracket_atom(&mut self) -> PResult<(Atom, bool)> {
        let open_col = self.col();
        self.pos += 1; // '['
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let isotope = if self.pos > start {
            let n = self.number(start)?;
            u16::try_from(n).map_err(|_| (start + 1, "isotope out of range".to_string()))?
        } else {
            0
        };
        let sym_col = self.col();
        let c = self
            .peek()
            .ok_or_else(|| (sym_col, "unterminated bracket atom".to_string()))?;
        let (z, aromatic) = if c == b'*' {
            self.pos += 1;
            (0, false)
        } else if c.is_ascii_lowercase() {
            let second = self.peek_at(1);
            // the aromatic symbols of OpenSMILES and RDKit's `si`
            let (letters, len) = match (c, second) {
                (b's', Some(b'e'))
                | (b't', Some(b'e'))
                | (b'a', Some(b's'))
                | (b's', Some(b'i')) => ((c.to_ascii_uppercase(), second), 2),
                (b'b' | b'c' | b'n' | b'o' | b'p' | b's', _) => ((c.to_ascii_uppercase(), None), 1),
                _ => {
                    return Err((
                        sym_col,
                        format!("unknown aromatic symbol '{}'", char::from(c)),
                    ))
                }
            };
            self.pos += len;
            (
                atomic_number_of_letters(letters.0, letters.1).unwrap_or(0),
                true,
            )
        } else if c.is_ascii_uppercase() {
            // the two-letter symbol when there is one, else the capital alone
            let second = self.peek_at(1).filter(u8::is_ascii_lowercase);
            let found = second
                .and_then(|s2| atomic_number_of_letters(c, Some(s2)))
                .map(|z| (z, 2))
                .or_else(|| atomic_number_of_letters(c, None).map(|z| (z, 1)));
            let Some((z, len)) = found else {
                return Err((sym_col, "unknown element symbol".to_string()));
            };
            self.pos += len;
            (z, false)
        } else {
            return Err((sym_col, "expected an element symbol".to_string()));
        };
        let mut atom = Atom::new(z);
        atom.isotope = isotope;
        atom.aromatic = aromatic;
        atom.no_implicit = true;
        // chirality
        if self.peek() == Some(b'@') {
            self.pos += 1;
            if self.peek() == Some(b'@') {
                self.pos += 1;
                atom.chirality = Chirality::Clockwise;
            } else {
                let cls = [self.peek().unwrap_or(0), self.peek_at(1).unwrap_or(0)];
                let class = match &cls {
                    b"TH" => Some(None),
                    b"AL" => Some(Some(StereoClass::Allene)),
                    b"SP" => Some(Some(StereoClass::SquarePlanar)),
                    b"TB" => Some(Some(StereoClass::TrigonalBipyramidal)),
                    b"OH" => Some(Some(StereoClass::Octahedral)),
                    _ => None,
                };
                match class {
                    None => atom.chirality = Chirality::CounterClockwise,
                    Some(cl) => {
                        self.pos += 2;
                        let s = self.pos;
                        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                            self.pos += 1;
                        }
                        // RDKit accepts a class without a number (permutation unspecified)
                        let n = if self.pos == s { 0 } else { self.number(s)? };
                        let max = match cl {
                            None | Some(StereoClass::Allene) => 2,
                            Some(StereoClass::SquarePlanar) => 3,
                            Some(StereoClass::TrigonalBipyramidal) => 20,
                            Some(StereoClass::Octahedral) => 30,
                        };
                        // a written number starts at 1 (RDKit refuses `@OH0` and `@OH01`)
                        let leading_zero = self.pos > s && self.bytes.get(s) == Some(&b'0');
                        if n > max || leading_zero {
                            let written = self.bytes.get(s..self.pos).unwrap_or(&[]);
                            return Err((
                                s + 1,
                                format!(
                                    "stereo permutation {} out of range 1..{max}",
                                    String::from_utf8_lossy(written)
                                ),
                            ));
                        }
                        atom.chirality = match cl {
                            None if n <= 1 => Chirality::CounterClockwise,
                            None => Chirality::Clockwise,
                            Some(StereoClass::Allene) if n <= 1 => Chirality::CounterClockwise,
                            Some(StereoClass::Allene) => Chirality::Clockwise,
                            Some(class) => Chirality::Other {
                                class,
                                permutation: n as u8,
                            },
                        };
                    }
                }
            }
        }
        // hydrogens
        let mut has_h = false;
        if self.peek() == Some(b'H') {
            self.pos += 1;
            let s = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let n = if self.pos > s { self.number(s)? } else { 1 };
            atom.explicit_hs =
                u8::try_from(n).map_err(|_| (s + 1, "hydrogen count out of range".to_string()))?;
            has_h = n == 1;
        }
        // charge
        if let Some(sign @ (b'+' | b'-')) = self.peek() {
            self.pos += 1;
            let unit: i32 = if sign == b'+' { 1 } else { -1 };
            let s = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let mut charge = if self.pos > s {
                unit * self.number(s)? as i32
            } else {
                unit
            };
            if self.pos == s {
                while self.peek() == Some(sign) {
                    self.pos += 1;
                    charge += unit;
                }
            }
            if !(-15..=15).contains(&charge) {
                return Err((s, format!("charge {charge} out of range")));
            }
            atom.formal_charge = charge as i8;
        }
        // atom class
        if self.peek() == Some(b':') {
            self.pos += 1;
            let s = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            if self.pos == s {
                return self.err("expected digits after ':' in an atom class");
            }
            atom.map_num = self.number(s)?;
        }
        if self.peek() != Some(b']') {
            return match self.peek() {
                None => Err((
                    open_col,
                    "unterminated bracket atom: missing ']'".to_string(),
                )),
                Some(c) => self.err(format!("unexpected '{}' in bracket atom", char::from(c))),
            };
        }
        self.pos += 1;
        Ok((atom, has_h))
    }

    /// Converts SMILES-order tetrahedral tags to neighbour-list order.
    fn fix_chirality(&mut self) {
        'centres: for centre in std::mem::take(&mut self.centres) {
            let a = centre.atom;
            let Some(atom) = self.mol.atom(a).copied() else {
                continue;
            };
            if let Chirality::Other { class, permutation } = atom.chirality {
                self.fix_other_stereo(a, &centre.slots, class, permutation);
                continue;
            }
            if !atom.chirality.is_tetrahedral() {
                continue;
            }
            // tetrahedral tags read ring-closure digits where they stand
            let mut written: SlotList = centre
                .slots
                .iter()
                .map(|&s| match s {
                    Slot::Ring(n) => Slot::Atom(n),
                    other => other,
                })
                .collect();
            let adjacency: smallvec::SmallVec<[Slot; 6]> = self
                .mol
                .neighbors(a)
                .iter()
                .map(|&(n, _)| Slot::Atom(n))
                .collect();
            let has_implicit = written.contains(&Slot::Implicit);
            if adjacency.len() <= 2 {
                // A phosphine or arsine with hydrogens (`C[P@H]C`, the only
                // centre with fewer than three neighbours): RDKit reads its
                // tag against its bonds alone, wherever the H and the lone
                // pair stand.
                written.retain(|s| *s != Slot::Implicit);
            } else if !has_implicit && adjacency.len() == 3 {
                // A lone pair counts as the last neighbour (RDKit's reading of
                // `[S@@](=O)(C)c` and `C[S@@](=O)c` agrees with this).
                written.push(Slot::Implicit);
            }
            let mut internal = adjacency;
            if written.contains(&Slot::Implicit) {
                internal.push(Slot::Implicit);
            }
            if internal.len() != written.len() || internal.len() < 2 {
                continue;
            }
            // where each neighbour-list entry was written (a loop: a
            // collect into `Option` is a call of its own per centre)
            let mut perm: smallvec::SmallVec<[usize; 6]> = smallvec::SmallVec::new();
            for slot in &internal {
                let Some(at) = written.iter().position(|w| w == slot) else {
                    continue 'centres;
                };
                perm.push(at);
            }
            let mut odd = false;
            for x in 0..perm.len() {
                for y in (x + 1)..perm.len() {
                    if perm.get(x) > perm.get(y) {
                        odd = !odd;
                    }
                }
            }
            let unsaturated = self.mol.neighbors(a).iter().any(|&(_, b)| {
                self.mol
                    .bond(b)
                    .is_some_and(|bd| bd.order.valence_x2(true) > 2 || bd.aromatic)
            });
            let closures = usize::from(centre.closures);
            if crate::rdkit_ring_closure_inversion(
                self.mol.neighbors(a).len(),
                atom.explicit_hs,
                unsaturated,
                closures,
            ) {
                odd = !odd;
            }
            if odd {
                if let Some(am) = self.mol.atom_mut(a) {
                    am.chirality = am.chirality.inverted();
                }
            }
        }
    }

    /// Re-expresses an `@SP`/`@TB`/`@OH` permutation relative to the
    /// neighbour-list order, with missing ligands (hydrogens included) last.
    ///
    /// The written order is RDKit's reading (`GetBondOrdering` and
    /// `AdjustAtomChiralityFlags` in its SMILES parser), which differs from
    /// the tetrahedral one: ring-closure neighbours count at the atom's own
    /// place, right after the preceding atom, wherever their digits stand
    /// (`[Pt@SP1](F)1(Cl)Br.I1` lists I before F), and every missing
    /// ligand counts first on an atom that starts the SMILES or a
    /// dot-separated part, right after the preceding atom otherwise.
    fn fix_other_stereo(
        &mut self,
        a: AtomIdx,
        slots: &[Slot],
        class: StereoClass,
        permutation: u8,
    ) {
        if permutation == 0 {
            return;
        }
        // the preceding atom is the one chain or branch neighbour written
        // before this atom, so it has a lower index
        let parent = slots.iter().find_map(|&s| match s {
            Slot::Atom(n) if n < a => Some(n),
            _ => None,
        });
        let rings = slots.iter().filter_map(|&s| match s {
            Slot::Ring(n) => Some(Slot::Atom(n)),
            _ => None,
        });
        let later = slots.iter().filter_map(|&s| match s {
            Slot::Atom(n) if Some(n) != parent => Some(Slot::Atom(n)),
            _ => None,
        });
        let degree = self.mol.neighbors(a).len();
        let missing = shennong_mol::nontetrahedral::missing_ligands(class, degree);
        let placeholders = std::iter::repeat_n(Slot::Implicit, missing);
        let written: Vec<Slot> = parent
            .map(Slot::Atom)
            .into_iter()
            .chain(placeholders.clone())
            .chain(rings)
            .chain(later)
            .collect();
        let internal: Vec<Slot> = self
            .mol
            .neighbors(a)
            .iter()
            .map(|&(n, _)| Slot::Atom(n))
            .chain(placeholders)
            .collect();
        if let Some(p) =
            shennong_mol::nontetrahedral::reorder(class, permutation, &written, &internal)
        {
            if let Some(am) = self.mol.atom_mut(a) {
                am.chirality = Chirality::Other {
                    class,
                    permutation: p,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The capacity hints bound the atoms and bonds the parser makes, for
    /// brackets, two-letter symbols, aromatic atoms, dummies and `%nn`
    /// closures; the token ends at the first whitespace; `@` is seen.
    #[test]
    fn token_scan_bounds_the_graph_parsed() {
        for smiles in [
            "C",
            "ClCBr",
            "c1ccccc1[N+](=O)[O-]",
            "[2H][C@@H](Cl)Br",
            "C%10CC%10.[Na+].[Cl-]",
            "*c1cc[se]c1",
            "O=C(O)c1ccccc1OC(C)=O",
            "[Pt](Cl)(Cl)([NH3])[NH3]",
            "C1CC2CCC1C2 name with C and 1",
        ] {
            let Ok(raw) = parse_raw(smiles) else {
                panic!("{smiles} should parse");
            };
            let scan = scan_token(smiles.as_bytes());
            assert!(scan.atoms >= raw.num_atoms(), "{smiles}");
            assert!(scan.atoms <= raw.num_atoms() + 3, "{smiles}");
            assert!(scan.bonds >= raw.num_bonds(), "{smiles}");
            assert_eq!(scan.end, smiles.find(' ').unwrap_or(smiles.len()));
            assert_eq!(scan.has_at, smiles[..scan.end].contains('@'));
        }
    }

    /// The byte-by-byte count the block scan must equal: the byte classes'
    /// table up to the first ASCII whitespace.
    fn scan_by_table(bytes: &[u8]) -> (usize, usize, usize, bool) {
        let end = bytes
            .iter()
            .position(|c| c.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        let class = |c: &u8| BYTE_CLASS[usize::from(*c)];
        let token = &bytes[..end];
        let atoms = token.iter().filter(|c| class(c) & ATOM != 0).count();
        let digits = token.iter().filter(|c| class(c) & DIGIT != 0).count();
        let has_at = token.iter().any(|c| class(c) & AT != 0);
        (end, atoms, digits, has_at)
    }

    proptest::proptest! {
        /// Whole 16-byte blocks are classified by comparisons, the rest by
        /// the table: both give the same counts and end, wherever the
        /// whitespace falls (any byte, SMILES letters made likely).
        #[test]
        fn token_scan_blocks_agree_with_the_table(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::sample::select(b"CNOcnops*bBrClH[]@=#()123%0 \t\n\r\x0C\x0B".to_vec()),
                    proptest::num::u8::ANY,
                ],
                0..80,
            )
        ) {
            let (end, atoms, digits, has_at) = scan_by_table(&bytes);
            let scan = scan_token(&bytes);
            proptest::prop_assert_eq!(scan.end, end);
            proptest::prop_assert_eq!(scan.atoms, atoms);
            proptest::prop_assert_eq!(scan.bonds, atoms + digits.div_ceil(2));
            proptest::prop_assert_eq!(scan.has_at, has_at);
        }
    }
}
