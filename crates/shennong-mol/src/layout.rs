//! 2D coordinates for molecules read without them, so that SD output can
//! carry stereo as wedges and double-bond geometry.
//!
//! Rings are regular polygons fused edge-to-edge (bridged rings are closed
//! on an arc, spiro rings are placed outward from the shared atom); chains
//! zig-zag at 120°; substituents spread into the widest free angle; triple
//! bonds and cumulenes are linear. Double bonds with cis/trans stereo are
//! built with the stereo they carry. The layout is not collision-free for
//! large cages or macrocycles, but it is always a faithful carrier of
//! stereo: writers check the geometry and refuse to write what it would lose.

use std::collections::VecDeque;
use std::f64::consts::PI;

use crate::mol::{AtomIdx, BondOrder, BondStereo, Conformer, Mol};
use crate::slots::Slots;

/// Bond length of the layout (Å), as in RDKit depictions.
pub const BOND_LENGTH: f64 = 1.5;

type P = [f64; 2];

fn add(a: P, b: P) -> P {
    [a[0] + b[0], a[1] + b[1]]
}

fn sub(a: P, b: P) -> P {
    [a[0] - b[0], a[1] - b[1]]
}

fn scale(a: P, s: f64) -> P {
    [a[0] * s, a[1] * s]
}

fn angle_of(v: P) -> f64 {
    v[1].atan2(v[0])
}

fn unit(angle: f64) -> P {
    [angle.cos(), angle.sin()]
}

fn norm(v: P) -> f64 {
    (v[0] * v[0] + v[1] * v[1]).sqrt()
}

/// `v` turned by `angle` (counter-clockwise).
fn rotate(v: P, angle: f64) -> P {
    let (sin, cos) = angle.sin_cos();
    [v[0] * cos - v[1] * sin, v[0] * sin + v[1] * cos]
}

/// The centroid of `points` (the origin for none).
fn mean(points: &[P]) -> P {
    scale(
        points.iter().fold([0.0, 0.0], |acc, p| add(acc, *p)),
        1.0 / points.len().max(1) as f64,
    )
}

/// The widest angle between consecutive directions of `sorted` (angles in
/// [0, 2π), sorted; a single direction leaves a full turn), as (the
/// direction it starts from, its width).
fn widest_gap(sorted: &[f64]) -> (f64, f64) {
    let mut best = (0.0, 0.0);
    for (i, &a) in sorted.iter().enumerate() {
        let b = sorted.get((i + 1) % sorted.len()).copied().unwrap_or(a);
        let gap = norm_angle(b - a);
        let gap = if gap == 0.0 { 2.0 * PI } else { gap };
        if gap > best.1 {
            best = (a, gap);
        }
    }
    best
}

fn norm_angle(a: f64) -> f64 {
    let mut a = a % (2.0 * PI);
    if a < 0.0 {
        a += 2.0 * PI;
    }
    a
}

