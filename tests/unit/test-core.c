/*
 * test-core.c - hg_core_open and the memory accessor on crafted cores:
 * threads and process facts on x86-64 and aarch64, NT_FILE, reads at segment
 * edges and past truncation, damaged notes, memory served from mapped files
 * (build-id checked, --sysroot lookup) and the inputs that must be refused.
 */
#define _GNU_SOURCE
#include "unit.h"
#include "craft.h"
#include "../../formats/core.h"

#define BASE 0x7f0000000000ull

/* Builds cc, writes it cut to cut bytes (0: whole) and opens it. */
static int open_core(struct craft_core *cc, struct hg_core *c, const struct hg_core_options *opt,
		     struct hg_error *err, size_t cut)
{
	struct craft_buf out = { 0 };
	const char *path;

	craft_core_build(cc, &out);
	path = craft_tmpfile(out.p, cut && cut < out.len ? cut : out.len);
	craft_buf_free(&out);
	err->code = 0;
	err->msg[0] = '\0';
	return hg_core_open(c, path, opt, err);
}

/* Does some warning of c contain s? */
static int warned(const struct hg_core *c, const char *s)
{
	for (size_t i = 0; i < c->warnings.nr; i++)
		if (strstr(c->warnings.line[i], s))
			return 1;
	return 0;
}

static int expected_pattern(struct hg_core *c, uint64_t addr, size_t len)
{
	unsigned char buf[256];

	if (len > sizeof(buf) || hg_core_read(c, addr, buf, len) < 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != craft_pattern(addr + i))
			return 0;
	return 1;
}

