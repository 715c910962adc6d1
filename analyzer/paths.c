/*
 * paths.c - objects grouped by the shape of their shortest chain (see paths.h).
 */
#include <stdlib.h>
#include <string.h>
#include "paths.h"
#include "chain.h"
#include "../common/util.h"

#define INF UINT32_MAX

/* Shapes 0 and 1 are the groups without a chain. */
enum { SHAPE_GARBAGE, SHAPE_NO_CHAIN, SHAPE_FIRST };

/* The label of a wildcarded key or index, and of roots that only say "held". */
enum { L_WILD = UINT32_MAX - 3, L_OUTSIDE, L_IMMORTAL, L_C };
#define ROLE_ROOT 0xff

/*
 * A shape is a step added to its parent's shape: the edge's role and label
 * (or L_WILD) and the type of the object it leads to.  A root's shape has
 * no parent; its label is the root's name (or L_*) and root is an example.
 */
struct shape {
	uint32_t parent, label, type, root;
	uint8_t role;
};

#define ROOT_OF(p, x)	((p)->up[x])	/* when via[x] is HG_NONE */
#define FROM(p, x)	((p)->up[x])	/* when it is not */

struct hg_paths {
	const struct hg_heap *h;
	uint32_t *dist;		/* cost from the nearest root, INF: no chain */
	uint32_t *via;		/* the edge the chain arrives by, HG_NONE at a root object */
	/* where the chain comes from: the object the edge leaves, or at a root object the root
	 * (an index into h->roots): one array read through the two names below */
	uint32_t *up;
	uint32_t *shape_of;	/* memo, HG_NONE: not known yet */
	struct shape *shapes;
	size_t nshape, shape_alloc;
	uint32_t *table;	/* open addressing over shapes, HG_NONE: empty */
	size_t table_size;
	uint32_t *coarse;	/* memo of coarse_of, by shape; HG_NONE: not known yet */
	size_t coarse_alloc;
	int merge_names;	/* hg_paths_merge_names */
};

struct queue {
	uint32_t *v;
	size_t n, alloc;
};

static void push(struct queue *q, uint32_t x)
{
	HG_GROW(q->v, q->n + 1, q->alloc);
	q->v[q->n++] = x;
}

struct seed { uint32_t root, cost; int tier, module; };

static int cmp_seed(const void *a, const void *b)
{
	const struct seed *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->tier != y->tier)
		return x->tier - y->tier;
	if (x->module != y->module)
		return y->module - x->module;
	return x->root < y->root ? -1 : x->root > y->root;
}

/*
 * A search by levels of cost, from the roots of the given tiers, over the
 * references that hold.  Every step costs 1 but a module root's __dict__,
 * which costs nothing (a global reads as one step, as in chain); roots of
 * tiers 1 and 2 start at 1.  Costs start at base, above every cost an
 * earlier search gave, so that it never takes over what that one reached.
 */
static uint32_t search(struct hg_paths *p, int tier3, uint32_t base)
{
	const struct hg_heap *h = p->h;
	struct seed *seeds = xmalloc((h->nroot ? h->nroot : 1) * sizeof(*seeds));
	struct queue cur = { 0 }, next = { 0 }, tmp;
	size_t nseed = 0;
	uint32_t d = base, top = base;

	for (size_t r = 0; r < h->nroot; r++) {
		const struct hg_root *R = &h->roots[r];
		int t = hg_root_tier(R);

		if (R->what == HG_RW_MEMORY || R->obj >= h->nobj || (t == 3) != tier3)
			continue;
		seeds[nseed].root = (uint32_t)r;
		seeds[nseed].cost = t == 1 || t == 2;
		seeds[nseed].tier = t;
		seeds[nseed].module = R->kind == HG_ROOT_MODULE;
		nseed++;
	}
	hg_sort(seeds, nseed, sizeof(*seeds), cmp_seed);
	for (size_t k = 0; k < nseed; k++) {
		uint32_t o = h->roots[seeds[k].root].obj;

		if (p->dist[o] <= base + seeds[k].cost)
			continue;
		p->dist[o] = base + seeds[k].cost;
		p->via[o] = HG_NONE;
		ROOT_OF(p, o) = seeds[k].root;
		push(seeds[k].cost ? &next : &cur, o);
	}
	free(seeds);
	while (cur.n || next.n) {
		for (size_t k = 0; k < cur.n; k++) {
			uint32_t x = cur.v[k];
			int module = p->via[x] == HG_NONE && h->roots[ROOT_OF(p, x)].kind == HG_ROOT_MODULE;

			if (p->dist[x] != d)
				continue;	/* met again later at a lower cost */
			top = d;
			for (uint64_t e = hg_heap_first(h, x); e < hg_heap_first(h, x + 1); e++) {
				uint32_t y = h->to[e], c;

				if (!hg_heap_edge_holds(h, e) || y >= h->nobj)
					continue;
				c = module && hg_heap_edge_role(h, e) == HG_REF_DICT ? 0 : 1;
				if (p->dist[y] <= d + c)
					continue;
				p->dist[y] = d + c;
				p->via[y] = (uint32_t)e;
				FROM(p, y) = x;
				push(c ? &next : &cur, y);
			}
		}
		tmp = cur;
		cur = next;
		next = tmp;
		next.n = 0;
		d++;
	}
	free(cur.v);
	free(next.v);
	return top;
}

