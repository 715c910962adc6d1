/*
 * paths.h - objects grouped by where they hang: Eclipse MAT's "merge
 * shortest paths".
 *
 * One search from the roots gives every live object its shortest chain
 * (the same preferences as chain.h: module and local-variable roots first,
 * a module's __dict__ step free, roots that only say "held" -- from outside
 * the heap, immortal -- only for what nothing else reaches).  Two objects
 * are in one group when their chains have the same shape: the same root,
 * the same types at every step and the same edges, except that the keys
 * and indexes of containers are wildcarded -- the entries of a module's or
 * an instance's __dict__ (attributes, globals) keep their names.  So the
 * 48,000 dicts a service keeps in a list under a global read as one group,
 * "sys.modules['app'] → .__dict__['cache'] → list[*] → dict", apart from
 * the dicts of the standard library.
 *
 * A group's size is its members' own bytes (what `types` counts for them;
 * MAT's "Ref. Shallow Heap" of a merged path): where the set's memory is.
 * A group's retained size is its share of what the whole set given retains:
 * every byte the set retains (dom.h) is counted for the nearest member that
 * dominates it.  So a module's __dict__ retains its globals but not the
 * 48,000 dicts under one of them: those are the share of their own group.
 * The shares add up to the set's minimum retained size (what its members
 * dominate: types' retained sizes are counted the same way).
 */
#ifndef HG_PATHS_H
#define HG_PATHS_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

struct hg_paths;

struct hg_path_group {
	uint32_t shape;		/* what hg_paths_name names */
	uint32_t example;	/* the member that retains most */
	uint64_t count, shallow, retained;	/* shallow: the members' own; retained: the group's share */
};

/* The shortest chains from the roots of every object (linear in the heap). */
struct hg_paths *hg_paths_new(const struct hg_heap *h);
/*
 * Also merge groups of one object that differ from two others or more only
 * in names (the members of an enum, a module's functions): for listing
 * where many objects hang, not for picking objects (three big tables under
 * three globals are not one group of where memory goes).  Off by default.
 */
void hg_paths_merge_names(struct hg_paths *p, int on);
void hg_paths_free(struct hg_paths *p);

/*
 * Groups objs[0..n) by the shape of their chains: *out gets the groups
 * (caller frees), the largest first (by shallow, then retained, then
 * members); group_of[k]
 * (n entries, or NULL) the group of objs[k].  Returns the number of groups.
 */
size_t hg_paths_group(struct hg_paths *p, const uint32_t *objs, size_t n, uint32_t *group_of,
		      struct hg_path_group **out);

/*
 * Where the objects marked in mark[] (h->nobj entries) hang off the rest:
 * each counts in the group of the first marked object on its chain (the
 * one nearest the root), so a new list and the new strings in it are one
 * line, under the path to the list.  Groups as hg_paths_group's, their
 * counts and bytes those of every marked object they take in, sorted by
 * bytes (then count); example is the first marked object of the group's
 * largest subtree.  Returns the number of groups.
 */
size_t hg_paths_group_marked(struct hg_paths *p, const uint8_t *mark, struct hg_path_group **out);

/*
 * A group's shape as one line in chain's way with the wildcards shown and
 * the members' type last: "sys.modules['app'] → .__dict__['cache'] →
 * list[*] → dict"; or what says there is no chain.  The caller frees it.
 */
char *hg_paths_name(const struct hg_paths *p, uint32_t shape);

#endif
