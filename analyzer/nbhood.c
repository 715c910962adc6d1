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

static uint32_t add_node(struct hg_nbhood *nb, size_t *alloc, struct omap *m, uint32_t obj, uint32_t depth,
			 uint32_t parent)
{
	if (nb->n + 1 > *alloc) {
		size_t a = *alloc ? *alloc * 2 : 64;

		nb->obj = xrealloc(nb->obj, a * sizeof(*nb->obj));
		nb->depth = xrealloc(nb->depth, a * sizeof(*nb->depth));
		nb->parent = xrealloc(nb->parent, a * sizeof(*nb->parent));
		nb->skipped = xrealloc(nb->skipped, a * sizeof(*nb->skipped));
		nb->culled = xrealloc(nb->culled, a);
		nb->fold = xrealloc(nb->fold, a * sizeof(*nb->fold));
		nb->fold_bytes = xrealloc(nb->fold_bytes, a * sizeof(*nb->fold_bytes));
		*alloc = a;
	}
	nb->obj[nb->n] = obj;
	nb->depth[nb->n] = depth;
	nb->parent[nb->n] = parent;
	nb->skipped[nb->n] = 0;
	nb->culled[nb->n] = 0;
	nb->fold[nb->n] = 1;
	nb->fold_bytes[nb->n] = 0;
	omap_put(m, obj, (uint32_t)nb->n);
	return (uint32_t)nb->n++;
}

static void add_edge(struct hg_nbhood *nb, size_t *ealloc, uint32_t from, uint32_t to, uint32_t e, uint32_t count,
		     int folded)
{
	HG_GROW(nb->edges, nb->nedges + 1, *ealloc);
	nb->edges[nb->nedges].from = from;
	nb->edges[nb->nedges].to = to;
	nb->edges[nb->nedges].edge = e;
	nb->edges[nb->nedges].count = count;
	nb->edges[nb->nedges].folded = (uint8_t)folded;
	nb->nedges++;
}

