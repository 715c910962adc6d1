/*
 * fuzz.h - what the core fuzzer and its seed maker share: the "libpython"
 * the fuzzer puts in its sysroot, which the seed cores map at FUZZ_BASE, so
 * that mutated cores reach the file-backed memory and CPython detection.
 */
#ifndef HG_FUZZ_H
#define HG_FUZZ_H

#include "../unit/craft.h"

#define FUZZ_LIB_NAME "libpython3.11.so.1.0"
#define FUZZ_LIB_PATH "/usr/lib/x86_64-linux-gnu/" FUZZ_LIB_NAME
#define FUZZ_BASE 0x7f2000000000ull

static const struct craft_sym fuzz_syms[] = {
	{ "_PyRuntime", 0x2000, 0x400, 0 },
	{ "Py_Version", 0x1100, 4, 0 },
	{ "PyImport_Import", 0, 0, 1 },
};

/* Four pages: headers, Py_Version (3.11.2) in page 1, _PyRuntime and .bss in page 2. */
static inline void fuzz_lib(struct craft_buf *out)
{
	static const uint32_t version = 0x030b02f0;
	struct craft_lib l = { .dynsym = fuzz_syms, .ndynsym = 3, .pages = 4,
			       .bss_addr = 0x2400, .bss_size = 0xc00 };

	for (int i = 0; i < 20; i++)
		l.build_id[i] = (unsigned char)(0xf0 ^ i);
	l.put[0].off = 0x1100;
	l.put[0].data = &version;
	l.put[0].len = 4;
	l.nput = 1;
	craft_lib_build(&l, out);
}

#endif