struct hg_paths *hg_paths_new(const struct hg_heap *h)
{
	struct hg_paths *p = xcalloc(1, sizeof(*p));
	size_t n = h->nobj ? h->nobj : 1;

	p->h = h;
	p->dist = xmalloc(n * sizeof(*p->dist));
	p->via = xmalloc(n * sizeof(*p->via));
	p->up = xmalloc(n * sizeof(*p->up));
	for (size_t i = 0; i < h->nobj; i++) {
		p->dist[i] = INF;
		p->via[i] = p->up[i] = HG_NONE;
	}
	/* what only a root that says "held" reaches comes after everything else */
	search(p, 1, search(p, 0, 0) + 2);
	return p;
}

void hg_paths_merge_names(struct hg_paths *p, int on)
{
	p->merge_names = on;
}

void hg_paths_free(struct hg_paths *p)
{
	if (!p)
		return;
	free(p->dist);
	free(p->via);
	free(p->up);
	free(p->shape_of);
	free(p->shapes);
	free(p->table);
	free(p->coarse);
	free(p);
}

static uint32_t hash_shape(const struct shape *s)
{
	uint64_t x = ((uint64_t)s->parent << 32 | s->label) * 0x9e3779b97f4a7c15ull;

	x ^= ((uint64_t)s->type << 8 | s->role) * 0xc2b2ae3d27d4eb4full;
	return (uint32_t)(x >> 32 ^ x);
}

static int same_shape(const struct shape *a, const struct shape *b)
{
	return a->parent == b->parent && a->label == b->label && a->type == b->type && a->role == b->role;
}

static uint32_t intern(struct hg_paths *p, const struct shape *s)
{
	size_t mask, k;

	if (2 * (p->nshape + 1) > p->table_size) {
		size_t size = p->table_size ? 2 * p->table_size : 1024;

		free(p->table);
		p->table = xmalloc(size * sizeof(*p->table));
		memset(p->table, 0xff, size * sizeof(*p->table));
		p->table_size = size;
		for (uint32_t i = SHAPE_FIRST; i < p->nshape; i++) {
			for (k = hash_shape(&p->shapes[i]) & (size - 1); p->table[k] != HG_NONE; k = (k + 1) & (size - 1))
				;
			p->table[k] = i;
		}
	}
	mask = p->table_size - 1;
	for (k = hash_shape(s) & mask; p->table[k] != HG_NONE; k = (k + 1) & mask)
		if (same_shape(&p->shapes[p->table[k]], s))
			return p->table[k];
	HG_GROW(p->shapes, p->nshape + 1, p->shape_alloc);
	p->shapes[p->nshape] = *s;
	p->table[k] = (uint32_t)p->nshape;
	return (uint32_t)p->nshape++;
}

/*
 * Does x keep names rather than entries: an instance's, a class's or a
 * module's __dict__, a frame's globals or locals, an interpreter dict
 * (builtins)?  Its keys are attribute and variable names, kept in shapes.
 */
static int is_namespace(const struct hg_paths *p, uint32_t x)
{
	const struct hg_root *R;

	if (p->via[x] != HG_NONE)
		return hg_heap_edge_role(p->h, p->via[x]) == HG_REF_DICT;
	R = &p->h->roots[ROOT_OF(p, x)];
	return (R->kind == HG_ROOT_FRAME && R->what == HG_RW_FRAME) ||
	       (R->kind == HG_ROOT_INTERPRETER && R->what == HG_RW_OTHER);
}