/// Computes 2D coordinates for every atom.
pub fn compute_2d_coords(mol: &Mol) -> Conformer {
    let n = mol.num_atoms();
    let mut pos: Vec<Option<P>> = vec![None; n];
    let mut x_offset = 0.0;
    for frag in mol.fragments() {
        let mut local: Vec<Option<P>> = vec![None; n];
        layout_fragment(mol, &frag, &mut local);
        // shift the fragment to the right of the previous ones
        let xs: Vec<f64> = frag
            .iter()
            .filter_map(|a| local.get(a.index()).copied().flatten())
            .map(|p| p[0])
            .collect();
        let ys: Vec<f64> = frag
            .iter()
            .filter_map(|a| local.get(a.index()).copied().flatten())
            .map(|p| p[1])
            .collect();
        let min_x = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let max_x = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mid_y = (ys.iter().copied().fold(f64::INFINITY, f64::min)
            + ys.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            / 2.0;
        for a in &frag {
            if let (Some(Some(p)), Some(slot)) =
                (local.get(a.index()).copied(), pos.get_mut(a.index()))
            {
                *slot = Some([p[0] - min_x + x_offset, p[1] - mid_y]);
            }
        }
        x_offset += (max_x - min_x).max(0.0) + 2.0 * BOND_LENGTH;
    }
    Conformer {
        positions: pos
            .into_iter()
            .map(|p| p.map_or([0.0; 3], |q| [q[0], q[1], 0.0]))
            .collect(),
        is_3d: false,
    }
}

fn get(pos: &[Option<P>], a: AtomIdx) -> Option<P> {
    pos.get(a.index()).copied().flatten()
}

fn set(pos: &mut [Option<P>], a: AtomIdx, p: P) {
    if let Some(slot) = pos.get_mut(a.index()) {
        *slot = Some(p);
    }
}

fn layout_fragment(mol: &Mol, frag: &[AtomIdx], pos: &mut [Option<P>]) {
    let rings = mol.rings();
    // rings of this fragment, smallest first (the SSSR part is enough for layout)
    let mut ring_list: Vec<&[AtomIdx]> = rings
        .atom_rings()
        .iter()
        .filter(|r| r.first().is_some_and(|a| frag.contains(a)))
        .collect();
    ring_list.sort_by_key(|r| (r.len() != 6, r.len()));
    let mut placed_rings = vec![false; ring_list.len()];
    let mut queue: VecDeque<AtomIdx> = VecDeque::new();
    // the first ring system, if any, anchors the fragment
    if let Some(first) = ring_list.first() {
        place_ring(mol, first, pos, None, None);
        if let Some(p) = placed_rings.first_mut() {
            *p = true;
        }
        place_pending_rings(mol, &ring_list, &mut placed_rings, pos, None);
    }
    let start = frag
        .iter()
        .copied()
        .find(|a| get(pos, *a).is_some())
        .or_else(|| frag.first().copied());
    let Some(start) = start else { return };
    if get(pos, start).is_none() {
        set(pos, start, [0.0, 0.0]);
    }
    for &a in frag {
        if get(pos, a).is_some() {
            queue.push_back(a);
        }
    }
    let mut turn = vec![1.0f64; mol.num_atoms()];
    let mut expanded = vec![false; mol.num_atoms()];
    while let Some(u) = queue.pop_front() {
        if expanded.get(u.index()).copied().unwrap_or(true) {
            continue;
        }
        if let Some(e) = expanded.get_mut(u.index()) {
            *e = true;
        }
        let Some(pu) = get(pos, u) else { continue };
        let placed: Vec<AtomIdx> = mol
            .neighbors(u)
            .iter()
            .map(|&(x, _)| x)
            .filter(|x| get(pos, *x).is_some())
            .collect();
        let mut children: Vec<AtomIdx> = mol
            .neighbors(u)
            .iter()
            .map(|&(x, _)| x)
            .filter(|x| get(pos, *x).is_none())
            .collect();
        if children.is_empty() {
            continue;
        }
        // heavier branches first so that chains continue straight
        children.sort_by_key(|c| std::cmp::Reverse(mol.degree(*c)));
        let angles = child_angles(
            mol,
            u,
            pu,
            &placed,
            children.len(),
            pos,
            turn.get(u.index()).copied().unwrap_or(1.0),
        );
        let assignment = stereo_assignment(mol, u, &placed, &children, &angles, pu, pos);
        let mut rings_drawn: Vec<(AtomIdx, P, Vec<AtomIdx>)> = Vec::new();
        for (c, ang) in assignment {
            let pc = add(pu, scale(unit(ang), BOND_LENGTH));
            set(pos, c, pc);
            // reaching a ring draws its whole ring system, pointing away from `u`
            let drawn = place_pending_rings(
                mol,
                &ring_list,
                &mut placed_rings,
                pos,
                Some((c, sub(pc, pu))),
            );
            orient_system(mol, u, c, &drawn, pos);
            rings_drawn.push((c, pc, drawn.clone()));
            queue.extend(drawn);
            let t = -turn.get(u.index()).copied().unwrap_or(1.0);
            if let Some(slot) = turn.get_mut(c.index()) {
                *slot = t;
            }
            queue.push_back(c);
        }
        // once all of u's neighbours are drawn: a ring drawn at c may sit on the
        // wrong side of a cis/trans double bond u=c; mirror it across the bond
        for (c, pc, drawn) in rings_drawn {
            if !drawn.is_empty() && !double_bond_ok(mol, u, c, pos) {
                for a in &drawn {
                    if let Some(p) = get(pos, *a) {
                        set(pos, *a, reflect(p, pu, pc));
                    }
                }
            }
        }
    }
    resolve_collisions(mol, frag, pos);
}

/// Most atom pairs [`resolve_collisions`] looks at for one fragment.
const MAX_TIDY_WORK: usize = 4_000_000;

/// Atoms closer than this (in bond lengths) crowd each other: the drawing
/// reads them as one point or as bonded.
const CLASH: f64 = 0.6;

/// How badly the points `a` crowd the points `b`: the sum, over pairs
/// closer than [`CLASH`] bond lengths, of the squared shortfall.
fn crowding(a: &[P], b: &[P]) -> f64 {
    let limit = CLASH * BOND_LENGTH;
    let mut total = 0.0;
    for p in a {
        for q in b {
            let d = norm(sub(*p, *q));
            if d < limit {
                total += (limit - d) * (limit - d);
            }
        }
    }
    total
}

/// Chains drawn at 120° can fold back onto other atoms (an ortho
/// substituent's chain meeting the ring's other neighbour, a chain closing
/// a virtual hexagon six bonds on). Such clashes are undone the way a
/// chemist redraws them: the smaller side of a chain bond on the path
/// between the two atoms is mirrored across that bond, as long as that
/// makes the drawing less crowded. Mirroring a whole side keeps every
/// double bond's cis/trans geometry (both reference atoms of a bond are
/// mirrored, or the bond lies on the mirror line), so only bonds that are
/// themselves stereo double bonds are never used; wedges are chosen from
/// the final drawing.
fn resolve_collisions(mol: &Mol, frag: &[AtomIdx], pos: &mut [Option<P>]) {
    let limit = CLASH * BOND_LENGTH;
    // each accepted flip lowers the crowding; the work (pairs of atoms
    // looked at) is bounded all the same, so that a large molecule is
    // drawn in milliseconds, tidied as far as the bound allows
    let mut work = 0usize;
    for _ in 0..(2 * frag.len()).min(200) {
        work += frag.len() * frag.len() / 2;
        if work > MAX_TIDY_WORK {
            return;
        }
        // the most crowded pair that some flip relieves
        let mut best: Option<(f64, Vec<AtomIdx>, P, P)> = None;
        // (the few most crowded pairs: their flips relieve the others too)
        for (x, y) in clashes(frag, pos, limit).into_iter().take(8) {
            best = best_flip(mol, frag, pos, x, y, &mut work);
            if best.is_some() {
                break;
            }
        }
        let Some((_, side, pu, pc)) = best else {
            return;
        };
        for &a in &side {
            if let Some(p) = get(pos, a) {
                set(pos, a, reflect(p, pu, pc));
            }
        }
    }
}

/// The flip (crowding change, side, mirror line) on the path between `x`
/// and `y` that relieves the drawing most, if any does.
fn best_flip(
    mol: &Mol,
    frag: &[AtomIdx],
    pos: &[Option<P>],
    x: AtomIdx,
    y: AtomIdx,
    work: &mut usize,
) -> Option<(f64, Vec<AtomIdx>, P, P)> {
    let mut best: Option<(f64, Vec<AtomIdx>, P, P)> = None;
    for (u, c) in path_bonds(mol, x, y) {
        let Some(b) = mol.bond_between(u, c) else {
            continue;
        };
        let bond = mol.bond(b);
        if mol.rings().is_ring_bond(b) || bond.stereo != BondStereo::None {
            continue;
        }
        let (Some(pu), Some(pc)) = (get(pos, u), get(pos, c)) else {
            continue;
        };
        // a side moves rigidly: only its pairs with the rest change
        let side = smaller_side(mol, u, c);
        let mut on_side = vec![false; mol.num_atoms()];
        for a in &side {
            on_side.put(a.index(), true);
        }
        let rest: Vec<P> = frag
            .iter()
            .filter(|a| !on_side.at(a.index()))
            .filter_map(|&a| get(pos, a))
            .collect();
        let moved: Vec<P> = side.iter().filter_map(|&a| get(pos, a)).collect();
        let mirrored: Vec<P> = moved.iter().map(|&p| reflect(p, pu, pc)).collect();
        *work += 2 * moved.len() * rest.len() + mol.num_atoms();
        let change = crowding(&mirrored, &rest) - crowding(&moved, &rest);
        if change < -1e-9 && best.as_ref().is_none_or(|(t, ..)| change < *t) {
            best = Some((change, side, pu, pc));
        }
    }
    best
}

/// The pairs of drawn atoms closer than `limit`, most crowded first.
fn clashes(frag: &[AtomIdx], pos: &[Option<P>], limit: f64) -> Vec<(AtomIdx, AtomIdx)> {
    let mut out: Vec<(f64, AtomIdx, AtomIdx)> = Vec::new();
    for (i, &a) in frag.iter().enumerate() {
        let Some(p) = get(pos, a) else { continue };
        for &b in frag.iter().skip(i + 1) {
            let Some(q) = get(pos, b) else { continue };
            let d = norm(sub(p, q));
            if d < limit {
                out.push((d, a, b));
            }
        }
    }
    out.sort_by(|x, y| x.0.total_cmp(&y.0));
    out.into_iter().map(|(_, a, b)| (a, b)).collect()
}

/// The bonds (as atom pairs, in path order) of a shortest path from `x` to `y`.
fn path_bonds(mol: &Mol, x: AtomIdx, y: AtomIdx) -> Vec<(AtomIdx, AtomIdx)> {
    let mut parent: Vec<Option<AtomIdx>> = vec![None; mol.num_atoms()];
    let mut seen = vec![false; mol.num_atoms()];
    let mut queue = VecDeque::from([x]);
    if let Some(s) = seen.get_mut(x.index()) {
        *s = true;
    }
    while let Some(a) = queue.pop_front() {
        if a == y {
            break;
        }
        for &(n, _) in mol.neighbors(a) {
            if let Some(s) = seen.get_mut(n.index()) {
                if !*s {
                    *s = true;
                    if let Some(p) = parent.get_mut(n.index()) {
                        *p = Some(a);
                    }
                    queue.push_back(n);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut cur = y;
    while let Some(p) = parent.get(cur.index()).copied().flatten() {
        out.push((p, cur));
        cur = p;
    }
    out.reverse();
    out
}

/// The atoms on the smaller side of the chain bond `u`-`c` (a bridge: no
/// ring holds it), the side's own atom included.
fn smaller_side(mol: &Mol, u: AtomIdx, c: AtomIdx) -> Vec<AtomIdx> {
    let reach = |from: AtomIdx, block: AtomIdx| {
        let mut seen = vec![false; mol.num_atoms()];
        let mut out = vec![from];
        if let Some(s) = seen.get_mut(from.index()) {
            *s = true;
        }
        if let Some(s) = seen.get_mut(block.index()) {
            *s = true;
        }
        let mut k = 0;
        while let Some(&a) = out.get(k) {
            k += 1;
            for &(n, _) in mol.neighbors(a) {
                if let Some(s) = seen.get_mut(n.index()) {
                    if !*s {
                        *s = true;
                        out.push(n);
                    }
                }
            }
        }
        out
    };
    let (on_c, on_u) = (reach(c, u), reach(u, c));
    if on_c.len() <= on_u.len() {
        on_c
    } else {
        on_u
    }
}

/// Turns a ring system just drawn from `c` (reached from `u` through a
/// chain bond) about `c` so that the bond to `u` bisects the widest angle
/// between `c`'s bonds in the system. Its first ring already points away
/// from `u`, but rings fused on later may sit on either side; at a fusion
/// atom (three ring bonds) they can cover the bond to `u`, with `u` or its
/// other substituents on top of ring atoms.
fn orient_system(mol: &Mol, u: AtomIdx, c: AtomIdx, drawn: &[AtomIdx], pos: &mut [Option<P>]) {
    let (Some(pu), Some(pc)) = (get(pos, u), get(pos, c)) else {
        return;
    };
    let mut dirs: Vec<f64> = mol
        .neighbors(c)
        .iter()
        .filter(|&&(x, _)| drawn.contains(&x))
        .filter_map(|&(x, _)| get(pos, x))
        .map(|p| norm_angle(angle_of(sub(p, pc))))
        .collect();
    if dirs.is_empty() {
        return;
    }
    dirs.sort_by(|a, b| a.total_cmp(b));
    let (from, width) = widest_gap(&dirs);
    let turn = angle_of(sub(pu, pc)) - (from + width / 2.0);
    for &a in drawn {
        if let Some(p) = get(pos, a) {
            set(pos, a, add(pc, rotate(sub(p, pc), turn)));
        }
    }
}

fn is_linear(mol: &Mol, u: AtomIdx) -> bool {
    let mut doubles = 0;
    for &(_, b) in mol.neighbors(u) {
        match mol.bond(b).order {
            BondOrder::Triple => return true,
            BondOrder::Double => doubles += 1,
            _ => {}
        }
    }
    doubles >= 2 && mol.degree(u) == 2
}

/// Directions for `k` new neighbours of `u`.
fn child_angles(
    mol: &Mol,
    u: AtomIdx,
    pu: P,
    placed: &[AtomIdx],
    k: usize,
    pos: &[Option<P>],
    turn: f64,
) -> Vec<f64> {
    let dirs: Vec<f64> = placed
        .iter()
        .filter_map(|x| get(pos, *x))
        .map(|p| norm_angle(angle_of(sub(p, pu))))
        .collect();
    match dirs.as_slice() {
        [] => (0..k)
            .map(|i| 2.0 * PI * i as f64 / k as f64 + PI / 6.0)
            .collect(),
        [d] => {
            let back = *d;
            if k == 1 && is_linear(mol, u) {
                return vec![back + PI];
            }
            match k {
                1 => vec![back + turn * 2.0 * PI / 3.0],
                2 => vec![back + 2.0 * PI / 3.0, back - 2.0 * PI / 3.0],
                3 => vec![back + PI / 2.0, back + PI, back - PI / 2.0],
                _ => (1..=k)
                    .map(|i| back + 2.0 * PI * i as f64 / (k + 1) as f64)
                    .collect(),
            }
        }
        _ => {
            // widest gap between placed neighbours
            let mut sorted = dirs.clone();
            sorted.sort_by(|a, b| a.total_cmp(b));
            let best = widest_gap(&sorted);
            (1..=k)
                .map(|i| best.0 + best.1 * i as f64 / (k + 1) as f64)
                .collect()
        }
    }
}

/// Matches children to angles, honouring cis/trans of a double bond from `u`
/// to an already placed neighbour.
fn stereo_assignment(
    mol: &Mol,
    u: AtomIdx,
    placed: &[AtomIdx],
    children: &[AtomIdx],
    angles: &[f64],
    pu: P,
    pos: &[Option<P>],
) -> Vec<(AtomIdx, f64)> {
    let default: Vec<(AtomIdx, f64)> = children
        .iter()
        .copied()
        .zip(angles.iter().copied())
        .collect();
    for &(other, b) in mol.neighbors(u) {
        let bond = mol.bond(b);
        if bond.order != BondOrder::Double || !placed.contains(&other) {
            continue;
        }
        let (ref_u, ref_o, cis) = match bond.stereo {
            BondStereo::Cis(p, q) if bond.begin == u => (p, q, true),
            BondStereo::Cis(p, q) => (q, p, true),
            BondStereo::Trans(p, q) if bond.begin == u => (p, q, false),
            BondStereo::Trans(p, q) => (q, p, false),
            BondStereo::None => continue,
        };
        let (Some(po), Some(pref_o)) = (get(pos, other), get(pos, ref_o)) else {
            continue;
        };
        let axis = sub(pu, po);
        let side = |p: P, origin: P| {
            let v = sub(p, origin);
            axis[0] * v[1] - axis[1] * v[0]
        };
        let want_positive = (side(pref_o, po) > 0.0) == cis;
        // try each assignment order of children to angles; pick one that fits
        let mut options: Vec<Vec<(AtomIdx, f64)>> = vec![default.clone()];
        if children.len() == 2 {
            if let (Some(&c0), Some(&c1), Some(&a0), Some(&a1)) = (
                children.first(),
                children.get(1),
                angles.first(),
                angles.get(1),
            ) {
                options.push(vec![(c0, a1), (c1, a0)]);
            }
        }
        if children.len() == 1 {
            if let (Some(&c0), Some(&a0)) = (children.first(), angles.first()) {
                let back = norm_angle(angle_of(sub(po, pu)));
                let mirrored = 2.0 * back - a0;
                options.push(vec![(c0, mirrored)]);
            }
        }
        for opt in &options {
            let p_ref = if placed.contains(&ref_u) {
                get(pos, ref_u)
            } else {
                opt.iter()
                    .find(|(c, _)| *c == ref_u)
                    .map(|&(_, a)| add(pu, scale(unit(a), BOND_LENGTH)))
            };
            if let Some(pr) = p_ref {
                if (side(pr, pu) > 0.0) == want_positive {
                    return opt.clone();
                }
            }
        }
    }
    default
}

/// Mirror image of `p` across the line through `a` and `b`.
fn reflect(p: P, a: P, b: P) -> P {
    let d = sub(b, a);
    let len2 = (d[0] * d[0] + d[1] * d[1]).max(1e-12);
    let v = sub(p, a);
    let t = (v[0] * d[0] + v[1] * d[1]) / len2;
    let foot = add(a, scale(d, t));
    sub(scale(foot, 2.0), p)
}

/// Whether the stereo of the double bond between `u` and `c` (if any) is
/// realised by the current positions (true when undecidable or unspecified).
fn double_bond_ok(mol: &Mol, u: AtomIdx, c: AtomIdx, pos: &[Option<P>]) -> bool {
    let Some(b) = mol.bond_between(u, c) else {
        return true;
    };
    let bond = mol.bond(b);
    let (ra, rb, cis) = match bond.stereo {
        BondStereo::Cis(x, y) => (x, y, true),
        BondStereo::Trans(x, y) => (x, y, false),
        BondStereo::None => return true,
    };
    let (Some(pa), Some(pb), Some(qa), Some(qb)) = (
        get(pos, bond.begin),
        get(pos, bond.end),
        get(pos, ra),
        get(pos, rb),
    ) else {
        return true;
    };
    let axis = sub(pb, pa);
    let side = |q: P, o: P| {
        let v = sub(q, o);
        axis[0] * v[1] - axis[1] * v[0]
    };
    ((side(qa, pa) > 0.0) == (side(qb, pb) > 0.0)) == cis
}

/// Places every not-yet-drawn ring that touches drawn atoms, most-anchored first.
fn place_pending_rings(
    mol: &Mol,
    rings: &[&[AtomIdx]],
    done: &mut [bool],
    pos: &mut [Option<P>],
    hint: Option<(AtomIdx, P)>,
) -> Vec<AtomIdx> {
    let mut newly = Vec::new();
    loop {
        let mut best: Option<(usize, usize)> = None;
        for (i, r) in rings.iter().enumerate() {
            if done.get(i).copied().unwrap_or(true) {
                continue;
            }
            let count = r.iter().filter(|a| get(pos, **a).is_some()).count();
            if count > 0 && best.is_none_or(|(_, c)| count > c) {
                best = Some((i, count));
            }
        }
        let Some((i, _)) = best else { return newly };
        if let Some(d) = done.get_mut(i) {
            *d = true;
        }
        if let Some(r) = rings.get(i) {
            let before: Vec<bool> = r.iter().map(|a| get(pos, *a).is_some()).collect();
            // a fused ring goes on the far side of the drawn ring it shares a bond with
            let anchor: Vec<P> = rings
                .iter()
                .enumerate()
                .filter(|(j, o)| {
                    *j != i
                        && done.get(*j).copied().unwrap_or(false)
                        && o.iter().filter(|a| r.contains(a)).count() >= 2
                })
                .flat_map(|(_, o)| o.iter().filter_map(|a| get(pos, *a)))
                .collect();
            let anchor = if anchor.is_empty() {
                None
            } else {
                Some(mean(&anchor))
            };
            place_ring(mol, r, pos, hint, anchor);
            for (a, was) in r.iter().zip(before) {
                if !was && get(pos, *a).is_some() {
                    newly.push(*a);
                }
            }
        }
    }
}

/// Places a ring against atoms already placed (fused, bridged, spiro or first).
/// `hint` (atom, direction) orients a ring reached through a single atom.
fn place_ring(
    mol: &Mol,
    ring: &[AtomIdx],
    pos: &mut [Option<P>],
    hint: Option<(AtomIdx, P)>,
    anchor: Option<P>,
) {
    let n = ring.len();
    if n < 3 {
        return;
    }
    let placed: Vec<bool> = ring.iter().map(|a| get(pos, *a).is_some()).collect();
    let count = placed.iter().filter(|&&p| p).count();
    let radius = BOND_LENGTH / (2.0 * (PI / n as f64).sin());
    let step = 2.0 * PI / n as f64;
    // a macrocycle with a trans double bond cannot be a convex polygon (a
    // ring drawn against two or more drawn atoms gets its own path below)
    let shaped = if count <= 1 {
        macrocycle_outline(mol, ring)
    } else {
        None
    };
    if count == 0 {
        for (i, a) in ring.iter().enumerate() {
            let p = match &shaped {
                Some(outline) => outline.get(i).copied().unwrap_or([0.0, 0.0]),
                None => scale(unit(step * i as f64 + PI / 2.0), radius),
            };
            set(pos, *a, p);
        }
        return;
    }
    // centroid of everything placed so far decides which side is "outside"
    let all: Vec<P> = pos.iter().flatten().copied().collect();
    let centroid = anchor.unwrap_or_else(|| mean(&all));
    if count == 1 {
        let k = placed.iter().position(|&p| p).unwrap_or(0);
        let Some(shared_atom) = ring.get(k).copied() else {
            return;
        };
        let Some(shared) = get(pos, shared_atom) else {
            return;
        };
        // A spiro ring points away from the shared atom's drawn bonds (along
        // the outer bisector of the ring it already belongs to), not merely
        // away from the drawing's centre, which for a spiro atom inside a
        // fused system can lay the new ring over the old one.
        let drawn_bonds = mol
            .neighbors(shared_atom)
            .iter()
            .filter_map(|&(x, _)| get(pos, x))
            .map(|p| {
                let v = sub(p, shared);
                scale(v, 1.0 / norm(v).max(1e-9))
            })
            .fold([0.0, 0.0], add);
        let spread = norm(drawn_bonds);
        let mut out = match hint {
            Some((h, dir)) if h == shared_atom => dir,
            _ if spread > 1e-3 => scale(drawn_bonds, -1.0),
            _ => sub(shared, centroid),
        };
        let len = norm(out);
        out = if len < 1e-6 {
            [1.0, 0.0]
        } else {
            scale(out, 1.0 / len)
        };
        if let Some(outline) = &shaped {
            // the outline turned and moved so that its centre lies along
            // `out` from the shared atom, which stays where it is
            let at = outline.get(k).copied().unwrap_or([0.0, 0.0]);
            let turn = angle_of(out) - angle_of(sub([0.0, 0.0], at));
            for (i, a) in ring.iter().enumerate() {
                if get(pos, *a).is_none() {
                    let v = sub(outline.get(i).copied().unwrap_or(at), at);
                    set(pos, *a, add(shared, rotate(v, turn)));
                }
            }
            return;
        }
        let center = add(shared, scale(out, radius));
        let start = angle_of(sub(shared, center));
        for i in 0..n {
            if let Some(a) = ring.get((k + i) % n) {
                if get(pos, *a).is_none() {
                    set(
                        pos,
                        *a,
                        add(center, scale(unit(start + step * i as f64), radius)),
                    );
                }
            }
        }
        return;
    }
    // find the longest run of placed atoms (cyclically); its ends anchor the new atoms
    let mut best: Option<(usize, usize)> = None;
    for s in 0..n {
        let prev_placed = placed.get((s + n - 1) % n).copied().unwrap_or(false);
        if !placed.get(s).copied().unwrap_or(false) || (prev_placed && count < n) {
            continue;
        }
        let mut len = 0;
        while len < n && placed.get((s + len) % n).copied().unwrap_or(false) {
            len += 1;
        }
        if best.is_none_or(|(_, l)| len > l) {
            best = Some((s, len));
        }
    }
    let Some((s, len)) = best else { return };
    if len >= n {
        return;
    }
    let a = ring.get(s).and_then(|x| get(pos, *x));
    let b = ring.get((s + len - 1) % n).and_then(|x| get(pos, *x));
    let (Some(pa), Some(pb)) = (a, b) else { return };
    let m = n - len; // atoms to place, walking from b around to a
                     // polygon through b .. a with m new vertices: arc of a circle with the same bond length
    let total = m + 1; // edges from b to a through new atoms
    let chord = sub(pa, pb);
    let chord_len = norm(chord).max(1e-6);
    // regular polygon of `total + 1` sides if possible, else stretch
    let sides = (total + 1).max(3);
    let r = BOND_LENGTH / (2.0 * (PI / sides as f64).sin());
    let r = r.max(chord_len / 2.0 + 1e-6);
    let mid = scale(add(pa, pb), 0.5);
    let normal = [-chord[1] / chord_len, chord[0] / chord_len];
    let h = (r * r - (chord_len / 2.0) * (chord_len / 2.0))
        .max(0.0)
        .sqrt();
    // centre on the side away from what is already drawn
    let c1 = add(mid, scale(normal, h));
    let c2 = sub(mid, scale(normal, h));
    let d = |c: P| {
        let v = sub(c, centroid);
        v[0] * v[0] + v[1] * v[1]
    };
    let center = if d(c1) >= d(c2) { c1 } else { c2 };
    let ab = angle_of(sub(pb, center));
    let aa = angle_of(sub(pa, center));
    // go from b to a the long way round (away from the placed part)
    let mut sweep = norm_angle(aa - ab);
    let other = sweep - 2.0 * PI;
    // choose the sweep whose midpoint is farther from the centroid
    let mid_angle = |sw: f64| ab + sw / 2.0;
    let far = |sw: f64| d(add(center, scale(unit(mid_angle(sw)), r)));
    if far(other) > far(sweep) {
        sweep = other;
    }
    let mut new_atoms: Vec<P> = (1..=m)
        .map(|i| add(center, scale(unit(ab + sweep * i as f64 / total as f64), r)))
        .collect();
    // a macrocycle's trans double bond among the new atoms: a zig-zag path
    if let Some(path) = macrocycle_path(mol, ring, (s + len - 1) % n, m, (pb, pa), centroid) {
        new_atoms = path;
    }
    // A bridge (the drawn run has atoms between its ends, as in norbornane
    // or bicyclo[2.2.2]octane): the arc may lie on one of the drawn paths
    // between the bridgeheads, with their bonds on top of each other. The
    // other way is across the ring: evenly along the chord between the
    // bridgeheads, bowed slightly away from the drawn path. It is taken
    // when the arc crowds a drawn atom and it keeps the new atoms farther
    // from every drawn atom.
    let interior: Vec<P> = (1..len.saturating_sub(1))
        .filter_map(|k| ring.get((s + k) % n).and_then(|x| get(pos, *x)))
        .collect();
    if !interior.is_empty() {
        let toward_inner = sub(mean(&interior), mid);
        let sign = if toward_inner[0] * normal[0] + toward_inner[1] * normal[1] > 0.0 {
            -1.0
        } else {
            1.0
        };
        let bow = 0.2 * chord_len;
        let across: Vec<P> = (1..=m)
            .map(|i| {
                let t = i as f64 / total as f64;
                let along = add(pb, scale(sub(pa, pb), t));
                add(along, scale(normal, sign * bow * 4.0 * t * (1.0 - t)))
            })
            .collect();
        let arc_clearance = clearance(&new_atoms, pos);
        if arc_clearance < CROWDED * BOND_LENGTH && clearance(&across, pos) > arc_clearance {
            new_atoms = across;
        }
    }
    for (i, p) in (1..=m).zip(new_atoms) {
        if let Some(atom) = ring.get((s + len - 1 + i) % n) {
            if get(pos, *atom).is_none() {
                set(pos, *atom, p);
            }
        }
    }
}

/// How far the path turns at an atom of a double bond's zig-zag.
const ZIGZAG: f64 = PI / 3.0;

/// The turn at a ring atom whose sign (see [`ring_turn_signs`]) is
/// `sign`: a zig-zag either way, or `free_turn` for a free atom.
fn turn_for(sign: i32, free_turn: f64) -> f64 {
    if sign == 0 {
        free_turn
    } else {
        f64::from(sign) * ZIGZAG
    }
}

/// The points a walk from the origin, heading along x, reaches after each
/// of `steps` steps of one bond length, turning by `turn(k)` after step `k`.
fn walk(steps: usize, turn: impl Fn(usize) -> f64) -> Vec<P> {
    let mut points = Vec::with_capacity(steps);
    let mut p = [0.0, 0.0];
    let mut heading = 0.0f64;
    for k in 1..=steps {
        p = add(p, scale(unit(heading), BOND_LENGTH));
        points.push(p);
        heading += turn(k);
    }
    points
}

/// For a ring of eight or more atoms holding a double bond whose ring
/// neighbours are trans: per ring position, the sign of the turn a walk
/// round the ring takes there (+1 left, -1 right, 0 free) so that every
/// stereo double bond of the ring has its stereo (see
/// [`macrocycle_outline`]). `None` for other rings and when the bonds ask
/// for opposite turns at one atom.
fn ring_turn_signs(mol: &Mol, ring: &[AtomIdx]) -> Option<Vec<i32>> {
    let n = ring.len();
    if n < crate::stereo::MIN_RING_SIZE_FOR_DOUBLE_BOND_STEREO {
        return None;
    }
    let at = |k: usize| ring.get(k % n).copied();
    // per ring position: the sign of the path's turn there (0: free)
    let mut sign = vec![0i32; n];
    let mut any_trans = false;
    for k in 0..n {
        let (Some(a), Some(b), Some(before), Some(after)) =
            (at(k), at(k + 1), at(k + n - 1), at(k + 2))
        else {
            return None;
        };
        let bi = mol.bond_between(a, b)?;
        let bond = mol.bond(bi);
        let (ra, rb, cis) = match bond.stereo {
            BondStereo::Cis(x, y) | BondStereo::Trans(x, y) if bond.begin == a => {
                (x, y, matches!(bond.stereo, BondStereo::Cis(..)))
            }
            BondStereo::Cis(x, y) | BondStereo::Trans(x, y) => {
                (y, x, matches!(bond.stereo, BondStereo::Cis(..)))
            }
            BondStereo::None => continue,
        };
        // the reference atoms may be substituents, on the other side from
        // the ring neighbours
        let ring_cis = cis ^ (ra != before) ^ (rb != after);
        any_trans |= !ring_cis;
        let want = |first: i32| if ring_cis { first } else { -first };
        match (sign.get(k).copied(), sign.get((k + 1) % n).copied()) {
            (Some(0), Some(0)) => {
                sign.put(k, 1);
                sign.put((k + 1) % n, want(1));
            }
            (Some(x), Some(0)) => sign.put((k + 1) % n, want(x)),
            (Some(0), Some(y)) => sign.put(k, want(y)),
            (Some(x), Some(y)) if y != want(x) => return None,
            _ => {}
        }
    }
    any_trans.then_some(sign)
}

/// The outline of a ring of eight or more atoms holding a double bond
/// whose ring neighbours are trans to each other, centred on the origin,
/// one point per ring atom in ring order; `None` for other rings (a
/// regular polygon draws every ring double bond cis).
///
/// Walking round the ring, each atom turns the path left or right: a
/// double bond's ring neighbours are cis when the path turns the same way
/// at both of its atoms and trans when it turns opposite ways. Atoms of
/// stereo double bonds turn by 60° (the zig-zag of a chain), in the
/// direction their stereo asks for, and the other atoms share what is left
/// of a full turn; the small gap the walk leaves at the end is spread over
/// all atoms.
fn macrocycle_outline(mol: &Mol, ring: &[AtomIdx]) -> Option<Vec<P>> {
    let n = ring.len();
    let sign = ring_turn_signs(mol, ring)?;
    let fixed: f64 = sign.iter().map(|&x| f64::from(x) * ZIGZAG).sum();
    let free = sign.iter().filter(|&&x| x == 0).count();
    if free == 0 {
        return None;
    }
    // the free atoms turn the rest of the way round, each by less than a
    // right angle's worth beyond the zig-zag (else the outline folds)
    let free_turn = (2.0 * PI - fixed) / free as f64;
    if !(0.0..=2.0 * PI / 3.0).contains(&free_turn) {
        return None;
    }
    let mut outline = vec![[0.0, 0.0]];
    outline.extend(walk(n, |k| {
        turn_for(sign.get(k % n).copied().unwrap_or(0), free_turn)
    }));
    // close the walk: its end should be its start
    let gap = outline.pop().unwrap_or([0.0, 0.0]);
    if norm(gap) > 0.35 * BOND_LENGTH * n as f64 {
        return None;
    }
    for (k, q) in outline.iter_mut().enumerate() {
        *q = sub(*q, scale(gap, k as f64 / n as f64));
    }
    let centre = mean(&outline);
    Some(outline.into_iter().map(|q| sub(q, centre)).collect())
}

/// Positions for the `m` atoms of a macrocycle that follow ring position
/// `from` (drawn at `ends.0`) on the way round to the drawn atom at
/// `ends.1`, when the ring has a trans double bond (see
/// [`ring_turn_signs`]): the walk of [`macrocycle_outline`] over those
/// atoms (free atoms turning as in the ring's regular polygon), turned and
/// scaled onto the two drawn ends, bulging away from `away`. `None` for
/// other rings, and when the walk would have to be stretched or shrunk by
/// more than half to fit.
fn macrocycle_path(
    mol: &Mol,
    ring: &[AtomIdx],
    from: usize,
    m: usize,
    (pb, pa): (P, P),
    away: P,
) -> Option<Vec<P>> {
    let n = ring.len();
    let sign = ring_turn_signs(mol, ring)?;
    // the turn sign at each new atom, 1..=m (index 0, the drawn end, unused)
    let signs: Vec<i32> = (0..=m)
        .map(|j| sign.get((from + j) % n).copied().unwrap_or(0))
        .collect();
    let new_signs = signs.get(1..).unwrap_or(&[]);
    // the free atoms make up the turning of the regular polygon's arc over
    // these atoms, which the zig-zags leave out
    let fixed: f64 = new_signs.iter().map(|&x| f64::from(x) * ZIGZAG).sum();
    let free = new_signs.iter().filter(|&&x| x == 0).count();
    if free == 0 {
        return None;
    }
    let free_turn = (m as f64 * 2.0 * PI / n as f64 - fixed) / free as f64;
    let mut turns: Vec<f64> = signs.iter().map(|&x| turn_for(x, free_turn)).collect();
    let turn_at = |turns: &[f64], j: usize| turns.get(j).copied().unwrap_or(0.0);
    // the walk through the new atoms to the second drawn end
    let mut steps = walk(m + 1, |j| turn_at(&turns, j));
    let chord = sub(pa, pb);
    let chord_len = norm(chord);
    let fits = |end: P| {
        let end_len = norm(end);
        end_len > 1e-6 && (0.5..=1.5).contains(&(chord_len / end_len))
    };
    if !steps.last().is_some_and(|&end| fits(end)) {
        // Zig-zags bunched on one side of the ring (rifamycins' ansa chain:
        // an enol ether, then a diene) can leave the walk far from the
        // drawn end. The free atoms' turns are then corrected, as little
        // as possible (least squares, Gauss-Newton), until the walk ends
        // where the regular polygon's arc over these atoms ends.
        let free_at: Vec<bool> = signs
            .iter()
            .enumerate()
            .map(|(j, &x)| j > 0 && x == 0)
            .collect();
        let target = walk(m + 1, |_| 2.0 * PI / n as f64).last().copied()?;
        close_walk(&mut turns, &free_at, target)?;
        steps = walk(m + 1, |j| turn_at(&turns, j));
    }
    let end = steps.pop().filter(|&end| fits(end))?;
    let end_len = norm(end);
    // the similarity taking the walk's end onto the chord (as complex
    // numbers: z -> pb + z * chord / end), either way up
    let fit = |mirror: bool| -> Vec<P> {
        let flip = |z: P| if mirror { [z[0], -z[1]] } else { z };
        let e = flip(end);
        let q = [
            (chord[0] * e[0] + chord[1] * e[1]) / (end_len * end_len),
            (chord[1] * e[0] - chord[0] * e[1]) / (end_len * end_len),
        ];
        steps
            .iter()
            .map(|&z| {
                let z = flip(z);
                add(pb, [z[0] * q[0] - z[1] * q[1], z[0] * q[1] + z[1] * q[0]])
            })
            .collect()
    };
    let (plain, mirrored) = (fit(false), fit(true));
    let spread = |pts: &[P]| {
        pts.iter()
            .map(|&q| {
                let v = sub(q, away);
                v[0] * v[0] + v[1] * v[1]
            })
            .sum::<f64>()
    };
    Some(if spread(&mirrored) > spread(&plain) {
        mirrored
    } else {
        plain
    })
}

/// Corrects the turns of a [`walk`] of `turns.len()` steps (the turn after
/// step `j` is `turns[j]`) at the atoms `free` marks, least squares, so
/// that the walk ends at `target`: Gauss-Newton steps, each the smallest
/// change of the free turns that moves the end onto the target to first
/// order (turning at an atom swings the rest of the walk about it). `None`
/// when it does not converge or a free turn would pass a third of a full
/// turn either way (the path would fold).
fn close_walk(turns: &mut [f64], free: &[bool], target: P) -> Option<()> {
    let steps = turns.len();
    for _ in 0..30 {
        let points = walk(steps, |j| turns.get(j).copied().unwrap_or(0.0));
        let end = points.last().copied()?;
        let miss = sub(target, end);
        if norm(miss) < 1e-6 * BOND_LENGTH {
            return Some(());
        }
        // per free atom j (the walk's point j - 1), how the end moves per
        // radian of turn there: perpendicular to the arm from it to the end
        let arms: Vec<(usize, P)> = (1..steps)
            .filter(|&j| free.get(j).copied().unwrap_or(false))
            .filter_map(|j| {
                let arm = sub(end, *points.get(j - 1)?);
                Some((j, [-arm[1], arm[0]]))
            })
            .collect();
        let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
        for (_, g) in &arms {
            a += g[0] * g[0];
            b += g[0] * g[1];
            c += g[1] * g[1];
        }
        let det = a * c - b * b;
        if det.abs() < 1e-12 {
            return None;
        }
        let x = [
            (c * miss[0] - b * miss[1]) / det,
            (a * miss[1] - b * miss[0]) / det,
        ];
        for (j, g) in arms {
            if let Some(t) = turns.get_mut(j) {
                *t += g[0] * x[0] + g[1] * x[1];
                if t.abs() > 2.0 * PI / 3.0 {
                    return None;
                }
            }
        }
    }
    None
}

/// New ring atoms closer than this many bond lengths to a drawn atom sit
/// on its bonds: another placement is tried.
const CROWDED: f64 = 0.4;

/// The shortest distance from any of `points` to a drawn atom.
fn clearance(points: &[P], pos: &[Option<P>]) -> f64 {
    points
        .iter()
        .flat_map(|p| pos.iter().flatten().map(move |q| norm(sub(*p, *q))))
        .fold(f64::INFINITY, f64::min)
}
