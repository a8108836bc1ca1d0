#!/usr/bin/env python3
"""SMILES -> SDF through Shennong's 2D layout must keep every molecule, stereo
included, as RDKit reads it back.

  check_layout.py prepare REFERENCE.tsv OUT.smi   (accepted molecules of the gated sets)
  check_layout.py check IN.smi SHENNONG.sdf        (compare RDKit canonical SMILES)

Molecules RDKit writes two ways (see rdkit_oracle.py) are shown, not gated.
"""
import sys

from rdkit import Chem

import rdkit_oracle  # also silences RDKit's warnings


def prepare(ref, out):
    with open(out, "w") as fh:
        for name, rec, smi in rdkit_oracle.gated_accepted(ref):
            fh.write("%s\t%s:%s\n" % (smi, name, rec))


def check(smi, sdf):
    rows = [l.rstrip("\n").split("\t") for l in open(smi)]
    by_id = {m.GetProp("_Name"): m for m in Chem.SDMolSupplier(sdf) if m is not None}
    wrong = refused = not_invariant = 0
    for s, ident in rows:
        mol = Chem.MolFromSmiles(s)
        ref = Chem.MolToSmiles(mol)
        m = by_id.get(ident)
        if m is None:
            # Shennong refused to write it (the layout could not carry its stereo): allowed, counted
            refused += 1
            continue
        got = Chem.MolToSmiles(m)
        if got != ref and not rdkit_oracle.invariant(mol):
            not_invariant += 1
            print("RDKit itself not canonical-invariant (not compared): %s %s" % (ident, s))
        elif got != ref:
            wrong += 1
            if wrong <= 30:
                print("LAYOUT DIFF %s: rdkit(input) %s rdkit(our sdf) %s" % (ident, ref, got))
    n = len(rows)
    print("SMILES -> SDF (2D layout) -> RDKit: %d molecules, %.3f%% written and identical, %.3f%% refused "
          "with a clear error (stereo the layout cannot carry), %d silently different, %d not compared "
          "(RDKit not canonical-invariant)" % (
              n, 100.0 * (n - refused - wrong - not_invariant) / max(1, n), 100.0 * refused / max(1, n), wrong,
              not_invariant))
    if wrong:
        sys.exit(1)

if __name__ == "__main__":
    {"prepare": prepare, "check": check}[sys.argv[1]](sys.argv[2], sys.argv[3])
