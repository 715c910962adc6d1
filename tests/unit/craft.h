/*
 * craft.h - building small ELF64 cores and libraries in memory, for the unit
 * tests and the fuzzer's seed corpus (header-only, static functions).
 *
 * A core is an ELF header, its program headers (PT_NOTE first, then the
 * PT_LOADs in the order given), the note area, then each segment's bytes.
 * A library is one page of headers, notes, symbol tables and section headers,
 * then pages filled with craft_pattern() so that a byte read through the core
 * can be traced to its file offset.  Layouts: <elf.h>, Linux
 * fs/binfmt_elf.c (prstatus, prpsinfo, NT_FILE) and arch.c.
 * Include it after "#define _GNU_SOURCE" (mkdtemp, nftw, strnlen).
 */
#ifndef HG_CRAFT_H
#define HG_CRAFT_H

#include <elf.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif

#define CRAFT_PAGE 4096

/* ---- a growing byte buffer ---- */

struct craft_buf {
	unsigned char *p;
	size_t len, cap;
};

static inline void craft_reserve(struct craft_buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->cap < b->len + n)
		b->cap = b->cap ? b->cap * 2 : 256;
	b->p = realloc(b->p, b->cap);
	if (!b->p)
		abort();
}

static inline void craft_put(struct craft_buf *b, const void *data, size_t n)
{
	craft_reserve(b, n);
	if (data)
		memcpy(b->p + b->len, data, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static inline void craft_u32(struct craft_buf *b, uint32_t v) { craft_put(b, &v, 4); }

static inline void craft_align(struct craft_buf *b, size_t a)
{
	while (b->len % a)
		craft_put(b, "", 1);
}

static inline void craft_buf_free(struct craft_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static inline void craft_set64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }
static inline void craft_set32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }

/* The byte a library holds at file offset off outside its headers. */
static inline unsigned char craft_pattern(uint64_t off)
{
	return (unsigned char)((off * 131 + (off >> 8) * 7 + 1) & 0xff);
}

/* ---- notes ---- */

static inline void craft_note(struct craft_buf *b, const char *name, uint32_t type,
			      const void *desc, size_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	craft_u32(b, namesz);
	craft_u32(b, (uint32_t)descsz);
	craft_u32(b, type);
	craft_put(b, name, namesz);
	craft_align(b, 4);
	craft_put(b, desc, descsz);
	craft_align(b, 4);
}

/*
 * NT_PRSTATUS for machine (EM_X86_64: 336 bytes, 27 registers, rip 16, rsp 19;
 * EM_AARCH64: 392 bytes, 34 registers, pc 32, sp 31).  Register i holds
 * 0x1000 * tid + i except pc and sp.
 */
static inline void craft_prstatus(struct craft_buf *b, int machine, int tid, int sig,
				  uint64_t pc, uint64_t sp)
{
	unsigned char d[392];
	size_t size = machine == EM_AARCH64 ? 392 : 336;
	int nregs = machine == EM_AARCH64 ? 34 : 27;
	int ipc = machine == EM_AARCH64 ? 32 : 16, isp = machine == EM_AARCH64 ? 31 : 19;
	uint16_t cursig = (uint16_t)sig;

	memset(d, 0, sizeof(d));
	memcpy(d + 12, &cursig, 2);
	craft_set32(d + 32, (uint32_t)tid);
	for (int i = 0; i < nregs; i++)
		craft_set64(d + 112 + 8 * i, 0x1000u * (unsigned)tid + (unsigned)i);
	craft_set64(d + 112 + 8 * ipc, pc);
	craft_set64(d + 112 + 8 * isp, sp);
	craft_note(b, "CORE", NT_PRSTATUS, d, size);
}

static inline void craft_prpsinfo(struct craft_buf *b, int uid, int pid, int ppid,
				  const char *fname, const char *psargs)
{
	unsigned char d[136];

	memset(d, 0, sizeof(d));
	craft_set32(d + 16, (uint32_t)uid);
	craft_set32(d + 24, (uint32_t)pid);
	craft_set32(d + 28, (uint32_t)ppid);
	memcpy(d + 40, fname, strnlen(fname, 16));
	memcpy(d + 56, psargs, strnlen(psargs, 80));
	craft_note(b, "CORE", NT_PRPSINFO, d, sizeof(d));
}

static inline void craft_siginfo(struct craft_buf *b, int signo, int code, uint64_t addr)
{
	unsigned char d[128];

	memset(d, 0, sizeof(d));
	craft_set32(d, (uint32_t)signo);
	craft_set32(d + 8, (uint32_t)code);
	craft_set64(d + 16, addr);
	craft_note(b, "CORE", NT_SIGINFO, d, sizeof(d));
}

/* NT_AUXV from n (type, value) pairs; an AT_NULL pair is appended. */
static inline void craft_auxv(struct craft_buf *b, const uint64_t *pairs, size_t n)
{
	struct craft_buf d = { 0 };

	craft_put(&d, pairs, 16 * n);
	craft_put(&d, NULL, 16);
	craft_note(b, "CORE", NT_AUXV, d.p, d.len);
	craft_buf_free(&d);
}

struct craft_map {
	uint64_t start, end, pgoff;	/* pgoff in pages */
	const char *path;
};

static inline void craft_nt_file(struct craft_buf *b, const struct craft_map *m, size_t n)
{
	struct craft_buf d = { 0 };
	uint64_t v;

	v = n;
	craft_put(&d, &v, 8);
	v = CRAFT_PAGE;
	craft_put(&d, &v, 8);
	for (size_t i = 0; i < n; i++) {
		craft_put(&d, &m[i].start, 8);
		craft_put(&d, &m[i].end, 8);
		craft_put(&d, &m[i].pgoff, 8);
	}
	for (size_t i = 0; i < n; i++)
		craft_put(&d, m[i].path, strlen(m[i].path) + 1);
	craft_note(b, "CORE", NT_FILE, d.p, d.len);
	craft_buf_free(&d);
}

/* ---- cores ---- */

struct craft_seg {
	uint64_t vaddr;
	const void *data;	/* filesz bytes; NULL: craft_pattern(vaddr + i) */
	size_t filesz;
	uint64_t memsz;		/* 0: filesz */
	uint32_t flags;		/* 0: PF_R | PF_W */
	uint32_t type;		/* 0: PT_LOAD */
};

struct craft_core {
	int machine;		/* 0: EM_X86_64 */
	int type;		/* 0: ET_CORE */
	unsigned char ei_class, ei_data;	/* 0: ELFCLASS64, ELFDATA2LSB */
	int xnum;		/* e_phnum = PN_XNUM, the count in section 0's sh_info */
	struct craft_buf notes;
	uint64_t note_filesz_extra;	/* added to the PT_NOTE p_filesz (a lie) */
	struct craft_seg seg[16];
	size_t nseg;
	uint64_t seg_off[16];	/* filled by craft_core_build: each segment's file offset */
};

static inline void craft_seg_add(struct craft_core *c, uint64_t vaddr, const void *data,
				 size_t filesz, uint32_t flags)
{
	struct craft_seg *s = &c->seg[c->nseg++];

	memset(s, 0, sizeof(*s));
	s->vaddr = vaddr;
	s->data = data;
	s->filesz = filesz;
	s->flags = flags;
}

static inline void craft_core_free(struct craft_core *c)
{
	craft_buf_free(&c->notes);
}

/* Lays the core out in out (which it resets). */
static inline void craft_core_build(struct craft_core *c, struct craft_buf *out)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	size_t nph = 1 + c->nseg, note_off, off;

	out->len = 0;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = c->ei_class ? c->ei_class : ELFCLASS64;
	eh.e_ident[EI_DATA] = c->ei_data ? c->ei_data : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = (uint16_t)(c->type ? c->type : ET_CORE);
	eh.e_machine = (uint16_t)(c->machine ? c->machine : EM_X86_64);
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)nph;
	note_off = sizeof(eh) + nph * sizeof(Elf64_Phdr);
	if (c->xnum) {
		/* One section header (index 0) right after the program headers. */
		eh.e_phnum = PN_XNUM;
		eh.e_shoff = note_off;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
		note_off += sizeof(Elf64_Shdr);
	}
	craft_put(out, &eh, sizeof(eh));

	off = note_off + c->notes.len;
	for (size_t i = 0; i < c->nseg; i++) {
		off = (off + 7) & ~(size_t)7;
		c->seg_off[i] = off;
		off += c->seg[i].filesz;
	}
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = note_off;
	ph.p_filesz = c->notes.len + c->note_filesz_extra;
	craft_put(out, &ph, sizeof(ph));
	for (size_t i = 0; i < c->nseg; i++) {
		const struct craft_seg *s = &c->seg[i];

		memset(&ph, 0, sizeof(ph));
		ph.p_type = s->type ? s->type : PT_LOAD;
		ph.p_flags = s->flags ? s->flags : PF_R | PF_W;
		ph.p_offset = c->seg_off[i];
		ph.p_vaddr = s->vaddr;
		ph.p_filesz = s->filesz;
		ph.p_memsz = s->memsz ? s->memsz : s->filesz;
		ph.p_align = CRAFT_PAGE;
		craft_put(out, &ph, sizeof(ph));
	}
	if (c->xnum) {
		Elf64_Shdr sh;

		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (uint32_t)nph;
		craft_put(out, &sh, sizeof(sh));
	}
	craft_put(out, c->notes.p, c->notes.len);
	for (size_t i = 0; i < c->nseg; i++) {
		const struct craft_seg *s = &c->seg[i];

		craft_align(out, 8);
		if (s->data) {
			craft_put(out, s->data, s->filesz);
		} else {
			craft_reserve(out, s->filesz);
			for (size_t k = 0; k < s->filesz; k++)
				out->p[out->len + k] = craft_pattern(s->vaddr + k);
			out->len += s->filesz;
		}
	}
}

