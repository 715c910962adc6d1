/*
 * core.c - ELF core files: notes, mapped files and the memory accessor.
 *
 * Facts: Linux fs/binfmt_elf.c (note order and layouts: NT_PRSTATUS,
 * NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE), gdb's gcore (same notes, no
 * read-only file mappings; kernel cores keep only their first page), so
 * pages the core left out are read from the mapped files once their
 * build-ids match (docs/cpython-versions.md, "Finding the interpreter").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core.h"
#include "../common/util.h"

#ifndef NT_FILE
#define NT_FILE 0x46494c45
#endif
#ifndef NT_SIGINFO
#define NT_SIGINFO 0x53494749
#endif

#define PRPSINFO_SIZE 136
#define PR_REG_OFFSET 112

const char *hg_file_status_name(enum hg_file_status s)
{
	switch (s) {
	case HG_FILE_OK: return "ok";
	case HG_FILE_UNVERIFIED: return "unverified";
	case HG_FILE_MISSING: return "missing";
	case HG_FILE_MISMATCH: return "mismatch";
	}
	return "?";
}

/* ---- notes ---- */

static void note_prstatus(struct hg_core *c, const struct hg_note *n)
{
	struct hg_core_thread *t;
	size_t nregs;

	if (n->descsz < PR_REG_OFFSET + 8) {
		hg_warnf(&c->warnings, "%s: NT_PRSTATUS note too short (%u bytes); thread skipped",
			 c->path, n->descsz);
		c->incomplete = 1;
		return;
	}
	c->threads = xrealloc(c->threads, (c->nthreads + 1) * sizeof(*c->threads));
	t = &c->threads[c->nthreads++];
	memset(t, 0, sizeof(*t));
	t->tid = (int)hg_le32(n->desc + 32);
	t->signo = hg_le16(n->desc + 12);
	nregs = (n->descsz - PR_REG_OFFSET) / 8;
	if (nregs > c->arch->nregs)
		nregs = c->arch->nregs;
	if (nregs > HG_ARRAY_SIZE(t->regs))
		nregs = HG_ARRAY_SIZE(t->regs);
	for (size_t i = 0; i < nregs; i++)
		t->regs[i] = hg_le64(n->desc + PR_REG_OFFSET + 8 * i);
	t->nregs = nregs;
	if ((size_t)c->arch->pc < nregs)
		t->pc = t->regs[c->arch->pc];
	if ((size_t)c->arch->sp < nregs)
		t->sp = t->regs[c->arch->sp];
}

