//! SMILES writer: canonical by default, with Kekulé and no-stereo options.

use shennong_mol::canon::canonical_rank_candidates;
use shennong_mol::{AtomIdx, BondIdx, BondOrder, BondStereo, Chirality, Mol, MolError};

/// How to write SMILES.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteOptions {
    /// Canonical atom order (same string whatever the input order).
    pub canonical: bool,
    /// Write Kekulé bonds instead of aromatic atoms.
    pub kekule: bool,
    /// Isomeric SMILES: tetrahedral and double-bond stereo and isotopes
    /// (with `false`, canonical output leaves out both, as RDKit's
    /// `isomericSmiles=False`).
    pub stereo: bool,
    /// Write atom map numbers.
    pub atom_maps: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            canonical: true,
            kekule: false,
            stereo: true,
            atom_maps: true,
        }
    }
}

/// Canonical SMILES with stereo.
///
/// ```
/// let a = shennong_smiles::parse("OC(=O)c1ccccc1").unwrap();
/// let b = shennong_smiles::parse("c1ccc(cc1)C(O)=O").unwrap();
/// assert_eq!(shennong_smiles::to_smiles(&a), shennong_smiles::to_smiles(&b));
/// ```
pub fn to_smiles(mol: &Mol) -> String {
    write_smiles(mol, &WriteOptions::default()).unwrap_or_default()
}

/// SMILES with the given options. Fails only if a Kekulé form is requested and none exists.
///
/// Canonical SMILES are RDKit's canonical SMILES (`Chem.MolToSmiles`, with
/// `isomericSmiles` = `options.stereo` and `kekuleSmiles` = `options.kekule`),
/// the same string to the byte, so that keys made by either tool join. The
/// few molecules RDKit's writer treats in ways we do not reproduce
/// (non-tetrahedral stereo) get our own canonical form.
pub fn write_smiles(mol: &Mol, options: &WriteOptions) -> Result<String, MolError> {
    // every writer walks the whole molecule, which is rarely in cache
    mol.prefetch();
    if options.canonical {
        let unmapped;
        let source = if !options.atom_maps && mol.atoms().iter().any(|a| a.map_num != 0) {
            unmapped = mol.without_atom_maps();
            &unmapped
        } else {
            mol
        };
        if let Some(s) = crate::rdkit::rdkit_smiles(source, options.stereo, options.kekule) {
            return Ok(s);
        }
    }
    own_smiles(mol, options)
}

/// Our own writer: non-canonical output, and the canonical fallback.
fn own_smiles(mol: &Mol, options: &WriteOptions) -> Result<String, MolError> {
    let kek;
    let mol = if options.kekule {
        kek = mol.kekulized()?;
        &kek
    } else {
        mol
    };
    let n = mol.num_atoms();
    let candidates: Vec<Vec<u32>> = if options.canonical {
        canonical_rank_candidates(mol, options.stereo)
    } else {
        vec![(0..n as u32).collect()]
    };
    let write = |ranks: &[u32]| {
        let tree = build_tree(mol, ranks);
        let dirs = if options.stereo {
            assign_directions(mol, &tree)
        } else {
            vec![None; mol.num_bonds()]
        };
        emit(mol, &tree, &dirs, options)
    };
    Ok(candidates
        .iter()
        .map(|r| write(r))
        .min()
        .unwrap_or_default())
}

/// Per-atom lists in one buffer: atom `a` owns `items[start[a]..start[a + 1]]`.
struct Flat<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T: Copy> Flat<T> {
    /// Groups `(owner, item)` pairs by owner, keeping their order within an owner.
    fn group(n: usize, pairs: &[(usize, T)]) -> Flat<T> {
        let mut start = vec![0usize; n + 1];
        for &(o, _) in pairs {
            if let Some(c) = start.get_mut(o + 1) {
                *c += 1;
            }
        }
        for i in 0..n {
            let prev = start.get(i).copied().unwrap_or(0);
            if let Some(c) = start.get_mut(i + 1) {
                *c += prev;
            }
        }
        let mut fill = start.clone();
        let mut items: Vec<Option<T>> = vec![None; pairs.len()];
        for &(o, x) in pairs {
            if let Some(pos) = fill.get_mut(o) {
                if let Some(slot) = items.get_mut(*pos) {
                    *slot = Some(x);
                }
                *pos += 1;
            }
        }
        Flat {
            start,
            items: items.into_iter().flatten().collect(),
        }
    }

