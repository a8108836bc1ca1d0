#!/usr/bin/env python3
"""Regenerates tests/corpus/index_file from its valid_five.shx (written by
`shennong index build FIVE.smi -o valid_five.shx --size 512`, FIVE.smi being
the first five molecules of examples/molecules.smi): damaged
copies that exercise every check of `Index::open` and the accessors.
Run it after a change of the index layout."""
import struct
import sys

C = sys.argv[1] if len(sys.argv) > 1 else "tests/corpus/index_file"
good = open(C + "/valid_five.shx", "rb").read()


def w(name, b):
    open(C + "/" + name, "wb").write(b)


def section(i):
    return struct.unpack("<QQ", good[48 + 16 * i:64 + 16 * i])


def patched(at, data):
    b = bytearray(good)
    b[at:at + len(data)] = data
    return bytes(b)


w("empty.shx", b"")
w("magic_only.shx", good[:8])
w("truncated_header.shx", good[:40])
w("truncated_sections.shx", good[:len(good) // 2])
w("wrong_magic.shx", b"SHNGIDY\0" + good[8:])
w("version_99.shx", patched(8, struct.pack("<I", 99)))
w("huge_count.shx", patched(16, struct.pack("<Q", 10**12)))
w("zero_bits.shx", patched(24, struct.pack("<I", 0)))
w("sketch_fold_foreign.shx", patched(44, struct.pack("<I", 4)))
w("section_offset_overflow.shx", patched(48, struct.pack("<Q", 2**63)))
w("section_misaligned.shx", patched(48, struct.pack("<Q", section(0)[0] + 8)))
w("popcounts_not_monotone.shx", patched(section(1)[0] + 8, struct.pack("<QQ", 4, 1)))
w("ordinals_repeated.shx", patched(section(2)[0], struct.pack("<II", 7, 7)))
w("id_offsets_wild.shx", patched(section(3)[0] + 4, struct.pack("<I", 10**9)))
w("sketch_wrong.shx", patched(section(8)[0], b"\xff" * 8))
w("text_garbage.shx", b"#FPS1\n#num_bits=16\n0102\ta\n")