TEST(threads_and_process_x86_64)
{
	struct craft_core cc = { .machine = EM_X86_64 };
	struct hg_core c;
	struct hg_error err;

	craft_prstatus(&cc.notes, EM_X86_64, 4242, 11, 0x401abc, 0x7ffc1230);
	craft_prpsinfo(&cc.notes, 1000, 4242, 17, "python3", "python3 -c import leak");
	craft_siginfo(&cc.notes, 6, -6, 0xdeadbeef);
	craft_prstatus(&cc.notes, EM_X86_64, 4243, 0, 0x402000, 0x7ffb0000);
	craft_seg_add(&cc, 0x10000, NULL, 0x100, PF_R);
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0))
		goto out;
	CHECK_EQ_STR(c.arch->name, "x86-64");
	CHECK_EQ_INT(c.incomplete, 0);
	CHECK_EQ_INT(c.warnings.nr, 0);
	if (CHECK_EQ_INT(c.nthreads, 2)) {
		CHECK_EQ_INT(c.threads[0].tid, 4242);
		CHECK_EQ_INT(c.threads[0].signo, 11);
		CHECK_EQ_U64(c.threads[0].pc, 0x401abc);
		CHECK_EQ_U64(c.threads[0].sp, 0x7ffc1230);
		CHECK_EQ_INT(c.threads[0].nregs, 27);
		CHECK_EQ_U64(c.threads[0].regs[0], 0x1000 * 4242);	/* r15 */
		CHECK_EQ_U64(c.threads[0].regs[26], 0x1000 * 4242 + 26);	/* gs */
		CHECK_EQ_U64(c.threads[0].regs[16], 0x401abc);
		CHECK_EQ_INT(c.threads[1].tid, 4243);
		CHECK_EQ_INT(c.threads[1].signo, 0);
		CHECK_EQ_U64(c.threads[1].pc, 0x402000);
		CHECK_EQ_U64(c.threads[1].sp, 0x7ffb0000);
	}
	CHECK_EQ_INT(c.have_prpsinfo, 1);
	CHECK_EQ_INT(c.pid, 4242);
	CHECK_EQ_INT(c.ppid, 17);
	CHECK_EQ_INT(c.uid, 1000);
	CHECK_EQ_STR(c.fname, "python3");
	CHECK_EQ_STR(c.psargs, "python3 -c import leak");
	/* NT_SIGINFO wins over the thread's cursig. */
	CHECK_EQ_INT(c.signo, 6);
	CHECK_EQ_INT(c.sig_code, -6);
	CHECK_EQ_U64(c.sig_addr, 0xdeadbeef);
	CHECK_EQ_INT(c.nsegments, 1);
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(threads_aarch64)
{
	struct craft_core cc = { .machine = EM_AARCH64 };
	struct hg_core c;
	struct hg_error err;

	craft_prstatus(&cc.notes, EM_AARCH64, 300, 7, 0xaaaabbbb0000, 0xffffe0001000);
	craft_prstatus(&cc.notes, EM_AARCH64, 301, 0, 0xaaaabbbb0040, 0xffffd0000000);
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0))
		goto out;
	CHECK_EQ_STR(c.arch->name, "aarch64");
	CHECK_EQ_INT(c.arch->prstatus_size, 392);
	if (CHECK_EQ_INT(c.nthreads, 2)) {
		CHECK_EQ_INT(c.threads[0].tid, 300);
		CHECK_EQ_INT(c.threads[0].nregs, 34);
		CHECK_EQ_U64(c.threads[0].pc, 0xaaaabbbb0000);
		CHECK_EQ_U64(c.threads[0].sp, 0xffffe0001000);
		CHECK_EQ_U64(c.threads[0].regs[0], 0x1000 * 300);	/* x0 */
		CHECK_EQ_U64(c.threads[0].regs[30], 0x1000 * 300 + 30);	/* x30 */
		CHECK_EQ_U64(c.threads[0].regs[33], 0x1000 * 300 + 33);	/* pstate */
		CHECK_EQ_INT(c.threads[1].tid, 301);
		CHECK_EQ_U64(c.threads[1].pc, 0xaaaabbbb0040);
		CHECK_EQ_U64(c.threads[1].sp, 0xffffd0000000);
	}
	/* No NT_SIGINFO: the first thread's cursig. */
	CHECK_EQ_INT(c.signo, 7);
	CHECK_EQ_INT(c.have_prpsinfo, 0);
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(prpsinfo_fields_filling_their_arrays)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	char psargs[81];

	memset(psargs, 'a', 80);
	psargs[80] = '\0';
	psargs[0] = 'Z';
	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0, 0);
	craft_prpsinfo(&cc.notes, 0, 1, 0, "0123456789abcdefOVERFLOW", psargs);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_STR(c.fname, "0123456789abcdef");
		CHECK_EQ_STR(c.psargs, psargs);
	}
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(short_notes_are_skipped_with_a_warning)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char small[100];

	memset(small, 0, sizeof(small));
	craft_note(&cc.notes, "CORE", NT_PRSTATUS, small, 100);
	craft_note(&cc.notes, "CORE", NT_PRPSINFO, small, 100);
	/* Same types under another owner name are not process facts. */
	craft_note(&cc.notes, "LINUX", NT_PRSTATUS, small, 100);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nthreads, 0);
		CHECK_EQ_INT(c.have_prpsinfo, 0);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK(warned(&c, "NT_PRSTATUS note too short"));
		CHECK(warned(&c, "NT_PRPSINFO note too short"));
		CHECK(warned(&c, "records no threads"));
	}
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(nt_file_mappings_and_files)
{
	static const struct craft_map maps[] = {
		{ 0x400000, 0x401000, 0, "/nonexistent/hg/python3" },
		{ 0x401000, 0x403000, 1, "/nonexistent/hg/python3" },
		{ 0x7f0000000000, 0x7f0000004000, 0, "/nonexistent/hg/libc.so.6" },
		{ 0x403000, 0x404000, 3, "/nonexistent/hg/python3" },
	};
	uint64_t auxv[] = { AT_PAGESZ, 4096, AT_ENTRY, 0x401234, AT_EXECFN, 0x10010 };
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char stack[64];

	memset(stack, 0, sizeof(stack));
	strcpy((char *)stack + 0x10, "/usr/bin/python3");
	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0, 0);
	craft_auxv(&cc.notes, auxv, 3);
	craft_nt_file(&cc.notes, maps, 4);
	craft_seg_add(&cc, 0x10000, stack, sizeof(stack), PF_R | PF_W);
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0))
		goto out;
	if (CHECK_EQ_INT(c.nmappings, 4) && CHECK_EQ_INT(c.nfiles, 2)) {
		CHECK_EQ_STR(c.files[0].path, "/nonexistent/hg/python3");
		CHECK_EQ_STR(c.files[1].path, "/nonexistent/hg/libc.so.6");
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
		CHECK_EQ_INT(c.files[1].status, HG_FILE_MISSING);
		CHECK(c.files[0].disk_path == NULL);
		CHECK_EQ_U64(c.mappings[1].start, 0x401000);
		CHECK_EQ_U64(c.mappings[1].end, 0x403000);
		CHECK_EQ_U64(c.mappings[1].file_ofs, 0x1000);
		CHECK_EQ_INT(c.mappings[1].file, 0);
		CHECK_EQ_INT(c.mappings[2].file, 1);
		CHECK_EQ_INT(c.mappings[3].file, 0);
		CHECK_EQ_U64(c.mappings[3].file_ofs, 0x3000);
		CHECK_EQ_U64(c.files[0].base, 0x400000);
		CHECK_EQ_U64(c.files[1].base, 0x7f0000000000);
	}
	CHECK_EQ_INT(c.nauxv, 4);
	CHECK_EQ_STR(c.execfn, "/usr/bin/python3");
	/* The mapping holding AT_ENTRY names the executable. */
	CHECK_EQ_STR(c.executable, "/nonexistent/hg/python3");
	CHECK(warned(&c, "2 mapped files not found"));
	CHECK_EQ_INT(hg_core_read(&c, 0x400000, stack, 1), -1);
	CHECK_EQ_STR(hg_file_status_name(c.files[0].status), "missing");
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(damaged_nt_file)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	static const struct craft_map maps[] = { { 0x1000, 0x2000, 0, "/x/a" }, { 0x3000, 0x2000, 0, "/x/b" } };
	struct craft_buf d = { 0 };
	uint64_t v[5] = { 1000000, 4096, 0x1000, 0x2000, 0 };

	/* The second entry's end lies before its start: skipped. */
	craft_nt_file(&cc.notes, maps, 2);
	/* A second NT_FILE note is ignored. */
	craft_nt_file(&cc.notes, maps, 1);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nmappings, 1);
		CHECK_EQ_INT(c.nfiles, 1);
		CHECK(warned(&c, "second NT_FILE"));
	}
	hg_core_release(&c);
	craft_core_free(&cc);

	/* A count far larger than the note. */
	memset(&cc, 0, sizeof(cc));
	craft_put(&d, v, sizeof(v));
	craft_put(&d, "/x/a", 5);
	craft_note(&cc.notes, "CORE", NT_FILE, d.p, d.len);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nmappings, 0);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK(warned(&c, "NT_FILE note is damaged"));
	}
	hg_core_release(&c);
	craft_core_free(&cc);

	/* Paths missing their NUL: the entries before are kept. */
	memset(&cc, 0, sizeof(cc));
	v[0] = 2;
	d.len = 0;
	craft_put(&d, v, 16);
	for (int i = 0; i < 2; i++) {
		uint64_t e[3] = { 0x1000 * (uint64_t)(i + 1), 0x1000 * (uint64_t)(i + 2), 0 };

		craft_put(&d, e, sizeof(e));
	}
	craft_put(&d, "/x/a\0/x/b", 9);
	craft_note(&cc.notes, "CORE", NT_FILE, d.p, d.len);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nmappings, 1);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK(warned(&c, "after entry 1"));
	}
	hg_core_release(&c);
	craft_core_free(&cc);
	craft_buf_free(&d);
}

