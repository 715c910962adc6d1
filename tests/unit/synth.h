/*
 * synth.h - a small 3.12-shaped CPython interpreter laid out in a buffer
 * (types, a GC list, a list, a str, deques, an lru_cache wrapper) and
 * served through struct hg_mem: the walker's input with no core file,
 * for tests/unit/test-walk.c and tests/fuzz/fuzz-walk.c.  synth_build(W, n) gives
 * one deque the length n and a block linked to itself, and the lru_cache a
 * list that loops: damage the walker must survive.
 */
#ifndef HG_SYNTH_H
#define HG_SYNTH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../formats/cpython/walker.h"
#include "../../common/util.h"

#define SYNTH_BASE	0x10000000ull
#define SYNTH_SIZE	(1u << 20)	/* room for the world; its image is what was used */

/* One span of synthetic process memory, allocated from the bottom up. */
struct fake {
	unsigned char *mem;
	uint64_t next;
	size_t len;		/* bytes of mem the span serves (the whole room by default) */
	struct { const char *name; uint64_t addr; } syms[16];
	int nsyms;
};

static inline int fake_span(void *ctx, uint64_t addr, int after, struct hg_span *out)
{
	struct fake *f = ctx;

	if ((after && addr < SYNTH_BASE) || (!after && addr >= SYNTH_BASE && addr < SYNTH_BASE + f->len)) {
		out->start = SYNTH_BASE;
		out->end = SYNTH_BASE + f->len;
		out->data = f->mem;
		return 0;
	}
	return -1;
}

static inline uint64_t fake_symbol(void *ctx, const char *name)
{
	struct fake *f = ctx;

	for (int k = 0; k < f->nsyms; k++)
		if (!strcmp(f->syms[k].name, name))
			return f->syms[k].addr;
	return 0;
}

static inline uint64_t alloc(struct fake *f, uint64_t n)
{
	uint64_t a = (f->next + 15) & ~(uint64_t)15;

	f->next = a + n;
	if (f->next > SYNTH_BASE + SYNTH_SIZE)
		abort();
	return a;
}

static inline void put64(struct fake *f, uint64_t addr, uint64_t v) { memcpy(f->mem + (addr - SYNTH_BASE), &v, 8); }
static inline void put32(struct fake *f, uint64_t addr, uint32_t v) { memcpy(f->mem + (addr - SYNTH_BASE), &v, 4); }

static inline uint64_t cstr(struct fake *f, const char *s)
{
	uint64_t a = alloc(f, strlen(s) + 1);

	memcpy(f->mem + (a - SYNTH_BASE), s, strlen(s) + 1);
	return a;
}

/* A static type: metatype, name, sizes, flags, base. */
static inline uint64_t type(struct fake *f, uint64_t meta, const char *name, int64_t basicsize, uint64_t flags, uint64_t base)
{
	uint64_t t = alloc(f, TP_READ_SIZE);

	put64(f, t + OB_REFCNT, 1);
	put64(f, t + OB_TYPE, meta ? meta : t);
	put64(f, t + TP_NAME, cstr(f, name));
	put64(f, t + TP_BASICSIZE, (uint64_t)basicsize);
	put64(f, t + TP_FLAGS, flags | TPF_READY);
	put64(f, t + TP_BASE, base);
	return t;
}

static inline void sym(struct fake *f, const char *name, uint64_t addr)
{
	f->syms[f->nsyms].name = name;
	f->syms[f->nsyms++].addr = addr;
}

/* A GC-tracked object of type tp and size bytes, linked after prev in a GC list; returns the object. */
static inline uint64_t gc_obj(struct fake *f, uint64_t tp, uint64_t size, uint64_t *prev)
{
	uint64_t g = alloc(f, GC_HEAD_SIZE + size), o = g + GC_HEAD_SIZE;

	put64(f, *prev + GC_NEXT, g);
	put64(f, g + GC_PREV, *prev);
	*prev = g;
	put64(f, o + OB_REFCNT, 1);
	put64(f, o + OB_TYPE, tp);
	return o;
}

struct world {
	struct fake f;
	struct hg_pylayout L;
	uint64_t t_type, t_list, t_str, t_deque, t_lru;
	uint64_t list, str, deque_ok, deque_bad, lru_bad;
	uint64_t gchead, last;
};

/*
 * The interpreter: _PyRuntime -> interpreter -> GC state whose generation 0
 * holds a list [str, deque, deque, lru]; sys.modules empty, no threads.
 */
