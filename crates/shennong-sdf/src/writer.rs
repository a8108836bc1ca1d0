//! Molfile and SD record writing: V2000, or V3000 where V2000's fixed
//! columns cannot hold the molecule (more than 999 atoms or bonds, atom-map
//! numbers above 999, coordinates wider than ten columns), as RDKit
//! switches for large molecules.

use std::fmt::Write as _;

use shennong_mol::{AtomIdx, BondDirection, BondOrder, BondStereo, Chirality, Mol};

use crate::error::WriteError;
use crate::reader::wedge_chirality;

/// The largest count or atom-map number V2000's three-character fields hold.
const V2000_MAX: usize = 999;

/// One atom as a molfile writes it, in either format.
struct AtomRow {
    symbol: &'static str,
    pos: [f64; 3],
    /// Valence to write: `None` where default rules give our hydrogens,
    /// `Some(0)` for "no hydrogens, valence zero".
    valence: Option<i32>,
    map: u32,
    charge: i8,
    isotope: u16,
    /// Molfile radical code: 2 doublet, 3 triplet; 0 none.
    radical: u8,
}

/// One bond as a molfile writes it: 1-based ends, V2000 order and V2000
/// stereo code (1 wedge, 6 hash, 3 either double bond; 0 none).
struct BondRow {
    begin: usize,
    end: usize,
    order: u8,
    stereo: u8,
}