static uint32_t step_shape(struct hg_paths *p, uint32_t x)
{
	const struct hg_heap *h = p->h;
	struct shape s = { 0 };

	s.type = hg_heap_type(h, x);
	if (p->via[x] == HG_NONE) {
		const struct hg_root *R = &h->roots[ROOT_OF(p, x)];

		s.parent = HG_NONE;
		s.role = ROLE_ROOT;
		s.root = ROOT_OF(p, x);
		s.label = R->kind == HG_ROOT_OUTSIDE ? L_OUTSIDE : R->what == HG_RW_IMMORTAL ? L_IMMORTAL :
			  R->kind == HG_ROOT_C ? L_C : R->name;
	} else {
		uint32_t e = p->via[x], src = FROM(p, x);

		s.parent = p->shape_of[src];
		s.role = (uint8_t)hg_heap_edge_role(h, e);
		s.label = s.role == HG_REF_ITEM && !is_namespace(p, src) ? L_WILD : h->label[e];
	}
	return intern(p, &s);
}

static uint32_t shape_of(struct hg_paths *p, uint32_t x, struct queue *up)
{
	if (p->shape_of[x] != HG_NONE)
		return p->shape_of[x];
	if (p->dist[x] == INF)
		return p->shape_of[x] = p->h->flags[x] & HG_OBJ_REACHABLE ? SHAPE_NO_CHAIN : SHAPE_GARBAGE;
	/* up to the nearest object whose shape is known (or the root object), then down */
	up->n = 0;
	for (uint32_t y = x; p->shape_of[y] == HG_NONE; y = FROM(p, y)) {
		push(up, y);
		if (p->via[y] == HG_NONE)
			break;
	}
	while (up->n) {
		uint32_t y = up->v[--up->n];

		p->shape_of[y] = step_shape(p, y);
	}
	return p->shape_of[x];
}

/* Does a retain more than b (then shallow, then the lower address)? */
static int retains_more(const struct hg_heap *h, uint32_t a, uint32_t b)
{
	uint64_t ra = h->retained ? hg_heap_retained(h, a) : hg_heap_size(h, a), rb = h->retained ? hg_heap_retained(h, b) : hg_heap_size(h, b);

	if (ra != rb)
		return ra > rb;
	if (hg_heap_size(h, a) != hg_heap_size(h, b))
		return hg_heap_size(h, a) > hg_heap_size(h, b);
	return a < b;	/* objects are numbered in address order */
}

/*
 * The shape with the names of globals and attributes wildcarded too (MAT's
 * merge, which keeps no names): sys.modules['signal'] → .__dict__[*] → Signals.
 */
static uint32_t coarse_of(struct hg_paths *p, uint32_t shape)
{
	struct queue up = { 0 };
	uint32_t c = shape;

	if (shape < SHAPE_FIRST)
		return shape;
	for (uint32_t s = shape; s != HG_NONE; s = p->shapes[s].parent) {
		if (s < p->coarse_alloc && p->coarse[s] != HG_NONE)
			break;
		push(&up, s);
	}
	while (up.n) {
		uint32_t s = up.v[--up.n];
		struct shape t = p->shapes[s];

		if (t.role == ROLE_ROOT) {
			c = s;
		} else {
			t.parent = p->coarse[t.parent];
			if (t.role == HG_REF_ITEM)
				t.label = L_WILD;
			c = intern(p, &t);
		}
		if (p->coarse_alloc < p->nshape) {
			size_t old = p->coarse_alloc;

			p->coarse_alloc = p->nshape * 2;
			p->coarse = xrealloc(p->coarse, p->coarse_alloc * sizeof(*p->coarse));
			memset(p->coarse + old, 0xff, (p->coarse_alloc - old) * sizeof(*p->coarse));
		}
		p->coarse[s] = c;
	}
	free(up.v);
	return shape < p->coarse_alloc ? p->coarse[shape] : c;
}

/*
 * Groups of one object that differ from two others or more only in names
 * (the members of an enum, a module's functions) become one group under
 * their coarse shape.  g[0..ng) is compacted; map[k] gets the new index of
 * group k.  Returns the new number of groups.
 */