static inline void synth_build(struct world *W, int64_t bad_len)
{
	struct fake *f = &W->f;
	const struct hg_pylayout *L = &W->L;
	uint64_t rt, interp, t_object, t_dict, items, blk, blk2, link;

	memset(W, 0, sizeof(*W));
	f->mem = calloc(1, SYNTH_SIZE);
	f->len = SYNTH_SIZE;
	f->next = SYNTH_BASE + 64;
	hg_pylayout_get(3, 12, &W->L);

	W->t_type = type(f, 0, "type", L->heaptype_size, TPF_HAVE_GC | TPF_TYPE_SUBCLASS, 0);
	t_object = type(f, W->t_type, "object", 16, 0, 0);
	put64(f, W->t_type + TP_BASE, t_object);
	t_dict = type(f, W->t_type, "dict", DICT_SIZE, TPF_HAVE_GC, t_object);
	W->t_list = type(f, W->t_type, "list", 40, TPF_HAVE_GC, t_object);
	W->t_str = type(f, W->t_type, "str", 56, 0, t_object);
	W->t_deque = type(f, W->t_type, "collections.deque", 632, TPF_HAVE_GC, t_object);
	W->t_lru = type(f, W->t_type, "functools._lru_cache_wrapper", 120, TPF_HAVE_GC, t_object);
	sym(f, "PyType_Type", W->t_type);
	sym(f, "PyBaseObject_Type", t_object);
	sym(f, "PyDict_Type", t_dict);
	sym(f, "PyList_Type", W->t_list);
	sym(f, "PyUnicode_Type", W->t_str);

	/* the runtime, one interpreter, its GC state with empty lists */
	rt = alloc(f, 4096);
	interp = alloc(f, 8192);
	put64(f, rt + (uint64_t)L->rt_interp_head, interp);
	W->gchead = interp + (uint64_t)L->is_gc + (uint64_t)L->gc_gen0;
	for (int g = 0; g < 3; g++) {
		uint64_t h = W->gchead + GC_GENERATION_SIZE * (uint64_t)g;

		put64(f, h + GC_NEXT, h);
		put64(f, h + GC_PREV, h);
	}
	put64(f, interp + (uint64_t)L->is_gc + (uint64_t)L->gc_permanent, interp + (uint64_t)L->is_gc + (uint64_t)L->gc_permanent);
	f->syms[f->nsyms].name = "_PyRuntime";
	f->syms[f->nsyms++].addr = rt;

	/* 'hi': a compact ASCII str (no GC header) */
	W->str = alloc(f, 64);
	put64(f, W->str + OB_REFCNT, 1);
	put64(f, W->str + OB_TYPE, W->t_str);
	put64(f, W->str + STR_LENGTH, 2);
	put32(f, W->str + STR_STATE, 1u << 2 | 1u << 5 | 1u << 6);
	memcpy(f->mem + (W->str + (uint64_t)L->ascii_size - SYNTH_BASE), "hi", 3);

	/* generation 0: the list, then its deques and the lru wrapper */
	W->last = W->gchead;
	W->list = gc_obj(f, W->t_list, 40, &W->last);

	/* a good deque of 3 items in one block, starting at index 62: two blocks */
	W->deque_ok = gc_obj(f, W->t_deque, 632, &W->last);
	blk = alloc(f, DEQUE_BLOCK_SIZE);
	blk2 = alloc(f, DEQUE_BLOCK_SIZE);
	put64(f, W->deque_ok + OB_SIZE, 3);
	put64(f, W->deque_ok + DEQUE_LEFTBLOCK, blk);
	put64(f, W->deque_ok + DEQUE_LEFTINDEX, 62);
	put64(f, blk + DEQUE_BLOCK_DATA + 8 * 62, W->str);
	put64(f, blk + DEQUE_BLOCK_DATA + 8 * 63, W->list);
	put64(f, blk + DEQUE_BLOCK_RIGHT, blk2);
	put64(f, blk2 + DEQUE_BLOCK_DATA, W->str);

	/* a damaged deque: a huge length, and a block whose right link is itself */
	W->deque_bad = gc_obj(f, W->t_deque, 632, &W->last);
	blk = alloc(f, DEQUE_BLOCK_SIZE);
	put64(f, W->deque_bad + OB_SIZE, (uint64_t)bad_len);
	put64(f, W->deque_bad + DEQUE_LEFTBLOCK, blk);
	for (int k = 0; k < DEQUE_BLOCKLEN; k++)
		put64(f, blk + DEQUE_BLOCK_DATA + 8 * (uint64_t)k, W->str);
	put64(f, blk + DEQUE_BLOCK_RIGHT, blk);

	/* an lru_cache whose list loops without coming back to the object */
	W->lru_bad = gc_obj(f, W->t_lru, 120, &W->last);
	link = alloc(f, 64);
	put64(f, W->lru_bad + LRU_ROOT_NEXT, link);
	put64(f, link + LRU_ELEM_KEY, W->str);
	put64(f, link + LRU_ELEM_RESULT, W->list);
	put64(f, link + LRU_ELEM_NEXT, link);

	/* close generation 0 */
	put64(f, W->last + GC_NEXT, W->gchead);
	put64(f, W->gchead + GC_PREV, W->last);

	items = alloc(f, 16);
	put64(f, items, W->str);
	put64(f, items + 8, W->deque_ok);
	put64(f, W->list + OB_SIZE, 2);
	put64(f, W->list + LIST_ITEMS, items);
	put64(f, W->list + LIST_ALLOCATED, 2);
}

static inline int synth_walk(struct world *W, struct hg_heap *h, struct hg_warnings *warn)
{
	struct hg_pysource src;
	struct hg_python py;
	struct hg_error err;

	memset(&src, 0, sizeof(src));
	memset(&py, 0, sizeof(py));
	src.mem.span = fake_span;
	src.mem.ctx = &W->f;
	src.path = "synthetic";
	src.symbol = fake_symbol;
	src.symbol_ctx = &W->f;
	src.warn = warn;
	src.mem_bytes = W->f.len;
	py.major = 3;
	py.minor = 12;
	py.runtime = fake_symbol(&W->f, "_PyRuntime");
	snprintf(py.version, sizeof(py.version), "3.12.0");
	py.version_source = "Py_Version";
	hg_heap_init(h);
	return hg_cpython_walk(&src, &py, h, NULL, NULL, &err);
}

/* The world built (a deque that lies about its length: bad_len 5, as the fuzzers seed it) and walked into h. */
static inline int synth_heap(struct hg_heap *h, struct hg_warnings *warn)
{
	static struct world W;

	synth_build(&W, 5);
	W.f.len = (size_t)(W.f.next - SYNTH_BASE);
	return synth_walk(&W, h, warn);
}

#endif