/// Writes a molblock (ending with `M  END`, no `$$$$`): V2000, or V3000
/// when V2000 cannot hold the molecule (more than 999 atoms or bonds, an
/// atom-map number above 999, which V2000's three-character field would
/// truncate, or a coordinate wider than its ten columns). Aromatic systems
/// are written in a Kekulé form; 2D tetrahedral stereo as wedges.
pub fn write_molblock(mol: &Mol, title: &str) -> Result<String, WriteError> {
    // refused before any layout work (kekulisation keeps the order)
    if let Some(bi) = mol
        .bonds()
        .iter()
        .position(|b| b.order == BondOrder::Quadruple)
    {
        return Err(WriteError::UnwritableBond { bond: bi + 1 });
    }
    let read_conf = mol
        .conformer()
        .filter(|c| c.positions.len() == mol.num_atoms())
        .filter(|c| {
            c.positions.iter().any(|p| p.iter().any(|x| x.abs() > 1e-4)) || mol.num_atoms() <= 1
        });
    // Without coordinates from input, a 2D layout carries the stereo.
    let generated = match read_conf {
        Some(_) => None,
        None => Some(shennong_mol::layout::compute_2d_coords(mol)),
    };
    let conf = read_conf.or(generated.as_ref());
    let is_3d = conf.is_some_and(|c| c.is_3d);
    if generated.is_some() {
        check_double_bond_geometry(mol, conf)?;
    }
    let kek = mol.kekulized()?;
    let pos = |a: AtomIdx| {
        conf.and_then(|c| c.positions.get(a.index()).copied())
            .unwrap_or([0.0; 3])
    };
    let atoms: Vec<AtomRow> = kek
        .atom_indices()
        .map(|a| {
            let atom = kek.atom(a);
            // A valence is written when default rules would not give our H
            // count, and where RDKit (`hasNonDefaultValence`) writes one: on
            // an atom with radical electrons (without it the radical of
            // `NS*[N]:*`, next to an aromatic bond outside a ring, does not
            // read back), on every atom outside the organic subset but
            // dummies, and on a bracket H or organic-subset atom whose
            // valence is not the default of its isoelectronic element (a
            // bonded hydride, `[H-]C`, reads back only with it).
            let explicit = kek.explicit_valence(a);
            let isoelectronic = i16::from(atom.atomic_num) - i16::from(atom.formal_charge);
            let unusual = match atom.atomic_num {
                0 => false,
                z if z == 1 || shennong_mol::element::in_organic_subset(z) => {
                    atom.no_implicit
                        && u8::try_from(isoelectronic).map_or(true, |z| {
                            explicit != shennong_mol::element::default_valence(z)
                        })
                }
                _ => true,
            };
            let valence = if atom.radical_electrons == 0
                && !unusual
                && kek.default_hs(a) == Some(atom.total_hs())
            {
                None
            } else {
                Some(explicit + i32::from(atom.implicit_hs()))
            };
            AtomRow {
                symbol: if atom.atomic_num == 0 {
                    "*"
                } else {
                    atom.symbol()
                },
                pos: pos(a),
                valence,
                map: atom.map_num,
                charge: atom.formal_charge,
                isotope: atom.isotope,
                radical: match atom.radical_electrons {
                    0 => 0,
                    1 => 2,
                    _ => 3,
                },
            }
        })
        .collect();
    let wedges = if !is_3d {
        choose_wedges(mol, &kek, &pos)?
    } else {
        Vec::new()
    };
    let bonds: Vec<BondRow> = kek
        .bonds()
        .iter()
        .enumerate()
        .map(|(bi, bond)| {
            let order = match bond.order {
                BondOrder::Single => 1,
                BondOrder::Double => 2,
                BondOrder::Triple => 3,
                // (quadruple bonds were refused above)
                BondOrder::Quadruple | BondOrder::Aromatic => 4,
                BondOrder::Dative => 9,
                BondOrder::Zero => 0,
            };
            match wedges.iter().find(|w| w.0 == bi) {
                Some(&(_, from, code)) => BondRow {
                    begin: from.index() + 1,
                    end: bond.other(from).index() + 1,
                    order,
                    stereo: code,
                },
                None => {
                    // unknown double-bond geometry stays unknown
                    let original = mol.bond(shennong_mol::BondIdx(bi as u32));
                    // A generated layout fixes a geometry for every double bond; unspecified
                    // ones are marked "either" so that readers do not invent stereo.
                    let either = bond.order == BondOrder::Double
                        && (original.direction == shennong_mol::BondDirection::Either
                            || (generated.is_some()
                                && original.stereo == BondStereo::None
                                && !in_small_ring(mol, bi)));
                    // a wavy single bond read from a molfile stays wavy: in
                    // 3D it is what keeps the atom it starts at unspecified
                    // (without it the coordinates would give that atom a
                    // tag), as RDKit writes it back
                    let wavy = bond.order == BondOrder::Single
                        && original.order == BondOrder::Single
                        && original.direction == shennong_mol::BondDirection::Either;
                    BondRow {
                        begin: bond.begin.index() + 1,
                        end: bond.end.index() + 1,
                        order,
                        stereo: if either {
                            3
                        } else if wavy {
                            4
                        } else {
                            0
                        },
                    }
                }
            }
        })
        .collect();
    let mut out = String::new();
    let title: String = title
        .chars()
        .filter(|c| *c != '\n' && *c != '\r')
        .take(80)
        .collect();
    out.push_str(&title);
    out.push('\n');
    // CTfile header line: user initials (2), program (8), date and time
    // (10), then the dimensional code in columns 21-22, where readers
    // (RDKit among them) look for "3D"
    let _ = writeln!(
        out,
        "  {:<8}{:<10}{}",
        "Shennong",
        "",
        if is_3d { "3D" } else { "2D" }
    );
    out.push('\n');
    let chiral = mol.atoms().iter().any(|a| a.chirality.is_tetrahedral());
    let fits_v2000 = atoms.len() <= V2000_MAX
        && bonds.len() <= V2000_MAX
        && atoms.iter().all(|a| {
            a.map as usize <= V2000_MAX && a.pos.iter().all(|&x| fits_coordinate_column(x))
        });
    if fits_v2000 {
        write_v2000_ctab(&mut out, &atoms, &bonds, chiral);
    } else {
        write_v3000_ctab(&mut out, &atoms, &bonds, chiral);
    }
    out.push_str("M  END\n");
    Ok(out)
}

/// Whether `x` written with four decimals fits V2000's ten-column
/// coordinate field (`-9999.9999` to `99999.9999`); a wider number runs
/// into the next field and reads back as other coordinates, so such a
/// molecule is written in V3000, whose fields are separated by spaces.
fn fits_coordinate_column(x: f64) -> bool {
    (-9999.9999..=99999.9999).contains(&x)
}