    fn empty() -> Flat<T> {
        Flat {
            start: Vec::new(),
            items: Vec::new(),
        }
    }

    fn get(&self, a: usize) -> &[T] {
        let (s, e) = (
            self.start.get(a).copied().unwrap_or(0),
            self.start.get(a + 1).copied().unwrap_or(0),
        );
        self.items.get(s..e).unwrap_or(&[])
    }
}

struct Tree {
    /// Atoms in output order.
    order: Vec<AtomIdx>,
    /// Position of each atom in `order`.
    position: Vec<usize>,
    parent_bond: Vec<Option<BondIdx>>,
    children: Flat<AtomIdx>,
    /// Ring bonds opened at an atom: (partner, bond), in closing order.
    opens: Flat<(AtomIdx, BondIdx)>,
    /// Ring bonds closed at an atom: (partner, bond).
    closes: Flat<(AtomIdx, BondIdx)>,
    /// Fragment starts.
    roots: Vec<AtomIdx>,
    /// For each ring bond, the atom where it opens.
    ring_open_atom: Vec<Option<AtomIdx>>,
}

/// Atom and the position of the next neighbour to visit.
type DfsFrame = (AtomIdx, usize);

fn build_tree(mol: &Mol, ranks: &[u32]) -> Tree {
    let n = mol.num_atoms();
    let mut t = Tree {
        order: Vec::with_capacity(n),
        position: vec![usize::MAX; n],
        parent_bond: vec![None; n],
        // filled once the traversal is complete
        children: Flat::empty(),
        opens: Flat::empty(),
        closes: Flat::empty(),
        roots: Vec::new(),
        ring_open_atom: vec![None; mol.num_bonds()],
    };
    let rank = |a: AtomIdx| ranks.get(a.index()).copied().unwrap_or(u32::MAX);
    let mut by_rank: Vec<AtomIdx> = mol.atom_indices().collect();
    by_rank.sort_by_key(|&a| rank(a));
    // every atom's neighbours sorted by rank, in one buffer
    let mut nbr_pairs: Vec<(usize, (AtomIdx, BondIdx))> = Vec::with_capacity(2 * mol.num_bonds());
    for a in mol.atom_indices() {
        let first = nbr_pairs.len();
        nbr_pairs.extend(mol.neighbors(a).iter().map(|&nb| (a.index(), nb)));
        if let Some(slice) = nbr_pairs.get_mut(first..) {
            slice.sort_by_key(|&(_, (x, _))| rank(x));
        }
    }
    let sorted_nbrs = Flat::group(n, &nbr_pairs);
    let mut child_pairs: Vec<(usize, AtomIdx)> = Vec::with_capacity(n);
    let mut visited = vec![false; n];
    let mut bond_done = vec![false; mol.num_bonds()];
    let mut pending_close: Vec<(AtomIdx, AtomIdx, BondIdx)> = Vec::new();
    for &root in &by_rank {
        if visited.get(root.index()).copied().unwrap_or(true) {
            continue;
        }
        t.roots.push(root);
        let mut stack: Vec<DfsFrame> = Vec::new();
        let visit = |a: AtomIdx, t: &mut Tree, visited: &mut Vec<bool>| {
            if let Some(v) = visited.get_mut(a.index()) {
                *v = true;
            }
            if let Some(p) = t.position.get_mut(a.index()) {
                *p = t.order.len();
            }
            t.order.push(a);
        };
        visit(root, &mut t, &mut visited);
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let a = top.0;
            let Some(&(x, b)) = sorted_nbrs.get(a.index()).get(top.1) else {
                stack.pop();
                continue;
            };
            top.1 += 1;
            if bond_done.get(b.index()).copied().unwrap_or(true) {
                continue;
            }
            if let Some(d) = bond_done.get_mut(b.index()) {
                *d = true;
            }
            if visited.get(x.index()).copied().unwrap_or(true) {
                // back edge to an ancestor: opens at x, closes at a
                pending_close.push((x, a, b));
                if let Some(o) = t.ring_open_atom.get_mut(b.index()) {
                    *o = Some(x);
                }
            } else {
                if let Some(p) = t.parent_bond.get_mut(x.index()) {
                    *p = Some(b);
                }
                child_pairs.push((a.index(), x));
                visit(x, &mut t, &mut visited);
                stack.push((x, 0));
            }
        }
    }
    // ring bonds: openings sorted by the position of the closing atom
    pending_close
        .sort_by_key(|&(_, c, _)| t.position.get(c.index()).copied().unwrap_or(usize::MAX));
    let open_pairs: Vec<(usize, (AtomIdx, BondIdx))> = pending_close
        .iter()
        .map(|&(o, c, b)| (o.index(), (c, b)))
        .collect();
    let close_pairs: Vec<(usize, (AtomIdx, BondIdx))> = pending_close
        .iter()
        .map(|&(o, c, b)| (c.index(), (o, b)))
        .collect();
    t.opens = Flat::group(n, &open_pairs);
    t.closes = Flat::group(n, &close_pairs);
    t.children = Flat::group(n, &child_pairs);
    t
}

