/*
 * test-elf.c - hg_elf_parse and friends on crafted in-memory images:
 * header checks, PN_XNUM, symbols from .dynsym and .symtab, build-ids, notes.
 */
#define _GNU_SOURCE
#include "unit.h"
#include "craft.h"
#include "../../formats/elf.h"

static const unsigned char bid[20] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5, 0x16, 0x27, 0x38, 0x49
};

/* A core with a note and two loads; the caller frees out. */
static void small_core(struct craft_core *c, struct craft_buf *out)
{
	craft_prstatus(&c->notes, c->machine ? c->machine : EM_X86_64, 7, 11, 0x401000, 0x7ffd000);
	craft_seg_add(c, 0x7000123, NULL, 100, PF_R);
	craft_seg_add(c, 0x10000, NULL, 64, PF_R | PF_W);
	craft_core_build(c, out);
}

TEST(parses_core_headers)
{
	struct craft_core c = { 0 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };

	small_core(&c, &out);
	if (CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "core", &err), 0)) {
		CHECK_EQ_INT(e.eh.e_type, ET_CORE);
		CHECK_EQ_INT(e.eh.e_machine, EM_X86_64);
		CHECK_EQ_INT(e.nph, 3);
		CHECK_EQ_INT(e.ph[0].p_type, PT_NOTE);
		CHECK_EQ_U64(e.ph[1].p_vaddr, 0x7000123);
		CHECK_EQ_U64(e.ph[2].p_vaddr, 0x10000);
		CHECK_EQ_U64(e.ph[2].p_offset, c.seg_off[1]);
		CHECK_EQ_INT(e.nsh, 0);
		/* The lowest PT_LOAD, rounded down to its page. */
		CHECK_EQ_U64(hg_elf_link_base(&e), 0x10000);
	}
	hg_elf_release(&e);
	craft_buf_free(&out);
	craft_buf_free(&c.notes);
}

TEST(rejects_32bit_and_big_endian)
{
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	struct craft_core c32 = { .ei_class = ELFCLASS32 }, cbe = { .ei_data = ELFDATA2MSB };
	struct craft_core cbad = { .ei_class = 7 };

	small_core(&c32, &out);
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "core32", &err), -1);
	CHECK_EQ_INT(err.code, HG_EUNSUPPORTED);
	CHECK(strstr(err.msg, "core32") && strstr(err.msg, "32-bit"));
	hg_elf_release(&e);

	small_core(&cbe, &out);
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "corebe", &err), -1);
	CHECK_EQ_INT(err.code, HG_EUNSUPPORTED);
	CHECK(strstr(err.msg, "big-endian") != NULL);
	hg_elf_release(&e);

	small_core(&cbad, &out);
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "x", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);

	craft_buf_free(&out);
	craft_buf_free(&c32.notes);
	craft_buf_free(&cbe.notes);
	craft_buf_free(&cbad.notes);
}

TEST(rejects_non_elf_and_truncated_headers)
{
	struct craft_core c = { 0 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	static const unsigned char text[] = "hello, this is not an ELF file at all";

	CHECK_EQ_INT(hg_elf_parse(&e, text, sizeof(text), "text", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, (const unsigned char *)ELFMAG, 4, "tiny", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);

	small_core(&c, &out);
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, 40, "cut", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);
	/* Header complete, the third program header cut in half. */
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, 64 + 2 * 56 + 28, "cut", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "program headers") != NULL);
	hg_elf_release(&e);
	/* Exactly the headers: parses (segments past the end are core.c's business). */
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, 64 + 3 * 56, "headers", &err), 0);
	CHECK_EQ_INT(e.nph, 3);
	hg_elf_release(&e);

	craft_buf_free(&out);
	craft_buf_free(&c.notes);
}

