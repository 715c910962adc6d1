/*
 * test-cpython.c - hg_cpython_detect on crafted cores mapping a crafted
 * "libpython": the version from Py_Version (read from the file on disk), from
 * the 3.13 _Py_DebugOffsets cookie, from the version string in .bss, from the
 * file name, and the "not found" answers.
 */
#define _GNU_SOURCE
#include "unit.h"
#include "craft.h"
#include "../../formats/cpython/cpython.h"

#define BASE 0x7f1000000000ull

/*
 * Writes lib to rel and opens a core that maps it at BASE (4 pages), holding
 * the library's first page and, when data is given, a writable page at
 * BASE + 0x2000 (where the crafted libraries keep _PyRuntime and .bss).
 * Pages 1 and 3 come from the file.
 */
static int open_py_core(struct hg_core *c, const char *rel, const struct craft_lib *l,
			const unsigned char *data, struct hg_error *err)
{
	struct craft_buf lib = { 0 }, out = { 0 };
	struct craft_core cc = { 0 };
	struct craft_map map = { BASE, BASE + 0x4000, 0, NULL };
	int rc;

	craft_lib_build(l, &lib);
	map.path = rel[0] == '/' ? rel : craft_file_at(rel, lib.p, lib.len);
	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, BASE + 0x1000, 0);
	craft_nt_file(&cc.notes, &map, 1);
	craft_seg_add(&cc, BASE, lib.p, CRAFT_PAGE, PF_R | PF_X);
	if (data)
		craft_seg_add(&cc, BASE + 0x2000, data, CRAFT_PAGE, PF_R | PF_W);
	craft_core_build(&cc, &out);
	err->code = 0;
	err->msg[0] = '\0';
	rc = hg_core_open(c, craft_tmpfile(out.p, out.len), NULL, err);
	craft_buf_free(&out);
	craft_buf_free(&lib);
	craft_core_free(&cc);
	return rc;
}

static const uint32_t v3112 = 0x030b02f0;

TEST(py_version_read_from_the_file)
{
	static const struct craft_sym syms[] = {
		{ "_PyRuntime", 0x2000, 0x800, 0 },
		{ "Py_Version", 0x1100, 4, 0 },
	};
	struct craft_lib l = { .dynsym = syms, .ndynsym = 2, .pages = 4, .build_id = { 1, 2, 3 } };
	unsigned char data[CRAFT_PAGE];
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;
	const struct hg_core_region *r;

	memset(data, 0, sizeof(data));
	l.put[0].off = 0x1100;
	l.put[0].data = &v3112;
	l.put[0].len = 4;
	l.nput = 1;
	if (!CHECK_EQ_INT(open_py_core(&c, "a/libpython3.11.so.1.0", &l, data, &err), 0))
		goto out;
	CHECK_EQ_INT(c.files[0].status, HG_FILE_OK);
	/* Py_Version lies in a page the core left out. */
	r = hg_core_region_at(&c, BASE + 0x1100);
	CHECK(r && r->from_file);
	if (CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_STR(py.version, "3.11.2");
		CHECK_EQ_STR(py.version_source, "Py_Version");
		CHECK_EQ_U64(py.version_hex, 0x030b02f0);
		CHECK_EQ_INT(py.major, 3);
		CHECK_EQ_INT(py.minor, 11);
		CHECK_EQ_INT(py.micro, 2);
		CHECK_EQ_U64(py.runtime, BASE + 0x2000);
		CHECK_EQ_INT(py.image, 0);
		CHECK_EQ_STR(py.image_path, c.files[0].path);
		CHECK_EQ_INT(py.shared, 1);
		CHECK_EQ_INT(py.supported, 1);
	}
out:
	hg_core_release(&c);
}