/* ---- libraries ---- */

struct craft_sym {
	const char *name;
	uint64_t value, size;
	int undef;		/* st_shndx = SHN_UNDEF */
};

struct craft_lib {
	int type;			/* 0: ET_DYN */
	unsigned char build_id[20];
	int no_build_id;
	const struct craft_sym *dynsym;	/* .dynsym + .dynstr */
	size_t ndynsym;
	const struct craft_sym *symtab;	/* .symtab + .strtab */
	size_t nsymtab;
	size_t pages;			/* file size in pages, at least 1 */
	uint64_t vaddr;			/* link address of file offset 0 */
	uint64_t bss_addr, bss_size;	/* a .bss (SHT_NOBITS) when bss_size */
	const char *sec_name;		/* one more PROGBITS section, e.g. ".PyRuntime" */
	uint64_t sec_addr, sec_size;
	struct { uint64_t off; const void *data; size_t len; } put[4];	/* bytes to place */
	size_t nput;
};

/* Offset of the build-id bytes in the library's first page. */
#define CRAFT_BUILD_ID_OFF (0x100 + 12 + 4)

static inline size_t craft_symtab(struct craft_buf *out, const struct craft_sym *s, size_t n,
				  size_t *str_off, size_t *str_len)
{
	struct craft_buf str = { 0 }, tab = { 0 };
	Elf64_Sym sym;
	size_t sym_off;

	craft_put(&str, "", 1);
	memset(&sym, 0, sizeof(sym));
	craft_put(&tab, &sym, sizeof(sym));
	for (size_t i = 0; i < n; i++) {
		memset(&sym, 0, sizeof(sym));
		sym.st_name = (uint32_t)str.len;
		sym.st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
		sym.st_shndx = s[i].undef ? SHN_UNDEF : SHN_ABS;
		sym.st_value = s[i].value;
		sym.st_size = s[i].size;
		craft_put(&tab, &sym, sizeof(sym));
		craft_put(&str, s[i].name, strlen(s[i].name) + 1);
	}
	craft_align(out, 8);
	*str_off = out->len;
	*str_len = str.len;
	craft_put(out, str.p, str.len);
	craft_align(out, 8);
	sym_off = out->len;
	craft_put(out, tab.p, tab.len);
	craft_buf_free(&str);
	craft_buf_free(&tab);
	return sym_off;
}

