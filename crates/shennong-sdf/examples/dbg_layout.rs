#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! Prints the generated 2D layout of a SMILES (debugging aid).
fn main() {
    let s = std::env::args().nth(1).unwrap();
    let mol = shennong_smiles::parse(&s).unwrap();
    let c = shennong_mol::layout::compute_2d_coords(&mol);
    for (i, p) in c.positions.iter().enumerate() {
        let nb: Vec<usize> = mol
            .neighbors(shennong_mol::AtomIdx(i as u32))
            .iter()
            .map(|x| x.0.index())
            .collect();
        println!(
            "{i} {:?} {:.3} {:.3} {:?}",
            mol.atoms()[i].chirality,
            p[0],
            p[1],
            nb
        );
    }
    println!("{:?}", shennong_sdf::write_molblock(&mol, "x").err());
}
