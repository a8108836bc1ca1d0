"""RDKit parity of non-tetrahedral stereo (@SP, @TB, @OH) through our SMILES
reader and writer.

    check_nontetrahedral.py prepare OUT.smi [N]
        writes N (default 3,000) deterministic random metal complexes, then the
        real complexes of crates/shennong-smiles/tests/data/rdkit_inorganic_stereo.smi
    check_nontetrahedral.py check IN.smi OURS.smi
        OURS.smi is `shennong convert IN.smi -o OURS.smi`; we must accept
        exactly the molecules RDKit reads, and RDKit must read our SMILES as
        the same stereoisomer as the input

The random complexes put distinct ligands on a metal in a random written
order, some through ring-closure digits (right after the metal or after one
of its branches), some through dative bonds, sometimes with a ligand missing
or a bracket hydrogen in its place, and with the metal first or second. That
is where readings differ: RDKit counts ring-closure neighbours at the atom's
own place wherever the digit stands, and missing ligands first (at the start
of the SMILES) or right after the preceding atom.

"The same stereoisomer" is judged by RDKit's canonical SMILES. RDKit's
canonical output for these classes can depend on the input order when
ligands tie, so a molecule passes when RDKit's canonical SMILES of our output
is one of those RDKit writes for the input over 200 random atom orders.
"""

import random
import sys
from pathlib import Path

from rdkit import Chem

import rdkit_oracle  # (importing it silences RDKit's log)

REAL = Path(__file__).resolve().parents[2] / "crates/shennong-smiles/tests/data/rdkit_inorganic_stereo.smi"

# (ligand as written after the metal, written ending in its bonded atom,
# whether it is a neutral donor bonded by a dative arrow towards the metal)
LIGANDS = [
    ("F", "F", False), ("Cl", "Cl", False), ("Br", "Br", False), ("I", "I", False),
    ("C", "C", False), ("N", "N", False), ("O", "O", False), ("S", "S", False),
    ("CC", "CC", False), ("C#N", "N#C", False), ("OC", "CO", False),
    ("NC", "CN", False), ("SC", "CS", False), ("P", "P", False), ("[Si]", "[Si]", False),
    ("[NH3]", "[NH3]", True), ("[OH2]", "[OH2]", True), ("N#CC", "CC#N", True),
    ("[PH3]", "[PH3]", True),
]
CLASSES = [("SP", 3, 4), ("TB", 20, 5), ("OH", 30, 6)]
METALS = ["Pt", "Co", "Fe", "Ni", "Ru", "Pd", "Rh", "Ir"]


def random_complex(rng):
    cls, perms, size = rng.choice(CLASSES)
    count = size if rng.random() < 0.75 else size - rng.choice([1, 1, 2])
    kinds = rng.sample(LIGANDS, count)
    hs = size - count if rng.random() < 0.4 else 0
    h = "" if hs == 0 else ("H" if hs == 1 else f"H{hs}")
    metal = f"[{rng.choice(METALS)}@{cls}{rng.randint(1, perms)}{h}]"
    lead = ""
    if rng.random() < 0.5:
        _, ending, donor = kinds.pop(0)
        lead = f"{ending}->" if donor else ending
    body, tail, ring = "", [], 1
    for i, (text, ending, donor) in enumerate(kinds):
        if rng.random() < 0.35:
            # a ring-closure digit right after the metal or after a branch
            digit = str(ring) if ring < 10 else f"%{ring}"
            ring += 1
            body = digit + body if rng.random() < 0.5 else body + digit
            tail.append(f"{ending}->{digit}" if donor else f"{ending}{digit}")
        elif i == len(kinds) - 1:
            body += f"<-{text}" if donor else text
        else:
            body += f"(<-{text})" if donor else f"({text})"
    return lead + metal + body + "".join("." + t for t in tail)


def prepare(out, n):
    rng = random.Random(20261203)
    lines = []
    while len(lines) < n:
        smi = random_complex(rng)
        if Chem.MolFromSmiles(smi) is not None:
            lines.append(f"{smi}\trandom_{len(lines) + 1}")
    for k, line in enumerate(REAL.read_text().splitlines()):
        fields = line.split()
        if fields:
            lines.append(f"{fields[0]}\trdkit_inorganic_{k + 1}")
    Path(out).write_text("".join(l + "\n" for l in lines))
    print(f"{len(lines)} complexes written to {out}")


def rdkit_canonical_set(mol, tries=200):
    seen = {Chem.MolToSmiles(mol)}
    for _ in range(tries):
        text = Chem.MolToSmiles(mol, doRandom=True, canonical=False)
        again = Chem.MolFromSmiles(text)
        if again is not None:
            seen.add(Chem.MolToSmiles(again))
    return seen


def check(inp, ours_path):
    ours = {rid: smi for smi, rid in rdkit_oracle.smiles_records(ours_path)}
    compared, same, problems = 0, 0, []
    for smi, rid in rdkit_oracle.smiles_records(inp):
        mol = Chem.MolFromSmiles(smi)
        written = ours.get(rid)
        if mol is None:
            if written is not None:
                problems.append(f"{rid}: {smi} -- RDKit rejects it, we wrote {written}")
            continue
        compared += 1
        if written is None:
            problems.append(f"{rid}: {smi} -- we did not write it")
            continue
        back = Chem.MolFromSmiles(written)
        got = Chem.MolToSmiles(back) if back is not None else None
        if got == Chem.MolToSmiles(mol) or got in rdkit_canonical_set(mol):
            same += 1
        else:
            problems.append(f"{rid}: {smi} -> ours {written} (RDKit reads {got}, expects {Chem.MolToSmiles(mol)})")
    print(f"non-tetrahedral stereo read back by RDKit as the input: {same}/{compared}")
    for p in problems[:20]:
        print("  " + p)
    if problems or compared == 0:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "prepare":
        prepare(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3000)
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
