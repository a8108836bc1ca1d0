//! Molfile (V2000 and V3000) parsing, with stereo from wedges and coordinates.

use shennong_mol::element::atomic_number;
use shennong_mol::{
    Atom, AtomIdx, BondDirection, BondOrder, BondStereo, Chirality, Conformer, MolBuilder,
};

use crate::error::MolfileError;

/// A parsed molfile before perception.
#[derive(Debug, Clone)]
pub struct RawMolfile {
    /// First header line (the molecule's name).
    pub title: String,
    /// The graph, with coordinates and stereo marks derived from them.
    pub mol: MolBuilder,
}

fn err(line: usize, column: usize, reason: impl Into<String>) -> MolfileError {
    MolfileError {
        line,
        column,
        reason: reason.into(),
    }
}

/// Field of fixed columns `[start, end)` (0-based, clipped to the line).
fn field(line: &str, start: usize, end: usize) -> &str {
    let end = end.min(line.len());
    if start >= end {
        return "";
    }
    trim(line.get(start..end).unwrap_or(""))
}

/// `str::trim` without decoding characters where the edges are ASCII (the
/// usual case): ASCII whitespace is space, tab, line feed, vertical tab,
/// form feed and carriage return; a non-ASCII byte at either edge goes to
/// `str::trim`, which also knows Unicode's spaces.
fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    let lead = trim_leading_spaces(bytes);
    let start = bytes.len() - lead.len();
    let t = trim_trailing_spaces(lead);
    let edges_ascii = t.first().is_none_or(u8::is_ascii) && t.last().is_none_or(u8::is_ascii);
    match s.get(start..start + t.len()) {
        Some(t) if edges_ascii => t,
        _ => s.trim(),
    }
}

/// `bytes` without the ASCII whitespace ([`is_space`]) on either side.
fn trim_spaces(bytes: &[u8]) -> &[u8] {
    trim_trailing_spaces(trim_leading_spaces(bytes))
}

fn trim_leading_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [first, tail @ ..] = bytes {
        if !is_space(*first) {
            break;
        }
        bytes = tail;
    }
    bytes
}

fn trim_trailing_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [head @ .., last] = bytes {
        if !is_space(*last) {
            break;
        }
        bytes = head;
    }
    bytes
}

/// The bytes of fixed columns `[start, end)`, clipped to the line.
fn columns(line: &str, start: usize, end: usize) -> &[u8] {
    line.as_bytes()
        .get(start..end.min(line.len()))
        .unwrap_or(&[])
}

/// ASCII whitespace as `str::trim` sees it: space, tab, line feed, vertical
/// tab, form feed, carriage return.
fn is_space(b: u8) -> bool {
    b <= b' ' && (b == b' ' || (b'\t'..=b'\r').contains(&b))
}

/// A fixed-column integer field as the general path reads it (ASCII
/// whitespace around `[+-]digits`, blank as zero), in one pass over the raw
/// bytes, for up to 18 digits (no overflow possible); `None` for anything
/// else, which the caller hands to the general parser (and its error).
fn fast_int(f: &[u8]) -> Option<i64> {
    #[derive(PartialEq)]
    enum At {
        Lead,
        Sign,
        Digits,
        Trail,
    }
    let (mut at, mut negative, mut v, mut digits) = (At::Lead, false, 0i64, 0u32);
    for &c in f {
        if c.is_ascii_digit() {
            if at == At::Trail || digits == 18 {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
            digits += 1;
            at = At::Digits;
        } else if is_space(c) {
            match at {
                At::Lead => {}
                At::Digits | At::Trail => at = At::Trail,
                At::Sign => return None,
            }
        } else if at == At::Lead && (c == b'-' || c == b'+') {
            negative = c == b'-';
            at = At::Sign;
        } else {
            return None;
        }
    }
    match at {
        At::Sign => None,
        _ => Some(if negative { -v } else { v }),
    }
}

/// Powers of ten that are exact in an `f64`.
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A trimmed decimal field `[+-]digits[.digits]` with at most 15 digits (blank
/// as zero), as `str::parse::<f64>` reads it: the digits as an integer
/// (exact below 2^53) divided by an exact power of ten is one correctly
/// rounded operation, so the result is the nearest double, as the general
/// parser gives (Clinger's fast path). `None` for anything else (exponents,
/// more digits, `inf`), which the caller hands to the general parser. The
/// molfile coordinate `-1.2345` is the usual case.
fn fast_float(f: &[u8]) -> Option<f64> {
    let (negative, body) = match f.split_first() {
        None => return Some(0.0),
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, f),
    };
    let mut mantissa: u64 = 0;
    let mut digits = 0usize;
    let mut fraction: Option<usize> = None;
    for &c in body {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                digits += 1;
                if let Some(k) = fraction.as_mut() {
                    *k += 1;
                }
                if digits > 15 {
                    return None;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    let v = mantissa as f64 / EXACT_POW10.get(fraction.unwrap_or(0))?;
    Some(if negative { -v } else { v })
}

/// A coordinate in the molfile's own layout, `%10.4f`: ten columns, the
/// point in the sixth, four decimals after it, and before it spaces, an
/// optional minus and at least one digit (`   -1.2345`, `    0.0000`). The
/// digits make one integer below 10^9, divided by 10^4 as [`fast_float`]
/// divides the same integer, so the value is bit for bit the one
/// [`fast_float`] (and `str::parse`) gives; `None` for any other shape,
/// which the general readers take.
#[inline]
fn fixed_coordinate(f: &[u8]) -> Option<f64> {
    let [i0, i1, i2, i3, i4, b'.', f0, f1, f2, f3] = *f else {
        return None;
    };
    let mut fraction = 0u64;
    for c in [f0, f1, f2, f3] {
        if !c.is_ascii_digit() {
            return None;
        }
        fraction = fraction * 10 + u64::from(c - b'0');
    }
    // the whole part from its last column leftwards: digits (at least
    // one), then an optional minus, then only spaces
    let (mut whole, mut scale, mut negative, mut in_digits) = (0u64, 1u64, false, true);
    for c in [i4, i3, i2, i1, i0] {
        match (in_digits, c) {
            (true, b'0'..=b'9') => {
                whole += u64::from(c - b'0') * scale;
                scale *= 10;
            }
            (true, b'-' | b' ') if scale > 1 => {
                negative = c == b'-';
                in_digits = false;
            }
            (false, b' ') => {}
            _ => return None,
        }
    }
    let v = (whole * 10_000 + fraction) as f64 / 1e4;
    Some(if negative { -v } else { v })
}

/// A fixed-column number: blank reads as zero (as MDL readers do); anything
/// else that does not parse is an error naming the field, line and column.
fn number_field<T: std::str::FromStr + Default>(
    line: &str,
    start: usize,
    end: usize,
    lineno: usize,
    what: &str,
    kind: &str,
) -> Result<T, MolfileError> {
    let f = field(line, start, end);
    if f.is_empty() {
        return Ok(T::default());
    }
    f.parse::<T>().map_err(|_| {
        err(
            lineno,
            start + 1,
            format!("{what}: expected {kind}, found '{f}'"),
        )
    })
}

// (inlined: the usual fields are read where they are asked for, the
// general readers and their errors staying out of line)
#[inline(always)]
fn int_field(
    line: &str,
    start: usize,
    end: usize,
    lineno: usize,
    what: &str,
) -> Result<i64, MolfileError> {
    match plain_int(columns(line, start, end)) {
        Some(v) => Ok(v),
        None => int_field_general(FieldAt::new(line, start, end, lineno, what)),
    }
}

/// A fixed-column field's place, for the readers of the less usual shapes,
/// which report errors there.
#[derive(Clone, Copy)]
struct FieldAt<'a> {
    line: &'a str,
    start: usize,
    end: usize,
    lineno: usize,
    what: &'a str,
}

impl<'a> FieldAt<'a> {
    #[inline(always)]
    fn new(line: &'a str, start: usize, end: usize, lineno: usize, what: &'a str) -> Self {
        FieldAt {
            line,
            start,
            end,
            lineno,
            what,
        }
    }

    /// The field's bytes (see [`columns`]).
    #[inline(always)]
    fn bytes(&self) -> &'a [u8] {
        columns(self.line, self.start, self.end)
    }

    /// The field as the general parser reads it (see [`number_field`]).
    fn parsed<T: std::str::FromStr + Default>(&self, kind: &str) -> Result<T, MolfileError> {
        number_field(
            self.line,
            self.start,
            self.end,
            self.lineno,
            self.what,
            kind,
        )
    }
}

/// [`int_field`] for fields of other shapes.
#[inline(never)]
fn int_field_general(at: FieldAt) -> Result<i64, MolfileError> {
    // one pass with the spaces (measured faster than trimming first for
    // these short fields; the ten-column coordinates are the other way)
    match fast_int(at.bytes()) {
        Some(v) => Ok(v),
        None => at.parsed("an integer"),
    }
}

/// The integer fields nearly every molfile writer emits: one or two digits
/// right-aligned after spaces in a field of two or three columns (`  0`,
/// ` 12`, ` 1`), read by their shape without the general reader's
/// character-by-character states; `None` for any other field. Each shape
/// reads as [`fast_int`] reads it.
#[inline(always)]
fn plain_int(f: &[u8]) -> Option<i64> {
    let digit = |c: u8| c.is_ascii_digit().then(|| i64::from(c - b'0'));
    match *f {
        [b' ', b' ', d] | [b' ', d] => digit(d),
        [b' ', d1, d0] => Some(digit(d1)? * 10 + digit(d0)?),
        _ => None,
    }
}

#[inline(always)]
fn float_field(
    line: &str,
    start: usize,
    end: usize,
    lineno: usize,
    what: &str,
) -> Result<f64, MolfileError> {
    match fixed_coordinate(columns(line, start, end)) {
        Some(v) => Ok(v),
        None => float_field_general(FieldAt::new(line, start, end, lineno, what)),
    }
}

/// [`float_field`] for fields of other shapes.
#[inline(never)]
fn float_field_general(at: FieldAt) -> Result<f64, MolfileError> {
    let v: f64 = match fast_float(trim_spaces(at.bytes())) {
        Some(v) => v,
        None => at.parsed("a number")?,
    };
    if !v.is_finite() {
        return Err(err(
            at.lineno,
            at.start + 1,
            format!("{}: not a finite number", at.what),
        ));
    }
    Ok(v)
}

/// Most atoms or bonds a molfile may declare (V2000 counts have three digits;
/// V3000 has no limit, this bounds memory on corrupt counts lines).
const MAX_COUNT: usize = 1_000_000;

/// The connection-table versions a counts line may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CtabVersion {
    V2000,
    V3000,
}

