/*
 * growth.h - what changed between dumps of one process: objgraph's
 * show_growth (counts per type) and get_new_ids (the objects that are new),
 * memlab's leak set (new in one interval and never freed).
 *
 * An object of one dump is the same as one of another when both have the
 * same address, types of the same name and, for the objects whose value is
 * kept (numbers, strings, bytes), the same value: CPython objects never
 * move, and an address reused by an object of another type or value is a new
 * object.  Types are matched by their qualified name ("module.qualname").
 */
#ifndef HG_GROWTH_H
#define HG_GROWTH_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

/*
 * For each object of b, the index of the same object in a, or HG_NONE.
 * Linear: one walk over both heaps' objects in address order.
 */
void hg_growth_match(const struct hg_heap *a, const struct hg_heap *b, uint32_t *match);

struct hg_growth_row {
	char *type;			/* "module.qualname" */
	uint64_t count[2], bytes[2];	/* in a, in b */
	uint64_t retained[2];		/* the type's retained size in each (dom.h) */
	uint64_t new_count, new_bytes;	/* objects of b that a does not have */
};

/*
 * Per type, a against b: all objects, or only what gc.get_objects() returns
 * (gc_only).  is_new[i] (b->nobj entries) says which objects of b are new.
 * Rows of types with objects in either, sorted as show_growth sorts: the
 * largest count increase first, then bytes, then by name.  Returns how many
 * rows *out holds (free with hg_growth_rows_free).
 */
size_t hg_growth_types(const struct hg_heap *a, const struct hg_heap *b, int gc_only, const uint8_t *is_new,
		       struct hg_growth_row **out);
void hg_growth_rows_free(struct hg_growth_row *rows, size_t n);

/* Would gc.get_objects() return object i (tracked, not frozen)? */
static inline int hg_growth_gc_object(const struct hg_heap *h, size_t i)
{
	return (h->flags[i] & (HG_OBJ_GC | HG_OBJ_FROZEN)) == HG_OBJ_GC;
}

#endif
