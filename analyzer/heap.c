/*
 * heap.c - building and closing struct hg_heap (see heap.h).
 *
 * While building, an open-addressing map finds objects by address and a
 * second one interns strings; both are dropped by hg_heap_drop_build, after
 * which lookups search the addresses (objects are numbered in address
 * order when the heap is closed), as they do when the heap is mapped from
 * an index file.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "heap.h"
#include "../common/util.h"

struct hg_heap_build {
	/*
	 * Address map: a directory of 4 KiB pages (open addressing on the page
	 * number), each page an array of 256 object indexes, one per 16 bytes:
	 * CPython's allocators align objects to 16 bytes.  Objects that refer to
	 * each other tend to share pages, so a lookup mostly touches memory the
	 * last one touched.  The few objects at an odd multiple of 8 (static
	 * objects in C data) are in a small hash of their own.
	 */
	struct page { uint64_t no; uint32_t *idx; } *pages;	/* no 0 = empty slot */
	size_t cap, used;
	uint64_t last_no;	/* the page the last lookup found (a cache; 0 none) */
	uint32_t *last_idx;
	struct hg_u64map odd;
	uint32_t **slabs;	/* the index arrays, SLAB_PAGES to a slab: few big allocations */
	size_t nslab;
	uint32_t *strs;		/* string set: pool offsets, 0 = empty */
	size_t scap, sused;
	size_t obj_alloc, edge_alloc, type_alloc, root_alloc, pool_alloc;
	uint32_t next_edges;	/* the next object whose edges may begin */
	/*
	 * Once hg_heap_finish numbered the objects by address: the new number
	 * of each old one.  The map keeps the old numbers (rewriting a slot per
	 * 16 bytes of heap cost more than this look-up on the few finds left).
	 */
	uint32_t *renumbered;
};

void hg_heap_init(struct hg_heap *h)
{
	memset(h, 0, sizeof(*h));
	h->b = xcalloc(1, sizeof(*h->b));
	h->pool = xmalloc(4096);
	h->b->pool_alloc = 4096;
	h->pool[0] = '\0';
	h->pool_len = 1;
	h->meta.tm_limit = HG_TM_UNKNOWN;
}

void hg_heap_release(struct hg_heap *h)
{
	if (h->mapping) {
		munmap(h->mapping, h->mapping_len);
		free(h->types);
		free(h->roots);
	} else {
		free(h->addr); free(h->addr_lo); free(h->runs); free(h->type); free(h->size); free(h->flags);
		free(h->text); free(h->refcnt); free(h->first); free(h->to);
		free(h->label); free(h->kind); free(h->rfirst); free(h->rsrc);
		free(h->rkind); free(h->kind4); free(h->types); free(h->roots);
		free(h->idom); free(h->retained); free(h->big_size.v); free(h->big_retained.v); free(h->big_refcnt.v); free(h->big_type.v);
		free(h->cfirst.base); free(h->cfirst.off); free(h->cfirst.big.v);
		free(h->crfirst.base); free(h->crfirst.off); free(h->crfirst.big.v);
		free(h->tb); free(h->tb_first); free(h->tb_frames);
		free(h->pool);
	}
	if (h->b) {
		hg_heap_drop_build(h);
		free(h->b);
	}
	memset(h, 0, sizeof(*h));
}

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#define PAGE_SHIFT 12
#define PAGE_WORDS (1u << (PAGE_SHIFT - 4))	/* 16-byte slots */
#define SLAB_PAGES 8192	/* 8 MiB slabs, in huge pages */

static void map_grow(struct hg_heap_build *b)
{
	size_t ncap = b->cap ? b->cap * 2 : 1024;
	struct page *pages = xcalloc(ncap, sizeof(*pages));

	for (size_t i = 0; i < b->cap; i++) {
		size_t j;

		if (!b->pages[i].no)
			continue;
		for (j = mix(b->pages[i].no) & (ncap - 1); pages[j].no; j = (j + 1) & (ncap - 1))
			;
		pages[j] = b->pages[i];
	}
	free(b->pages);
	b->pages = pages;
	b->cap = ncap;
}

/* The index array of addr's page (NULL when absent and !create). Page numbers are offset by one: 0 means empty. */
static uint32_t *map_page(struct hg_heap_build *b, uint64_t addr, int create)
{
	uint64_t no = (addr >> PAGE_SHIFT) + 1;
	size_t j;

	if (no == b->last_no)
		return b->last_idx;
	if (b->cap) {
		for (j = mix(no) & (b->cap - 1); b->pages[j].no; j = (j + 1) & (b->cap - 1))
			if (b->pages[j].no == no) {
				b->last_no = no;
				return b->last_idx = b->pages[j].idx;
			}
	}
	if (!create)
		return NULL;
	if (2 * (b->used + 1) > b->cap)
		map_grow(b);
	for (j = mix(no) & (b->cap - 1); b->pages[j].no; j = (j + 1) & (b->cap - 1))
		;
	if (b->used % SLAB_PAGES == 0) {
		b->slabs = xrealloc(b->slabs, (b->nslab + 1) * sizeof(*b->slabs));
		b->slabs[b->nslab++] = xmalloc((size_t)SLAB_PAGES * PAGE_WORDS * sizeof(uint32_t));
	}
	b->pages[j].no = no;
	b->pages[j].idx = b->slabs[b->nslab - 1] + (b->used % SLAB_PAGES) * PAGE_WORDS;
	memset(b->pages[j].idx, 0xff, PAGE_WORDS * sizeof(uint32_t));
	b->used++;
	b->last_no = no;
	return b->last_idx = b->pages[j].idx;
}

