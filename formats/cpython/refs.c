/*
 * refs.c - reading objects: what counts as an object (aligned, readable, a
 * sane reference count, a type that validates), the references of the
 * object being decoded (edges, with labels), and the conservative readers
 * for memory of unknown layout: body scans and malloc'd blocks recognised
 * by glibc's and pymalloc's headers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

/* ---- reading ---- */

/*
 * A _PyStackRef slot (3.14+ frames): the low two bits are tags, and 3 marks
 * an int kept in the word itself, not an object.  Plain pointers before.
 */
uint64_t rd_stackref(struct walker *w, uint64_t addr)
{
	return rd_stackref_kind(w, addr, NULL);
}

uint64_t rd_stackref_kind(struct walker *w, uint64_t addr, int *kind)
{
	uint64_t v = rd_ptr(w, addr);

	if (kind)
		*kind = HG_EDGE_STRONG;
	if (!w->L->stackref)
		return v;
	if ((v & 3) >= 2)
		return 0;
	/* the low bit: a deferred reference, which the object's count does not include */
	if ((v & 1) && kind)
		*kind = HG_EDGE_STRONG | HG_EDGE_BORROWED;
	return v & ~(uint64_t)3;
}

/*
 * The number of localsplus slots in use in the 3.11+ interpreter frame at
 * f (locals, then the value stack), or -1 when unknown: 3.11-3.13 keep it
 * as an index, 3.14+ as a pointer (NULL while the frame runs).
 */
int64_t iframe_stacktop(struct walker *w, uint64_t f)
{
	const struct hg_pylayout *L = w->L;
	uint64_t base = f + (uint64_t)L->if_localsplus, sp;

	if (L->if_stacktop >= 0)
		return (int32_t)rd_u32(w, f + (uint64_t)L->if_stacktop);
	if (L->if_stackpointer < 0)
		return -1;
	sp = rd_ptr(w, f + (uint64_t)L->if_stackpointer);
	if (sp < base || (sp - base) % 8 || sp - base > ((uint64_t)1 << 24))
		return -1;
	return (int64_t)((sp - base) / 8);
}

/* Item k of the tuple at t (3.14+ keep a cached hash before the items). */
uint64_t rd_tuple_item(struct walker *w, uint64_t t, uint64_t k)
{
	return rd_ptr(w, t + (uint64_t)w->L->tuple_items + 8 * k);
}

/* ---- references ---- */

/* The bits of an object's first word that are its count (3.14+ keep flags in the top 16). */
static uint64_t refcnt_of(const struct walker *w, uint64_t word)
{
	int bits = w->L->refcnt_bits;

	return word & (bits >= 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1);
}

uint64_t rd_refcnt(struct walker *w, uint64_t a)
{
	return refcnt_of(w, rd_ptr(w, a + OB_REFCNT));
}

enum pykind obj_kind(struct walker *w, uint32_t i)
{
	uint32_t t = hg_heap_type(w->h, i);

	return t < w->h->ntype ? w->ti[t].kind : K_UNKNOWN;
}

/*
 * The object index of addr, adding the object when it validates: aligned,
 * readable, a sane refcount, and a type that validates.  A scan of memory
 * of unknown layout expects misses: only obj_ref counts them.
 */
uint32_t obj_ref_quiet(struct walker *w, uint64_t addr)
{
	const unsigned char *p;
	uint64_t refcnt;
	uint32_t i, ti;

	i = hg_heap_find(w->h, addr);
	if (i != HG_NONE)
		return i;
	if ((addr & 7) || !(p = hg_mem_ptr(w->m, addr, 16)))
		return HG_NONE;
	refcnt = refcnt_of(w, hg_le64(p + OB_REFCNT));
	/* Freed blocks hold a free-list pointer where the count was. */
	if (refcnt == 0 || refcnt > ((uint64_t)1 << 40))
		return HG_NONE;
	ti = type_ref(w, hg_le64(p + OB_TYPE), 0);
	if (ti == HG_NONE)
		return HG_NONE;
	i = hg_heap_find(w->h, addr);	/* type_ref may have added it (a type) */
	return i != HG_NONE ? i : hg_heap_add_object(w->h, addr, ti);
}

