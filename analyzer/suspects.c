/*
 * suspects.c - leak suspects (suspects.h): MAT's rule followed down to the
 * accumulation point, and containers of many objects of one type.
 */
#include <stdlib.h>
#include <string.h>
#include "suspects.h"
#include "../common/util.h"

/* Does edge e count as one of its owner's items? */
static int is_item(const struct hg_heap *h, uint64_t e, int items_only)
{
	if (!hg_heap_edge_holds(h, e) || hg_heap_edge_kind(h, e) == HG_EDGE_TYPE)
		return 0;
	return !items_only || hg_heap_edge_role(h, e) == HG_REF_ITEM;
}

/* Whether obj has item edges: then only those count (a dict's values, not its keys). */
static int has_items(const struct hg_heap *h, uint32_t obj)
{
	for (uint64_t e = hg_heap_first(h, obj); e < hg_heap_first(h, obj + 1); e++)
		if (hg_heap_edge_role(h, e) == HG_REF_ITEM && hg_heap_edge_holds(h, e))
			return 1;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Fills s->type, s->count and s->items for s->obj; tmp has room for its out-degree. */
static void tally(const struct hg_heap *h, struct hg_suspect *s, uint32_t *tmp)
{
	int items_only = has_items(h, s->obj);
	size_t n = 0;

	for (uint64_t e = hg_heap_first(h, s->obj); e < hg_heap_first(h, s->obj + 1); e++)
		if (is_item(h, e, items_only))
			tmp[n++] = hg_heap_type(h, h->to[e]);
	s->items = n;
	s->type = HG_NONE;
	s->count = 0;
	if (n)
		hg_sort(tmp, n, sizeof(*tmp), cmp_u32);
	for (size_t a = 0, b; a < n; a = b) {
		for (b = a; b < n && tmp[b] == tmp[a]; b++)
			;
		if (b - a > s->count) {
			s->count = b - a;
			s->type = tmp[a];
		}
	}
}

static const struct hg_heap *sort_heap;

static int by_retained(const void *a, const void *b)
{
	const struct hg_suspect *x = a, *y = b;
	uint64_t rx = hg_heap_retained(sort_heap, x->obj), ry = hg_heap_retained(sort_heap, y->obj);

	return rx < ry ? 1 : rx > ry ? -1 : x->obj < y->obj ? -1 : x->obj > y->obj;
}

static void add(struct hg_suspect **v, size_t *n, size_t *cap, const struct hg_suspect *s)
{
	for (size_t k = 0; k < *n; k++)
		if ((*v)[k].obj == s->obj)
			return;
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = *s;
}

size_t hg_suspects(const struct hg_heap *h, uint64_t total, struct hg_suspect *out, size_t max)
{
	struct hg_suspect *v = NULL, s;
	size_t n = 0, cap = 0, maxdeg = 0;
	uint32_t *best, *tmp;

	if (!h->nobj || !h->retained || !h->idom || !max)
		return 0;
	for (uint32_t i = 0; i < h->nobj; i++)
		if (hg_heap_first(h, i + 1) - hg_heap_first(h, i) > maxdeg)
			maxdeg = hg_heap_first(h, i + 1) - hg_heap_first(h, i);
	tmp = xmalloc((maxdeg ? maxdeg : 1) * sizeof(*tmp));

	/* the child of each object in the dominator tree that retains the most */
	best = xmalloc(h->nobj * sizeof(*best));
	memset(best, 0xff, h->nobj * sizeof(*best));
	for (uint32_t i = 0; i < h->nobj; i++) {
		uint32_t p = h->idom[i];

		if (p < h->nobj && (best[p] == HG_NONE || hg_heap_retained(h, i) > hg_heap_retained(h, best[p])))
			best[p] = i;
	}
	/* MAT's rule, from every top-level object retaining a tenth */
	for (uint32_t i = 0; i < h->nobj; i++) {
		uint32_t x = i;
		size_t steps = 0;

		if (h->idom[i] != HG_NONE || !(h->flags[i] & HG_OBJ_REACHABLE) || hg_heap_retained(h, i) < total / 10)
			continue;
		while (best[x] != HG_NONE && steps++ < h->nobj &&
		       5 * hg_heap_retained(h, best[x]) >= 4 * hg_heap_retained(h, x))
			x = best[x];
		memset(&s, 0, sizeof(s));
		s.obj = x;
		s.from = i;
		s.rule = HG_SUSPECT_BIG;
		tally(h, &s, tmp);
		add(&v, &n, &cap, &s);
	}
	/* containers of many objects of one type */
	for (uint32_t i = 0; i < h->nobj; i++) {
		if (hg_heap_first(h, i + 1) - hg_heap_first(h, i) < HG_SUSPECT_MANY || !(h->flags[i] & HG_OBJ_REACHABLE) ||
		    hg_heap_retained(h, i) < total / 100)
			continue;
		memset(&s, 0, sizeof(s));
		s.obj = i;
		s.from = i;
		s.rule = HG_SUSPECT_CONTAINER;
		tally(h, &s, tmp);
		if (s.count >= HG_SUSPECT_MANY && 2 * s.count >= s.items)
			add(&v, &n, &cap, &s);
	}
	free(best);
	free(tmp);
	sort_heap = h;
	if (n)
		hg_sort(v, n, sizeof(*v), by_retained);
	if (n > max)
		n = max;
	if (n)
		memcpy(out, v, n * sizeof(*v));
	free(v);
	return n;
}

size_t hg_suspect_examples(const struct hg_heap *h, uint32_t obj, uint32_t t, uint64_t *out, size_t n)
{
	int items_only = has_items(h, obj);
	size_t k = 0;

	for (uint64_t e = hg_heap_first(h, obj); e < hg_heap_first(h, obj + 1) && k < n; e++)
		if (is_item(h, e, items_only) && hg_heap_type(h, h->to[e]) == t)
			out[k++] = e;
	return k;
}
