#!/usr/bin/env python3
"""SD files drawn by RDKit: RDKit lays out the accepted molecules of the
gated reference sets (every fourth of the zinc250k sample, all of the
others) in 2D and writes them with wedges (every fifth record as V3000);
every 60th record it embeds in 3D instead (ETKDG, fixed seed; every other
one with its hydrogens as atoms). Shennong must read each record as RDKit
reads it back. Checks the reading of stereo from 2D wedges and from 3D
coordinates, charges, isotopes, radicals and atom maps in both molfile
versions.

  check_drawn_sdf.py prepare REFERENCE.tsv OUT.sdf
  check_drawn_sdf.py check DRAWN.sdf SHENNONG.smi

Records of molecules RDKit writes two ways (rdkit_oracle.py) are listed
apart and not gated.
"""
import sys

from rdkit import Chem
from rdkit.Chem import AllChem

import rdkit_oracle  # also silences RDKit's warnings


def prepare(ref, out):
    with open(out, "w") as fh:
        for name, rec, smi in rdkit_oracle.gated_accepted(ref):
            # the zinc sample is large and plain: a quarter of it suffices
            if name.startswith("zinc") and int(rec) % 4:
                continue
            mol = Chem.MolFromSmiles(smi)
            if mol is None:
                continue
            mol.SetProp("_Name", "%s:%s" % (name, rec))
            if int(rec) % 60 == 0:
                mol = embedded(mol, keep_hs=int(rec) % 120 == 0) or mol
            try:
                block = Chem.MolToMolBlock(mol, forceV3000=int(rec) % 5 == 0)
            except Exception:  # RDKit cannot draw it: not a test input
                continue
            fh.write(block + "$$$$\n")


def embedded(mol, keep_hs):
    """`mol` with one RDKit 3D conformer, or None where embedding fails."""
    with_hs = Chem.AddHs(mol)
    if AllChem.EmbedMolecule(with_hs, randomSeed=20261203, maxAttempts=5) != 0:
        return None
    return with_hs if keep_hs else Chem.RemoveHs(with_hs)


def check(sdf, smi):
    ours = {}
    for line in open(smi):
        s, ident = line.rstrip("\n").split("\t")
        ours[ident] = s
    n = same = not_invariant = 0
    wrong = []
    for m in Chem.SDMolSupplier(sdf):
        if m is None:
            continue
        n += 1
        ident = m.GetProp("_Name")
        ref = Chem.MolToSmiles(m)
        got = ours.get(ident)
        b = Chem.MolFromSmiles(got) if got else None
        if b is not None and Chem.MolToSmiles(b) == ref:
            same += 1
        elif not rdkit_oracle.invariant(m):
            not_invariant += 1
            print("RDKit itself not canonical-invariant (not compared): %s %s" % (ident, ref))
        else:
            wrong.append("%s: rdkit %s ours %s" % (ident, ref, got))
    for w in wrong[:30]:
        print("DRAWN SDF DIFF " + w)
    print("RDKit-drawn SD records read by Shennong: %d records, %.3f%% as RDKit reads them, "
          "%d different, %d not compared (RDKit not canonical-invariant)" % (
              n, 100.0 * same / max(1, n), len(wrong), not_invariant))
    if wrong:
        sys.exit(1)


if __name__ == "__main__":
    {"prepare": prepare, "check": check}[sys.argv[1]](sys.argv[2], sys.argv[3])