static int cmp_addr_idx(const void *a, const void *b, void *arg)
{
	const uint64_t *addr = arg;
	uint64_t x = addr[*(const uint32_t *)a], y = addr[*(const uint32_t *)b];

	return x < y ? -1 : x > y;
}

uint32_t hg_heap_find(const struct hg_heap *h, uint64_t addr)
{
	if (h->b && h->b->cap) {
		const uint32_t *page;
		uint32_t i;

		if ((addr & 7) || !addr)
			return HG_NONE;
		if (addr & 8) {
			i = hg_u64map_get(&h->b->odd, addr);
		} else {
			page = map_page(h->b, addr, 0);
			i = page ? page[(addr >> 4) & (PAGE_WORDS - 1)] : HG_NONE;
		}
		return i < h->nobj && h->b->renumbered ? h->b->renumbered[i] : i;
	}
	/* objects are numbered in address order (hg_heap_finish): the run of addr's high bits, then its low bits */
	if (h->addr_lo) {
		uint32_t want = (uint32_t)addr;
		size_t lo, hi, r = 0;

		for (hi = h->nrun; hi - r > 1;) {
			size_t mid = r + (hi - r) / 2;

			if (h->runs[mid].hi <= addr >> 32)
				r = mid;
			else
				hi = mid;
		}
		if (!h->nrun || h->runs[r].hi != addr >> 32)
			return HG_NONE;
		lo = h->runs[r].first;
		hi = r + 1 < h->nrun ? h->runs[r + 1].first : h->nobj;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (h->addr_lo[mid] == want)
				return (uint32_t)mid;
			if (h->addr_lo[mid] < want)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return HG_NONE;
}

/* A list of wide values is sorted by object: a binary search. */
static size_t wide_at(const struct hg_wide_list *l, uint32_t i)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid].obj < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

uint64_t hg_wide_get(const struct hg_wide_list *l, uint32_t i)
{
	size_t k = wide_at(l, i);

	return k < l->n && l->v[k].obj == i ? l->v[k].value : UINT32_MAX;
}

/* Drops object i's entry from l, if it has one. */
static void wide_drop(struct hg_wide_list *l, uint32_t i)
{
	size_t k = wide_at(l, i);

	if (k < l->n && l->v[k].obj == i) {
		memmove(l->v + k, l->v + k + 1, (l->n - k - 1) * sizeof(*l->v));
		l->n--;
	}
}

/* Sets object i's entry in l. */
static void wide_put(struct hg_wide_list *l, uint32_t i, uint64_t value)
{
	size_t k = wide_at(l, i);

	if (k == l->n || l->v[k].obj != i) {
		/* values are mostly set in object order: an append (the array doubles at powers of two) */
		if (!l->n || (l->n >= 4 && !(l->n & (l->n - 1))))
			l->v = xrealloc(l->v, (l->n ? 2 * l->n : 4) * sizeof(*l->v));
		memmove(l->v + k + 1, l->v + k, (l->n - k) * sizeof(*l->v));
		l->n++;
		l->v[k].obj = i;
		l->v[k].pad = 0;
	}
	l->v[k].value = value;
}

/*
 * What a narrow array holds for value (escape when value is that or more,
 * with the value put in l), dropping i's entry from l when the narrow
 * array held the escape before (was_wide) and the value now fits.
 */
static uint64_t wide_store(struct hg_wide_list *l, uint32_t i, uint64_t value, uint64_t escape, int was_wide)
{
	if (value < escape) {
		if (was_wide)
			wide_drop(l, i);
		return value;
	}
	wide_put(l, i, value);
	return escape;
}

void hg_heap_set_size(struct hg_heap *h, uint32_t i, uint64_t size)
{
	if (!h->mapping && i < h->nobj)
		h->size[i] = (uint16_t)wide_store(&h->big_size, i, size, HG_SIZE_WIDE, h->size[i] == HG_SIZE_WIDE);
}

void hg_heap_set_retained(struct hg_heap *h, uint32_t i, uint64_t retained)
{
	if (!h->mapping && i < h->nobj && h->retained)
		h->retained[i] = (uint16_t)wide_store(&h->big_retained, i, retained, HG_SIZE_WIDE,
						      h->retained[i] == HG_SIZE_WIDE);
}

void hg_heap_set_refcnt(struct hg_heap *h, uint32_t i, uint32_t refcnt)
{
	if (!h->mapping && i < h->nobj)
		h->refcnt[i] = (uint8_t)wide_store(&h->big_refcnt, i, refcnt, HG_REFCNT_WIDE,
						   h->refcnt[i] == HG_REFCNT_WIDE);
}