static size_t merge_singletons(struct hg_paths *p, struct hg_path_group *g, size_t ng, uint32_t *map)
{
	uint32_t *coarse = xmalloc((ng ? ng : 1) * sizeof(*coarse)), *nsingle, *at;
	size_t m = 0;

	for (size_t k = 0; k < ng; k++)
		coarse[k] = g[k].count == 1 ? coarse_of(p, g[k].shape) : HG_NONE;
	nsingle = xcalloc(p->nshape, sizeof(*nsingle));
	at = xmalloc(p->nshape * sizeof(*at));
	memset(at, 0xff, p->nshape * sizeof(*at));
	for (size_t k = 0; k < ng; k++)
		if (coarse[k] != HG_NONE)
			nsingle[coarse[k]]++;
	for (size_t k = 0; k < ng; k++) {
		uint32_t c = coarse[k];

		if (c == HG_NONE || nsingle[c] < 3) {
			g[m] = g[k];
			map[k] = (uint32_t)m++;
		} else if (at[c] == HG_NONE) {
			g[m] = g[k];
			g[m].shape = c;
			at[c] = (uint32_t)m;
			map[k] = (uint32_t)m++;
		} else {
			struct hg_path_group *G = &g[at[c]];

			G->count += g[k].count;
			G->shallow += g[k].shallow;
			G->retained += g[k].retained;
			if (retains_more(p->h, g[k].example, G->example))
				G->example = g[k].example;
			map[k] = at[c];
		}
	}
	free(at);
	free(nsingle);
	free(coarse);
	return m;
}

static const struct hg_path_group *sort_g;

static int cmp_group(const void *a, const void *b)
{
	const struct hg_path_group *x = &sort_g[*(const uint32_t *)a], *y = &sort_g[*(const uint32_t *)b];

	if (x->shallow != y->shallow)
		return x->shallow < y->shallow ? 1 : -1;
	if (x->retained != y->retained)
		return x->retained < y->retained ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->shape < y->shape ? -1 : x->shape > y->shape;
}


/*
 * Each member's share of what the members retain: its retained size less
 * that of the members it dominates with no other member between (their
 * bytes are their own shares).  Every byte the members retain is counted
 * once, for the nearest member above it in the dominator tree, so the
 * shares add up to what the members dominate.  The nearest
 * member above each object passed is remembered: a walk up the tree is
 * linear over all members.
 */
static uint64_t *shares(const struct hg_heap *h, const uint32_t *objs, size_t n)
{
	uint64_t *share = xmalloc((n ? n : 1) * sizeof(*share));
	uint32_t *member, *above;	/* member: k + 1 for objs[k]; above: nearest member + 1, 0 none, UNKNOWN */
	struct queue walk = { 0 };
	const uint32_t unknown = UINT32_MAX;

	for (size_t k = 0; k < n; k++)
		share[k] = h->retained ? hg_heap_retained(h, objs[k]) : hg_heap_size(h, objs[k]);
	if (!h->idom || !h->retained)
		return share;
	member = xcalloc(h->nobj ? h->nobj : 1, sizeof(*member));
	above = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*above));
	memset(above, 0xff, (h->nobj ? h->nobj : 1) * sizeof(*above));
	for (size_t k = 0; k < n; k++)
		member[objs[k]] = (uint32_t)k + 1;
	for (size_t k = 0; k < n; k++) {
		uint32_t v = h->idom[objs[k]], ans = 0;

		walk.n = 0;
		for (; v != HG_NONE && v < h->nobj; v = h->idom[v]) {
			if (member[v]) {
				ans = member[v];
				break;
			}
			if (above[v] != unknown) {
				ans = above[v];
				break;
			}
			push(&walk, v);
			if (walk.n > h->nobj)
				break;	/* not a tree: a damaged index cannot loop here */
		}
		while (walk.n)
			above[walk.v[--walk.n]] = ans;
		if (ans && ans - 1 != k)
			share[ans - 1] -= share[ans - 1] >= hg_heap_retained(h, objs[k]) ? hg_heap_retained(h, objs[k]) : share[ans - 1];
	}
	free(walk.v);
	free(above);
	free(member);
	return share;
}

