/*
 * roots.c - where the walk starts: the GC generation lists, and the roots
 * that keep objects alive: sys.modules, the interpreter's state, each
 * thread's frames and their locals by name (3.8-3.10 frame objects, 3.11+
 * interpreter frames; shims and entry frames skipped), and last C memory
 * (stacks, static data, and the malloc'd blocks they point to) for what
 * nothing else reaches.  docs/cpython-versions.md has the structures.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

#define MAX_THREADS 100000
#define MAX_FRAMES 100000

static uint64_t gc_base(struct walker *w, uint64_t interp)
{
	return w->L->rt_gc >= 0 ? w->py->runtime + (uint64_t)w->L->rt_gc : interp + (uint64_t)w->L->is_gc;
}

static void walk_gc_list(struct walker *w, uint64_t head, int frozen, const char *what)
{
	uint64_t node = rd_ptr(w, head + GC_NEXT) & ~(uint64_t)1, prev = head;
	uint64_t n = 0;

	/* each node must be a new object: the list cannot loop */
	while (node && node != head) {
		uint32_t i = obj_ref(w, node + GC_HEAD_SIZE);
		uint64_t back;

		if (i == HG_NONE) {
			hg_warnf(w->src->warn, "%s: %s list broken at 0x%" PRIx64 " after %" PRIu64 " objects; the rest of it is not walked",
				 w->src->path, what, node, n);
			w->src->incomplete = 1;
			return;
		}
		if (w->h->flags[i] & HG_OBJ_GC) {
			hg_warnf(w->src->warn, "%s: %s list loops back at 0x%" PRIx64 "; stopped there", w->src->path, what, node);
			w->src->incomplete = 1;
			return;
		}
		w->h->flags[i] |= HG_OBJ_GC | (frozen ? HG_OBJ_FROZEN : 0);
		back = rd_ptr(w, node + GC_PREV) & ~(uint64_t)3;
		if (back != prev && n < 3)
			hg_warnf(w->src->warn, "%s: %s list back-link mismatch at 0x%" PRIx64 " (core taken during a collection?)",
				 w->src->path, what, node);
		prev = node;
		node = rd_ptr(w, node + GC_NEXT) & ~(uint64_t)1;
		n++;
	}
}

/* Is the list head at h whole: empty (linked to itself), or its first node linked back to it? */
static int gc_head_ok(struct walker *w, uint64_t h)
{
	uint64_t next = rd_ptr(w, h + GC_NEXT) & ~(uint64_t)1, prev = rd_ptr(w, h + GC_PREV) & ~(uint64_t)3;

	if (!next || !prev)
		return 0;
	if (next == h)
		return prev == h;
	return (rd_ptr(w, next + GC_PREV) & ~(uint64_t)3) == h;
}

/*
 * Where the three generation lists start in the GC state at gc: the
 * table's offset when its heads are whole, else the nearest 4-aligned
 * offset within 16 bytes whose three heads are (Debian's 3.13.18 keeps them
 * at +20, 3.13.0 at +24, and _Py_DebugOffsets does not say).
 */
static uint64_t gc_generations(struct walker *w, uint64_t gc)
{
	int64_t base = w->L->gc_gen0;

	for (int d = 0; d <= 16; d += 4) {
		for (int sign = 1; sign >= -1; sign -= 2) {
			int64_t off = base + sign * d;
			int ok = off >= 0;

			for (int g = 0; g < 3 && ok; g++)
				ok = gc_head_ok(w, gc + (uint64_t)off + GC_GENERATION_SIZE * (uint64_t)g);
			if (ok)
				return gc + (uint64_t)off;
			if (!d)
				break;
		}
	}
	return gc + (uint64_t)base;
}