fn write_v2000_ctab(out: &mut String, atoms: &[AtomRow], bonds: &[BondRow], chiral: bool) {
    let _ = writeln!(
        out,
        "{:>3}{:>3}  0  0{:>3}  0  0  0  0  0999 V2000",
        atoms.len(),
        bonds.len(),
        u8::from(chiral)
    );
    let mut chg = Vec::new();
    let mut iso = Vec::new();
    let mut rad = Vec::new();
    for (i, atom) in atoms.iter().enumerate() {
        let p = atom.pos;
        // 15 is V2000's "valence zero"
        let valence = match atom.valence {
            None => 0,
            Some(0) => 15,
            Some(v) => v,
        };
        let _ = writeln!(
            out,
            "{:>10.4}{:>10.4}{:>10.4} {:<3} 0  0  0  0  0{:>3}  0  0  0{:>3}  0  0",
            p[0], p[1], p[2], atom.symbol, valence, atom.map
        );
        if atom.charge != 0 {
            chg.push((i + 1, i32::from(atom.charge)));
        }
        if atom.isotope != 0 {
            iso.push((i + 1, i32::from(atom.isotope)));
        }
        if atom.radical != 0 {
            rad.push((i + 1, i32::from(atom.radical)));
        }
    }
    for bond in bonds {
        let _ = writeln!(
            out,
            "{:>3}{:>3}{:>3}{:>3}",
            bond.begin, bond.end, bond.order, bond.stereo
        );
    }
    for (tag, list) in [("CHG", &chg), ("ISO", &iso), ("RAD", &rad)] {
        for chunk in list.chunks(8) {
            let _ = write!(out, "M  {tag}{:>3}", chunk.len());
            for (a, v) in chunk {
                let _ = write!(out, " {a:>3} {v:>3}");
            }
            out.push('\n');
        }
    }
}

fn write_v3000_ctab(out: &mut String, atoms: &[AtomRow], bonds: &[BondRow], chiral: bool) {
    out.push_str("  0  0  0     0  0            999 V3000\n");
    v30_line(out, "BEGIN CTAB");
    v30_line(
        out,
        &format!(
            "COUNTS {} {} 0 0 {}",
            atoms.len(),
            bonds.len(),
            u8::from(chiral)
        ),
    );
    v30_line(out, "BEGIN ATOM");
    for (i, atom) in atoms.iter().enumerate() {
        let p = atom.pos;
        let mut line = format!(
            "{} {} {:.4} {:.4} {:.4} {}",
            i + 1,
            atom.symbol,
            p[0],
            p[1],
            p[2],
            atom.map
        );
        if atom.charge != 0 {
            let _ = write!(line, " CHG={}", atom.charge);
        }
        if atom.radical != 0 {
            let _ = write!(line, " RAD={}", atom.radical);
        }
        if atom.isotope != 0 {
            let _ = write!(line, " MASS={}", atom.isotope);
        }
        match atom.valence {
            None => {}
            // -1 is V3000's "valence zero"
            Some(0) => line.push_str(" VAL=-1"),
            Some(v) => {
                let _ = write!(line, " VAL={v}");
            }
        }
        v30_line(out, &line);
    }
    v30_line(out, "END ATOM");
    if !bonds.is_empty() {
        v30_line(out, "BEGIN BOND");
        for (i, bond) in bonds.iter().enumerate() {
            let mut line = format!("{} {} {} {}", i + 1, bond.order, bond.begin, bond.end);
            // V2000 codes to V3000's CFG: 1 wedge, 3 hash, 2 either
            let cfg = match (bond.order, bond.stereo) {
                (_, 1) => 1,
                (_, 6) => 3,
                (2, 3) => 2,
                _ => 0,
            };
            if cfg != 0 {
                let _ = write!(line, " CFG={cfg}");
            }
            v30_line(out, &line);
        }
        v30_line(out, "END BOND");
    }
    v30_line(out, "END CTAB");
}

