//! Normalisation: functional groups drawn in several ways are brought to one
//! form by reaction transforms applied until none matches (RDKit
//! `MolStandardize::Normalizer`, in-place variant used by `cleanup`).

use shennong_mol::{sanitize, Mol, SanitizeOptions};

use crate::error::Result;
use crate::transform::Transform;

/// RDKit 2026.09's default normalisations (`normalizations.in`, BSD), in
/// order: name and `reactant>>product` SMARTS. The order matters: after any
/// transform fires, the list is tried again from the top.
pub const DEFAULT_NORMALIZATIONS: &[(&str, &str)] = &[
    ("Nitro to N+(O-)=O", "[N,P,As,Sb;X3:1](=[O,S,Se,Te:2])=[O,S,Se,Te:3]>>[*+1:1]([*-1:2])=[*:3]"),
    ("Sulfone to S(=O)(=O)", "[S+2:1]([O-:2])([O-:3])>>[S+0:1](=[O-0:2])(=[O-0:3])"),
    ("Pyridine oxide to n+O-", "[nH0+0:1]=[OH0+0:2]>>[n+:1][O-:2]"),
    ("Azide to N=N+=N-", "[*:1][N:2]=[N:3]#[N:4]>>[*:1][N:2]=[N+:3]=[N-:4]"),
    ("Diazo/azo to =N+=N-", "[*:1]=[N:2]#[N:3]>>[*:1]=[N+:2]=[N-:3]"),
    ("Sulfoxide to -S+(O-)-", "[!O:1][S+0;X3:2](=[O:3])[!O:4]>>[*:1][S+1:2]([O-:3])[*:4]"),
    ("Phosphate to P(O-)=O", "[O,S,Se,Te;-1:1][P+;D4:2][O,S,Se,Te;-1:3]>>[*+0:1]=[P+0;D5:2][*-1:3]"),
    ("C/S+N to C/S=N+", "[C,S&!$([S+]-[O-]);X3+1:1]([NX3:2])[NX3!H0:3]>>[*+0:1]([N:2])=[N+:3]"),
    ("P+N to P=N+", "[P;X4+1:1]([NX3:2])[NX3!H0:3]>>[*+0:1]([N:2])=[N+:3]"),
    (
        "Normalize hydrazine-diazonium",
        "[CX4:1][NX3H:2]-[NX3H:3][CX4:4][NX2+:5]#[NX1:6]>>[CX4:1][NH0:2]=[NH+:3][C:4][N+0:5]=[NH:6]",
    ),
    (
        "Recombine 1,3-separated charges",
        "[N,P,As,Sb,O,S,Se,Te;-1:1]-[A+0:2]=[N,P,As,Sb,O,S,Se,Te;+1:3]>>[*-0:1]=[*:2]-[*+0:3]",
    ),
    ("Recombine 1,3-separated charges", "[n,o,p,s;-1:1]:[a:2]=[N,O,P,S;+1:3]>>[*-0:1]:[*:2]-[*+0:3]"),
    ("Recombine 1,3-separated charges", "[N,O,P,S;-1:1]-[a+0:2]:[n,o,p,s;+1:3]>>[*-0:1]=[*:2]:[*+0:3]"),
    (
        "Recombine 1,5-separated charges",
        "[N,P,As,Sb,O,S,Se,Te;-1:1]-[A+0:2]=[A:3]-[A:4]=[N,P,As,Sb,O,S,Se,Te;+1:5]>>[*-0:1]=[*:2]-[*:3]=[*:4]-[*+0:5]",
    ),
    (
        "Recombine 1,5-separated charges",
        "[n,o,p,s;-1:1]:[a:2]:[a:3]:[c:4]=[N,O,P,S;+1:5]>>[*-0:1]:[*:2]:[*:3]:[c:4]-[*+0:5]",
    ),
    (
        "Recombine 1,5-separated charges",
        "[N,O,P,S;-1:1]-[c:2]:[a:3]:[a:4]:[n,o,p,s;+1:5]>>[*-0:1]=[c:2]:[*:3]:[*:4]:[*+0:5]",
    ),
    (
        "Normalize 1,3 conjugated cation",
        "[N,O!$(*N);+0!H0:1]-[A:2]=[N!$(*~[N,O,P,S;-1]),O;+1H0:3]>>[*+1:1]=[*:2]-[*+0:3]",
    ),
    (
        "Normalize 1,3 conjugated cation",
        "[n;+0!H0:1]:[c:2]=[N!$(*~[N,O,P,S;-1]),O;+1H0:3]>>[*+1:1]:[*:2]-[*+0:3]",
    ),
    (
        "Normalize 1,5 conjugated cation",
        "[N,O!$(*N);+0!H0:1]-[A:2]=[A:3]-[A:4]=[N!$(*~[N,O,P,S;-1]),O;+1H0:5]>>[*+1:1]=[*:2]-[*:3]=[*:4]-[*+0:5]",
    ),
    (
        "Normalize 1,5 conjugated cation",
        "[n;+0!H0:1]:[a:2]:[a:3]:[c:4]=[N!$(*~[N,O,P,S;-1]),O;+1H0:5]>>[n+1:1]:[*:2]:[*:3]:[*:4]-[*+0:5]",
    ),
    ("Charge normalization", "[F,Cl,Br,I,At;-1:1]=[O:2]>>[*-0:1][O-:2]"),
    ("Charge recombination", "[N,P,As,Sb;-1:1]=[C+;v3:2]>>[*+0:1]#[C+0:2]"),
];

