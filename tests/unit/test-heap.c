/*
 * test-heap.c - the heap graph and its algorithms on small graphs built by
 * hand: lookups, reverse edges, reachability, chains (root preference, C
 * memory only as the last resort, distinct first hops, weak edges; on
 * random graphs, the chains a search that stops early finds are the
 * nearest roots, as a full search from every root finds them), the
 * neighbourhood walk (depth, too_many, module cull) and the index (round
 * trip, stale, damaged, hostile contents refused).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "../../analyzer/chain.h"
#include "../../analyzer/dom.h"
#include "../../analyzer/heap.h"
#include "../../analyzer/index.h"
#include "../../analyzer/nbhood.h"

/*
 * The test graph (addresses 0x1000 * (i + 1)):
 *   module M(0) --__dict__--> D(1) --['cache']--> C(2) --['k']--> T(3)
 *   frame local 'x' -> L(4) --[0]--> T(3)
 *   C root -> X(5) --.ref--> Y(6);  W(7) --(weak)--> Z(8);  G(9) <-> G2(10) garbage cycle
 *   interpreter root "sys.__dict__" -> S(11) --['mod']--> M(0)
 */
static void build(struct hg_heap *h)
{
	uint32_t t;

	hg_heap_init(h);
	t = hg_heap_add_type(h, 0xdead0, HG_NONE);
	h->types[t].name = hg_heap_cstr(h, "thing");
	h->types[t].module = hg_heap_cstr(h, "builtins");
	h->types[t].qualname = h->types[t].name;
	for (uint32_t i = 0; i <= 11; i++) {
		hg_heap_add_object(h, 0x1000 * (uint64_t)(i + 1), t);
		hg_heap_set_size(h, i, 10 * (i + 1));
	}
#define E(a, b, l, k, r) hg_heap_add_edge(h, b, hg_heap_cstr(h, l), k, r)
	hg_heap_begin_edges(h, 0); E(0, 1, "__dict__", HG_EDGE_STRONG, HG_REF_DICT);
	hg_heap_begin_edges(h, 1); E(1, 2, "['cache']", HG_EDGE_STRONG, HG_REF_ITEM);
	hg_heap_begin_edges(h, 2); E(2, 3, "['k']", HG_EDGE_STRONG, HG_REF_ITEM);
	hg_heap_begin_edges(h, 4); E(4, 3, "[0]", HG_EDGE_STRONG, HG_REF_ITEM);
	hg_heap_begin_edges(h, 5); E(5, 6, ".ref", HG_EDGE_STRONG, HG_REF_ATTR);
	hg_heap_begin_edges(h, 7); E(7, 8, "(weak)", HG_EDGE_WEAK, HG_REF_OTHER);
	hg_heap_begin_edges(h, 9); E(9, 10, ".peer", HG_EDGE_STRONG, HG_REF_ATTR);
	hg_heap_begin_edges(h, 10); E(10, 9, ".peer", HG_EDGE_STRONG, HG_REF_ATTR);
	hg_heap_begin_edges(h, 11); E(11, 0, "['mod']", HG_EDGE_STRONG, HG_REF_ITEM);
#undef E
	hg_heap_finish(h);
	hg_heap_add_root(h, HG_ROOT_MODULE, HG_RW_MODULE, hg_heap_cstr(h, "sys.modules['m']"), 0);
	hg_heap_add_frame_root(h, HG_RW_LOCAL, hg_heap_cstr(h, "thread 'T' frame f() local 'x'"), 9, 9, 4);
	hg_heap_add_root(h, HG_ROOT_C, HG_RW_MEMORY, hg_heap_cstr(h, "C stack of thread 1"), 5);
	hg_heap_add_root(h, HG_ROOT_C, HG_RW_MEMORY, hg_heap_cstr(h, "C stack of thread 1"), 0);
	hg_heap_add_root(h, HG_ROOT_INTERPRETER, HG_RW_OTHER, hg_heap_cstr(h, "sys.__dict__"), 11);
	hg_heap_add_root(h, HG_ROOT_INTERPRETER, HG_RW_OTHER, hg_heap_cstr(h, "w holder"), 7);
	hg_heap_mark(h);
	hg_heap_drop_build(h);
	hg_dom_compute(h);
}

TEST(lookups_and_reverse_edges)
{
	struct hg_heap h;

	build(&h);
	CHECK_EQ_INT(hg_heap_find(&h, 0x4000), 3);
	CHECK_EQ_INT(hg_heap_find(&h, 0x4008), HG_NONE);
	CHECK_EQ_INT(hg_heap_find(&h, 0), HG_NONE);
	/* T(3) has two referrers: C(2) and L(4) */
	CHECK_EQ_INT(hg_heap_rfirst(&h, 4) - hg_heap_rfirst(&h, 3), 2);
	CHECK_EQ_INT(h.rsrc[hg_heap_rfirst(&h, 3)], 2);
	CHECK_EQ_INT(h.rsrc[hg_heap_rfirst(&h, 3) + 1], 4);
	CHECK_EQ_STR(hg_heap_s(&h, h.label[hg_heap_redge(&h, 3, hg_heap_rfirst(&h, 3))]), "['k']");
	CHECK_EQ_STR(hg_heap_s(&h, h.label[hg_heap_redge(&h, 3, hg_heap_rfirst(&h, 3) + 1)]), "[0]");
	CHECK_EQ_INT(hg_heap_redge_kind(&h, hg_heap_rfirst(&h, 8)), HG_EDGE_WEAK);
	hg_heap_release(&h);
}