int roots_gc_lists(struct walker *w)
{
	const struct hg_pylayout *L = w->L;
	uint64_t interp = rd_ptr(w, w->py->runtime + (uint64_t)L->rt_interp_head);
	int count = 0;

	if (!interp)
		return -1;
	/* _PyRuntimeState.interpreters: head, then main */
	w->interp = rd_ptr(w, w->py->runtime + (uint64_t)L->rt_interp_head + 8);
	if (!w->interp)
		w->interp = interp;
	for (; interp && count < 64; count++) {
		uint64_t gc = gc_base(w, interp);
		static const char *const names[] = { "GC generation 0", "GC generation 1", "GC generation 2" };

		if (rd_u32(w, gc + (uint64_t)L->gc_collecting))
			hg_warnf(w->src->warn, "%s: the core was taken during a garbage collection; some objects may be missed",
				 w->src->path);
		uint64_t gens = gc_generations(w, gc);

		for (int g = 0; g < 3; g++)
			walk_gc_list(w, gens + GC_GENERATION_SIZE * (uint64_t)g, 0, names[g]);
		walk_gc_list(w, gc + (uint64_t)L->gc_permanent, 1, "GC permanent generation");
		if (L->rt_gc >= 0)
			break;	/* 3.8: one GC state for all interpreters */
		interp = rd_ptr(w, interp + (uint64_t)L->is_next);
	}
	return 0;
}

