#!/usr/bin/env python3
"""SMILES sets from RDKit's source repository (not its wheel) for the wide
sweeps (sweep.py, and SD files drawn from them for sweep_sdf.py): real
molecules from sources the shared data does not cover. Outside the test
suite, because the repository is not part of a fresh clone.

  rdkit_repo_sets.py RDKIT_GIT_DIR OUT_DIR

RDKIT_GIT_DIR: a clone or mirror of rdkit/rdkit (`fetch github:rdkit/rdkit`
gives a bare repository); files are read from its HEAD with `git show`.
Writes one SMILES per line (the SMILES column of each source; comment
lines left out) to OUT_DIR/NAME.smi and prints the sweep.py arguments
for them.
"""
import gzip
import os
import subprocess
import sys

# name: (path in the repository, SMILES column (whitespace-separated), header rows)
SETS = {
    # 100,000 PubChem compounds (MolStandardize's regression input): metals,
    # salts, charges, unusual elements
    "pubchem100k": ("rdkit/Chem/MolStandardize/test_data/100kPCS_validate.csv.gz", 0, 0),
    # 50,000 ZINC natural-product-like molecules (RDKit's regression set)
    "znp50k": ("Regress/Data/znp.50k.smi.gz", 0, 0),
    # 10,000 ChEMBL 20 molecules, every one with stereocentres
    "chembl20_chiral": ("Regress/Data/chembl_20_chiral.smi.gz", 0, 0),
    # the canonicalisation test sets of RDKit's C++ tests
    "canon_long": ("Code/GraphMol/test_data/canonSmiles.long.smi", 0, 0),
    "canon": ("Code/GraphMol/test_data/canonSmiles.smi", 0, 0),
    # IUPAC stereo examples
    "compounds": ("Code/GraphMol/test_data/compounds.smi", 0, 0),
    "zinc_leads": ("Regress/Data/zinc.leads.500.q.smi", 0, 0),
    # commercial building blocks (column "Structure")
    "building_blocks": ("rdkit/Chem/test_data/buildingblocks.smi.gz", 1, 1),
    # an enumerated synthon space (Idorsia toy space)
    "idorsia_enum": ("Code/GraphMol/SynthonSpaceSearch/data/idorsia_toy_space_enum.smi", 0, 0),
}


def read_text(git_dir, path):
    data = subprocess.run(["git", "--git-dir", git_dir, "show", "HEAD:" + path],
                          check=True, capture_output=True).stdout
    if path.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    git_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    args = []
    for name, (path, column, header) in SETS.items():
        # (comment lines, as the building blocks' `# RD: ...` notes, left out)
        rows = [line.split() for line in read_text(git_dir, path).splitlines()[header:] if not line.startswith("#")]
        smiles = [row[column] for row in rows if len(row) > column]
        out = os.path.join(out_dir, name + ".smi")
        with open(out, "w") as fh:
            fh.write("".join(s + "\n" for s in smiles))
        args.append("%s=%s" % (name, out))
        print("%-16s %7d molecules  %s" % (name, len(smiles), path), file=sys.stderr)
    print(" ".join(args))


if __name__ == "__main__":
    main()