TEST(reachability)
{
	struct hg_heap h;

	build(&h);
	CHECK(h.flags[3] & HG_OBJ_REACHABLE);
	CHECK(!(h.flags[6] & HG_OBJ_REACHABLE) && (h.flags[6] & HG_OBJ_C_HELD));
	CHECK(!(h.flags[8] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)));	/* only a weak edge */
	CHECK(!(h.flags[9] & (HG_OBJ_REACHABLE | HG_OBJ_C_HELD)));	/* garbage cycle */
	CHECK_EQ_U64(h.meta.unreachable, 3);	/* Z, G, G2 */
	CHECK_EQ_U64(h.meta.c_held, 2);		/* X, Y */
	hg_heap_release(&h);
}

TEST(chains)
{
	struct hg_heap h;
	struct hg_chain *c;
	size_t n;
	char *path;

	build(&h);
	/* T: the frame local is 1 hop, the module 3: the local wins */
	n = hg_chain_find(&h, 3, 0, 1, &c);
	if (CHECK_EQ_INT(n, 1)) {
		CHECK_EQ_STR(hg_heap_s(&h, h.roots[c[0].root].name), "thread 'T' frame f() local 'x'");
		CHECK_EQ_INT(c[0].len, 2);
	}
	hg_chains_free(c, n);
	/* --all 5: the module chain next, then sys.__dict__'s; never the C root on M */
	n = hg_chain_find(&h, 3, 0, 5, &c);
	if (CHECK_EQ_INT(n, 3)) {
		CHECK_EQ_STR(hg_heap_s(&h, h.roots[c[2].root].name), "sys.__dict__");
		CHECK_EQ_STR(hg_heap_s(&h, h.roots[c[1].root].name), "sys.modules['m']");
		path = hg_chain_path(&h, &c[1]);
		CHECK_EQ_STR(path, "sys.modules['m'] \xe2\x86\x92 .__dict__['cache'] \xe2\x86\x92 thing['k']");
		free(path);
	}
	hg_chains_free(c, n);
	/* D(1): the module beats both the C root on the module and sys.__dict__ */
	n = hg_chain_find(&h, 1, 0, 1, &c);
	if (CHECK_EQ_INT(n, 1))
		CHECK_EQ_INT(h.roots[c[0].root].kind, HG_ROOT_MODULE);
	hg_chains_free(c, n);
	/* Y: only a word in C memory points at it, which keeps nothing alive: no chain */
	n = hg_chain_find(&h, 6, 0, 3, &c);
	CHECK_EQ_INT(n, 0);
	hg_chains_free(c, n);
	/* Z: weak only; G: garbage */
	CHECK_EQ_INT(hg_chain_find(&h, 8, 0, 1, &c), 0);
	n = hg_chain_find(&h, 8, 1, 1, &c);
	CHECK_EQ_INT(n, 1);
	hg_chains_free(c, n);
	CHECK_EQ_INT(hg_chain_find(&h, 9, 1, 1, &c), 0);
	hg_heap_release(&h);
}

/*
 * Random graphs with module, frame-local and interpreter roots (no
 * __dict__ steps, so a chain's cost is its length, one more for an
 * interpreter root): the chains found for --all N must start at the N
 * best root objects -- by cost, then tier, then modules first, then root
 * order -- as forward searches from every root find them.
 */
