//! Daylight SMARTS parser with RDKit's extensions and interpretations.
//!
//! Semantics follow RDKit's SMARTS grammar (`smarts.yy`/`smarts.ll`):
//! organic-subset symbols are typed (`C` = aliphatic carbon), other bracket
//! element symbols only fix the element; `r<n>` is the smallest ring size,
//! `k<n>` membership of a ring of size n; `D`, `X`, `v`, `H` without a number
//! mean 1; `[H]`, `[2H]`, `[H+]` are hydrogen atoms, `H` elsewhere counts
//! hydrogens; implicit AND binds tighter than `,`, which binds tighter than `;`.

use std::collections::HashMap;

use shennong_mol::{element, Chirality};

use crate::error::SmartsError;
use crate::query::{AtomExpr, AtomPrim, BondExpr, BondKind, BondPrim, Count, Expr, Query, Range};

/// Options for [`parse_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParseOptions {
    /// Merge explicit hydrogen query atoms into their neighbours as
    /// "at least n hydrogens" (RDKit's `mergeHs`, used by its FilterCatalog).
    pub merge_hs: bool,
}

/// Parses a SMARTS pattern.
///
/// ```
/// let q = shennong_smarts::parse("[CX3](=O)[OX2H1]").unwrap();
/// assert_eq!(q.num_atoms(), 3);
/// let err = shennong_smarts::parse("C1CC").unwrap_err();
/// assert_eq!(err.reason, "ring bond 1 is never closed");
/// ```
pub fn parse(smarts: &str) -> Result<Query, SmartsError> {
    parse_with(smarts, ParseOptions::default())
}

/// Parses a SMARTS pattern with options.
pub fn parse_with(smarts: &str, options: ParseOptions) -> Result<Query, SmartsError> {
    // CXSMARTS-style extensions after whitespace are ignored, as for SMILES.
    let text = smarts
        .trim_start()
        .split([' ', '\t'])
        .next()
        .unwrap_or("")
        .trim_end_matches(['\r', '\n']);
    let mut p = Parser {
        s: text.as_bytes(),
        pos: 0,
        input: text,
    };
    if text.is_empty() {
        return Err(p.err_at(1, "empty SMARTS"));
    }
    let mut q = p.parse_mol(false)?;
    if p.pos < p.s.len() {
        return Err(p.err("unexpected ')'"));
    }
    if options.merge_hs {
        merge_query_hs(&mut q);
    }
    q.text = text.to_string();
    q.finish();
    Ok(q)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    input: &'a str,
}

struct OpenRing {
    atom: usize,
    slot: usize,
    bond: Option<BondExpr>,
    column: usize,
}

fn empty_query(text: String) -> Query {
    Query {
        atoms: Vec::new(),
        bonds: Vec::new(),
        adjacency: Vec::new(),
        recursive: Vec::new(),
        text,
        plan: Default::default(),
        anchored_plan: Default::default(),
        required_elements: Vec::new(),
        cyclic_bonds: Vec::new(),
        cyclic_atoms: Vec::new(),
        double_stereo: Vec::new(),
    }
}

impl<'a> Parser<'a> {
    fn err_at(&self, column: usize, reason: impl Into<String>) -> SmartsError {
        SmartsError {
            column,
            reason: reason.into(),
            input: self.input.to_string(),
        }
    }