TEST(pn_xnum_takes_the_count_from_section_zero)
{
	struct craft_core c = { .xnum = 1 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	Elf64_Ehdr eh;

	craft_seg_add(&c, 0x1000, NULL, 16, PF_R);
	craft_seg_add(&c, 0x2000, NULL, 16, PF_R);
	craft_seg_add(&c, 0x3000, NULL, 16, PF_R);
	craft_core_build(&c, &out);
	memcpy(&eh, out.p, sizeof(eh));
	CHECK_EQ_INT(eh.e_phnum, PN_XNUM);
	if (CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "xnum", &err), 0)) {
		CHECK_EQ_INT(e.nph, 4);
		CHECK_EQ_U64(e.ph[3].p_vaddr, 0x3000);
		CHECK_EQ_INT(e.nsh, 1);
	}
	hg_elf_release(&e);

	/* PN_XNUM with no section header table to hold the count. */
	eh.e_shoff = 0;
	memcpy(out.p, &eh, sizeof(eh));
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "xnum", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);
	/* ... or one that lies past the end of the file. */
	eh.e_shoff = out.len - 8;
	memcpy(out.p, &eh, sizeof(eh));
	err.code = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "xnum", &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_elf_release(&e);

	craft_buf_free(&out);
	craft_buf_free(&c.notes);
}

TEST(symbols_from_dynsym_and_symtab)
{
	static const struct craft_sym dyn[] = {
		{ "foo", 0x1234, 8, 0 },
		{ "imported", 0, 0, 1 },
		{ "_PyRuntime", 0x5000, 0x1000, 0 },
	};
	static const struct craft_sym tab[] = {
		{ "foo", 0x9999, 4, 0 },
		{ "local_only", 0x2222, 16, 0 },
	};
	struct craft_lib l = { .dynsym = dyn, .ndynsym = 3, .symtab = tab, .nsymtab = 2, .pages = 2 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	uint64_t v = 0, sz = 0;

	craft_lib_build(&l, &out);
	if (!CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0))
		goto out;
	CHECK_EQ_INT(e.eh.e_type, ET_DYN);
	CHECK(e.nsh >= 6);
	/* .dynsym wins over .symtab for a name both define. */
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, &sz), 0);
	CHECK_EQ_U64(v, 0x1234);
	CHECK_EQ_U64(sz, 8);
	CHECK_EQ_INT(hg_elf_symbol(&e, "local_only", &v, &sz), 0);
	CHECK_EQ_U64(v, 0x2222);
	CHECK_EQ_U64(sz, 16);
	CHECK_EQ_INT(hg_elf_symbol(&e, "_PyRuntime", &v, NULL), 0);
	CHECK_EQ_U64(v, 0x5000);
	/* Undefined symbols are references, not definitions. */
	CHECK_EQ_INT(hg_elf_symbol(&e, "imported", &v, NULL), -1);
	CHECK_EQ_INT(hg_elf_symbol(&e, "missing", &v, NULL), -1);
	CHECK_EQ_INT(hg_elf_symbol(&e, "", &v, NULL), -1);
out:
	hg_elf_release(&e);
	craft_buf_free(&out);
}

TEST(build_id_and_sections)
{
	struct craft_lib l = { .pages = 1, .vaddr = 0x400000, .bss_addr = 0x401800, .bss_size = 0x200 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	const Elf64_Shdr *s;
	char id[41];

	memcpy(l.build_id, bid, 20);
	craft_lib_build(&l, &out);
	if (!CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0))
		goto out;
	CHECK_EQ_INT(hg_elf_build_id(&e, id, sizeof(id)), 0);
	CHECK_EQ_STR(id, "00010203040506070809a0b1c2d3e4f516273849");
	CHECK_EQ_U64(hg_elf_link_base(&e), 0x400000);
	s = hg_elf_section(&e, ".bss");
	if (CHECK(s != NULL)) {
		CHECK_EQ_INT(s->sh_type, SHT_NOBITS);
		CHECK_EQ_U64(s->sh_addr, 0x401800);
	}
	CHECK(hg_elf_section(&e, ".bs") == NULL);
	CHECK(hg_elf_section(&e, ".PyRuntime") == NULL);
	/* No symbol tables at all. */
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", NULL, NULL), -1);
	hg_elf_release(&e);

	/* Found through the SHT_NOTE section when the PT_NOTE is empty. */
	((Elf64_Phdr *)(out.p + 64))[1].p_filesz = 0;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	id[0] = '\0';
	CHECK_EQ_INT(hg_elf_build_id(&e, id, sizeof(id)), 0);
	CHECK_EQ_STR(id, "00010203040506070809a0b1c2d3e4f516273849");
	hg_elf_release(&e);
	/* No note at all. */
	l.no_build_id = 1;
	craft_lib_build(&l, &out);
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(hg_elf_build_id(&e, id, sizeof(id)), -1);
out:
	hg_elf_release(&e);
	craft_buf_free(&out);
}

