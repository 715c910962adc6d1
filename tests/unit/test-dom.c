/*
 * test-dom.c - dominators and retained sizes against brute force on random
 * graphs (d dominates v when v cannot be reached from the roots without
 * d; v retains what it dominates), weak edges that never retain, objects no
 * root reaches, a million-long chain (no recursion), and MAT's minimum
 * retained size of a type; leak suspects (MAT's accumulation point and
 * containers of many objects of one type).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../analyzer/dom.h"
#include "../../analyzer/heap.h"
#include "../../analyzer/suspects.h"

struct edge { uint32_t a, b; int weak; };

static void build(struct hg_heap *h, uint32_t n, const struct edge *e, size_t ne, const uint32_t *roots, size_t nr,
		  const uint64_t *sizes, const uint32_t *types, uint32_t ntypes)
{
	hg_heap_init(h);
	for (uint32_t t = 0; t < ntypes; t++)
		hg_heap_add_type(h, 0x100000 + 16 * t, HG_NONE);
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_add_object(h, 0x1000000 + 16 * (uint64_t)i, types ? types[i] : 0);
		h->size[i] = sizes[i];
	}
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_begin_edges(h, i);
		for (size_t k = 0; k < ne; k++)
			if (e[k].a == i)
				hg_heap_add_edge(h, e[k].b, 0, e[k].weak ? HG_EDGE_WEAK : HG_EDGE_STRONG, HG_REF_OTHER);
	}
	hg_heap_finish(h);
	for (size_t r = 0; r < nr; r++)
		hg_heap_add_root(h, HG_ROOT_MODULE, HG_RW_MODULE, 0, roots[r]);
	hg_heap_mark(h);
	hg_heap_drop_build(h);
}

/* Which objects the roots reach through strong edges, never entering object skip. */
static void reach(const struct hg_heap *h, uint32_t skip, uint8_t *seen, uint32_t *queue)
{
	size_t head = 0, tail = 0;

	memset(seen, 0, h->nobj);
	for (size_t r = 0; r < h->nroot; r++) {
		uint32_t o = h->roots[r].obj;

		if (o != skip && !seen[o]) {
			seen[o] = 1;
			queue[tail++] = o;
		}
	}
	while (head < tail) {
		uint32_t v = queue[head++];

		for (uint64_t e = h->first[v]; e < h->first[v + 1]; e++) {
			uint32_t t = h->to[e];

			if (hg_heap_edge_kind(h, e) == HG_EDGE_WEAK || t == skip || seen[t])
				continue;
			seen[t] = 1;
			queue[tail++] = t;
		}
	}
}

TEST(random_graphs_against_brute_force)
{
	unsigned seed = 12345;
	int bad_idom = 0, bad_ret = 0, checked = 0;

	for (int trial = 0; trial < 300; trial++) {
		uint32_t n = 2 + (uint32_t)(rand_r(&seed) % 40), nr = 1 + (uint32_t)(rand_r(&seed) % 3);
		size_t ne = (size_t)(rand_r(&seed) % (3 * n));
		struct edge *e = malloc((ne + 1) * sizeof(*e));
		uint32_t roots[3], *queue = malloc(n * sizeof(*queue));
		uint64_t *sizes = malloc(n * sizeof(*sizes));
		uint8_t *all = malloc(n), *without = malloc(n);
		uint8_t *dom = malloc((size_t)n * n);	/* dom[d * n + v]: d dominates v */
		struct hg_heap h;

		for (size_t k = 0; k < ne; k++) {
			e[k].a = (uint32_t)rand_r(&seed) % n;
			e[k].b = (uint32_t)rand_r(&seed) % n;
			e[k].weak = rand_r(&seed) % 7 == 0;
		}
		for (uint32_t r = 0; r < nr; r++)
			roots[r] = (uint32_t)rand_r(&seed) % n;
		for (uint32_t i = 0; i < n; i++)
			sizes[i] = 1 + (uint64_t)(rand_r(&seed) % 100);
		build(&h, n, e, ne, roots, nr, sizes, NULL, 1);
		if (!CHECK_EQ_INT(hg_dom_compute(&h), 0))
			break;
		reach(&h, HG_NONE, all, queue);
		for (uint32_t d = 0; d < n; d++) {
			reach(&h, d, without, queue);
			for (uint32_t v = 0; v < n; v++)
				dom[(size_t)d * n + v] = all[v] && (v == d || !without[v]);
		}
		for (uint32_t v = 0; v < n; v++) {
			uint32_t want = HG_NONE;
			uint64_t ret = 0;

			if (!all[v])
				continue;
			checked++;
			/* the immediate dominator: the strict dominator every other strict dominator dominates */
			for (uint32_t d = 0; d < n; d++) {
				int imm = d != v && dom[(size_t)d * n + v];

				for (uint32_t x = 0; x < n && imm; x++)
					if (x != v && x != d && dom[(size_t)x * n + v] && !dom[(size_t)x * n + d])
						imm = 0;
				if (imm)
					want = d;
			}
			for (uint32_t w = 0; w < n; w++)
				if (dom[(size_t)v * n + w])
					ret += sizes[w];
			bad_idom += h.idom[v] != want;
			bad_ret += h.retained[v] != ret;
		}
		/* every object, reached or not, retains at least itself */
		for (uint32_t v = 0; v < n; v++)
			bad_ret += h.retained[v] < sizes[v];
		hg_heap_release(&h);
		free(e); free(queue); free(sizes); free(all); free(without); free(dom);
	}
	CHECK(checked > 1000);
	CHECK_EQ_INT(bad_idom, 0);
	CHECK_EQ_INT(bad_ret, 0);
}

