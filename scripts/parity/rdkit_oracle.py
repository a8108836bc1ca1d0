"""What the oracle itself does: RDKit's canonical SMILES, and whether RDKit
writes one canonical SMILES for a molecule whatever its atom order. It does
not for some stereo cages (substituted adamantanes, diazaadamantanes with an
N centre); there Shennong follows RDKit's input-dependent output, and the
parity checks do not hold it to more than the oracle."""
import sys

from rdkit import Chem, RDLogger

# the checks print their own findings; RDKit's warnings would bury them
RDLogger.DisableLog("rdApp.*")


def canonical(smi):
    mol = Chem.MolFromSmiles(smi)
    return None if mol is None else Chem.MolToSmiles(mol)


def invariant(mol, randoms=(), extra=40):
    """Whether RDKit's canonical SMILES of `mol` is the same from each of
    `randoms` (randomised SMILES of it) and `extra` more."""
    can = Chem.MolToSmiles(mol)
    more = [Chem.MolToSmiles(mol, doRandom=True, canonical=False) for _ in range(extra)]
    return all(canonical(r) == can for r in list(randoms) + more)


def gated_accepted(reference):
    """(set, record, SMILES) of every molecule RDKit accepted in the gated
    sets (not `informational*`) of a reference written by make_reference.py."""
    for line in open(reference):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if f[0].startswith("informational") or f[3] != "1":
            continue
        yield f[0], f[1], f[2]


def smiles_records(path):
    """(SMILES, id) of each line of a `SMILES<TAB>id` file, as our `.smi`
    output and the prepared inputs are written."""
    with open(path) as f:
        for line in f.read().splitlines():
            smi, _, rid = line.partition("\t")
            yield smi, rid


def exit_on_differences(differences, prefix, what):
    """Prints the first 50 `differences` (each after `prefix`) and, if there
    are any, their count as `what` and exits with status 1."""
    for d in differences[:50]:
        print(prefix + d)
    if differences:
        print("%d %s" % (len(differences), what))
        sys.exit(1)
