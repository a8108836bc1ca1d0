#!/usr/bin/env python3
"""Deterministic SMILES mutants (1-3 edits of real SMILES) for accept/reject
parity with RDKit on malformed and unusual input. Usage: make_mutants.py IN.smi N OUT.smi"""
import random
import sys

ALPHABET = "CNOSPFIBrcnosp()[]=#$:/\\.%0123456789@+-H*"
src = [l.split()[0] for l in open(sys.argv[1]) if l.strip()]
rng = random.Random(20261123)
out = []
while len(out) < int(sys.argv[2]):
    s = list(rng.choice(src))
    for _ in range(rng.randint(1, 3)):
        pos = rng.randint(0, len(s))
        op = rng.randint(0, 2)
        if op == 0 and pos < len(s):
            del s[pos]
        elif op == 1:
            s.insert(pos, rng.choice(ALPHABET))
        elif pos < len(s):
            s[pos] = rng.choice(ALPHABET)
    t = "".join(s)
    if t and not any(c.isspace() for c in t):
        out.append(t)
open(sys.argv[3], "w").write("\n".join(out) + "\n")
