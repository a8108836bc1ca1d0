#!/usr/bin/env python3
"""RDKit reference standardisation for the standardize parity suite: for
every molecule of the named sets, RDKit's rdMolStandardize parents as
canonical SMILES (`ERROR` where RDKit raises, `INVALID smiles` where RDKit
returns a structure that it cannot read back itself), plus SaltRemover stripping
with a salt definition file.

Columns: set, index, input SMILES, cleanup, fragment, charge, isotope,
stereo, super_no_tautomer (charge parent, then isotope and stereo parents,
then cleanup, as SuperParent does before its tautomer step), tautomer
(TautomerParent), full (TautomerParent of the ChargeParent), salts
(SaltRemover(defnFilename=SALTS).StripMol(mol, dontRemoveEverything=True)).

Tautomer columns (tautomer, full) are computed only for the sets named in
--tautomer-sets (comma-separated; default all) and are `SKIP` elsewhere:
RDKit's enumeration is slow on large peptides.

Usage: make_standardize_reference.py [--tautomer-sets A,B] OUT.tsv SALTS NAME=PATH[:N] ...
"""
import os
import sys
from multiprocessing import Pool

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem.MolStandardize import rdMolStandardize as S
from rdkit.Chem.SaltRemover import SaltRemover

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")
SALTS = None
REMOVER = None


def init(salts):
    global REMOVER
    REMOVER = SaltRemover(defnFilename=salts)


def super_no_tautomer(m):
    m = S.ChargeParent(m)
    m = S.IsotopeParent(m, skipStandardize=True)
    m = S.StereoParent(m, skipStandardize=True)
    return S.Cleanup(m)


def full(m):
    return S.TautomerParent(S.ChargeParent(m), skipStandardize=True)


STEPS = [
    ("cleanup", S.Cleanup),
    ("fragment", S.FragmentParent),
    ("charge", S.ChargeParent),
    ("isotope", S.IsotopeParent),
    ("stereo", S.StereoParent),
    ("super_no_tautomer", super_no_tautomer),
    ("tautomer", S.TautomerParent),
    ("full", full),
    ("salts", lambda m: REMOVER.StripMol(m, dontRemoveEverything=True)),
]


TAUTOMER_COLUMNS = {"tautomer", "full"}


def run(item):
    name, k, smi, with_tautomers = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    cols = []
    for col, f in STEPS:
        if col in TAUTOMER_COLUMNS and not with_tautomers:
            cols.append("SKIP")
            continue
        try:
            out = Chem.MolToSmiles(f(Chem.Mol(mol)))
            # RDKit carries on with molecules it failed to sanitise (a normalisation
            # that cannot be kekulised, say); mark output it cannot read back itself.
            cols.append(out if Chem.MolFromSmiles(out) is not None else "INVALID " + out)
        except Exception:
            cols.append("ERROR")
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "\t".join(cols))


def main():
    args = sys.argv[1:]
    tautomer_sets = None
    if args and args[0] == "--tautomer-sets":
        tautomer_sets = set(args[1].split(","))
        args = args[2:]
    out_path, salts = args[0], args[1]
    items = []
    for spec in args[2:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        with_tautomers = tautomer_sets is None or name in tautomer_sets
        items += [(name, k, smi, with_tautomers)
                  for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    with open(out_path, "w") as out, Pool(os.cpu_count(), initializer=init, initargs=(salts,)) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("#columns\tset\tindex\tsmiles\t%s\n" % "\t".join(n for n, _ in STEPS))
        for line in pool.imap(run, items, chunksize=32):
            if line is not None:
                out.write(line)


if __name__ == "__main__":
    main()