TEST(damaged_section_tables_are_ignored)
{
	static const struct craft_sym dyn[] = { { "foo", 0x1234, 8, 0 } };
	struct craft_lib l = { .dynsym = dyn, .ndynsym = 1, .pages = 1 };
	struct craft_buf out = { 0 };
	struct hg_elf e = { 0 };
	struct hg_error err = { 0 };
	Elf64_Ehdr eh;
	Elf64_Shdr *sh;
	uint64_t v;
	size_t dynsym = 0, dynstr = 0;

	craft_lib_build(&l, &out);
	memcpy(&eh, out.p, sizeof(eh));
	sh = (Elf64_Shdr *)(out.p + eh.e_shoff);
	for (size_t i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_type == SHT_DYNSYM)
			dynsym = i;
		if (sh[i].sh_type == SHT_STRTAB && !dynstr)
			dynstr = i;
	}
	if (!CHECK(dynsym && dynstr))
		goto out;

	/* A section header table past the end: ignored, the image still parses. */
	((Elf64_Ehdr *)out.p)->e_shoff = out.len + 64;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(e.nsh, 0);
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), -1);
	hg_elf_release(&e);
	craft_lib_build(&l, &out);

	/* A symbol name offset past its string table: skipped. */
	sh = (Elf64_Shdr *)(out.p + eh.e_shoff);
	{
		Elf64_Sym *sym = (Elf64_Sym *)(out.p + sh[dynsym].sh_offset) + 1;

		sym->st_name = 0x7fffffff;
		CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
		CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), -1);
		hg_elf_release(&e);
		craft_lib_build(&l, &out);
	}
	/* A string table without a final NUL: the last name is not used. */
	sh = (Elf64_Shdr *)(out.p + eh.e_shoff);
	sh[dynstr].sh_size -= 1;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), -1);
	hg_elf_release(&e);
	craft_lib_build(&l, &out);
	/* sh_link out of range, and a symbol table running past the file. */
	sh = (Elf64_Shdr *)(out.p + eh.e_shoff);
	sh[dynsym].sh_link = 200;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), -1);
	hg_elf_release(&e);
	craft_lib_build(&l, &out);
	sh = (Elf64_Shdr *)(out.p + eh.e_shoff);
	sh[dynsym].sh_size = (uint64_t)1 << 62;
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), -1);
	hg_elf_release(&e);
	/* Intact again: found (so the checks above failed for the right reason). */
	craft_lib_build(&l, &out);
	CHECK_EQ_INT(hg_elf_parse(&e, out.p, out.len, "lib", &err), 0);
	CHECK_EQ_INT(hg_elf_symbol(&e, "foo", &v, NULL), 0);
	CHECK_EQ_U64(v, 0x1234);
out:
	hg_elf_release(&e);
	craft_buf_free(&out);
}

