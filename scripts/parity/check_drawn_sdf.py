#!/usr/bin/env python3
"""SD files drawn by RDKit: RDKit lays out the accepted molecules of the
gated reference sets (every fourth of the zinc250k sample, all of the
others) in 2D and writes them with wedges (every fifth record as V3000);
Shennong must read each record as RDKit reads it back. Checks the
reading of 2D stereo from wedges, charges, isotopes, radicals and atom maps
in both molfile versions.

  check_drawn_sdf.py prepare REFERENCE.tsv OUT.sdf
  check_drawn_sdf.py check DRAWN.sdf SHENNONG.smi

Where RDKit itself writes more than one canonical SMILES for a molecule, the
strings cannot be compared; such records are counted and shown, not gated.
"""
import sys

from rdkit import Chem, RDLogger

import rdkit_oracle

RDLogger.DisableLog("rdApp.*")


def prepare(ref, out):
    with open(out, "w") as fh:
        for line in open(ref):
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if f[0].startswith("informational") or f[3] != "1":
                continue
            # the zinc sample is large and plain: a quarter of it suffices
            if f[0].startswith("zinc") and int(f[1]) % 4:
                continue
            mol = Chem.MolFromSmiles(f[2])
            if mol is None:
                continue
            mol.SetProp("_Name", "%s:%s" % (f[0], f[1]))
            try:
                block = Chem.MolToMolBlock(mol, forceV3000=int(f[1]) % 5 == 0)
            except Exception:  # RDKit cannot draw it: not a test input
                continue
            fh.write(block + "$$$$\n")


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
