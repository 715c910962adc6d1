/*
 * graph.h - a drawing to be: nodes and edges with graphviz attributes, kept
 * as plain data so that DOT text needs no graphviz (dot.c) and images are
 * laid out in-process by graphviz's gvc (graphviz.c).
 *
 * Attribute values are raw text (a label's lines are joined with '\n');
 * writers escape them.  Every string from a dump is untrusted: values are
 * cut at HG_GRAPH_MAX_VALUE bytes and invalid UTF-8 is replaced.
 */
#ifndef HG_GRAPH_H
#define HG_GRAPH_H

#include <stddef.h>
#include <stdio.h>
#include "../common/error.h"

#define HG_GRAPH_MAX_VALUE 400

struct hg_attr {
	char *key, *val;
};

struct hg_gitem {
	char *id;		/* node id, or NULL for an edge */
	size_t tail, head;	/* edges: node indexes */
	struct hg_attr *attr;
	size_t nattr;
};

struct hg_graph {
	struct hg_attr *gattr;	/* graph attributes */
	size_t ngattr;
	struct hg_attr *ndefault;	/* node defaults */
	size_t nndefault;
	struct hg_gitem *node, *edge;
	size_t nnode, nedge, node_alloc, edge_alloc;
};

void hg_graph_init(struct hg_graph *g);
void hg_graph_release(struct hg_graph *g);
/* Adds a node (id must be new and made of [A-Za-z0-9_]); returns its index. */
size_t hg_graph_node(struct hg_graph *g, const char *id);
size_t hg_graph_edge(struct hg_graph *g, size_t tail, size_t head);
/* Sets an attribute (replacing an earlier value) on a node, an edge, the graph or the node defaults. */
void hg_graph_nset(struct hg_graph *g, size_t node, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hg_graph_eset(struct hg_graph *g, size_t edge, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hg_graph_gset(struct hg_graph *g, const char *key, const char *val);
void hg_graph_dset(struct hg_graph *g, const char *key, const char *val);

/*
 * Escapes val for a graphviz attribute: backslash and (when quoted) the
 * double quote are escaped, newlines become \n, other control characters
 * and invalid UTF-8 are replaced.  The caller frees the result.
 */
char *hg_graph_escape(const char *val, int quoted);

/* Writes DOT text.  -1 on a write error. */
int hg_dot_write(const struct hg_graph *g, FILE *f);

/*
 * Lays the graph out with dot and renders it in format (png, svg, pdf,
 * xdot, ...) to path, atomically, in-process.  HG_EUNSUPPORTED for a format
 * graphviz lacks, HG_EWRITE when writing fails.
 */
/* The size of g as dot lays it out, in pixels at 96 dpi. */
int hg_graphviz_measure(const struct hg_graph *g, double *width, double *height, struct hg_error *err);
/* The same, into memory: *data (malloc'd, NUL after its *len bytes). */
int hg_graphviz_render_data(const struct hg_graph *g, const char *format, char **data, size_t *len,
			    struct hg_error *err);
int hg_graphviz_render(const struct hg_graph *g, const char *format, const char *path, struct hg_error *err);

#endif