TEST(debug_offsets_cookie_wins)
{
	static const struct craft_sym syms[] = {
		{ "_PyRuntime", 0x2000, 0x800, 0 },
		{ "Py_Version", 0x1100, 4, 0 },
	};
	struct craft_lib l = { .dynsym = syms, .ndynsym = 2, .pages = 4, .build_id = { 4, 5, 6 } };
	unsigned char data[CRAFT_PAGE];
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	memset(data, 0, sizeof(data));
	memcpy(data, "xdebugpy", 8);
	craft_set64(data + 8, 0x030d01f0);
	l.put[0].off = 0x1100;
	l.put[0].data = &v3112;	/* a different answer the cookie must beat */
	l.put[0].len = 4;
	l.nput = 1;
	if (CHECK_EQ_INT(open_py_core(&c, "b/libpython3.13.so.1.0", &l, data, &err), 0) &&
	    CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_STR(py.version, "3.13.1");
		CHECK_EQ_STR(py.version_source, "_Py_DebugOffsets");
		CHECK_EQ_U64(py.runtime, BASE + 0x2000);
		CHECK_EQ_INT(py.supported, 1);
	}
	hg_core_release(&c);

	/* A pre-release beyond the supported range. */
	craft_set64(data + 8, 0x031000a2);
	if (CHECK_EQ_INT(open_py_core(&c, "b2/libpython3.16.so.1.0", &l, data, &err), 0) &&
	    CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_STR(py.version, "3.16.0a2");
		CHECK_EQ_STR(py.version_source, "_Py_DebugOffsets");
		CHECK_EQ_INT(py.supported, 0);
	}
	hg_core_release(&c);
}

TEST(version_string_in_bss)
{
	static const struct craft_sym syms[] = { { "_PyRuntime", 0x2000, 0x100, 0 } };
	static const char decoy[] = "build 13.2.1 (x) and 3.1 and 3.10.4(no space)";
	static const char version[] = "3.9.18 (main, Jan  1 2024, 00:00:00) [GCC 12.2.0]";
	struct craft_lib l = { .dynsym = syms, .ndynsym = 1, .pages = 4, .build_id = { 7 },
			       .bss_addr = 0x2400, .bss_size = 0xc00 };
	unsigned char data[CRAFT_PAGE];
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	memset(data, 0, sizeof(data));
	/* Before .bss: not looked at. */
	memcpy(data + 0x100, "3.8.1 (default, early)", 22);
	memcpy(data + 0x500, decoy, sizeof(decoy));
	memcpy(data + 0x800, version, sizeof(version));
	if (CHECK_EQ_INT(open_py_core(&c, "c/libpython3.9.so.1.0", &l, data, &err), 0) &&
	    CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_STR(py.version, "3.9.18");
		CHECK_EQ_STR(py.version_source, "version string");
		CHECK_EQ_U64(py.version_hex, 0x030912f0);
	}
	hg_core_release(&c);
}

TEST(version_string_cut_by_the_region_end)
{
	static const struct craft_sym syms[] = { { "_PyRuntime", 0x2000, 0x100, 0 } };
	struct craft_lib l = { .dynsym = syms, .ndynsym = 1, .pages = 4, .build_id = { 8 },
			       .bss_addr = 0x2000, .bss_size = 0x1000 };
	unsigned char data[CRAFT_PAGE];
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	/* " (" would follow, but the region ends first: no version string. */
	memset(data, 'x', sizeof(data));
	memcpy(data + sizeof(data) - 8, " 3.12.10", 8);
	if (CHECK_EQ_INT(open_py_core(&c, "d/libpython3.12.so.1.0", &l, data, &err), 0) &&
	    CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_STR(py.version, "3.12");
		CHECK_EQ_STR(py.version_source, "file name");
		CHECK_EQ_INT(py.supported, 1);
	}
	hg_core_release(&c);
}

