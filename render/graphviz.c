/*
 * graphviz.c - laying out and rendering a struct hg_graph in-process with
 * graphviz's cgraph and gvc: no dot subprocess, no temporary files.  The
 * only file that includes graphviz headers.
 *
 * Facts: graphviz's libguide (agopen/agnode/agedge/agsafeset, gvLayout,
 * gvRenderData, gvFreeRenderData, gvFreeLayout, gvContext).
 */
#include <gvc.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "../common/output.h"
#include "../common/util.h"

/* cgraph keeps the strings it is given: pass escaped copies through agsafeset. */
static void apply(void *obj, const struct hg_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *v = hg_graph_escape(a[i].val, 0);

		agsafeset(obj, a[i].key, v, "");
		free(v);
	}
}

static int quiet(char *msg)
{
	(void)msg;
	return 0;
}

/* The cgraph graph of g, with the attributes of a format ("png" shrinks what cairo cannot hold). */
static Agraph_t *to_cgraph(const struct hg_graph *g, const char *format)
{
	Agraph_t *ag = agopen("ObjectGraph", Agdirected, NULL);
	Agnode_t **nodes;

	apply(ag, g->gattr, g->ngattr);
	/* cairo bitmaps stop at 32767 pixels: shrink a huge graph ourselves (at 96 dpi)
	 * instead of letting the plugin print a note about it */
	if (!strcmp(format, "png") || !strcmp(format, "jpg") || !strcmp(format, "jpeg") || !strcmp(format, "gif"))
		agsafeset(ag, "size", "330,330", "");
	for (size_t i = 0; i < g->nndefault; i++) {
		char *v = hg_graph_escape(g->ndefault[i].val, 0);

		agattr(ag, AGNODE, g->ndefault[i].key, v);
		free(v);
	}
	nodes = xmalloc((g->nnode ? g->nnode : 1) * sizeof(*nodes));
	for (size_t i = 0; i < g->nnode; i++) {
		nodes[i] = agnode(ag, g->node[i].id, 1);
		apply(nodes[i], g->node[i].attr, g->node[i].nattr);
	}
	for (size_t i = 0; i < g->nedge; i++) {
		Agedge_t *e = agedge(ag, nodes[g->edge[i].tail], nodes[g->edge[i].head], NULL, 1);

		apply(e, g->edge[i].attr, g->edge[i].nattr);
	}
	free(nodes);
	return ag;
}

/*
 * One graphviz context for the whole run, never freed: Debian 12's
 * graphviz (2.42) has its pango plugin keep a pointer to the last font name
 * of a context across contexts, which a freed context leaves dangling (the
 * next layout's text measuring reads freed memory: ASan saw it).
 */
static GVC_t *context(void)
{
	static GVC_t *gvc;

	if (!gvc)
		gvc = gvContext();
	return gvc;
}

int hg_graphviz_measure(const struct hg_graph *g, double *width, double *height, struct hg_error *err)
{
	GVC_t *gvc = context();
	Agraph_t *ag;
	int rc = 0;

	if (!gvc)
		return hg_errorf(err, HG_EWRITE, "cannot start graphviz");
	agseterr(AGMAX);
	agseterrf(quiet);
	ag = to_cgraph(g, "svg");
	if (gvLayout(gvc, ag, "dot") != 0) {
		rc = hg_errorf(err, HG_EWRITE, "graphviz could not lay the graph out");
	} else {
		/* points; a bitmap has 96 pixels to the inch */
		*width = (GD_bb(ag).UR.x - GD_bb(ag).LL.x) * 96.0 / 72.0;
		*height = (GD_bb(ag).UR.y - GD_bb(ag).LL.y) * 96.0 / 72.0;
		gvFreeLayout(gvc, ag);
	}
	agclose(ag);
	return rc;
}

int hg_graphviz_render_data(const struct hg_graph *g, const char *format, char **out, size_t *outlen,
			    struct hg_error *err)
{
	GVC_t *gvc;
	Agraph_t *ag;
	char *data = NULL;
	unsigned int len = 0;
	int rc = 0;

	*out = NULL;
	*outlen = 0;
	gvc = context();
	if (!gvc)
		return hg_errorf(err, HG_EWRITE, "cannot start graphviz");
	/* graphviz's messages ("graph is too large ... scaling") are not ours to print:
	 * failures show in the return codes below */
	agseterr(AGMAX);
	agseterrf(quiet);
	ag = to_cgraph(g, format);
	if (gvLayout(gvc, ag, "dot") != 0) {
		rc = hg_errorf(err, HG_EWRITE, "graphviz could not lay the graph out");
		goto out;
	}
	if (gvRenderData(gvc, ag, format, &data, &len) != 0) {
		rc = hg_errorf(err, HG_EUNSUPPORTED, "graphviz cannot write '%s' here", format);
		gvFreeLayout(gvc, ag);
		goto out;
	}
	/* ours to free with free(), with a NUL after it for text formats */
	*out = xmalloc((size_t)len + 1);
	memcpy(*out, data, len);
	(*out)[len] = '\0';
	*outlen = len;
	gvFreeRenderData(data);
	gvFreeLayout(gvc, ag);
out:
	agclose(ag);
	return rc;
}

int hg_graphviz_render(const struct hg_graph *g, const char *format, const char *file, struct hg_error *err)
{
	struct hg_out out;
	char *data;
	size_t len;
	int rc;

	if (hg_graphviz_render_data(g, format, &data, &len, err) < 0) {
		char why[sizeof(err->msg)];

		memcpy(why, err->msg, sizeof(why));
		return hg_errorf(err, err->code, "%s: %s", file, why);
	}
	if (hg_out_open(&out, file, err) < 0) {
		rc = -1;
	} else if (len && fwrite(data, 1, len, out.f) != len) {
		rc = hg_out_fail(&out, err);
	} else {
		rc = hg_out_commit(&out, err);
	}
	free(data);
	return rc;
}