void hg_heap_set_type(struct hg_heap *h, uint32_t i, uint32_t type)
{
	if (!h->mapping && i < h->nobj)
		h->type[i] = (uint16_t)wide_store(&h->big_type, i, type, HG_TYPE_WIDE, h->type[i] == HG_TYPE_WIDE);
}

uint32_t hg_heap_add_object(struct hg_heap *h, uint64_t addr, uint32_t type)
{
	struct hg_heap_build *b = h->b;
	uint32_t i = (uint32_t)h->nobj;

	if (h->mapping || !b)
		return HG_NONE;

	if (h->nobj + 1 > b->obj_alloc) {
		size_t n = b->obj_alloc ? b->obj_alloc * 2 : 4096;

		h->addr = xrealloc(h->addr, n * sizeof(*h->addr));
		h->type = xrealloc(h->type, n * sizeof(*h->type));
		h->size = xrealloc(h->size, n * sizeof(*h->size));
		h->flags = xrealloc(h->flags, n * sizeof(*h->flags));
		h->text = xrealloc(h->text, n * sizeof(*h->text));
		h->refcnt = xrealloc(h->refcnt, n * sizeof(*h->refcnt));
		h->first = xrealloc(h->first, (n + 1) * sizeof(*h->first));
		b->obj_alloc = n;
	}
	h->addr[i] = addr;
	h->type[i] = 0;
	h->size[i] = 0;
	h->flags[i] = 0;
	h->text[i] = 0;
	h->refcnt[i] = 0;
	h->nobj++;
	hg_heap_set_type(h, i, type);
	/* objects are 8-byte aligned (callers check); an odd address is never stored */
	if ((addr & 7) || !addr)
		;
	else if (addr & 8)
		*hg_u64map_slot(&b->odd, addr) = i;
	else
		map_page(b, addr, 1)[(addr >> 4) & (PAGE_WORDS - 1)] = i;
	return i;
}

uint32_t hg_heap_add_type(struct hg_heap *h, uint64_t addr, uint32_t obj)
{
	struct hg_type *t;

	if (h->mapping || !h->b)
		return HG_NONE;
	HG_GROW(h->types, h->ntype + 1, h->b->type_alloc);
	t = &h->types[h->ntype];
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->obj = obj;
	return (uint32_t)h->ntype++;
}

void hg_heap_begin_edges(struct hg_heap *h, uint32_t obj)
{
	struct hg_heap_build *b = h->b;

	if (h->mapping || !b)
		return;

	while (b->next_edges <= obj && b->next_edges < h->nobj)
		h->first[b->next_edges++] = (uint32_t)h->nedge;
}

void hg_heap_add_edge(struct hg_heap *h, uint32_t to, uint32_t label, enum hg_edge_kind kind,
		      enum hg_edge_role role)
{
	struct hg_heap_build *b = h->b;

	if (h->mapping || !b)
		return;
	if (h->nedge >= HG_MAX_EDGES) {
		h->meta.incomplete = 1;
		return;
	}
	if (h->nedge + 1 > b->edge_alloc) {
		size_t n = b->edge_alloc ? b->edge_alloc * 2 : 16384;

		h->to = xrealloc(h->to, n * sizeof(*h->to));
		h->label = xrealloc(h->label, n * sizeof(*h->label));
		h->kind = xrealloc(h->kind, n * sizeof(*h->kind));
		b->edge_alloc = n;
	}
	h->to[h->nedge] = to;
	h->label[h->nedge] = label;
	h->kind[h->nedge] = (uint8_t)(((unsigned)kind & (3 | HG_EDGE_BORROWED)) | (unsigned)role << 2);
	h->nedge++;
}

int hg_heap_add_root(struct hg_heap *h, enum hg_root_kind kind, enum hg_root_what what, uint32_t name, uint32_t obj)
{
	struct hg_root *r;

	if (h->mapping || obj >= h->nobj)
		return -1;
	if (!h->b)
		h->b = xcalloc(1, sizeof(*h->b));
	HG_GROW(h->roots, h->nroot + 1, h->b->root_alloc);
	r = &h->roots[h->nroot];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->what = what;
	r->name = name;
	r->obj = obj;
	h->nroot++;
	h->flags[obj] |= HG_OBJ_ROOT;
	return 0;
}

int hg_heap_add_frame_root(struct hg_heap *h, enum hg_root_what what, uint32_t name, size_t part2, size_t part3,
			   uint32_t obj)
{
	if (hg_heap_add_root(h, HG_ROOT_FRAME, what, name, obj) < 0)
		return -1;
	if (part2 < 65536 && part3 < 65536) {
		h->roots[h->nroot - 1].part2 = (uint16_t)part2;
		h->roots[h->nroot - 1].part3 = (uint16_t)part3;
	}
	return 0;
}

static uint32_t str_hash(const char *s, size_t len)
{
	uint32_t x = 2166136261u;

	for (size_t i = 0; i < len; i++)
		x = (x ^ (unsigned char)s[i]) * 16777619u;
	return x;
}

