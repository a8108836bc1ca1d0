#!/usr/bin/env python3
"""Deterministic annotated variants of real molecules, written by RDKit, for
parity on what real files carry beyond plain drug-like SMILES: isotopes
(including those above 255), atom-map numbers up to 99,999, formal charges,
radicals, explicit hydrogen counts, unusual elements, tetrahedral tags on
arbitrary atoms (most are not centres and must be dropped as RDKit drops
them) and enumerated stereoisomers. Each variant is written in a random atom
order, some in Kekulé form. RDKit itself decides, in the reference step,
whether a variant is a valid molecule.

Usage: make_variants.py IN.smi N OUT.smi
"""
import random
import sys

from rdkit import Chem, RDLogger
from rdkit.Chem.EnumerateStereoisomers import EnumerateStereoisomers, StereoEnumerationOptions

RDLogger.DisableLog("rdApp.*")

ELEMENTS = [3, 5, 9, 11, 12, 14, 15, 16, 17, 19, 26, 29, 30, 33, 34, 35, 52, 53, 78, 92]
TAGS = [Chem.ChiralType.CHI_TETRAHEDRAL_CW, Chem.ChiralType.CHI_TETRAHEDRAL_CCW]


def variant(mol, rng):
    rw = Chem.RWMol(mol)
    kind = rng.randrange(7)
    atoms = list(rw.GetAtoms())
    if kind == 0:
        options = StereoEnumerationOptions(onlyUnassigned=False, maxIsomers=4, tryEmbedding=False, unique=True)
        isomers = list(EnumerateStereoisomers(mol, options=options))
        if isomers:
            rw = Chem.RWMol(rng.choice(isomers))
    elif kind == 1:
        for a in atoms:
            if rng.random() < 0.1:
                a.SetFormalCharge(rng.choice([-2, -1, 1, 2]))
    elif kind == 2:
        for a in atoms:
            if rng.random() < 0.08:
                a.SetAtomicNum(rng.choice(ELEMENTS))
    elif kind == 3:
        for a in atoms:
            if rng.random() < 0.15:
                a.SetNoImplicit(True)
                a.SetNumExplicitHs(rng.randint(0, 3))
    elif kind == 4:
        for a in atoms:
            r = rng.random()
            if r < 0.05:
                a.SetNumRadicalElectrons(rng.randint(1, 2))
            elif r < 0.2:
                a.SetIsotope(rng.choice([rng.randint(1, 999), rng.randint(250, 300)]))
    elif kind == 5:
        for a in atoms:
            if rng.random() < 0.2:
                a.SetAtomMapNum(rng.choice([rng.randint(1, 9), rng.randint(1, 99999)]))
    else:
        for a in atoms:
            if rng.random() < 0.2:
                a.SetChiralTag(rng.choice(TAGS))
    # RDKit's writer seeds its random order from this global generator
    Chem.rdBase.SeedRandomNumberGenerator(rng.randrange(1 << 30))
    return Chem.MolToSmiles(rw, doRandom=True, canonical=False, kekuleSmiles=rng.random() < 0.3)


def main():
    src = [line.split()[0] for line in open(sys.argv[1]) if line.strip()]
    n = int(sys.argv[2])
    rng = random.Random(20261203)
    out = []
    while len(out) < n:
        mol = Chem.MolFromSmiles(rng.choice(src))
        if mol is None:
            continue
        try:
            smi = variant(mol, rng)
        except Exception:  # RDKit cannot write this variant: not a test input
            continue
        if smi and not any(c.isspace() for c in smi):
            out.append(smi)
    with open(sys.argv[3], "w") as fh:
        fh.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