TEST(many_mapped_files_stay_linear)
{
	enum { N = 200000 };
	struct craft_map *m = calloc(N, sizeof(*m));
	char (*paths)[24] = calloc(N, sizeof(*paths));
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;

	if (!m || !paths)
		abort();
	/* 200000 distinct files: a quadratic lookup would take minutes. */
	for (size_t i = 0; i < N; i++) {
		snprintf(paths[i], sizeof(paths[i]), "/nonexistent/%zu", i);
		m[i].start = 0x10000000 + 0x1000 * (uint64_t)(N - i);
		m[i].end = m[i].start + 0x1000;
		m[i].path = paths[i];
	}
	m[N - 1].path = paths[0];
	craft_nt_file(&cc.notes, m, N);
	alarm(60);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nmappings, N);
		CHECK_EQ_INT(c.nfiles, N - 1);
		CHECK_EQ_INT(c.mappings[N - 1].file, 0);
		CHECK_EQ_STR(c.files[12345].path, "/nonexistent/12345");
	}
	alarm(0);
	hg_core_release(&c);
	craft_core_free(&cc);
	free(m);
	free(paths);
}

TEST(reads_across_and_at_segment_edges)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char buf[64];
	const struct hg_core_region *r;
	const unsigned char *p;
	uint64_t v, want = 0;

	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0, 0);
	/* Out of order on purpose: regions are sorted by address. */
	craft_seg_add(&cc, 0x11000, NULL, 0x1000, PF_R | PF_W);
	craft_seg_add(&cc, 0x10000, NULL, 0x1000, PF_R);
	craft_seg_add(&cc, 0x20000, NULL, 0x100, PF_R);
	/* Wraps past 2^64: ignored. */
	craft_seg_add(&cc, UINT64_MAX - 0xfff, NULL, 0x2000, PF_R);
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0))
		goto out;
	CHECK_EQ_INT(c.nsegments, 4);
	CHECK_EQ_INT(c.nregions, 3);
	/* Across two adjacent segments. */
	CHECK(expected_pattern(&c, 0x10ff8, 16));
	CHECK(expected_pattern(&c, 0x10000, 64));
	CHECK(expected_pattern(&c, 0x11fc0, 64));
	CHECK(expected_pattern(&c, 0x200ff, 1));
	for (int i = 7; i >= 0; i--)
		want = want << 8 | craft_pattern(0x10ffc + (uint64_t)i);
	CHECK_EQ_INT(hg_core_read_u64(&c, 0x10ffc, &v), 0);
	CHECK_EQ_U64(v, want);
	/* A byte before, after and between. */
	CHECK_EQ_INT(hg_core_read(&c, 0xffff, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0xffff, buf, 2), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x11fff, buf, 2), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x12000, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x200fc, buf, 8), -1);
	CHECK_EQ_INT(hg_core_read_u64(&c, 0x200fc, &v), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x20100, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, UINT64_MAX - 3, buf, 8), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x10000, buf, 0), 0);
	/* hg_core_ptr wants one region. */
	p = hg_core_ptr(&c, 0x10ff8, 8);
	CHECK(p && p[0] == craft_pattern(0x10ff8) && p[7] == craft_pattern(0x10fff));
	CHECK(hg_core_ptr(&c, 0x10ff8, 9) == NULL);
	CHECK(hg_core_ptr(&c, 0x30000, 1) == NULL);
	r = hg_core_region_at(&c, 0x11000);
	if (CHECK(r != NULL)) {
		CHECK_EQ_U64(r->start, 0x11000);
		CHECK_EQ_U64(r->end, 0x12000);
		CHECK_EQ_INT(r->writable, 1);
		CHECK_EQ_INT(r->from_file, 0);
	}
	r = hg_core_region_at(&c, 0x10fff);
	CHECK(r && r->start == 0x10000 && !r->writable);
	CHECK(hg_core_region_at(&c, 0x12000) == NULL);
	CHECK(hg_core_region_at(&c, 0xfffff) == NULL);
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(truncated_core_reads_what_is_there)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char buf[16];

	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, 0, 0);
	craft_seg_add(&cc, 0x10000, NULL, 0x1000, PF_R);
	craft_seg_add(&cc, 0x30000, NULL, 0x2000, PF_R | PF_W);
	craft_seg_add(&cc, 0x50000, NULL, 0x1000, PF_R | PF_W);
	{
		struct craft_buf out = { 0 };

		craft_core_build(&cc, &out);	/* for seg_off */
		craft_buf_free(&out);
	}
	/* Cut 0x800 bytes into the second segment; the third is gone entirely. */
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, cc.seg_off[1] + 0x800), 0))
		goto out;
	CHECK_EQ_INT(c.incomplete, 1);
	CHECK(warned(&c, "truncated"));
	CHECK(warned(&c, "10240 bytes of process memory are missing"));
	CHECK_EQ_INT(c.nsegments, 3);
	CHECK(expected_pattern(&c, 0x10000, 16));
	CHECK(expected_pattern(&c, 0x307f8, 8));
	CHECK_EQ_INT(hg_core_read(&c, 0x307fc, buf, 8), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x30800, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x31000, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, 0x50000, buf, 1), -1);
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(read_cstr_stops_at_region_ends)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	char buf[64];
	static const char a[] = { 'x', 'x', 'h', 'e', 'l', 'l', 'o' };	/* no NUL */
	static const char b[] = { 'a', 'b' };
	static const char d[] = { 'c', 'd', '\0', 'e' };
	static const char e[] = { 'l', 'a', 's', 't', '\0' };

	craft_seg_add(&cc, 0x10000, a, sizeof(a), PF_R);
	craft_seg_add(&cc, 0x20000 - 2, b, sizeof(b), PF_R);
	craft_seg_add(&cc, 0x20000, d, sizeof(d), PF_R);
	craft_seg_add(&cc, 0x30000, e, sizeof(e), PF_R);
	if (!CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0))
		goto out;
	/* Runs into the end of the region: no string, but what was read is terminated. */
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x10002, buf, sizeof(buf)), -1);
	CHECK_EQ_STR(buf, "hello");
	/* Continues into an adjacent region. */
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x20000 - 2, buf, sizeof(buf)), 4);
	CHECK_EQ_STR(buf, "abcd");
	/* The NUL is the region's last byte. */
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x30000, buf, sizeof(buf)), 4);
	CHECK_EQ_STR(buf, "last");
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x30004, buf, sizeof(buf)), 0);
	CHECK_EQ_STR(buf, "");
	/* Longer than the buffer: cut, terminated, -1. */
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x30000, buf, 3), -1);
	CHECK_EQ_STR(buf, "la");
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x30000, buf, 5), 4);
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x30000, buf, 1), -1);
	CHECK_EQ_STR(buf, "");
	CHECK_EQ_INT(hg_core_read_cstr(&c, 0x40000, buf, sizeof(buf)), -1);
	CHECK_EQ_STR(buf, "");