/// Most rounds of "apply the first transform that fires" (RDKit's `MAX_RESTARTS`).
pub const MAX_RESTARTS: usize = 200;

/// An ordered list of normalisation transforms.
#[derive(Debug, Clone)]
pub struct Normalizer {
    transforms: Vec<Transform>,
}

impl Normalizer {
    /// RDKit's default transforms.
    pub fn rdkit_default() -> Result<Normalizer> {
        Normalizer::from_pairs(
            DEFAULT_NORMALIZATIONS.iter().copied(),
            "built-in normalizations",
        )
    }

    /// Transforms from `(name, reactant>>product)` pairs.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        origin: &str,
    ) -> Result<Normalizer> {
        let transforms = pairs
            .into_iter()
            .enumerate()
            .map(|(i, (name, smirks))| Transform::parse(name, smirks, origin, i + 1))
            .collect::<Result<Vec<_>>>()?;
        Ok(Normalizer { transforms })
    }

    /// Applies the transforms until none fires (at most [`MAX_RESTARTS`]
    /// rounds). After each edit the molecule is perceived again without
    /// RDKit's hypervalent clean-up; an edit whose result cannot be perceived
    /// ends normalisation with the molecule as it was before that edit (RDKit
    /// would carry the unperceivable molecule on).
    pub fn normalize(&self, mol: &Mol) -> Mol {
        let mut current = mol.clone();
        'rounds: for _ in 0..MAX_RESTARTS {
            for t in &self.transforms {
                let Some(edited) = t.apply(&current) else {
                    continue;
                };
                match sanitize(edited, &reperceive()) {
                    Ok(m) => {
                        current = m;
                        continue 'rounds;
                    }
                    Err(_) => return current,
                }
            }
            return current;
        }
        current
    }
}

/// Perception after an edit: RDKit's `SANITIZE_ALL ^ SANITIZE_CLEANUP`.
pub(crate) fn reperceive() -> SanitizeOptions {
    SanitizeOptions {
        remove_hydrogens: false,
        cleanup: false,
        clean_stereo: true,
        ..SanitizeOptions::default()
    }
}

/// Perceives an edited molecule again ([`reperceive`]), reporting failure
/// as a [`StandardizeError::Perception`] of `step`.
pub(crate) fn reperceived(b: shennong_mol::MolBuilder, step: &'static str) -> Result<Mol> {
    sanitize(b, &reperceive())
        .map_err(|source| crate::error::StandardizeError::Perception { step, source })
}
