#!/usr/bin/env python3
"""RDKit reference alerts for the filter parity suite: for every molecule of
the named sets, the FilterCatalog entries that fire, per built-in catalog
(PAINS_A/B/C, BRENK, NIH, ZINC, CHEMBL_*), as `catalog:description` joined
by `|` in catalog order.

Usage: make_filter_reference.py OUT.tsv NAME=PATH[:N] ...
"""
import os
import sys
from multiprocessing import Pool

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference import read_smiles  # noqa: E402

RDLogger.DisableLog("rdApp.*")
C = FilterCatalogParams.FilterCatalogs
CATALOGS = [("pains_a", C.PAINS_A), ("pains_b", C.PAINS_B), ("pains_c", C.PAINS_C),
            ("brenk", C.BRENK), ("nih", C.NIH), ("zinc", C.ZINC),
            ("chembl_glaxo", C.CHEMBL_Glaxo), ("chembl_dundee", C.CHEMBL_Dundee),
            ("chembl_bms", C.CHEMBL_BMS), ("chembl_mlsmr", C.CHEMBL_MLSMR),
            ("chembl_inpharmatica", C.CHEMBL_Inpharmatica), ("chembl_lint", C.CHEMBL_LINT),
            ("chembl_surechembl", C.CHEMBL_SureChEMBL)]
CATS = None


def init():
    global CATS
    CATS = []
    for name, which in CATALOGS:
        params = FilterCatalogParams()
        params.AddCatalog(which)
        CATS.append((name, FilterCatalog(params)))


def alerts(item):
    name, k, smi = item
    mol = Chem.MolFromSmiles(smi)
    if mol is None:
        return None
    hits = []
    for cat_name, cat in CATS:
        hits += ["%s:%s" % (cat_name, e.GetDescription()) for e in cat.GetMatches(mol)]
    return "%s\t%d\t%s\t%s\n" % (name, k, smi, "|".join(hits))


def main():
    items = []
    for spec in sys.argv[2:]:
        name, _, rest = spec.partition("=")
        path, _, n = rest.partition(":")
        items += [(name, k, smi) for k, smi in enumerate(read_smiles(path, int(n) if n else 0))]
    init()
    with open(sys.argv[1], "w") as out, Pool(os.cpu_count(), initializer=init) as pool:
        out.write("#rdkit\t%s\n" % rdBase.rdkitVersion)
        out.write("#sizes\t%s\n" % ",".join("%s:%d" % (n, c.GetNumEntries()) for n, c in CATS))
        for line in pool.imap(alerts, items, chunksize=64):
            if line:
                out.write(line)


if __name__ == "__main__":
    main()