static void root(struct walker *w, enum hg_root_kind kind, enum hg_root_what what, uint64_t obj, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void root(struct walker *w, enum hg_root_kind kind, enum hg_root_what what, uint64_t obj, const char *fmt, ...)
{
	char name[512];
	va_list ap;
	uint32_t i;

	if (!obj || (i = obj_ref(w, obj)) == HG_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	hg_heap_add_root(w->h, kind, what, hg_heap_cstr(w->h, name), i);
}

/* A root in a thread's frame, named "THREAD frame FN() WHAT" in three parts. */
static void frame_root(struct walker *w, enum hg_root_what what, uint64_t obj, const char *thread, const char *fn,
		       const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void frame_root(struct walker *w, enum hg_root_what what, uint64_t obj, const char *thread, const char *fn,
		       const char *fmt, ...)
{
	char part2[300], part3[300], *name;
	va_list ap;
	uint32_t i;

	if (!obj || (i = obj_ref(w, obj)) == HG_NONE)
		return;
	snprintf(part2, sizeof(part2), "frame %s()", fn);
	va_start(ap, fmt);
	vsnprintf(part3, sizeof(part3), fmt, ap);
	va_end(ap);
	name = xasprintf("%s %s %s", thread, part2, part3);
	hg_heap_add_frame_root(w->h, what, hg_heap_cstr(w->h, name), strlen(part2), strlen(part3), i);
	free(name);
}

static int module_cb(struct walker *w, uint64_t key, uint64_t value, void *arg)
{
	char name[300];
	int trunc;

	if (text_str(w, key, name, sizeof(name), &trunc) < 0)
		snprintf(name, sizeof(name), "?");
	text_sanitize(name);
	root(w, HG_ROOT_MODULE, HG_RW_MODULE, value, "sys.modules['%s']", name);
	(void)arg;
	return 0;
}

/* Name of a code object for frame labels: co_qualname (3.11+) or co_name. */
static void code_name(struct walker *w, uint64_t code, char *out, size_t max)
{
	int trunc;
	int off = w->L->co_qualname >= 0 ? w->L->co_qualname : w->L->co_name;

	if (!code || text_str(w, rd_ptr(w, code + (uint64_t)off), out, max, &trunc) < 0)
		snprintf(out, max, "?");
	text_sanitize(out);
}

struct thread_roots {
	uint64_t ts;		/* the PyThreadState */
	uint64_t ident;		/* pthread_t, the key of threading._active */
	uint64_t native;
	size_t first_root, end_root;
};

/*
 * A local variable: its value is a root; a cell variable's cell is one too,
 * and so is the cell's content, which is what the variable holds.
 */
static void local_root(struct walker *w, uint64_t v, const char *thread, const char *fn,
		       const char *var, int cell_slot)
{
	uint32_t i = obj_ref(w, v);

	if (cell_slot && i != HG_NONE && obj_kind(w, i) == K_CELL) {
		frame_root(w, HG_RW_CELL, v, thread, fn, "cell '%s'", var);
		frame_root(w, HG_RW_LOCAL, rd_ptr(w, v + CELL_REF), thread, fn, "local '%s'", var);
		return;
	}
	frame_root(w, HG_RW_LOCAL, v, thread, fn, "local '%s'", var);
}

/* Roots of one 3.11+ interpreter frame's locals. */
static void iframe_roots(struct walker *w, uint64_t f, const char *thread)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code = rd_stackref(w, f + (uint64_t)L->if_code);
	uint64_t names = rd_ptr(w, code + (uint64_t)L->co_localsplusnames);
	uint64_t kinds = rd_ptr(w, code + (uint64_t)L->co_localspluskinds);
	int64_t n = (int32_t)rd_u32(w, code + (uint64_t)L->co_nlocalsplus);
	int64_t nn = names ? (int64_t)rd_ptr(w, names + OB_SIZE) : 0;
	char fn[256];

	code_name(w, code, fn, sizeof(fn));
	for (int64_t k = 0; k < n && k < 100000; k++) {
		uint64_t v = rd_stackref(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k);
		char var[256];
		int trunc;
		unsigned kind = kinds ? rd_u8(w, kinds + BYTES_SVAL + (uint64_t)k) : 0;

		if (!v)
			continue;
		if (k >= nn || text_str(w, rd_tuple_item(w, names, (uint64_t)k), var, sizeof(var), &trunc) < 0)
			snprintf(var, sizeof(var), "#%lld", (long long)k);
		text_sanitize(var);
		local_root(w, v, thread, fn, var, (kind & CO_KIND_CELL_FREE) != 0);
	}
	frame_root(w, HG_RW_FRAME, rd_stackref(w, f + (uint64_t)L->if_func), thread, fn, "function");
	frame_root(w, HG_RW_FRAME, code, thread, fn, "code");
	frame_root(w, HG_RW_FRAME, rd_ptr(w, f + (uint64_t)L->if_locals), thread, fn, "f_locals");
	frame_root(w, HG_RW_FRAME, rd_ptr(w, f + (uint64_t)L->if_frame_obj), thread, fn, "frame object");
	frame_root(w, HG_RW_FRAME, rd_ptr(w, f + (uint64_t)L->if_globals), thread, fn, "f_globals");
	/* The value stack only for callers (stacktop >= nlocalsplus, not the running frame). */
	{
		int64_t top = iframe_stacktop(w, f);

		for (int64_t k = n; top > 0 && k < top && k < n + 10000; k++)
			frame_root(w, HG_RW_STACK, rd_stackref(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k),
				   thread, fn, "stack[%lld]", (long long)(k - n));
	}
}

/* Roots of one 3.8-3.10 frame object's locals. */
static void frame_roots(struct walker *w, uint64_t f, const char *thread)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code = rd_ptr(w, f + (uint64_t)L->f_code);
	uint64_t tuples[3] = {
		rd_ptr(w, code + (uint64_t)L->co_varnames),
		rd_ptr(w, code + (uint64_t)L->co_cellvars),
		rd_ptr(w, code + (uint64_t)L->co_freevars),
	};
	char fn[256];
	int64_t k = 0;

	code_name(w, code, fn, sizeof(fn));
	for (int t = 0; t < 3; t++) {
		int64_t n = tuples[t] ? (int64_t)rd_ptr(w, tuples[t] + OB_SIZE) : 0;

		for (int64_t j = 0; j < n && j < 100000; j++, k++) {
			uint64_t v = rd_ptr(w, f + (uint64_t)L->f_localsplus + 8 * (uint64_t)k);
			char var[256];
			int trunc;

			if (!v)
				continue;
			if (text_str(w, rd_tuple_item(w, tuples[t], (uint64_t)j), var, sizeof(var), &trunc) < 0)
				snprintf(var, sizeof(var), "#%lld", (long long)k);
			text_sanitize(var);
			local_root(w, v, thread, fn, var, t != 0);
		}
	}
	frame_root(w, HG_RW_FRAME, f, thread, fn, "frame object");
}

static void thread_roots(struct walker *w, uint64_t ts, struct thread_roots *tr)
{
	const struct hg_pylayout *L = w->L;
	char thread[64];
	uint64_t f;
	int n = 0;
	struct chain_guard g;

	tr->ts = ts;
	tr->ident = rd_ptr(w, ts + (uint64_t)L->ts_thread_id);
	tr->native = L->ts_native_thread_id >= 0 ? (uint32_t)rd_ptr(w, ts + (uint64_t)L->ts_native_thread_id) : 0;
	tr->first_root = w->h->nroot;
	/* Placeholder names; thread_names() puts the threading.Thread name in. */
	snprintf(thread, sizeof(thread), "thread 0x%" PRIx64, tr->ident);
	if (L->ts_frame >= 0) {
		f = rd_ptr(w, ts + (uint64_t)L->ts_frame);
		chain_guard_init(&g, w, f, (uint64_t)L->frame_size);
		for (; f && n < MAX_FRAMES; n++) {
			frame_roots(w, f, thread);
			f = rd_ptr(w, f + (uint64_t)L->f_back);
			if (chain_guard_step(&g, f) < 0)
				break;
		}
	} else {
		if (L->ts_current_frame >= 0)
			f = rd_ptr(w, ts + (uint64_t)L->ts_current_frame);
		else
			f = rd_ptr(w, rd_ptr(w, ts + (uint64_t)L->ts_cframe) + (uint64_t)L->cframe_current_frame);
		chain_guard_init(&g, w, f, (uint64_t)L->if_localsplus);
		for (; f && n < MAX_FRAMES; n++) {
			int owner = rd_u8(w, f + (uint64_t)L->if_owner);

			/* shims and interpreter entry frames are no Python calls */
			if ((L->owner_shim < 0 || owner < L->owner_shim) && rd_stackref(w, f + (uint64_t)L->if_code))
				iframe_roots(w, f, thread);
			f = rd_ptr(w, f + (uint64_t)L->if_previous);
			if (chain_guard_step(&g, f) < 0)
				break;
		}
	}
	root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, ts + (uint64_t)L->ts_dict), "%s state dict", thread);
	root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, ts + (uint64_t)L->ts_async_exc), "%s async exception", thread);
	root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, ts + (uint64_t)L->ts_context), "%s context", thread);
	if (L->ts_current_exception >= 0)
		root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, ts + (uint64_t)L->ts_current_exception), "%s current exception", thread);
	else
		root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, ts + (uint64_t)L->ts_curexc_value), "%s current exception", thread);
	/* The chain of exceptions being handled. */
	for (uint64_t item = rd_ptr(w, ts + (uint64_t)L->ts_exc_info), k = 0; item && k < 1000; k++) {
		root(w, HG_ROOT_INTERPRETER, HG_RW_STATE, rd_ptr(w, item + (uint64_t)L->exc_item_value), "%s handled exception", thread);
		item = rd_ptr(w, item + (uint64_t)L->exc_item_previous);
	}
	tr->end_root = w->h->nroot;
}