out:
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(pn_xnum_core)
{
	struct craft_core cc = { .xnum = 1 };
	struct hg_core c;
	struct hg_error err;

	craft_prstatus(&cc.notes, EM_X86_64, 9, 0, 0x1234, 0x5678);
	craft_seg_add(&cc, 0x10000, NULL, 0x100, PF_R);
	craft_seg_add(&cc, 0x20000, NULL, 0x100, PF_R);
	craft_seg_add(&cc, 0x30000, NULL, 0x100, PF_R);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nsegments, 3);
		CHECK_EQ_INT(c.nthreads, 1);
		CHECK_EQ_U64(c.threads[0].pc, 0x1234);
		CHECK(expected_pattern(&c, 0x300f0, 16));
	}
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(notes_running_past_their_segment)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char hdr[12];

	/* One good thread, then a note claiming 64 KiB in a smaller area. */
	craft_prstatus(&cc.notes, EM_X86_64, 5, 0, 0x1000, 0x2000);
	craft_set32(hdr, 5);
	craft_set32(hdr + 4, 0x10000);
	craft_set32(hdr + 8, NT_PRSTATUS);
	craft_put(&cc.notes, hdr, 12);
	craft_put(&cc.notes, "CORE\0\0\0", 8);
	craft_prstatus(&cc.notes, EM_X86_64, 6, 0, 0x1000, 0x2000);
	craft_seg_add(&cc, 0x10000, NULL, 0x100, PF_R);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nthreads, 1);
		CHECK_EQ_INT(c.threads[0].tid, 5);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK(warned(&c, "runs past its segment"));
		CHECK(expected_pattern(&c, 0x10000, 16));
	}
	hg_core_release(&c);
	craft_core_free(&cc);

	/* The note segment itself claims more than the file holds. */
	memset(&cc, 0, sizeof(cc));
	craft_prstatus(&cc.notes, EM_X86_64, 5, 0, 0x1000, 0x2000);
	cc.note_filesz_extra = 1 << 20;
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nthreads, 1);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK(warned(&c, "note segment is cut short"));
	}
	hg_core_release(&c);
	craft_core_free(&cc);

	/* Huge sizes near 4 GiB in the first note. */
	memset(&cc, 0, sizeof(cc));
	craft_set32(hdr, 0xffffffff);
	craft_set32(hdr + 4, 0xffffffff);
	craft_put(&cc.notes, hdr, 12);
	craft_put(&cc.notes, "CORE\0\0\0", 8);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nthreads, 0);
		CHECK_EQ_INT(c.incomplete, 1);
	}
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(overlapping_segments_stay_disjoint)
{
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	static const unsigned char zero[0x100];
	unsigned char buf[0x80];

	craft_seg_add(&cc, 0x10000, NULL, 0x100, PF_R);
	craft_seg_add(&cc, 0x10080, zero, 0x100, PF_R);
	craft_seg_add(&cc, 0x10010, zero, 0x10, PF_R);	/* inside the first */
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		CHECK_EQ_INT(c.nregions, 2);
		CHECK(warned(&c, "overlapping segments at 0x10080"));
		CHECK(warned(&c, "overlapping segments at 0x10010"));
		/* The lower segment keeps the shared bytes, the other the rest. */
		CHECK(expected_pattern(&c, 0x10000, 0x100));
		CHECK_EQ_INT(hg_core_read(&c, 0x10100, buf, 0x80), 0);
		CHECK_EQ_MEM(buf, zero, 0x80);
		CHECK(hg_core_region_at(&c, 0x10180) == NULL);
		CHECK_EQ_U64(c.regions[1].start, 0x10100);
		CHECK_EQ_INT(c.incomplete, 1);
	}
	hg_core_release(&c);
	craft_core_free(&cc);
}

