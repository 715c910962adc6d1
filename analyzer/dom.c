/*
 * dom.c - the dominator tree and retained sizes (see dom.h).
 *
 * Vertices are numbered in depth-first preorder from the virtual root (0);
 * every array below is indexed by that number.  Semidominators come from
 * Lengauer-Tarjan's pass in reverse preorder (eval with iterative path
 * compression, no buckets); each immediate dominator is then the nearest
 * ancestor of the DFS parent whose number is not above the semidominator
 * (semi-NCA: Georgiadis, Tarjan and Werneck found it the most consistently
 * fast).  Retained sizes are summed up the tree in reverse preorder.  No
 * recursion anywhere: heaps have million-long chains.
 */
#include <stdlib.h>
#include <string.h>
#include "dom.h"
#include "../common/util.h"

#define NIL UINT32_MAX

struct dom {
	const struct hg_heap *h;
	uint32_t n;		/* vertices numbered so far (the virtual root is 0) */
	uint32_t *pre;		/* object -> preorder number, 0 = not yet */
	uint32_t *vertex;	/* preorder number -> object */
	uint32_t *parent;	/* DFS tree parent, by number */
	uint32_t *semi, *label, *ancestor, *idom;
	uint8_t *entry;		/* by number: the virtual root points at it */
};

/* Weak references never retain; neither do a scan's guesses (hg_heap_collect makes their targets roots). */
static int retains(const struct hg_heap *h, uint64_t e)
{
	return hg_heap_edge_holds(h, e);
}

/* Roots that keep objects alive: C-memory roots only say where a reference probably sits. */
static int keeps(const struct hg_root *r)
{
	return r->what != HG_RW_MEMORY;
}

/* Depth-first from object start, which hangs from vertex from; numbers what it reaches. */
static void dfs(struct dom *d, uint32_t start, uint32_t from, uint32_t *stack, uint64_t *cursor)
{
	const struct hg_heap *h = d->h;
	size_t top = 0;

	d->pre[start] = ++d->n;
	d->vertex[d->n] = start;
	d->parent[d->n] = from;
	d->entry[d->n] = 1;	/* a root, or where an unreached part starts */
	stack[top] = start;
	cursor[top++] = hg_heap_first(h, start);
	while (top) {
		uint32_t v = stack[top - 1];
		uint64_t e = cursor[top - 1];

		if (e == hg_heap_first(h, v + 1)) {
			top--;
			continue;
		}
		cursor[top - 1] = e + 1;
		if (!retains(h, e) || d->pre[h->to[e]])
			continue;
		d->pre[h->to[e]] = ++d->n;
		d->vertex[d->n] = h->to[e];
		d->parent[d->n] = d->pre[v];
		stack[top] = h->to[e];
		cursor[top++] = hg_heap_first(h, h->to[e]);
	}
}

/* Lengauer-Tarjan's eval: the vertex of least semidominator on v's compressed path. */
static uint32_t eval(struct dom *d, uint32_t v, uint32_t *path)
{
	size_t k = 0;

	if (d->ancestor[v] == NIL)
		return v;
	/* the path up to the last vertex whose ancestor is linked, then compress it top down */
	for (uint32_t u = v; d->ancestor[d->ancestor[u]] != NIL; u = d->ancestor[u])
		path[k++] = u;
	while (k--) {
		uint32_t u = path[k], a = d->ancestor[u];

		if (d->semi[d->label[a]] < d->semi[d->label[u]])
			d->label[u] = d->label[a];
		d->ancestor[u] = d->ancestor[a];
	}
	return d->label[v];
}