TEST(chains_are_the_nearest_roots)
{
	unsigned seed = 777;
	int checked = 0;

	for (int trial = 0; trial < 400; trial++) {
		uint32_t n = 2 + (uint32_t)(rand_r(&seed) % 60), t;
		uint32_t *d = malloc(n * sizeof(*d)), *q = malloc(n * sizeof(*q));
		struct hg_heap h;
		struct hg_chain *c;
		size_t nc, want = 1 + (size_t)(rand_r(&seed) % 4);

		hg_heap_init(&h);
		t = hg_heap_add_type(&h, 0xdead0, HG_NONE);
		for (uint32_t i = 0; i < n; i++)
			hg_heap_add_object(&h, 0x1000 * (uint64_t)(i + 1), t);
		for (uint32_t i = 0; i < n; i++) {
			int m = rand_r(&seed) % 4;

			hg_heap_begin_edges(&h, i);
			for (int k = 0; k < m; k++)
				hg_heap_add_edge(&h, (uint32_t)(rand_r(&seed) % n), 0, HG_EDGE_STRONG,
						 rand_r(&seed) % 2 ? HG_REF_ITEM : HG_REF_OTHER);
		}
		hg_heap_finish(&h);
		for (int k = rand_r(&seed) % 8; k >= 0; k--) {
			uint32_t o = (uint32_t)(rand_r(&seed) % n);
			int kind = rand_r(&seed) % 3;

			if (kind == 0)
				hg_heap_add_root(&h, HG_ROOT_MODULE, HG_RW_MODULE, 0, o);
			else if (kind == 1)
				hg_heap_add_frame_root(&h, HG_RW_LOCAL, 0, 0, 0, o);
			else
				hg_heap_add_root(&h, HG_ROOT_INTERPRETER, HG_RW_OTHER, 0, o);
		}
		hg_heap_mark(&h);
		hg_heap_drop_build(&h);
		for (uint32_t target = 0; target < n; target++) {
			/* each root: (cost, tier, not a module, index), by a forward BFS from its object */
			uint64_t key[16], x;
			uint32_t nk = 0, expect[16], ne = 0;

			for (uint32_t r = 0; r < h.nroot && r < 16; r++) {
				const struct hg_root *R = &h.roots[r];
				size_t head = 0, tail = 0;
				int tier = R->kind == HG_ROOT_INTERPRETER ? 2 : 0;

				for (uint32_t i = 0; i < n; i++)
					d[i] = UINT32_MAX;
				d[R->obj] = 0;
				q[tail++] = R->obj;
				while (head < tail) {
					uint32_t v = q[head++];

					for (uint64_t e = hg_heap_first(&h, v); e < hg_heap_first(&h, v + 1); e++)
						if (d[h.to[e]] == UINT32_MAX) {
							d[h.to[e]] = d[v] + 1;
							q[tail++] = h.to[e];
						}
				}
				if (d[target] != UINT32_MAX)
					key[nk++] = (uint64_t)(d[target] + (tier == 2)) << 40 | (uint64_t)tier << 32 |
						    (uint64_t)(R->kind != HG_ROOT_MODULE) << 16 | r;
			}
			for (uint32_t a2 = 0; a2 < nk; a2++)
				for (uint32_t b2 = a2 + 1; b2 < nk; b2++)
					if (key[b2] < key[a2]) {
						x = key[a2];
						key[a2] = key[b2];
						key[b2] = x;
					}
			/* one chain per root object, its best root first */
			for (uint32_t k = 0; k < nk; k++) {
				uint32_t r = (uint32_t)(key[k] & 0xffff), dup = 0;

				for (uint32_t j = 0; j < ne; j++)
					dup |= h.roots[expect[j]].obj == h.roots[r].obj;
				if (!dup)
					expect[ne++] = r;
			}
			nc = hg_chain_find(&h, target, 0, want, &c);
			CHECK_EQ_INT(nc, ne < want ? ne : want);
			for (size_t k = 0; k < nc && k < ne; k++) {
				checked++;
				if (!CHECK_EQ_INT(c[k].root, expect[k]))
					break;
				CHECK_EQ_INT(c[k].obj[c[k].len - 1], target);
			}
			hg_chains_free(c, nc);
		}
		hg_heap_release(&h);
		free(d);
		free(q);
	}
	CHECK(checked > 2000);
}

TEST(neighbourhood)
{
	struct hg_heap h;
	struct hg_nbhood nb;
	struct hg_nb_options o = { 1, 3, 10, 0, NULL, NULL, NULL, 0, 0 };
	uint32_t start = 3;

	build(&h);
	/* backrefs of T: C and L at depth 1, D at 2, M at 3 (a module: drawn, not expanded) */
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 5);
	CHECK_EQ_INT(nb.nedges, 4);
	hg_nbhood_release(&nb);
	o.max_depth = 1;
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 3);
	hg_nbhood_release(&nb);
	o.too_many = 1;
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 2);
	CHECK_EQ_U64(nb.skipped[0], 1);
	hg_nbhood_release(&nb);
	/* refs of M through the module: S is not a referent; M -> D -> C -> T */
	o.backrefs = 0; o.max_depth = 5; o.too_many = 10;
	start = 0;
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 4);
	hg_nbhood_release(&nb);
	hg_heap_release(&h);
}