TEST(refuses_what_is_not_a_64bit_le_core)
{
	struct craft_core c32 = { .ei_class = ELFCLASS32 }, cbe = { .ei_data = ELFDATA2MSB };
	struct craft_core exe = { .type = ET_EXEC }, dyn = { .type = ET_DYN };
	struct craft_core i386 = { .machine = EM_386 };
	struct hg_core c;
	struct hg_error err;
	const char *path;

	CHECK_EQ_INT(open_core(&c32, &c, NULL, &err, 0), -1);
	CHECK_EQ_INT(err.code, HG_EUNSUPPORTED);
	hg_core_release(&c);
	CHECK_EQ_INT(open_core(&cbe, &c, NULL, &err, 0), -1);
	CHECK_EQ_INT(err.code, HG_EUNSUPPORTED);
	hg_core_release(&c);
	CHECK_EQ_INT(open_core(&i386, &c, NULL, &err, 0), -1);
	CHECK_EQ_INT(err.code, HG_EUNSUPPORTED);
	CHECK(strstr(err.msg, "architecture") != NULL);
	hg_core_release(&c);
	CHECK_EQ_INT(open_core(&exe, &c, NULL, &err, 0), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "not a core dump") && strstr(err.msg, "executable"));
	hg_core_release(&c);
	CHECK_EQ_INT(open_core(&dyn, &c, NULL, &err, 0), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_core_release(&c);

	path = craft_tmpfile("", 0);
	err.code = 0;
	CHECK_EQ_INT(hg_core_open(&c, path, NULL, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "empty") != NULL);
	hg_core_release(&c);
	path = craft_tmpfile("#!/bin/sh\necho not a core\n", 26);
	err.code = 0;
	CHECK_EQ_INT(hg_core_open(&c, path, NULL, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_core_release(&c);
	err.code = 0;
	CHECK_EQ_INT(hg_core_open(&c, craft_tmpdir(), NULL, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_core_release(&c);
	err.code = 0;
	CHECK_EQ_INT(hg_core_open(&c, "/nonexistent/hg/core", NULL, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "/nonexistent/hg/core") != NULL);
	hg_core_release(&c);
	craft_core_free(&c32);
	craft_core_free(&cbe);
	craft_core_free(&exe);
	craft_core_free(&dyn);
	craft_core_free(&i386);
}

/* ---- memory from mapped files ---- */

static const struct craft_sym lib_syms[] = {
	{ "hg_answer", 0x1234, 8, 0 },
	{ "hg_import", 0, 0, 1 },
};

/* A 4-page library with build-id id[0] = tag and hg_answer at 0x1234. */
static void make_lib(struct craft_buf *out, unsigned char tag)
{
	struct craft_lib l = { .dynsym = lib_syms, .ndynsym = 2, .pages = 4 };

	for (int i = 0; i < 20; i++)
		l.build_id[i] = (unsigned char)(tag + i);
	craft_lib_build(&l, out);
}

/*
 * A core mapping path at BASE (pages 0-3) and page 2 again at BASE + 0x10000,
 * holding a copy of first_page at BASE (unless NULL), and a writable segment
 * at BASE + 0x3000 that the core kept no bytes of.
 */
static int open_lib_core(struct hg_core *c, const char *path, const unsigned char *first_page,
			 const struct hg_core_options *opt, struct hg_error *err)
{
	struct craft_core cc = { 0 };
	struct craft_map maps[2] = {
		{ BASE, BASE + 0x4000, 0, path },
		{ BASE + 0x10000, BASE + 0x11000, 2, path },
	};
	int rc;

	craft_prstatus(&cc.notes, EM_X86_64, 1, 0, BASE + 0x1100, 0);
	craft_nt_file(&cc.notes, maps, 2);
	if (first_page)
		craft_seg_add(&cc, BASE, first_page, CRAFT_PAGE, PF_R | PF_X);
	craft_seg_add(&cc, BASE + 0x3000, NULL, 0, PF_R | PF_W);
	cc.seg[cc.nseg - 1].memsz = 0x1000;
	rc = open_core(&cc, c, opt, err, 0);
	craft_core_free(&cc);
	return rc;
}

TEST(memory_served_from_a_matching_file)
{
	struct craft_buf lib = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char page[CRAFT_PAGE], buf[64], expect[64];
	const char *path;
	const struct hg_core_region *r;
	uint64_t addr;
	char hex[41];

	make_lib(&lib, 0x10);
	path = craft_file_at("lib/libhg.so", lib.p, lib.len);
	/* The core's copy differs from the file in one byte past the headers. */
	memcpy(page, lib.p, CRAFT_PAGE);
	page[0x800] = (unsigned char)~lib.p[0x800];
	if (!CHECK_EQ_INT(open_lib_core(&c, path, page, NULL, &err), 0))
		goto out;
	if (!CHECK_EQ_INT(c.nfiles, 1))
		goto out;
	hg_hex(lib.p + CRAFT_BUILD_ID_OFF, 20, hex, sizeof(hex));
	CHECK_EQ_INT(c.files[0].status, HG_FILE_OK);
	CHECK_EQ_STR(c.files[0].build_id, hex);
	CHECK_EQ_STR(c.files[0].disk_build_id, hex);
	CHECK_EQ_STR(c.files[0].disk_path, path);
	CHECK_EQ_INT(c.files[0].is_elf, 1);
	CHECK_EQ_U64(c.files[0].base, BASE);
	CHECK_EQ_U64(c.files[0].bias, BASE);
	CHECK_EQ_INT(c.incomplete, 0);
	/* Past the core's copy: the file's bytes. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1010, buf, 64), 0);
	CHECK_EQ_MEM(buf, lib.p + 0x1010, 64);
	r = hg_core_region_at(&c, BASE + 0x1010);
	CHECK(r && r->from_file && !r->writable);
	/* Inside it: the core's bytes win. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x800, buf, 1), 0);
	CHECK_EQ_INT(buf[0], (unsigned char)~lib.p[0x800]);
	r = hg_core_region_at(&c, BASE + 0x800);
	CHECK(r && !r->from_file);
	/* Across the boundary between the core's copy and the file. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0xff0, buf, 32), 0);
	CHECK_EQ_MEM(buf, page + 0xff0, 16);
	CHECK_EQ_MEM(buf + 16, lib.p + 0x1000, 16);
	/* The second mapping starts at file page 2. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x10000, buf, 64), 0);
	CHECK_EQ_MEM(buf, lib.p + 0x2000, 64);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x10ff8, buf, 8), 0);
	CHECK_EQ_MEM(buf, lib.p + 0x2ff8, 8);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x11000, buf, 1), -1);
	/* A writable segment the core dropped is never filled from the file. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x3000, buf, 1), -1);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x2ff8, buf, 8), 0);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x2ff8, buf, 9), -1);
	/* Symbols: link value + load bias. */
	CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "hg_answer", &addr), 0);
	CHECK_EQ_U64(addr, BASE + 0x1234);
	CHECK_EQ_INT(hg_core_read(&c, addr, buf, 8), 0);
	memcpy(expect, lib.p + 0x1234, 8);
	CHECK_EQ_MEM(buf, expect, 8);
	CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "hg_import", &addr), -1);
	CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "nothing", &addr), -1);
	CHECK_EQ_INT(hg_core_file_symbol(&c, 1, "hg_answer", &addr), -1);