static void strs_grow(struct hg_heap *h)
{
	struct hg_heap_build *b = h->b;
	size_t ncap = b->scap ? b->scap * 2 : 4096;
	uint32_t *strs = xcalloc(ncap, sizeof(*strs));

	for (size_t i = 0; i < b->scap; i++) {
		const char *s;
		size_t j;

		if (!b->strs[i])
			continue;
		s = h->pool + b->strs[i];
		for (j = str_hash(s, strlen(s)) & (ncap - 1); strs[j]; j = (j + 1) & (ncap - 1))
			;
		strs[j] = b->strs[i];
	}
	free(b->strs);
	b->strs = strs;
	b->scap = ncap;
}

/* Copies s[0..len) and a NUL to the end of the pool; its offset, or 0 once the pool is full. */
static uint32_t pool_append(struct hg_heap *h, const char *s, size_t len)
{
	struct hg_heap_build *b = h->b;
	uint32_t off;

	if (h->pool_len + len + 1 > HG_LABEL_INDEX)
		return 0;	/* such a heap is beyond the index format */
	if (h->pool_len + len + 1 > b->pool_alloc) {
		while (h->pool_len + len + 1 > b->pool_alloc)
			b->pool_alloc *= 2;
		h->pool = xrealloc(h->pool, b->pool_alloc);
	}
	off = (uint32_t)h->pool_len;
	memcpy(h->pool + off, s, len);
	h->pool[off + len] = '\0';
	h->pool_len += len + 1;
	return off;
}

uint32_t hg_heap_str(struct hg_heap *h, const char *s, size_t len)
{
	struct hg_heap_build *b = h->b;
	size_t j;
	uint32_t off;

	if (!len || h->mapping || !b)
		return 0;
	/* A NUL inside would make the pooled copy differ from what was asked: cut there. */
	len = strnlen(s, len);
	if (!len)
		return 0;
	if (2 * (b->sused + 1) > b->scap)
		strs_grow(h);
	for (j = str_hash(s, len) & (b->scap - 1); b->strs[j]; j = (j + 1) & (b->scap - 1)) {
		const char *p = h->pool + b->strs[j];

		if (!strncmp(p, s, len) && p[len] == '\0')
			return b->strs[j];
	}
	off = pool_append(h, s, len);
	if (!off)
		return 0;
	b->strs[j] = off;
	b->sused++;
	return off;
}

uint32_t hg_heap_item_label(struct hg_heap *h, uint64_t k)
{
	char buf[32];

	if (k <= HG_LABEL_INDEX_MAX)
		return HG_LABEL_INDEX | (uint32_t)k;
	snprintf(buf, sizeof(buf), "[%" PRIu64 "]", k);
	return hg_heap_cstr(h, buf);
}

const char *hg_heap_label(const struct hg_heap *h, uint32_t label, char buf[HG_LABEL_BUF])
{
	if (!(label & HG_LABEL_INDEX))
		return hg_heap_s(h, label);
	snprintf(buf, HG_LABEL_BUF, "[%" PRIu32 "]", label & ~HG_LABEL_INDEX);
	return buf;
}

uint32_t hg_heap_str_unique(struct hg_heap *h, const char *s, size_t len)
{
	if (h->mapping || !h->b)
		return 0;
	len = strnlen(s, len);
	return len ? pool_append(h, s, len) : 0;
}

uint32_t hg_heap_cstr(struct hg_heap *h, const char *s)
{
	return s ? hg_heap_str(h, s, strlen(s)) : 0;
}

static int cmp_page_no(const void *a, const void *b)
{
	uint64_t x = ((const struct page *)a)->no, y = ((const struct page *)b)->no;

	return x < y ? -1 : x > y;
}

struct odd { uint64_t addr; uint32_t idx; };

static int cmp_odd(const void *a, const void *b)
{
	uint64_t x = ((const struct odd *)a)->addr, y = ((const struct odd *)b)->addr;

	return x < y ? -1 : x > y;
}

/*
 * The objects in address order (order[k] is the k-th lowest), read off the
 * address map, which holds them in address order page by page: sorting the
 * pages (and the few odd ones) is much less work than sorting the objects.
 * -1 when the map does not hold every object once (a snapshot's unaligned
 * addresses): then they are sorted.
 */
static int order_from_map(struct hg_heap *h, uint32_t *order)
{
	struct hg_heap_build *b = h->b;
	struct page *pages;
	struct odd *odd;
	size_t np = 0, no = 0, n = 0, k = 0;
	int bad = 0;

	if (!b || !b->cap)
		return -1;
	pages = xmalloc((b->used ? b->used : 1) * sizeof(*pages));
	for (size_t j = 0; j < b->cap; j++)
		if (b->pages[j].no)
			pages[np++] = b->pages[j];
	odd = xmalloc((b->odd.used ? b->odd.used : 1) * sizeof(*odd));
	for (size_t j = 0; j < b->odd.size; j++)
		if (b->odd.key[j])
			odd[no++] = (struct odd){ b->odd.key[j], b->odd.val[j] };
	hg_sort(pages, np, sizeof(*pages), cmp_page_no);
	hg_sort(odd, no, sizeof(*odd), cmp_odd);
	/* the two in address order, merged; more than nobj is a map that is not the objects */
	for (size_t p = 0; p < np && !bad; p++)
		for (unsigned s = 0; s < PAGE_WORDS && !bad; s++) {
			uint32_t i = pages[p].idx[s];

			if (i == HG_NONE)
				continue;
			while (k < no && odd[k].addr < h->addr[i] && n < h->nobj)
				order[n++] = odd[k++].idx;
			if (n < h->nobj)
				order[n++] = i;
			else
				bad = 1;
		}
	while (k < no && n < h->nobj)
		order[n++] = odd[k++].idx;
	free(pages);
	free(odd);
	return !bad && n == h->nobj && k == no ? 0 : -1;
}