TEST(index_round_trip)
{
	struct hg_heap h, back;
	struct hg_warnings w = { NULL, 0, 0 }, w2 = { NULL, 0, 0 };
	struct hg_dump_id id = { 123, 456, 789 }, other = { 123, 457, 789 };
	struct hg_error err;
	char path[] = "/tmp/hg-test-index-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	long size;
	unsigned char *buf;

	close(fd);
	build(&h);
	/* sizes of 4 GiB and more are kept beside the 32-bit ones; one set big and back is not */
	hg_heap_set_size(&h, 2, (uint64_t)5 << 30);
	hg_heap_set_size(&h, 5, (uint64_t)6 << 30);
	hg_heap_set_size(&h, 7, UINT32_MAX);
	hg_heap_set_size(&h, 5, 3);
	/* sizes are 16-bit: 65535 and more beside them */
	hg_heap_set_size(&h, 0, 65535);
	hg_heap_set_size(&h, 1, 65534);
	CHECK_EQ_INT(h.big_size.n, 3);
	/* reference counts are a byte: big ones and immortal objects are kept beside */
	hg_heap_set_refcnt(&h, 1, 300);
	hg_heap_set_refcnt(&h, 3, HG_REFCNT_IMMORTAL);
	hg_heap_set_refcnt(&h, 4, 1000);
	hg_heap_set_refcnt(&h, 4, 254);
	hg_heap_set_refcnt(&h, 6, 255);
	CHECK_EQ_INT(h.big_refcnt.n, 3);
	/* and so are retained sizes: what holds object 2 retains more than 4 GiB */
	hg_dom_compute(&h);
	CHECK(h.big_retained.n >= 1);
	CHECK(hg_heap_retained(&h, 2) >= (uint64_t)5 << 30);
	hg_warnf(&w, "a warning to keep");
	CHECK_EQ_INT(hg_index_write(&h, &w, "{}", 2, &id, path, &err), 0);
	if (CHECK_EQ_INT(hg_index_load(&back, &w2, &id, path, &err), 0)) {
		CHECK_EQ_INT(back.nobj, h.nobj);
		CHECK_EQ_INT(back.nedge, h.nedge);
		/* few kinds of reference: four bits each */
		CHECK(back.nktab > 2 && back.kind == NULL);
		for (uint64_t e = 0; e < h.nedge; e++)
			CHECK_EQ_INT(hg_heap_kind_byte(&back, e), h.kind[e]);
		CHECK_EQ_INT(hg_heap_find(&back, 0x4000), 3);
		CHECK(hg_heap_size(&back, 2) == (uint64_t)5 << 30);
		CHECK(hg_heap_size(&back, 7) == UINT32_MAX);
		CHECK_EQ_INT(hg_heap_size(&back, 5), 3);
		CHECK_EQ_INT(hg_heap_size(&back, 6), 70);
		CHECK_EQ_INT(back.big_size.n, 3);
		CHECK_EQ_INT(hg_heap_size(&back, 0), 65535);
		CHECK_EQ_INT(hg_heap_size(&back, 1), 65534);
		CHECK_EQ_INT(hg_heap_refcnt(&back, 1), 300);
		CHECK(hg_heap_refcnt(&back, 3) == HG_REFCNT_IMMORTAL);
		CHECK_EQ_INT(hg_heap_refcnt(&back, 4), 254);
		CHECK_EQ_INT(hg_heap_refcnt(&back, 6), 255);
		CHECK_EQ_INT(hg_heap_refcnt(&back, 0), hg_heap_refcnt(&h, 0));
		CHECK_EQ_INT(back.big_retained.n, h.big_retained.n);
		for (uint32_t i = 0; i < h.nobj; i++)
			CHECK(hg_heap_retained(&back, i) == hg_heap_retained(&h, i));
		CHECK_EQ_STR(hg_heap_s(&back, back.roots[1].name), "thread 'T' frame f() local 'x'");
		CHECK_EQ_INT(back.roots[1].what, HG_RW_LOCAL);
		CHECK_EQ_INT(back.roots[1].part2, 9);
		CHECK_EQ_INT(back.roots[1].part3, 9);
		CHECK_EQ_INT(hg_heap_edge_role(&back, 0), HG_REF_DICT);
		CHECK_EQ_INT(hg_heap_edge_kind(&back, 0), HG_EDGE_STRONG);
		CHECK_EQ_INT(hg_heap_edge_kind(&back, 5), HG_EDGE_WEAK);
		CHECK(w2.nr == 1 && !strcmp(w2.line[0], "a warning to keep"));
		/* a loaded heap is the index mapped read-only: the builder refuses it, nothing is written */
		{
			size_t nroot = back.nroot;
			uint8_t flags0 = back.flags[0];

			CHECK_EQ_INT(hg_heap_add_root(&back, HG_ROOT_C, HG_RW_MEMORY, 0, 0), -1);
			CHECK_EQ_INT(hg_heap_mark_from(&back, 0, HG_OBJ_C_HELD), -1);
			CHECK_EQ_INT(hg_heap_mark(&back), -1);
			CHECK_EQ_INT(hg_heap_cstr(&back, "new"), 0);
			CHECK_EQ_INT(hg_heap_add_object(&back, 0x9000, 0), HG_NONE);
			CHECK_EQ_INT(hg_heap_add_type(&back, 0x9000, 0), HG_NONE);
			hg_heap_begin_edges(&back, 0);
			hg_heap_add_edge(&back, 0, 0, HG_EDGE_STRONG, HG_REF_OTHER);
			CHECK_EQ_INT(back.nroot, nroot);
			CHECK_EQ_INT(back.nobj, h.nobj);
			CHECK_EQ_INT(back.nedge, h.nedge);
			CHECK_EQ_INT(back.flags[0], flags0);
		}
		hg_heap_release(&back);
	}
	/* the summary alone, with the warnings */
	{
		struct hg_warnings w3 = { NULL, 0, 0 };
		char *sum;
		size_t len;

		if (CHECK_EQ_INT(hg_index_summary(&id, path, &sum, &len, &w3, &err), 0)) {
			CHECK_EQ_INT(len, 2);
			CHECK_EQ_STR(sum, "{}");
			CHECK(w3.nr == 1 && !strcmp(w3.line[0], "a warning to keep"));
			free(sum);
		}
		CHECK_EQ_INT(hg_index_summary(&other, path, &sum, &len, &w3, &err), -1);
		CHECK(sum == NULL);
		hg_warnings_release(&w3);
	}
	/* another dump: refused */
	CHECK_EQ_INT(hg_index_load(&back, &w2, &other, path, &err), -1);
	/* a hostile index whose checksum is right but an edge points outside: refused */
	f = fopen(path, "r+b");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	buf = malloc((size_t)size);
	fseek(f, 0, SEEK_SET);
	if (fread(buf, 1, (size_t)size, f) == (size_t)size) {
		struct hg_warnings w3 = { NULL, 0, 0 };
		char *sum;
		size_t len;

		/* flip eight bytes in the middle of the sections, after the header (one at least is a
		 * section's, not padding): the checksum catches it; the summary, elsewhere, still reads */
		uint32_t header_size;
		long mid;

		memcpy(&header_size, buf + 12, 4);
		mid = (long)header_size + (size - (long)header_size) / 2;
		for (int k = 0; k < 8; k++)
			buf[mid + k] ^= 0x5a;
		fseek(f, 0, SEEK_SET);
		fwrite(buf, 1, (size_t)size, f);
		fflush(f);
		CHECK_EQ_INT(hg_index_load(&back, &w2, &id, path, &err), -1);
		if (CHECK_EQ_INT(hg_index_summary(&id, path, &sum, &len, &w3, &err), 0))
			free(sum);
		/* the summary's own bytes: refused (it is the last section, "{}" and its padding) */
		for (int k = 0; k < 8; k++)
			buf[mid + k] ^= 0x5a;
		buf[size - 8] ^= 0x01;
		fseek(f, 0, SEEK_SET);
		fwrite(buf, 1, (size_t)size, f);
		fflush(f);
		CHECK_EQ_INT(hg_index_summary(&id, path, &sum, &len, &w3, &err), -1);
		CHECK_EQ_INT(hg_index_load(&back, &w2, &id, path, &err), -1);
		hg_warnings_release(&w3);
	}
	fclose(f);
	free(buf);
	unlink(path);
	hg_warnings_release(&w);
	hg_warnings_release(&w2);
	hg_heap_release(&h);
}

