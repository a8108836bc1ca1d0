//! V2000 molfile and SD record writing.

use std::fmt::Write as _;

use shennong_mol::{AtomIdx, BondOrder, BondStereo, Chirality, Mol};

use crate::error::WriteError;
use crate::reader::chirality_from_positions;

/// Writes a V2000 molblock (ending with `M  END`, no `$$$$`). Aromatic
/// systems are written in a Kekulé form; 2D tetrahedral stereo as wedges.
pub fn write_molblock(mol: &Mol, title: &str) -> Result<String, WriteError> {
    if mol.num_atoms() > 999 || mol.num_bonds() > 999 {
        return Err(WriteError::TooLarge {
            atoms: mol.num_atoms(),
            bonds: mol.num_bonds(),
        });
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
    let mut out = String::new();
    let title: String = title
        .chars()
        .filter(|c| *c != '\n' && *c != '\r')
        .take(80)
        .collect();
    out.push_str(&title);
    out.push('\n');
    let _ = writeln!(
        out,
        "     Shennong      {}",
        if is_3d { "3D" } else { "2D" }
    );
    out.push('\n');
    let chiral_flag = u8::from(mol.atoms().iter().any(|a| a.chirality.is_tetrahedral()));
    let _ = writeln!(
        out,
        "{:>3}{:>3}  0  0{:>3}  0  0  0  0  0999 V2000",
        mol.num_atoms(),
        mol.num_bonds(),
        chiral_flag
    );
    let mut chg = Vec::new();
    let mut iso = Vec::new();
    let mut rad = Vec::new();
    for a in kek.atom_indices() {
        let atom = kek.atom(a);
        let p = pos(a);
        // A valence field is needed when default rules would not give our H count.
        let valence = if kek.default_hs(a) == Some(atom.total_hs()) {
            0
        } else {
            let v = kek.explicit_valence(a) + i32::from(atom.implicit_hs());
            if v == 0 {
                15
            } else {
                v
            }
        };
        let map = atom.map_num;
        let _ = writeln!(
            out,
            "{:>10.4}{:>10.4}{:>10.4} {:<3} 0  0  0  0  0{:>3}  0  0  0{:>3}  0  0",
            p[0],
            p[1],
            p[2],
            if atom.atomic_num == 0 {
                "*"
            } else {
                atom.symbol()
            },
            valence,
            if map < 1000 { map } else { 0 }
        );
        if atom.formal_charge != 0 {
            chg.push((a.index() + 1, i32::from(atom.formal_charge)));
        }
        if atom.isotope != 0 {
            iso.push((a.index() + 1, i32::from(atom.isotope)));
        }
        if atom.radical_electrons != 0 {
            rad.push((
                a.index() + 1,
                if atom.radical_electrons == 1 { 2 } else { 3 },
            ));
        }
    }
    let wedges = if !is_3d {
        choose_wedges(mol, &pos)?
    } else {
        Vec::new()
    };
    for (bi, bond) in kek.bonds().iter().enumerate() {
        let order = match bond.order {
            BondOrder::Single => 1,
            BondOrder::Double => 2,
            BondOrder::Triple => 3,
            BondOrder::Quadruple | BondOrder::Aromatic => 4,
            BondOrder::Dative => 9,
            BondOrder::Zero => 0,
        };
        let wedge = wedges.iter().find(|w| w.0 == bi);
        let (a, b, st) = match wedge {
            Some(&(_, from, code)) => {
                let to = bond.other(from);
                (from.index() + 1, to.index() + 1, code)
            }
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
                (
                    bond.begin.index() + 1,
                    bond.end.index() + 1,
                    if either { 3 } else { 0 },
                )
            }
        };
        let _ = writeln!(out, "{a:>3}{b:>3}{order:>3}{st:>3}");
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
    out.push_str("M  END\n");
    Ok(out)
}

/// For each chiral atom, one single bond starting at it with a wedge (1) or hash (6)
/// that reproduces its tag from the 2D coordinates.
fn choose_wedges(
    mol: &Mol,
    pos: &dyn Fn(AtomIdx) -> [f64; 3],
) -> Result<Vec<(usize, AtomIdx, u8)>, WriteError> {
    let mut out: Vec<(usize, AtomIdx, u8)> = Vec::new();
    for a in mol.atom_indices() {
        let atom = mol.atom(a);
        if !atom.chirality.is_tetrahedral() {
            continue;
        }
        let nbrs = mol.neighbors(a);
        if !well_spread(pos(a), nbrs.iter().map(|&(x, _)| pos(x))) {
            // overlapping neighbours make wedges ambiguous to readers
            return Err(WriteError::StereoLayout {
                what: format!("atom {}", a.index() + 1),
            });
        }
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
            let mut pts: Vec<[f64; 3]> = nbrs.iter().map(|&(x, _)| pos(x)).collect();
            let center = pos(a);
            for p in pts.iter_mut() {
                p[2] = 0.0;
            }
            if let Some(p) = pts.get_mut(k) {
                p[2] = 1.0;
            }
            let Some(got) = chirality_from_positions([center[0], center[1], 0.0], &pts) else {
                continue;
            };
            let code = if got == atom.chirality { 1 } else { 6 };
            // the wedge must reproduce the tag when read back
            let mut check = pts.clone();
            if let Some(p) = check.get_mut(k) {
                p[2] = if code == 1 { 1.0 } else { -1.0 };
            }
            if chirality_from_positions([center[0], center[1], 0.0], &check) != Some(atom.chirality)
            {
                continue;
            }
            if let Some(&(_, b)) = nbrs.get(k) {
                out.push((b.index(), a, code));
            }
            let _ = n;
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

/// Neighbours of a stereocentre must be clearly apart in the plane (more
/// than 0.2 Å from the centre, directions more than 10° apart) for a wedge to
/// be read the same way by every reader.
fn well_spread(center: [f64; 3], nbrs: impl Iterator<Item = [f64; 3]>) -> bool {
    let mut angles = Vec::new();
    for p in nbrs {
        let (dx, dy) = (p[0] - center[0], p[1] - center[1]);
        if (dx * dx + dy * dy).sqrt() < 0.2 {
            return false;
        }
        angles.push(dy.atan2(dx));
    }
    for (i, a) in angles.iter().enumerate() {
        for b in angles.iter().skip(i + 1) {
            let mut d = (a - b).abs() % (2.0 * std::f64::consts::PI);
            if d > std::f64::consts::PI {
                d = 2.0 * std::f64::consts::PI - d;
            }
            if d < 10f64.to_radians() {
                return false;
            }
        }
    }
    true
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