/// The version a counts line (line 4) names in columns 35-39, checked as
/// RDKit checks it: a line under 6 characters holds no counts; one longer
/// than 35 must name `V2000` or `V3000` there; a shorter one is V2000 (old
/// files and some NCI ones stop after the counts). Without the check an
/// RXN file or a header one line short reads as an empty molecule.
fn ctab_version(counts: &str) -> Result<CtabVersion, MolfileError> {
    if counts.len() < 6 {
        return Err(err(4, 1, "counts line too short"));
    }
    if counts.len() <= 35 {
        return Ok(CtabVersion::V2000);
    }
    match counts.get(34..39) {
        Some("V2000") => Ok(CtabVersion::V2000),
        Some("V3000") => Ok(CtabVersion::V3000),
        Some(v) if v.starts_with('V') => Err(err(
            4,
            35,
            format!("unsupported CTAB version '{v}' (V2000 and V3000 are read)"),
        )),
        _ => Err(err(
            4,
            35,
            "CTAB version string invalid: columns 35-39 of the counts line must be V2000 or V3000",
        )),
    }
}

/// The error for a molblock of `num_lines` lines that never reaches its
/// `M  END` line (V2000 or V3000).
fn m_end_missing(num_lines: usize) -> MolfileError {
    err(
        num_lines + 1,
        1,
        "M  END missing: the molblock ends before its properties block does",
    )
}