TEST(pyruntime_section_without_symbol)
{
	static const struct craft_sym syms[] = { { "Py_Version", 0x1100, 4, 0 } };
	struct craft_lib l = { .dynsym = syms, .ndynsym = 1, .pages = 4, .build_id = { 9 },
			       .sec_name = ".PyRuntime", .sec_addr = 0x2000, .sec_size = 0x800 };
	unsigned char data[CRAFT_PAGE];
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;
	uint32_t v = 0x030a0cf0;

	memset(data, 0, sizeof(data));
	l.put[0].off = 0x1100;
	l.put[0].data = &v;
	l.put[0].len = 4;
	l.nput = 1;
	if (CHECK_EQ_INT(open_py_core(&c, "e/python3.10", &l, data, &err), 0) &&
	    CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), 0)) {
		CHECK_EQ_U64(py.runtime, BASE + 0x2000);
		CHECK_EQ_STR(py.version, "3.10.12");
		CHECK_EQ_INT(py.shared, 0);
	}
	hg_core_release(&c);
}

TEST(no_interpreter)
{
	static const struct craft_sym syms[] = { { "main", 0x1000, 8, 0 } };
	static const struct craft_sym rt[] = { { "_PyRuntime", 0x2000, 0x100, 0 } };
	struct craft_lib l = { .dynsym = syms, .ndynsym = 1, .pages = 4, .build_id = { 10 } };
	struct craft_lib lrt = { .dynsym = rt, .ndynsym = 1, .pages = 4, .build_id = { 11 } };
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	if (CHECK_EQ_INT(open_py_core(&c, "f/libnotpython.so", &l, NULL, &err), 0)) {
		CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), -1);
		CHECK_EQ_INT(err.code, HG_ENOTFOUND);
		CHECK(strstr(err.msg, "is this a Python process") != NULL);
	}
	hg_core_release(&c);

	/* The interpreter image is not on disk. */
	if (CHECK_EQ_INT(open_py_core(&c, "/nonexistent/hg/libpython3.11.so.1.0", &lrt, NULL, &err), 0)) {
		CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), -1);
		CHECK_EQ_INT(err.code, HG_ENOTFOUND);
		CHECK(strstr(err.msg, "missing") && strstr(err.msg, "--sysroot"));
	}
	hg_core_release(&c);

	/* A core with no mapped files at all. */
	{
		struct craft_core cc = { 0 };
		struct craft_buf out = { 0 };

		craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0, 0);
		craft_core_build(&cc, &out);
		if (CHECK_EQ_INT(hg_core_open(&c, craft_tmpfile(out.p, out.len), NULL, &err), 0)) {
			CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), -1);
			CHECK_EQ_INT(err.code, HG_ENOTFOUND);
		}
		hg_core_release(&c);
		craft_buf_free(&out);
		craft_core_free(&cc);
	}
}

TEST(runtime_without_a_version)
{
	static const struct craft_sym rt[] = { { "_PyRuntime", 0x2000, 0x100, 0 } };
	/* A .bss far larger than anything the core holds. */
	struct craft_lib l = { .dynsym = rt, .ndynsym = 1, .pages = 4, .build_id = { 12 },
			       .bss_addr = 0x10000000, .bss_size = (uint64_t)1 << 60 };
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;

	alarm(20);
	if (CHECK_EQ_INT(open_py_core(&c, "g/libhg-runtime.so", &l, NULL, &err), 0)) {
		CHECK_EQ_INT(hg_cpython_detect(&c, &py, &err), -1);
		CHECK_EQ_INT(err.code, HG_ENOTFOUND);
		CHECK(strstr(err.msg, "not the Python version") != NULL);
	}
	hg_core_release(&c);
	alarm(0);
}

int main(void)
{
	RUN(py_version_read_from_the_file);
	RUN(debug_offsets_cookie_wins);
	RUN(version_string_in_bss);
	RUN(version_string_cut_by_the_region_end);
	RUN(pyruntime_section_without_symbol);
	RUN(no_interpreter);
	RUN(runtime_without_a_version);
	return UNIT_DONE();
}