uint64_t hg_heap_redge(const struct hg_heap *h, uint32_t t, uint64_t r)
{
	uint32_t src = h->rsrc[r];
	uint64_t k = 0;

	/* a referrer's entries are side by side: the ones before r are its references to t before this one */
	while (r - k > hg_heap_rfirst(h, t) && h->rsrc[r - k - 1] == src)
		k++;
	for (uint64_t e = hg_heap_first(h, src); e < hg_heap_first(h, src + 1); e++)
		if (h->to[e] == t && k-- == 0)
			return e;
	return hg_heap_first(h, src);	/* not reached on a consistent heap */
}

static int cmp_wide(const void *a, const void *b)
{
	uint32_t x = ((const struct hg_wide *)a)->obj, y = ((const struct hg_wide *)b)->obj;

	return x < y ? -1 : x > y;
}

static void renumber_wide(struct hg_wide_list *l, const uint32_t *inv)
{
	for (size_t k = 0; k < l->n; k++)
		l->v[k].obj = inv[l->v[k].obj];
	hg_sort(l->v, l->n, sizeof(*l->v), cmp_wide);
}

/* a[k] = a[order[k]] for one per-object array, through scratch (fresh pages cost: one buffer serves all) */
#define GATHER(a, n, order, scratch)						\
	do {									\
		__typeof__(a) g_ = (__typeof__(a))(scratch);			\
		for (size_t k_ = 0; k_ < (n); k_++)				\
			g_[k_] = (a)[(order)[k_]];				\
		memcpy((a), g_, (n) * sizeof(*(a)));				\
	} while (0)

/*
 * Numbers the objects in address order: object k is order[k].  Every
 * array, edge, root, type and list that names objects follows; the
 * address map, still used to find objects until the build is dropped,
 * translates its old numbers.  Then an object's number is its rank by
 * address: no table of the order is kept in the index, and two heaps are
 * compared by walking both in step.  Each array
 * is gathered into scratch (8 bytes an object, 4 a reference) and copied
 * back: new memory costs more to touch the first time than copying does.
 */
static void renumber(struct hg_heap *h, const uint32_t *order, void *scratch)
{
	size_t n = h->nobj, k;
	uint32_t *inv, *first, *s32;
	uint64_t at = 0;

	for (k = 0; k < n && order[k] == k; k++)
		;
	if (k == n)
		return;
	inv = xmalloc(n * sizeof(*inv));
	for (k = 0; k < n; k++)
		inv[order[k]] = (uint32_t)k;
	s32 = scratch;

	first = xmalloc((n + 1) * sizeof(*first));
	for (k = 0; k < n; k++) {
		uint32_t o = order[k];

		first[k] = (uint32_t)at;
		for (uint64_t e = h->first[o]; e < h->first[o + 1]; e++)
			s32[at++] = inv[h->to[e]];
	}
	first[n] = (uint32_t)at;
	if (h->nedge) {		/* the arrays are NULL without edges */
		memcpy(h->to, s32, h->nedge * sizeof(*h->to));
		for (k = 0; k < n; k++) {
			uint32_t o = order[k];

			memcpy(s32 + first[k], h->label + h->first[o],
			       (h->first[o + 1] - h->first[o]) * sizeof(*h->label));
		}
		memcpy(h->label, s32, h->nedge * sizeof(*h->label));
		for (k = 0; k < n; k++) {
			uint32_t o = order[k];

			memcpy((uint8_t *)scratch + first[k], h->kind + h->first[o], h->first[o + 1] - h->first[o]);
		}
		memcpy(h->kind, scratch, h->nedge);
	}
	memcpy(h->first, first, (n + 1) * sizeof(*first));
	free(first);

	GATHER(h->addr, n, order, scratch);
	GATHER(h->type, n, order, scratch);
	GATHER(h->size, n, order, scratch);
	GATHER(h->flags, n, order, scratch);
	GATHER(h->text, n, order, scratch);
	GATHER(h->refcnt, n, order, scratch);
	if (h->tb)
		GATHER(h->tb, n, order, scratch);
	renumber_wide(&h->big_size, inv);
	renumber_wide(&h->big_refcnt, inv);
	renumber_wide(&h->big_type, inv);
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].obj < n)
			h->roots[r].obj = inv[h->roots[r].obj];
	for (size_t t = 0; t < h->ntype; t++)
		if (h->types[t].obj < n)
			h->types[t].obj = inv[h->types[t].obj];
	/* the address map keeps the old numbers: finds translate them */
	if (h->b && h->b->cap) {
		free(h->b->renumbered);
		h->b->renumbered = inv;
	} else {
		free(inv);
	}
}