/// Parses a molfile (header, counts line, blocks, up to `M  END`).
pub fn parse_molfile(text: &str) -> Result<RawMolfile, MolfileError> {
    // `str::lines`, each line without any trailing '\r'; the line ends are
    // found by `memchr`'s vectorised search, and the room (a bond line is
    // about 22 bytes) is rarely outgrown
    let mut lines: Vec<&str> = Vec::with_capacity(text.len() / 20 + 4);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        // ('\n' is ASCII: both ends are character boundaries)
        lines.push(text.get(start..end).unwrap_or("").trim_end_matches('\r'));
        start = end + 1;
    }
    if let Some(last) = text.get(start..).filter(|l| !l.is_empty()) {
        lines.push(last.trim_end_matches('\r'));
    }
    if lines.len() < 4 {
        return Err(err(
            lines.len() + 1,
            1,
            "molfile ends before its counts line",
        ));
    }
    let title = lines.first().copied().unwrap_or("").to_string();
    let counts = lines.get(3).copied().unwrap_or("");
    if ctab_version(counts)? == CtabVersion::V3000 {
        return parse_v3000(&lines, title);
    }
    let natoms = int_field(counts, 0, 3, 4, "atom count")?;
    let nbonds = int_field(counts, 3, 6, 4, "bond count")?;
    if natoms < 0 || nbonds < 0 {
        return Err(err(4, 1, "negative atom or bond count"));
    }
    let (natoms, nbonds) = (natoms as usize, nbonds as usize);
    if lines.len() < 4 + natoms + nbonds {
        return Err(err(
            lines.len() + 1,
            1,
            format!(
                "counts line declares {natoms} atoms and {nbonds} bonds but the block ends early"
            ),
        ));
    }
    // (the counts are bounded by the lines present, checked above)
    let mut mol = MolBuilder::with_capacity(natoms, nbonds);
    let mut positions = Vec::with_capacity(natoms);
    let mut charges_from_block = Vec::with_capacity(natoms);
    for i in 0..natoms {
        let lineno = 5 + i;
        let l = lines.get(4 + i).copied().unwrap_or("");
        let x = float_field(l, 0, 10, lineno, "x coordinate")?;
        let y = float_field(l, 10, 20, lineno, "y coordinate")?;
        let z = float_field(l, 20, 30, lineno, "z coordinate")?;
        let sym = field(l, 31, 34);
        let mut atom = atom_from_symbol(sym)
            .ok_or_else(|| err(lineno, 32, format!("unknown element symbol '{sym}'")))?;
        let mass_diff = int_field(l, 34, 36, lineno, "mass difference")?;
        if mass_diff != 0 && atom.atomic_num == 0 {
            // an R label's number gives way to a mass difference
            atom.isotope = 0;
        }
        if mass_diff != 0 {
            let base = shennong_mol::element::element(atom.atomic_num)
                .map_or(0, |e| i64::from(e.common_isotope));
            atom.isotope = u16::try_from(base + mass_diff).unwrap_or(0);
        }
        let chg = int_field(l, 36, 39, lineno, "charge")?;
        let (charge, radical) = match chg {
            0 => (0, 0),
            1 => (3, 0),
            2 => (2, 0),
            3 => (1, 0),
            // "doublet radical": RDKit reads no radical from the atom block
            4 => (0, 0),
            5 => (-1, 0),
            6 => (-2, 0),
            7 => (-3, 0),
            _ => return Err(err(lineno, 37, format!("invalid charge code {chg}"))),
        };
        atom.formal_charge = charge;
        atom.radical_electrons = radical;
        let valence = int_field(l, 48, 51, lineno, "valence")?;
        if valence != 0 {
            // explicit valence: no implicit hydrogens beyond it (15 means zero)
            atom.no_implicit = true;
            charges_from_block.push((i, Some(valence)));
        } else {
            charges_from_block.push((i, None));
        }
        let map = int_field(l, 60, 63, lineno, "atom map")?;
        atom.map_num = u32::try_from(map.max(0)).unwrap_or(0);
        mol.add_atom(atom);
        positions.push([x, y, z]);
    }
    let mut wedges: Vec<(AtomIdx, AtomIdx, BondDirection)> = Vec::new();
    let mut chirality_possible = false;
    let mut either_double: Vec<shennong_mol::BondIdx> = Vec::new();
    let mut any_bonds = AnyBonds::default();
    for i in 0..nbonds {
        let lineno = 5 + natoms + i;
        let l = lines.get(4 + natoms + i).copied().unwrap_or("");
        let a = int_field(l, 0, 3, lineno, "first atom")?;
        let b = int_field(l, 3, 6, lineno, "second atom")?;
        let t = int_field(l, 6, 9, lineno, "bond type")?;
        let st = int_field(l, 9, 12, lineno, "bond stereo")?;
        if a < 1 || b < 1 || a as usize > natoms || b as usize > natoms {
            return Err(err(
                lineno,
                1,
                format!("bond refers to atom {a} or {b}, outside 1..{natoms}"),
            ));
        }
        let order = bond_order_or_any(t)
            .ok_or_else(|| err(lineno, 7, format!("unsupported bond type {t}")))?;
        if t == ANY_BOND {
            any_bonds.pending.push((lineno, i));
        }
        let (pa, pb) = (AtomIdx(a as u32 - 1), AtomIdx(b as u32 - 1));
        // V2000 bond stereo: 1 wedge, 6 hash, 4 either (single); 3 either (double)
        // RDKit reads wedged or hashed bonds and crossed double bonds as
        // 2D stereo marks whatever the bond type (`chiralityPossible`)
        chirality_possible |= matches!(st, 1 | 3 | 6);
        let mark = match (order, st) {
            (BondOrder::Single, 1) => Some(BondDirection::Wedge),
            (BondOrder::Single, 6) => Some(BondDirection::Hash),
            (BondOrder::Single, 4) | (BondOrder::Double, 3) => Some(BondDirection::Either),
            _ => None,
        };
        add_molfile_bond(
            &mut mol,
            (pa, pb, order, mark),
            &mut wedges,
            &mut either_double,
        )
        .map_err(|e| err(lineno, 1, e))?;
    }
    // properties block
    let mut saw_chg_iso_rad = false;
    // atoms whose hydrogen count an `M  HYD` line gave
    let mut hydrogens_given = vec![false; natoms];
    // data S-groups: (number, field name, data) of each `M  STY ... DAT`
    let mut data_sgroups: Vec<(String, String, String)> = Vec::new();
    let mut k = 4 + natoms + nbonds;
    let mut ended = false;
    while let Some(&l) = lines.get(k) {
        let lineno = k + 1;
        if l.starts_with("M  END") {
            ended = true;
            break;
        }
        if l.starts_with("M  CHG") || l.starts_with("M  ISO") || l.starts_with("M  RAD") {
            if !saw_chg_iso_rad {
                // The first of these properties overrides charges from the atom block.
                for i in 0..natoms {
                    if let Some(atom) = mol.atom_mut(AtomIdx(i as u32)) {
                        atom.formal_charge = 0;
                        atom.radical_electrons = 0;
                    }
                }
                saw_chg_iso_rad = true;
            }
            for (a, v, column) in property_entries(l, lineno, natoms, "value")? {
                let Some(atom) = mol.atom_mut(a) else {
                    continue;
                };
                if l.starts_with("M  CHG") {
                    atom.formal_charge = charge_entry(v, lineno, column)?;
                } else if l.starts_with("M  ISO") {
                    atom.isotope = u16::try_from(v.max(0)).unwrap_or(0);
                } else {
                    // the valence model counts the unpaired electrons, so a
                    // radical keeps the hydrogens its valence leaves (RDKit:
                    // a doublet CH2-C, not a bare carbon)
                    atom.radical_electrons = match v {
                        1 | 3 => 2,
                        2 => 1,
                        _ => 0,
                    };
                }
            }
        } else if l.starts_with("M  ZBO") {
            // Alex Clark's zero-order bond proposal (J. Chem. Inf. Model.
            // 51, 3149, 2011), which Marvin writes: `M  ZBO` gives bonds
            // their order (0: zero-order), `M  ZCH` the charges and
            // `M  HYD` the hydrogen counts of their atoms; read as RDKit
            // reads them
            for (bi, order, column) in numbered_entries(l, lineno, nbonds, "bond", "order")? {
                let order = match order {
                    0 => BondOrder::Zero,
                    1 => BondOrder::Single,
                    2 => BondOrder::Double,
                    3 => BondOrder::Triple,
                    _ => {
                        return Err(err(
                            lineno,
                            column,
                            format!("unsupported ZBO bond order {order}"),
                        ))
                    }
                };
                if let Some(bond) = mol.bond_mut(shennong_mol::BondIdx(bi as u32)) {
                    bond.order = order;
                }
            }
        } else if l.starts_with("M  ZCH") {
            for (a, v, column) in property_entries(l, lineno, natoms, "charge")? {
                if let Some(atom) = mol.atom_mut(a) {
                    atom.formal_charge = charge_entry(v, lineno, column)?;
                }
            }
        } else if l.starts_with("M  HYD") {
            for (a, v, column) in property_entries(l, lineno, natoms, "hydrogen count")? {
                // a negative count leaves the atom as it is (RDKit)
                if v >= 0 {
                    if let Some(atom) = mol.atom_mut(a) {
                        atom.explicit_hs = u8::try_from(v)
                            .map_err(|_| err(lineno, column, "hydrogen count out of range"))?;
                        if let Some(given) = hydrogens_given.get_mut(a.index()) {
                            *given = true;
                        }
                    }
                }
            }
        } else if l.starts_with("M  RGP") {
            for (a, label, _) in property_entries(l, lineno, natoms, "R-group label")? {
                // RDKit keeps labels 1 to 998 as the isotope
                let iso = u16::try_from(label).ok().filter(|&l| (1..999).contains(&l));
                set_r_group(&mut mol, a, iso);
            }
        } else if l.starts_with("M  ALS") {
            apply_atom_list(&mut mol, l, lineno, natoms)?;
        } else if l.starts_with("A  ") {
            k += 1; // alias text on the next line; the atom keeps its element
        } else if l.starts_with("S  SKP") {
            // `S  SKP nnn`: the next nnn lines are not properties (an
            // all-blank count skips none; a negative one is refused, as in RDKit)
            let count = if field(l, 6, 9).is_empty() {
                0
            } else {
                int_field(l, 6, 9, lineno, "S  SKP line count")?
            };
            let skipped = usize::try_from(count)
                .map_err(|_| err(lineno, 7, format!("negative S  SKP line count {count}")))?;
            k = k.saturating_add(skipped);
        } else if l.starts_with('G') {
            // a deprecated group abbreviation, its text on the next line
            // (RDKit skips both)
            k += 1;
        } else if l.starts_with("M  STY") {
            // entry count, then (number, type) pairs
            let tokens: Vec<&str> = l.get(6..).unwrap_or("").split_whitespace().collect();
            for pair in tokens.get(1..).unwrap_or(&[]).chunks(2) {
                if let [number, "DAT"] = pair {
                    data_sgroups.push((number.to_string(), String::new(), String::new()));
                }
            }
        } else if l.starts_with("M  SDT") || l.starts_with("M  SED") {
            // `M  SDT sss name` / `M  SED sss data`
            let number = trim(field(l, 6, 10));
            let value = trim(l.get(10..).unwrap_or(""));
            if let Some(sg) = data_sgroups.iter_mut().find(|sg| sg.0 == number) {
                if l.starts_with("M  SDT") {
                    sg.1 = value.split_whitespace().next().unwrap_or("").to_string();
                    if changes_structure(&sg.1) {
                        return Err(unsupported_data_sgroup(lineno, &sg.1));
                    }
                } else {
                    sg.2 = value.to_string();
                }
            }
        }
        k += 1;
    }
    // a molblock cut short (a truncated file, a record without its end)
    // would lose whatever its missing lines held: refused, as RDKit refuses it
    if !ended {
        return Err(m_end_missing(lines.len()));
    }
    for (_, name, data) in &data_sgroups {
        if name == COORDINATE_BOND_FIELD {
            any_bonds.name_coordinate(data);
        }
    }
    any_bonds.check()?;
    // explicit valences from the atom block become explicit H counts (15
    // means zero), except on atoms whose count `M  HYD` gave (RDKit)
    let valences: Vec<(usize, i64)> = charges_from_block
        .into_iter()
        .filter(|&(i, _)| !hydrogens_given.get(i).copied().unwrap_or(false))
        .filter_map(|(i, v)| v.map(|v| (i, if v == 15 { 0 } else { v })))
        .collect();
    apply_valences(&mut mol, &valences);
    let is_3d = conformer_is_3d(&lines, &positions, chirality_possible);
    apply_coordinates(&mut mol, positions, is_3d, &wedges, &either_double);
    Ok(RawMolfile { title, mol })
}

/// A V2000 atom list, `M  ALS aaa nnn F sym sym ...` (MDL CTfile formats:
/// atom `aaa` may be any of the `nnn` elements, each in a four-column
/// field; `T` instead of `F` negates the list). Read as RDKit reads it
/// (`ParseNewAtomList`): a one-element list makes the atom that element (its
/// charge and isotope kept), a longer one, negated or not, a dummy (`*`);
/// an empty list is ignored. RDKit reads a negated one-element list ("not
/// N") as that element, the opposite of its meaning, so we refuse it, as
/// we refuse the malformed lines RDKit refuses.
fn apply_atom_list(
    mol: &mut MolBuilder,
    l: &str,
    lineno: usize,
    natoms: usize,
) -> Result<(), MolfileError> {
    if l.len() < 15 {
        return Err(err(lineno, 1, "atom list line too short"));
    }
    let atom = int_field(l, 7, 10, lineno, "atom number")?;
    if atom < 1 || atom as usize > natoms {
        return Err(err(lineno, 8, format!("atom {atom} outside 1..{natoms}")));
    }
    let count = int_field(l, 10, 13, lineno, "atom list length")?;
    if count < 0 {
        return Err(err(
            lineno,
            11,
            format!("negative atom list length {count}"),
        ));
    }
    if count == 0 {
        return Ok(());
    }
    let negated = match l.as_bytes().get(14) {
        Some(b'T') => true,
        Some(b'F') => false,
        _ => {
            return Err(err(
                lineno,
                15,
                "atom list modifier is neither T (not) nor F",
            ))
        }
    };
    let mut element = None;
    for i in 0..count as usize {
        let start = 16 + 4 * i;
        let Some(field) = l.get(start..start + 4) else {
            return Err(err(
                lineno,
                start + 1,
                format!("atom list line too short for its {count} elements"),
            ));
        };
        let symbol = field.split(' ').next().unwrap_or("");
        let z = atomic_number(symbol).ok_or_else(|| {
            err(
                lineno,
                start + 1,
                format!("unknown element symbol '{symbol}' in atom list"),
            )
        })?;
        element.get_or_insert(z);
    }
    if negated && count == 1 {
        return Err(err(
            lineno,
            15,
            "a one-element NOT atom list is a query, not a molecule; it cannot be read as one",
        ));
    }
    if let Some(a) = mol.atom_mut(AtomIdx(atom as u32 - 1)) {
        a.atomic_num = if count == 1 { element.unwrap_or(0) } else { 0 };
    }
    Ok(())
}