int hg_dom_compute(struct hg_heap *h)
{
	struct dom d;
	size_t N = h->nobj + 1;
	uint32_t *stack, *path, reached;
	uint64_t *cursor, *ret;

	if (h->mapping)
		return -1;
	memset(&d, 0, sizeof(d));
	d.h = h;
	d.pre = xcalloc(N, sizeof(*d.pre));
	d.vertex = xmalloc(N * sizeof(*d.vertex));
	d.parent = xmalloc(N * sizeof(*d.parent));
	d.entry = xcalloc(N, 1);
	stack = xmalloc(N * sizeof(*stack));
	cursor = xmalloc(N * sizeof(*cursor));
	d.vertex[0] = NIL;
	d.parent[0] = NIL;
	/* the roots, in the order they were found, then whatever no root reaches */
	for (size_t r = 0; r < h->nroot; r++)
		if (keeps(&h->roots[r]) && h->roots[r].obj < h->nobj && !d.pre[h->roots[r].obj])
			dfs(&d, h->roots[r].obj, 0, stack, cursor);
	reached = d.n;
	for (uint32_t i = 0; i < h->nobj; i++)
		if (!d.pre[i])
			dfs(&d, i, 0, stack, cursor);
	free(cursor);
	/* a root another root's search reached first has the virtual root as a predecessor too */
	for (size_t r = 0; r < h->nroot; r++)
		if (keeps(&h->roots[r]) && h->roots[r].obj < h->nobj)
			d.entry[d.pre[h->roots[r].obj]] = 1;

	d.semi = xmalloc(N * sizeof(*d.semi));
	d.label = xmalloc(N * sizeof(*d.label));
	d.ancestor = xmalloc(N * sizeof(*d.ancestor));
	d.idom = xmalloc(N * sizeof(*d.idom));
	path = stack;	/* the DFS is done: its stack serves eval */
	for (uint32_t k = 0; k < N; k++) {
		d.semi[k] = k;
		d.label[k] = k;
		d.ancestor[k] = NIL;
	}
	/* semidominators, in reverse preorder */
	for (uint32_t w = (uint32_t)N - 1; w >= 1; w--) {
		uint32_t o = d.vertex[w];

		if (d.entry[w])
			d.semi[w] = 0;	/* the virtual root is a predecessor */
		for (uint64_t j = hg_heap_rfirst(h, o); j < hg_heap_rfirst(h, o + 1); j++) {
			uint32_t v, u;

			if (!hg_heap_redge_holds(h, j))
				continue;
			v = d.pre[h->rsrc[j]];
			/* garbage that points at a live object does not keep it alive */
			if (w <= reached && v > reached)
				continue;
			u = eval(&d, v, path);
			if (d.semi[u] < d.semi[w])
				d.semi[w] = d.semi[u];
		}
		d.ancestor[w] = d.parent[w];	/* link */
	}
	/* immediate dominators: nearest common ancestors, in preorder */
	d.idom[0] = NIL;
	for (uint32_t w = 1; w < N; w++) {
		uint32_t x = d.parent[w];

		while (x > d.semi[w])
			x = d.idom[x];
		d.idom[w] = x;
	}
	/* what is left needs less: a 10-million-object heap's peak memory is here */
	free(d.semi); free(d.label); free(d.ancestor); free(d.entry); free(d.parent);
	free(stack);
	d.semi = d.label = d.ancestor = d.parent = stack = NULL;
	d.entry = NULL;
	/* retained sizes, summed up the tree */
	ret = xcalloc(N, sizeof(*ret));
	for (uint32_t w = (uint32_t)N - 1; w >= 1; w--) {
		ret[w] += hg_heap_size(h, d.vertex[w]);
		ret[d.idom[w]] += ret[w];
	}
	free(h->idom);
	free(h->retained);
	free(h->big_retained.v);
	memset(&h->big_retained, 0, sizeof(h->big_retained));
	h->idom = xmalloc((N - 1 ? N - 1 : 1) * sizeof(*h->idom));
	h->retained = xcalloc(N - 1 ? N - 1 : 1, sizeof(*h->retained));	/* (set below: none wide yet) */
	for (uint32_t i = 0; i < h->nobj; i++) {
		uint32_t p = d.pre[i];

		h->idom[i] = d.idom[p] ? d.vertex[d.idom[p]] : HG_NONE;
		hg_heap_set_retained(h, i, ret[p]);
	}
	free(ret);
	{
		uint64_t *per_type = xcalloc(h->ntype ? h->ntype : 1, sizeof(*per_type));

		hg_dom_type_retained(h, per_type);
		for (size_t t = 0; t < h->ntype; t++)
			h->types[t].retained = per_type[t];
		free(per_type);
	}
	free(d.pre); free(d.vertex); free(d.idom);
	return 0;
}

void hg_dom_type_retained(const struct hg_heap *h, uint64_t *out)
{
	uint32_t *type = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*type));

	for (uint32_t i = 0; i < h->nobj; i++)
		type[i] = hg_heap_type(h, i);
	hg_dom_group_retained(h, type, h->ntype, out);
	free(type);
}