/*
 * The collector's rule: 0 <-> 1 is a cycle whose counts the two references
 * explain (garbage); 2 has one reference more than found (held from
 * outside: alive, and what it holds: 3); 4 is held only by a borrowed edge
 * from 2 (a frame's f_globals): its count is not explained, so it lives; a
 * C-memory root on 0 keeps nothing alive.
 */
TEST(collect_as_the_collector_does)
{
	struct hg_heap h;
	size_t outside = 0;

	hg_heap_init(&h);
	hg_heap_add_type(&h, 0x100, HG_NONE);
	for (uint32_t i = 0; i < 5; i++) {
		hg_heap_add_object(&h, 0x1000 + 16 * (uint64_t)i, 0);
		hg_heap_set_size(&h, i, 10);
		h.flags[i] |= HG_OBJ_GC;
	}
	h.refcnt[0] = 1; h.refcnt[1] = 1; h.refcnt[2] = 2; h.refcnt[3] = 1; h.refcnt[4] = 1;
	hg_heap_begin_edges(&h, 0);
	hg_heap_add_edge(&h, 1, 0, HG_EDGE_STRONG, HG_REF_OTHER);
	hg_heap_begin_edges(&h, 1);
	hg_heap_add_edge(&h, 0, 0, HG_EDGE_STRONG, HG_REF_OTHER);
	hg_heap_add_edge(&h, 2, 0, HG_EDGE_WEAK, HG_REF_OTHER);
	hg_heap_begin_edges(&h, 2);
	hg_heap_add_edge(&h, 3, 0, HG_EDGE_STRONG, HG_REF_OTHER);
	hg_heap_add_edge(&h, 4, 0, HG_EDGE_STRONG | HG_EDGE_BORROWED, HG_REF_FIELD);
	hg_heap_add_edge(&h, 2, 0, HG_EDGE_STRONG, HG_REF_OTHER);
	hg_heap_begin_edges(&h, 4);
	hg_heap_finish(&h);
	hg_heap_add_root(&h, HG_ROOT_C, HG_RW_MEMORY, 0, 0);
	CHECK_EQ_INT(hg_heap_collect(&h), 0);
	for (size_t r = 0; r < h.nroot; r++)
		if (h.roots[r].kind == HG_ROOT_OUTSIDE) {
			outside++;
			CHECK(h.roots[r].obj == 2 || h.roots[r].obj == 4);
		}
	CHECK_EQ_INT(outside, 2);
	CHECK(!(h.flags[0] & HG_OBJ_REACHABLE) && (h.flags[0] & HG_OBJ_C_HELD));
	CHECK(!(h.flags[1] & HG_OBJ_REACHABLE));
	CHECK(h.flags[2] & HG_OBJ_REACHABLE);
	CHECK(h.flags[3] & HG_OBJ_REACHABLE);
	CHECK(h.flags[4] & HG_OBJ_REACHABLE);
	CHECK_EQ_INT(h.meta.unreachable, 2);
	CHECK_EQ_INT(h.meta.unreachable_bytes, 20);
	hg_heap_release(&h);
}

/*
 * Folding and cycles: a target held by 12 objects of one type through the
 * same attribute and by 2 of another; a ring of 50 nodes.  Backrefs fold
 * the 12 into one node standing for them all (and not the 2); the ring's
 * node at the depth limit gets a hop back to the target.
 */
