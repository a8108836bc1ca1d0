#!/usr/bin/env python3
"""RDKit reference descriptors for the descriptor parity suite.

Columns: set, index, smiles, then every descriptor Shennong implements under
RDKit's name (`rdkit.Chem.Descriptors.descList`), `SAscore` (RDKit
Contrib/SA_Score/sascorer.py, shipped in the wheel) and the rule flags
`Lipinski` (at most one of MolWt > 500, MolLogP > 5, NHOHCount > 5,
NOCount > 10) and `Veber` (NumRotatableBonds <= 10 and TPSA <= 140), computed
from RDKit's own values. Floats are written with repr (round-trip exact);
a descriptor that raises is written as `error`.

Usage: make_desc_reference.py NAMES.txt OUT.tsv NAME=PATH[:N] ...
NAMES.txt: one descriptor name per line (the set Shennong implements).
"""
import os
import sys
from multiprocessing import Pool

from rdkit import Chem, RDConfig, RDLogger, rdBase
from rdkit.Chem import Descriptors

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(RDConfig.RDContribDir, "SA_Score"))
from make_reference import read_smiles  # noqa: E402
import sascorer  # noqa: E402

RDLogger.DisableLog("rdApp.*")
FNS = dict(Descriptors.descList)
NAMES = None


def init(names):
    global NAMES
    NAMES = names


def fmt(v):
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float) or type(v).__name__.startswith("float"):
        return repr(float(v))
    return str(v)


def row(item):
    name, k, smi = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    vals = {}
    for n in NAMES:
        try:
            if n == "SAscore":
                v = sascorer.calculateScore(mol)
            elif n == "Lipinski":
                v = int(sum([FNS["MolWt"](mol) > 500, FNS["MolLogP"](mol) > 5,
                             FNS["NHOHCount"](mol) > 5, FNS["NOCount"](mol) > 10]) <= 1)
            elif n == "Veber":
                v = int(FNS["NumRotatableBonds"](mol) <= 10 and FNS["TPSA"](mol) <= 140)
            else:
                v = FNS[n](mol)
            vals[n] = fmt(v)
        except Exception:
            vals[n] = "error"
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "\t".join(vals[n] for n in NAMES))


def main():
    names = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith("#")]
    missing = [n for n in names if n not in FNS and n not in ("SAscore", "Lipinski", "Veber")]
    if missing:
        sys.exit("not RDKit descriptors: %s" % ", ".join(missing))
    items = []
    for spec in sys.argv[3:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi) for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    with open(sys.argv[2], "w") as out, Pool(os.cpu_count(), initializer=init, initargs=(names,)) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("set\tindex\tsmiles\t%s\n" % "\t".join(names))
        for line in pool.imap(row, items, chunksize=64):
            if line:
                out.write(line)


if __name__ == "__main__":
    main()