    fn err(&self, reason: impl Into<String>) -> SmartsError {
        self.err_at(self.pos + 1, reason)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        let mut v: u32 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            v = v.saturating_mul(10).saturating_add(u32::from(c - b'0'));
            self.pos += 1;
        }
        (self.pos > start).then_some(v)
    }

    /// Parses atoms and bonds until the end of input or, inside `$(...)`,
    /// an unmatched `)` (left for the caller).
    fn parse_mol(&mut self, recursion: bool) -> Result<Query, SmartsError> {
        let start = self.pos;
        let mut q = empty_query(String::new());
        let mut prev: Option<usize> = None;
        let mut branches: Vec<(usize, usize)> = Vec::new();
        let mut bond: Option<(BondExpr, usize)> = None;
        let mut bond_direction: i8 = 0;
        let mut rings: HashMap<u32, OpenRing> = HashMap::new();
        while let Some(c) = self.peek() {
            match c {
                b'(' => {
                    let Some(p) = prev else {
                        return Err(self.err("branch before any atom"));
                    };
                    if bond.is_some() {
                        return Err(self.err("bond before a branch"));
                    }
                    branches.push((p, self.pos + 1));
                    self.pos += 1;
                }
                b')' => {
                    if let Some(b) = bond.as_ref() {
                        return Err(self.err_at(b.1, "bond without a following atom"));
                    }
                    match branches.pop() {
                        Some((p, _)) => {
                            prev = Some(p);
                            self.pos += 1;
                        }
                        None if recursion => break,
                        None => return Err(self.err("unmatched ')'")),
                    }
                }
                b'.' => {
                    if let Some(b) = bond.as_ref() {
                        return Err(self.err_at(b.1, "bond without a following atom"));
                    }
                    if prev.is_none() {
                        return Err(self.err("'.' before any atom"));
                    }
                    prev = None;
                    self.pos += 1;
                }
                b'0'..=b'9' | b'%' => {
                    let column = self.pos + 1;
                    let Some(p) = prev else {
                        return Err(self.err("ring bond before any atom"));
                    };
                    let label = self.ring_label()?;
                    let this_bond = bond.take().map(|b| b.0);
                    bond_direction = 0;
                    match rings.remove(&label) {
                        Some(open) => {
                            if open.atom == p {
                                return Err(self.err_at(column, "ring bond to the same atom"));
                            }
                            if q.neighbors(p).iter().any(|&(n, _)| n == open.atom) {
                                return Err(self.err_at(column, "duplicate bond between two atoms"));
                            }
                            let expr = this_bond
                                .or(open.bond)
                                .unwrap_or(Expr::Prim(BondPrim::SingleOrAromatic));
                            q.add_ring_bond(open.atom, p, expr, open.slot);
                        }
                        None => {
                            rings.insert(
                                label,
                                OpenRing {
                                    atom: p,
                                    slot: q.neighbors(p).len(),
                                    bond: this_bond,
                                    column,
                                },
                            );
                        }
                    }
                }
                b'-' | b'=' | b'#' | b':' | b'~' | b'@' | b'/' | b'\\' | b'$' | b'!' | b'&'
                | b',' | b';' | b'<' => {
                    if bond.is_some() {
                        return Err(self.err("two bonds in a row"));
                    }
                    if prev.is_none() {
                        return Err(self.err("bond before any atom"));
                    }
                    let col = self.pos + 1;
                    bond = Some((self.bond_expr()?, col));
                    bond_direction = match self.s.get(col - 1..self.pos) {
                        Some(b"/") => 1,
                        Some(b"\\") | Some(b"\\\\") => -1,
                        _ => 0,
                    };
                }
                _ => {
                    let mut atom = self.atom(&mut q)?;
                    // A bracket H on an atom that starts a chain stands first
                    // among its neighbours; tags here count it last (as in
                    // `Mol`), which reverses the sense of the tag.
                    if prev.is_none() && atom.chirality.is_tetrahedral() && has_h_count(&atom.expr)
                    {
                        atom.chirality = atom.chirality.inverted();
                    }
                    let idx = q.atoms.len();
                    q.atoms.push(atom);
                    q.adjacency.push(Vec::new());
                    if let Some(p) = prev {
                        let expr = bond
                            .take()
                            .map_or(Expr::Prim(BondPrim::SingleOrAromatic), |b| b.0);
                        q.add_bond(p, idx, expr, bond_direction);
                    }
                    prev = Some(idx);
                }
            }
        }
        if let Some(b) = bond {
            return Err(self.err_at(b.1, "bond without a following atom"));
        }
        if let Some((_, col)) = branches.first() {
            return Err(self.err_at(*col, "branch is never closed"));
        }
        if let Some((label, open)) = rings.iter().min_by_key(|(_, o)| o.column) {
            return Err(self.err_at(open.column, format!("ring bond {label} is never closed")));
        }
        if q.atoms.is_empty() {
            return Err(self.err("no atoms"));
        }
        q.text = String::from_utf8_lossy(self.s.get(start..self.pos).unwrap_or_default()).into();
        Ok(q)
    }

    fn ring_label(&mut self) -> Result<u32, SmartsError> {
        match self.peek() {
            Some(b'%') => {
                self.pos += 1;
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    let n = self
                        .number()
                        .ok_or_else(|| self.err("expected ring number"))?;
                    if self.peek() != Some(b')') {
                        return Err(self.err("expected ')' after ring number"));
                    }
                    self.pos += 1;
                    Ok(n)
                } else {
                    let (Some(a), Some(b)) = (self.peek(), self.peek_at(1)) else {
                        return Err(self.err("expected two digits after '%'"));
                    };
                    if !a.is_ascii_digit() || !b.is_ascii_digit() {
                        return Err(self.err("expected two digits after '%'"));
                    }
                    self.pos += 2;
                    Ok(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
                }
            }
            Some(c) if c.is_ascii_digit() => {
                self.pos += 1;
                Ok(u32::from(c - b'0'))
            }
            _ => Err(self.err("expected a ring number")),
        }
    }

    // ---- bonds ----

    fn bond_expr(&mut self) -> Result<BondExpr, SmartsError> {
        let mut e = self.bond_or()?;
        while self.peek() == Some(b';') {
            self.pos += 1;
            e = e.and(self.bond_or()?);
        }
        Ok(e)
    }

    fn bond_or(&mut self) -> Result<BondExpr, SmartsError> {
        let mut e = self.bond_and()?;
        while self.peek() == Some(b',') {
            self.pos += 1;
            e = e.or(self.bond_and()?);
        }
        Ok(e)
    }

    fn bond_and(&mut self) -> Result<BondExpr, SmartsError> {
        let mut e = self.bond_unary()?;
        loop {
            match self.peek() {
                Some(b'&') => {
                    self.pos += 1;
                    e = e.and(self.bond_unary()?);
                }
                Some(
                    b'-' | b'=' | b'#' | b':' | b'~' | b'@' | b'/' | b'\\' | b'$' | b'!' | b'<',
                ) => {
                    e = e.and(self.bond_unary()?);
                }
                _ => return Ok(e),
            }
        }
    }

    fn bond_unary(&mut self) -> Result<BondExpr, SmartsError> {
        let Some(c) = self.peek() else {
            return Err(self.err("expected a bond"));
        };
        self.pos += 1;
        let prim = match c {
            b'!' => return Ok(Expr::Not(Box::new(self.bond_unary()?))),
            b'-' if self.peek() == Some(b'>') => {
                self.pos += 1;
                BondPrim::Kind(BondKind::Dative)
            }
            b'<' if self.peek() == Some(b'-') => {
                self.pos += 1;
                BondPrim::Kind(BondKind::Dative)
            }
            b'-' => BondPrim::Kind(BondKind::Single),
            b'=' => BondPrim::Kind(BondKind::Double),
            b'#' => BondPrim::Kind(BondKind::Triple),
            b'$' => BondPrim::Kind(BondKind::Quadruple),
            b':' => BondPrim::Kind(BondKind::Aromatic),
            b'~' => BondPrim::Any,
            b'@' => BondPrim::Ring,
            b'/' | b'\\' => {
                if c == b'\\' && self.peek() == Some(b'\\') {
                    self.pos += 1;
                }
                BondPrim::SingleOrAromatic
            }
            _ => {
                self.pos -= 1;
                return Err(self.err(format!("unexpected '{}' in bond", c as char)));
            }
        };
        Ok(Expr::Prim(prim))
    }

    // ---- atoms ----

    fn atom(&mut self, q: &mut Query) -> Result<crate::query::QueryAtom, SmartsError> {
        let c = self.peek().ok_or_else(|| self.err("expected an atom"))?;
        let plain = |expr| crate::query::QueryAtom {
            expr,
            chirality: Chirality::None,
            map_num: 0,
        };
        if c == b'[' {
            return self.bracket_atom(q);
        }
        self.pos += 1;
        let two = self.peek();
        let prim = match c {
            b'*' => AtomPrim::Any,
            b'a' => AtomPrim::Aromatic,
            b'A' => AtomPrim::Aliphatic,
            b'C' if two == Some(b'l') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 17,
                    aromatic: false,
                }
            }
            b'B' if two == Some(b'r') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 35,
                    aromatic: false,
                }
            }
            _ => match (aliphatic_organic(c), aromatic_organic(c)) {
                (Some(z), _) => AtomPrim::Element { z, aromatic: false },
                (None, Some(z)) => AtomPrim::Element { z, aromatic: true },
                (None, None) => {
                    self.pos -= 1;
                    return Err(self.err(format!("unexpected '{}'", c as char)));
                }
            },
        };
        Ok(plain(Expr::Prim(prim)))
    }

    fn bracket_atom(&mut self, q: &mut Query) -> Result<crate::query::QueryAtom, SmartsError> {
        let open = self.pos;
        self.pos += 1;
        if let Some(h) = self.hydrogen_atom()? {
            return Ok(h);
        }
        let mut chirality = Chirality::None;
        let expr = self.atom_low(q, &mut chirality)?;
        let mut map_num = 0;
        if self.peek() == Some(b':') {
            self.pos += 1;
            map_num = self
                .number()
                .ok_or_else(|| self.err("expected an atom map number"))?;
        }
        match self.peek() {
            Some(b']') => self.pos += 1,
            Some(c) => return Err(self.err(format!("unexpected '{}' in atom", c as char))),
            None => return Err(self.err_at(open + 1, "bracket atom is never closed")),
        }
        Ok(crate::query::QueryAtom {
            expr,
            chirality,
            map_num,
        })
    }

    /// `[H]`, `[2H]`, `[H+]`, `[2H-:3]`: a hydrogen atom rather than an
    /// H-count query (Daylight SMIRKS rule, as RDKit).
    fn hydrogen_atom(&mut self) -> Result<Option<crate::query::QueryAtom>, SmartsError> {
        let save = self.pos;
        let isotope = self.number();
        if self.peek() != Some(b'H') {
            self.pos = save;
            return Ok(None);
        }
        self.pos += 1;
        let charge = match self.peek() {
            Some(b'+' | b'-') => Some(self.charge()),
            _ => None,
        };
        let mut map_num = 0;
        if self.peek() == Some(b':') {
            self.pos += 1;
            match self.number() {
                Some(n) => map_num = n,
                None => {
                    self.pos = save;
                    return Ok(None);
                }
            }
        }
        if self.peek() != Some(b']') {
            self.pos = save;
            return Ok(None);
        }
        self.pos += 1;
        let mut expr = Expr::Prim(AtomPrim::AtomicNum(1));
        if let Some(i) = isotope {
            let iso = u16::try_from(i).map_err(|_| self.err_at(save + 1, "isotope too large"))?;
            expr = expr.and(Expr::Prim(AtomPrim::Isotope(iso)));
        }
        if let Some(c) = charge {
            expr = expr.and(Expr::Prim(AtomPrim::Charge(c)));
        }
        Ok(Some(crate::query::QueryAtom {
            expr,
            chirality: Chirality::None,
            map_num,
        }))
    }

    fn atom_low(&mut self, q: &mut Query, chi: &mut Chirality) -> Result<AtomExpr, SmartsError> {
        let mut e = self.atom_or(q, chi)?;
        while self.peek() == Some(b';') {
            self.pos += 1;
            e = e.and(self.atom_or(q, chi)?);
        }
        Ok(e)
    }

    fn atom_or(&mut self, q: &mut Query, chi: &mut Chirality) -> Result<AtomExpr, SmartsError> {
        let mut e = self.atom_and(q, chi)?;
        while self.peek() == Some(b',') {
            self.pos += 1;
            e = e.or(self.atom_and(q, chi)?);
        }
        Ok(e)
    }

    fn atom_and(&mut self, q: &mut Query, chi: &mut Chirality) -> Result<AtomExpr, SmartsError> {
        let mut e = self.atom_unary(q, chi)?;
        loop {
            match self.peek() {
                Some(b'&') => {
                    self.pos += 1;
                    e = e.and(self.atom_unary(q, chi)?);
                }
                Some(b']' | b',' | b';' | b':') | None => return Ok(e),
                Some(_) => e = e.and(self.atom_unary(q, chi)?),
            }
        }
    }

    fn atom_unary(&mut self, q: &mut Query, chi: &mut Chirality) -> Result<AtomExpr, SmartsError> {
        match self.peek() {
            Some(b'!') => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.atom_unary(q, chi)?)))
            }
            Some(b'$') if self.peek_at(1) == Some(b'(') => {
                let col = self.pos + 1;
                self.pos += 2;
                let sub = self.parse_mol(true)?;
                if self.peek() != Some(b')') {
                    return Err(self.err_at(col, "recursive SMARTS is never closed"));
                }
                self.pos += 1;
                // RDKit's undocumented serial-number suffix `$(...)_n`.
                if self.peek() == Some(b'_') {
                    self.pos += 1;
                    self.number();
                }
                q.recursive.push(sub);
                Ok(Expr::Prim(AtomPrim::Recursive(q.recursive.len() - 1)))
            }
            Some(_) => Ok(Expr::Prim(self.atom_prim(chi)?)),
            None => Err(self.err("bracket atom is never closed")),
        }
    }

    fn charge(&mut self) -> i32 {
        let Some(sign_c) = self.peek() else { return 0 };
        let sign = if sign_c == b'+' { 1 } else { -1 };
        self.pos += 1;
        if let Some(n) = self.number() {
            return sign * i32::try_from(n).unwrap_or(i32::MAX);
        }
        let mut v = sign;
        while self.peek() == Some(sign_c) {
            self.pos += 1;
            v += sign;
        }
        v
    }

    fn range_or_number(&mut self) -> Result<Option<Range>, SmartsError> {
        if let Some(n) = self.number() {
            return Ok(Some(Range::exactly(i32::try_from(n).unwrap_or(i32::MAX))));
        }
        if self.peek() == Some(b'{') {
            let col = self.pos + 1;
            self.pos += 1;
            let lo = self.number();
            if self.peek() != Some(b'-') {
                return Err(self.err("expected '-' in range"));
            }
            self.pos += 1;
            let hi = self.number();
            if self.peek() != Some(b'}') {
                return Err(self.err_at(col, "range is never closed"));
            }
            self.pos += 1;
            let conv = |v: Option<u32>| v.map(|n| i32::try_from(n).unwrap_or(i32::MAX));
            return Ok(Some(Range {
                min: conv(lo),
                max: conv(hi),
            }));
        }
        Ok(None)
    }

    /// A number or range after `D`, `d`, `X`, `v`, `H`; 1 when absent.
    fn range_or_one(&mut self) -> Result<Range, SmartsError> {
        Ok(self.range_or_number()?.unwrap_or(Range::exactly(1)))
    }

    fn count(&mut self, kind: Count, bare: AtomPrim) -> Result<AtomPrim, SmartsError> {
        Ok(match self.range_or_number()? {
            Some(r) => AtomPrim::Count(kind, r),
            None => bare,
        })
    }

    fn atom_prim(&mut self, chi: &mut Chirality) -> Result<AtomPrim, SmartsError> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.err("bracket atom is never closed"));
        };
        if c.is_ascii_digit() {
            let n = self.number().unwrap_or(0);
            let iso = u16::try_from(n).map_err(|_| self.err_at(start + 1, "isotope too large"))?;
            return Ok(AtomPrim::Isotope(iso));
        }
        self.pos += 1;
        Ok(match c {
            b'*' => AtomPrim::Any,
            b'#' => {
                let n = self
                    .number()
                    .ok_or_else(|| self.err("expected an atomic number after '#'"))?;
                let z = u8::try_from(n).ok().filter(|&z| z <= 118);
                AtomPrim::AtomicNum(
                    z.ok_or_else(|| self.err_at(start + 2, "atomic number out of range"))?,
                )
            }
            b'+' | b'-' => {
                self.pos -= 1;
                if self.peek_at(1) == Some(b'{') {
                    // RDKit: `+{a-b}` ranges the formal charge, `-{a-b}` its negation.
                    self.pos += 1;
                    let r = self.range_or_number()?.unwrap_or(Range::exactly(0));
                    let kind = if c == b'-' {
                        Count::NegatedCharge
                    } else {
                        Count::FormalCharge
                    };
                    return Ok(AtomPrim::Count(kind, r));
                }
                AtomPrim::Charge(self.charge())
            }
            b'@' => {
                let mut tag = Chirality::CounterClockwise;
                if self.peek() == Some(b'@') {
                    self.pos += 1;
                    tag = Chirality::Clockwise;
                } else if let (Some(a), Some(b)) = (self.peek(), self.peek_at(1)) {
                    if matches!(
                        (a, b),
                        (b'T', b'H') | (b'A', b'L') | (b'S', b'P') | (b'T', b'B') | (b'O', b'H')
                    ) {
                        self.pos += 2;
                        let n = self.number().unwrap_or(1);
                        if (a, b) == (b'T', b'H') && n == 2 {
                            tag = Chirality::Clockwise;
                        }
                    }
                }
                *chi = tag;
                AtomPrim::Any
            }
            b'^' => {
                let n = self
                    .number()
                    .ok_or_else(|| self.err("expected a hybridisation number after '^'"))?;
                if n > 5 {
                    return Err(self.err_at(start + 2, "hybridisation must be 0 to 5"));
                }
                AtomPrim::Hybridization(u8::try_from(n).unwrap_or(0))
            }
            b'a' if self.peek() == Some(b's') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 33,
                    aromatic: true,
                }
            }
            b's' if self.peek() == Some(b'e') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 34,
                    aromatic: true,
                }
            }
            b's' if self.peek() == Some(b'i') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 14,
                    aromatic: true,
                }
            }
            b't' if self.peek() == Some(b'e') => {
                self.pos += 1;
                AtomPrim::Element {
                    z: 52,
                    aromatic: true,
                }
            }
            _ if aromatic_organic(c).is_some() => AtomPrim::Element {
                z: aromatic_organic(c).unwrap_or(6),
                aromatic: true,
            },
            b'a' => AtomPrim::Aromatic,
            b'D' if !self.next_lower_makes_element(c) => {
                AtomPrim::Count(Count::Degree, self.range_or_one()?)
            }
            b'd' => AtomPrim::Count(Count::NonHydrogenDegree, self.range_or_one()?),
            b'X' if !self.next_lower_makes_element(c) => {
                AtomPrim::Count(Count::TotalDegree, self.range_or_one()?)
            }
            b'v' => AtomPrim::Count(Count::TotalValence, self.range_or_one()?),
            b'x' => self.count(Count::RingBonds, AtomPrim::HasRingBond)?,
            b'z' => self.count(Count::HeteroNeighbors, AtomPrim::HasHeteroNeighbor)?,
            b'Z' if !self.next_lower_makes_element(c) => self.count(
                Count::AliphaticHeteroNeighbors,
                AtomPrim::HasAliphaticHeteroNeighbor,
            )?,
            b'h' => self.count(Count::ImplicitHs, AtomPrim::HasImplicitH)?,
            b'r' => self.count(Count::MinRingSize, AtomPrim::InRing)?,
            b'k' => match self.range_or_number()? {
                Some(r) => AtomPrim::RingSize(r),
                None => AtomPrim::InRing,
            },
            b'H' if !self.next_lower_makes_element(c) => {
                AtomPrim::Count(Count::TotalHs, self.range_or_one()?)
            }
            b'R' if !self.next_lower_makes_element(c) => {
                self.count(Count::NumRings, AtomPrim::InRing)?
            }
            b'A' if !self.next_lower_makes_element(c) => AtomPrim::Aliphatic,
            b'A'..=b'Z' => {
                self.pos -= 1;
                self.element_symbol()?
            }
            _ => {
                self.pos -= 1;
                return Err(self.err(format!("unexpected '{}' in atom", c as char)));
            }
        })
    }

    /// Whether an upper-case primitive letter followed by a lower-case letter
    /// forms an element symbol (the lexer's longest match: `[Hg]`, `[Rh]`).
    fn next_lower_makes_element(&self, c: u8) -> bool {
        let Some(l) = self.peek().filter(u8::is_ascii_lowercase) else {
            return false;
        };
        let sym = [c, l];
        std::str::from_utf8(&sym)
            .ok()
            .and_then(bracket_element)
            .is_some()
    }

    fn element_symbol(&mut self) -> Result<AtomPrim, SmartsError> {
        let rest = self.s.get(self.pos..).unwrap_or_default();
        for len in [3usize, 2, 1] {
            let Some(sym) = rest.get(..len) else { continue };
            let Ok(sym) = std::str::from_utf8(sym) else {
                continue;
            };
            if len > 1 && !sym.bytes().skip(1).all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            if let Some(prim) = bracket_element(sym) {
                self.pos += len;
                return Ok(prim);
            }
        }
        Err(self.err("unknown element symbol"))
    }
}