/* The compact form of n offsets (struct hg_offsets), for the index. */
static void compact_offsets(const uint32_t *full, size_t n, struct hg_offsets *o)
{
	o->base = xmalloc(((n + 15) >> 4) * sizeof(*o->base));
	o->off = xmalloc(n ? n : 1);
	o->big.v = NULL;
	o->big.n = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t d;

		if (!(i & 15))
			o->base[i >> 4] = full[i];
		d = full[i] - o->base[i >> 4];
		if (d < HG_OFF_WIDE) {
			o->off[i] = (uint8_t)d;
		} else {
			o->off[i] = HG_OFF_WIDE;
			wide_put(&o->big, (uint32_t)i, full[i]);
		}
	}
}

/* The index's four-bit kinds (kind4, ktab), when the heap has at most 16 distinct kind bytes. */
static void pack_kinds(struct hg_heap *h)
{
	signed char code[256];

	memset(code, -1, sizeof(code));
	h->nktab = 0;
	for (size_t e = 0; e < h->nedge; e++)
		if (code[h->kind[e]] < 0) {
			if (h->nktab == 16) {
				h->nktab = 0;
				return;
			}
			code[h->kind[e]] = (signed char)h->nktab;
			h->ktab[h->nktab++] = h->kind[e];
		}
	h->kind4 = xcalloc(h->nedge / 2 + 1, 1);
	for (size_t e = 0; e < h->nedge; e++)
		h->kind4[e >> 1] |= (uint8_t)(code[h->kind[e]] << ((e & 1) * 4));
}

/* The sorted addresses as their low 32 bits and the runs of their high ones. */
static void split_addresses(struct hg_heap *h)
{
	char *buf = (char *)h->addr;	/* the low halves are written over the addresses already read */
	size_t alloc = 0;

	for (size_t i = 0; i < h->nobj; i++) {
		uint64_t a;
		uint32_t lo, hi;

		memcpy(&a, buf + 8 * i, 8);
		lo = (uint32_t)a;
		hi = (uint32_t)(a >> 32);
		if (!h->nrun || h->runs[h->nrun - 1].hi != hi) {
			HG_GROW(h->runs, h->nrun + 1, alloc);
			h->runs[h->nrun++] = (struct hg_addr_run){ (uint32_t)i, hi };
		}
		memcpy(buf + 4 * i, &lo, 4);
	}
	h->addr = NULL;
	h->addr_lo = xrealloc(buf, (h->nobj ? h->nobj : 1) * sizeof(*h->addr_lo));
}

void hg_heap_finish(struct hg_heap *h)
{
	uint32_t *fill, *order;
	void *scratch;

	if (!h->first)
		h->first = xmalloc(sizeof(*h->first));
	hg_heap_begin_edges(h, h->nobj ? (uint32_t)h->nobj - 1 : 0);
	h->first[h->nobj] = (uint32_t)h->nedge;

	order = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*order));
	if (order_from_map(h, order) < 0) {
		for (size_t i = 0; i < h->nobj; i++)
			order[i] = (uint32_t)i;
		qsort_r(order, h->nobj, sizeof(*order), cmp_addr_idx, h->addr);
	}

	/* one buffer for the renumbering and the reverse entries' fill (big blocks go back to the system when freed) */
	scratch = xmalloc((h->nobj * 8 > h->nedge * 4 ? h->nobj * 8 : h->nedge * 4) + 8);
	renumber(h, order, scratch);
	free(order);
	split_addresses(h);

	/* the reverse entries, filled in the order of the references: by referrer, then as the referrer has them */
	h->rfirst = xcalloc(h->nobj + 1, sizeof(*h->rfirst));
	for (size_t e = 0; e < h->nedge; e++)
		h->rfirst[h->to[e] + 1]++;
	for (size_t i = 0; i < h->nobj; i++)
		h->rfirst[i + 1] += h->rfirst[i];
	h->rsrc = xmalloc((h->nedge ? h->nedge : 1) * sizeof(*h->rsrc));
	h->rkind = xcalloc((h->nedge + 3) / 4 + 1, 1);
	fill = scratch;
	memcpy(fill, h->rfirst, (h->nobj + 1) * sizeof(*fill));
	for (size_t i = 0; i < h->nobj; i++)
		for (uint64_t e = h->first[i]; e < h->first[i + 1]; e++) {
			uint32_t at = fill[h->to[e]]++;

			h->rsrc[at] = (uint32_t)i;
			h->rkind[at >> 2] |= (uint8_t)((h->kind[e] & 3) << ((at & 3) * 2));
		}
	free(scratch);

	for (size_t t = 0; t < h->ntype; t++)
		h->types[t].count = h->types[t].bytes = h->types[t].gc_count = 0;
	for (size_t i = 0; i < h->nobj; i++) {
		struct hg_type *t;

		if (hg_heap_type(h, i) >= h->ntype)
			continue;
		t = &h->types[hg_heap_type(h, i)];
		t->count++;
		t->bytes += hg_heap_size(h, i);
		if (h->flags[i] & HG_OBJ_GC)
			t->gc_count++;
	}

	compact_offsets(h->first, h->nobj + 1, &h->cfirst);
	compact_offsets(h->rfirst, h->nobj + 1, &h->crfirst);
	pack_kinds(h);
	hg_heap_mark(h);
}

