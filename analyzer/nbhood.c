/*
 * nbhood.c - breadth-first neighbourhoods (see nbhood.h), the way objgraph's
 * show_graph walks: nodes in BFS order, edges drawn to already-seen nodes
 * too, too_many counted after the filter, nodes at max_depth drawn but not
 * expanded, backrefs stopping at proper modules.
 */
#include <stdlib.h>
#include <string.h>
#include "nbhood.h"
#include "../common/util.h"

struct omap { uint32_t *key, *val; size_t cap, used; };

static size_t omap_slot(const struct omap *m, uint32_t k)
{
	size_t j = ((size_t)k * 0x9e3779b1u) & (m->cap - 1);

	while (m->key[j] != UINT32_MAX && m->key[j] != k)
		j = (j + 1) & (m->cap - 1);
	return j;
}

static uint32_t omap_get(const struct omap *m, uint32_t k)
{
	size_t j;

	if (!m->cap)
		return UINT32_MAX;
	j = omap_slot(m, k);

	return m->key[j] == k ? m->val[j] : UINT32_MAX;
}

static void omap_put(struct omap *m, uint32_t k, uint32_t v)
{
	size_t j;

	if (2 * (m->used + 1) > m->cap) {
		struct omap n = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };

		n.key = xmalloc(n.cap * sizeof(*n.key));
		n.val = xmalloc(n.cap * sizeof(*n.val));
		memset(n.key, 0xff, n.cap * sizeof(*n.key));
		for (size_t i = 0; i < m->cap; i++)
			if (m->key[i] != UINT32_MAX) {
				j = omap_slot(&n, m->key[i]);
				n.key[j] = m->key[i];
				n.val[j] = m->val[i];
				n.used++;
			}
		free(m->key);
		free(m->val);
		*m = n;
	}
	j = omap_slot(m, k);
	if (m->key[j] == UINT32_MAX)
		m->used++;
	m->key[j] = k;
	m->val[j] = v;
}

static uint32_t add_node(struct hg_nbhood *nb, size_t *alloc, struct omap *m, uint32_t obj, uint32_t depth)
{
	if (nb->n + 1 > *alloc) {
		size_t a = *alloc ? *alloc * 2 : 64;

		nb->obj = xrealloc(nb->obj, a * sizeof(*nb->obj));
		nb->depth = xrealloc(nb->depth, a * sizeof(*nb->depth));
		nb->skipped = xrealloc(nb->skipped, a * sizeof(*nb->skipped));
		nb->culled = xrealloc(nb->culled, a);
		*alloc = a;
	}
	nb->obj[nb->n] = obj;
	nb->depth[nb->n] = depth;
	nb->skipped[nb->n] = 0;
	nb->culled[nb->n] = 0;
	omap_put(m, obj, (uint32_t)nb->n);
	return (uint32_t)nb->n++;
}

void hg_nbhood_build(const struct hg_heap *h, const uint32_t *start, size_t nstart,
		     const struct hg_nb_options *o, struct hg_nbhood *nb)
{
	struct omap m = { NULL, NULL, 0, 0 }, seen_pair = { NULL, NULL, 0, 0 };
	uint8_t *module = xcalloc(h->nobj ? h->nobj : 1, 1);
	size_t alloc = 0, ealloc = 0;

	memset(nb, 0, sizeof(*nb));
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].kind == HG_ROOT_MODULE)
			module[h->roots[r].obj] = 1;
	for (size_t k = 0; k < nstart; k++)
		if (omap_get(&m, start[k]) == UINT32_MAX)
			add_node(nb, &alloc, &m, start[k], 0);
	nb->nstart = nb->n;

	for (size_t q = 0; q < nb->n; q++) {
		uint32_t x = nb->obj[q];
		uint64_t lo, hi, drawn = 0;

		if (nb->depth[q] >= o->max_depth)
			continue;
		if (o->backrefs && module[x] && nb->depth[q] > 0) {
			nb->culled[q] = 1;
			continue;
		}
		/* a neighbour appears once per node, whatever the number of edges */
		free(seen_pair.key);
		free(seen_pair.val);
		memset(&seen_pair, 0, sizeof(seen_pair));
		lo = o->backrefs ? h->rfirst[x] : h->first[x];
		hi = o->backrefs ? h->rfirst[x + 1] : h->first[x + 1];
		for (uint64_t r = lo; r < hi; r++) {
			uint32_t e = o->backrefs ? h->redge[r] : (uint32_t)r;
			uint32_t y = o->backrefs ? h->from[e] : h->to[e];
			uint32_t ny, prev;

			if ((hg_heap_edge_kind(h, e) == HG_EDGE_WEAK && !o->weak) || (o->only && !o->only[y]))
				continue;
			if (y == x && !o->only)
				continue;
			if ((prev = omap_get(&seen_pair, y)) != UINT32_MAX) {
				if (prev != UINT32_MAX - 1)
					nb->edges[prev].count++;
				continue;
			}
			if (o->filter && !o->filter(h, y, o->arg)) {
				omap_put(&seen_pair, y, UINT32_MAX - 1);
				continue;
			}
			if (drawn >= o->too_many) {
				nb->skipped[q]++;
				omap_put(&seen_pair, y, UINT32_MAX - 1);
				continue;
			}
			drawn++;
			ny = omap_get(&m, y);
			if (ny == UINT32_MAX)
				ny = add_node(nb, &alloc, &m, y, nb->depth[q] + 1);
			HG_GROW(nb->edges, nb->nedges + 1, ealloc);
			nb->edges[nb->nedges].from = o->backrefs ? ny : (uint32_t)q;
			nb->edges[nb->nedges].to = o->backrefs ? (uint32_t)q : ny;
			nb->edges[nb->nedges].edge = e;
			nb->edges[nb->nedges].count = 1;
			omap_put(&seen_pair, y, (uint32_t)nb->nedges);
			nb->nedges++;
		}
	}
	free(seen_pair.key);
	free(seen_pair.val);
	free(m.key);
	free(m.val);
	free(module);
}

void hg_nbhood_release(struct hg_nbhood *nb)
{
	free(nb->obj);
	free(nb->depth);
	free(nb->skipped);
	free(nb->culled);
	free(nb->edges);
	memset(nb, 0, sizeof(*nb));
}
