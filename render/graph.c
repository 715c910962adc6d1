/*
 * graph.c - the drawing model and its DOT writer (see graph.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "graph.h"
#include "../common/util.h"

void hg_graph_init(struct hg_graph *g)
{
	memset(g, 0, sizeof(*g));
}

static void free_attrs(struct hg_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].val);
	}
	free(a);
}

void hg_graph_release(struct hg_graph *g)
{
	for (size_t i = 0; i < g->nnode; i++) {
		free(g->node[i].id);
		free_attrs(g->node[i].attr, g->node[i].nattr);
	}
	for (size_t i = 0; i < g->nedge; i++)
		free_attrs(g->edge[i].attr, g->edge[i].nattr);
	free(g->node);
	free(g->edge);
	free_attrs(g->gattr, g->ngattr);
	free_attrs(g->ndefault, g->nndefault);
	memset(g, 0, sizeof(*g));
}

size_t hg_graph_node(struct hg_graph *g, const char *id)
{
	HG_GROW(g->node, g->nnode + 1, g->node_alloc);
	memset(&g->node[g->nnode], 0, sizeof(g->node[0]));
	g->node[g->nnode].id = xstrdup(id);
	return g->nnode++;
}

size_t hg_graph_edge(struct hg_graph *g, size_t tail, size_t head)
{
	HG_GROW(g->edge, g->nedge + 1, g->edge_alloc);
	memset(&g->edge[g->nedge], 0, sizeof(g->edge[0]));
	g->edge[g->nedge].tail = tail;
	g->edge[g->nedge].head = head;
	return g->nedge++;
}

static void set(struct hg_attr **a, size_t *n, const char *key, const char *val)
{
	size_t len = strlen(val);

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*a)[i].key, key)) {
			free((*a)[i].val);
			(*a)[i].val = xstrndup(val, len > HG_GRAPH_MAX_VALUE ? HG_GRAPH_MAX_VALUE : len);
			return;
		}
	*a = xrealloc(*a, (*n + 1) * sizeof(**a));
	(*a)[*n].key = xstrdup(key);
	(*a)[*n].val = xstrndup(val, len > HG_GRAPH_MAX_VALUE ? HG_GRAPH_MAX_VALUE : len);
	(*n)++;
}

/* Sets key on a node or an edge to the formatted value. */
static void vset(struct hg_gitem *it, const char *key, const char *fmt, va_list ap)
{
	char *v = xvasprintf(fmt, ap);

	set(&it->attr, &it->nattr, key, v);
	free(v);
}

void hg_graph_nset(struct hg_graph *g, size_t node, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(&g->node[node], key, fmt, ap);
	va_end(ap);
}

void hg_graph_eset(struct hg_graph *g, size_t edge, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(&g->edge[edge], key, fmt, ap);
	va_end(ap);
}

void hg_graph_gset(struct hg_graph *g, const char *key, const char *val)
{
	set(&g->gattr, &g->ngattr, key, val);
}

void hg_graph_dset(struct hg_graph *g, const char *key, const char *val)
{
	set(&g->ndefault, &g->nndefault, key, val);
}

char *hg_graph_escape(const char *val, int quoted)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (const unsigned char *p = (const unsigned char *)val; *p;) {
		size_t n = hg_utf8_len(p);

		if (!n) {
			strbuf_addstr(&sb, "\xef\xbf\xbd");	/* U+FFFD */
			p++;
			continue;
		}
		if (*p == '\\')
			strbuf_addstr(&sb, "\\\\");
		else if (*p == '"' && quoted)
			strbuf_addstr(&sb, "\\\"");
		else if (*p == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addch(&sb, '?');
		else
			strbuf_add(&sb, p, n);
		p += n;
	}
	return strbuf_detach(&sb);
}

static int write_attrs(FILE *f, const struct hg_attr *a, size_t n)
{
	int bad = 0;

	if (!n)
		return 0;
	bad |= fputs(" [", f) < 0;
	for (size_t i = 0; i < n; i++) {
		char *v = hg_graph_escape(a[i].val, 1);

		bad |= fprintf(f, "%s%s=\"%s\"", i ? ", " : "", a[i].key, v) < 0;
		free(v);
	}
	bad |= fputs("]", f) < 0;
	return bad;
}

int hg_dot_write(const struct hg_graph *g, FILE *f)
{
	int bad = 0;

	bad |= fputs("digraph ObjectGraph {\n", f) < 0;
	for (size_t i = 0; i < g->ngattr; i++) {
		char *v = hg_graph_escape(g->gattr[i].val, 1);

		bad |= fprintf(f, "  %s=\"%s\";\n", g->gattr[i].key, v) < 0;
		free(v);
	}
	if (g->nndefault) {
		bad |= fputs("  node", f) < 0;
		bad |= write_attrs(f, g->ndefault, g->nndefault);
		bad |= fputs(";\n", f) < 0;
	}
	for (size_t i = 0; i < g->nnode; i++) {
		bad |= fprintf(f, "  %s", g->node[i].id) < 0;
		bad |= write_attrs(f, g->node[i].attr, g->node[i].nattr);
		bad |= fputs(";\n", f) < 0;
	}
	for (size_t i = 0; i < g->nedge; i++) {
		bad |= fprintf(f, "  %s -> %s", g->node[g->edge[i].tail].id, g->node[g->edge[i].head].id) < 0;
		bad |= write_attrs(f, g->edge[i].attr, g->edge[i].nattr);
		bad |= fputs(";\n", f) < 0;
	}
	bad |= fputs("}\n", f) < 0;
	return bad ? -1 : 0;
}
