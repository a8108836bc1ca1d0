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

Usage: make_standardize_reference.py OUT.tsv SALTS NAME=PATH[:N] ...
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


def run(item):
    name, k, smi = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    cols = []
    for _, f in STEPS:
        try:
            out = Chem.MolToSmiles(f(Chem.Mol(mol)))
            # RDKit carries on with molecules it failed to sanitise (a normalisation
            # that cannot be kekulised, say); mark output it cannot read back itself.
            cols.append(out if Chem.MolFromSmiles(out) is not None else "INVALID " + out)
        except Exception:
            cols.append("ERROR")
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "\t".join(cols))


def main():
    out_path, salts = sys.argv[1], sys.argv[2]
    items = []
    for spec in sys.argv[3:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi) for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    with open(out_path, "w") as out, Pool(os.cpu_count(), initializer=init, initargs=(salts,)) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("#columns\tset\tindex\tsmiles\t%s\n" % "\t".join(n for n, _ in STEPS))
        for line in pool.imap(run, items, chunksize=32):
            if line is not None:
                out.write(line)


if __name__ == "__main__":
    main()