uint32_t obj_ref(struct walker *w, uint64_t addr)
{
	uint32_t i;

	if (!addr)
		return HG_NONE;
	if ((i = obj_ref_quiet(w, addr)) == HG_NONE)
		w->bad_refs++;
	return i;
}

void edge(struct walker *w, uint64_t target, uint32_t label, int kind, enum hg_edge_role role)
{
	uint32_t t = obj_ref(w, target);

	if (t != HG_NONE)
		hg_heap_add_edge(w->h, t, label, kind, role);
}

void edgef(struct walker *w, uint64_t target, int kind, enum hg_edge_role role, const char *fmt, ...)
{
	va_list ap;
	uint32_t t;

	if (!target)
		return;
	t = (kind & 3) == HG_EDGE_POSSIBLE ? obj_ref_quiet(w, target) : obj_ref(w, target);
	if (t == HG_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(w->buf, sizeof(w->buf), fmt, ap);
	va_end(ap);
	hg_heap_add_edge(w->h, t, hg_heap_cstr(w->h, w->buf), kind, role);
}

void field_borrowed(struct walker *w, uint64_t obj, int off, const char *name)
{
	uint64_t p;

	if (off < 0 || !(p = rd_ptr(w, obj + (uint64_t)off)))
		return;
	edge(w, p, hg_heap_cstr(w->h, name), HG_EDGE_STRONG | HG_EDGE_BORROWED, HG_REF_FIELD);
}

void field(struct walker *w, uint64_t obj, int off, const char *name)
{
	uint64_t p;
	enum hg_edge_role role = !strcmp(name, "__dict__") ? HG_REF_DICT :
				 !strncmp(name, "__", 2) ? HG_REF_PYATTR : HG_REF_FIELD;

	if (off < 0 || !(p = rd_ptr(w, obj + (uint64_t)off)))
		return;
	edge(w, p, hg_heap_cstr(w->h, name), HG_EDGE_STRONG, role);
}

void scan_body(struct walker *w, const struct tinfo *t, uint64_t a, int64_t from, int64_t to)
{
	for (int64_t off = (from + 7) & ~7; off + 8 <= to; off += 8) {
		uint64_t p;
		int skip = off == t->dictoffset || off == t->weaklistoffset;

		for (size_t m = 0; m < t->nmembers && !skip; m++)
			skip = t->members[m].offset == off;
		if (skip || !(p = rd_ptr(w, a + (uint64_t)off)) || (p & 7) || p == a)
			continue;
		edgef(w, p, HG_EDGE_POSSIBLE, HG_REF_OTHER, "+%lld", (long long)off);
	}
	w->h->flags[hg_heap_find(w->h, a)] |= HG_OBJ_CONSERVATIVE;
}

/*
 * The size of the in-use pymalloc block at p (PyMem_Malloc of up to 512
 * bytes), or 0.  Its pool (4 KiB, 16 KiB from 3.10 on 64-bit) starts with a
 * header: count of blocks in use@0, arenaindex@32, szidx@36 (block size
 * (szidx + 1) * 16), nextoffset@40, maxnextoffset@44 = pool size - block
 * size; blocks start after the 48-byte header.
 */
static uint64_t pymalloc_block_size(struct walker *w, uint64_t p)
{
	static const uint64_t pool_sizes[] = { 4096, 16384 };

	for (size_t k = 0; k < HG_ARRAY_SIZE(pool_sizes); k++) {
		uint64_t ps = pool_sizes[k], pool = p & ~(ps - 1), size, off = p - pool;
		const unsigned char *hdr = hg_mem_ptr(w->m, pool, POOL_HEADER_SIZE);
		uint32_t used;

		if (!hdr || off < POOL_HEADER_SIZE)
			continue;
		size = ((uint64_t)hg_le32(hdr + POOL_SZIDX) + 1) * 16;
		used = hg_le32(hdr + POOL_REF_COUNT);
		if (size > PYMALLOC_MAX || hg_le32(hdr + POOL_MAXNEXTOFFSET) != ps - size ||
		    (off - POOL_HEADER_SIZE) % size || used == 0 || used > ps / size ||
		    hg_le32(hdr + POOL_NEXTOFFSET) > ps)
			continue;
		return size;
	}
	return 0;
}

uint64_t block_size(struct walker *w, uint64_t p)
{
	const unsigned char *hdr;
	uint64_t size, next;

	if ((p & 15) || !(hdr = hg_mem_ptr(w->m, p - 8, 8)))
		return 0;
	if ((size = pymalloc_block_size(w, p)))
		return size;
	size = hg_le64(hdr);
	if (size & 2)
		return 0;	/* mmapped: large, not a struct */
	size &= ~(uint64_t)7;
	if (size < 32 || size > BLOCK_MAX || (size & 15) || !(hdr = hg_mem_ptr(w->m, p - 8 + size, 8)))
		return 0;
	next = hg_le64(hdr);
	return (next & 1) && (next & ~(uint64_t)7) >= 32 ? size - 8 : 0;
}

/*
 * A C module's state, and the malloc'd blocks it points to up to two deep
 * (_decimal's signal maps, atexit's callbacks before 3.10): possible edges
 * to every object found, labeled by where.  *budget bounds the blocks
 * followed.
 */
void scan_state(struct walker *w, uint64_t a, uint64_t len, const char *where, int hops, int *budget)
{
	for (uint64_t off = 0; off + 8 <= len; off += 8) {
		uint64_t p = rd_ptr(w, a + off), size;

		if (!p || (p & 7))
			continue;
		if (obj_ref_quiet(w, p) != HG_NONE) {
			if (hops == 0)
				edgef(w, p, HG_EDGE_POSSIBLE, HG_REF_OTHER, "%s+%llu", where, (unsigned long long)off);
			else
				edgef(w, p, HG_EDGE_POSSIBLE, HG_REF_OTHER, "%s, via %s", where,
					   hops == 1 ? "a malloc'd block" : "2 malloc'd blocks");
			continue;
		}
		if (hops < 2 && *budget > 0 && (size = block_size(w, p))) {
			--*budget;
			scan_state(w, p, size < 4096 ? size : 4096, where, hops + 1, budget);
		}
	}
}

void seq_items(struct walker *w, uint64_t items, int64_t n)
{
	if (n < 0 || n > ((int64_t)1 << 32))
		return;
	for (int64_t k = 0; k < n; k++) {
		const unsigned char *p = hg_mem_ptr(w->m, items + 8 * (uint64_t)k, 8);
		uint64_t v;
		uint32_t t;

		/* a damaged length must not walk past the memory the dump has */
		if (!p)
			break;
		v = hg_le64(p);
		if (!v || (t = obj_ref(w, v)) == HG_NONE)
			continue;
		hg_heap_add_edge(w->h, t, hg_heap_item_label(w->h, (uint64_t)k), HG_EDGE_STRONG, HG_REF_ITEM);
	}
}


void chain_guard_init(struct chain_guard *g, struct walker *w, uint64_t start, uint64_t node_size)
{
	g->tortoise = start;
	g->power = g->lam = 1;
	g->steps = 0;
	g->max = w->src->mem_bytes / (node_size ? node_size : 1) + 1;
}

int chain_guard_step(struct chain_guard *g, uint64_t next)
{
	if (!next)
		return 0;
	if (next == g->tortoise || ++g->steps > g->max)
		return -1;
	if (g->power == g->lam) {
		g->tortoise = next;
		g->power *= 2;
		g->lam = 0;
	}
	g->lam++;
	return 0;
}