TEST(neighbourhood_folds_and_closes_cycles)
{
	struct hg_heap h;
	struct hg_nbhood nb;
	struct hg_nb_options o = { 1, 2, 10, 0, NULL, NULL, NULL, 5, 0 };
	uint32_t n = 1 + 12 + 2 + 50, start = 0, at = HG_NONE, lbl, other;

	hg_heap_init(&h);
	hg_heap_add_type(&h, 0x100000, HG_NONE);
	hg_heap_add_type(&h, 0x100010, HG_NONE);
	hg_heap_add_type(&h, 0x100020, HG_NONE);
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_add_object(&h, 0x1000000 + 64 * (uint64_t)i, i == 0 ? 0 : i <= 12 ? 1 : i <= 14 ? 2 : 0);
		hg_heap_set_size(&h, i, 10 + i);
	}
	lbl = hg_heap_cstr(&h, ".session");
	other = hg_heap_cstr(&h, ".owner");
	for (uint32_t i = 0; i < n; i++) {
		hg_heap_begin_edges(&h, i);
		if (i >= 1 && i <= 14)
			hg_heap_add_edge(&h, 0, i <= 12 ? lbl : other, HG_EDGE_STRONG, HG_REF_ATTR);
		/* the ring: 15 -> 16 -> ... -> 64 -> 15, and 15 holds nothing else */
		if (i >= 15)
			hg_heap_add_edge(&h, i + 1 < n ? i + 1 : 15, hg_heap_cstr(&h, ".next"), HG_EDGE_STRONG, HG_REF_ATTR);
	}
	hg_heap_finish(&h);
	hg_heap_add_root(&h, HG_ROOT_MODULE, HG_RW_MODULE, hg_heap_cstr(&h, "sys.modules['m']"), 1);
	hg_heap_mark(&h);
	hg_heap_drop_build(&h);

	hg_nbhood_build(&h, &start, 1, &o, &nb);
	/* the target, one node for the 12, the 2 each: 4 nodes; each folded member counted */
	CHECK_EQ_INT(nb.n, 4);
	for (size_t q = 0; q < nb.n; q++)
		if (nb.fold[q] > 1)
			at = (uint32_t)q;
	if (CHECK(at != HG_NONE)) {
		CHECK_EQ_INT(nb.fold[at], 12);
		CHECK_EQ_U64(nb.fold_bytes[at], 12 * 10 + (1 + 12) * 12 / 2);
	}
	for (size_t k = 0; k < nb.nedges; k++)
		if (nb.edges[k].from == at)
			CHECK(nb.edges[k].folded && nb.edges[k].count == 12);
	hg_nbhood_release(&nb);
	o.fold = 0;
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 11);	/* unfolded: 10 drawn (too_many), 4 skipped */
	CHECK_EQ_U64(nb.skipped[0], 4);
	hg_nbhood_release(&nb);

	/* backrefs of ring node 40, depth 3: 39, 38, 37; 37 leads back to 40 through 47 more references */
	o.fold = 5;
	o.max_depth = 3;
	start = 40;
	hg_nbhood_build(&h, &start, 1, &o, &nb);
	CHECK_EQ_INT(nb.n, 4);
	if (CHECK_EQ_INT(nb.nhops, 1)) {
		CHECK_EQ_INT(nb.obj[nb.hops[0].from], 40);
		CHECK_EQ_INT(nb.obj[nb.hops[0].to], 37);
		CHECK_EQ_INT(nb.hops[0].hops, 47);
	}
	hg_nbhood_release(&nb);
	hg_heap_release(&h);
}

/*
 * A referrer's several references to one object: each reverse entry finds
 * its own label, in order.  Items' labels are numbers, not strings, up to
 * a bound; their text is the same.
 */
TEST(reverse_entries_of_one_referrer)
{
	struct hg_heap h;
	uint32_t t, big;
	char lb[HG_LABEL_BUF];
	const char *want[] = { "[0]", "[2]", "[3]" };

	hg_heap_init(&h);
	t = hg_heap_add_type(&h, 0xdead0, HG_NONE);
	for (uint32_t i = 0; i < 4; i++)
		hg_heap_add_object(&h, 0x1000 * (uint64_t)(i + 1), t);
	hg_heap_begin_edges(&h, 0);
	hg_heap_add_edge(&h, 2, hg_heap_cstr(&h, "[0]"), HG_EDGE_STRONG, HG_REF_ITEM);
	hg_heap_add_edge(&h, 3, hg_heap_cstr(&h, "[1]"), HG_EDGE_STRONG, HG_REF_ITEM);
	hg_heap_add_edge(&h, 2, hg_heap_item_label(&h, 2), HG_EDGE_WEAK, HG_REF_ITEM);
	hg_heap_add_edge(&h, 2, hg_heap_item_label(&h, 3), HG_EDGE_STRONG, HG_REF_ITEM);
	CHECK(hg_heap_item_label(&h, 3) & HG_LABEL_INDEX);
	big = hg_heap_item_label(&h, (uint64_t)HG_LABEL_INDEX_MAX + 1);
	CHECK(!(big & HG_LABEL_INDEX));
	CHECK_EQ_STR(hg_heap_label(&h, big, lb), "[2147483633]");
	CHECK_EQ_STR(hg_heap_label(&h, hg_heap_item_label(&h, HG_LABEL_INDEX_MAX), lb), "[2147483632]");
	hg_heap_begin_edges(&h, 1);
	hg_heap_add_edge(&h, 2, hg_heap_cstr(&h, ".a"), HG_EDGE_STRONG, HG_REF_ATTR);
	hg_heap_finish(&h);
	if (CHECK_EQ_INT(hg_heap_rfirst(&h, 3) - hg_heap_rfirst(&h, 2), 4)) {
		for (uint32_t k = 0; k < 3; k++) {
			CHECK_EQ_INT(h.rsrc[hg_heap_rfirst(&h, 2) + k], 0);
			CHECK_EQ_STR(hg_heap_label(&h, h.label[hg_heap_redge(&h, 2, hg_heap_rfirst(&h, 2) + k)], lb), want[k]);
		}
		CHECK_EQ_INT(hg_heap_redge_kind(&h, hg_heap_rfirst(&h, 2) + 1), HG_EDGE_WEAK);
		CHECK(!hg_heap_redge_holds(&h, hg_heap_rfirst(&h, 2) + 1));
		CHECK_EQ_INT(h.rsrc[hg_heap_rfirst(&h, 2) + 3], 1);
		CHECK_EQ_STR(hg_heap_s(&h, h.label[hg_heap_redge(&h, 2, hg_heap_rfirst(&h, 2) + 3)]), ".a");
	}
	hg_heap_release(&h);
}

