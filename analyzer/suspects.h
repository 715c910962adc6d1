/*
 * suspects.h - leak suspects: where a heap's memory accumulates.
 *
 * Two rules, both over the dominator tree (dom.h):
 *  - Eclipse MAT's: an object retaining at least a tenth of the heap is
 *    followed down the dominator tree, always into the child that retains
 *    the most, while that child keeps at least four fifths of what its
 *    parent retains.  Where it stops -- the accumulation point -- the memory
 *    spreads over many objects: that is the suspect (a cache dict, a list of
 *    requests), not the module or object that happens to hold it.
 *  - Containers of many objects of one type: an object with at least
 *    HG_SUSPECT_MANY items (or members, or references) of which one type is
 *    the most and at least half, retaining at least 1% of the heap.
 * A suspect found by both rules is listed once.
 */
#ifndef HG_SUSPECTS_H
#define HG_SUSPECTS_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

#define HG_SUSPECT_MANY 500

enum hg_suspect_rule {
	HG_SUSPECT_BIG,		/* MAT's: retains >= 10% of the heap (followed down) */
	HG_SUSPECT_CONTAINER	/* holds many objects of one type */
};

struct hg_suspect {
	uint32_t obj;		/* the suspect (the accumulation point) */
	uint32_t from;		/* BIG: the top-level object it was followed down from */
	enum hg_suspect_rule rule;
	uint32_t type;		/* the commonest type among what it holds (HG_NONE: none) */
	uint64_t count;		/* how many it holds of that type */
	uint64_t items;		/* how many it holds in all (items when it has any, else references) */
};

/*
 * Finds at most max suspects into out, largest retained first; returns how
 * many.  total is the heap's size in bytes (what percentages are of).
 */
size_t hg_suspects(const struct hg_heap *h, uint64_t total, struct hg_suspect *out, size_t max);

/*
 * Up to n of obj's items that are objects of type t, in the container's
 * order, into out as edge indexes (h->label[e] is "['key']" or "[3]",
 * h->to[e] the item); returns how many.
 */
size_t hg_suspect_examples(const struct hg_heap *h, uint32_t obj, uint32_t t, uint64_t *out, size_t n);

#endif