/// The written direction (from, to) of a bond.
fn written_ends(mol: &Mol, t: &Tree, b: BondIdx) -> (AtomIdx, AtomIdx) {
    let bond = mol.bond(b);
    if let Some(Some(o)) = t.ring_open_atom.get(b.index()) {
        return (*o, bond.other(*o));
    }
    let pb = |a: AtomIdx| t.parent_bond.get(a.index()).copied().flatten();
    if pb(bond.end) == Some(b) {
        (bond.begin, bond.end)
    } else {
        (bond.end, bond.begin)
    }
}

/// `Some(true)` = write `/` in the written direction of the bond.
fn assign_directions(mol: &Mol, t: &Tree) -> Vec<Option<bool>> {
    let mut dirs: Vec<Option<bool>> = vec![None; mol.num_bonds()];
    let pos = |a: AtomIdx| t.position.get(a.index()).copied().unwrap_or(usize::MAX);
    let mut stereo_bonds: Vec<BondIdx> = (0..mol.num_bonds() as u32)
        .map(BondIdx)
        .filter(|&b| mol.bond(b).stereo != BondStereo::None)
        .collect();
    stereo_bonds.sort_by_key(|&b| {
        let bd = mol.bond(b);
        pos(bd.begin).min(pos(bd.end))
    });
    // up(R relative to X) from a written direction
    let up_of = |dirs: &[Option<bool>], b: BondIdx, x: AtomIdx| -> Option<bool> {
        let slash = dirs.get(b.index()).copied().flatten()?;
        let (from, _) = written_ends(mol, t, b);
        Some(if from == x { slash } else { !slash })
    };
    let slash_for = |b: BondIdx, x: AtomIdx, up: bool| -> bool {
        let (from, _) = written_ends(mol, t, b);
        if from == x {
            up
        } else {
            !up
        }
    };
    for b in stereo_bonds {
        let bond = *mol.bond(b);
        let (ra, rb, cis) = match bond.stereo {
            BondStereo::Cis(p, q) => (p, q, true),
            BondStereo::Trans(p, q) => (p, q, false),
            BondStereo::None => continue,
        };
        // Every single/aromatic bond around the double bond gets a mark, so
        // that conjugated neighbours sharing a bond stay consistent. Each entry
        // is (bond, end atom, substituent, whether it is up when the free bit is true).
        let mut marks: Vec<(BondIdx, AtomIdx, AtomIdx, bool)> = Vec::new();
        for (end, other, reference, ref_up) in [
            (bond.begin, bond.end, ra, true),
            (bond.end, bond.begin, rb, cis),
        ] {
            for &(nb, nbb) in mol.neighbors(end) {
                if nb == other
                    || !matches!(mol.bond(nbb).order, BondOrder::Single | BondOrder::Aromatic)
                {
                    continue;
                }
                let up = if nb == reference { ref_up } else { !ref_up };
                marks.push((nbb, end, nb, up));
            }
        }
        if marks.is_empty() {
            continue;
        }
        // The free bit is fixed by any existing mark; otherwise the mark on
        // the first-written substituent is '/'.
        let mut bit: Option<bool> = None;
        let mut conflict = false;
        for &(nbb, end, _, up) in &marks {
            if let Some(actual) = up_of(&dirs, nbb, end) {
                let implied = actual == up;
                match bit {
                    None => bit = Some(implied),
                    Some(x) if x != implied => conflict = true,
                    _ => {}
                }
            }
        }
        if conflict {
            continue;
        }
        let bit = bit.unwrap_or_else(|| {
            marks
                .iter()
                .min_by_key(|&&(_, _, nb, _)| pos(nb))
                // choose the bit that makes this bond's written char '/'
                .map(|&(nbb, end, _, up)| slash_for(nbb, end, up))
                .unwrap_or(true)
        });
        for &(nbb, end, _, up) in &marks {
            if dirs.get(nbb.index()).copied().flatten().is_none() {
                if let Some(d) = dirs.get_mut(nbb.index()) {
                    *d = Some(slash_for(nbb, end, up == bit));
                }
            }
        }
    }
    dirs
}

