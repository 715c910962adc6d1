/*
 * test-walk.c - the CPython walker on synthetic memory: a small 3.12-shaped
 * interpreter (types, a GC list, a list, a str, deques) laid out in a buffer
 * and served through struct hg_mem, with no core file.  Checks the graph
 * (objects, labeled edges, sizes, reprs) and that damaged linked structures
 * (a deque whose length and block link were changed, an lru_cache list that
 * loops) end quickly, flagged damaged, instead of walking for minutes.
 */
#include <time.h>
#include "unit.h"
#include "synth.h"

/* The labels of object a's edges, joined by spaces. */
static const char *labels(struct hg_heap *h, uint64_t a, char *buf, size_t n)
{
	uint32_t i = hg_heap_find(h, a);
	char lb[HG_LABEL_BUF];
	size_t o = 0;

	buf[0] = '\0';
	if (i == HG_NONE)
		return buf;
	for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1) && o + 1 < n; e++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? " " : "", hg_heap_label(h, h->label[e], lb));
	return buf;
}

TEST(graph_from_synthetic_memory)
{
	struct world W;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	char buf[512], rb[HG_REPR_BUF];
	uint32_t li, si;

	synth_build(&W, 5);
	if (!CHECK_EQ_INT(synth_walk(&W, &h, &warn), 0))
		return;
	li = hg_heap_find(&h, W.list);
	si = hg_heap_find(&h, W.str);
	if (CHECK(li != HG_NONE) && CHECK(si != HG_NONE)) {
		CHECK(h.flags[li] & HG_OBJ_GC);
		CHECK(!(h.flags[si] & HG_OBJ_GC));
		CHECK_EQ_STR(hg_heap_s(&h, h.types[hg_heap_type(&h, li)].name), "list");
		CHECK_EQ_STR(labels(&h, W.list, buf, sizeof(buf)), "[0] [1]");
		/* list: basic size, its item array, the GC header */
		CHECK_EQ_INT(hg_heap_size(&h, li), 40 + 2 * 8 + GC_HEAD_SIZE);
		/* str: the ASCII header, two characters and the NUL */
		CHECK_EQ_INT(hg_heap_size(&h, si), W.L.ascii_size + 3);
		CHECK_EQ_STR(hg_heap_repr(&h, si, rb, sizeof(rb)), "'hi'");
		CHECK_EQ_STR(hg_heap_value(&h, si), "hi");
		CHECK_EQ_STR(hg_heap_repr(&h, li, rb, sizeof(rb)), "2 items");
		CHECK_EQ_INT(hg_heap_edge_role(&h, hg_heap_first(&h, li)), HG_REF_ITEM);
	}
	/* the good deque: items from index 62 of its first block on into the second */
	CHECK_EQ_STR(labels(&h, W.deque_ok, buf, sizeof(buf)), "[0] [1] [2]");
	CHECK(!(h.flags[hg_heap_find(&h, W.deque_ok)] & HG_OBJ_DAMAGED));
	hg_heap_release(&h);
	hg_warnings_release(&warn);
	free(W.f.mem);
}

TEST(damaged_links_end_quickly)
{
	struct world W;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	clock_t t0;
	uint32_t di, ri;
	uint64_t dn;

	/* two changed words: a length of 2^40 and a block linked to itself */
	synth_build(&W, (int64_t)1 << 40);
	t0 = clock();
	if (!CHECK_EQ_INT(synth_walk(&W, &h, &warn), 0))
		return;
	/* a second at most for a megabyte of memory: the loop is bounded by the memory, not the length */
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	di = hg_heap_find(&h, W.deque_bad);
	ri = hg_heap_find(&h, W.lru_bad);
	if (CHECK(di != HG_NONE) && CHECK(ri != HG_NONE)) {
		dn = hg_heap_first(&h, di + 1) - hg_heap_first(&h, di);
		CHECK(h.flags[di] & HG_OBJ_DAMAGED);
		/* the block once: its link back to itself closes a cycle */
		CHECK_EQ_INT(dn, DEQUE_BLOCKLEN);
		CHECK(h.flags[ri] & HG_OBJ_DAMAGED);
		CHECK(hg_heap_first(&h, ri + 1) - hg_heap_first(&h, ri) <= 8);
	}
	hg_heap_release(&h);
	hg_warnings_release(&warn);
	free(W.f.mem);
}

/* Found by the walker fuzzer: memory ending in a partial word made the C-memory scan spin in place. */
TEST(unaligned_end_of_memory)
{
	struct world W;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	clock_t t0;

	synth_build(&W, 5);
	W.f.len = (size_t)(W.f.next - SYNTH_BASE + 7) / 8 * 8 + 3;
	t0 = clock();
	CHECK_EQ_INT(synth_walk(&W, &h, &warn), 0);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	CHECK(hg_heap_find(&h, W.list) != HG_NONE);
	hg_heap_release(&h);
	hg_warnings_release(&warn);
	free(W.f.mem);
}

int main(void)
{
	RUN(graph_from_synthetic_memory);
	RUN(damaged_links_end_quickly);
	RUN(unaligned_end_of_memory);
	return UNIT_DONE();
}