void roots_collect(struct walker *w)
{
	const struct hg_pylayout *L = w->L;
	uint64_t interp = w->interp, modules = rd_ptr(w, interp + (uint64_t)L->is_modules);
	uint64_t gc = gc_base(w, interp);
	size_t nthreads = 0;
	struct thread_roots *threads = NULL;
	struct chain_guard g;
	uint64_t ts;

	if (dict_items(w, modules, module_cb, NULL) < 0)
		hg_warnf(w->src->warn, "%s: sys.modules could not be read; module roots are missing", w->src->path);
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, modules, "sys.modules");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, interp + (uint64_t)L->is_sysdict), "sys.__dict__");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, interp + (uint64_t)L->is_builtins), "builtins.__dict__");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, interp + (uint64_t)L->is_importlib), "interpreter importlib");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, interp + (uint64_t)L->is_dict), "interpreter state dict");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, interp + (uint64_t)L->is_builtins_copy), "interpreter builtins copy");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, gc + (uint64_t)L->gc_garbage), "gc.garbage");
	root(w, HG_ROOT_INTERPRETER, HG_RW_OTHER, rd_ptr(w, gc + (uint64_t)L->gc_callbacks), "gc.callbacks");

	ts = rd_ptr(w, interp + (uint64_t)L->is_threads_head);
	chain_guard_init(&g, w, ts, (uint64_t)L->tstate_size);
	while (ts && nthreads < MAX_THREADS) {
		if (rd_ptr(w, ts + (uint64_t)L->ts_interp) != interp) {
			hg_warnf(w->src->warn, "%s: thread state 0x%" PRIx64 " does not belong to the interpreter; thread list cut there",
				 w->src->path, ts);
			break;
		}
		threads = xrealloc(threads, (nthreads + 1) * sizeof(*threads));
		thread_roots(w, ts, &threads[nthreads++]);
		ts = rd_ptr(w, ts + (uint64_t)L->ts_next);
		if (chain_guard_step(&g, ts) < 0) {
			hg_warnf(w->src->warn, "%s: the thread list loops at 0x%" PRIx64 "; cut there", w->src->path, ts);
			w->src->incomplete = 1;
			break;
		}
	}
	w->threads = threads;
	w->nthreads = nthreads;
}