TEST(weak_edges_and_unreached_objects)
{
	/* root 0 -> 1 -> 2, 0 -weak-> 3, 3 -> 4; 5 <-> 6 a cycle nothing reaches */
	static const struct edge e[] = { { 0, 1, 0 }, { 1, 2, 0 }, { 0, 3, 1 }, { 3, 4, 0 }, { 5, 6, 0 }, { 6, 5, 0 } };
	static const uint32_t roots[] = { 0 };
	static const uint64_t sizes[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	struct hg_heap h;

	build(&h, 7, e, 6, roots, 1, sizes, NULL, 1);
	CHECK_EQ_INT(hg_dom_compute(&h), 0);
	CHECK_EQ_INT(h.idom[0], HG_NONE);
	CHECK_EQ_INT(h.idom[2], 1);
	CHECK_EQ_INT(h.retained[0], 111);	/* the weakly held 3 is not retained */
	CHECK_EQ_INT(h.idom[3], HG_NONE);	/* held only weakly: under the virtual root */
	CHECK_EQ_INT(h.retained[3], 11000);
	CHECK_EQ_INT(h.idom[5], HG_NONE);	/* the unreached cycle hangs from the virtual root */
	CHECK_EQ_INT(h.idom[6], 5);
	CHECK_EQ_INT(h.retained[5], 1100000);
	hg_heap_release(&h);
}

TEST(long_chain)
{
	uint32_t n = 1000000, root = 0;
	struct edge *e = malloc((n - 1) * sizeof(*e));
	uint64_t *sizes = malloc(n * sizeof(*sizes));
	struct hg_heap h;

	for (uint32_t i = 0; i + 1 < n; i++) {
		e[i].a = i;
		e[i].b = i + 1;
		e[i].weak = 0;
	}
	for (uint32_t i = 0; i < n; i++)
		sizes[i] = 1;
	hg_heap_init(&h);
	hg_heap_add_type(&h, 0x100000, HG_NONE);
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_add_object(&h, 0x1000000 + 16 * (uint64_t)i, 0);
		h.size[i] = 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_begin_edges(&h, i);
		if (i + 1 < n)
			hg_heap_add_edge(&h, i + 1, 0, HG_EDGE_STRONG, HG_REF_OTHER);
	}
	hg_heap_finish(&h);
	hg_heap_add_root(&h, HG_ROOT_MODULE, HG_RW_MODULE, 0, root);
	hg_heap_drop_build(&h);
	CHECK_EQ_INT(hg_dom_compute(&h), 0);
	CHECK_EQ_INT(h.retained[0], n);
	CHECK_EQ_INT(h.retained[n / 2], n - n / 2);
	CHECK_EQ_INT(h.idom[n - 1], n - 2);
	hg_heap_release(&h);
	free(e);
	free(sizes);
}