TEST(note_iteration)
{
	struct craft_buf b = { 0 };
	struct hg_note n;
	size_t pos = 0;
	unsigned char cut[64];

	craft_note(&b, "CORE", 1, "abc", 3);	/* name padded to 8, desc to 4 */
	craft_note(&b, "GNU", 3, "0123456789", 10);
	craft_note(&b, "LINUX", 0x200, NULL, 0);
	CHECK_EQ_INT(b.len, 12 + 8 + 4 + 12 + 4 + 12 + 12 + 8);

	CHECK_EQ_INT(hg_note_next(b.p, b.len, &pos, &n), 1);
	CHECK_EQ_INT(n.namesz, 5);
	CHECK_EQ_STR(n.name, "CORE");
	CHECK_EQ_INT(n.type, 1);
	CHECK_EQ_INT(n.descsz, 3);
	CHECK_EQ_MEM(n.desc, "abc", 3);
	CHECK_EQ_INT(pos, 24);
	CHECK_EQ_INT(hg_note_next(b.p, b.len, &pos, &n), 1);
	CHECK_EQ_STR(n.name, "GNU");
	CHECK_EQ_INT(n.descsz, 10);
	CHECK_EQ_MEM(n.desc, "0123456789", 10);
	CHECK_EQ_INT(hg_note_next(b.p, b.len, &pos, &n), 1);
	CHECK_EQ_STR(n.name, "LINUX");
	CHECK_EQ_INT(n.type, 0x200);
	CHECK_EQ_INT(n.descsz, 0);
	CHECK_EQ_INT(hg_note_next(b.p, b.len, &pos, &n), 0);
	CHECK_EQ_INT(pos, b.len);

	/* A descriptor running past the area. */
	memcpy(cut, b.p, 40);
	pos = 24;
	CHECK_EQ_INT(hg_note_next(cut, 40, &pos, &n), -1);
	/* A name running past the area, and sizes near 4 GiB. */
	pos = 0;
	craft_set32(cut, 0xfffffffe);
	CHECK_EQ_INT(hg_note_next(cut, 40, &pos, &n), -1);
	pos = 0;
	craft_set32(cut, 5);
	craft_set32(cut + 4, 0xffffffff);
	CHECK_EQ_INT(hg_note_next(cut, 40, &pos, &n), -1);
	/* Fewer than 12 bytes left: the end, not an error. */
	pos = 0;
	CHECK_EQ_INT(hg_note_next(cut, 11, &pos, &n), 0);
	craft_buf_free(&b);
}

TEST(note_build_id_and_hex)
{
	struct craft_buf b = { 0 };
	char out[41], small[5];
	static const unsigned char x[] = { 0xab, 0xcd, 0xef };

	craft_note(&b, "GNU", NT_GNU_BUILD_ID + 1, bid, 20);	/* wrong type */
	craft_note(&b, "GNUX", NT_GNU_BUILD_ID, bid, 20);	/* wrong name */
	CHECK_EQ_INT(hg_note_build_id(b.p, b.len, out, sizeof(out)), -1);
	craft_note(&b, "GNU", NT_GNU_BUILD_ID, bid + 10, 10);
	CHECK_EQ_INT(hg_note_build_id(b.p, b.len, out, sizeof(out)), 0);
	CHECK_EQ_STR(out, "a0b1c2d3e4f516273849");
	/* hg_hex cuts at the buffer, always terminating. */
	hg_hex(x, 3, small, sizeof(small));
	CHECK_EQ_STR(small, "abcd");
	hg_hex(x, 3, out, sizeof(out));
	CHECK_EQ_STR(out, "abcdef");
	craft_buf_free(&b);
}

int main(void)
{
	RUN(parses_core_headers);
	RUN(rejects_32bit_and_big_endian);
	RUN(rejects_non_elf_and_truncated_headers);
	RUN(pn_xnum_takes_the_count_from_section_zero);
	RUN(symbols_from_dynsym_and_symtab);
	RUN(build_id_and_sections);
	RUN(damaged_section_tables_are_ignored);
	RUN(note_iteration);
	RUN(note_build_id_and_hex);
	return UNIT_DONE();
}
