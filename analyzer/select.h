/*
 * select.h - picking objects by type, objgraph's way: "X" matches the type's
 * __name__, "mod.X" the module-qualified name (__module__ + "." + __name__,
 * or + __qualname__ for nested classes).
 */
#ifndef HG_SELECT_H
#define HG_SELECT_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

int hg_type_matches(const struct hg_heap *h, uint32_t t, const char *spec);

/*
 * The objects of the types matching spec, largest first (by shallow size;
 * ties by address), at most limit of them (0: all).  *total receives how
 * many objects matched.  Returns the number stored in *out (caller frees).
 */
size_t hg_select_type(const struct hg_heap *h, const char *spec, size_t limit,
		      uint32_t **out, uint64_t *total);

#endif