/// The (atom, value, value column) entries of a V2000 `M  CHG`-style
/// property line: a count (at most 8) then 8-column atom/value pairs.
fn property_entries(
    l: &str,
    lineno: usize,
    natoms: usize,
    value_name: &str,
) -> Result<Vec<(AtomIdx, i64, usize)>, MolfileError> {
    Ok(numbered_entries(l, lineno, natoms, "atom", value_name)?
        .into_iter()
        .map(|(i, v, column)| (AtomIdx(i as u32), v, column))
        .collect())
}

/// A charge from an `M  CHG` or `M  ZCH` entry.
fn charge_entry(v: i64, lineno: usize, column: usize) -> Result<i8, MolfileError> {
    i8::try_from(v).map_err(|_| err(lineno, column, "charge out of range"))
}

/// The (0-based index, value, value column) entries of a V2000 property
/// line whose pairs number atoms or bonds (`what`, 1..`count`).
fn numbered_entries(
    l: &str,
    lineno: usize,
    count: usize,
    what: &str,
    value_name: &str,
) -> Result<Vec<(usize, i64, usize)>, MolfileError> {
    let n = int_field(l, 6, 9, lineno, "entry count")?;
    let mut entries = Vec::with_capacity(n.clamp(0, 8) as usize);
    for e in 0..n.clamp(0, 8) as usize {
        let s = 9 + e * 8;
        let i = int_field(l, s, s + 4, lineno, &format!("{what} number"))?;
        let v = int_field(l, s + 4, s + 8, lineno, value_name)?;
        if i < 1 || i as usize > count {
            return Err(err(lineno, s + 1, format!("{what} {i} outside 1..{count}")));
        }
        entries.push((i as usize - 1, v, s + 5));
    }
    Ok(entries)
}

/// Explicit valences (atom, valence) of a molfile: each atom gets the
/// hydrogens that fill its bonds up to it, and no implicit ones.
fn apply_valences(mol: &mut MolBuilder, valences: &[(usize, i64)]) {
    for &(i, target) in valences {
        let a = AtomIdx(i as u32);
        let bonds: i64 = mol
            .neighbors(a)
            .iter()
            .filter_map(|&(_, b)| mol.bond(b))
            // a dative bond counts for its end atom only, as in the
            // valence model (its donor keeps the hydrogens: `RAD=2 VAL=3`
            // on a carbon with two single bonds and a dative one is `[CH]`)
            .map(|b| i64::from((b.order.valence_x2(b.end == a) + 1) / 2))
            .sum();
        if let Some(atom) = mol.atom_mut(a) {
            atom.no_implicit = true;
            atom.explicit_hs = u8::try_from((target - bonds).max(0)).unwrap_or(0);
        }
    }
}

/// Adds one molfile bond: stereo marks become wedges/hashes on single bonds
/// or "either" on double bonds. An aromatic bond (type 4) leaves its atoms
/// unflagged, as RDKit's reader does: sanitisation then kekulises and
/// perceives the rings, and an aromatic bond outside any ring stays a
/// plain aromatic bond between non-aromatic atoms (`O:PO`), which a flag
/// on its atoms would make an error ("non-ring atom marked aromatic").
fn add_molfile_bond(
    mol: &mut MolBuilder,
    (pa, pb, order, mark): (AtomIdx, AtomIdx, BondOrder, Option<BondDirection>),
    wedges: &mut Vec<(AtomIdx, AtomIdx, BondDirection)>,
    either_double: &mut Vec<shennong_mol::BondIdx>,
) -> Result<(), String> {
    let bi = mol.add_bond(pa, pb, order).map_err(|e| e.to_string())?;
    match (order, mark) {
        (BondOrder::Single, Some(d)) => wedges.push((pa, pb, d)),
        (BondOrder::Double, Some(BondDirection::Either)) => either_double.push(bi),
        _ => {}
    }
    Ok(())
}

/// The atom a molfile symbol stands for, as RDKit reads it: `D` and `T`
/// are hydrogen isotopes; query symbols (`A`, `Q`, `L`, `*`, ...) and
/// R-group labels are dummy atoms, `R1`..`R99` with the number as isotope
/// (RDKit's SMILES writes them `[1*]`); a two-letter symbol in capitals
/// (`CL`, `BR`) reads as the element.
fn atom_from_symbol(sym: &str) -> Option<Atom> {
    // the organic elements, most atoms of most files, without the lookups
    let common = match sym.as_bytes() {
        b"C" => 6,
        b"N" => 7,
        b"O" => 8,
        b"H" => 1,
        b"S" => 16,
        b"F" => 9,
        b"Cl" => 17,
        b"Br" => 35,
        b"P" => 15,
        b"I" => 53,
        _ => 0,
    };
    if common != 0 {
        return Some(Atom::new(common));
    }
    // RDKit takes the R-label range by string order, "R0" to "R99"
    let r_label = sym.starts_with('R') && ("R0"..="R99").contains(&sym);
    let z = match sym {
        "D" | "T" => 1,
        "R" | "R#" | "A" | "Q" | "L" | "LP" | "*" | "X" | "M" | "Pol" | "Mod" => 0,
        _ if r_label => 0,
        s => match s.as_bytes() {
            [first, second] if second.is_ascii_uppercase() => {
                let element = [*first, second.to_ascii_lowercase()];
                atomic_number(std::str::from_utf8(&element).ok()?)?
            }
            _ => atomic_number(s)?,
        },
    };
    let mut atom = Atom::new(z);
    match sym {
        "D" => atom.isotope = 2,
        "T" => atom.isotope = 3,
        _ if r_label => {
            if let Some(n) = sym.get(1..).and_then(|d| d.parse::<u16>().ok()) {
                atom.isotope = n;
            }
        }
        _ => {}
    }
    Some(atom)
}

/// Makes `atom` an R group (`M  RGP`, V3000 `RGROUPS=`): a dummy atom,
/// with the label as isotope when one is given.
fn set_r_group(mol: &mut MolBuilder, atom: AtomIdx, label: Option<u16>) {
    if let Some(a) = mol.atom_mut(atom) {
        a.atomic_num = 0;
        if let Some(iso) = label {
            a.isotope = iso;
        }
    }
}

/// Bond type 8, MDL's query "any" bond: no bond order of its own, but
/// ChemAxon's Marvin writes coordination bonds (metal complexes in ChEBI,
/// cobalamin) as such a bond named by an `MRV_COORDINATE_BOND_TYPE` data
/// S-group, which RDKit reads as a dative bond from the first atom to the
/// second. Such bonds are read as dative and kept when an S-group names
/// them; any other is an error once the S-groups are read.
const ANY_BOND: i64 = 8;

/// The data S-group field that makes an "any" bond a coordination bond.
const COORDINATE_BOND_FIELD: &str = "MRV_COORDINATE_BOND_TYPE";

/// Data S-group fields of the zero-order bond proposal that RDKit applies
/// to the structure (zero-order bonds, their atoms' charges and hydrogen
/// counts; the `M  ZBO`/`ZCH`/`HYD` lines are read). Not applied here, so a
/// record holding one is refused rather than read as another molecule.
fn changes_structure(field: &str) -> bool {
    matches!(field, "ZBO" | "ZCH" | "HYD")
}

fn unsupported_data_sgroup(lineno: usize, field: &str) -> MolfileError {
    err(
        lineno,
        1,
        format!("data S-group {field} changes the structure, which is not supported"),
    )
}

/// "Any" bonds of one molfile, (line, bond index) each, until the data
/// S-groups have said which are coordination bonds.
#[derive(Default)]
struct AnyBonds {
    pending: Vec<(usize, usize)>,
    coordinate: Vec<usize>,
}

impl AnyBonds {
    /// Marks bond `number` (1-based, in file order) as a coordination bond
    /// (RDKit ignores a number that names no bond or no "any" bond).
    fn name_coordinate(&mut self, number: &str) {
        if let Ok(k) = number.trim().trim_matches('"').trim().parse::<usize>() {
            if k >= 1 {
                self.coordinate.push(k - 1);
            }
        }
    }

