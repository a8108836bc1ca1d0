#!/usr/bin/env python3
"""Round-trip fidelity: RDKit's canonical SMILES of Shennong's output must
equal RDKit's canonical SMILES of the input, stereo included.

Usage: check_roundtrip.py OURS.tsv [KNOWN.tsv]
OURS.tsv rows: set, record, input SMILES, Shennong canonical SMILES.
Prints per-set figures; exits 1 on any difference not listed in KNOWN.tsv,
except where RDKit itself writes more than one canonical SMILES for the
molecule (then the strings cannot be compared; counted and shown).
"""
import sys
from collections import defaultdict

from rdkit import Chem, rdBase

import rdkit_oracle  # also silences RDKit's warnings


def main():
    known = set()
    if len(sys.argv) > 2:
        for line in open(sys.argv[2]):
            if line.strip() and not line.startswith("#"):
                known.add(line.split("\t")[0])
    totals = defaultdict(int)
    same = defaultdict(int)
    failures = []
    not_invariant = []
    for line in open(sys.argv[1]):
        name, _rec, smi, ours = line.rstrip("\n").split("\t")
        totals[name] += 1
        a = Chem.MolFromSmiles(smi)
        b = Chem.MolFromSmiles(ours)
        ca = Chem.MolToSmiles(a) if a is not None else None
        cb = Chem.MolToSmiles(b) if b is not None else None
        if ca is not None and ca == cb:
            same[name] += 1
        elif name.startswith("informational"):
            continue  # measured, not gated (mutated SMILES; see the parity test output)
        elif a is not None and not rdkit_oracle.invariant(a):
            not_invariant.append("%s\t%s\t%s" % (name, smi, ours))
        elif smi not in known:
            failures.append("%s\t%s\t%s\trdkit(ours)=%s\trdkit(input)=%s" % (name, smi, ours, cb, ca))
    print("Round-trip fidelity against RDKit %s:" % rdBase.rdkitVersion)
    for name in sorted(totals):
        print("  %-16s %7d molecules  %8.3f%% identical" % (name, totals[name], 100.0 * same[name] / totals[name]))
    for f in not_invariant:
        print("RDKit itself not canonical-invariant (not compared): " + f)
    rdkit_oracle.exit_on_differences(failures, "ROUND-TRIP DIFF: ", "round-trip differences")


if __name__ == "__main__":
    main()
