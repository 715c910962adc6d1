/*
 * test-dom.c - dominators and retained sizes against brute force on random
 * graphs (d dominates v when v cannot be reached from the roots without
 * d; v retains what it dominates), weak edges that never retain, objects no
 * root reaches, a million-long chain (no recursion), and MAT's minimum
 * retained size of a type; leak suspects (MAT's accumulation point and
 * containers of many objects of one type); objects grouped by the shape of
 * their chains (paths.h), each group's share of what the set retains.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../analyzer/dom.h"
#include "../../analyzer/heap.h"
#include "../../analyzer/paths.h"
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
		hg_heap_set_size(h, i, sizes[i]);
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

		for (uint64_t e = hg_heap_first(h, v); e < hg_heap_first(h, v + 1); e++) {
			uint32_t t = h->to[e];

			if (hg_heap_edge_kind(h, e) == HG_EDGE_WEAK || t == skip || seen[t])
				continue;
			seen[t] = 1;
			queue[tail++] = t;
		}
	}
}

/* A random heap of n objects: the ne edges (one in seven weak), nr roots and sizes of 1 to 100 drawn here. */
static void random_heap(unsigned *seed, struct hg_heap *h, uint32_t n, struct edge *e, size_t ne, uint32_t *roots,
			uint32_t nr, uint64_t *sizes)
{
	for (size_t k = 0; k < ne; k++) {
		e[k].a = (uint32_t)rand_r(seed) % n;
		e[k].b = (uint32_t)rand_r(seed) % n;
		e[k].weak = rand_r(seed) % 7 == 0;
	}
	for (uint32_t r = 0; r < nr; r++)
		roots[r] = (uint32_t)rand_r(seed) % n;
	for (uint32_t i = 0; i < n; i++)
		sizes[i] = 1 + (uint64_t)(rand_r(seed) % 100);
	build(h, n, e, ne, roots, nr, sizes, NULL, 1);
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

		random_heap(&seed, &h, n, e, ne, roots, nr, sizes);
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
			bad_ret += hg_heap_retained(&h, v) != ret;
		}
		/* every object, reached or not, retains at least itself */
		for (uint32_t v = 0; v < n; v++)
			bad_ret += hg_heap_retained(&h, v) < sizes[v];
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
	CHECK_EQ_INT(hg_heap_retained(&h, 0), 111);	/* the weakly held 3 is not retained */
	CHECK_EQ_INT(h.idom[3], HG_NONE);	/* held only weakly: under the virtual root */
	CHECK_EQ_INT(hg_heap_retained(&h, 3), 11000);
	CHECK_EQ_INT(h.idom[5], HG_NONE);	/* the unreached cycle hangs from the virtual root */
	CHECK_EQ_INT(h.idom[6], 5);
	CHECK_EQ_INT(hg_heap_retained(&h, 5), 1100000);
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
		hg_heap_set_size(&h, i, 1);
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
	CHECK_EQ_INT(hg_heap_retained(&h, 0), n);
	CHECK_EQ_INT(hg_heap_retained(&h, n / 2), n - n / 2);
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

