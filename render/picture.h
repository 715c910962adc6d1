/*
 * picture.h - objgraph's look for a neighbourhood of the heap, as its
 * show_backrefs and show_refs draw it: boxes filled on a grey gradient by
 * distance, modules green, the start objects in red text, "N more
 * references" nodes; improved with labeled edges, shallow sizes on nodes,
 * root nodes naming the thread/frame/variable that holds an object, dashed
 * weak edges.
 */
#ifndef HG_PICTURE_H
#define HG_PICTURE_H

#include "graph.h"
#include "../analyzer/heap.h"
#include "../analyzer/nbhood.h"

struct hg_picture_style {
	int backrefs;		/* "N more backreferences"; root nodes drawn */
	unsigned max_depth;
	int refcounts;		/* " [refcount]" after the type */
	const char *extra_info;	/* comma-separated fields for more lines: addr,size,refcount,referrers,gc,reachable,traceback */
	const uint8_t *highlight;	/* per type: highlighted (blue) */
	int legend;
};

/* Fills g (initialised by the caller) with the drawing of nb. */
void hg_picture_build(const struct hg_heap *h, const struct hg_nbhood *nb,
		      const struct hg_picture_style *st, struct hg_graph *g);

/*
 * The picture of start[0..n) as o and st say, made to fit max_px pixels of
 * width (0: as it comes): when dot lays it out wider, the ranks' width
 * budget (o->max_width) shrinks in proportion and the picture is made again,
 * a few times at most.  g is initialised here; *nodes gets the objects drawn.
 */
void hg_picture_fit(const struct hg_heap *h, const uint32_t *start, size_t n, const struct hg_nb_options *o,
		    const struct hg_picture_style *st, unsigned max_px, struct hg_graph *g, size_t *nodes);

#endif
