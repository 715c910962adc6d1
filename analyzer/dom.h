/*
 * dom.h - what holds the memory: the dominator tree of the heap and every
 * object's retained size (what freeing it would free: the shallow sizes of
 * the objects it dominates, itself included).
 *
 * The tree is over the references that hold (strong and type edges: weak
 * references never retain, as in Chrome DevTools, and a scan's guesses do
 * not either), from one virtual root that points at every root object but
 * those of C memory, which keep nothing alive.  Objects no root reaches hang from the virtual root,
 * one depth-first tree each, in index order (DevTools' way), so that every
 * object has a dominator and a retained size.
 */
#ifndef HG_DOM_H
#define HG_DOM_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

/*
 * Computes h->idom (the immediate dominator's index, HG_NONE for objects
 * the virtual root dominates directly), h->retained, and each type's
 * retained (hg_dom_type_retained).  Iterative
 * semi-NCA: Lengauer-Tarjan's semidominators with path compression, then
 * the nearest common ancestor on the depth-first tree; memory is seven
 * 32-bit and one 64-bit word per object while it runs.  Call on a finished
 * heap being built (after its roots are final); -1 on a loaded one.
 */
int hg_dom_compute(struct hg_heap *h);

/*
 * MAT's minimum retained size of the objects of type t: the retained sizes
 * of those no other object of t dominates (what freeing all of them would
 * free).  out gets one total per type (h->ntype of them).
 */
void hg_dom_type_retained(const struct hg_heap *h, uint64_t *out);
/* The same for any grouping: group[i] is object i's group (ngroups or more: none). */
void hg_dom_group_retained(const struct hg_heap *h, const uint32_t *group, size_t ngroups, uint64_t *out);

/* The n objects of largest retained size into out, largest first (ties by index); returns how many. */
size_t hg_dom_biggest(const struct hg_heap *h, uint32_t *out, size_t n);

#endif