static void copy_field(char *dst, size_t dstlen, const unsigned char *src, size_t n)
{
	size_t len = strnlen((const char *)src, n);

	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static void note_prpsinfo(struct hg_core *c, const struct hg_note *n)
{
	if (n->descsz < PRPSINFO_SIZE) {
		hg_warnf(&c->warnings, "%s: NT_PRPSINFO note too short (%u bytes)", c->path, n->descsz);
		c->incomplete = 1;
		return;
	}
	c->have_prpsinfo = 1;
	c->uid = (int)hg_le32(n->desc + 16);
	c->pid = (int)hg_le32(n->desc + 24);
	c->ppid = (int)hg_le32(n->desc + 28);
	copy_field(c->fname, sizeof(c->fname), n->desc + 40, 16);
	copy_field(c->psargs, sizeof(c->psargs), n->desc + 56, 80);
	/* the kernel joins the arguments with spaces and leaves one at the end */
	for (size_t k = strlen(c->psargs); k > 0 && c->psargs[k - 1] == ' '; k--)
		c->psargs[k - 1] = '\0';
}

/*
 * The paths of c->files by hash (open addressing; a slot holds a file index
 * plus one), so that a note listing millions of mappings stays linear.
 */
struct file_index {
	size_t *slot;
	size_t cap;		/* a power of two, or 0 */
	size_t alloc;		/* of c->files */
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static size_t find_file(struct hg_core *c, struct file_index *ix, const char *path)
{
	size_t i;

	if (2 * (c->nfiles + 1) > ix->cap) {
		size_t cap = ix->cap ? 2 * ix->cap : 64, *slot = xcalloc(cap, sizeof(*slot));

		for (size_t f = 0; f < c->nfiles; f++) {
			for (i = hash_str(c->files[f].path) & (cap - 1); slot[i]; i = (i + 1) & (cap - 1))
				;
			slot[i] = f + 1;
		}
		free(ix->slot);
		ix->slot = slot;
		ix->cap = cap;
	}
	for (i = hash_str(path) & (ix->cap - 1); ix->slot[i]; i = (i + 1) & (ix->cap - 1))
		if (!strcmp(c->files[ix->slot[i] - 1].path, path))
			return ix->slot[i] - 1;
	ix->slot[i] = c->nfiles + 1;
	HG_GROW(c->files, c->nfiles + 1, ix->alloc);
	memset(&c->files[c->nfiles], 0, sizeof(*c->files));
	c->files[c->nfiles].path = xstrdup(path);
	c->files[c->nfiles].status = HG_FILE_MISSING;
	return c->nfiles++;
}

static void note_file(struct hg_core *c, const struct hg_note *n)
{
	struct file_index ix = { NULL, 0, 0 };
	uint64_t count, page;
	const char *s, *end;

	if (c->mappings) {
		hg_warnf(&c->warnings, "%s: second NT_FILE note ignored", c->path);
		return;
	}
	if (n->descsz < 16)
		goto bad;
	count = hg_le64(n->desc);
	page = hg_le64(n->desc + 8);
	if (count > (n->descsz - 16) / 24 || page == 0)
		goto bad;
	s = (const char *)n->desc + 16 + count * 24;
	end = (const char *)n->desc + n->descsz;
	c->mappings = xcalloc(count ? count : 1, sizeof(*c->mappings));
	for (uint64_t i = 0; i < count; i++) {
		const unsigned char *e = n->desc + 16 + i * 24;
		struct hg_core_mapping *m = &c->mappings[c->nmappings];
		const char *nul = memchr(s, '\0', (size_t)(end - s));
		uint64_t ofs;

		if (!nul)
			goto bad;
		m->start = hg_le64(e);
		m->end = hg_le64(e + 8);
		ofs = hg_le64(e + 16);
		if (m->end < m->start || __builtin_mul_overflow(ofs, page, &m->file_ofs)) {
			s = nul + 1;
			continue;
		}
		m->file = find_file(c, &ix, s);
		c->nmappings++;
		s = nul + 1;
	}
	free(ix.slot);
	return;
bad:
	free(ix.slot);
	hg_warnf(&c->warnings, "%s: NT_FILE note is damaged; mapped files after entry %zu are unknown",
		 c->path, c->nmappings);
	c->incomplete = 1;
}

static void note_auxv(struct hg_core *c, const struct hg_note *n)
{
	size_t pairs = n->descsz / 16;

	free(c->auxv);
	c->auxv = xmalloc((pairs ? pairs : 1) * 16);
	for (size_t i = 0; i < pairs; i++) {
		c->auxv[2 * i] = hg_le64(n->desc + 16 * i);
		c->auxv[2 * i + 1] = hg_le64(n->desc + 16 * i + 8);
	}
	c->nauxv = pairs;
}

static void note_siginfo(struct hg_core *c, const struct hg_note *n)
{
	if (n->descsz < 24)
		return;
	c->signo = (int)hg_le32(n->desc);
	c->sig_code = (int)hg_le32(n->desc + 8);
	c->sig_addr = hg_le64(n->desc + 16);
}

static void parse_notes(struct hg_core *c)
{
	for (size_t i = 0; i < c->elf.nph; i++) {
		const Elf64_Phdr *p = &c->elf.ph[i];
		struct hg_note n;
		size_t pos = 0, size;
		int r;

		if (p->p_type != PT_NOTE)
			continue;
		if (p->p_offset >= c->in.size) {
			hg_warnf(&c->warnings, "%s: note segment lies past the end of the file (truncated?)", c->path);
			c->incomplete = 1;
			continue;
		}
		size = p->p_filesz;
		if (size > c->in.size - p->p_offset) {
			size = c->in.size - p->p_offset;
			hg_warnf(&c->warnings, "%s: note segment is cut short (truncated?)", c->path);
			c->incomplete = 1;
		}
		while ((r = hg_note_next(c->in.data + p->p_offset, size, &pos, &n)) == 1) {
			int core = n.namesz == 5 && !memcmp(n.name, "CORE", 5);

			if (core && n.type == NT_PRSTATUS)
				note_prstatus(c, &n);
			else if (core && n.type == NT_PRPSINFO)
				note_prpsinfo(c, &n);
			else if (core && n.type == NT_FILE)
				note_file(c, &n);
			else if (core && n.type == NT_AUXV)
				note_auxv(c, &n);
			else if (core && n.type == NT_SIGINFO)
				note_siginfo(c, &n);
		}
		if (r < 0) {
			hg_warnf(&c->warnings, "%s: a note's length runs past its segment; later notes ignored", c->path);
			c->incomplete = 1;
		}
	}
}

/* ---- regions ---- */

static int cmp_region(const void *a, const void *b)
{
	const struct hg_core_region *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_region(struct hg_core *c, size_t *alloc, uint64_t start, uint64_t end,
		       const unsigned char *data, int from_file, int writable)
{
	if (end <= start)
		return;
	HG_GROW(c->regions, c->nregions + 1, *alloc);
	c->regions[c->nregions].start = start;
	c->regions[c->nregions].end = end;
	c->regions[c->nregions].data = data;
	c->regions[c->nregions].from_file = from_file;
	c->regions[c->nregions].writable = writable;
	c->nregions++;
}

/*
 * Sorts the regions and keeps them disjoint: where two overlap (only damaged
 * notes or headers make them), the one starting lower keeps the shared bytes
 * and the other is cut to what lies past it.
 */
static void sort_regions(struct hg_core *c, const char *what)
{
	size_t n = 0;

	if (!c->nregions)
		return;
	hg_sort(c->regions, c->nregions, sizeof(*c->regions), cmp_region);
	for (size_t i = 0; i < c->nregions; i++) {
		struct hg_core_region r = c->regions[i];

		if (n && r.start < c->regions[n - 1].end) {
			uint64_t cut = c->regions[n - 1].end;

			hg_warnf(&c->warnings, "%s: overlapping %s at 0x%llx", c->path, what,
				 (unsigned long long)r.start);
			c->incomplete = 1;
			if (r.end <= cut)
				continue;
			r.data += cut - r.start;
			r.start = cut;
		}
		c->regions[n++] = r;
	}
	c->nregions = n;
}

static void core_regions(struct hg_core *c, size_t *alloc)
{
	uint64_t lost = 0;

	for (size_t i = 0; i < c->elf.nph; i++) {
		const Elf64_Phdr *p = &c->elf.ph[i];
		uint64_t avail, end;

		if (p->p_type != PT_LOAD)
			continue;
		c->nsegments++;
		if (!p->p_filesz)
			continue;
		avail = p->p_offset >= c->in.size ? 0 : c->in.size - p->p_offset;
		if (avail > p->p_filesz)
			avail = p->p_filesz;
		if (avail < p->p_filesz)
			lost += p->p_filesz - avail;
		/* No pointer into the data is formed for an offset past its end. */
		if (!avail)
			continue;
		if (hg_add_ok(p->p_vaddr, avail, &end) < 0) {
			hg_warnf(&c->warnings, "%s: segment at 0x%llx runs past the end of the address space; ignored",
				 c->path, (unsigned long long)p->p_vaddr);
			c->incomplete = 1;
			continue;
		}
		add_region(c, alloc, p->p_vaddr, end, c->in.data + p->p_offset, 0,
			   (p->p_flags & PF_W) != 0);
	}
	if (lost) {
		hg_warnf(&c->warnings, "%s: core is truncated: %llu bytes of process memory are missing",
			 c->path, (unsigned long long)lost);
		c->incomplete = 1;
	}
	sort_regions(c, "segments");
}

/* Index of the first region starting above addr (regions are sorted and disjoint). */
static size_t first_above(const struct hg_core *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->regions[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct hg_core_region *hg_core_region_after(const struct hg_core *c, uint64_t addr)
{
	size_t k = first_above(c, addr);

	return k < c->nregions ? &c->regions[k] : NULL;
}

const struct hg_core_region *hg_core_region_at(struct hg_core *c, uint64_t addr)
{
	size_t k;

	if (c->last_region < c->nregions) {
		const struct hg_core_region *r = &c->regions[c->last_region];

		if (addr >= r->start && addr < r->end)
			return r;
	}
	k = first_above(c, addr);
	if (k == 0 || addr >= c->regions[k - 1].end)
		return NULL;
	c->last_region = k - 1;
	return &c->regions[k - 1];
}

static int core_span(void *ctx, uint64_t addr, int after, struct hg_span *out)
{
	struct hg_core *c = ctx;
	const struct hg_core_region *r = after ? hg_core_region_after(c, addr) : hg_core_region_at(c, addr);

	if (!r)
		return -1;
	out->start = r->start;
	out->end = r->end;
	out->data = r->data;
	return 0;
}

void hg_core_mem(struct hg_core *c, struct hg_mem *m)
{
	memset(m, 0, sizeof(*m));
	m->span = core_span;
	m->ctx = c;
}

/* The readers below are struct hg_mem's over the core's regions (mem.c). */
int hg_core_read(struct hg_core *c, uint64_t addr, void *buf, size_t len)
{
	struct hg_mem m;

	hg_core_mem(c, &m);
	return hg_mem_read(&m, addr, buf, len);
}

int hg_core_read_u64(struct hg_core *c, uint64_t addr, uint64_t *v)
{
	struct hg_mem m;

	hg_core_mem(c, &m);
	return hg_mem_u64(&m, addr, v);
}

const void *hg_core_ptr(struct hg_core *c, uint64_t addr, size_t len)
{
	struct hg_mem m;

	hg_core_mem(c, &m);
	return hg_mem_ptr(&m, addr, len);
}

long hg_core_read_cstr(struct hg_core *c, uint64_t addr, char *buf, size_t max)
{
	struct hg_mem m;

	hg_core_mem(c, &m);
	return hg_mem_cstr(&m, addr, buf, max);
}

/* ---- mapped files ---- */

static int map_file(const char *path, const unsigned char **data, size_t *size)
{
	struct stat st;
	void *p;
	/* The core names the file: a FIFO or a terminal must not block or become ours. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return -1;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	*data = p;
	*size = (size_t)st.st_size;
	return 0;
}

/* Tries sysroot/path, sysroot/basename, then path itself when no sysroot is given. */
static void open_file(struct hg_core *c, struct hg_core_file *f, const char *sysroot)
{
	char *clean = xstrdup(f->path), *cand[2] = { NULL, NULL };
	size_t len = strlen(clean);
	const char *del = " (deleted)";

	if (len > strlen(del) && !strcmp(clean + len - strlen(del), del))
		clean[len - strlen(del)] = '\0';
	if (sysroot) {
		const char *base = strrchr(clean, '/');

		cand[0] = xasprintf("%s/%s", sysroot, clean[0] == '/' ? clean + 1 : clean);
		cand[1] = xasprintf("%s/%s", sysroot, base ? base + 1 : clean);
	} else {
		cand[0] = xstrdup(clean);
	}
	for (int i = 0; i < 2 && cand[i]; i++)
		if (map_file(cand[i], &f->data, &f->size) == 0) {
			f->disk_path = cand[i];
			cand[i] = NULL;
			break;
		}
	free(cand[0]);
	free(cand[1]);
	free(clean);
	(void)c;
}

/* Reads len bytes at addr from the core's own segments only (not from files). */
static int read_core_only(struct hg_core *c, uint64_t addr, void *buf, size_t len)
{
	const struct hg_core_region *r = hg_core_region_at(c, addr);

	if (!r || r->from_file || r->end - addr < len)
		return -1;
	memcpy(buf, r->data + (addr - r->start), len);
	return 0;
}

/* The build-id from the copy of the file's first page that the core holds. */
static void core_build_id(struct hg_core *c, struct hg_core_file *f, uint64_t map_len)
{
	Elf64_Ehdr eh;
	unsigned char ident[EI_NIDENT];

	if (read_core_only(c, f->base, ident, sizeof(ident)) < 0 ||
	    memcmp(ident, ELFMAG, SELFMAG) != 0 || ident[EI_CLASS] != ELFCLASS64 ||
	    read_core_only(c, f->base, &eh, sizeof(eh)) < 0 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 256)
		return;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		unsigned char notes[4096];

		if (read_core_only(c, f->base + eh.e_phoff + i * sizeof(ph), &ph, sizeof(ph)) < 0)
			return;
		if (ph.p_type != PT_NOTE || ph.p_filesz == 0 || ph.p_filesz > sizeof(notes) ||
		    ph.p_offset > map_len || ph.p_filesz > map_len - ph.p_offset)
			continue;
		if (read_core_only(c, f->base + ph.p_offset, notes, ph.p_filesz) == 0 &&
		    hg_note_build_id(notes, ph.p_filesz, f->build_id, sizeof(f->build_id)) == 0)
			return;
	}
}

static void check_files(struct hg_core *c, const char *sysroot)
{
	size_t missing = 0, mismatch = 0;
	uint64_t *first_len = xcalloc(c->nfiles ? c->nfiles : 1, sizeof(*first_len));
	unsigned char *have_base = xcalloc(c->nfiles ? c->nfiles : 1, 1);

	/* Each file's first offset-0 mapping: where the core may hold its headers. */
	for (size_t m = 0; m < c->nmappings; m++) {
		const struct hg_core_mapping *map = &c->mappings[m];

		if (map->file_ofs == 0 && !have_base[map->file]) {
			c->files[map->file].base = map->start;
			first_len[map->file] = map->end - map->start;
			have_base[map->file] = 1;
		}
	}
	for (size_t i = 0; i < c->nfiles; i++) {
		struct hg_core_file *f = &c->files[i];

		if (have_base[i])
			core_build_id(c, f, first_len[i]);
		open_file(c, f, sysroot);
		if (!f->data) {
			f->status = HG_FILE_MISSING;
			/* shared anonymous memory (/dev/zero, memfd, SysV) is in the core, not on disk */
			if (strncmp(f->path, "/dev/", 5) && strncmp(f->path, "/memfd:", 7) &&
			    strncmp(f->path, "/SYSV", 5) && strncmp(f->path, "/anon_hugepage", 14))
				missing++;
			continue;
		}
		f->is_elf = hg_elf_parse(&f->elf, f->data, f->size, f->disk_path, NULL) == 0;
		if (f->is_elf)
			hg_elf_build_id(&f->elf, f->disk_build_id, sizeof(f->disk_build_id));
		if (f->build_id[0] && strcmp(f->build_id, f->disk_build_id) != 0) {
			f->status = HG_FILE_MISMATCH;
			mismatch++;
		} else {
			/* A data file (locale archive, ...) has no build-id to compare. */
			f->status = f->build_id[0] || !f->is_elf ? HG_FILE_OK : HG_FILE_UNVERIFIED;
		}
		if (f->is_elf)
			f->bias = f->base - hg_elf_link_base(&f->elf);
	}
	/* No offset-0 mapping: the bias from a mapping that starts a PT_LOAD's page. */
	for (size_t m = 0; m < c->nmappings; m++) {
		size_t i = c->mappings[m].file;
		struct hg_core_file *f = &c->files[i];

		if (have_base[i] || !f->is_elf)
			continue;
		for (size_t k = 0; k < f->elf.nph; k++) {
			const Elf64_Phdr *p = &f->elf.ph[k];

			if (p->p_type == PT_LOAD &&
			    (p->p_offset & ~(uint64_t)0xfff) == c->mappings[m].file_ofs) {
				f->bias = c->mappings[m].start - (p->p_vaddr & ~(uint64_t)0xfff);
				f->base = f->bias + hg_elf_link_base(&f->elf);
				have_base[i] = 1;
				break;
			}
		}
	}
	free(first_len);
	free(have_base);
	if (missing)
		hg_warnf(&c->warnings, "%s: %zu mapped file%s not found%s; memory they held is unreadable",
			 c->path, missing, missing == 1 ? "" : "s",
			 sysroot ? " under the sysroot" : " (pass --sysroot DIR if the core comes from another machine)");
	if (mismatch)
		hg_warnf(&c->warnings, "%s: %zu mapped file%s differ from the ones the process used "
			 "(build-id mismatch); not used", c->path, mismatch, mismatch == 1 ? "" : "s");
}

struct span {
	uint64_t start, end;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * Adds regions for the parts of each mapped file that the core left out.
 * Blocked are the core's own bytes and every writable segment, whose pages
 * the process may have changed (the file holds stale bytes there, so such
 * memory must come from the core or stay unreadable).
 */
static void file_regions(struct hg_core *c, size_t *alloc)
{
	struct span *blk = xmalloc((c->nregions + c->elf.nph + 1) * sizeof(*blk));
	struct span *order = xmalloc((c->nmappings + 1) * sizeof(*order));
	size_t nblk = 0, k = 0;
	uint64_t covered = 0;

	for (size_t i = 0; i < c->nregions; i++) {
		blk[nblk].start = c->regions[i].start;
		blk[nblk++].end = c->regions[i].end;
	}
	for (size_t i = 0; i < c->elf.nph; i++) {
		const Elf64_Phdr *p = &c->elf.ph[i];
		uint64_t end;

		if (p->p_type != PT_LOAD || !(p->p_flags & PF_W) || !p->p_memsz)
			continue;
		blk[nblk].start = p->p_vaddr;
		blk[nblk++].end = hg_add_ok(p->p_vaddr, p->p_memsz, &end) < 0 ? UINT64_MAX : end;
	}
	/* Sorted by start; they may overlap, the walk below copes. */
	hg_sort(blk, nblk, sizeof(*blk), cmp_span);
	/* Mappings by address (span.end holds the index), so the walk only moves forward. */
	for (size_t m = 0; m < c->nmappings; m++) {
		order[m].start = c->mappings[m].start;
		order[m].end = m;
	}
	hg_sort(order, c->nmappings, sizeof(*order), cmp_span);

	for (size_t o = 0; o < c->nmappings; o++) {
		const struct hg_core_mapping *map = &c->mappings[order[o].end];
		const struct hg_core_file *f = &c->files[map->file];
		uint64_t a = map->start, end = map->end;

		if (f->status != HG_FILE_OK && f->status != HG_FILE_UNVERIFIED)
			continue;
		if (a < covered) {
			/* Only a damaged NT_FILE lists one address twice. */
			hg_warnf(&c->warnings, "%s: overlapping file mappings at 0x%llx", c->path,
				 (unsigned long long)a);
			c->incomplete = 1;
			a = covered;
		}
		if (end > covered)
			covered = end;
		/* Past the file's last byte there is nothing to fill. */
		if (map->file_ofs >= f->size)
			continue;
		if (end - map->start > f->size - map->file_ofs)
			end = map->start + (f->size - map->file_ofs);
		/* Fill the gaps the blocked spans leave in [a, end). */
		while (a < end) {
			uint64_t b = end;

			while (k < nblk && blk[k].end <= a)
				k++;
			if (k < nblk && blk[k].start <= a) {
				a = blk[k].end;
				continue;
			}
			if (k < nblk && blk[k].start < b)
				b = blk[k].start;
			add_region(c, alloc, a, b, f->data + map->file_ofs + (a - map->start), 1, 0);
			a = b;
		}
	}
	free(blk);
	free(order);
	sort_regions(c, "file mappings");
}

static void find_executable(struct hg_core *c)
{
	uint64_t entry = 0, execfn = 0;
	char buf[4096];

	for (size_t i = 0; i < c->nauxv; i++) {
		if (c->auxv[2 * i] == AT_ENTRY)
			entry = c->auxv[2 * i + 1];
		else if (c->auxv[2 * i] == AT_EXECFN)
			execfn = c->auxv[2 * i + 1];
	}
	if (execfn && hg_core_read_cstr(c, execfn, buf, sizeof(buf)) > 0)
		c->execfn = xstrdup(buf);
	for (size_t m = 0; entry && m < c->nmappings; m++)
		if (entry >= c->mappings[m].start && entry < c->mappings[m].end) {
			c->executable = xstrdup(c->files[c->mappings[m].file].path);
			return;
		}
	if (c->execfn)
		c->executable = xstrdup(c->execfn);
}

int hg_core_open(struct hg_core *c, const char *path, const struct hg_core_options *opt,
		 struct hg_error *err)
{
	size_t alloc = 0;

	memset(c, 0, sizeof(*c));
	c->path = path;
	if (hg_input_open(&c->in, path, &c->warnings, err) < 0)
		return -1;
	if (c->in.truncated)
		c->incomplete = 1;
	if (hg_elf_parse(&c->elf, c->in.data, c->in.size, path, err) < 0)
		return -1;
	if (c->elf.eh.e_type != ET_CORE)
		return hg_errorf(err, HG_EFORMAT, "%s: an ELF %s, not a core dump (make one of a running process with: gcore PID)",
				 path, c->elf.eh.e_type == ET_EXEC ? "executable" :
				 c->elf.eh.e_type == ET_DYN ? "shared object or PIE executable" :
				 c->elf.eh.e_type == ET_REL ? "object file" : "file");
	c->arch = hg_arch_find(c->elf.eh.e_machine);
	if (!c->arch)
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: core of an unsupported architecture (e_machine %u; x86-64 and aarch64 are supported)",
				 path, c->elf.eh.e_machine);
	parse_notes(c);
	if (!c->signo && c->nthreads)
		c->signo = c->threads[0].signo;
	core_regions(c, &alloc);
	check_files(c, opt ? opt->sysroot : NULL);
	file_regions(c, &alloc);
	find_executable(c);
	if (!c->nthreads) {
		hg_warnf(&c->warnings, "%s: the core records no threads", path);
		c->incomplete = 1;
	}
	if (!c->nsegments) {
		hg_warnf(&c->warnings, "%s: the core holds no memory segments (damaged, or cut before them?)", path);
		c->incomplete = 1;
	}
	return 0;
}

void hg_core_release(struct hg_core *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		struct hg_core_file *f = &c->files[i];

		hg_elf_release(&f->elf);
		if (f->data)
			munmap((void *)f->data, f->size);
		free(f->path);
		free(f->disk_path);
	}
	free(c->files);
	free(c->mappings);
	free(c->threads);
	free(c->regions);
	free(c->auxv);
	free(c->execfn);
	free(c->executable);
	hg_elf_release(&c->elf);
	hg_input_release(&c->in);
	hg_warnings_release(&c->warnings);
	memset(c, 0, sizeof(*c));
}

int hg_core_file_symbol(struct hg_core *c, size_t file, const char *name, uint64_t *addr)
{
	struct hg_core_file *f;
	uint64_t v;

	if (file >= c->nfiles)
		return -1;
	f = &c->files[file];
	if (!f->is_elf || f->status == HG_FILE_MISMATCH || hg_elf_symbol(&f->elf, name, &v, NULL) < 0)
		return -1;
	*addr = v + f->bias;
	return 0;
}
