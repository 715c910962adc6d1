/*
 * nbhood.h - the neighbourhood of some objects, breadth first, the way
 * objgraph's show_backrefs / show_refs walk it: up to max_depth hops, at most
 * too_many neighbours drawn per object (the rest counted), backrefs stop at
 * modules.  What a picture shows; render/picture.c decides how it looks.
 */
#ifndef HG_NBHOOD_H
#define HG_NBHOOD_H

#include <stddef.h>
#include <stdint.h>
#include "heap.h"

typedef int (*hg_nb_filter)(const struct hg_heap *h, uint32_t obj, void *arg);

struct hg_nb_options {
	int backrefs;		/* follow referrers (else referents) */
	unsigned max_depth, too_many;
	int weak;		/* follow weak edges too */
	hg_nb_filter filter;	/* neighbours it refuses are left out (start objects never) */
	void *arg;
	const uint8_t *only;	/* when set: only objects i with only[i] (chains) */
};

struct hg_nb_edge {
	uint32_t from, to;	/* node indexes; from refers to to */
	uint32_t edge;		/* the first heap edge between them */
	uint32_t count;		/* heap edges between them */
};

struct hg_nbhood {
	size_t n, nstart, nedges;
	uint32_t *obj;		/* node -> object, start objects first */
	uint32_t *depth;
	uint64_t *skipped;	/* neighbours left out by too_many */
	uint8_t *culled;	/* not expanded: a module (backrefs) */
	struct hg_nb_edge *edges;
};

void hg_nbhood_build(const struct hg_heap *h, const uint32_t *start, size_t nstart,
		     const struct hg_nb_options *o, struct hg_nbhood *out);
void hg_nbhood_release(struct hg_nbhood *nb);

#endif