fn write_ring_label(out: &mut String, num: usize) {
    use std::fmt::Write as _;
    let _ = if num < 10 {
        write!(out, "{num}")
    } else if num < 100 {
        write!(out, "%{num}")
    } else {
        write!(out, "%({num})")
    };
}

fn bond_text(
    mol: &Mol,
    b: BondIdx,
    from: AtomIdx,
    dir: Option<bool>,
    kekule: bool,
) -> &'static str {
    let bond = mol.bond(b);
    if let Some(slash) = dir {
        return if slash { "/" } else { "\\" };
    }
    let to = bond.other(from);
    let both_arom = !kekule && mol.atom(from).aromatic && mol.atom(to).aromatic;
    match bond.order {
        BondOrder::Single => {
            if both_arom {
                "-"
            } else {
                ""
            }
        }
        BondOrder::Aromatic => {
            if both_arom {
                ""
            } else {
                ":"
            }
        }
        BondOrder::Double => "=",
        BondOrder::Triple => "#",
        BondOrder::Quadruple => "$",
        BondOrder::Dative => {
            if bond.begin == from {
                "->"
            } else {
                "<-"
            }
        }
        BondOrder::Zero => "~",
    }
}

/// Appends the atom's SMILES text to `out`: a bare organic-subset symbol when
/// a reader would restore everything from it, a bracket atom otherwise.
fn write_atom(
    out: &mut String,
    mol: &Mol,
    a: AtomIdx,
    written: &[Option<AtomIdx>],
    ring_closures: usize,
    options: &WriteOptions,
) {
    use std::fmt::Write as _;
    let atom = mol.atom(a);
    let z = atom.atomic_num;
    let symbol = crate::rdkit::written_symbol(atom, !options.kekule);
    let push_symbol = |out: &mut String| out.push_str(symbol);
    let chir = if options.stereo {
        chirality_text(mol, a, written, ring_closures)
    } else {
        "".into()
    };
    let organic = z == 0 || shennong_mol::element::in_organic_subset(z);
    let map = if options.atom_maps { atom.map_num } else { 0 };
    let bare_ok = organic
        && atom.isotope == 0
        && atom.formal_charge == 0
        && map == 0
        && chir.is_empty()
        && atom.radical_electrons == 0
        && (z == 0 && atom.total_hs() == 0 || z != 0 && mol.default_hs(a) == Some(atom.total_hs()))
        && !crate::rdkit::bonded_to_metal(mol, a);
    if bare_ok {
        push_symbol(out);
        return;
    }
    out.push('[');
    if atom.isotope > 0 {
        let _ = write!(out, "{}", atom.isotope);
    }
    push_symbol(out);
    out.push_str(&chir);
    push_bracket_tail(out, atom.total_hs(), atom.formal_charge, map);
}

