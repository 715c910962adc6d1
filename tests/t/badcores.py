"""Makes damaged and hostile inputs from one good x86-64 core, for t20-bad-input.sh.

    python3 badcores.py GOOD.core OUTDIR
    python3 badcores.py --version-at-edge GOOD.core LIBPYTHON VERSION OUT.core

The first form writes OUTDIR/<case> files and OUTDIR/facts.sh, shell
assignments the test sources: what survived of each damaged core (was the
NT_PRPSINFO note, and so the pid, still readable?) and counts from the good
core to compare with.  The second form is described at version_at_edge().
Offsets come from the ELF64 and Linux core note layouts (<elf.h>,
fs/binfmt_elf.c); nothing here trusts heapgraph.
"""
import gzip
import os
import random
import shutil
import struct
import subprocess
import sys

EHDR = "<16sHHIQQQIHHHHHH"  # Elf64_Ehdr
PHDR = "<IIQQQQQQ"          # Elf64_Phdr
SHDR = "<IIQQQQIIQQ"        # Elf64_Shdr
PT_LOAD, PT_NOTE = 1, 4
NT_PRSTATUS, NT_PRPSINFO, NT_FILE = 1, 3, 0x46494C45


def pad4(n):
    return (n + 3) & ~3


def write(path, blob):
    with open(path, "wb") as f:
        f.write(blob)


def phdrs(d):
    """(offset of the header, Elf64_Phdr tuple) for every program header."""
    eh = struct.unpack_from(EHDR, d, 0)
    phoff, phnum = eh[5], eh[10]
    return [(phoff + 56 * i, struct.unpack_from(PHDR, d, phoff + 56 * i)) for i in range(phnum)]


def notes(d):
    """(header offset, name, type, desc offset, descsz) of every note."""
    found = []
    for _, (ptype, _, off, _, _, filesz, _, _) in phdrs(d):
        if ptype != PT_NOTE:
            continue
        p = off
        while p + 12 <= off + filesz:
            namesz, descsz, ntype = struct.unpack_from("<III", d, p)
            desc = p + 12 + pad4(namesz)
            found.append((p, d[p + 12:p + 12 + namesz].rstrip(b"\0"), ntype, desc, descsz))
            p = desc + pad4(descsz)
    return found


def mapped_files(d):
    """NT_FILE entries: (start, end, page offset, path)."""
    _, _, _, desc, descsz = next(n for n in notes(d) if n[1] == b"CORE" and n[2] == NT_FILE)
    count = struct.unpack_from("<Q", d, desc)[0]
    names = d[desc + 16 + 24 * count:desc + descsz].split(b"\0")
    return [struct.unpack_from("<QQQ", d, desc + 16 + 24 * i) + (names[i].decode(),) for i in range(count)]


def patch(d, off, fmt, *values):
    b = bytearray(d)
    struct.pack_into(fmt, b, off, *values)
    return bytes(b)


def shrink_note(d, note, newsz):
    """Makes a note's descriptor newsz bytes long and fills the rest of its
    old room with an ignored note, so that the notes after it still parse."""
    hdr, _, _, desc, descsz = note
    room = pad4(descsz) - pad4(newsz)
    assert room >= 12
    d = patch(d, hdr + 4, "<I", newsz)
    return patch(d, desc + pad4(newsz), "<III", 0, room - 12, 0x4447)