out:
	hg_core_release(&c);
	craft_buf_free(&lib);
}

TEST(overlapping_file_mappings_stay_disjoint)
{
	struct craft_buf lib = { 0 }, out = { 0 };
	struct craft_core cc = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char buf[16];
	const char *path;
	struct craft_map maps[2];

	make_lib(&lib, 0x50);
	path = craft_file_at("lib/liboverlap.so", lib.p, lib.len);
	/* The second entry claims part of the first's range for another file page. */
	maps[0] = (struct craft_map){ BASE, BASE + 0x3000, 0, path };
	maps[1] = (struct craft_map){ BASE + 0x1000, BASE + 0x2000, 3, path };
	craft_nt_file(&cc.notes, maps, 2);
	craft_seg_add(&cc, BASE, lib.p, CRAFT_PAGE, PF_R);
	if (CHECK_EQ_INT(open_core(&cc, &c, NULL, &err, 0), 0)) {
		for (size_t i = 1; i < c.nregions; i++)
			CHECK(c.regions[i - 1].end <= c.regions[i].start);
		CHECK(warned(&c, "overlapping file mappings"));
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x2ff0, buf, 16), 0);
		CHECK_EQ_MEM(buf, lib.p + 0x2ff0, 16);
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1000, buf, 16), 0);
	}
	hg_core_release(&c);
	craft_core_free(&cc);
	craft_buf_free(&out);
	craft_buf_free(&lib);
}