void hg_dom_group_retained(const struct hg_heap *h, const uint32_t *group, size_t ngroups, uint64_t *out)
{
	/* children of each object in the dominator tree (CSR), and those of the virtual root */
	uint32_t *first = xcalloc(h->nobj + 2, sizeof(*first)), *child, *top_level;
	uint32_t *count = xcalloc(ngroups ? ngroups : 1, sizeof(*count));
	uint32_t *stack;
	uint8_t *leaving;
	size_t ntop = 0, sp = 0;

	memset(out, 0, ngroups * sizeof(*out));
	if (!h->idom || !h->nobj) {
		free(first);
		free(count);
		return;
	}
	for (uint32_t i = 0; i < h->nobj; i++) {
		if (h->idom[i] == HG_NONE)
			ntop++;
		else
			first[h->idom[i] + 1]++;
	}
	for (uint32_t i = 0; i < h->nobj; i++)
		first[i + 1] += first[i];
	child = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*child));
	top_level = xmalloc((ntop ? ntop : 1) * sizeof(*top_level));
	{
		uint32_t *fill = xmalloc((h->nobj + 1) * sizeof(*fill));

		memcpy(fill, first, (h->nobj + 1) * sizeof(*fill));
		ntop = 0;
		for (uint32_t i = 0; i < h->nobj; i++) {
			if (h->idom[i] == HG_NONE)
				top_level[ntop++] = i;
			else
				child[fill[h->idom[i]]++] = i;
		}
		free(fill);
	}
	/* depth first over the tree: an object counts when no ancestor is of its group */
	stack = xmalloc(2 * (h->nobj + 1) * sizeof(*stack));
	leaving = xmalloc(2 * (h->nobj + 1));
	for (size_t k = ntop; k-- > 0;) {
		leaving[sp] = 0;
		stack[sp++] = top_level[k];
	}
	while (sp) {
		uint32_t v = stack[--sp];

		if (leaving[sp]) {
			if (group[v] < ngroups)
				count[group[v]]--;
			continue;
		}
		if (group[v] < ngroups && !count[group[v]]++)
			out[group[v]] += hg_heap_retained(h, v);
		leaving[sp] = 1;
		stack[sp++] = v;
		for (uint32_t c = first[v + 1]; c-- > first[v];) {
			leaving[sp] = 0;
			stack[sp++] = child[c];
		}
	}
	free(leaving);
	free(stack);
	free(child);
	free(top_level);
	free(first);
	free(count);
}

/* The n objects of largest retained size, largest first (a bounded min-heap). */
size_t hg_dom_biggest(const struct hg_heap *h, uint32_t *out, size_t n)
{
	size_t len = 0;

	if (!n || !h->retained)
		return 0;

	for (uint32_t i = 0; i < h->nobj; i++) {
		size_t k;

		if (len < n) {
			k = len++;
		} else if (hg_heap_retained(h, i) > hg_heap_retained(h, out[0])) {
			/* replace the smallest: sift down from the top */
			k = 0;
			for (;;) {
				size_t c = 2 * k + 1;

				if (c >= len)
					break;
				if (c + 1 < len && hg_heap_retained(h, out[c + 1]) < hg_heap_retained(h, out[c]))
					c++;
				if (hg_heap_retained(h, out[c]) >= hg_heap_retained(h, i))
					break;
				out[k] = out[c];
				k = c;
			}
			out[k] = i;
			continue;
		} else {
			continue;
		}
		/* a new element: sift up */
		while (k && hg_heap_retained(h, out[(k - 1) / 2]) > hg_heap_retained(h, i)) {
			out[k] = out[(k - 1) / 2];
			k = (k - 1) / 2;
		}
		out[k] = i;
	}
	/* heap order to descending order */
	for (size_t a = 0; a < len; a++)
		for (size_t b = a + 1; b < len; b++)
			if (hg_heap_retained(h, out[b]) > hg_heap_retained(h, out[a]) ||
			    (hg_heap_retained(h, out[b]) == hg_heap_retained(h, out[a]) && out[b] < out[a])) {
				uint32_t t = out[a];

				out[a] = out[b];
				out[b] = t;
			}
	return len;
}
