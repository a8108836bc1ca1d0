#!/usr/bin/env python3
"""Extra parity sets from the data files the pinned RDKit wheel ships, so the
suite also runs on real molecules from sources other than the shared sets:

  wehi_pains.smi     the 10,000 screening compounds of RDKit's PAINS tests
                     (Data/Pains/test_data/wehi_mols.csv, first column)
  nibr_pubchem.smi   the PubChem example molecules of the NIBR substructure
                     filters (Contrib/NIBRSubstructureFilters, columns EX1-EX5)

and the SD files it ships, listed one `NAME=PATH` per line in sd_sets.txt:
NCI's first 200 records with their data items, an EGFR ligand set, the
c-Met ligands of the Free-Wilson example and the Fastcluster CDK2 set.

Usage: rdkit_wheel_sets.py OUT_DIR
"""
import csv
import os
import sys

import rdkit

RDKIT_DIR = os.path.dirname(rdkit.__file__)
SD_FILES = [
    ("nci_first200", "Data/NCI/first_200.props.sdf"),
    ("egfr", "Contrib/PBF/testData/egfr.sdf"),
    ("cmet_ligands", "Contrib/FreeWilson/data/cmet_ligands.sdf"),
    ("cdk2_fastcluster", "Contrib/Fastcluster/testdata/cdk2.sdf"),
]


def write_smiles(path, smiles):
    with open(path, "w") as out:
        for smi in smiles:
            if smi.strip():
                out.write(smi.strip() + "\n")


def main():
    out_dir = sys.argv[1]
    with open(os.path.join(RDKIT_DIR, "Data/Pains/test_data/wehi_mols.csv"), newline="") as fh:
        write_smiles(os.path.join(out_dir, "wehi_pains.smi"), [row[0] for row in csv.reader(fh) if row])
    nibr = "Contrib/NIBRSubstructureFilters/SubstructureFilter_HitTriaging_wPubChemExamples.csv"
    with open(os.path.join(RDKIT_DIR, nibr), newline="") as fh:
        rows = list(csv.DictReader(fh))
    write_smiles(
        os.path.join(out_dir, "nibr_pubchem.smi"),
        [row.get("EX%d" % i) or "" for row in rows for i in range(1, 6)],
    )
    with open(os.path.join(out_dir, "sd_sets.txt"), "w") as out:
        for name, rel in SD_FILES:
            out.write("%s=%s\n" % (name, os.path.join(RDKIT_DIR, rel)))


if __name__ == "__main__":
    main()