/// One `M  V30` line, continued with a trailing `-` where it would pass
/// the 80 columns the format allows.
fn v30_line(out: &mut String, payload: &str) {
    const PREFIX: &str = "M  V30 ";
    // room for the prefix and the continuation mark
    const WIDTH: usize = 80 - PREFIX.len() - 1;
    let mut rest = payload;
    while rest.len() > WIDTH + 1 {
        let Some((head, tail)) = rest.split_at_checked(WIDTH) else {
            break;
        };
        out.push_str(PREFIX);
        out.push_str(head);
        out.push_str("-\n");
        rest = tail;
    }
    out.push_str(PREFIX);
    out.push_str(rest);
    out.push('\n');
}

/// For each chiral atom, one single bond starting at it with a wedge (1) or hash (6)
/// that reproduces its tag from the 2D coordinates.
fn choose_wedges(
    mol: &Mol,
    kek: &Mol,
    pos: &dyn Fn(AtomIdx) -> [f64; 3],
) -> Result<Vec<(usize, AtomIdx, u8)>, WriteError> {
    let mut out: Vec<(usize, AtomIdx, u8)> = Vec::new();
    if !mol.atoms().iter().any(|a| a.chirality.is_tetrahedral()) {
        return Ok(out);
    }
    // the molecule as the file carries it: Kekulé bonds, these positions
    let written = kek.to_builder();
    let positions: Vec<[f64; 3]> = kek.atom_indices().map(pos).collect();
    for a in mol.atom_indices() {
        let atom = mol.atom(a);
        if !atom.chirality.is_tetrahedral() {
            continue;
        }
        let nbrs = mol.neighbors(a);
        // overlapping neighbours make wedges ambiguous to readers
        let Some(angles) = neighbour_angles(pos(a), nbrs.iter().map(|&(x, _)| pos(x))) else {
            return Err(WriteError::StereoLayout {
                what: format!("atom {}", a.index() + 1),
            });
        };
        let mut cands: Vec<(usize, AtomIdx)> = nbrs
            .iter()
            .enumerate()
            .filter(|(_, (_, b))| {
                mol.bond(*b).order == BondOrder::Single && !out.iter().any(|w| w.0 == b.index())
            })
            .map(|(k, &(n, _))| (k, n))
            .collect();
        // prefer non-ring bonds to non-stereo, low-degree neighbours
        cands.sort_by_key(|&(k, n)| {
            let b = nbrs.get(k).map_or(shennong_mol::BondIdx(0), |x| x.1);
            (
                mol.rings().is_ring_bond(b),
                mol.atom(n).chirality != Chirality::None,
                mol.degree(n),
            )
        });
        let mut done = false;
        for (k, n) in cands {
            // the wedged neighbour is the one readers place out of the
            // plane: it must stand clear of the others
            if !stands_clear(&angles, k) {
                continue;
            }
            // the wedge or hash that a reader (ours, RDKit's) reads back as the tag
            let code = [(BondDirection::Wedge, 1), (BondDirection::Hash, 6)]
                .into_iter()
                .find(|&(dir, _)| {
                    wedge_chirality(&written, &positions, &[(a, n, dir)], a, n, dir)
                        == Some(atom.chirality)
                })
                .map(|(_, code)| code);
            let (Some(code), Some(&(_, b))) = (code, nbrs.get(k)) else {
                continue;
            };
            out.push((b.index(), a, code));
            done = true;
            break;
        }
        if !done {
            return Err(WriteError::StereoLayout {
                what: format!("atom {}", a.index() + 1),
            });
        }
    }
    Ok(out)
}

/// Directions (radians, in the plane) from a stereocentre at `center` to
/// its neighbours, or `None` when two neighbours point almost the same way
/// (closer than [`MIN_NEIGHBOUR_ANGLE`]) or one sits on the centre (closer
/// than 0.2 Å): readers could then order the neighbours either way, and no
/// wedge would mean one configuration.
fn neighbour_angles(center: [f64; 3], nbrs: impl Iterator<Item = [f64; 3]>) -> Option<Vec<f64>> {
    let mut angles = Vec::new();
    for p in nbrs {
        let (dx, dy) = (p[0] - center[0], p[1] - center[1]);
        if (dx * dx + dy * dy).sqrt() < 0.2 {
            return None;
        }
        angles.push(dy.atan2(dx));
    }
    let distinct = angles.iter().enumerate().all(|(i, &a)| {
        angles
            .iter()
            .skip(i + 1)
            .all(|&b| angle_between(a, b) >= MIN_NEIGHBOUR_ANGLE.to_radians())
    });
    distinct.then_some(angles)
}