/*
 * Objects found out of address order are numbered in address order when
 * the heap is closed: their edges, labels, roots, types, wide values and
 * text follow them, addresses above 4 GiB keep their high bits, and they
 * are found by address again, before and after an index round trip.
 */
/* Found by the snapshot and walker fuzzers: renumbering copied the (NULL) reference arrays of a heap without any. */
TEST(objects_without_references_are_numbered_by_address)
{
	struct hg_heap h;
	uint32_t t;

	hg_heap_init(&h);
	t = hg_heap_add_type(&h, 0x9000, HG_NONE);
	hg_heap_add_object(&h, 0x3000, t);
	hg_heap_add_object(&h, 0x1000, t);
	hg_heap_add_object(&h, 0x2000, t);
	for (uint32_t i = 0; i < 3; i++)
		hg_heap_begin_edges(&h, i);
	hg_heap_finish(&h);
	CHECK_EQ_U64(h.nedge, 0);
	CHECK_EQ_U64(hg_heap_addr(&h, 0), 0x1000);
	CHECK_EQ_U64(hg_heap_addr(&h, 2), 0x3000);
	CHECK_EQ_INT(hg_heap_find(&h, 0x2000), 1);
	hg_heap_release(&h);
}

TEST(objects_are_numbered_by_address)
{
	static const uint64_t at[] = { 0x7f0000002000ull, 0x1000, 0x500000010ull, 0x7f0000001000ull, 0x2000,
				       0x500000000ull, 0x7f0000000010ull };
	enum { N = sizeof(at) / sizeof(at[0]) };
	struct hg_heap h, back;
	struct hg_warnings w = { NULL, 0, 0 }, w2 = { NULL, 0, 0 };
	struct hg_dump_id id = { 1, 2, 3 };
	struct hg_error err;
	char path[] = "/tmp/hg-test-index-XXXXXX", lb[HG_LABEL_BUF], rb[HG_REPR_BUF];
	int fd = mkstemp(path);
	uint32_t t, tt, big = 0, to[N];

	close(fd);
	hg_heap_init(&h);
	t = hg_heap_add_type(&h, 0xdead0, HG_NONE);
	h.types[t].name = h.types[t].qualname = hg_heap_cstr(&h, "thing");
	h.types[t].module = hg_heap_cstr(&h, "builtins");
	for (uint32_t i = 0; i < N; i++) {
		hg_heap_add_object(&h, at[i], t);
		hg_heap_set_size(&h, i, i == 2 ? (uint64_t)7 << 30 : 100 + i);
		hg_heap_set_refcnt(&h, i, i == 4 ? 1000 : i);
		hg_heap_set_text(&h, i, hg_heap_cstr(&h, i == 5 ? "five" : "other"), 0);
	}
	/* object i refers to object (i + 1) % N as ".n<i>" and item [i] of 0 */
	for (uint32_t i = 0; i < N; i++) {
		char l[16];

		snprintf(l, sizeof(l), ".n%u", i);
		hg_heap_begin_edges(&h, i);
		hg_heap_add_edge(&h, (i + 1) % N, hg_heap_cstr(&h, l), HG_EDGE_STRONG, HG_REF_ATTR);
		if (i == 0)
			for (uint32_t k = 0; k < N; k++)
				hg_heap_add_edge(&h, k, hg_heap_item_label(&h, k), HG_EDGE_STRONG, HG_REF_ITEM);
		/* more references than an index's 8-bit offsets span: kept beside them */
		if (i == 3)
			for (uint32_t k = 0; k < 300; k++)
				hg_heap_add_edge(&h, 1, hg_heap_item_label(&h, k), (enum hg_edge_kind)(k % 4),
						 (enum hg_edge_role)(k / 4 % HG_REF_NROLES));
	}
	tt = hg_heap_add_type(&h, at[3], 3);
	h.types[tt].name = h.types[tt].qualname = hg_heap_cstr(&h, "other");
	h.types[tt].module = hg_heap_cstr(&h, "builtins");
	/* type indexes are 16-bit: more types than that, and no type, are kept beside them */
	for (uint32_t k = 0; k < 70000; k++)
		big = hg_heap_add_type(&h, 0x10000000 + 16 * (uint64_t)k, HG_NONE);
	hg_heap_set_type(&h, 1, big);
	hg_heap_set_type(&h, 4, HG_NONE);
	hg_heap_set_type(&h, 5, HG_TYPE_WIDE - 1);
	hg_heap_set_type(&h, 2, big);
	hg_heap_set_type(&h, 2, t);
	CHECK_EQ_INT(h.big_type.n, 2);
	hg_heap_add_root(&h, HG_ROOT_MODULE, HG_RW_MODULE, hg_heap_cstr(&h, "sys.modules['m']"), 6);
	hg_heap_finish(&h);
	/* found through the address map (which keeps the old numbers) and then by a search of the addresses */
	for (uint32_t i = 0; i < N; i++)
		to[i] = hg_heap_find(&h, at[i]);
	hg_heap_drop_build(&h);
	hg_dom_compute(&h);
	for (uint32_t i = 0; i < N; i++)
		CHECK_EQ_INT(hg_heap_find(&h, at[i]), to[i]);
	for (uint32_t k = 1; k < N; k++)
		CHECK(hg_heap_addr(&h, k - 1) < hg_heap_addr(&h, k));
	CHECK_EQ_INT(h.nrun, 3);
	CHECK_EQ_INT(to[1], 0);
	CHECK_EQ_INT(to[0], N - 1);
	for (uint32_t i = 0; i < N; i++) {
		uint32_t o = to[i], e;

		if (!CHECK(o != HG_NONE))
			continue;
		CHECK(hg_heap_addr(&h, o) == at[i]);
		CHECK(hg_heap_size(&h, o) == (i == 2 ? (uint64_t)7 << 30 : 100 + i));
		CHECK_EQ_INT(hg_heap_refcnt(&h, o), i == 4 ? 1000 : i);
		CHECK_EQ_STR(hg_heap_repr(&h, o, rb, sizeof(rb)), i == 5 ? "five" : "other");
		e = hg_heap_first(&h, o);
		CHECK_EQ_INT(h.to[e], to[(i + 1) % N]);
		snprintf(rb, sizeof(rb), ".n%u", i);
		CHECK_EQ_STR(hg_heap_label(&h, h.label[e], lb), rb);
		CHECK_EQ_INT(hg_heap_first(&h, o + 1) - hg_heap_first(&h, o), i == 0 ? N + 1 : i == 3 ? 301 : 1);
	}
	for (uint32_t k = 0; k < N; k++) {
		snprintf(rb, sizeof(rb), "[%u]", k);
		CHECK_EQ_INT(h.to[hg_heap_first(&h, to[0]) + 1 + k], to[k]);
		CHECK_EQ_STR(hg_heap_label(&h, h.label[hg_heap_first(&h, to[0]) + 1 + k], lb), rb);
	}
	CHECK_EQ_INT(h.roots[0].obj, to[6]);
	CHECK_EQ_INT(hg_heap_type(&h, to[1]), big);
	CHECK_EQ_INT(hg_heap_type(&h, to[4]), HG_NONE);
	CHECK_EQ_INT(hg_heap_type(&h, to[5]), HG_TYPE_WIDE - 1);
	CHECK_EQ_INT(hg_heap_type(&h, to[2]), t);
	CHECK_EQ_INT(hg_heap_type(&h, to[0]), t);
	CHECK_EQ_INT(h.types[tt].obj, to[3]);
	CHECK_EQ_INT(hg_heap_find(&h, 0x500000008ull), HG_NONE);
	CHECK_EQ_INT(hg_heap_find(&h, 0x600000000ull), HG_NONE);
	CHECK_EQ_INT(hg_heap_find(&h, 0x1000 + ((uint64_t)1 << 32)), HG_NONE);

	CHECK_EQ_INT(hg_index_write(&h, &w, "{}", 2, &id, path, &err), 0);
	if (CHECK_EQ_INT(hg_index_load(&back, &w2, &id, path, &err), 0)) {
		CHECK_EQ_INT(back.nrun, 3);
		for (uint32_t i = 0; i < N; i++) {
			CHECK_EQ_INT(hg_heap_find(&back, at[i]), to[i]);
			CHECK(hg_heap_addr(&back, to[i]) == at[i]);
			CHECK(hg_heap_size(&back, to[i]) == hg_heap_size(&h, to[i]));
			CHECK_EQ_INT(hg_heap_type(&back, to[i]), hg_heap_type(&h, to[i]));
		}
		CHECK_EQ_INT(hg_heap_find(&back, 0x500000008ull), HG_NONE);
		CHECK(back.first == NULL && back.cfirst.big.n > 0 && back.crfirst.big.n > 0);
		/* 24 kinds of reference: more than four bits tell, so kept as bytes */
		CHECK_EQ_INT(back.nktab, 0);
		for (uint64_t e = 0; e < h.nedge; e++)
			CHECK_EQ_INT(hg_heap_kind_byte(&back, e), h.kind[e]);
		for (uint32_t i = 0; i <= N; i++) {
			CHECK_EQ_INT(hg_heap_first(&back, i), h.first[i]);
			CHECK_EQ_INT(hg_heap_rfirst(&back, i), h.rfirst[i]);
		}
		hg_heap_release(&back);
	}
	hg_warnings_release(&w);
	hg_warnings_release(&w2);
	unlink(path);
	hg_heap_release(&h);
}

int main(void)
{
	RUN(lookups_and_reverse_edges);
	RUN(reverse_entries_of_one_referrer);
	RUN(reachability);
	RUN(chains);
	RUN(chains_are_the_nearest_roots);
	RUN(neighbourhood);
	RUN(neighbourhood_folds_and_closes_cycles);
	RUN(index_round_trip);
	RUN(collect_as_the_collector_does);
	RUN(objects_without_references_are_numbered_by_address);
	RUN(objects_are_numbered_by_address);
	return UNIT_DONE();
}
