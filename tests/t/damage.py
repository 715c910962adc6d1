"""Damages a core in place, at process addresses: damage.py CORE SNAPSHOT.jsonl KIND [SEED]
KIND: gclist (a GC list link of a tracked object made wild), types (the type
pointer of 50 objects made wild), lengths (sizes of 50 lists/dicts/sets made
huge), deque (two words of every deque: its length made 2^40 and its first
block linked to itself), random (2000 random words of the heap replaced).  Addresses come from
heapgraph's own export of the undamaged core."""
import json
import random
import struct
import sys

core, snap, kind = sys.argv[1], sys.argv[2], sys.argv[3]
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
data = bytearray(open(core, "rb").read())
phoff, = struct.unpack_from("<Q", data, 32)
phnum, = struct.unpack_from("<H", data, 56)
loads = []
for i in range(phnum):
    p_type, flags, off, vaddr, paddr, filesz, memsz, align = struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i)
    if p_type == 1 and filesz:
        loads.append((vaddr, filesz, off, flags))


def at(addr):
    for vaddr, filesz, off, _ in loads:
        if vaddr <= addr < vaddr + filesz - 8:
            return off + addr - vaddr
    return None


def put(addr, value):
    o = at(addr)
    if o is not None:
        struct.pack_into("<Q", data, o, value & 0xffffffffffffffff)
        return True
    return False


objs = []
with open(snap) as f:
    f.readline()
    for line in f:
        d = json.loads(line)
        if "address" in d:
            objs.append(d)
wild = 0x4141414141414140
if kind == "gclist":
    gcs = [o for o in objs if o.get("gc") and at(o["address"] - 16) is not None]
    for o in rnd.sample(gcs, 3):
        put(o["address"] - 16, wild)
elif kind == "types":
    for o in rnd.sample(objs, 50):
        put(o["address"] + 8, wild)
elif kind == "lengths":
    seqs = [o for o in objs if o["type"] in ("list", "dict", "set", "tuple", "deque")]
    for o in rnd.sample(seqs, min(50, len(seqs))):
        for off in (16, 24, 32):
            put(o["address"] + off, (1 << 40) + rnd.randrange(1 << 20))
elif kind == "deque":
    # dequeobject: ob_size@16, leftblock@24; a block is leftlink, 64 items, rightlink@520
    n = 0
    for o in objs:
        if o["type"] != "deque":
            continue
        o2 = at(o["address"] + 24)
        if o2 is None:
            continue
        block, = struct.unpack_from("<Q", data, o2)
        if put(o["address"] + 16, 1 << 40) and put(block + 520, block):
            n += 1
    if not n:
        sys.exit("no deque to damage")
elif kind == "random":
    heap = [l for l in loads if l[3] & 2]
    for _ in range(2000):
        vaddr, filesz, off, _ = rnd.choice(heap)
        o = off + (rnd.randrange(filesz - 8) & ~7)
        struct.pack_into("<Q", data, o, rnd.getrandbits(64) if rnd.random() < 0.5 else rnd.choice(objs)["address"] + rnd.choice((0, 8, 16, -16)))
open(core, "wb").write(bytes(data))
