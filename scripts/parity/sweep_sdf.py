#!/usr/bin/env python3
"""Wide SD parity sweep, outside the test suite (the SD counterpart of
sweep.py): for every record of each SD or molfile, `shennong convert` must
accept what RDKit's `MolFromMolBlock` (the SD reader's defaults) accepts,
write a canonical SMILES that RDKit reads back as RDKit's reading of the
record, and write an SD record (SDF -> SDF) that RDKit reads back as the same
molecule (RDKit canonical SMILES compared, stereo included). Records for
which RDKit itself writes two canonical SMILES (rdkit_oracle.py) are counted
apart. Records are numbered from 0 in each file; each is given its number as
its title, so the outputs can be matched whatever either tool refuses.

Usage (from the repository root, after `cargo build --release`):
  .venv/bin/python scripts/parity/sweep_sdf.py target/release/shennong FILE.sdf[.gz] ...
For example, RDKit's own test files (`fetch` rdkit/rdkit, then `git show`
the .sdf/.mol files out of it). Exits 1 when any record differs.
"""
import gzip
import os
import subprocess
import sys
import tempfile
from collections import Counter

from rdkit import Chem

import rdkit_oracle  # also silences RDKit's warnings


def records(path):
    """The records of an SD file or molfile, each ending with its `$$$$`
    line (RDKit's rule: any line that starts with `$$$$`)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", errors="replace") as fh:
        text = fh.read()
    out, current = [], []
    for line in text.splitlines(keepends=True):
        current.append(line)
        if line.startswith("$$$$"):
            out.append("".join(current))
            current = []
    if "".join(current).strip():
        out.append("".join(current) + "\n$$$$\n")
    return out


def convert(binary, recs, suffix):
    """Our output for each record (by number): canonical SMILES for `.smi`,
    RDKit's canonical SMILES of the written record for `.sdf`."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.sdf"), os.path.join(tmp, "out" + suffix)
        with open(src, "w") as fh:
            for k, rec in enumerate(recs):
                fh.write("rec%d\n%s" % (k, rec.split("\n", 1)[1] if "\n" in rec else ""))
        subprocess.run([binary, "convert", src, "-o", out, "-q"], check=False, stderr=subprocess.DEVNULL)
        # every record refused: an empty file, which RDKit's SD reader refuses to open
        if not os.path.exists(out) or os.path.getsize(out) == 0:
            return {}
        if suffix == ".smi":
            return {int(rid[3:]): smi for smi, rid in rdkit_oracle.smiles_records(out)}
        return {int(m.GetProp("_Name")[3:]): Chem.MolToSmiles(m)
                for m in Chem.SDMolSupplier(out) if m is not None}


def verdict(mol, ours_smiles, ours_sdf):
    """What one record gives: (SMILES verdict, SDF -> SDF verdict or None)."""
    if mol is None:
        return ("both refuse" if ours_smiles is None else "RDKit refuses, Shennong accepts"), None
    if ours_smiles is None:
        return "Shennong refuses, RDKit accepts", None
    ref = Chem.MolToSmiles(mol)
    same_smiles = rdkit_oracle.canonical(ours_smiles) == ref
    same_sdf = ours_sdf == ref
    if (not same_smiles or not same_sdf) and not rdkit_oracle.invariant(mol):
        return "RDKit not canonical-invariant (not compared)", None
    return ("identical" if same_smiles else "different"), ("SDF identical" if same_sdf else "SDF different")


def main():
    binary, paths = sys.argv[1], sys.argv[2:]
    failures = []
    for path in paths:
        recs = records(path)
        smiles, sdf = convert(binary, recs, ".smi"), convert(binary, recs, ".sdf")
        tally = Counter()
        for k, rec in enumerate(recs):
            block = rec.split("M  END")[0] + "M  END\n" if "M  END" in rec else ""
            mol = Chem.MolFromMolBlock(block) if block else None
            for v in verdict(mol, smiles.get(k), sdf.get(k)):
                if v is None:
                    continue
                tally[v] += 1
                if v in ("different", "SDF different", "Shennong refuses, RDKit accepts"):
                    failures.append("%s #%d: %s (RDKit %s, ours %s, SDF %s)" % (
                        os.path.basename(path), k, v, Chem.MolToSmiles(mol), smiles.get(k), sdf.get(k)))
        print("%-28s %6d records: %s" % (os.path.basename(path)[-28:], len(recs),
                                         ", ".join("%s %d" % kv for kv in sorted(tally.items()))))
    rdkit_oracle.exit_on_differences(failures, "DIFF ", "differences")


if __name__ == "__main__":
    main()