    /// An error for the first "any" bond no S-group made a coordination bond.
    fn check(&self) -> Result<(), MolfileError> {
        match self
            .pending
            .iter()
            .find(|(_, b)| !self.coordinate.contains(b))
        {
            Some(&(line, _)) => Err(err(
                line,
                7,
                "unsupported bond type 8 (a query 'any' bond; only Marvin's coordination bonds read as bonds)",
            )),
            None => Ok(()),
        }
    }
}

/// The bond order of molfile bond type `t` (an "any" bond reads as dative,
/// see [`ANY_BOND`]).
fn bond_order_or_any(t: i64) -> Option<BondOrder> {
    if t == ANY_BOND {
        Some(BondOrder::Dative)
    } else {
        bond_order(t)
    }
}

fn bond_order(t: i64) -> Option<BondOrder> {
    match t {
        1 => Some(BondOrder::Single),
        2 => Some(BondOrder::Double),
        3 => Some(BondOrder::Triple),
        4 => Some(BondOrder::Aromatic),
        9 => Some(BondOrder::Dative),
        0 | 10 => Some(BondOrder::Zero),
        _ => None,
    }
}

pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// RDKit's `isLinearArrangement`: two vectors from one atom within 2
/// degrees of opposite, or one of them (nearly) of zero length.
fn is_linear(v1: [f64; 3], v2: [f64; 3]) -> bool {
    let lsq = dot(v1, v1) * dot(v2, v2);
    if lsq < 1.0e-6 {
        return true;
    }
    const COS_178: f64 = -0.999388;
    dot(v1, v2) < COS_178 * lsq.sqrt()
}

/// The neighbours of atom `x` other than `other` bonded to it by a single or
/// aromatic bond: the candidates for a double bond's reference atom.
fn single_neighbors<'a>(
    mol: &'a MolBuilder,
    x: AtomIdx,
    other: AtomIdx,
) -> impl Iterator<Item = AtomIdx> + 'a {
    mol.neighbors(x).iter().filter_map(move |&(n, nb)| {
        (n != other
            && mol
                .bond(nb)
                .is_some_and(|b| b.order == BondOrder::Single || b.order == BondOrder::Aromatic))
        .then_some(n)
    })
}

/// The tag 3D coordinates give atom `a`, as RDKit 2026.09 assigns them
/// (`assignChiralTypesFrom3D`): only atoms with three or more bonds that
/// count (not zero-order, not a dative bond from the atom) and at most six
/// neighbours with their hydrogens; first a non-tetrahedral shape
/// ([`crate::nontetrahedral`], phosphorus and heavier), else, for four
/// neighbours with their hydrogens (S and Se: three or four), the sign of
/// the volume spanned by the first three neighbours, or, when those lie in
/// one plane with the atom (within 0.1 Å³), of the first two and the
/// fourth. Tags are relative to the atom's neighbour order.
fn chirality_from_3d(mol: &MolBuilder, positions: &[[f64; 3]], a: AtomIdx) -> Option<Chirality> {
    const ZERO_VOLUME: f64 = 0.1;
    let nbrs: Vec<AtomIdx> = mol
        .neighbors(a)
        .iter()
        .filter(|&&(_, b)| {
            mol.bond(b).is_some_and(|bond| {
                bond.order != BondOrder::Zero
                    && !(bond.order == BondOrder::Dative && bond.begin == a)
            })
        })
        .map(|&(x, _)| x)
        .collect();
    let total = nbrs.len() + mol.total_hs_as_is(a) as usize;
    if nbrs.len() < 3 || total > 6 {
        return None;
    }
    if let Some(tag) = crate::nontetrahedral::nontetrahedral_from_3d(mol, positions, a) {
        return Some(tag);
    }
    if total > 4 {
        return None;
    }
    let z = mol.atom(a).map_or(0, |x| x.atomic_num);
    if z != 16 && z != 34 && total != 4 {
        return None;
    }
    let p0 = positions.get(a.index()).copied()?;
    let v = |k: usize| -> Option<[f64; 3]> {
        let x = nbrs.get(k)?;
        Some(sub(positions.get(x.index()).copied()?, p0))
    };
    let (v1, v2, v3) = (v(0)?, v(1)?, v(2)?);
    let mut vol = dot(v1, cross(v2, v3));
    if vol.abs() <= ZERO_VOLUME {
        // the first three in one plane with the atom: the fourth, which
        // lies opposite the third, decides
        vol = -dot(v1, cross(v2, v(3)?));
    }
    if vol < -ZERO_VOLUME {
        Some(Chirality::Clockwise)
    } else if vol > ZERO_VOLUME {
        Some(Chirality::CounterClockwise)
    } else {
        None
    }
}

/// Whether the coordinates are 3D, as RDKit decides (`calculate3dFlag`):
/// any z coordinate off zero, or the header line's dimensional code
/// (columns 21-22) says `3D` and no bond carries a 2D stereo mark.
fn conformer_is_3d(lines: &[&str], positions: &[[f64; 3]], chirality_possible: bool) -> bool {
    let nonzero_z = positions.iter().any(|p| p[2].abs() > 1e-4);
    let marked_3d = lines
        .get(1)
        .and_then(|header| header.get(20..22))
        .is_some_and(|code| code.eq_ignore_ascii_case("3d"));
    nonzero_z || (marked_3d && !chirality_possible)
}

/// The bond vector in position `k` of `order`.
fn nth(vects: &[[f64; 3]], order: &[usize; 4], k: usize) -> [f64; 3] {
    order
        .get(k)
        .and_then(|&i| vects.get(i))
        .copied()
        .unwrap_or([0.0; 3])
}

/// Tetrahedral tags from the wedged and hashed bonds of a 2D molfile, read
/// as RDKit 2026.09 reads them (`assignChiralTypesFromBondDirs`): the bonds
/// in file order, each wedge or hash giving its begin atom a tag unless an
/// earlier one already did; an "either" bond from an atom leaves it
/// without one.
fn chirality_from_wedges(
    mol: &mut MolBuilder,
    positions: &[[f64; 3]],
    wedges: &[(AtomIdx, AtomIdx, BondDirection)],
) {
    let mut settled = vec![false; mol.num_atoms()];
    for &(a, x, d) in wedges {
        let Some(done) = settled.get_mut(a.index()) else {
            continue;
        };
        let tag = match d {
            BondDirection::Either => {
                *done = true;
                None
            }
            BondDirection::Wedge | BondDirection::Hash if !*done => {
                let tag = wedge_chirality(mol, positions, wedges, a, x, d);
                *done = tag.is_some();
                // RDKit makes the one implicit H of a three-coordinate atom
                // it reads a wedge on explicit, tag or not; its SMILES
                // writer counts an explicit H on the first atom written
                // (chiralAtomNeedsTagInversion), so we do the same
                if mol.neighbors(a).len() == 3
                    && mol.atom(a).is_some_and(|x| x.explicit_hs == 0)
                    && mol.total_hs_as_is(a) == 1
                {
                    if let Some(atom) = mol.atom_mut(a) {
                        atom.explicit_hs = 1;
                    }
                }
                tag
            }
            _ => continue,
        };
        if let Some(atom) = mol.atom_mut(a) {
            atom.chirality = tag.unwrap_or(Chirality::None);
        }
    }
}

