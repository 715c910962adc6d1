/*
 * seeds.c - writes the seed corpus of fuzz-core into the folder given as
 * argument: small cores that reach every part of the reader (x86-64 and
 * aarch64 threads, process notes, NT_FILE with the fuzz.h library, memory from
 * that file, PN_XNUM, the 3.13 cookie, a version string, a build-id mismatch),
 * plus gzip, zstd and truncated copies.
 */
#define _GNU_SOURCE
#include <zlib.h>
#include <zstd.h>
#include "fuzz.h"

static const char *dir;

static void emit(const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* A core of the fuzz library: first page kept (or another build's), data page at +0x2000. */
static void lib_core(struct craft_core *cc, const unsigned char *first_page, const unsigned char *data)
{
	static const uint64_t auxv[] = { AT_PAGESZ, 4096, AT_ENTRY, 0x401000, AT_EXECFN, 0x7ffd0010 };
	struct craft_map maps[] = {
		{ 0x400000, 0x402000, 0, "/usr/bin/python3.11" },
		{ FUZZ_BASE, FUZZ_BASE + 0x2000, 0, FUZZ_LIB_PATH },
		{ FUZZ_BASE + 0x2000, FUZZ_BASE + 0x3000, 2, FUZZ_LIB_PATH },
		{ FUZZ_BASE + 0x3000, FUZZ_BASE + 0x4000, 3, FUZZ_LIB_PATH },
	};
	static unsigned char stack[0x100];

	memset(stack, 0, sizeof(stack));
	strcpy((char *)stack + 0x10, "/usr/bin/python3.11");
	craft_prstatus(&cc->notes, EM_X86_64, 4242, 11, FUZZ_BASE + 0x1010, 0x7ffd0080);
	craft_prpsinfo(&cc->notes, 1000, 4242, 1, "python3", "python3 leak.py");
	craft_siginfo(&cc->notes, 11, 1, 0);
	craft_prstatus(&cc->notes, EM_X86_64, 4243, 0, 0x401000, 0x7ffd00c0);
	craft_auxv(&cc->notes, auxv, 3);
	craft_nt_file(&cc->notes, maps, 4);
	craft_seg_add(cc, FUZZ_BASE, first_page, CRAFT_PAGE, PF_R | PF_X);
	craft_seg_add(cc, FUZZ_BASE + 0x2000, data, CRAFT_PAGE, PF_R | PF_W);
	craft_seg_add(cc, 0x7ffd0000, stack, sizeof(stack), PF_R | PF_W);
}

static void gz(const unsigned char *src, size_t n, struct craft_buf *out)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	craft_reserve(out, deflateBound(&zs, n));
	zs.next_in = (unsigned char *)src;
	zs.avail_in = (uInt)n;
	zs.next_out = out->p;
	zs.avail_out = (uInt)out->cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		exit(1);
	out->len = zs.total_out;
	deflateEnd(&zs);
}

int main(int argc, char **argv)
{
	struct craft_buf lib = { 0 }, out = { 0 }, z = { 0 };
	unsigned char data[CRAFT_PAGE], other[CRAFT_PAGE];
	struct craft_core cc;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: seeds DIR\n");
		return 2;
	}
	dir = argv[1];
	fuzz_lib(&lib);

	/* Py_Version from the file, a version string in .bss. */
	memset(data, 0, sizeof(data));
	strcpy((char *)data + 0x800, "3.11.2 (main, Jan  1 2024, 00:00:00) [GCC 12.2.0]");
	memset(&cc, 0, sizeof(cc));
	lib_core(&cc, lib.p, data);
	craft_core_build(&cc, &out);
	emit("lib-x86_64.core", out.p, out.len);
	emit("lib-truncated.core", out.p, out.len - 0x900);

	gz(out.p, out.len, &z);
	emit("lib.core.gz", z.p, z.len);
	craft_reserve(&z, ZSTD_compressBound(out.len));
	n = ZSTD_compress(z.p, z.cap, out.p, out.len, 19);
	if (ZSTD_isError(n))
		return 1;
	emit("lib.core.zst", z.p, n);
	emit("lib-truncated.core.zst", z.p, n / 2);
	craft_core_free(&cc);

	/* The 3.13 cookie at &_PyRuntime. */
	memset(data, 0, sizeof(data));
	memcpy(data, "xdebugpy", 8);
	craft_set64(data + 8, 0x030d00f0);
	memset(&cc, 0, sizeof(cc));
	lib_core(&cc, lib.p, data);
	craft_core_build(&cc, &out);
	emit("lib-cookie.core", out.p, out.len);
	craft_core_free(&cc);

	/* Another build of the library in the process. */
	memcpy(other, lib.p, sizeof(other));
	other[CRAFT_BUILD_ID_OFF] ^= 0xff;
	memset(&cc, 0, sizeof(cc));
	lib_core(&cc, other, data);
	craft_core_build(&cc, &out);
	emit("lib-mismatch.core", out.p, out.len);
	craft_core_free(&cc);

	/* aarch64, PN_XNUM, damaged notes. */
	memset(&cc, 0, sizeof(cc));
	cc.machine = EM_AARCH64;
	cc.xnum = 1;
	craft_prstatus(&cc.notes, EM_AARCH64, 7, 6, 0xaaaa00001000, 0xffffe000);
	craft_seg_add(&cc, 0xaaaa00000000, NULL, 0x200, PF_R | PF_X);
	craft_seg_add(&cc, 0xaaaa00000200, NULL, 0x200, PF_R | PF_W);
	craft_seg_add(&cc, 0xffffe000, NULL, 0x100, PF_R | PF_W);
	craft_core_build(&cc, &out);
	emit("aarch64-xnum.core", out.p, out.len);
	craft_core_free(&cc);

	memset(&cc, 0, sizeof(cc));
	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0x1000, 0x2000);
	craft_note(&cc.notes, "CORE", NT_FILE, "\x02\0\0\0\0\0\0\0\0\x10\0\0\0\0\0\0", 16);
	cc.note_filesz_extra = 64;
	craft_seg_add(&cc, 0x1000, NULL, 0x100, PF_R);
	craft_seg_add(&cc, 0x1080, NULL, 0x100, PF_R);
	craft_core_build(&cc, &out);
	emit("damaged.core", out.p, out.len);
	craft_core_free(&cc);

	craft_buf_free(&lib);
	craft_buf_free(&out);
	craft_buf_free(&z);
	return 0;
}
