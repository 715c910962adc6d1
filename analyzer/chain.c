/*
 * chain.c - shortest chains from roots (see chain.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "chain.h"
#include "../common/util.h"

#define INF UINT32_MAX

int hg_root_tier(const struct hg_root *r)
{
	if (r->kind == HG_ROOT_C || r->kind == HG_ROOT_OUTSIDE || r->what == HG_RW_IMMORTAL)
		return 3;
	if (r->kind == HG_ROOT_MODULE)
		return 0;
	if (r->kind == HG_ROOT_FRAME && (r->what == HG_RW_LOCAL || r->what == HG_RW_CELL))
		return 0;
	if (r->kind == HG_ROOT_FRAME)
		return 1;
	return 2;
}

struct cand { uint32_t root, dist, cost; int tier, module; };

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int cx = x->tier == 3, cy = y->tier == 3;

	if (cx != cy)
		return cx - cy;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->tier != y->tier)
		return x->tier - y->tier;
	if (x->module != y->module)
		return y->module - x->module;
	return x->root < y->root ? -1 : x->root > y->root;
}

/* What kinds of roots hold an object (bits of root_kinds), for costing it as the BFS meets it. */
enum { RK_LOCAL = 1, RK_MODULE = 2, RK_OTHER = 4 };

/*
 * The reference the search went down from x by: it keeps the reverse entry
 * (next[x]), and only the few references a chain shows are looked up, by
 * the entry's object (the last t with rfirst[t] <= r) and hg_heap_redge.
 */
static uint32_t edge_of(const struct hg_heap *h, uint32_t r)
{
	size_t lo = 0, hi = h->nobj;

	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (hg_heap_rfirst(h, mid) <= r)
			lo = mid;
		else
			hi = mid - 1;
	}
	return (uint32_t)hg_heap_redge(h, (uint32_t)lo, r);
}

/* Does the chain step from x through a module's __dict__ (x's next reverse entry r)? */
static int via_dict(const struct hg_heap *h, uint32_t r)
{
	return hg_heap_edge_role(h, edge_of(h, r)) == HG_REF_DICT;
}

/* The cost cand would get (below) for the best root of object x at distance d, x's next reverse entry r. */
static uint32_t root_cost(const struct hg_heap *h, uint8_t kinds, uint32_t d, uint32_t r)
{
	uint32_t c = INF;

	if (kinds & RK_LOCAL)
		c = d;
	if ((kinds & RK_MODULE) && d - (d >= 2 && via_dict(h, r)) < c)
		c = d - (d >= 2 && via_dict(h, r));
	if ((kinds & RK_OTHER) && d + 1 < c)
		c = d + 1;
	return c;
}

size_t hg_chain_find(const struct hg_heap *h, uint32_t target, int weak, size_t max,
		     struct hg_chain **out)
{
	uint32_t *dist, *next, *queue, *best;
	struct cand *cand;
	size_t head = 0, tail = 0, ncand = 0, found = 0, nbest = 0, nb;
	uint8_t *used, *kinds;

	*out = NULL;
	if (target >= h->nobj || !max)
		return 0;
	/*
	 * The search stops early once max root objects are known whose cost
	 * (below) is less than any a root not yet costed can have: one less
	 * than the distance being searched (a module's __dict__ step is free).  kinds[x] says which roots hold x;
	 * best[] keeps the max smallest costs met (one per root object).
	 * Zeroed arrays come from calloc: a search that stops early touches
	 * little of them.
	 */
	kinds = xcalloc(h->nobj, 1);
	for (size_t r = 0; r < h->nroot; r++) {
		const struct hg_root *R = &h->roots[r];
		int t = hg_root_tier(R);

		if (R->what == HG_RW_MEMORY || t == 3 || R->obj >= h->nobj)
			continue;
		kinds[R->obj] |= R->kind == HG_ROOT_MODULE ? RK_MODULE : t == 0 ? RK_LOCAL : RK_OTHER;
	}
	nb = max < h->nroot ? max : (h->nroot ? h->nroot : 1);	/* --all N may ask for more than there are */
	best = xmalloc(nb * sizeof(*best));
	dist = xcalloc(h->nobj, sizeof(*dist));	/* distance + 1; 0: not met */
	next = xcalloc(h->nobj, sizeof(*next));
	queue = xmalloc(h->nobj * sizeof(*queue));
	dist[target] = 1;
	queue[tail++] = target;
	while (head < tail) {
		uint32_t y = queue[head];

		if (kinds[y]) {
			/* met when queued; costed here, once, with its distance and first hop known */
			uint32_t c = root_cost(h, kinds[y], dist[y] - 1, next[y]);
			size_t k = nbest < nb ? nbest++ : nb;

			if (k == nb && c < best[nb - 1])
				k = nb - 1;
			if (k < nb) {
				for (; k > 0 && best[k - 1] > c; k--)
					best[k] = best[k - 1];
				best[k] = c;
			}
		}
		/* what is not costed yet is as far as y or farther: a cost one less at least */
		if (nbest == max && best[max - 1] + 1 < dist[y] - 1)
			break;
		head++;
		for (uint64_t r = hg_heap_rfirst(h, y); r < hg_heap_rfirst(h, y + 1); r++) {
			uint32_t x = h->rsrc[r];

			/* the references that hold (and weak ones when asked): a chain exists when the object is alive */
			if (dist[x] || hg_heap_redge_kind(h, r) == HG_EDGE_POSSIBLE ||
			    (hg_heap_redge_kind(h, r) == HG_EDGE_WEAK && !weak))
				continue;
			dist[x] = dist[y] + 1;
			next[x] = (uint32_t)r;
			queue[tail++] = x;
		}
	}
	free(queue);
	free(best);
	free(kinds);