/// The end of a bracket atom after its symbol and stereo: hydrogens
/// (`H`, `H2`), charge (`+`, `+2`, `-`, `-2`), map number, `]`.
pub(crate) fn push_bracket_tail(out: &mut String, hydrogens: u8, charge: i8, map: u32) {
    use std::fmt::Write as _;
    match hydrogens {
        0 => {}
        1 => out.push('H'),
        h => {
            let _ = write!(out, "H{h}");
        }
    }
    match charge {
        0 => {}
        1 => out.push('+'),
        -1 => out.push('-'),
        c if c > 0 => {
            let _ = write!(out, "+{c}");
        }
        c => {
            let _ = write!(out, "{c}");
        }
    }
    if map > 0 {
        let _ = write!(out, ":{map}");
    }
    out.push(']');
}

/// `written` is the output neighbour order, with `None` for the implicit H / lone pair.
fn chirality_text(
    mol: &Mol,
    a: AtomIdx,
    written: &[Option<AtomIdx>],
    ring_closures: usize,
) -> std::borrow::Cow<'static, str> {
    let atom = mol.atom(a);
    match atom.chirality {
        Chirality::None => "".into(),
        Chirality::Other { class, permutation } => {
            let c = class.smiles_code();
            if permutation == 0 {
                return format!("@{c}").into();
            }
            // the permutation number is relative to the neighbour order, so it
            // is re-expressed for the order in which neighbours are written
            // missing ligands last, as the parser stores them
            let missing = shennong_mol::nontetrahedral::missing_ligands(class, mol.degree(a));
            let internal: Vec<Option<AtomIdx>> = mol
                .neighbors(a)
                .iter()
                .map(|&(n, _)| Some(n))
                .chain(std::iter::repeat_n(None, missing))
                .collect();
            let p = shennong_mol::nontetrahedral::reorder(class, permutation, &internal, written)
                .unwrap_or(permutation);
            format!("@{c}{p}").into()
        }
        tag => {
            // parity of the written neighbour order against the stored one
            // (implicit H or lone pair last), without allocating
            let nbrs = mol.neighbors(a);
            let len = if nbrs.len() == 3 { 4 } else { nbrs.len() };
            if len != written.len() {
                return "".into();
            }
            let internal = |k: usize| nbrs.get(k).map(|&(n, _)| n);
            let mut perm = [0usize; 4];
            for (slot, k) in perm.iter_mut().zip(0..len) {
                match written.iter().position(|w| *w == internal(k)) {
                    Some(p) => *slot = p,
                    None => return "".into(),
                }
            }
            let mut odd = false;
            for i in 0..len {
                for j in (i + 1)..len {
                    if perm.get(i) > perm.get(j) {
                        odd = !odd;
                    }
                }
            }
            let unsaturated = nbrs
                .iter()
                .any(|&(_, b)| mol.bond(b).order.valence_x2(true) > 2 || mol.bond(b).aromatic);
            if crate::rdkit_ring_closure_inversion(
                nbrs.len(),
                atom.total_hs(),
                unsaturated,
                ring_closures,
            ) {
                odd = !odd;
            }
            let t = if odd { tag.inverted() } else { tag };
            if t == Chirality::CounterClockwise {
                "@".into()
            } else {
                "@@".into()
            }
        }
    }
}

