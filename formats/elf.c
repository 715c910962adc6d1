/*
 * elf.c - ELF64 header, section, symbol and note parsing (see elf.h).
 * Facts: the ELF gABI and <elf.h>; PN_XNUM handling as in Linux core dumps
 * with more than 65534 segments (real count in section 0's sh_info).
 */
#include <stdlib.h>
#include <string.h>
#include "elf.h"
#include "../common/util.h"

static int in_bounds(size_t size, uint64_t off, uint64_t len)
{
	uint64_t end;

	return hg_add_ok(off, len, &end) == 0 && end <= size;
}

int hg_elf_parse(struct hg_elf *e, const unsigned char *data, size_t size,
		 const char *what, struct hg_error *err)
{
	const Elf64_Ehdr *eh;

	memset(e, 0, sizeof(*e));
	e->data = data;
	e->size = size;
	if (size < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
		return hg_errorf(err, HG_EFORMAT, "%s: not an ELF file (heapgraph reads ELF core dumps, plain, .gz or .zst: make one with gcore PID)", what);
	if (data[EI_CLASS] == ELFCLASS32)
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: 32-bit ELF is not supported (64-bit only)", what);
	if (data[EI_CLASS] != ELFCLASS64)
		return hg_errorf(err, HG_EFORMAT, "%s: bad ELF class %u", what, data[EI_CLASS]);
	if (data[EI_DATA] != ELFDATA2LSB)
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: big-endian ELF is not supported", what);
	if (size < sizeof(Elf64_Ehdr))
		return hg_errorf(err, HG_EFORMAT, "%s: truncated ELF header", what);
	eh = (const void *)data;
	memcpy(&e->eh, eh, sizeof(e->eh));

	/* Section headers first: PN_XNUM keeps the real segment count there. */
	if (e->eh.e_shoff && e->eh.e_shentsize == sizeof(Elf64_Shdr) &&
	    in_bounds(size, e->eh.e_shoff, sizeof(Elf64_Shdr))) {
		Elf64_Shdr s0;
		uint64_t nsh = e->eh.e_shnum;

		memcpy(&s0, data + e->eh.e_shoff, sizeof(s0));
		if (nsh == 0)
			nsh = s0.sh_size;
		if (nsh && nsh < (1u << 24) && in_bounds(size, e->eh.e_shoff, nsh * sizeof(Elf64_Shdr))) {
			e->nsh = (size_t)nsh;
			e->sh = xmalloc(e->nsh * sizeof(Elf64_Shdr));
			memcpy(e->sh, data + e->eh.e_shoff, e->nsh * sizeof(Elf64_Shdr));
		}
	}
	e->nph = e->eh.e_phnum;
	if (e->nph == PN_XNUM) {
		/* a core of no segments has e_phnum 0: none counted in section 0 is damage */
		if (!e->sh)
			return hg_errorf(err, HG_EFORMAT, "%s: too many segments and no section 0 to count them", what);
		if (!e->sh[0].sh_info)
			return hg_errorf(err, HG_EFORMAT, "%s: the segment count is damaged (e_phnum says section 0 holds it, "
					 "and it holds 0)", what);
		e->nph = e->sh[0].sh_info;
	}
	if (e->nph) {
		if (e->eh.e_phentsize != sizeof(Elf64_Phdr))
			return hg_errorf(err, HG_EFORMAT, "%s: bad program header size %u", what, e->eh.e_phentsize);
		if (!in_bounds(size, e->eh.e_phoff, (uint64_t)e->nph * sizeof(Elf64_Phdr)))
			return hg_errorf(err, HG_EFORMAT, "%s: program headers lie past the end of the file (truncated?)", what);
		e->ph = xmalloc(e->nph * sizeof(Elf64_Phdr));
		memcpy(e->ph, data + e->eh.e_phoff, e->nph * sizeof(Elf64_Phdr));
	}
	if (e->sh && e->eh.e_shstrndx < e->nsh) {
		const Elf64_Shdr *s = &e->sh[e->eh.e_shstrndx];

		if (s->sh_type != SHT_NOBITS && in_bounds(size, s->sh_offset, s->sh_size)) {
			e->shstr = (const char *)data + s->sh_offset;
			e->shstr_size = s->sh_size;
		}
	}
	return 0;
}

void hg_elf_release(struct hg_elf *e)
{
	free(e->ph);
	free(e->sh);
	free(e->syms);
	memset(e, 0, sizeof(*e));
}

/* A NUL-terminated string at tab[off] inside tab[0..size), or NULL. */
static const char *strtab_get(const char *tab, size_t size, uint64_t off)
{
	if (!tab || off >= size || !memchr(tab + off, '\0', size - off))
		return NULL;
	return tab + off;
}

const Elf64_Shdr *hg_elf_section(const struct hg_elf *e, const char *name)
{
	for (size_t i = 0; i < e->nsh; i++) {
		const char *n = strtab_get(e->shstr, e->shstr_size, e->sh[i].sh_name);

		if (n && !strcmp(n, name))
			return &e->sh[i];
	}
	return NULL;
}

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct hg_elf_sym *)a)->name, ((const struct hg_elf_sym *)b)->name);
}

/*
 * Appends the defined symbols of table s.  Names found among the first ndyn
 * entries (the sorted .dynsym) are skipped: where both tables define a name,
 * the exported definition is the one the process resolved.
 */