size_t hg_paths_group(struct hg_paths *p, const uint32_t *objs, size_t n, uint32_t *group_of,
		      struct hg_path_group **out)
{
	const struct hg_heap *h = p->h;
	struct hg_path_group *g = NULL;
	uint32_t *gidx, *order, *rank;
	uint64_t *share;
	struct queue up = { 0 };
	size_t ng = 0, galloc = 0;

	if (!p->shape_of) {
		p->shape_of = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*p->shape_of));
		memset(p->shape_of, 0xff, (h->nobj ? h->nobj : 1) * sizeof(*p->shape_of));
		p->nshape = SHAPE_FIRST;
		HG_GROW(p->shapes, SHAPE_FIRST, p->shape_alloc);
		memset(p->shapes, 0, SHAPE_FIRST * sizeof(*p->shapes));
	}
	for (size_t k = 0; k < n; k++)
		shape_of(p, objs[k], &up);
	free(up.v);
	gidx = xmalloc(p->nshape * sizeof(*gidx));
	memset(gidx, 0xff, p->nshape * sizeof(*gidx));
	share = shares(h, objs, n);
	for (size_t k = 0; k < n; k++) {
		uint32_t x = objs[k], s = p->shape_of[x];
		struct hg_path_group *G;

		if (gidx[s] == HG_NONE) {
			HG_GROW(g, ng + 1, galloc);
			memset(&g[ng], 0, sizeof(*g));
			g[ng].shape = s;
			g[ng].example = x;
			gidx[s] = (uint32_t)ng++;
		}
		G = &g[gidx[s]];
		G->count++;
		G->shallow += hg_heap_size(h, x);
		G->retained += share[k];
		if (retains_more(h, x, G->example))
			G->example = x;
		if (group_of)
			group_of[k] = gidx[s];
	}
	free(share);
	free(gidx);
	if (p->merge_names) {
		uint32_t *map = xmalloc((ng ? ng : 1) * sizeof(*map));

		ng = merge_singletons(p, g, ng, map);
		if (group_of)
			for (size_t k = 0; k < n; k++)
				group_of[k] = map[group_of[k]];
		free(map);
	}
	/* largest first; group_of follows the new order */
	order = xmalloc((ng ? ng : 1) * sizeof(*order));
	rank = xmalloc((ng ? ng : 1) * sizeof(*rank));
	for (size_t k = 0; k < ng; k++)
		order[k] = (uint32_t)k;
	sort_g = g;
	hg_sort(order, ng, sizeof(*order), cmp_group);
	for (size_t k = 0; k < ng; k++)
		rank[order[k]] = (uint32_t)k;
	if (group_of)
		for (size_t k = 0; k < n; k++)
			group_of[k] = rank[group_of[k]];
	*out = xmalloc((ng ? ng : 1) * sizeof(**out));
	for (size_t k = 0; k < ng; k++)
		(*out)[k] = g[order[k]];
	free(order);
	free(rank);
	free(g);
	return ng;
}

static int cmp_bytes(const void *a, const void *b)
{
	const struct hg_path_group *x = a, *y = b;

	if (x->shallow != y->shallow)
		return x->shallow < y->shallow ? 1 : -1;
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return x->shape < y->shape ? -1 : x->shape > y->shape;
}

