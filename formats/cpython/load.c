/*
 * load.c - the CPython reader's driver.  hg_cpython_load makes a source of
 * a core (its memory, the interpreter image's symbols, where its C memory
 * lies); hg_cpython_walk turns any source into a heap: layout, static
 * types, GC lists and roots, every object in queue order, C memory last.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../core.h"
#include "../../analyzer/tracemalloc.h"
#include "../../common/util.h"

/* Objects whose lengths or links ran past what the dump holds: said once, with an example. */
static void damaged_warning(struct walker *w)
{
	struct hg_heap *h = w->h;
	uint64_t n = 0;
	uint32_t first = HG_NONE;

	for (uint32_t i = 0; i < h->nobj; i++)
		if (h->flags[i] & HG_OBJ_DAMAGED) {
			if (first == HG_NONE)
				first = i;
			n++;
		}
	if (!n)
		return;
	hg_warnf(w->src->warn, "%s: %llu object%s held damaged data (a length or link past what the dump holds, "
		 "or a loop); their references were cut short, e.g. the %s at 0x%llx",
		 w->src->path, (unsigned long long)n, n == 1 ? "" : "s",
		 hg_heap_type(h, first) < h->ntype ? hg_heap_s(h, h->types[hg_heap_type(h, first)].name) : "object",
		 (unsigned long long)hg_heap_addr(h, first));
	w->src->incomplete = 1;
}

/* A walker of src for the interpreter py, its layout in *layout: 0, or -1 when the version has none. */
static int walker_setup(struct walker *w, struct hg_pysource *src, const struct hg_python *py,
			struct hg_pylayout *layout, struct hg_error *err)
{
	memset(w, 0, sizeof(*w));
	w->src = src;
	w->m = &src->mem;
	w->py = py;
	if (hg_pylayout_get(py->major, py->minor, layout) < 0)
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: Python %s is not supported (%s are)",
				 src->path, py->version, hg_cpython_supported());
	/* 3.13+: where the process published its own offsets, they win over the table */
	if (py->version_source && !strcmp(py->version_source, "_Py_DebugOffsets")) {
		unsigned char d[HG_PY_DEBUG_OFFSETS_LEN];

		if (hg_mem_read(w->m, py->runtime, d, sizeof(d)) == 0)
			hg_pylayout_debug_offsets(layout, d, sizeof(d));
	}
	w->L = layout;
	return 0;
}

int hg_cpython_walk(struct hg_pysource *src, const struct hg_python *py, struct hg_heap *h,
		    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg, struct hg_error *err)
{
	struct walker w;
	struct hg_pylayout layout;

	hg_step("finding types and roots");
	if (walker_setup(&w, src, py, &layout, err) < 0)
		return -1;
	w.h = h;
	if (types_init(&w) < 0)
		return hg_errorf(err, HG_EFORMAT, "%s: the interpreter image %s lacks the builtin type symbols",
				 src->path, py->image_path ? py->image_path : "?");
	snprintf(h->meta.python, sizeof(h->meta.python), "%s", py->version);
	h->meta.pid = src->pid;
	w.lbl_dict = hg_heap_cstr(h, "__dict__");
	w.lbl_class = hg_heap_cstr(h, "__class__");
	w.lbl_weak = hg_heap_cstr(h, "(weak)");
	w.lbl_key = hg_heap_cstr(h, "key");
	w.lbl_set = hg_heap_cstr(h, "{}");

	if (type_ref(&w, w.t_type, 0) == HG_NONE) {
		types_release(&w);
		return hg_errorf(err, HG_EFORMAT, "%s: the type object at 0x%llx does not validate (damaged core?)",
				 src->path, (unsigned long long)w.t_type);
	}
	if (roots_gc_lists(&w) < 0) {
		types_release(&w);
		return hg_errorf(err, HG_EFORMAT, "%s: cannot read the interpreter state at _PyRuntime 0x%llx",
				 src->path, (unsigned long long)py->runtime);
	}
	roots_collect(&w);
	hg_step("reading objects");
	for (uint32_t i = 0; i < h->nobj; i++) {
		walk_object(&w, i);
		if (progress && !(i & 0xffff))
			progress(progress_arg, i, h->nobj);
	}
	if (progress)
		progress(progress_arg, h->nobj, h->nobj);
	hg_step("tracemalloc traces");
	tm_attach(&w);
	hg_step("linking references");
	hg_heap_finish(h);
	hg_step("C memory");
	roots_c_memory(&w);
	hg_step("reachability");
	hg_heap_collect(h);
	hg_heap_drop_build(h);
	/* A few stale pointers are normal (free lists, caches); many mean damage. */
	h->meta.wild_refs = w.bad_refs;
	if (w.bad_refs > h->nedge / 100 + 1000)
		hg_warnf(src->warn, "%s: %llu references did not lead to a valid object (damaged memory?)",
			 src->path, (unsigned long long)w.bad_refs);
	damaged_warning(&w);
	h->meta.incomplete = src->incomplete;
	types_release(&w);
	return 0;
}