/// The tag one wedged (`Wedge`) or hashed (`Hash`) bond from `atom` to
/// `wedged` gives `atom` in a 2D drawing, or `None` where the drawing is
/// ambiguous. RDKit's pseudo-3D reading (`atomChiralTypeFromBondDirPseudo3D`,
/// 2026.09): wedged neighbours are lifted above or below the plane by a tenth
/// of the wedged bond's length, the neighbours are ordered around the atom
/// starting from the wedged one, and the sign of a chiral volume gives the
/// tag, with its rules for T-shaped and linear drawings, neighbours drawn
/// 180° apart with opposite wedges, and contradictory wedges. Only single
/// bonds (or any bonds on P and S) carry the tag. Tags are relative to the
/// atom's neighbour order, an implicit hydrogen last.
pub(crate) fn wedge_chirality(
    mol: &MolBuilder,
    positions: &[[f64; 3]],
    wedges: &[(AtomIdx, AtomIdx, BondDirection)],
    atom: AtomIdx,
    wedged: AtomIdx,
    dir: BondDirection,
) -> Option<Chirality> {
    const COORD_ZERO: f64 = 1e-4;
    const ZERO: f64 = 1e-3;
    // a T-shaped drawing: the two bonds just under 178 degrees apart
    const T_SHAPE: f64 = 0.00031;
    const LIFT: f64 = 0.1;
    const VOLUME: f64 = 0.00174;
    let nbrs = mol.neighbors(atom);
    if nbrs.len() > 4 {
        return None;
    }
    let pos = |x: AtomIdx| positions.get(x.index()).copied().unwrap_or([0.0; 3]);
    let mut center = pos(atom);
    center[2] = 0.0;
    let reference = pos(wedged);
    let ref_length = dot(sub(center, reference), sub(center, reference)).sqrt();
    let lift = |d: BondDirection| {
        let z = if d == BondDirection::Wedge {
            LIFT
        } else {
            -LIFT
        };
        if ref_length > 0.0 {
            z * ref_length
        } else {
            z
        }
    };
    let mut vects: Vec<[f64; 3]> = Vec::with_capacity(4);
    let mut ref_idx = None;
    let mut all_single = true;
    for (k, &(x, b)) in nbrs.iter().enumerate() {
        let mut pt = pos(x);
        if x == wedged {
            ref_idx = Some(k);
            pt[2] = lift(dir);
        } else {
            // wedges drawn from this atom to others lift those too
            pt[2] = wedges
                .iter()
                .find(|&&(p, q, d)| {
                    p == atom && q == x && matches!(d, BondDirection::Wedge | BondDirection::Hash)
                })
                .map_or(0.0, |&(_, _, d)| lift(d));
        }
        let v = sub(pt, center);
        // a (near) zero-length bond leaves the drawing ambiguous; the wedged
        // bond is lifted off the plane, so it can only be exactly zero
        let bond_len2 = dot(v, v);
        if (x != wedged && bond_len2 < ZERO) || bond_len2 <= 0.0 {
            return None;
        }
        if mol
            .bond(b)
            .is_none_or(|bond| bond.order != BondOrder::Single)
        {
            all_single = false;
        }
        let len = bond_len2.sqrt();
        vects.push([v[0] / len, v[1] / len, v[2] / len]);
    }
    let ref_idx = ref_idx?;
    let n = vects.len();
    if !(3..=4).contains(&n) {
        return None;
    }
    for i in 0..n {
        for j in 0..i {
            let d = sub(*vects.get(i)?, *vects.get(j)?);
            if dot(d, d) < ZERO {
                return None;
            }
        }
    }
    let z = mol.atom(atom).map_or(0, |x| x.atomic_num);
    if !(all_single || z == 15 || z == 16) {
        return None;
    }
    let mut order = [0usize, 1, 2, 3];
    let mut prefactor = 1.0;
    if ref_idx != 0 {
        order.swap(0, ref_idx);
        prefactor = -1.0;
    }
    let len2 = |v: [f64; 3]| dot(v, v);
    // neighbours 1 and 2 drawn in line, but not with 0: 1 goes the other way
    if n > 3
        && len2(cross(nth(&vects, &order, 1), nth(&vects, &order, 2))) < 10.0 * ZERO
        && len2(cross(nth(&vects, &order, 1), nth(&vects, &order, 0))) > 10.0 * ZERO
    {
        let z0 = nth(&vects, &order, 0)[2];
        if let Some(v) = order.get(1).and_then(|&i| vects.get_mut(i)) {
            v[2] = -z0;
        }
    }
    // order the neighbours around the atom, starting from the wedged one
    if n == 3 {
        let v0 = nth(&vects, &order, 0);
        let (cp01, cp02) = (
            cross(v0, nth(&vects, &order, 1)),
            cross(v0, nth(&vects, &order, 2)),
        );
        let (dp01, dp02) = (
            dot(v0, nth(&vects, &order, 1)),
            dot(v0, nth(&vects, &order, 2)),
        );
        let swap = if dp01.abs() - 1.0 > -ZERO {
            cp02[2] < 0.0
        } else if dp02.abs() - 1.0 > -ZERO && cp01[2] < 0.0 {
            true
        } else if cp01[2] * cp02[2] < -ZERO {
            cp01[2] < cp02[2]
        } else if dp01 * dp02 < -ZERO {
            dp01 < dp02
        } else {
            dp01.abs() > dp02.abs()
        };
        if swap {
            order.swap(1, 2);
            prefactor = -prefactor;
        }
    } else {
        let v0 = nth(&vects, &order, 0);
        let mut around: Vec<(f64, f64, usize)> = (1..4)
            .map(|k| {
                let vk = nth(&vects, &order, k);
                let sign = if cross(v0, vk)[2] < -ZERO { -1.0 } else { 1.0 };
                (sign, sign * dot(v0, vk), order.get(k).copied().unwrap_or(0))
            })
            .collect();
        // largest first, ties by the larger neighbour position
        around.sort_by(|p, q| q.partial_cmp(p).unwrap_or(std::cmp::Ordering::Equal));
        let mut changed = 0;
        for (k, &(_, _, i)) in (1..4).zip(&around) {
            if let Some(slot) = order.get_mut(k) {
                if *slot != i {
                    *slot = i;
                    changed += 1;
                }
            }
        }
        // two moved: a transposition
        if changed == 2 {
            prefactor = -prefactor;
        }
    }
    // neighbours drawn (nearly) in line with opposite wedges
    for i in 0..n {
        for j in i + 1..n {
            let (vi, vj) = (nth(&vects, &order, i), nth(&vects, &order, j));
            if vi[2] * vj[2] < -ZERO && len2(cross(vi, vj)) < 0.01 {
                // pseudo-3D sugars: substituents 180 degrees apart with
                // opposite wedges, on neighbouring positions, pass
                if n == 4 && (dot(vi, vj) + 1.0).abs() < ZERO && (j - i == 1 || (i == 0 && j == 3))
                {
                    if let Some(v) = order.get(j).and_then(|&k| vects.get_mut(k)) {
                        v[2] = 0.0;
                    }
                    continue;
                }
                return None;
            }
        }
    }
    let (v0, v1, v2) = (
        nth(&vects, &order, 0),
        nth(&vects, &order, 1),
        nth(&vects, &order, 2),
    );
    // three neighbours: a plain bond between two opposite wedges contradicts them
    if n == 3 {
        let conflict = if v1[2] * v0[2] < -COORD_ZERO && v2[2].abs() < COORD_ZERO {
            cross(v2, v0)[2] * cross(v2, v1)[2] < -COORD_ZERO
        } else if v2[2] * v0[2] < -COORD_ZERO && v1[2].abs() < COORD_ZERO {
            cross(v1, v0)[2] * cross(v1, v2)[2] < -COORD_ZERO
        } else {
            false
        };
        if conflict {
            return None;
        }
    }
    // the cross products ignore the lift
    let mut bv1 = [v1[0], v1[1], 0.0];
    let mut bv2 = [v2[0], v2[1], 0.0];
    let mut cross1 = cross(bv1, bv2);
    if n == 3 {
        if len2(cross1) < T_SHAPE {
            // T-shaped: the two in-line bonds point away from the wedge
            bv1[2] = -v0[2];
            bv2[2] = -v0[2];
            cross1 = cross(bv1, bv2);
        }
    } else if len2(cross1) < 10.0 * ZERO && nth(&vects, &order, 3)[2].abs() < COORD_ZERO {
        // the last bond, flat, neighbours the wedge: it goes the other way
        if let Some(v) = order.get(3).and_then(|&k| vects.get_mut(k)) {
            v[2] = -v0[2];
        }
    }
    let mut vol = dot(cross1, v0);
    if n == 4 {
        let v3 = nth(&vects, &order, 3);
        let dot1 = dot(v1, v2);
        let cross2 = cross(bv1, [v3[0], v3[1], 0.0]);
        let dot2 = dot(v1, v3);
        let vol2 = dot(cross2, v0);
        if vol.abs() < ZERO {
            if vol2.abs() < ZERO {
                return None;
            }
            vol = vol2;
            prefactor = -prefactor;
        } else if vol * vol2 > 0.0 && vol2.abs() > VOLUME && dot1 < dot2 {
            vol = vol2;
            prefactor = -prefactor;
        } else if vol.abs() < VOLUME && vol2.abs() > VOLUME {
            if vol * vol2 < 0.0 {
                prefactor = -prefactor;
            }
            vol = vol2;
        }
    }
    vol *= prefactor;
    if vol > VOLUME {
        Some(Chirality::CounterClockwise)
    } else if vol < -VOLUME {
        Some(Chirality::Clockwise)
    } else {
        None
    }
}