TEST(path_groups_share_what_the_set_retains)
{
	unsigned seed = 777;

	for (int trial = 0; trial < 300; trial++) {
		uint32_t n = 2 + (uint32_t)(rand_r(&seed) % 40), nr = 1 + (uint32_t)(rand_r(&seed) % 3);
		size_t ne = (size_t)(rand_r(&seed) % (3 * n)), nm = 0, ng;
		struct edge *e = malloc((ne + 1) * sizeof(*e));
		uint32_t roots[3], *queue = malloc(n * sizeof(*queue)), *members = malloc(n * sizeof(*members));
		uint32_t *group_of = malloc(n * sizeof(*group_of));
		uint64_t *sizes = malloc(n * sizeof(*sizes)), want = 0, got = 0, count = 0, own = 0;
		uint8_t *all = malloc(n), *without = malloc(n), *in_set = calloc(n, 1), *dominated = malloc(n);
		struct hg_path_group *g;
		struct hg_paths *p;
		struct hg_heap h;

		random_heap(&seed, &h, n, e, ne, roots, nr, sizes);
		if (!CHECK_EQ_INT(hg_dom_compute(&h), 0))
			break;
		/* members among the live objects (garbage is path_groups_by_shape's) */
		reach(&h, HG_NONE, all, queue);
		for (uint32_t i = 0; i < n; i++)
			if (all[i] && rand_r(&seed) % 3 == 0) {
				in_set[i] = 1;
				members[nm++] = i;
			}
		/* what some member dominates: the objects the roots reach no more without it */
		memset(dominated, 0, n);
		for (size_t k = 0; k < nm; k++) {
			reach(&h, members[k], without, queue);
			for (uint32_t v = 0; v < n; v++)
				dominated[v] |= all[v] && !without[v];
		}
		for (uint32_t v = 0; v < n; v++)
			if (dominated[v])
				want += sizes[v];
		p = hg_paths_new(&h);
		ng = hg_paths_group(p, members, nm, group_of, &g);
		for (size_t k = 0; k < nm; k++)
			own += sizes[members[k]];
		for (size_t k = 0; k < ng; k++) {
			got += g[k].retained;
			count += g[k].count;
			own -= g[k].shallow;
			if (k)
				CHECK(g[k - 1].shallow >= g[k].shallow);
		}
		CHECK_EQ_INT(count, nm);
		CHECK_EQ_INT(own, 0);
		/*
		 * Edges unlabeled, one type, roots of one name: a chain's shape is
		 * its length, so members are grouped by their distance from the roots.
		 */
		{
			uint32_t *dist = malloc(n * sizeof(*dist));
			size_t head = 0, tail = 0;

			memset(dist, 0xff, n * sizeof(*dist));
			for (uint32_t r = 0; r < nr; r++)
				if (dist[roots[r]] == UINT32_MAX) {
					dist[roots[r]] = 0;
					queue[tail++] = roots[r];
				}
			while (head < tail) {
				uint32_t v = queue[head++];

				for (uint64_t x = hg_heap_first(&h, v); x < hg_heap_first(&h, v + 1); x++)
					if (hg_heap_edge_kind(&h, x) != HG_EDGE_WEAK && dist[h.to[x]] == UINT32_MAX) {
						dist[h.to[x]] = dist[v] + 1;
						queue[tail++] = h.to[x];
					}
			}
			for (size_t a = 0; a < nm; a++)
				for (size_t b = 0; b < nm; b++)
					CHECK((group_of[a] == group_of[b]) == (dist[members[a]] == dist[members[b]]));
			free(dist);
		}
		if (!CHECK_EQ_INT(got, want))
			fprintf(stderr, "  trial %d: %zu members in %zu groups\n", trial, nm, ng);
		free(g);
		hg_paths_free(p);
		hg_heap_release(&h);
		free(e); free(queue); free(members); free(group_of); free(sizes); free(all); free(without); free(in_set); free(dominated);
	}
}

/* One labeled edge for path_groups_by_shape. */
static void add(struct hg_heap *h, uint32_t to, const char *label, enum hg_edge_role role)
{
	hg_heap_add_edge(h, to, hg_heap_cstr(h, label), HG_EDGE_STRONG, role);
}

/*
 * A module's globals hold a list of 100 small dicts, a dict of 20 dicts by
 * token and an instance whose __dict__ holds 30 more in a list; 5 dicts are
 * garbage.  The groups are those, with the names of globals and attributes
 * kept and keys and indexes merged.
 */