void hg_heap_drop_build(struct hg_heap *h)
{
	if (!h->b)
		return;
	for (size_t j = 0; j < h->b->nslab; j++)
		free(h->b->slabs[j]);
	free(h->b->slabs);
	hg_u64map_free(&h->b->odd);
	free(h->b->pages);
	free(h->b->strs);
	free(h->b->renumbered);
	h->b->renumbered = NULL;
	h->b->pages = NULL;
	h->b->slabs = NULL;
	h->b->used = h->b->nslab = 0;
	h->b->last_no = 0;
	h->b->last_idx = NULL;
	h->b->strs = NULL;
	h->b->cap = h->b->scap = 0;
}

/* Marks with flag everything reachable from queue[head..tail); returns the new tail. */
static size_t bfs(struct hg_heap *h, uint32_t *queue, size_t head, size_t tail, uint8_t flag)
{
	while (head < tail) {
		uint32_t i = queue[head++];

		for (uint64_t e = h->first[i]; e < h->first[i + 1]; e++) {
			uint32_t t = h->to[e];

			if (hg_heap_edge_kind(h, e) == HG_EDGE_WEAK || (h->flags[t] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)))
				continue;
			h->flags[t] |= flag;
			queue[tail++] = t;
		}
	}
	return tail;
}

int hg_heap_mark_from(struct hg_heap *h, uint32_t obj, uint8_t flag)
{
	uint32_t *queue;

	if (h->mapping || obj >= h->nobj)
		return -1;
	if (h->flags[obj] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD))
		return 0;
	queue = xmalloc(h->nobj * sizeof(*queue));
	h->flags[obj] |= flag;
	queue[0] = obj;
	bfs(h, queue, 0, 1, flag);
	free(queue);
	return 0;
}

int hg_heap_mark(struct hg_heap *h)
{
	uint32_t *queue;
	size_t tail = 0;

	if (h->mapping)
		return -1;
	queue = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*queue));
	for (size_t i = 0; i < h->nobj; i++)
		h->flags[i] &= (uint8_t)~(HG_OBJ_REACHABLE | HG_OBJ_C_HELD);
	for (int pass = 0; pass < 2; pass++) {
		uint8_t flag = pass == 0 ? HG_OBJ_REACHABLE : HG_OBJ_C_HELD;
		size_t start = tail;

		for (size_t r = 0; r < h->nroot; r++) {
			uint32_t o = h->roots[r].obj;

			if ((h->roots[r].kind == HG_ROOT_C) != (pass == 1) ||
			    (h->flags[o] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)))
				continue;
			h->flags[o] |= flag;
			queue[tail++] = o;
		}
		tail = bfs(h, queue, start, tail, flag);
	}
	h->meta.unreachable = h->meta.unreachable_bytes = h->meta.c_held = 0;
	for (size_t i = 0; i < h->nobj; i++) {
		if (h->flags[i] & HG_OBJ_C_HELD)
			h->meta.c_held++;
		if (!(h->flags[i] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD))) {
			h->meta.unreachable++;
			h->meta.unreachable_bytes += hg_heap_size(h, i);
		}
	}
	free(queue);
	return 0;
}

char *hg_heap_type_name(const struct hg_heap *h, uint32_t t, char *buf, size_t n)
{
	if (t >= h->ntype)
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%s.%s", hg_heap_s(h, h->types[t].module), hg_heap_s(h, h->types[t].qualname));
	return buf;
}

const char *hg_heap_alloc_site(const struct hg_heap *h, uint32_t i, char *buf, size_t n)
{
	uint32_t t = hg_heap_tb(h, i);

	if (t == HG_NONE || !hg_heap_tb_len(h, t))
		return NULL;
	return hg_heap_frame_text(h, hg_heap_tb_frame(h, t, 0), buf, n);
}

const char *hg_heap_frame_text(const struct hg_heap *h, const struct hg_tb_frame *f, char *buf, size_t n)
{
	const char *fn = hg_heap_s(h, f->func);

	if (!f->func)
		snprintf(buf, n, "%s:%u", hg_heap_s(h, f->file), f->lineno);
	else
		snprintf(buf, n, "%s:%u in %s%s", hg_heap_s(h, f->file), f->lineno, fn,
			 fn[0] && fn[strlen(fn) - 1] == '>' ? "" : "()");
	return buf;
}

const char *hg_root_kind_name(enum hg_root_kind k)
{
	static const char *const names[] = { "module", "frame", "interpreter", "c", "outside" };

	return (unsigned)k < 5 ? names[k] : "?";
}