/* threading._active maps the thread ident to its Thread; the Thread's _name names the thread. */
static int thread_name(struct walker *w, uint64_t ident, char *out, size_t max)
{
	struct hg_heap *h = w->h;
	uint64_t threading = 0, active = 0, thread = 0;
	uint32_t mi = HG_NONE;

	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].kind == HG_ROOT_MODULE && !strcmp(hg_heap_s(h, h->roots[r].name), "sys.modules['threading']")) {
			mi = h->roots[r].obj;
			break;
		}
	if (mi == HG_NONE)
		return -1;
	threading = rd_ptr(w, hg_heap_addr(h, mi) + MODULE_DICT);
	active = dict_get(w, threading, "_active");
	if (!active)
		return -1;
	/* _active's keys are ints: compare their values. */
	{
		struct dict_find { uint64_t ident, found; } df = { ident, 0 };
		uint32_t ai = hg_heap_find(h, active);

		if (ai == HG_NONE)
			return -1;
		for (uint64_t e = hg_heap_first(h, ai); e < hg_heap_first(h, ai + 1); e++) {
			uint32_t k = h->to[e];
			char lb[HG_LABEL_BUF];

			if (!strcmp(hg_heap_label(h, h->label[e], lb), "key") && *hg_heap_value(h, k)) {
				char want[32];

				snprintf(want, sizeof(want), "%" PRIu64, ident);
				if (!strcmp(hg_heap_value(h, k), want) && e + 1 < hg_heap_first(h, ai + 1)) {
					df.found = hg_heap_addr(h, h->to[e + 1]);
					break;
				}
			}
		}
		thread = df.found;
	}
	if (!thread)
		return -1;
	/* Its _name: an inline attribute (.name) or a __dict__ entry. */
	{
		uint32_t ti = hg_heap_find(h, thread);

		if (ti == HG_NONE)
			return -1;
		for (uint64_t e = hg_heap_first(h, ti); e < hg_heap_first(h, ti + 1); e++) {
			char lb[HG_LABEL_BUF];
			const char *l = hg_heap_label(h, h->label[e], lb);
			uint32_t t = h->to[e];

			if (!strcmp(l, "._name") && *hg_heap_value(h, t)) {
				snprintf(out, max, "%s", hg_heap_value(h, t));
				return 0;
			}
			if (!strcmp(l, "__dict__")) {
				for (uint64_t e2 = hg_heap_first(h, t); e2 < hg_heap_first(h, t + 1); e2++)
					if (!strcmp(hg_heap_label(h, h->label[e2], lb), "['_name']") && *hg_heap_value(h, h->to[e2])) {
						snprintf(out, max, "%s", hg_heap_value(h, h->to[e2]));
						return 0;
					}
			}
		}
	}
	return -1;
}

