/*
 * sites.h - objects grouped by where they were allocated: the most recent
 * frame of their tracemalloc traceback (tracemalloc's statistics('lineno'),
 * but counting objects, with their retained sizes).
 */
#ifndef HG_SITES_H
#define HG_SITES_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

struct hg_site {
	/* the frame (pool offsets; file HG_NONE for objects without a traceback) */
	uint32_t file, lineno, func;
	uint32_t type;		/* with by_type: the objects' type; else the type with the most bytes there */
	uint64_t count, bytes;
	uint64_t retained;	/* what freeing them all would free (MAT's minimum retained size) */
};

/*
 * The allocation sites of the heap's objects (only those gc.get_objects()
 * returns with gc_only), and with by_type one row per site and type.
 * Objects without a traceback make one row of file HG_NONE.  Returns the number
 * of rows, in no order; free *out.
 */
size_t hg_sites(const struct hg_heap *h, int by_type, int gc_only, struct hg_site **out);
/* The same for what root retains: the objects it dominates, itself included. */
size_t hg_sites_under(const struct hg_heap *h, uint32_t root, struct hg_site **out);

#endif