/// Whether a bracket atom's expression holds a hydrogen count (`[C@H]`).
fn has_h_count(expr: &AtomExpr) -> bool {
    let is_h = |e: &AtomExpr| matches!(e, Expr::Prim(AtomPrim::Count(Count::TotalHs, r)) if r.min.is_some_and(|m| m > 0));
    match expr {
        Expr::And(v) => v.iter().any(is_h),
        e => is_h(e),
    }
}

/// `B C N O F P S I`: organic-subset letters, typed aliphatic.
fn aliphatic_organic(c: u8) -> Option<u8> {
    Some(match c {
        b'B' => 5,
        b'C' => 6,
        b'N' => 7,
        b'O' => 8,
        b'F' => 9,
        b'P' => 15,
        b'S' => 16,
        b'I' => 53,
        _ => return None,
    })
}

/// `b c n o p s`: aromatic organic-subset letters.
fn aromatic_organic(c: u8) -> Option<u8> {
    Some(match c {
        b'b' => 5,
        b'c' => 6,
        b'n' => 7,
        b'o' => 8,
        b'p' => 15,
        b's' => 16,
        _ => return None,
    })
}

/// Element symbols the bracket lexer knows: the organic subset is typed
/// aliphatic; everything else fixes only the element.
fn bracket_element(sym: &str) -> Option<AtomPrim> {
    let organic = match sym {
        "B" => Some(5),
        "C" => Some(6),
        "N" => Some(7),
        "O" => Some(8),
        "F" => Some(9),
        "P" => Some(15),
        "S" => Some(16),
        "Cl" => Some(17),
        "Br" => Some(35),
        "I" => Some(53),
        _ => None,
    };
    if let Some(z) = organic {
        return Some(AtomPrim::Element { z, aromatic: false });
    }
    let z = match sym {
        "Uut" => 113,
        "Uup" => 115,
        "H" | "D" | "T" | "Nh" | "Mc" | "Ts" | "Og" => return None,
        _ => element::atomic_number(sym)?,
    };
    (z > 0 && z <= 116).then_some(AtomPrim::AtomicNum(z))
}