TEST(another_build_is_not_used)
{
	struct craft_buf lib = { 0 }, other = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char buf[8];
	const char *path;
	uint64_t addr;

	make_lib(&lib, 0x10);
	make_lib(&other, 0x20);	/* what the process had mapped */
	path = craft_file_at("lib/libmismatch.so", lib.p, lib.len);
	if (!CHECK_EQ_INT(open_lib_core(&c, path, other.p, NULL, &err), 0))
		goto out;
	if (CHECK_EQ_INT(c.nfiles, 1)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISMATCH);
		CHECK(strcmp(c.files[0].build_id, c.files[0].disk_build_id) != 0);
		CHECK_EQ_INT(c.files[0].build_id[0], '2');
		CHECK_EQ_INT(c.files[0].disk_build_id[0], '1');
	}
	CHECK(warned(&c, "build-id mismatch"));
	/* The core's own copy is still there; the file's bytes are not. */
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x10, buf, 8), 0);
	CHECK_EQ_MEM(buf, other.p + 0x10, 8);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1010, buf, 8), -1);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0xffc, buf, 8), -1);
	CHECK_EQ_INT(hg_core_read(&c, BASE + 0x10000, buf, 8), -1);
	CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "hg_answer", &addr), -1);
out:
	hg_core_release(&c);
	craft_buf_free(&lib);
	craft_buf_free(&other);
}

TEST(unverified_and_missing_files)
{
	struct craft_buf lib = { 0 };
	struct hg_core c;
	struct hg_error err;
	unsigned char buf[8];
	const char *path;
	uint64_t addr;

	make_lib(&lib, 0x30);
	path = craft_file_at("lib/libunverified.so", lib.p, lib.len);
	/* No copy of the headers in the core: nothing to compare, used anyway. */
	if (CHECK_EQ_INT(open_lib_core(&c, path, NULL, NULL, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_UNVERIFIED);
		CHECK_EQ_STR(c.files[0].build_id, "");
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x10, buf, 8), 0);
		CHECK_EQ_MEM(buf, lib.p + 0x10, 8);
		CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "hg_answer", &addr), 0);
		CHECK_EQ_U64(addr, BASE + 0x1234);
	}
	hg_core_release(&c);

	if (CHECK_EQ_INT(open_lib_core(&c, "/nonexistent/hg/libgone.so", lib.p, NULL, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
		CHECK(c.files[0].build_id[0] != '\0');
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1010, buf, 8), -1);
		CHECK_EQ_INT(hg_core_file_symbol(&c, 0, "hg_answer", &addr), -1);
		CHECK(warned(&c, "--sysroot"));
	}
	hg_core_release(&c);
	craft_buf_free(&lib);
}