def damaged_inputs(good, out):
    data = open(good, "rb").read()
    rng = random.Random(20240601)
    facts = {}

    def put(name, blob):
        write(os.path.join(out, name), blob)

    def noise(n):
        return bytes(rng.getrandbits(8) for _ in range(n))

    all_notes = notes(data)
    core_notes = [n for n in all_notes if n[1] == b"CORE"]
    prpsinfo = next(n for n in core_notes if n[2] == NT_PRPSINFO)
    prstatus = [n for n in core_notes if n[2] == NT_PRSTATUS]
    ntfile = next(n for n in core_notes if n[2] == NT_FILE)
    loads = [(at, ph) for at, ph in phdrs(data) if ph[0] == PT_LOAD and ph[5] > 0]
    note_at, note_seg = next((at, ph) for at, ph in phdrs(data) if ph[0] == PT_NOTE)
    facts["nthreads"] = len(prstatus)
    facts["nmappings"] = struct.unpack_from("<Q", data, ntfile[3])[0]
    facts["first_tid"] = struct.unpack_from("<i", data, prstatus[0][3] + 32)[0]
    # Kernel cores put the notes first, gcore after the segments.
    facts["notes_first"] = int(note_seg[2] + note_seg[5] <= loads[0][1][2])

    # ---- not a core at all, or not one heapgraph supports ----
    put("random.bin", noise(4096))
    # An ELF32 little-endian core header for i386 (EM_386 = 3) and one PT_NOTE.
    ident32 = b"\x7fELF\x01\x01\x01" + b"\0" * 9
    put("elf32.core", struct.pack("<16sHHIIIIIHHHHHH", ident32, 4, 3, 1, 0, 52, 0, 0, 52, 32, 1, 40, 0, 0)
        + struct.pack("<IIIIIIII", PT_NOTE, 84, 0, 0, 0, 0, 4, 4) + b"\0" * 64)
    # An ELF64 big-endian core header for ppc64 (EM_PPC64 = 21).
    ident_be = b"\x7fELF\x02\x02\x01" + b"\0" * 9
    put("be64.core", struct.pack(">16sHHIQQQIHHHHHH", ident_be, 4, 21, 1, 0, 64, 0, 0, 64, 56, 0, 64, 0, 0)
        + b"\0" * 64)
    put("riscv.core", patch(data, 18, "<H", 243))     # EM_RISCV: unknown to heapgraph
    put("aarch64.core", patch(data, 18, "<H", 183))   # EM_AARCH64 header on x86-64 notes

    # ---- broken headers ----
    phoff = struct.unpack_from(EHDR, data, 0)[5]
    put("cut-ident.core", data[:10])
    put("cut-ehdr.core", data[:40])
    put("cut-phdrs.core", data[:phoff + 56 * 2 + 20])
    put("phnum-xnum.core", patch(patch(data, 40, "<Q", 0), 56, "<H", 0xFFFF))  # PN_XNUM, no section 0
    # PN_XNUM with a section 0 that counts no segments (it once read as a core with none, not damaged)
    put("phnum-xnum-zero.core", patch(patch(patch(patch(data + bytes(64), 40, "<Q", len(data)), 58, "<H", 64),
                                                 60, "<H", 1), 56, "<H", 0xFFFF))
    put("phentsize.core", patch(data, 54, "<H", 32))
    put("phoff.core", patch(data, 32, "<Q", 2**64 - 16))

    # ---- cut short: inside the notes, and in the segments ----
    seg_end = max(ph[2] + ph[5] for _, ph in loads)
    cuts = {
        "cut-first-note": all_notes[0][3] + 20,
        "cut-ntfile": ntfile[3] + ntfile[4] // 2,
        "cut-notes-start": note_seg[2],
        "cut-mid": len(data) // 2,
        "cut-end": seg_end - 100,          # in the last segment
    }
    if facts["notes_first"]:
        cuts["cut-notes-end"] = note_seg[2] + note_seg[5]   # every note, no segment
    for name, cut in cuts.items():
        put(name + ".core", data[:cut])
        # 1 when NT_PRPSINFO lies wholly before the cut: the pid must survive.
        facts[name.replace("-", "_") + "_pid"] = int(prpsinfo[3] + prpsinfo[4] <= cut)

    # ---- damaged notes ----
    after = all_notes[all_notes.index(prpsinfo) + 1]
    put("note-desc-len.core", patch(data, after[0] + 4, "<I", 0x7FFFFFF0))  # runs past the end
    facts["note_desc_len_threads"] = len([n for n in prstatus if n[0] < after[0]])
    put("note-name-len.core", patch(data, all_notes[0][0], "<I", 0xFFFFFFF0))
    put("ntfile-huge-count.core", patch(data, ntfile[3], "<Q", 2**64 - 1))
    # As many entries as the note has room for: they eat the file names.
    put("ntfile-room-count.core", patch(data, ntfile[3], "<Q", (ntfile[4] - 16) // 24))
    put("ntfile-page0.core", patch(data, ntfile[3] + 8, "<Q", 0))
    # The last file name loses its terminating NUL.
    put("ntfile-no-nul.core", patch(data, ntfile[3] + ntfile[4] - 1, "<B", ord("X")))
    put("prstatus-short.core", shrink_note(data, prstatus[0], 16))
    put("prpsinfo-short.core", shrink_note(data, prpsinfo, 40))
    put("note-offset.core", patch(data, note_at + 8, "<Q", 2**62))
    put("note-filesz.core", patch(data, note_at + 32, "<Q", 2**62))

    # ---- damaged segments ----
    (ld0, ph0), (ld1, _) = loads[0], loads[1]
    put("load-offset.core", patch(data, ld0 + 8, "<Q", 2**64 - 4096))
    put("load-vaddr.core", patch(data, ld0 + 16, "<Q", 2**64 - 4096))
    put("load-overlap.core", patch(data, ld1 + 16, "<Q", ph0[3]))
    no_loads = data
    for at, ph in phdrs(data):
        if ph[0] == PT_LOAD:
            no_loads = patch(no_loads, at, "<I", 0)     # PT_NULL
    put("no-loads.core", no_loads)

    # ---- compressed ----
    gz = gzip.compress(data, 6)
    mid = len(gz) // 2
    put("cut.gz", gz[:mid])
    put("tiny.gz", gz[:20])
    put("corrupt.gz", gz[:mid] + noise(256) + gz[mid + 256:])
    put("random.gz", gzip.compress(noise(65536)))
    put("garbage.gz", b"\x1f\x8b\x08\x00\0\0\0\0\0\x03" + noise(4096))
    put("garbage.zst", b"\x28\xb5\x2f\xfd" + noise(4096))
    if shutil.which("zstd"):
        zst = subprocess.run(["zstd", "-q", "-c", good], stdout=subprocess.PIPE, check=True).stdout
        mid = len(zst) // 2
        put("cut.zst", zst[:mid])
        put("tiny.zst", zst[:12])
        put("corrupt.zst", zst[:mid] + noise(256) + zst[mid + 256:])

    with open(os.path.join(out, "facts.sh"), "w") as f:
        for k, v in sorted(facts.items()):
            f.write("%s=%s\n" % (k, v))


def version_at_edge(good, libpython, version, out):
    """Python 3.8-3.10 publish no Py_Version: heapgraph finds the version
    string Py_GetVersion() left in libpython's .bss.  This shortens the core
    segment holding it (p_filesz) so that it ends just before the string, on
    the digits "3.M.000", and writes "7 (planted" right after the segment's
    new end.  A reader that runs past the segment reads "3.M.0007 (" and
    reports 3.M.7; one that stays inside finds no version string there.
    Exits 3 when the core has no room for this."""
    data = open(good, "rb").read()
    lib = open(libpython, "rb").read()
    minor = version.split(".")[1]
    planted_micro = 7 if version.split(".")[2] != "7" else 6
    eh = struct.unpack_from(EHDR, lib, 0)
    shoff, shnum, shstrndx = eh[6], eh[12], eh[13]
    secs = [struct.unpack_from(SHDR, lib, shoff + 64 * i) for i in range(shnum)]
    names = secs[shstrndx][4]

    def sec_name(s):
        return lib[names + s[0]:lib.index(b"\0", names + s[0])]

    bss = next(s for s in secs if sec_name(s) == b".bss")
    link_base = min(ph[3] for _, ph in phdrs(lib) if ph[0] == PT_LOAD) & ~0xFFF
    base = next(m[0] for m in mapped_files(data) if m[3] == libpython and m[2] == 0)
    lo, hi = bss[3] + base - link_base, bss[3] + base - link_base + bss[5]
    needle = (version + " (").encode()
    for at, (ptype, _, off, vaddr, _, filesz, _, _) in phdrs(data):
        if ptype != PT_LOAD or not filesz or vaddr >= hi or vaddr + filesz <= lo:
            continue
        start = max(lo, vaddr) - vaddr
        hit = data.find(needle, off + start, off + min(hi - vaddr, filesz))
        if hit < 0:
            continue
        edge = hit - 32                    # file offset of the segment's new end
        if edge - 16 < off + start:
            sys.exit(3)
        b = bytearray(data)
        tail = (" 3.%s.000" % minor).encode()
        b[edge - len(tail):edge] = tail
        b[edge:edge + 10] = ("%d (planted" % planted_micro).encode()
        struct.pack_into("<Q", b, at + 32, edge - off)
        write(out, bytes(b))
        print("3.%s.%d" % (minor, planted_micro))
        return
    sys.exit(3)


if __name__ == "__main__":
    if sys.argv[1] == "--version-at-edge":
        version_at_edge(*sys.argv[2:6])
    else:
        damaged_inputs(sys.argv[1], sys.argv[2])