/* Replaces the placeholder "thread 0x..." in root names with "thread 'Name' (tid N)". */
static void thread_names(struct walker *w)
{
	struct hg_heap *h = w->h;

	for (size_t t = 0; t < w->nthreads; t++) {
		struct thread_roots *tr = &w->threads[t];
		char name[200], placeholder[64], label[300];
		size_t plen;

		snprintf(placeholder, sizeof(placeholder), "thread 0x%" PRIx64, tr->ident);
		plen = strlen(placeholder);
		if (thread_name(w, tr->ident, name, sizeof(name)) < 0)
			snprintf(name, sizeof(name), "?");
		text_sanitize(name);
		if (tr->native)
			snprintf(label, sizeof(label), "thread '%s' (tid %" PRIu64 ")", name, tr->native);
		else
			snprintf(label, sizeof(label), "thread '%s'", name);
		for (size_t r = tr->first_root; r < tr->end_root && r < h->nroot; r++) {
			const char *old = hg_heap_s(h, h->roots[r].name);
			char *nn;

			if (strncmp(old, placeholder, plen))
				continue;
			nn = xasprintf("%s%s", label, old + plen);
			h->roots[r].name = hg_heap_cstr(h, nn);
			free(nn);
		}
	}
}

/*
 * C memory is scanned for words pointing at objects nothing else reaches,
 * first directly, then through the malloc'd blocks it points to: a thread's
 * start-up block (its Thread._bootstrap), the parser arena of the running
 * script, atexit's callbacks.  glibc keeps a block's size in the word before
 * it (flags in the low 3 bits) and marks it in use in the next block's;
 * pymalloc keeps it in the pool's header.  A word that points at what looks
 * so is followed, BLOCK_DEPTH blocks deep, each block once.
 */
#define BLOCK_DEPTH	2

struct cscan {
	struct walker *w;
	uint64_t *seen;		/* open addressing, 0 = empty */
	size_t nseen, cap;
};

static int block_seen(struct cscan *cs, uint64_t p)
{
	size_t k;

	if (2 * (cs->nseen + 1) > cs->cap) {
		uint64_t *old = cs->seen;
		size_t ocap = cs->cap;

		cs->cap = ocap ? 2 * ocap : 4096;
		cs->seen = xcalloc(cs->cap, sizeof(*cs->seen));
		cs->nseen = 0;
		for (size_t j = 0; j < ocap; j++)
			if (old[j])
				block_seen(cs, old[j]);
		free(old);
	}
	for (k = (size_t)(p * 0x9e3779b97f4a7c15ull >> 20) & (cs->cap - 1); cs->seen[k]; k = (k + 1) & (cs->cap - 1))
		if (cs->seen[k] == p)
			return 1;
	cs->seen[k] = p;
	cs->nseen++;
	return 0;
}

/*
 * Scans [a, b) for words pointing at objects nothing else reaches, making
 * them roots named what (and the blocks on the way); follows words into
 * malloc'd blocks while hops < max.
 */
static void scan_c_range(struct cscan *cs, uint64_t a, uint64_t b, const char *what,
			 enum hg_root_kind kind, int hops, int max)
{
	struct walker *w = cs->w;
	struct hg_heap *h = w->h;
	uint32_t label = HG_NONE;