/// RDKit's `mergeQueryHs`: hydrogen query atoms bonded to heavy query atoms
/// become "not H0 … not H(n-1)" conditions on the heavy atom.
pub(crate) fn merge_query_hs(q: &mut Query) {
    for sub in &mut q.recursive {
        merge_query_hs(sub);
    }
    let n = q.atoms.len();
    let is_h: Vec<bool> = (0..n).map(|i| is_query_h(q, i)).collect();
    let mut remove = vec![false; n];
    for i in 0..n {
        if is_h.get(i).copied().unwrap_or(false) {
            continue;
        }
        let mut merged = 0;
        for &(nbr, _) in q.neighbors(i) {
            let nbr_is_h = is_h.get(nbr).copied().unwrap_or(false);
            let has_isotope = q.atoms.get(nbr).is_some_and(|a| {
                top_level_has(&a.expr, |p| matches!(p, AtomPrim::Isotope(i) if *i != 0))
            });
            if nbr_is_h && !has_isotope {
                if let Some(r) = remove.get_mut(nbr) {
                    *r = true;
                }
                merged += 1;
            }
        }
        if merged > 0 {
            if let Some(atom) = q.atoms.get_mut(i) {
                let mut expr = std::mem::replace(&mut atom.expr, Expr::Prim(AtomPrim::Any));
                for k in 0..merged {
                    expr = expr.and(Expr::Not(Box::new(Expr::Prim(AtomPrim::Count(
                        Count::TotalHs,
                        Range::exactly(k),
                    )))));
                }
                atom.expr = expr;
            }
        }
    }
    if !remove.iter().any(|&r| r) {
        return;
    }
    let mut new_index = vec![usize::MAX; n];
    let mut atoms = Vec::new();
    for (i, atom) in q.atoms.drain(..).enumerate() {
        if !remove.get(i).copied().unwrap_or(false) {
            if let Some(slot) = new_index.get_mut(i) {
                *slot = atoms.len();
            }
            atoms.push(atom);
        }
    }
    let bonds = std::mem::take(&mut q.bonds);
    q.atoms = atoms;
    q.adjacency = vec![Vec::new(); q.atoms.len()];
    for b in bonds {
        let (Some(&nb), Some(&ne)) = (new_index.get(b.begin), new_index.get(b.end)) else {
            continue;
        };
        if nb != usize::MAX && ne != usize::MAX {
            q.add_bond(nb, ne, b.expr, b.direction);
        }
    }
}

fn top_level_has(expr: &AtomExpr, f: impl Fn(&AtomPrim) -> bool) -> bool {
    match expr {
        Expr::Prim(p) => f(p),
        Expr::And(v) => v.iter().any(|e| matches!(e, Expr::Prim(p) if f(p))),
        _ => false,
    }
}

/// RDKit's `isQueryH`: a plain `[#1]`/`[H]`, or a degree ≤ 1 conjunction with
/// a non-negated hydrogen element test that is not inside an OR.
fn is_query_h(q: &Query, i: usize) -> bool {
    let Some(atom) = q.atoms.get(i) else {
        return false;
    };
    let is_h_prim =
        |p: &AtomPrim| matches!(p, AtomPrim::AtomicNum(1) | AtomPrim::Element { z: 1, .. });
    if let Expr::Prim(p) = &atom.expr {
        return is_h_prim(p);
    }
    if q.neighbors(i).len() > 1 {
        return false;
    }
    match &atom.expr {
        Expr::And(children) => {
            for child in children {
                match child {
                    Expr::Or(_) => return false,
                    Expr::Prim(p) if is_h_prim(p) => return true,
                    _ => {}
                }
            }
            false
        }
        _ => false,
    }
}
