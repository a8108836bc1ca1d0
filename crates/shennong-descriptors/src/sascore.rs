//! Synthetic accessibility score (Ertl & Schuffenhauer, J. Cheminform. 2009,
//! 1, 8) as RDKit's `Contrib/SA_Score/sascorer.py` computes it: the mean
//! fragment contribution of the molecule's Morgan radius-2 environments
//! (table converted from RDKit's `fpscores.pkl.gz`), minus size, stereo,
//! spiro, bridgehead and macrocycle penalties, scaled to 1 (easy) – 10 (hard).

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::OnceLock;

use crate::context::MolContext;

const TABLE_GZ: &[u8] = include_bytes!("../data/sa_fragment_scores.tsv.gz");

/// Identifier → contribution, sorted by identifier.
fn fragment_scores() -> &'static [(u32, f64)] {
    static T: OnceLock<Vec<(u32, f64)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut text = String::new();
        if flate2::read::GzDecoder::new(TABLE_GZ)
            .read_to_string(&mut text)
            .is_err()
        {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(710_000);
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((score, ids)) = line.split_once('\t') else {
                continue;
            };
            let Ok(score) = score.parse::<f64>() else {
                continue;
            };
            out.extend(
                ids.split(' ')
                    .filter_map(|id| id.parse::<u32>().ok())
                    .map(|id| (id, score)),
            );
        }
        out.sort_unstable_by_key(|&(id, _)| id);
        out
    })
}

fn fragment_score(id: u32) -> f64 {
    let table = fragment_scores();
    match table.binary_search_by_key(&id, |&(i, _)| i) {
        Ok(pos) => table.get(pos).map_or(-4.0, |&(_, s)| s),
        Err(_) => -4.0,
    }
}

/// RDKit's `CalcNumSpiroAtoms`: atoms shared by exactly one atom between two rings.
pub(crate) fn spiro_atoms(ctx: &MolContext) -> usize {
    let rings = ctx.mol.rings().atom_rings();
    let mut atoms = Vec::new();
    for (i, ri) in rings.iter().enumerate() {
        for rj in rings.iter().skip(i + 1) {
            let shared: Vec<_> = ri.iter().filter(|a| rj.contains(a)).collect();
            if let [only] = shared.as_slice() {
                if !atoms.contains(*only) {
                    atoms.push(**only);
                }
            }
        }
    }
    atoms.len()
}

/// RDKit's `CalcNumBridgeheadAtoms`: for two rings sharing more than one
/// bond, the atoms at the ends of the shared path.
pub(crate) fn bridgehead_atoms(ctx: &MolContext) -> usize {
    let mol = ctx.mol;
    let rings = mol.rings().bond_rings();
    let mut atoms: Vec<usize> = Vec::new();
    let mut counts = vec![0u32; mol.num_atoms()];
    for (i, ri) in rings.iter().enumerate() {
        for rj in rings.iter().skip(i + 1) {
            let shared: Vec<_> = ri.iter().filter(|b| rj.contains(b)).collect();
            if shared.len() <= 1 {
                continue;
            }
            counts.fill(0);
            for b in shared {
                let bond = mol.bond(*b);
                for a in [bond.begin.index(), bond.end.index()] {
                    if let Some(c) = counts.get_mut(a) {
                        *c += 1;
                    }
                }
            }
            for (a, &c) in counts.iter().enumerate() {
                if c == 1 && !atoms.contains(&a) {
                    atoms.push(a);
                }
            }
        }
    }
    atoms.len()
}

/// The SA score, or NaN for an empty molecule (RDKit returns None).
pub(crate) fn sa_score(ctx: &MolContext) -> f64 {
    let mol = ctx.mol;
    let n_atoms = mol.num_atoms();
    if n_atoms == 0 {
        return f64::NAN;
    }
    // sorted by fragment id, as RDKit's GetNonzeroElements, so that the
    // float sum is the same in every run
    let mut counts: BTreeMap<u32, u32> = BTreeMap::new();
    for e in ctx.morgan_environments(2) {
        *counts.entry(e.id).or_insert(0) += 1;
    }
    let mut score1 = 0.0;
    let mut nf = 0u32;
    for (&id, &c) in &counts {
        nf += c;
        score1 += fragment_score(id) * f64::from(c);
    }
    score1 /= f64::from(nf.max(1));
    let chiral = mol.possible_stereocenters().map_or(0, |v| v.len());
    let bridgeheads = bridgehead_atoms(ctx);
    let spiro = spiro_atoms(ctx);
    let macrocycles = mol
        .rings()
        .atom_rings()
        .iter()
        .filter(|r| r.len() > 8)
        .count();
    let n = n_atoms as f64;
    let size_penalty = n.powf(1.005) - n;
    let stereo_penalty = (chiral as f64 + 1.0).log10();
    let spiro_penalty = (spiro as f64 + 1.0).log10();
    let bridge_penalty = (bridgeheads as f64 + 1.0).log10();
    let macrocycle_penalty = if macrocycles > 0 { 2f64.log10() } else { 0.0 };
    let score2 =
        0.0 - size_penalty - stereo_penalty - spiro_penalty - bridge_penalty - macrocycle_penalty;
    let num_bits = counts.len();
    let score3 = if n_atoms > num_bits {
        (n / num_bits as f64).ln() * 0.5
    } else {
        0.0
    };
    let raw = score1 + score2 + score3;
    let (min, max) = (-4.0, 2.5);
    let mut sa = 11.0 - (raw - min + 1.0) / (max - min) * 9.0;
    if sa > 8.0 {
        sa = 8.0 + (sa + 1.0 - 9.0).ln();
    }
    sa.clamp(1.0, 10.0)
}

/// Distinct unfolded Morgan identifiers up to `radius` per heavy atom
/// (RDKit's `FpDensityMorgan1..3`).
pub(crate) fn fp_density_morgan(ctx: &MolContext, radius: u32) -> f64 {
    let mol = ctx.mol;
    let heavy = mol.atoms().iter().filter(|a| a.atomic_num > 1).count();
    if heavy == 0 {
        return 0.0;
    }
    let mut ids: Vec<u32> = ctx.morgan_environments(radius).map(|e| e.id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() as f64 / heavy as f64
}