fn apply_coordinates(
    mol: &mut MolBuilder,
    positions: Vec<[f64; 3]>,
    is_3d: bool,
    wedges: &[(AtomIdx, AtomIdx, BondDirection)],
    either_double: &[shennong_mol::BondIdx],
) {
    let n = mol.num_atoms();
    let has_coords = positions.iter().any(|p| p.iter().any(|c| c.abs() > 1e-4));
    // Wavy ("either") single bonds, as RDKit reads them: one that starts at
    // an atom leaves it without a tetrahedral tag, and one at either end of
    // a double bond, whichever way it points, leaves the double bond
    // without cis/trans (`findAtomNeighborDirHelper`, `isWigglyBond`).
    let mut wavy_start = vec![false; n];
    let mut wavy_end = vec![false; n];
    let mark = |flags: &mut [bool], a: AtomIdx| {
        if let Some(f) = flags.get_mut(a.index()) {
            *f = true;
        }
    };
    for &(p, q, d) in wedges {
        if d == BondDirection::Either {
            mark(&mut wavy_start, p);
            mark(&mut wavy_end, p);
            mark(&mut wavy_end, q);
        }
    }
    let marked = |flags: &[bool], a: AtomIdx| flags.get(a.index()).copied().unwrap_or(false);
    let mut unknown_double: Vec<shennong_mol::BondIdx> = Vec::new();
    if has_coords {
        // tetrahedral centres: in 3D from the positions, in 2D from the wedges
        if is_3d {
            for i in 0..n {
                let a = AtomIdx(i as u32);
                if marked(&wavy_start, a) {
                    continue;
                }
                if let Some(ch) = chirality_from_3d(mol, &positions, a) {
                    if let Some(atom) = mol.atom_mut(a) {
                        atom.chirality = ch;
                    }
                }
            }
        } else {
            chirality_from_wedges(mol, &positions, wedges);
        }
        // double bonds
        for bi in 0..mol.num_bonds() as u32 {
            let b = shennong_mol::BondIdx(bi);
            let Some(bond) = mol.bond(b).copied() else {
                continue;
            };
            if bond.order != BondOrder::Double || either_double.contains(&b) {
                continue;
            }
            if marked(&wavy_end, bond.begin) || marked(&wavy_end, bond.end) {
                unknown_double.push(b);
                continue;
            }
            let pa = positions
                .get(bond.begin.index())
                .copied()
                .unwrap_or([0.0; 3]);
            let pb = positions.get(bond.end.index()).copied().unwrap_or([0.0; 3]);
            // RDKit (`updateDoubleBondNeighbors`): the reference neighbour
            // on each end is bonded by a single or aromatic bond and not
            // within 2 degrees of the double bond's line; with none such on
            // an end, the bond has no cis/trans
            let reference = |x: AtomIdx, other: AtomIdx, px: [f64; 3], po: [f64; 3]| {
                single_neighbors(mol, x, other).find(|n| {
                    let pn = positions.get(n.index()).copied().unwrap_or([0.0; 3]);
                    !is_linear(sub(pn, px), sub(po, px))
                })
            };
            let (Some(ra), Some(rb)) = (
                reference(bond.begin, bond.end, pa, pb),
                reference(bond.end, bond.begin, pb, pa),
            ) else {
                if single_neighbors(mol, bond.begin, bond.end).next().is_some()
                    && single_neighbors(mol, bond.end, bond.begin).next().is_some()
                {
                    unknown_double.push(b);
                }
                continue;
            };
            let axis = sub(pb, pa);
            let len2 = dot(axis, axis);
            if len2 < 1e-8 {
                continue;
            }
            let perp = |v: [f64; 3]| {
                let t = dot(v, axis) / len2;
                [v[0] - t * axis[0], v[1] - t * axis[1], v[2] - t * axis[2]]
            };
            let xa = perp(sub(
                positions.get(ra.index()).copied().unwrap_or([0.0; 3]),
                pa,
            ));
            let xb = perp(sub(
                positions.get(rb.index()).copied().unwrap_or([0.0; 3]),
                pb,
            ));
            // the sign of the cosine of the dihedral: RDKit calls a dihedral
            // of 90 degrees or more trans
            let d = dot(xa, xb);
            if let Some(bm) = mol.bond_mut(b) {
                bm.stereo = if d > 0.0 {
                    BondStereo::Cis(ra, rb)
                } else {
                    BondStereo::Trans(ra, rb)
                };
            }
        }
    }
    for &b in either_double.iter().chain(&unknown_double) {
        if let Some(bm) = mol.bond_mut(b) {
            bm.direction = BondDirection::Either;
        }
    }
    for &(p, q, d) in wedges {
        if let Some(b) = mol.bond_between(p, q) {
            if let Some(bm) = mol.bond_mut(b) {
                if bm.begin == p {
                    bm.direction = d;
                }
            }
        }
    }
    if has_coords {
        mol.set_conformer(Conformer { positions, is_3d });
    } else {
        mol.set_conformer(Conformer {
            positions,
            is_3d: false,
        });
    }
}

