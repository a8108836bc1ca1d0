#!/usr/bin/env python3
"""Wide parity sweep, outside the test suite (it reads whole data sets and
takes minutes): for every molecule of each set, `shennong convert` must accept
what RDKit accepts, refuse what RDKit refuses, and write a canonical SMILES
that RDKit reads back as the input molecule (RDKit's canonical SMILES of both
equal, stereo included). Molecules for which RDKit itself writes two
canonical SMILES (rdkit_oracle.py) are counted apart.

With --forms, each set is also swept as RDKit writes its molecules in four
other forms, all in random atom order (RDKit's `doRandom`, which its seed
does not make repeatable): Kekulé (aromaticity perceived from Kekulé
structures), with hydrogen atoms (hydrogen removal and the stereo marks on
their bonds), with every bond written (`-` and `:`), and with every atom
in brackets with its hydrogen count (`allHsExplicit`).

With --writers, each set is also written with the other writer options
(`--no-canonical` and `--kekule`: RDKit must read the output back as the
input; `--no-stereo`: the output must be RDKit's `isomericSmiles=False`
string to the byte).

Usage (from the repository root, after `cargo build --release`):
  .venv/bin/python scripts/parity/sweep.py [--forms] [--writers] target/release/shennong NAME=PATH[:N] ...
PATH: .smi, .csv (column 'smiles' or 'SMILES'), optionally .gz; N limits the
set to a deterministic sample of N molecules. For example, the shared sets
in full:
  .venv/bin/python scripts/parity/sweep.py target/release/shennong \\
      zinc250k=../shared/data/zinc250k.smi.gz moses=../shared/data/moses_train.csv.gz:300000
Exits 1 when any molecule differs.
"""
import os
import subprocess
import sys
import tempfile
from collections import Counter
from multiprocessing import Pool

from rdkit import Chem

import rdkit_oracle  # also silences RDKit's warnings
from make_reference import read_smiles


def compare(job):
    record, smi, ours, option = job
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return "both refuse" if ours is None else "RDKit refuses, Shennong accepts"
    if ours is None:
        return "Shennong refuses, RDKit accepts"
    if option == "--no-stereo":
        # the string RDKit writes without stereo, to the byte
        if ours == Chem.MolToSmiles(mol, isomericSmiles=False):
            return "identical"
    else:
        if rdkit_oracle.canonical(ours) == Chem.MolToSmiles(mol):
            return "identical"
    if not rdkit_oracle.invariant(mol):
        return "RDKit not canonical-invariant (not compared)"
    return "different"


def other_forms(smiles):
    """The molecules RDKit accepts, as RDKit writes them in the four forms
    of --forms (see the header), by form name."""
    forms = {"kekule": [], "hs": [], "bonds": [], "brackets": []}
    for smi in smiles:
        mol = Chem.MolFromSmiles(smi)
        if mol is None:
            continue
        try:
            kek = Chem.Mol(mol)
            Chem.Kekulize(kek, clearAromaticFlags=True)
            forms["kekule"].append(Chem.MolToSmiles(kek, kekuleSmiles=True, doRandom=True))
        except Exception:  # no Kekulé form RDKit can write
            pass
        forms["hs"].append(Chem.MolToSmiles(Chem.AddHs(mol), doRandom=True))
        forms["bonds"].append(Chem.MolToSmiles(mol, allBondsExplicit=True, doRandom=True))
        forms["brackets"].append(Chem.MolToSmiles(mol, allHsExplicit=True, doRandom=True))
    return forms


def sweep(binary, name, smiles, workers, option=None):
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in.smi"), os.path.join(tmp, "out.smi")
        with open(src, "w") as fh:
            for k, smi in enumerate(smiles):
                fh.write("%s\t%d\n" % (smi, k))
        command = [binary, "convert", src, "-o", out, "-q"] + ([option] if option else [])
        subprocess.run(command, check=False, stderr=subprocess.DEVNULL)
        ours = {int(ident): smi for smi, ident in rdkit_oracle.smiles_records(out)}
    jobs = [(k, smi, ours.get(k), option) for k, smi in enumerate(smiles)]
    tally = Counter()
    examples = []
    with Pool(workers) as pool:
        for job, verdict in zip(jobs, pool.imap(compare, jobs, chunksize=500)):
            tally[verdict] += 1
            if verdict in ("different", "RDKit refuses, Shennong accepts", "Shennong refuses, RDKit accepts"):
                examples.append("%s #%d: %s -> %s (%s)" % (name, job[0], job[1], job[2], verdict))
    print("%-14s %8d molecules: %s" % (name, len(jobs), ", ".join("%s %d" % kv for kv in sorted(tally.items()))))
    return examples


def main():
    args = sys.argv[1:]
    forms = "--forms" in args
    writers = "--writers" in args
    args = [a for a in args if a not in ("--forms", "--writers")]
    binary = args[0]
    workers = os.cpu_count() or 1
    failures = []
    for spec in args[1:]:
        name, _, rest = spec.partition("=")
        # a limit is a trailing :N (paths may hold no other colon)
        path, _, n = rest.rpartition(":") if rest.rsplit(":", 1)[-1].isdigit() else (rest, "", "")
        smiles = read_smiles(path, int(n) if n else 0)
        sets = [(name, smiles)]
        if forms:
            sets += [("%s_%s" % (name, form), written) for form, written in other_forms(smiles).items()]
        for set_name, set_smiles in sets:
            failures += sweep(binary, set_name, set_smiles, workers)
            if writers:
                for option in ("--no-canonical", "--kekule", "--no-stereo"):
                    label = "%s%s" % (set_name, option.replace("--", "_"))
                    failures += sweep(binary, label, set_smiles, workers, option)
    rdkit_oracle.exit_on_differences(failures, "DIFF ", "differences")


if __name__ == "__main__":
    main()