	cand = xmalloc((h->nroot ? h->nroot : 1) * sizeof(*cand));
	for (size_t r = 0; r < h->nroot; r++)
		if (dist[h->roots[r].obj] && h->roots[r].what != HG_RW_MEMORY) {
			cand[ncand].root = (uint32_t)r;
			cand[ncand].dist = dist[h->roots[r].obj] - 1;
			cand[ncand].tier = hg_root_tier(&h->roots[r]);
			/*
			 * A frame's globals or an interpreter dict reach what a module
			 * reaches one step later; a step of handicap lets the module
			 * (or the local variable) name the chain.
			 */
			cand[ncand].cost = cand[ncand].dist + (cand[ncand].tier == 1 || cand[ncand].tier == 2);
			/*
			 * A module's __dict__ and the entry in it read as one step: a global
			 * is as near as a frame local that holds the same dict (the
			 * run_globals of runpy, under python -m), and the module names it.
			 */
			if (h->roots[r].kind == HG_ROOT_MODULE && cand[ncand].dist >= 2 &&
			    via_dict(h, next[h->roots[r].obj]))
				cand[ncand].cost--;
			cand[ncand].module = h->roots[r].kind == HG_ROOT_MODULE;
			ncand++;
		}
	hg_sort(cand, ncand, sizeof(*cand), cmp_cand);
	*out = xcalloc(max < ncand ? max : (ncand ? ncand : 1), sizeof(**out));
	used = xcalloc(h->nobj, 1);
	for (size_t k = 0; k < ncand && found < max; k++) {
		uint32_t o = h->roots[cand[k].root].obj;
		struct hg_chain *c;

		/* chains must differ in their first hop: one per root object */
		if (used[o])
			continue;
		used[o] = 1;
		/* C roots only when nothing better reaches the target */
		if (cand[k].tier == 3 && found)
			break;
		c = &(*out)[found++];
		c->root = cand[k].root;
		c->len = (size_t)cand[k].dist + 1;
		c->obj = xmalloc(c->len * sizeof(*c->obj));
		c->edge = xmalloc(c->len * sizeof(*c->edge));
		c->edge[0] = UINT32_MAX;
		c->obj[0] = o;
		for (size_t s = 1; s < c->len; s++) {
			uint32_t e = edge_of(h, next[c->obj[s - 1]]);

			c->edge[s] = e;
			c->obj[s] = h->to[e];
		}
	}
	free(used);
	free(cand);
	free(dist);
	free(next);
	if (!found) {
		free(*out);
		*out = NULL;
	}
	return found;
}

void hg_chains_free(struct hg_chain *c, size_t n)
{
	for (size_t k = 0; c && k < n; k++) {
		free(c[k].obj);
		free(c[k].edge);
	}
	free(c);
}

void hg_path_step(struct strbuf *sb, enum hg_edge_role role, const char *label)
{
	switch (role) {
	case HG_REF_FIELD: case HG_REF_PYATTR: case HG_REF_DICT:
		strbuf_addch(sb, '.');
		break;
	case HG_REF_OTHER:
		/* words: "function closure 'x'", "frame local 'y'" */
		if (isalpha((unsigned char)label[0]))
			strbuf_addch(sb, ' ');
		break;
	default:
		break;
	}
	strbuf_addstr(sb, label);
}

char *hg_chain_path(const struct hg_heap *h, const struct hg_chain *c)
{
	struct strbuf sb;
	char lb[HG_LABEL_BUF];

	strbuf_init(&sb);
	strbuf_addstr(&sb, hg_heap_s(h, h->roots[c->root].name));
	for (size_t s = 1; s < c->len; s++) {
		uint32_t src = c->obj[s - 1];

		/* a very long chain reads as its first and last hops */
		if (c->len > 60 && s == 30) {
			strbuf_addf(&sb, " \xe2\x86\x92 \xe2\x80\xa6 %zu more hops \xe2\x80\xa6", c->len - 50);
			s = c->len - 20;
			continue;
		}
		strbuf_addstr(&sb, " \xe2\x86\x92 ");	/* → */
		/* the root object is named by the root; others by their type */
		if (s > 1)
			strbuf_addstr(&sb, hg_heap_type(h, src) < h->ntype ? hg_heap_s(h, h->types[hg_heap_type(h, src)].name) : "?");
		hg_path_step(&sb, hg_heap_edge_role(h, c->edge[s]), hg_heap_label(h, h->label[c->edge[s]], lb));
		/* an object's __dict__ and the entry in it read as one step: .__dict__['x'] */
		if (hg_heap_edge_role(h, c->edge[s]) == HG_REF_DICT && s + 1 < c->len) {
			s++;
			hg_path_step(&sb, hg_heap_edge_role(h, c->edge[s]), hg_heap_label(h, h->label[c->edge[s]], lb));
		}
	}
	return strbuf_detach(&sb);
}
