/*
 * fuzz-core.c - libFuzzer target for the core reader: each input is written
 * to a memfd and opened as a core (plain, gzip or zstd) with a sysroot that
 * holds the library of fuzz.h, then hg_cpython_detect and reads at the edges
 * of every region, thread stack and symbol run on whatever was understood.
 * Built and run by "make fuzz" (clang -fsanitize=fuzzer,address,undefined).
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include "fuzz.h"
#include "../../formats/cpython/cpython.h"

static char fd_path[64];
static int fd = -1;
static const char *sysroot;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct craft_buf lib = { 0 };

	(void)argc;
	(void)argv;
	fuzz_lib(&lib);
	craft_file_at("sysroot/" FUZZ_LIB_NAME, lib.p, lib.len);
	sysroot = craft_path("sysroot");
	craft_buf_free(&lib);
	fd = memfd_create("hg-fuzz-core", 0);
	if (fd < 0)
		abort();
	snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%d", fd);
	return 0;
}

/* Reads around addr; the results only matter to the sanitizers. */
static void poke(struct hg_core *c, uint64_t addr)
{
	unsigned char buf[64];
	char s[32];
	uint64_t v;

	hg_core_read(c, addr, buf, sizeof(buf));
	hg_core_read(c, addr - 8, buf, 16);
	hg_core_read_u64(c, addr, &v);
	hg_core_read_cstr(c, addr, s, sizeof(s));
	hg_core_ptr(c, addr, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_core_options opt = { sysroot };
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	if (ftruncate(fd, 0) < 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (hg_core_open(&c, fd_path, &opt, &err) == 0) {
		for (size_t i = 0; i < c.nregions && i < 256; i++) {
			poke(&c, c.regions[i].start);
			poke(&c, c.regions[i].end - 8);
			poke(&c, c.regions[i].end);
		}
		for (size_t i = 0; i < c.nthreads && i < 16; i++) {
			poke(&c, c.threads[i].sp);
			poke(&c, c.threads[i].pc);
		}
		for (size_t i = 0; i < c.nfiles && i < 16; i++) {
			uint64_t a;

			if (hg_core_file_symbol(&c, i, "Py_Version", &a) == 0)
				poke(&c, a);
		}
		if (hg_cpython_detect(&c, &py, &err) == 0)
			poke(&c, py.runtime);
	}
	hg_core_release(&c);
	return 0;
}