size_t hg_paths_group_marked(struct hg_paths *p, const uint8_t *mark, struct hg_path_group **out)
{
	const struct hg_heap *h = p->h;
	uint32_t *top = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*top));	/* first marked on the chain, or HG_NONE */
	uint32_t *heads = NULL, *group_of, *head_group, *size_of;
	uint8_t *known = xcalloc(h->nobj ? h->nobj : 1, 1);
	struct queue up = { 0 };
	size_t nheads = 0, alloc = 0, ng;
	struct hg_path_group *g;

	/* top[x], up the chain to an object whose answer is known, then down again */
	for (size_t i = 0; i < h->nobj; i++) {
		uint32_t y = (uint32_t)i, above = HG_NONE;

		if (!mark[i] || known[i])
			continue;
		up.n = 0;
		for (;;) {
			if (known[y]) {
				above = top[y];
				break;
			}
			push(&up, y);
			if (p->dist[y] == INF || p->via[y] == HG_NONE)
				break;
			y = FROM(p, y);
		}
		while (up.n) {
			y = up.v[--up.n];
			if (above == HG_NONE && mark[y])
				above = y;
			top[y] = above;
			known[y] = 1;
		}
	}
	free(up.v);
	for (size_t i = 0; i < h->nobj; i++)
		if (mark[i] && top[i] == i) {
			HG_GROW(heads, nheads + 1, alloc);
			heads[nheads++] = (uint32_t)i;
		}
	group_of = xmalloc((nheads ? nheads : 1) * sizeof(*group_of));
	ng = hg_paths_group(p, heads, nheads, group_of, &g);
	/* what each head takes in: itself and the marked objects below it */
	head_group = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*head_group));
	size_of = xcalloc(h->nobj ? h->nobj : 1, sizeof(*size_of));
	for (size_t k = 0; k < nheads; k++)
		head_group[heads[k]] = group_of[k];
	for (size_t k = 0; k < ng; k++)
		g[k].count = g[k].shallow = g[k].retained = 0;
	for (size_t i = 0; i < h->nobj; i++)
		if (mark[i]) {
			struct hg_path_group *G = &g[head_group[top[i]]];

			G->count++;
			G->shallow += hg_heap_size(h, i);
			size_of[top[i]]++;
		}
	/* the example: the head taking in most (then the lowest index) */
	for (size_t k = 0; k < ng; k++)
		g[k].example = HG_NONE;
	for (size_t k = 0; k < nheads; k++) {
		struct hg_path_group *G = &g[group_of[k]];

		if (G->example == HG_NONE || size_of[heads[k]] > size_of[G->example])
			G->example = heads[k];
	}
	hg_sort(g, ng, sizeof(*g), cmp_bytes);
	free(size_of);
	free(head_group);
	free(group_of);
	free(heads);
	free(known);
	free(top);
	*out = g;
	return ng;
}

static const char *type_name(const struct hg_heap *h, uint32_t t)
{
	return t < h->ntype ? hg_heap_s(h, h->types[t].name) : "?";
}

char *hg_paths_name(const struct hg_paths *p, uint32_t shape)
{
	const struct hg_heap *h = p->h;
	struct strbuf sb;
	char lb[HG_LABEL_BUF];
	uint32_t *steps = NULL, len = 0;
	size_t alloc = 0;

	if (shape == SHAPE_GARBAGE)
		return xstrdup("unreachable: gc.collect() would free them");
	if (shape == SHAPE_NO_CHAIN || shape >= p->nshape)
		return xstrdup("alive, but no chain of strong references from a root");
	for (uint32_t s = shape; s != HG_NONE && len <= p->nshape; s = p->shapes[s].parent) {
		HG_GROW(steps, len + 1, alloc);
		steps[len++] = s;
	}
	strbuf_init(&sb);
	for (uint32_t k = len; k-- > 0;) {
		const struct shape *S = &p->shapes[steps[k]];
		uint32_t s = len - 1 - k;	/* hops from the root object */

		if (S->role == ROLE_ROOT) {
			strbuf_addstr(&sb, S->label == L_OUTSIDE ? "held from outside the heap" :
					   S->label == L_IMMORTAL ? "immortal object" :
					   S->label == L_C ? "C memory" : hg_heap_s(h, S->label));
			continue;
		}
		/* a very long chain reads as its first and last hops */
		if (len > 60 && s == 30) {
			strbuf_addf(&sb, " \xe2\x86\x92 \xe2\x80\xa6 %u more hops \xe2\x80\xa6", len - 50);
			k = 20;
			continue;
		}
		strbuf_addstr(&sb, " \xe2\x86\x92 ");
		if (s > 1)
			strbuf_addstr(&sb, type_name(h, p->shapes[steps[k + 1]].type));
		hg_path_step(&sb, (enum hg_edge_role)S->role, S->label == L_WILD ? "[*]" : hg_heap_label(h, S->label, lb));
		/* an object's __dict__ and the entry in it read as one step, as in chain */
		if (S->role == HG_REF_DICT && k > 0) {
			k--;
			S = &p->shapes[steps[k]];
			hg_path_step(&sb, (enum hg_edge_role)S->role, S->label == L_WILD ? "[*]" : hg_heap_label(h, S->label, lb));
		}
	}
	if (len > 1)
		strbuf_addf(&sb, " \xe2\x86\x92 %s", type_name(h, p->shapes[shape].type));
	free(steps);
	return strbuf_detach(&sb);
}
