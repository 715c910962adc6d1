/*
 * graphml.h - the whole heap as GraphML (loadable by networkx, Gephi, yEd):
 * a node per object, id its address, with its type, repr, size, retained
 * size, whether it is reachable and tracked by the GC and the root that
 * holds it directly; an edge per reference with its label and kind
 * (strong, weak, type, possible).  Dump text is cleaned for XML (xml.h) and
 * escaped by libxml2's writer.
 */
#ifndef HG_GRAPHML_H
#define HG_GRAPHML_H

#include "../analyzer/heap.h"
#include "../common/error.h"

/* Writes h to path ("-" or NULL: standard output), atomically.  HG_EWRITE on failure. */
int hg_graphml_write(const struct hg_heap *h, const char *path, struct hg_error *err);

#endif