static inline void craft_lib_build(const struct craft_lib *l, struct craft_buf *out)
{
	size_t pages = l->pages ? l->pages : 1, size = pages * CRAFT_PAGE;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	Elf64_Shdr sh[10];
	struct craft_buf shstr = { 0 };
	size_t nsh = 0;
	unsigned char note[36];

	out->len = 0;
	craft_reserve(out, size);
	for (size_t i = 0; i < size; i++)
		out->p[i] = craft_pattern(i);
	/* Headers are written over the pattern, from offset 0 on. */
	memset(out->p, 0, 0x100);
	memset(sh, 0, sizeof(sh));
	craft_put(&shstr, "", 1);

	out->len = 0x100;
	memset(note, 0, sizeof(note));
	craft_set32(note, 4);
	craft_set32(note + 4, 20);
	craft_set32(note + 8, NT_GNU_BUILD_ID);
	memcpy(note + 12, "GNU", 4);
	memcpy(note + 16, l->build_id, 20);
	if (!l->no_build_id) {
		craft_put(out, note, sizeof(note));
		sh[++nsh].sh_name = (uint32_t)shstr.len;
		craft_put(&shstr, ".note.gnu.build-id", 19);
		sh[nsh].sh_type = SHT_NOTE;
		sh[nsh].sh_offset = 0x100;
		sh[nsh].sh_addr = l->vaddr + 0x100;
		sh[nsh].sh_size = sizeof(note);
	}
	for (int t = 0; t < 2; t++) {
		const struct craft_sym *s = t ? l->symtab : l->dynsym;
		size_t n = t ? l->nsymtab : l->ndynsym, str_off, str_len, sym_off;

		if (!s)
			continue;
		sym_off = craft_symtab(out, s, n, &str_off, &str_len);
		sh[++nsh].sh_name = (uint32_t)shstr.len;
		craft_put(&shstr, t ? ".strtab" : ".dynstr", 8);
		sh[nsh].sh_type = SHT_STRTAB;
		sh[nsh].sh_offset = str_off;
		sh[nsh].sh_size = str_len;
		sh[++nsh].sh_name = (uint32_t)shstr.len;
		craft_put(&shstr, t ? ".symtab" : ".dynsym", 8);
		sh[nsh].sh_type = t ? SHT_SYMTAB : SHT_DYNSYM;
		sh[nsh].sh_offset = sym_off;
		sh[nsh].sh_size = (n + 1) * sizeof(Elf64_Sym);
		sh[nsh].sh_link = (uint32_t)(nsh - 1);
		sh[nsh].sh_entsize = sizeof(Elf64_Sym);
	}
	if (l->bss_size) {
		sh[++nsh].sh_name = (uint32_t)shstr.len;
		craft_put(&shstr, ".bss", 5);
		sh[nsh].sh_type = SHT_NOBITS;
		sh[nsh].sh_flags = SHF_ALLOC | SHF_WRITE;
		sh[nsh].sh_addr = l->bss_addr;
		sh[nsh].sh_size = l->bss_size;
	}
	if (l->sec_name) {
		sh[++nsh].sh_name = (uint32_t)shstr.len;
		craft_put(&shstr, l->sec_name, strlen(l->sec_name) + 1);
		sh[nsh].sh_type = SHT_PROGBITS;
		sh[nsh].sh_flags = SHF_ALLOC | SHF_WRITE;
		sh[nsh].sh_addr = l->sec_addr;
		sh[nsh].sh_size = l->sec_size;
	}
	sh[++nsh].sh_name = (uint32_t)shstr.len;
	craft_put(&shstr, ".shstrtab", 10);
	sh[nsh].sh_type = SHT_STRTAB;
	sh[nsh].sh_offset = out->len;
	sh[nsh].sh_size = shstr.len;
	craft_put(out, shstr.p, shstr.len);
	craft_align(out, 8);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = (uint16_t)(l->type ? l->type : ET_DYN);
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_shoff = out->len;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = (uint16_t)(nsh + 1);
	eh.e_shstrndx = (uint16_t)nsh;
	craft_put(out, sh, (nsh + 1) * sizeof(Elf64_Shdr));
	if (out->len > CRAFT_PAGE)
		abort();	/* the headers must fit in the first page */

	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_X;
	ph[0].p_vaddr = ph[0].p_paddr = l->vaddr;
	ph[0].p_filesz = ph[0].p_memsz = size;
	ph[0].p_align = CRAFT_PAGE;
	ph[1].p_type = PT_NOTE;
	ph[1].p_flags = PF_R;
	ph[1].p_offset = 0x100;
	ph[1].p_vaddr = l->vaddr + 0x100;
	ph[1].p_filesz = ph[1].p_memsz = l->no_build_id ? 0 : sizeof(note);
	ph[1].p_align = 4;
	memcpy(out->p, &eh, sizeof(eh));
	memcpy(out->p + sizeof(eh), ph, sizeof(ph));
	for (size_t i = 0; i < l->nput; i++)
		memcpy(out->p + l->put[i].off, l->put[i].data, l->put[i].len);
	out->len = size;
	craft_buf_free(&shstr);
}