/* ---- a core as a source ---- */

struct core_syms { struct hg_core *c; size_t image; };

static uint64_t core_symbol(void *ctx, const char *name)
{
	struct core_syms *s = ctx;
	uint64_t a;

	return hg_core_file_symbol(s->c, s->image, name, &a) == 0 ? a : 0;
}

static void add_cmem(struct hg_pycmem **v, size_t *n, size_t *alloc, uint64_t lo, uint64_t hi, int interp,
		     const char *fmt, const char *arg)
{
	struct hg_pycmem *c;

	HG_GROW(*v, *n + 1, *alloc);
	c = &(*v)[(*n)++];
	c->lo = lo;
	c->hi = hi;
	c->interpreter = interp;
	snprintf(c->what, sizeof(c->what), fmt, arg);
}

/*
 * The C memory of a core that may hold references: the threads' stacks from
 * their stack pointer up, and the writable data of every mapped ELF image
 * (extension modules' static variables; libpython's own is the interpreter's).
 */
static struct hg_pycmem *core_cmem(struct hg_core *c, const struct hg_python *py, size_t *n)
{
	struct hg_pycmem *v = NULL;
	size_t alloc = 0;
	char tid[32];

	*n = 0;
	for (size_t t = 0; t < c->nthreads; t++) {
		const struct hg_core_region *r = hg_core_region_at(c, c->threads[t].sp);

		if (!r)
			continue;
		snprintf(tid, sizeof(tid), "%d", c->threads[t].tid);
		add_cmem(&v, n, &alloc, c->threads[t].sp, r->end, 0, "C stack of thread %s", tid);
	}
	for (size_t f = 0; f < c->nfiles; f++) {
		struct hg_core_file *file = &c->files[f];
		const char *base;

		if (!file->is_elf || file->status == HG_FILE_MISMATCH)
			continue;
		base = strrchr(file->path, '/');
		base = base ? base + 1 : file->path;
		for (size_t s = 0; s < file->elf.nsh; s++) {
			const Elf64_Shdr *sh = &file->elf.sh[s];
			uint64_t lo = sh->sh_addr + file->bias;

			if (!(sh->sh_flags & SHF_WRITE) || !(sh->sh_flags & SHF_ALLOC) || !sh->sh_size)
				continue;
			if (f == py->image)
				add_cmem(&v, n, &alloc, lo, lo + sh->sh_size, 1, "interpreter state (static data of %s)", base);
			else
				add_cmem(&v, n, &alloc, lo, lo + sh->sh_size, 0, "static data of %s", base);
		}
	}
	return v;
}

/* The core as a source for the walker; free src->cmem after. */
static void core_source(struct hg_core *c, const struct hg_python *py, struct core_syms *syms,
			struct hg_pysource *src)
{
	memset(src, 0, sizeof(*src));
	syms->c = c;
	syms->image = py->image;
	hg_core_mem(c, &src->mem);
	src->path = c->path;
	src->pid = c->pid;
	src->symbol = core_symbol;
	src->symbol_ctx = syms;
	src->warn = &c->warnings;
	src->incomplete = c->incomplete;
	for (size_t r = 0; r < c->nregions; r++)
		src->mem_bytes += c->regions[r].end - c->regions[r].start;
	src->cmem = core_cmem(c, py, &src->ncmem);
}

int hg_cpython_load(struct hg_core *c, const struct hg_python *py, struct hg_heap *h,
		    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
		    struct hg_error *err)
{
	struct hg_pysource src;
	struct core_syms syms;
	int rc;

	core_source(c, py, &syms, &src);
	rc = hg_cpython_walk(&src, py, h, progress, progress_arg, err);
	c->incomplete = src.incomplete;
	free((void *)src.cmem);
	return rc;
}

int hg_cpython_tracemalloc(struct hg_core *c, const struct hg_python *py, struct hg_tm_names *names,
			   struct hg_tm_snapshot *s, struct hg_error *err)
{
	struct hg_pysource src;
	struct core_syms syms;
	struct hg_pylayout layout;
	struct walker w;
	int tracing = 0, rc;

	core_source(c, py, &syms, &src);
	if (walker_setup(&w, &src, py, &layout, err) < 0) {
		free((void *)src.cmem);
		return -1;
	}
	rc = tm_read(&w, names, s, &tracing);
	c->incomplete = src.incomplete;
	free((void *)src.cmem);
	if (rc < 0 || !tracing)
		hg_tm_release(s);
	if (rc < 0)
		return hg_errorf(err, HG_ENOTFOUND, "%s: no tracemalloc traces in the dump: the process was not tracing "
				 "memory allocations (start it with PYTHONTRACEMALLOC=25, or call tracemalloc.start(25))",
				 c->path);
	if (!tracing)
		return hg_errorf(err, HG_ENOTFOUND, "%s: the process was not tracing memory allocations "
				 "(start it with PYTHONTRACEMALLOC=25, or call tracemalloc.start(25))", c->path);
	return 0;
}
