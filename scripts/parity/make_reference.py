#!/usr/bin/env python3
"""Write RDKit reference data for the parity suite.

For every input SMILES: whether RDKit accepts it, RDKit's canonical SMILES,
per-atom perception (aromatic, total H, charge, ring membership, ring count,
chiral tag present), ten RDKit-randomised SMILES of the molecule, RDKit's
canonical Kekulé SMILES (`kekuleSmiles=True`; empty when it cannot write one)
and whether RDKit itself writes one canonical SMILES whatever the atom order
(1 or 0, see `rdkit_invariant`; RDKit does not for some stereo cages such as
substituted adamantanes, and there the parity suite holds us to RDKit, not
to more).

Usage: make_reference.py OUT.tsv NAME=PATH[:N] ...
  PATH may be .smi, .smi.gz, .csv (column 'smiles' or 'SMILES'), .csv.gz;
  N limits the number of molecules (a deterministic sample for large files).
"""
import csv
import gzip
import random
import sys

from rdkit import Chem, rdBase

import rdkit_oracle  # also silences RDKit's warnings


def read_smiles(path, limit):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as fh:
        if ".csv" in path:
            reader = csv.DictReader(fh)
            col = next(c for c in reader.fieldnames if c.lower() == "smiles")
            rows = [r[col] for r in reader]
        else:
            rows = [line.split()[0] for line in fh if line.strip()]
    if limit and len(rows) > limit:
        rng = random.Random(20261123)
        idx = sorted(rng.sample(range(len(rows)), limit))
        rows = [rows[i] for i in idx]
    return rows


def rdkit_invariant(mol, randoms):
    """Whether RDKit's canonical SMILES is the same from every randomised
    SMILES. Checked (the given ones and 40 more, so that a rarer second
    output is seen) where two tagged atoms sit in two rings or more each:
    bridged and fused systems, such as the cages where RDKit is not always
    invariant. Elsewhere taken as yes, which holds us to invariance there."""
    ri = mol.GetRingInfo()
    tagged_junctions = sum(
        1
        for a in mol.GetAtoms()
        if ri.NumAtomRings(a.GetIdx()) >= 2 and a.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED
    )
    return tagged_junctions < 2 or rdkit_oracle.invariant(mol, randoms)


def atom_fields(mol):
    ri = mol.GetRingInfo()
    out = []
    for a in mol.GetAtoms():
        i = a.GetIdx()
        out.append("%d%d%d,%d,%d,%d" % (
            int(a.GetIsAromatic()),
            int(ri.NumAtomRings(i) > 0),
            int(a.GetChiralTag() != Chem.ChiralType.CHI_UNSPECIFIED),
            a.GetTotalNumHs(),
            a.GetFormalCharge(),
            ri.NumAtomRings(i),
        ))
    return ";".join(out)


def main():
    out_path = sys.argv[1]
    with open(out_path, "w") as out:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        for spec in sys.argv[2:]:
            name, _, rest = spec.partition("=")
            path, _, n = rest.partition(":")
            for k, smi in enumerate(read_smiles(path, int(n) if n else 0)):
                mol = Chem.MolFromSmiles(smi)
                if mol is None:
                    out.write("%s\t%d\t%s\t0\t\t\t\t\t\n" % (name, k, smi))
                    continue
                can = Chem.MolToSmiles(mol)
                rnd = []
                for seed in range(10):
                    r = Chem.MolToSmiles(mol, doRandom=True, canonical=False)
                    rnd.append(r)
                try:
                    kek = Chem.MolToSmiles(mol, kekuleSmiles=True)
                except Exception:  # no Kekulé form RDKit can write
                    kek = ""
                invariant = rdkit_invariant(mol, rnd)
                out.write("%s\t%d\t%s\t1\t%s\t%s\t%s\t%s\t%d\n" % (
                    name, k, smi, can, atom_fields(mol), " ".join(rnd), kek, int(invariant)))


if __name__ == "__main__":
    main()
