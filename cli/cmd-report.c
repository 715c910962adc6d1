/*
 * cmd-report.c - "heapgraph report [DUMP | OLD NEW [NEWER...]] -o F.html":
 * the page to attach to a bug report (render/report.h), from what analyze,
 * top, types and growth say, with a backrefs picture of each leak suspect.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/heap.h"
#include "../analyzer/nbhood.h"
#include "../common/util.h"
#include "../render/graph.h"
#include "../render/json.h"
#include "../render/picture.h"
#include "../render/report.h"
#include "../analyzer/sites.h"

#define TYPES 25	/* rows of the types table */
#define RETAINERS 10
#define SITES 10		/* rows of the allocation sites table */
#define SUSPECT_SITES 3		/* sites named for what a suspect retains */
#define PICTURE_DEPTH 4
#define PICTURE_WIDTH 6	/* neighbours drawn per object */
#define PICTURE_PX 1100	/* as wide as the page's column, about */

static const struct hg_heap *by_bytes_heap;

static int by_bytes(const void *a, const void *b)
{
	const struct hg_type *x = &by_bytes_heap->types[*(const uint32_t *)a];
	const struct hg_type *y = &by_bytes_heap->types[*(const uint32_t *)b];

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static json_t *types_json(const struct hg_heap *h)
{
	uint32_t *order = xmalloc((h->ntype ? h->ntype : 1) * sizeof(*order));
	json_t *a = json_array();
	char q[512];

	for (uint32_t t = 0; t < h->ntype; t++)
		order[t] = t;
	by_bytes_heap = h;
	hg_sort(order, h->ntype, sizeof(*order), by_bytes);
	for (size_t k = 0; k < h->ntype && k < TYPES && h->types[order[k]].count; k++) {
		json_t *r = json_object();
		const struct hg_type *T = &h->types[order[k]];

		json_object_set_new(r, "type", hg_json_str(hg_heap_type_name(h, order[k], q, sizeof(q))));
		json_object_set_new(r, "count", json_integer((json_int_t)T->count));
		json_object_set_new(r, "bytes", json_integer((json_int_t)T->bytes));
		json_object_set_new(r, "retained", json_integer((json_int_t)T->retained));
		json_array_append_new(a, r);
	}
	free(order);
	return a;
}

/* Functions all refer to their module's dict (__globals__): a picture of what holds a global leaves them out. */
static int not_function(const struct hg_heap *h, uint32_t i, void *arg)
{
	(void)arg;
	return hg_heap_type(h, i) >= h->ntype || strcmp(hg_heap_s(h, h->types[hg_heap_type(h, i)].name), "function");
}

/* The backrefs picture of the object at addr as SVG text, or NULL. */
static char *backrefs_svg(const struct hg_heap *h, const char *addr)
{
	struct hg_nb_options o = { 1, PICTURE_DEPTH, PICTURE_WIDTH, 0, not_function, NULL, NULL, 5, PICTURE_PX };
	struct hg_picture_style st = { 1, PICTURE_DEPTH, 0, NULL, NULL, 0 };
	struct hg_error err = { 0, "" };
	struct hg_graph g;
	uint32_t i = addr ? hg_heap_find(h, strtoull(addr, NULL, 16)) : HG_NONE;
	char *svg = NULL;
	size_t len, drawn;

	if (i == HG_NONE)
		return NULL;
	hg_picture_fit(h, &i, 1, &o, &st, PICTURE_PX, &g, &drawn);
	if (hg_graphviz_render_data(&g, "svg", &svg, &len, &err) < 0)
		svg = NULL;
	hg_graph_release(&g);
	return svg;
}

/*
 * Adds where the object o names ("addr") was allocated, and with retained
 * the allocation sites of what it retains, when the dump has tracebacks.
 */
static void allocated_at(const struct hg_heap *h, json_t *o, int retained)
{
	uint32_t i = hg_heap_find(h, strtoull(json_string_value(json_object_get(o, "addr")) ?
					      json_string_value(json_object_get(o, "addr")) : "0", NULL, 16));
	char at[8192];

	if (!h->ntb || i == HG_NONE)
		return;
	json_object_set_new(o, "allocated_at", hg_json_str(hg_heap_alloc_site(h, i, at, sizeof(at))));
	if (retained) {
		struct hg_site *rows;
		size_t n = hg_sites_under(h, i, &rows);

		json_object_set_new(o, "retained_sites", cli_sites_json(h, rows, n, SUSPECT_SITES, 1));
		free(rows);
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "gc-only", no_argument, NULL, 'g' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL, *output = NULL;
	int ch, gc_only = 0, ndump;
	char *path;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	struct hg_error err = { 0, "" };
	json_t *doc, *saved, *d, *suspects, *s, *growth = NULL;
	size_t k;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': output = optarg; break;
		case 'g': gc_only = 1; break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("report")); return 0;
		default: return cli_bad_option("report", ch, argv);
		}
	}
	ndump = argc - optind;
	if (output && strcmp(output, "-") && (strlen(output) < 5 || (strcmp(output + strlen(output) - 5, ".html") &&
								      strcmp(output + strlen(output) - 4, ".htm"))))
		return cli_usage("report", "-o takes a .html file");
	if (ndump >= 2) {
		growth = cli_growth_json("report", argv + optind, ndump, sysroot, gc_only, 10, 0, &ch);
		if (!growth)
			return ch;
	}
	if (!(path = ndump ? xstrdup(argv[argc - 1]) : cli_default_dump("report"))) {
		json_decref(growth);
		return HG_EUSAGE;
	}
	if ((ch = cli_load("report", path, sysroot, &h, NULL))) {
		free(path);
		json_decref(growth);
		return ch;
	}
	/* what analyze and top say: from the index's summary when there is one */
	saved = cli_summary_load(path, &warn);
	hg_warnings_release(&warn);
	d = json_object();
	json_object_set_new(d, "dump", hg_json_str(path));
	if (saved) {
		json_object_update(d, json_object_get(saved, "analyze"));
	} else {
		json_t *a = cli_analysis(&h);

		json_object_update(d, a);
		json_decref(a);
	}
	doc = json_object();
	json_object_set_new(doc, "version", json_string(HG_VERSION));
	json_object_set_new(doc, "dump", d);
	json_object_set_new(doc, "types", types_json(&h));
	if (saved && json_array_size(json_object_get(saved, "top")) >= RETAINERS) {
		json_t *top = json_array();

		for (k = 0; k < RETAINERS; k++)
			json_array_append(top, json_array_get(json_object_get(saved, "top"), k));
		json_object_set_new(doc, "retainers", top);
	} else {
		json_object_set_new(doc, "retainers", cli_top_json(&h, RETAINERS));
	}
	/* with tracebacks: where each retainer and suspect was allocated, and what a suspect retains */
	json_array_foreach(json_object_get(doc, "retainers"), k, s)
		allocated_at(&h, s, 0);
	suspects = json_deep_copy(json_object_get(d, "suspects"));
	json_array_foreach(suspects, k, s) {
		char *svg = backrefs_svg(&h, json_string_value(json_object_get(s, "addr")));

		if (svg)
			json_object_set_new(s, "svg", hg_json_str(svg));
		free(svg);
		allocated_at(&h, s, 1);
	}
	if (h.ntb) {
		struct hg_site *rows;
		size_t n = hg_sites(&h, 0, 0, &rows);

		json_object_set_new(doc, "sites", cli_sites_json(&h, rows, n, SITES, 0));
		free(rows);
	}
	json_object_set_new(doc, "suspects", suspects);
	if (growth)
		json_object_set_new(doc, "growth", growth);
	json_decref(saved);
	hg_heap_release(&h);
	ch = hg_report_write(doc, output, &err) < 0 ? cli_fail(&err) : 0;
	if (!ch && output && strcmp(output, "-"))
		fprintf(stderr, "heapgraph: report written to %s\n", output);
	json_decref(doc);
	free(path);
	return ch;
}