	a = (a + 7) & ~(uint64_t)7;
	while (a + 8 <= b) {
		struct hg_span r;
		uint64_t end;

		if (w->m->span(w->m->ctx, a, 0, &r) < 0) {
			/* a hole in the dump: on to the next span, in one step */
			if (w->m->span(w->m->ctx, a, 1, &r) < 0 || r.start >= b)
				break;
			a = (r.start + 7) & ~(uint64_t)7;
			continue;
		}
		end = r.end < b ? r.end : b;
		for (; a + 8 <= end; a += 8) {
			uint64_t p = hg_le64(r.data + (a - r.start)), size;
			uint32_t i;

			if (p < 4096 || (p & 7))
				continue;
			if ((i = hg_heap_find(h, p)) != HG_NONE) {
				if (h->flags[i] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD))
					continue;
				if (label == HG_NONE) {
					char *s = hops == 0 ? xstrdup(what) : hops == 1 ? xasprintf("%s, via a malloc'd block", what)
									      : xasprintf("%s, via %d malloc'd blocks", what, hops);

					label = hg_heap_cstr(h, s);
					free(s);
				}
				hg_heap_add_root(h, kind, HG_RW_MEMORY, label, i);
				hg_heap_mark_from(h, i, kind == HG_ROOT_C ? HG_OBJ_C_HELD : HG_OBJ_REACHABLE);
			} else if (hops < max && (size = block_size(w, p)) && !block_seen(cs, p)) {
				scan_c_range(cs, p, p + size, what, kind, hops + 1, max);
			}
		}
		/* a span whose end is not word-aligned leaves a partial word: past it */
		if (a < end)
			a = (end + 7) & ~(uint64_t)7;
	}
}

/* One pass over the C memory that can hold objects, following blocks max deep. */
static void scan_c_memory(struct cscan *cs, int max)
{
	struct walker *w = cs->w;

	/*
	 * The interpreter and thread states themselves: heap blocks before 3.11
	 * (inside _PyRuntime since), holding the codec registry, at-fork
	 * handlers, AST state, asyncgen hooks, ...
	 */
	scan_c_range(cs, w->interp, w->interp + (uint64_t)w->L->interp_size, "interpreter state",
		     HG_ROOT_INTERPRETER, 0, max);
	for (size_t t = 0; t < w->nthreads; t++)
		scan_c_range(cs, w->threads[t].ts, w->threads[t].ts + (uint64_t)w->L->tstate_size,
			     "thread state", HG_ROOT_INTERPRETER, 0, max);
	/* C stacks and static data, as the source lists them */
	for (size_t k = 0; k < w->src->ncmem; k++) {
		const struct hg_pycmem *c = &w->src->cmem[k];

		scan_c_range(cs, c->lo, c->hi, c->what, c->interpreter ? HG_ROOT_INTERPRETER : HG_ROOT_C, 0, max);
	}
}

void roots_c_memory(struct walker *w)
{
	struct hg_heap *h = w->h;
	struct cscan cs = { .w = w };

	thread_names(w);
	/* Static (non-heap) types live as long as the interpreter does. */
	for (size_t t = 0; t < h->ntype; t++) {
		uint32_t o = h->types[t].obj;

		if (o != HG_NONE && !(rd_ptr(w, h->types[t].addr + TP_FLAGS) & TPF_HEAPTYPE))
			hg_heap_add_root(h, HG_ROOT_INTERPRETER, HG_RW_STATIC_TYPE,
					 hg_heap_cstr(h, "static type"), o);
	}
	hg_heap_mark(h);
	/* Words pointing at objects first, then what malloc'd blocks hold. */
	scan_c_memory(&cs, 0);
	scan_c_memory(&cs, BLOCK_DEPTH);
	free(cs.seen);
	free(w->threads);
	w->threads = NULL;
}