int hg_heap_collect(struct hg_heap *h)
{
	uint32_t *found, *queue;
	size_t tail = 0, nroot;

	if (h->mapping)
		return -1;
	/* references found to each object, with multiplicity */
	found = xcalloc(h->nobj ? h->nobj : 1, sizeof(*found));
	for (uint64_t e = 0; e < h->nedge; e++)
		if (hg_heap_edge_holds(h, e) && !(hg_heap_kind_byte(h, e) & HG_EDGE_BORROWED) && found[h->to[e]] < UINT32_MAX)
			found[h->to[e]]++;
	for (uint32_t i = 0; i < h->nobj; i++) {
		char name[96];

		uint32_t rc = hg_heap_refcnt(h, i);

		if (rc == HG_REFCNT_IMMORTAL) {
			hg_heap_add_root(h, HG_ROOT_INTERPRETER, HG_RW_IMMORTAL, hg_heap_cstr(h, "immortal object"), i);
		} else if (rc > found[i] || (h->flags[i] & HG_OBJ_FROZEN)) {
			snprintf(name, sizeof(name), "held from outside the heap: refcount %u, %u reference%s found",
				 rc, found[i], found[i] == 1 ? "" : "s");
			hg_heap_add_root(h, HG_ROOT_OUTSIDE, HG_RW_OUTSIDE, hg_heap_cstr(h, name), i);
		}
	}
	free(found);
	/* alive: what the roots reach, C memory aside */
	queue = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*queue));
	for (uint32_t i = 0; i < h->nobj; i++)
		h->flags[i] &= (uint8_t)~(HG_OBJ_REACHABLE | HG_OBJ_C_HELD);
	nroot = h->nroot;
	for (int pass = 0; pass < 2; pass++) {
		uint8_t flag = pass == 0 ? HG_OBJ_REACHABLE : HG_OBJ_C_HELD;
		size_t head = tail;

		for (size_t r = 0; r < nroot; r++) {
			uint32_t o = h->roots[r].obj;

			if ((h->roots[r].what == HG_RW_MEMORY) != (pass == 1) ||
			    (h->flags[o] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)))
				continue;
			h->flags[o] |= flag;
			queue[tail++] = o;
		}
		while (head < tail) {
			uint32_t v = queue[head++];

			for (uint64_t e = h->first[v]; e < h->first[v + 1]; e++) {
				uint32_t t = h->to[e];

				if (!hg_heap_edge_holds(h, e) || (h->flags[t] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)))
					continue;
				h->flags[t] |= flag;
				queue[tail++] = t;
			}
		}
	}
	free(queue);
	h->meta.unreachable = h->meta.unreachable_bytes = h->meta.c_held = 0;
	for (size_t i = 0; i < h->nobj; i++) {
		if (h->flags[i] & HG_OBJ_REACHABLE)
			continue;
		h->meta.unreachable++;
		h->meta.unreachable_bytes += hg_heap_size(h, i);
		if (h->flags[i] & HG_OBJ_C_HELD)
			h->meta.c_held++;
	}
	return 0;
}

const char *hg_edge_kind_name(enum hg_edge_kind k)
{
	static const char *const names[] = { "strong", "weak", "type", "possible" };

	return (unsigned)k < 4 ? names[k] : "?";
}

#define REPR_MAX 40

static int hexdigit(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void hg_repr_cut(char *s)
{
	size_t cps = 0;

	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && cps++ == REPR_MAX) {
			char *t = p;

			/* the start of the token the cut falls in: "0x" and hex digits */
			while (t > s && (hexdigit(t[-1]) || t[-1] == 'x'))
				t--;
			if (t[0] == '0' && t[1] == 'x' && p > t) {
				for (p = t + 2; hexdigit(*p); p++)
					;
				if (*p == '>')
					p++;
			}
			*p = '\0';
			return;
		}
	}
}

void hg_str_repr(const char *s, char *out, size_t max)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
	size_t o = 0;

	if (max < 4) {
		if (max)
			out[0] = '\0';
		return;
	}
	out[o++] = q;
	for (; *s && o + 5 < max; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)q || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (o + 1 < max)
		out[o++] = q;
	out[o] = '\0';
}

const char *hg_heap_repr(const struct hg_heap *h, uint32_t i, char *buf, size_t n)
{
	uint32_t t = hg_heap_type(h, i);
	const struct hg_type *T;
	const char *mod;

	if (h->text[i] & HG_TEXT_VALUE && n) {
		const char *v = hg_heap_value(h, i);

		if (t < h->ntype && (h->types[t].tflags & HG_TYPE_STR))
			hg_str_repr(v, buf, n);
		else
			snprintf(buf, n, "%s", v);
		hg_repr_cut(buf);
		return buf;
	}
	if (h->text[i] || t >= h->ntype || !n)
		return hg_heap_s(h, h->text[i] & ~HG_TEXT_VALUE);
	/* <module.Class object at 0x...> for classes, <type object at 0x...> for C types */
	T = &h->types[t];
	mod = hg_heap_s(h, T->module);
	if ((T->tflags & HG_TYPE_HEAP) && strcmp(mod, "builtins"))
		snprintf(buf, n, "<%s.%s object at 0x%" PRIx64 ">", mod, hg_heap_s(h, T->qualname), hg_heap_addr(h, i));
	else
		snprintf(buf, n, "<%s object at 0x%" PRIx64 ">", hg_heap_s(h, T->name), hg_heap_addr(h, i));
	hg_repr_cut(buf);
	return buf;
}
