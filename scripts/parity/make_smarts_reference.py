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

Two savings keep this step affordable on a 2-core CI machine (it was the
longest reference step, ~25 min): a SMARTS listed by several catalogs is
matched once; and, as RDKit's SubstructLibrary does, a pair is matched only
when every bit of the query's `PatternFingerprint` is set in the molecule's
(RDKit's screen: a true match never fails it). The screen is audited: every
AUDIT_EVERY-th molecule is matched against every pattern regardless, and a
pattern caught with a match the screen would have skipped is re-matched
unscreened on every molecule (reported on stderr). With RDKit 2026.09.1 the
screened counts equal the unscreened ones on all the shared sets.

Usage: make_smarts_reference.py PATTERNS.tsv COUNTS.tsv NAME=PATH[:N] ...
"""
import csv
import glob
import os
import sys
from multiprocessing import Pool

import rdkit
from rdkit import Chem, DataStructs, RDLogger, rdBase

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


AUDIT_EVERY = 25

PATS = None
HEAVY = None
QFP = None
# DISTINCT[i]: the index of the first pattern with the same SMARTS and merge flag.
DISTINCT = None


def fp_int(mol):
    return int(DataStructs.BitVectToText(Chem.PatternFingerprint(mol)), 2)


def init(pats):
    global PATS, HEAVY, QFP, DISTINCT
    PATS = [Chem.MolFromSmarts(s, mergeHs=bool(m)) for _, m, s in pats]
    HEAVY = [heavy(s) for _, _, s in pats]
    QFP = [fp_int(p) if p is not None else None for p in PATS]
    first = {}
    DISTINCT = [first.setdefault((m, s), i) for i, (_, m, s) in enumerate(pats)]


def heavy(smarts):
    return smarts.count(".") >= 4


def count(mol, i):
    return len(mol.GetSubstructMatches(PATS[i], uniquify=True, maxMatches=1000))


def counts(item):
    """(name, k, smi, {pattern: count}, patterns the screen wrongly skipped)."""
    name, k, smi, first, serial = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    mfp = fp_int(mol)
    audit = serial % AUDIT_EVERY == 0
    found, missed = {}, []
    for i, p in enumerate(PATS):
        if p is None or (HEAVY[i] and not first) or DISTINCT[i] != i:
            continue
        q = QFP[i]
        passes = q & mfp == q
        if passes or audit:
            n = count(mol, i)
            if n:
                found[i] = n
                if not passes:
                    missed.append(i)
    return name, k, smi, found, missed


def recount(item_and_patterns):
    item, patterns = item_and_patterns
    mol = Chem.MolFromSmiles(item[2])
    return {i: n for i in patterns for n in [count(mol, i)] if n} if mol else {}


def line(name, k, smi, found):
    # Duplicated patterns get the count of their first occurrence.
    nz = ["%d:%d" % (i, found[DISTINCT[i]]) for i in range(len(PATS)) if DISTINCT[i] in found]
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
    items = [item + (serial,) for serial, item in enumerate(items)]
    with Pool(os.cpu_count(), initializer=init, initargs=(pats,)) as pool:
        rows = [r for r in pool.imap(counts, items, chunksize=64) if r]
        missed = sorted({i for r in rows for i in r[4]})
        if missed:
            # The screen skipped a true match: match these patterns on every molecule.
            print("pattern-fingerprint screen missed matches of patterns %s; "
                  "re-matching them unscreened" % missed, file=sys.stderr)
            redo = [(item, [i for i in missed if not (HEAVY[i] and not item[3])]) for item in items]
            fixed = {(item[0], item[1]): f for (item, _), f in zip(redo, pool.imap(recount, redo, chunksize=64))}
            for r in rows:
                for i in missed:
                    r[3].pop(i, None)
                r[3].update(fixed.get((r[0], r[1]), {}))
    with open(sys.argv[2], "w") as out:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        for name, k, smi, found, _ in rows:
            out.write(line(name, k, smi, found))


if __name__ == "__main__":
    main()
