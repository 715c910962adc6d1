/*
 * nbhood.h - the neighbourhood of some objects, breadth first, the way
 * objgraph's show_backrefs / show_refs walk it: up to max_depth hops, at most
 * too_many neighbours drawn per object (the rest counted), backrefs stop at
 * modules.  What a picture shows; render/picture.c decides how it looks.
 *
 * Made to stay readable on real heaps (when fold and max_width are set):
 * new neighbours of one object that have the same type and are reached by
 * the same kind of edge (the same attribute, or any item of a container)
 * are folded into one node when there are fold or more of them, which
 * stands for them all and is expanded through its first member ("dict
 * × 1,179 like this"): the functions that all hold a module's dict through
 * __globals__, the instances of a class, the items of a cache.  Each rank
 * (objects at one distance) takes nodes while their estimated width stays
 * under max_width pixels; the rest are counted.  And a node left
 * unexpanded at the depth limit that leads, within a bounded search, back to
 * a node it was reached from gets a "hops" edge to it: cycles are drawn as
 * cycles.
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
	unsigned fold;		/* fold this many like siblings or more into one node (0: never) */
	unsigned max_width;	/* pixels a rank may take, estimated (0: no limit) */
};

/* Nodes drawn with their labels cut at this many characters (render/picture.c cuts them). */
#define HG_NB_LABEL_MAX 60

struct hg_nb_edge {
	uint32_t from, to;	/* node indexes; from refers to to */
	uint32_t edge;		/* the first heap edge between them */
	uint32_t count;		/* heap edges between them (or objects folded into one end) */
	uint8_t folded;		/* to or from a folded node: the label stands for many */
};

/* from leads to to through hops more references than drawn (a cycle closing, a chain going on) */
struct hg_nb_hop {
	uint32_t from, to, hops;
};

struct hg_nbhood {
	size_t n, nstart, nedges;
	uint32_t *obj;		/* node -> object, start objects first */
	uint32_t *depth;
	uint32_t *parent;	/* the node it was reached from (HG_NONE for the start objects) */
	uint64_t *skipped;	/* neighbours left out by too_many */
	uint8_t *culled;	/* not expanded: a module (backrefs) */
	uint32_t *fold;		/* objects node q stands for: 1, or the members folded into it */
	uint64_t *fold_bytes;	/* their shallow sizes */
	struct hg_nb_edge *edges;
	struct hg_nb_hop *hops;
	size_t nhops;
};

void hg_nbhood_build(const struct hg_heap *h, const uint32_t *start, size_t nstart,
		     const struct hg_nb_options *o, struct hg_nbhood *out);
void hg_nbhood_release(struct hg_nbhood *nb);

#endif