static void add_symtab(struct hg_elf *e, const Elf64_Shdr *s, size_t *alloc, size_t ndyn)
{
	const Elf64_Shdr *strs;
	size_t n;

	if (s->sh_link >= e->nsh || s->sh_entsize != sizeof(Elf64_Sym) ||
	    !in_bounds(e->size, s->sh_offset, s->sh_size))
		return;
	strs = &e->sh[s->sh_link];
	if (strs->sh_type == SHT_NOBITS || !in_bounds(e->size, strs->sh_offset, strs->sh_size))
		return;
	n = s->sh_size / sizeof(Elf64_Sym);
	for (size_t i = 0; i < n; i++) {
		Elf64_Sym sym;
		const char *name;

		memcpy(&sym, e->data + s->sh_offset + i * sizeof(sym), sizeof(sym));
		if (sym.st_shndx == SHN_UNDEF || !sym.st_name)
			continue;
		name = strtab_get((const char *)e->data + strs->sh_offset, strs->sh_size, sym.st_name);
		if (!name || !*name)
			continue;
		if (ndyn) {
			struct hg_elf_sym key = { name, 0, 0 };

			if (bsearch(&key, e->syms, ndyn, sizeof(key), cmp_sym))
				continue;
		}
		HG_GROW(e->syms, e->nsyms + 1, *alloc);
		e->syms[e->nsyms].name = name;
		e->syms[e->nsyms].value = sym.st_value;
		e->syms[e->nsyms].size = sym.st_size;
		e->nsyms++;
	}
}

static void build_syms(struct hg_elf *e)
{
	size_t alloc = 0, ndyn;

	e->syms_built = 1;
	/* qsort is not stable: .dynsym wins by keeping .symtab's duplicates out. */
	for (size_t i = 0; i < e->nsh; i++)
		if (e->sh[i].sh_type == SHT_DYNSYM)
			add_symtab(e, &e->sh[i], &alloc, 0);
	ndyn = e->nsyms;
	if (ndyn)
		hg_sort(e->syms, ndyn, sizeof(*e->syms), cmp_sym);
	for (size_t i = 0; i < e->nsh; i++)
		if (e->sh[i].sh_type == SHT_SYMTAB)
			add_symtab(e, &e->sh[i], &alloc, ndyn);
	if (e->nsyms > ndyn)
		hg_sort(e->syms, e->nsyms, sizeof(*e->syms), cmp_sym);
}

int hg_elf_symbol(struct hg_elf *e, const char *name, uint64_t *value, uint64_t *size)
{
	struct hg_elf_sym key = { name, 0, 0 }, *hit;

	if (!e->syms_built)
		build_syms(e);
	if (!e->nsyms)
		return -1;
	hit = bsearch(&key, e->syms, e->nsyms, sizeof(key), cmp_sym);
	if (!hit)
		return -1;
	if (value)
		*value = hit->value;
	if (size)
		*size = hit->size;
	return 0;
}

int hg_note_next(const unsigned char *buf, size_t size, size_t *pos, struct hg_note *n)
{
	size_t p = *pos;
	uint64_t namesz, descsz, need;

	if (p >= size || size - p < 12)
		return 0;
	namesz = hg_le32(buf + p);
	descsz = hg_le32(buf + p + 4);
	n->type = hg_le32(buf + p + 8);
	need = 12 + ((namesz + 3) & ~3ull);
	if (need > size - p)
		return -1;
	n->name = (const char *)buf + p + 12;
	n->namesz = (uint32_t)namesz;
	if (descsz > size - p - need)
		return -1;
	n->desc = buf + p + need;
	n->descsz = (uint32_t)descsz;
	need += (descsz + 3) & ~3ull;
	*pos = need > size - p ? size : p + need;
	return 1;
}

void hg_hex(const unsigned char *p, size_t n, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n && 2 * i + 2 < outlen; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	if (outlen)
		out[2 * i < outlen ? 2 * i : outlen - 1] = '\0';
}

int hg_note_build_id(const unsigned char *buf, size_t size, char *out, size_t outlen)
{
	struct hg_note n;
	size_t pos = 0;

	while (hg_note_next(buf, size, &pos, &n) == 1) {
		if (n.type == NT_GNU_BUILD_ID && n.namesz == 4 && !memcmp(n.name, "GNU", 4) &&
		    n.descsz > 0 && n.descsz <= 64) {
			hg_hex(n.desc, n.descsz, out, outlen);
			return 0;
		}
	}
	return -1;
}

int hg_elf_build_id(const struct hg_elf *e, char *out, size_t outlen)
{
	for (size_t i = 0; i < e->nph; i++) {
		const Elf64_Phdr *p = &e->ph[i];

		if (p->p_type == PT_NOTE && in_bounds(e->size, p->p_offset, p->p_filesz) &&
		    hg_note_build_id(e->data + p->p_offset, p->p_filesz, out, outlen) == 0)
			return 0;
	}
	for (size_t i = 0; i < e->nsh; i++) {
		const Elf64_Shdr *s = &e->sh[i];

		if (s->sh_type == SHT_NOTE && in_bounds(e->size, s->sh_offset, s->sh_size) &&
		    hg_note_build_id(e->data + s->sh_offset, s->sh_size, out, outlen) == 0)
			return 0;
	}
	return -1;
}

uint64_t hg_elf_link_base(const struct hg_elf *e)
{
	uint64_t base = UINT64_MAX;

	for (size_t i = 0; i < e->nph; i++)
		if (e->ph[i].p_type == PT_LOAD && e->ph[i].p_vaddr < base)
			base = e->ph[i].p_vaddr;
	return base == UINT64_MAX ? 0 : base & ~(uint64_t)0xfff;
}