/// V3000 continuation lines joined: the `M  V30` payloads with their line
/// numbers, and whether the block reached its `M  END` line.
fn v30_lines(lines: &[&str]) -> (Vec<(usize, String)>, bool) {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    let mut ended = false;
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.strip_prefix("M  V30 ") else {
            if l.starts_with("M  END") {
                ended = true;
                break;
            }
            continue;
        };
        let (text, cont) = match rest.strip_suffix('-') {
            Some(t) => (t, true),
            None => (rest, false),
        };
        let entry = match pending.take() {
            Some((ln, mut s)) => {
                s.push_str(text);
                (ln, s)
            }
            None => (i + 1, text.to_string()),
        };
        if cont {
            pending = Some(entry);
        } else {
            out.push(entry);
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    (out, ended)
}

fn kv<'a>(tokens: &'a [&'a str], key: &str) -> Option<&'a str> {
    tokens
        .iter()
        .find_map(|t| t.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
}

fn parse_v3000(lines: &[&str], title: String) -> Result<RawMolfile, MolfileError> {
    let (entries, ended) = v30_lines(lines);
    // a block cut short is refused, as RDKit refuses it, rather than read
    // without whatever its missing lines held
    // (RDKit compares the line's start only, here as for the section names)
    let closes_ctab = |e: &String| e.trim_start().starts_with("END CTAB");
    if !entries.iter().any(|(_, e)| closes_ctab(e)) {
        return Err(err(
            lines.len() + 1,
            1,
            "M  V30 END CTAB missing: the V3000 connection table never ends",
        ));
    }
    if !ended {
        return Err(m_end_missing(lines.len()));
    }
    let mut mol = MolBuilder::new();
    let mut positions = Vec::new();
    let mut wedges = Vec::new();
    let mut chirality_possible = false;
    let mut either_double = Vec::new();
    let mut section = "";
    let mut ids: Vec<(i64, AtomIdx)> = Vec::new();
    let mut valences: Vec<(usize, i64)> = Vec::new();
    let mut any_bonds = AnyBonds::default();
    let mut bonds_read = 0usize;
    for (lineno, e) in &entries {
        let lineno = *lineno;
        let tokens: Vec<&str> = e.split_whitespace().collect();
        match tokens.as_slice() {
            ["BEGIN", what, ..] => {
                section = if what.starts_with("ATOM") {
                    "atom"
                } else if what.starts_with("BOND") {
                    "bond"
                } else if what.starts_with("SGROUP") {
                    "sgroup"
                } else {
                    ""
                }
            }
            ["END", ..] => section = "",
            ["COUNTS", na, nb, ..] => {
                let na: usize = na.parse().map_err(|_| err(lineno, 8, "bad atom count"))?;
                let nb: usize = nb.parse().map_err(|_| err(lineno, 8, "bad bond count"))?;
                if na > MAX_COUNT || nb > MAX_COUNT {
                    return Err(err(lineno, 8, "atom or bond count too large"));
                }
            }
            _ if section == "atom" => {
                let [idx, sym, xs, ys, zs, map, rest @ ..] = tokens.as_slice() else {
                    return Err(err(
                        lineno,
                        8,
                        "atom line needs index, symbol, x, y, z and map",
                    ));
                };
                let idx: i64 = idx.parse().map_err(|_| err(lineno, 8, "bad atom index"))?;
                let mut atom = atom_from_symbol(sym)
                    .ok_or_else(|| err(lineno, 8, format!("unknown element symbol '{sym}'")))?;
                let mut p = [0.0; 3];
                for (slot, text) in p.iter_mut().zip([xs, ys, zs]) {
                    let v: f64 = text.parse().map_err(|_| err(lineno, 8, "bad coordinate"))?;
                    if !v.is_finite() {
                        return Err(err(lineno, 8, "coordinate is not finite"));
                    }
                    *slot = v;
                }
                if let Some(c) = kv(rest, "CHG") {
                    atom.formal_charge = c.parse().map_err(|_| err(lineno, 8, "bad CHG"))?;
                }
                if let Some(m) = kv(rest, "MASS") {
                    atom.isotope = m.parse().map_err(|_| err(lineno, 8, "bad MASS"))?;
                }
                if let Some(r) = kv(rest, "RAD") {
                    atom.radical_electrons = match r {
                        "1" | "3" => 2,
                        "2" => 1,
                        _ => 0,
                    };
                }
                // RGROUPS=(n label ...): a dummy atom, the last label its isotope
                if let Some(pos) = rest.iter().position(|t| t.starts_with("RGROUPS=(")) {
                    let mut labels = rest
                        .iter()
                        .skip(pos)
                        .map(|t| t.trim_start_matches("RGROUPS=(").trim_end_matches(')'));
                    let count: usize = labels
                        .next()
                        .and_then(|c| c.parse().ok())
                        .ok_or_else(|| err(lineno, 8, "bad RGROUPS"))?;
                    atom.atomic_num = 0;
                    for label in labels.take(count) {
                        atom.isotope = label.parse().map_err(|_| err(lineno, 8, "bad RGROUPS"))?;
                    }
                }
                if let Ok(m) = map.parse::<u32>() {
                    atom.map_num = m;
                }
                // VAL: explicit valence, -1 for zero, 0 for none given
                if let Some(v) = kv(rest, "VAL") {
                    let v: i64 = v.parse().map_err(|_| err(lineno, 8, "bad VAL"))?;
                    if v != 0 {
                        valences.push((mol.num_atoms(), v.max(0)));
                    }
                }
                let a = mol.add_atom(atom);
                ids.push((idx, a));
                positions.push(p);
            }
            _ if section == "bond" => {
                let [_, ts, s1, s2, rest @ ..] = tokens.as_slice() else {
                    return Err(err(lineno, 8, "bond line needs index, type and two atoms"));
                };
                let t: i64 = ts.parse().map_err(|_| err(lineno, 8, "bad bond type"))?;
                let find = |s: &str| -> Result<AtomIdx, MolfileError> {
                    let v: i64 = s
                        .parse()
                        .map_err(|_| err(lineno, 8, "bad atom reference"))?;
                    ids.iter()
                        .find(|(i, _)| *i == v)
                        .map(|(_, a)| *a)
                        .ok_or_else(|| err(lineno, 8, format!("bond refers to unknown atom {v}")))
                };
                let (pa, pb) = (find(s1)?, find(s2)?);
                let order = bond_order_or_any(t)
                    .ok_or_else(|| err(lineno, 8, format!("unsupported bond type {t}")))?;
                if t == ANY_BOND {
                    any_bonds.pending.push((lineno, bonds_read));
                }
                bonds_read += 1;
                // V3000 CFG: 1 wedge, 3 hash, 2 either
                let mark = match kv(rest, "CFG") {
                    Some("1") => Some(BondDirection::Wedge),
                    Some("3") => Some(BondDirection::Hash),
                    Some("2") => Some(BondDirection::Either),
                    _ => None,
                };
                chirality_possible |=
                    matches!(mark, Some(BondDirection::Wedge | BondDirection::Hash));
                add_molfile_bond(
                    &mut mol,
                    (pa, pb, order, mark),
                    &mut wedges,
                    &mut either_double,
                )
                .map_err(|e| err(lineno, 8, e))?;
            }
            [_, "DAT", ..] if section == "sgroup" => {
                let unquote = |v: &str| v.trim_matches('"').to_string();
                let name = kv(&tokens, "FIELDNAME").map(unquote);
                if let Some(field) = name.as_deref().filter(|f| changes_structure(f)) {
                    return Err(unsupported_data_sgroup(lineno, field));
                }
                if name.as_deref() == Some(COORDINATE_BOND_FIELD) {
                    if let Some(data) = kv(&tokens, "FIELDDATA") {
                        any_bonds.name_coordinate(data);
                    }
                }
            }
            _ => {}
        }
    }
    any_bonds.check()?;
    apply_valences(&mut mol, &valences);
    let is_3d = conformer_is_3d(lines, &positions, chirality_possible);
    apply_coordinates(&mut mol, positions, is_3d, &wedges, &either_double);
    Ok(RawMolfile { title, mol })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether `float_field` reads the whole of `text` as the general
    /// parser does (an infinite value being its error).
    fn float_field_agrees(text: &str) -> Result<(), TestCaseError> {
        let n = text.len();
        let general: Result<f64, _> = number_field(text, 0, n, 1, "f", "a number");
        let ours = float_field(text, 0, n, 1, "f");
        match (general, ours) {
            (Ok(g), Ok(o)) => prop_assert_eq!(g.to_bits(), o.to_bits(), "{:?}", text),
            (Ok(g), Err(_)) => prop_assert!(!g.is_finite(), "{:?}", text),
            (Err(g), Err(o)) => prop_assert_eq!(g, o),
            (Err(_), Ok(_)) => prop_assert!(false, "{:?}", text),
        }
        Ok(())
    }

    proptest! {
        /// The fixed-column number readers (fast paths included) give what
        /// the general parser gives, value for value and error for error.
        #[test]
        fn fast_numbers_equal_the_general_parser(
            text in "[ ]{0,3}([+-]?[0-9]{0,12}(\\.[0-9]{0,9})?|[ +-.0-9eE\t]{0,12}|[-]?[0-9]{1,3}\\.[0-9]{4}|\u{a0}?[0-9]\u{2003}?)[ ]{0,3}"
        ) {
            let n = text.len();
            let general: Result<i64, _> = number_field(&text, 0, n, 1, "f", "an integer");
            prop_assert_eq!(int_field(&text, 0, n, 1, "f"), general, "{:?}", text);
            float_field_agrees(&text)?;
            prop_assert_eq!(trim(&text), text.trim());
        }

        /// Ten-column coordinates, in the molfile's `%10.4f` layout and in
        /// near misses of it, read as the general parser reads them.
        #[test]
        fn ten_column_coordinates_equal_the_general_parser(
            text in "([ ]{0,4}-?[0-9]{1,5}\\.[0-9]{4}|[ 0-9.+eE\t-]{10}|[ ]{0,3}-?[0-9]{0,6}\\.?[0-9]{0,5})"
        ) {
            float_field_agrees(&text)?;
        }
    }

    /// Every two- and three-column integer field over the characters a
    /// field holds (and some it should not) reads as the general parser
    /// reads it: the shapes [`plain_int`] takes and all the others.
    #[test]
    fn short_integer_fields_equal_the_general_parser_exhaustively() {
        let alphabet = b" 0123456789+-x\t.";
        let mut fields = Vec::new();
        for &a in alphabet {
            for &b in alphabet {
                fields.push(vec![a, b]);
                for &c in alphabet {
                    fields.push(vec![a, b, c]);
                }
            }
        }
        for field in fields {
            let text = String::from_utf8(field).unwrap();
            let n = text.len();
            let general: Result<i64, _> = number_field(&text, 0, n, 1, "f", "an integer");
            assert_eq!(int_field(&text, 0, n, 1, "f"), general, "{text:?}");
        }
        assert_eq!(plain_int(b"  7"), Some(7));
        assert_eq!(plain_int(b" 42"), Some(42));
        assert_eq!(plain_int(b" 3"), Some(3));
        assert_eq!(plain_int(b"-1 "), None);
        assert_eq!(plain_int(b"123"), None);
    }

    #[test]
    fn molfile_coordinates_read_by_their_layout() {
        assert_eq!(fixed_coordinate(b"   -1.2345"), Some(-1.2345));
        assert_eq!(fixed_coordinate(b"12345.6789"), Some(12345.6789));
        assert_eq!(fixed_coordinate(b"-1234.5678"), Some(-1234.5678));
        assert_eq!(
            fixed_coordinate(b"   -0.0000").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        // not the layout: left to the general readers
        assert_eq!(fixed_coordinate(b"    -.5000"), None);
        assert_eq!(fixed_coordinate(b"   +1.2345"), None);
        assert_eq!(fixed_coordinate(b"  - 1.2345"), None);
        assert_eq!(fixed_coordinate(b"  1-1.2345"), None);
        assert_eq!(fixed_coordinate(b"    1.234 "), None);
        assert_eq!(fixed_coordinate(b"   1.23456"), None);
    }

    #[test]
    fn fast_numbers_cover_molfile_fields_and_leave_the_rest() {
        assert_eq!(fast_float(b"-1.2345"), Some(-1.2345));
        assert_eq!(
            fast_float(b"-0.0000").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(fast_float(b"15355.5894"), Some(15355.5894));
        assert_eq!(fast_float(b"1e3"), None);
        assert_eq!(fast_float(b"inf"), None);
        assert_eq!(fast_float(b"."), None);
        assert_eq!(fast_float(trim_spaces(b"   -1.2345")), Some(-1.2345));
        assert_eq!(fast_float(trim_spaces(b"  ")), Some(0.0));
        assert_eq!(fast_float(trim_spaces(b" 1. 5")), None);
        assert_eq!(fast_float(b"-"), None);
        assert_eq!(fast_float(b"1234567890.1234567"), None);
        assert_eq!(fast_int(b"-12"), Some(-12));
        assert_eq!(fast_int(b"+7"), Some(7));
        assert_eq!(fast_int(b"7."), None);
        assert_eq!(fast_int(b"-"), None);
        assert_eq!(fast_int(b""), Some(0));
        assert_eq!(fast_int(b"  -3 "), Some(-3));
        assert_eq!(fast_int(b" 1 2"), None);
        assert_eq!(fast_int(b"+ 5"), None);
        assert_eq!(trim("\u{a0} 12 \u{a0}"), "12");
        assert_eq!(trim(" \x0b 3 "), "3");
    }

    #[test]
    fn truncated_counts_line_is_an_error() {
        let e = parse_molfile("x\n\n\n  5  4  0  0  0  0  0  0  0  0999 V2000\n").unwrap_err();
        assert!(e.reason.contains("ends early"), "{e}");
    }
}