/* ---- files ---- */

/* One scratch folder per process; the paths handed out stay valid until exit. */
static char craft_dir[256];
static char *craft_paths[512];
static size_t craft_npaths;

static inline int craft_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* Removes the scratch folder unless HG_KEEP_TMP is set (registered with atexit). */
static inline void craft_cleanup(void)
{
	if (craft_dir[0] && !getenv("HG_KEEP_TMP"))
		nftw(craft_dir, craft_rm, 16, FTW_DEPTH | FTW_PHYS);
	while (craft_npaths)
		free(craft_paths[--craft_npaths]);
}

static inline const char *craft_tmpdir(void)
{
	if (!craft_dir[0]) {
		const char *t = getenv("TMPDIR");

		snprintf(craft_dir, sizeof(craft_dir), "%s/hg-unit-XXXXXX", t && *t ? t : "/tmp");
		if (!mkdtemp(craft_dir))
			abort();
		atexit(craft_cleanup);
	}
	return craft_dir;
}

static inline char *craft_path_keep(char *path)
{
	if (craft_npaths >= sizeof(craft_paths) / sizeof(craft_paths[0]))
		abort();
	craft_paths[craft_npaths++] = path;
	return path;
}

/* Writes data to a new file (mkstemp) in the scratch folder; returns its path. */
static inline const char *craft_tmpfile(const void *data, size_t len)
{
	char *path = malloc(strlen(craft_tmpdir()) + 16);
	int fd;

	if (!path)
		abort();
	sprintf(path, "%s/f-XXXXXX", craft_tmpdir());
	fd = mkstemp(path);
	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len) || close(fd) < 0)
		abort();
	return craft_path_keep(path);
}

/* The path of rel inside the scratch folder, its folders made. */
static inline const char *craft_path(const char *rel)
{
	char *path = malloc(strlen(craft_tmpdir()) + strlen(rel) + 2);

	if (!path)
		abort();
	sprintf(path, "%s/%s", craft_tmpdir(), rel);
	for (char *s = strchr(path + strlen(craft_tmpdir()) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
	return craft_path_keep(path);
}

/* Writes data to rel inside the scratch folder; returns its path. */
static inline const char *craft_file_at(const char *rel, const void *data, size_t len)
{
	const char *path = craft_path(rel);
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
		abort();
	return path;
}

#endif