TEST(path_groups_by_shape)
{
	enum { MOD, GLOBALS, AUDIT, SESSIONS, INST, INST_DICT, INST_LIST, FIRST };
	uint32_t n = FIRST + 100 + 20 + 30 + 5, dict = 0, list = 1, module = 2, cls = 3, members[200];
	size_t nm = 0, ng;
	struct hg_path_group *g;
	struct hg_paths *p;
	struct hg_heap h;
	char lbl[32], *name;

	hg_heap_init(&h);
	hg_heap_add_type(&h, 0x100000, HG_NONE);
	hg_heap_add_type(&h, 0x100010, HG_NONE);
	hg_heap_add_type(&h, 0x100020, HG_NONE);
	hg_heap_add_type(&h, 0x100030, HG_NONE);
	h.types[dict].name = hg_heap_cstr(&h, "dict");
	h.types[list].name = hg_heap_cstr(&h, "list");
	h.types[module].name = hg_heap_cstr(&h, "module");
	h.types[cls].name = hg_heap_cstr(&h, "Trail");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = i == MOD ? module : i == AUDIT || i == INST_LIST ? list : i == INST ? cls : dict;

		hg_heap_add_object(&h, 0x1000000 + 64 * (uint64_t)i, t);
		hg_heap_set_size(&h, i, i < FIRST ? 1000 : 100 + i);
	}
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_begin_edges(&h, i);
		if (i == MOD)
			add(&h, GLOBALS, "__dict__", HG_REF_DICT);
		if (i == GLOBALS) {
			add(&h, AUDIT, "['audit']", HG_REF_ITEM);
			add(&h, SESSIONS, "['sessions']", HG_REF_ITEM);
			add(&h, INST, "['trail']", HG_REF_ITEM);
		}
		if (i == INST)
			add(&h, INST_DICT, "__dict__", HG_REF_DICT);
		if (i == INST_DICT)
			add(&h, INST_LIST, "['entries']", HG_REF_ITEM);
		for (uint32_t k = 0; k < 100 && i == AUDIT; k++) {
			snprintf(lbl, sizeof(lbl), "[%u]", k);
			add(&h, FIRST + k, lbl, HG_REF_ITEM);
		}
		for (uint32_t k = 0; k < 20 && i == SESSIONS; k++) {
			snprintf(lbl, sizeof(lbl), "['tok-%u']", k);
			add(&h, FIRST + 100 + k, lbl, HG_REF_ITEM);
		}
		for (uint32_t k = 0; k < 30 && i == INST_LIST; k++) {
			snprintf(lbl, sizeof(lbl), "[%u]", k);
			add(&h, FIRST + 120 + k, lbl, HG_REF_ITEM);
		}
	}
	hg_heap_finish(&h);
	hg_heap_add_root(&h, HG_ROOT_MODULE, HG_RW_MODULE, hg_heap_cstr(&h, "sys.modules['app']"), MOD);
	hg_heap_mark(&h);
	hg_heap_drop_build(&h);
	if (!CHECK_EQ_INT(hg_dom_compute(&h), 0))
		return;
	for (uint32_t i = 0; i < n; i++)
		if (hg_heap_type(&h, i) == dict)
			members[nm++] = i;
	p = hg_paths_new(&h);
	ng = hg_paths_group(p, members, nm, NULL, &g);
	/*
	 * Most bytes of their own first: the list's 100 (15650 bytes), the
	 * instance's 30 (7245), the 20 sessions (4330), the garbage (1295);
	 * then the dicts of 1000 bytes by their shares: the globals (their own,
	 * the module's list, the instance: the dicts below are shares of their
	 * own), the instance's __dict__ (with its list), the sessions dict.
	 */
	if (CHECK_EQ_INT(ng, 7)) {
		static const char *const want[] = {
			"sys.modules['app'] \xe2\x86\x92 .__dict__['audit'] \xe2\x86\x92 list[*] \xe2\x86\x92 dict",
			"sys.modules['app'] \xe2\x86\x92 .__dict__['trail'] \xe2\x86\x92 Trail.__dict__['entries'] "
			"\xe2\x86\x92 list[*] \xe2\x86\x92 dict",
			"sys.modules['app'] \xe2\x86\x92 .__dict__['sessions'] \xe2\x86\x92 dict[*] \xe2\x86\x92 dict",
			"unreachable: gc.collect() would free them",
			"sys.modules['app'] \xe2\x86\x92 .__dict__ \xe2\x86\x92 dict",
			"sys.modules['app'] \xe2\x86\x92 .__dict__['trail'] \xe2\x86\x92 Trail.__dict__ \xe2\x86\x92 dict",
			"sys.modules['app'] \xe2\x86\x92 .__dict__['sessions'] \xe2\x86\x92 dict",
		};
		static const uint64_t count[] = { 100, 30, 20, 5, 1, 1, 1 };
		static const uint64_t shallow[] = { 15650, 7245, 4330, 1295, 1000, 1000, 1000 };
		static const uint64_t share[] = { 15650, 7245, 4330, 1295, 3000, 2000, 1000 };

		for (size_t k = 0; k < 7; k++) {
			name = hg_paths_name(p, g[k].shape);
			CHECK_EQ_STR(name, want[k]);
			CHECK_EQ_INT(g[k].count, count[k]);
			CHECK_EQ_INT(g[k].shallow, shallow[k]);
			CHECK_EQ_INT(g[k].retained, share[k]);
			free(name);
		}
		/* the example is the member retaining most */
		CHECK_EQ_INT(hg_heap_addr(&h, g[0].example), 0x1000000 + 64 * (uint64_t)(FIRST + 99));
	}
	free(g);
	hg_paths_free(p);
	hg_heap_release(&h);
}

int main(void)
{
	RUN(random_graphs_against_brute_force);
	RUN(weak_edges_and_unreached_objects);
	RUN(long_chain);
	RUN(minimum_retained_of_a_type);
	RUN(leak_suspects);
	RUN(path_groups_share_what_the_set_retains);
	RUN(path_groups_by_shape);
	return UNIT_DONE();
}
