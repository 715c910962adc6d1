/*
 * chain.h - why is it alive: shortest chains of references from a root to
 * an object (objgraph's find_backref_chain, MAT's path to GC roots).
 *
 * One breadth-first search over the reverse edges from the target gives
 * every object's distance to it; the chains start at the roots nearest the
 * target.  Module, frame and interpreter roots are preferred; a chain ends
 * at C memory only when nothing else reaches the target.  Iterative and
 * linear in the graph.
 */
#ifndef HG_CHAIN_H
#define HG_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"
#include "../common/util.h"

struct hg_chain {
	uint32_t root;		/* index into h->roots */
	size_t len;		/* objects on the chain, root object first, target last */
	uint32_t *obj;		/* len objects */
	uint32_t *edge;		/* edge[k] leads from obj[k-1] to obj[k]; edge[0] is unused */
};

/*
 * Finds up to max chains to target that start at different root objects,
 * shortest first.  Weak edges are followed only when weak is set.  Returns
 * the number found (0: nothing reaches the target); *out gets an array the
 * caller frees with hg_chains_free.
 */
size_t hg_chain_find(const struct hg_heap *h, uint32_t target, int weak, size_t max,
		     struct hg_chain **out);
void hg_chains_free(struct hg_chain *c, size_t n);

/*
 * How much a root says, for ranking roots of the same distance: 0 a module
 * or a frame's local variable; 1 other frame roots; 2 interpreter roots;
 * 3 what only says the object is held (from outside the heap, C memory,
 * immortality), ranked last whatever its distance.
 */
int hg_root_tier(const struct hg_root *r);

/*
 * The chain as one line: "sys.modules['app'] → .__dict__['cache'] →
 * DataCache._cache → dict['req_17']".  The caller frees it.
 */
char *hg_chain_path(const struct hg_heap *h, const struct hg_chain *c);

/*
 * One step of such a line, by the edge's role and label: fields read as
 * attributes (.f_code, .__dict__), others as labeled (['k'], .attr, [3]).
 */
void hg_path_step(struct strbuf *sb, enum hg_edge_role role, const char *label);

#endif