/// Neighbour directions closer than this many degrees are taken as one.
/// Coordinates keep four decimals, so on bonds of ~1.5 Å a direction is
/// known to about 0.01°; RDKit's wedge reading ignores a centre whose
/// neighbour directions (unit vectors) lie within 0.0316 of each other,
/// about 1.8°, as "overlapping neighbors", and 2° stays clear of that.
const MIN_NEIGHBOUR_ANGLE: f64 = 2.0;

/// The wedged neighbour must be at least this many degrees from every other
/// neighbour: the wedge is drawn towards it, and a reader that looks at the
/// drawing must see the wedge apart from the other bonds.
const MIN_WEDGE_ANGLE: f64 = 10.0;

/// Whether neighbour `k` (of `angles`, from [`neighbour_angles`]) points
/// at least [`MIN_WEDGE_ANGLE`] away from every other neighbour.
fn stands_clear(angles: &[f64], k: usize) -> bool {
    let Some(&own) = angles.get(k) else {
        return false;
    };
    angles
        .iter()
        .enumerate()
        .all(|(i, &b)| i == k || angle_between(own, b) >= MIN_WEDGE_ANGLE.to_radians())
}

/// The unsigned angle between two directions, in [0, π].
fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % (2.0 * std::f64::consts::PI);
    if d > std::f64::consts::PI {
        2.0 * std::f64::consts::PI - d
    } else {
        d
    }
}

fn in_small_ring(mol: &Mol, bond: usize) -> bool {
    let s = mol
        .rings()
        .min_bond_ring_size(shennong_mol::BondIdx(bond as u32));
    s > 0 && s < shennong_mol::stereo::MIN_RING_SIZE_FOR_DOUBLE_BOND_STEREO
}

/// Checks that generated coordinates realise every cis/trans double bond.
fn check_double_bond_geometry(
    mol: &Mol,
    conf: Option<&shennong_mol::Conformer>,
) -> Result<(), WriteError> {
    let Some(conf) = conf else { return Ok(()) };
    let p = |a: AtomIdx| conf.positions.get(a.index()).copied().unwrap_or([0.0; 3]);
    for (bi, bond) in mol.bonds().iter().enumerate() {
        let (ra, rb, cis) = match bond.stereo {
            BondStereo::Cis(x, y) => (x, y, true),
            BondStereo::Trans(x, y) => (x, y, false),
            BondStereo::None => continue,
        };
        let (pa, pb) = (p(bond.begin), p(bond.end));
        let axis = [pb[0] - pa[0], pb[1] - pa[1]];
        let side = |q: [f64; 3], o: [f64; 3]| axis[0] * (q[1] - o[1]) - axis[1] * (q[0] - o[0]);
        let (sa, sb) = (side(p(ra), pa), side(p(rb), pb));
        if sa.abs() < 1e-3 || sb.abs() < 1e-3 || ((sa > 0.0) == (sb > 0.0)) != cis {
            return Err(WriteError::StereoLayout {
                what: format!("bond {}", bi + 1),
            });
        }
    }
    Ok(())
}

/// Writes one SD record: molblock, data items, `$$$$`.
pub fn write_sd_record(
    mol: &Mol,
    title: &str,
    data: &[(String, String)],
) -> Result<String, WriteError> {
    let mut s = write_molblock(mol, title)?;
    for (k, v) in data {
        // a name no reader takes back as the same label: an empty one
        // (RDKit skips the item) or one across lines
        if k.is_empty() || k.contains(['\n', '\r']) {
            return Err(WriteError::DataItemName { name: k.clone() });
        }
        let _ = writeln!(s, ">  <{k}>");
        for line in v.lines() {
            // a blank line would end the item early
            if line.is_empty() {
                s.push_str(" \n");
            } else {
                s.push_str(line);
                s.push('\n');
            }
        }
        s.push('\n');
    }
    s.push_str("$$$$\n");
    Ok(s)
}