enum Step {
    Atom(AtomIdx),
    Open,
    Close,
    Dot,
}

fn emit(mol: &Mol, t: &Tree, dirs: &[Option<bool>], options: &WriteOptions) -> String {
    let mut out = String::with_capacity(mol.num_atoms() * 2);
    let mut digit_of_bond: Vec<usize> = vec![0; mol.num_bonds()];
    let mut in_use: Vec<bool> = Vec::new();
    let mut steps: Vec<Step> = Vec::new();
    let mut written: Vec<Option<AtomIdx>> = Vec::with_capacity(8);
    for (k, &root) in t.roots.iter().enumerate().rev() {
        steps.push(Step::Atom(root));
        if k > 0 {
            steps.push(Step::Dot);
        }
    }
    while let Some(step) = steps.pop() {
        match step {
            Step::Dot => out.push('.'),
            Step::Open => out.push('('),
            Step::Close => out.push(')'),
            Step::Atom(a) => {
                let parent_bond = t.parent_bond.get(a.index()).copied().flatten();
                let parent = parent_bond.map(|b| mol.bond(b).other(a));
                if let (Some(b), Some(p)) = (parent_bond, parent) {
                    out.push_str(bond_text(
                        mol,
                        b,
                        p,
                        dirs.get(b.index()).copied().flatten(),
                        options.kekule,
                    ));
                }
                // neighbour order as written
                written.clear();
                if let Some(p) = parent {
                    written.push(Some(p));
                }
                let atom = mol.atom(a);
                let three_coordinate = mol.degree(a) == 3 && atom.chirality.is_tetrahedral();
                // a bracket H follows the preceding atom; a lone pair counts last
                if three_coordinate && atom.total_hs() == 1 {
                    written.push(None);
                }
                // @SP/@TB/@OH: every missing ligand (hydrogens included) is
                // read right after the preceding atom, or first on an atom
                // that starts the SMILES (see the parser's fix_other_stereo)
                if let Chirality::Other { class, .. } = atom.chirality {
                    let missing =
                        shennong_mol::nontetrahedral::missing_ligands(class, mol.degree(a));
                    written.extend(std::iter::repeat_n(None, missing));
                }
                let closes = t.closes.get(a.index());
                let opens = t.opens.get(a.index());
                for &(p, _) in closes {
                    written.push(Some(p));
                }
                for &(p, _) in opens {
                    written.push(Some(p));
                }
                let children = t.children.get(a.index());
                for &c in children {
                    written.push(Some(c));
                }
                if three_coordinate && atom.total_hs() == 0 {
                    written.push(None);
                }
                write_atom(
                    &mut out,
                    mol,
                    a,
                    &written,
                    closes.len() + opens.len(),
                    options,
                );
                for &(_, b) in closes {
                    let d = digit_of_bond.get(b.index()).copied().unwrap_or(0);
                    write_ring_label(&mut out, d);
                    if let Some(u) = in_use.get_mut(d) {
                        *u = false;
                    }
                }
                for &(_, b) in opens {
                    let d = (1..)
                        .find(|&d| !in_use.get(d).copied().unwrap_or(false))
                        .unwrap_or(1);
                    if in_use.len() <= d {
                        in_use.resize(d + 1, false);
                    }
                    if let Some(u) = in_use.get_mut(d) {
                        *u = true;
                    }
                    if let Some(x) = digit_of_bond.get_mut(b.index()) {
                        *x = d;
                    }
                    out.push_str(bond_text(
                        mol,
                        b,
                        a,
                        dirs.get(b.index()).copied().flatten(),
                        options.kekule,
                    ));
                    write_ring_label(&mut out, d);
                }
                if let Some((&last, rest)) = children.split_last() {
                    steps.push(Step::Atom(last));
                    for &c in rest.iter().rev() {
                        steps.push(Step::Close);
                        steps.push(Step::Atom(c));
                        steps.push(Step::Open);
                    }
                }
            }
        }
    }
    out
}
