#!/usr/bin/env python3
"""RDKit reference match counts for the SMARTS parity suite.

Patterns: RDKit's FilterCatalog definitions (data/filters/*.tsv, read with
mergeHs as FilterCatalog does) and the functional-group, fragment-descriptor
and functional-group-hierarchy SMARTS shipped in the RDKit wheel (read as
written). Writes PATTERNS.tsv (id, source, merge_hs, smarts, rdkit_ok, heavy) and
COUNTS.tsv: per molecule, the non-zero `len(GetSubstructMatches(p))`
(uniquify=True, maxMatches=1000) as `id:count` pairs.

Patterns of five or more disconnected components (e.g. seven separate
hydroxyls) take RDKit seconds per molecule; they are matched on the first
named set only and left out (no entry) elsewhere.

Usage: make_smarts_reference.py PATTERNS.tsv COUNTS.tsv NAME=PATH[:N] ...
"""
import csv
import glob
import os
import sys
from multiprocessing import Pool

import rdkit
from rdkit import Chem, RDLogger, rdBase

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(os.path.dirname(rdkit.__file__), "Data")


def patterns():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "filters", "*.tsv"))):
        src = os.path.basename(path)[:-4]
        for line in open(path):
            if line.startswith("#") or not line.strip():
                continue
            _, smarts, _ = line.rstrip("\n").split("\t")
            out.append((src, 1, smarts))
    for line in open(os.path.join(DATA, "FunctionalGroups.txt")):
        if line.startswith("//") or not line.strip():
            continue
        f = [x for x in line.strip().split("\t") if x]
        if len(f) >= 2:
            out.append(("rdkit_functional_groups", 0, f[1]))
    for line in open(os.path.join(DATA, "FragmentDescriptors.csv")):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if len(f) >= 3:
            out.append(("rdkit_fragment_descriptors", 0, f[2]))
    for line in open(os.path.join(DATA, "Functional_Group_Hierarchy.txt")):
        if line.startswith("//") or not line.strip():
            continue
        f = [x for x in line.strip().split("\t") if x]
        if len(f) >= 2:
            out.append(("rdkit_functional_group_hierarchy", 0, f[1]))
    return out


PATS = None
HEAVY = None


def init(pats):
    global PATS, HEAVY
    PATS = [Chem.MolFromSmarts(s, mergeHs=bool(m)) for _, m, s in pats]
    HEAVY = [heavy(s) for _, _, s in pats]


def heavy(smarts):
    return smarts.count(".") >= 4


def counts(item):
    name, k, smi, first = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    nz = []
    for i, p in enumerate(PATS):
        if p is None or (HEAVY[i] and not first):
            continue
        n = len(mol.GetSubstructMatches(p, uniquify=True, maxMatches=1000))
        if n:
            nz.append("%d:%d" % (i, n))
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, ",".join(nz))


def main():
    pats = patterns()
    init(pats)
    with open(sys.argv[1], "w") as fh:
        fh.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        for i, ((src, m, s), p) in enumerate(zip(pats, PATS)):
            fh.write("%d\t%s\t%d\t%s\t%d\t%d\n" % (i, src, m, s, int(p is not None), int(heavy(s))))
    items = []
    for j, spec in enumerate(sys.argv[3:]):
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi, j == 0) for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    with open(sys.argv[2], "w") as out, Pool(os.cpu_count(), initializer=init, initargs=(pats,)) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        for line in pool.imap(counts, items, chunksize=64):
            if line:
                out.write(line)


if __name__ == "__main__":
    main()