TEST(sysroot_lookup)
{
	struct craft_buf lib = { 0 };
	struct hg_core c;
	struct hg_error err;
	struct hg_core_options opt = { 0 };
	unsigned char buf[16];
	char *root1, *root2, *root3;
	const char *in1, *in2;

	make_lib(&lib, 0x40);
	in1 = craft_file_at("root1/opt/hg/lib/libsys.so", lib.p, lib.len);
	in2 = craft_file_at("root2/libsys.so", lib.p, lib.len);
	craft_file_at("root3/unrelated", "x", 1);
	root1 = strdup(craft_path("root1"));
	root2 = strdup(craft_path("root2"));
	root3 = strdup(craft_path("root3"));

	/* sysroot + the recorded path. */
	opt.sysroot = root1;
	if (CHECK_EQ_INT(open_lib_core(&c, "/opt/hg/lib/libsys.so", lib.p, &opt, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_OK);
		CHECK_EQ_STR(c.files[0].disk_path, in1);
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1000, buf, 16), 0);
		CHECK_EQ_MEM(buf, lib.p + 0x1000, 16);
	}
	hg_core_release(&c);
	/* A file deleted after it was mapped. */
	if (CHECK_EQ_INT(open_lib_core(&c, "/opt/hg/lib/libsys.so (deleted)", lib.p, &opt, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_OK);
		CHECK_EQ_STR(c.files[0].disk_path, in1);
	}
	hg_core_release(&c);
	/* sysroot + the base name. */
	opt.sysroot = root2;
	if (CHECK_EQ_INT(open_lib_core(&c, "/opt/hg/lib/libsys.so", lib.p, &opt, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_OK);
		CHECK_EQ_STR(c.files[0].disk_path, in2);
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1000, buf, 16), 0);
	}
	hg_core_release(&c);
	/* With a sysroot, the recorded path itself is not tried. */
	opt.sysroot = root3;
	if (CHECK_EQ_INT(open_lib_core(&c, in1, lib.p, &opt, &err), 0)) {
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
		CHECK(warned(&c, "under the sysroot"));
		CHECK_EQ_INT(hg_core_read(&c, BASE + 0x1000, buf, 16), -1);
	}
	hg_core_release(&c);
	free(root1);
	free(root2);
	free(root3);
	craft_buf_free(&lib);
}

TEST(special_files_named_in_the_core)
{
	struct hg_core c;
	struct hg_error err;
	const char *fifo = craft_path("fifo");

	/* A FIFO must not block the open; a folder is not a file. */
	if (!CHECK_EQ_INT(mkfifo(fifo, 0600), 0))
		return;
	alarm(10);
	if (CHECK_EQ_INT(open_lib_core(&c, fifo, NULL, NULL, &err), 0))
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
	hg_core_release(&c);
	if (CHECK_EQ_INT(open_lib_core(&c, craft_tmpdir(), NULL, NULL, &err), 0))
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
	hg_core_release(&c);
	if (CHECK_EQ_INT(open_lib_core(&c, "/dev/null", NULL, NULL, &err), 0))
		CHECK_EQ_INT(c.files[0].status, HG_FILE_MISSING);
	hg_core_release(&c);
	alarm(0);
}

int main(void)
{
	RUN(threads_and_process_x86_64);
	RUN(threads_aarch64);
	RUN(prpsinfo_fields_filling_their_arrays);
	RUN(short_notes_are_skipped_with_a_warning);
	RUN(nt_file_mappings_and_files);
	RUN(damaged_nt_file);
	RUN(many_mapped_files_stay_linear);
	RUN(reads_across_and_at_segment_edges);
	RUN(truncated_core_reads_what_is_there);
	RUN(read_cstr_stops_at_region_ends);
	RUN(pn_xnum_core);
	RUN(notes_running_past_their_segment);
	RUN(overlapping_segments_stay_disjoint);
	RUN(refuses_what_is_not_a_64bit_le_core);
	RUN(memory_served_from_a_matching_file);
	RUN(overlapping_file_mappings_stay_disjoint);
	RUN(another_build_is_not_used);
	RUN(unverified_and_missing_files);
	RUN(sysroot_lookup);
	RUN(special_files_named_in_the_core);
	return UNIT_DONE();
}