TEST(minimum_retained_of_a_type)
{
	/* root 0 -> A1 -> A2 -> b3; 0 -> A4; 0 -> b5: type A retains A1's subtree once and A4 */
	static const struct edge e[] = { { 0, 1, 0 }, { 1, 2, 0 }, { 2, 3, 0 }, { 0, 4, 0 }, { 0, 5, 0 } };
	static const uint32_t roots[] = { 0 }, types[] = { 0, 1, 1, 2, 1, 2 };
	static const uint64_t sizes[] = { 1, 10, 100, 1000, 10000, 100000 };
	uint64_t out[3];
	struct hg_heap h;

	build(&h, 6, e, 5, roots, 1, sizes, types, 3);
	CHECK_EQ_INT(hg_dom_compute(&h), 0);
	hg_dom_type_retained(&h, out);
	CHECK_EQ_INT(out[0], 111111);
	CHECK_EQ_INT(out[1], 1110 + 10000);
	CHECK_EQ_INT(out[2], 101000);
	hg_heap_release(&h);
}

/*
 * Module 0 -> dict 1 -> list 2 -> 600 items of type 1 (3..602); dict 1 ->
 * 603 (a big string); list 604 -> 300 of type 1 and 300 of type 2
 * (605..1204), a second root.  MAT's rule starts from 0 (it retains most of
 * the heap), passes dict 1 (its child 2 keeps more than 80%) and stops at
 * list 2, whose items each retain little; list 604 holds 600 items but no
 * type is 500 of them: not a suspect.
 */
TEST(leak_suspects)
{
	uint32_t n = 1205, types[1205], roots[] = { 0, 604 };
	uint64_t sizes[1205], total = 0;
	struct edge *e = malloc(n * sizeof(*e));
	size_t ne = 0;
	struct hg_suspect s[4];
	uint64_t ex[3];
	struct hg_heap h;

	for (uint32_t i = 0; i < n; i++) {
		types[i] = 0;
		sizes[i] = 100;
	}
	e[ne++] = (struct edge){ 0, 1, 0 };
	e[ne++] = (struct edge){ 1, 2, 0 };
	e[ne++] = (struct edge){ 1, 603, 0 };
	sizes[603] = 2000;
	for (uint32_t i = 3; i < 603; i++) {
		e[ne++] = (struct edge){ 2, i, 0 };
		types[i] = 1;
		sizes[i] = 200;
	}
	for (uint32_t i = 605; i < n; i++) {
		e[ne++] = (struct edge){ 604, i, 0 };
		types[i] = i < 905 ? 1 : 2;
		sizes[i] = 10;
	}
	for (uint32_t i = 0; i < n; i++)
		total += sizes[i];
	build(&h, n, e, ne, roots, 2, sizes, types, 3);
	CHECK_EQ_INT(hg_dom_compute(&h), 0);
	CHECK_EQ_INT(hg_suspects(&h, total, s, 4), 1);
	CHECK_EQ_INT(s[0].obj, 2);
	CHECK_EQ_INT(s[0].from, 0);
	CHECK_EQ_INT(s[0].rule, HG_SUSPECT_BIG);
	CHECK_EQ_INT(s[0].type, 1);
	CHECK_EQ_INT(s[0].count, 600);
	CHECK_EQ_INT(s[0].items, 600);
	CHECK_EQ_INT(hg_suspect_examples(&h, 2, 1, ex, 3), 3);
	CHECK_EQ_INT(h.to[ex[0]], 3);
	CHECK_EQ_INT(h.to[ex[2]], 5);
	/* with the big string heavier, the dict is where the memory spreads out */
	hg_heap_release(&h);
	sizes[603] = 40000;
	total += 38000;
	build(&h, n, e, ne, roots, 2, sizes, types, 3);
	CHECK_EQ_INT(hg_dom_compute(&h), 0);
	CHECK_EQ_INT(hg_suspects(&h, total, s, 4), 2);
	CHECK_EQ_INT(s[0].obj, 1);
	CHECK_EQ_INT(s[0].rule, HG_SUSPECT_BIG);
	/* the list is still a container of 600 of one type */
	CHECK_EQ_INT(s[1].obj, 2);
	CHECK_EQ_INT(s[1].rule, HG_SUSPECT_CONTAINER);
	hg_heap_release(&h);
	free(e);
}

int main(void)
{
	RUN(random_graphs_against_brute_force);
	RUN(weak_edges_and_unreached_objects);
	RUN(long_chain);
	RUN(minimum_retained_of_a_type);
	RUN(leak_suspects);
	return UNIT_DONE();
}