/* Characters of a label line, as drawn: cut at HG_NB_LABEL_MAX (UTF-8 aware) */
static size_t line_chars(const char *s)
{
	size_t n = 0;

	for (; *s && n < HG_NB_LABEL_MAX + 3; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* How wide a drawn object is, about: its longest label line at 14 points, and the space around it. */
static unsigned node_width(const struct hg_heap *h, uint32_t i)
{
	size_t type = hg_heap_type(h, i) < h->ntype ? line_chars(hg_heap_s(h, h->types[hg_heap_type(h, i)].name)) : 1;
	char rb[HG_REPR_BUF];
	size_t repr = line_chars(hg_heap_repr(h, i, rb, sizeof(rb))), w = 26;	/* "12.3 KiB, retains 4.5 MiB" */

	if (type > w)
		w = type;
	if (repr > w)
		w = repr;
	return (unsigned)(w * 8 + 40);
}

static unsigned label_width(const struct hg_heap *h, uint32_t e)
{
	char lb[HG_LABEL_BUF];

	return (unsigned)(line_chars(hg_heap_label(h, h->label[e], lb)) * 8 + 20);
}

/* A neighbour met while expanding one node: the first edge to it and how many there are. */
struct cand {
	uint32_t y, e, count, group;
};

/* Siblings fold when they have the same type and arrive by the same attribute, or by any item. */
struct fold_key {
	uint32_t type, label;
	uint8_t role;
};

static uint32_t fold_label(const struct hg_heap *h, uint32_t e)
{
	return hg_heap_edge_role(h, e) == HG_REF_ITEM ? UINT32_MAX : h->label[e];
}

static int is_ancestor(const struct hg_nbhood *nb, uint32_t a, uint32_t q)
{
	for (uint32_t p = nb->parent[q]; p != HG_NONE; p = nb->parent[p])
		if (p == a)
			return 1;
	return 0;
}

/*
 * A bounded search from a node left unexpanded, the way the picture goes,
 * for a node it was reached from: the references that close a cycle.
 */
static void find_hops(const struct hg_heap *h, const struct hg_nb_options *o, struct hg_nbhood *nb,
		      const struct omap *m, size_t *ealloc)
{
	enum { BUDGET = 20000, TOTAL = 2000000 };
	struct omap dist = { NULL, NULL, 0, 0 };
	uint32_t *queue = xmalloc(BUDGET * sizeof(*queue));
	size_t spent = 0, hop_alloc = 0, n = nb->n;

	for (size_t q = 0; q < n && spent < TOTAL; q++) {
		size_t head = 0, tail = 0;
		int found = 0;

		if (nb->depth[q] < o->max_depth || nb->culled[q] || nb->fold[q] > 1 || q < nb->nstart)
			continue;
		free(dist.key);
		free(dist.val);
		memset(&dist, 0, sizeof(dist));
		queue[tail++] = nb->obj[q];
		omap_put(&dist, nb->obj[q], 0);
		while (head < tail && !found && spent < TOTAL) {
			uint32_t x = queue[head++], d = omap_get(&dist, x);
			uint64_t lo = o->backrefs ? hg_heap_rfirst(h, x) : hg_heap_first(h, x);
			uint64_t hi = o->backrefs ? hg_heap_rfirst(h, x + 1) : hg_heap_first(h, x + 1);

			spent += 1 + (hi - lo);	/* the work is in the references scanned */
			for (uint64_t r = lo; r < hi && !found; r++) {
				uint32_t y = o->backrefs ? h->rsrc[r] : h->to[r], at;

				if (!(o->backrefs ? hg_heap_redge_holds(h, r) : hg_heap_edge_holds(h, r)) || y == nb->obj[q] ||
				    omap_get(&dist, y) != UINT32_MAX)
					continue;
				at = omap_get(m, y);
				if (at != UINT32_MAX && nb->fold[at] == 1 && is_ancestor(nb, at, (uint32_t)q)) {
					if (d == 0) {
						/* a reference between drawn objects: drawn as it is */
						if (o->backrefs)
							add_edge(nb, ealloc, at, (uint32_t)q, (uint32_t)hg_heap_redge(h, x, r), 1, 0);
						else
							add_edge(nb, ealloc, (uint32_t)q, at, (uint32_t)r, 1, 0);
					} else {
						HG_GROW(nb->hops, nb->nhops + 1, hop_alloc);
						nb->hops[nb->nhops].from = o->backrefs ? at : (uint32_t)q;
						nb->hops[nb->nhops].to = o->backrefs ? (uint32_t)q : at;
						nb->hops[nb->nhops].hops = d + 1;
						nb->nhops++;
					}
					found = 1;
				} else if (tail < BUDGET) {
					omap_put(&dist, y, d + 1);
					queue[tail++] = y;
				}
			}
		}
	}
	free(dist.key);
	free(dist.val);
	free(queue);
}

void hg_nbhood_build(const struct hg_heap *h, const uint32_t *start, size_t nstart,
		     const struct hg_nb_options *o, struct hg_nbhood *nb)
{
	struct omap m = { NULL, NULL, 0, 0 }, seen = { NULL, NULL, 0, 0 };
	uint8_t *module = xcalloc(h->nobj ? h->nobj : 1, 1);
	size_t alloc = 0, ealloc = 0, calloc_ = 0, ncand, gcap = 0;
	struct cand *cand = NULL;
	struct fold_key *gkey = NULL;
	uint32_t *gcount = NULL, *gnode = NULL;
	unsigned *rank_w = xcalloc((size_t)o->max_depth + 2, sizeof(*rank_w));
	unsigned *label_w = xcalloc((size_t)o->max_depth + 2, sizeof(*label_w));

	memset(nb, 0, sizeof(*nb));
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].kind == HG_ROOT_MODULE)
			module[h->roots[r].obj] = 1;
	for (size_t k = 0; k < nstart; k++)
		if (omap_get(&m, start[k]) == UINT32_MAX) {
			add_node(nb, &alloc, &m, start[k], 0, HG_NONE);
			rank_w[0] += node_width(h, start[k]);
		}
	nb->nstart = nb->n;

	for (size_t q = 0; q < nb->n; q++) {
		uint32_t x = nb->obj[q], d = nb->depth[q] + 1, ngroup = 0;
		uint64_t lo, hi, drawn = 0;

		if (nb->depth[q] >= o->max_depth)
			continue;
		if (o->backrefs && module[x] && nb->depth[q] > 0) {
			nb->culled[q] = 1;
			continue;
		}
		/* the neighbours, once each, with how many edges lead to each */
		free(seen.key);
		free(seen.val);
		memset(&seen, 0, sizeof(seen));
		ncand = 0;
		lo = o->backrefs ? hg_heap_rfirst(h, x) : hg_heap_first(h, x);
		hi = o->backrefs ? hg_heap_rfirst(h, x + 1) : hg_heap_first(h, x + 1);
		for (uint64_t r = lo; r < hi; r++) {
			uint32_t y = o->backrefs ? h->rsrc[r] : h->to[r];
			uint32_t prev, e;

			if (((o->backrefs ? hg_heap_redge_kind(h, r) : hg_heap_edge_kind(h, r)) == HG_EDGE_WEAK && !o->weak) ||
			    (o->only && !o->only[y]))
				continue;
			if (y == x && !o->only)
				continue;
			if ((prev = omap_get(&seen, y)) != UINT32_MAX) {
				if (prev != UINT32_MAX - 1)
					cand[prev].count++;
				continue;
			}
			if (o->filter && !o->filter(h, y, o->arg)) {
				omap_put(&seen, y, UINT32_MAX - 1);
				continue;
			}
			/* the reference itself (its label) for the first edge to each neighbour only */
			e = o->backrefs ? (uint32_t)hg_heap_redge(h, x, r) : (uint32_t)r;
			HG_GROW(cand, ncand + 1, calloc_);
			cand[ncand] = (struct cand){ y, e, 1, UINT32_MAX };
			omap_put(&seen, y, (uint32_t)ncand++);
		}
		/* like siblings not drawn yet: groups */
		if (o->fold) {
			for (size_t c = 0; c < ncand; c++) {
				struct fold_key k = { hg_heap_type(h, cand[c].y), fold_label(h, cand[c].e),
						      (uint8_t)hg_heap_edge_role(h, cand[c].e) };
				uint32_t g;

				if (omap_get(&m, cand[c].y) != UINT32_MAX)
					continue;
				for (g = 0; g < ngroup; g++)	/* few groups per node: a scan will do */
					if (gkey[g].type == k.type && gkey[g].label == k.label && gkey[g].role == k.role)
						break;
				if (g == ngroup) {
					if (ngroup == 4096)
						continue;	/* a node with more kinds of neighbours folds the first ones */
					HG_GROW(gkey, ngroup + 1, gcap);
					gcount = xrealloc(gcount, gcap * sizeof(*gcount));
					gnode = xrealloc(gnode, gcap * sizeof(*gnode));
					gkey[g] = k;
					gcount[g] = 0;
					gnode[g] = UINT32_MAX;
					ngroup++;
				}
				gcount[g]++;
				cand[c].group = g;
			}
		}
		/* in the order met: too_many of them, as wide as the ranks allow; folded groups as one */
		for (size_t c = 0; c < ncand; c++) {
			uint32_t y = cand[c].y, g = cand[c].group, ny;
			int folded = g != UINT32_MAX && gcount[g] >= o->fold;
			unsigned w;

			if (folded && gnode[g] != UINT32_MAX) {
				if (gnode[g] != UINT32_MAX - 1) {
					nb->fold[gnode[g]]++;
					nb->fold_bytes[gnode[g]] += hg_heap_size(h, y);
				} else {
					nb->skipped[q]++;
				}
				continue;
			}
			ny = omap_get(&m, y);
			w = ny == UINT32_MAX ? node_width(h, y) : 0;
			if (drawn >= o->too_many ||
			    (o->max_width && w && rank_w[d] && rank_w[d] + w > o->max_width) ||
			    (o->max_width && label_w[d] && label_w[d] + label_width(h, cand[c].e) > o->max_width)) {
				nb->skipped[q]++;
				if (folded)
					gnode[g] = UINT32_MAX - 1;	/* its other members are counted too */
				continue;
			}
			drawn++;
			if (ny == UINT32_MAX) {
				ny = add_node(nb, &alloc, &m, y, d, (uint32_t)q);
				rank_w[d] += w;
			}
			label_w[d] += label_width(h, cand[c].e);
			if (folded) {
				gnode[g] = ny;
				nb->fold_bytes[ny] = hg_heap_size(h, y);
			}
			if (o->backrefs)
				add_edge(nb, &ealloc, ny, (uint32_t)q, cand[c].e, cand[c].count, folded);
			else
				add_edge(nb, &ealloc, (uint32_t)q, ny, cand[c].e, cand[c].count, folded);
		}
	}
	/* a folded node's edge stands for its members */
	for (size_t k = 0; k < nb->nedges; k++) {
		struct hg_nb_edge *E = &nb->edges[k];

		if (E->folded)
			E->count = nb->fold[o->backrefs ? E->from : E->to];
	}
	if (!o->only && o->fold)
		find_hops(h, o, nb, &m, &ealloc);
	free(seen.key);
	free(seen.val);
	free(m.key);
	free(m.val);
	free(module);
	free(cand);
	free(gkey);
	free(gcount);
	free(gnode);
	free(rank_w);
	free(label_w);
}

void hg_nbhood_release(struct hg_nbhood *nb)
{
	free(nb->obj);
	free(nb->depth);
	free(nb->parent);
	free(nb->skipped);
	free(nb->culled);
	free(nb->fold);
	free(nb->fold_bytes);
	free(nb->edges);
	free(nb->hops);
	memset(nb, 0, sizeof(*nb));
}
