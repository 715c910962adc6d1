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
#include "paths.h"

int hg_type_matches(const struct hg_heap *h, uint32_t t, const char *spec);

/* Which objects of a type stand for it (--pick). */
enum hg_pick {
	HG_PICK_GROUP,		/* from the largest group of chains (paths.h), those retaining most */
	HG_PICK_LARGEST,	/* largest shallow size */
	HG_PICK_RETAINED,	/* largest retained size */
	HG_PICK_RANDOM		/* any, as objgraph's random.choice */
};

/* "group", "largest", "retained", "random": 0, or -1 for another word. */
int hg_pick_parse(const char *word, enum hg_pick *out);

#define HG_SELECT_NAMES 3

struct hg_selection {
	uint32_t *obj;		/* the picked objects */
	size_t n;
	uint64_t total;		/* objects of the type */
	/* HG_PICK_GROUP with more objects than picked: the groups, largest first */
	struct hg_path_group *groups;
	size_t ngroups;
	char *names[HG_SELECT_NAMES];	/* the first groups' names */
};

/*
 * Picks at most limit (0: all) of the objects of the types matching spec,
 * the way how says; ties go to the larger, then to the lower address.
 * Returns sel->n.
 */
size_t hg_select(const struct hg_heap *h, const char *spec, enum hg_pick how, size_t limit,
		 struct hg_selection *sel);
void hg_selection_release(struct hg_selection *sel);

#endif
