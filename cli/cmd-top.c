/*
 * cmd-top.c - "heapgraph top [DUMP]": the objects that retain the most
 * memory (MAT's dominator tree, biggest first), each with the first hops of
 * the chain that holds it.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/chain.h"
#include "../analyzer/dom.h"
#include "../analyzer/heap.h"
#include "../analyzer/sites.h"
#include "../render/json.h"
#include "../common/util.h"

/* {addr, type, repr, shallow, retained, path}: one retainer, with the first chain that holds it. */
json_t *cli_retainer_json(const struct hg_heap *h, uint32_t i)
{
	struct hg_chain *c = NULL;
	json_t *o = json_object();
	char q[512], rb[HG_REPR_BUF];

	json_object_set_new(o, "addr", hg_json_addr(hg_heap_addr(h, i)));
	json_object_set_new(o, "type", hg_json_str(hg_heap_type_name(h, hg_heap_type(h, i), q, sizeof(q))));
	json_object_set_new(o, "repr", hg_json_str(hg_heap_repr(h, i, rb, sizeof(rb))));
	json_object_set_new(o, "shallow", json_integer((json_int_t)hg_heap_size(h, i)));
	json_object_set_new(o, "retained", json_integer((json_int_t)hg_heap_retained(h, i)));
	if (hg_chain_find(h, i, 0, 1, &c)) {
		char *p = hg_chain_path(h, c);

		json_object_set_new(o, "path", hg_json_str(p));
		free(p);
		hg_chains_free(c, 1);
	} else {
		json_object_set_new(o, "path", json_null());
	}
	return o;
}

json_t *cli_top_json(const struct hg_heap *h, size_t n)
{
	uint32_t *top;
	json_t *a = json_array();

	if (n > h->nobj)
		n = h->nobj;
	top = xmalloc((n ? n : 1) * sizeof(*top));

	n = h->retained ? hg_dom_biggest(h, top, n) : 0;
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, cli_retainer_json(h, top[k]));
	free(top);
	return a;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void print_text(json_t *a, uint64_t total)
{
	size_t k;
	json_t *o;

	printf("%14s %5s %10s  %-18s %s\n", "retained", "%", "shallow", "address", "type / repr / held by");
	json_array_foreach(a, k, o) {
		json_int_t r = json_integer_value(json_object_get(o, "retained"));
		json_t *p = json_object_get(o, "path");

		printf("%14lld %5.1f %10lld  %-18s %s  %s\n", (long long)r, total ? 100.0 * (double)r / (double)total : 0.0,
		       (long long)json_integer_value(json_object_get(o, "shallow")), str(o, "addr"), str(o, "type"),
		       str(o, "repr"));
		printf("%52s%s\n", "", json_is_string(p) ? json_string_value(p) : "(no root reaches it)");
	}
}

/* Prints the retainers (and drops them); the exit code. */
static int print(json_t *a, int json, uint64_t total)
{
	if (json) {
		if (hg_json_print(stdout, a) < 0)
			return HG_EWRITE;
	} else {
		print_text(a, total);
		json_decref(a);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}

static int site_by_retained(const void *a, const void *b)
{
	const struct hg_site *x = a, *y = b;

	return cli_desc(x->retained, y->retained, x->bytes, y->bytes);
}

static int site_by_shallow(const void *a, const void *b)
{
	const struct hg_site *x = a, *y = b;

	return cli_desc(x->bytes, y->bytes, x->count, y->count);
}

json_t *cli_sites_json(const struct hg_heap *h, struct hg_site *rows, size_t n, size_t limit, int by_shallow)
{
	json_t *a = json_array();
	char q[512], site[8192];

	hg_sort(rows, n, sizeof(*rows), by_shallow ? site_by_shallow : site_by_retained);
	for (size_t k = 0; k < n && k < limit; k++) {
		json_t *r = json_object();

		cli_site_json(h, &rows[k], r);
		json_object_set_new(r, "at", hg_json_str(cli_site_text(h, &rows[k], site, sizeof(site))));
		json_object_set_new(r, "retained", json_integer((json_int_t)rows[k].retained));
		json_object_set_new(r, "shallow", json_integer((json_int_t)rows[k].bytes));
		json_object_set_new(r, "objects", json_integer((json_int_t)rows[k].count));
		json_object_set_new(r, "type", hg_json_str(hg_heap_type_name(h, rows[k].type, q, sizeof(q))));
		json_array_append_new(a, r);
	}
	return a;
}

/* top --by-line: allocation lines by what freeing their objects would free. */
static int top_by_line(const struct hg_heap *h, int json, long limit)
{
	struct hg_site *rows;
	size_t n = hg_sites(h, 0, 0, &rows), k;
	uint64_t total = 0;
	json_t *a = cli_sites_json(h, rows, n, (size_t)limit, 0), *r;
	int rc = 0;

	free(rows);
	for (size_t i = 0; i < h->nobj; i++)
		total += hg_heap_size(h, i);
	if (json)
		return hg_json_print(stdout, a) < 0 || fflush(stdout) != 0 ? HG_EWRITE : 0;
	printf("%14s %5s %12s %10s  %s\n", "retained", "%", "shallow", "objects", "allocated at  (type with most bytes)");
	json_array_foreach(a, k, r) {
		uint64_t ret = (uint64_t)json_integer_value(json_object_get(r, "retained"));

		printf("%14" PRIu64 " %5.1f %12lld %10lld  %s  (%s)\n", ret, total ? 100.0 * (double)ret / (double)total : 0.0,
		       (long long)json_integer_value(json_object_get(r, "shallow")),
		       (long long)json_integer_value(json_object_get(r, "objects")), str(r, "at"), str(r, "type"));
	}
	json_decref(a);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = HG_EWRITE;
	return rc;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "by-line", no_argument, NULL, 'b' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	int json = 0, by_line = 0, ch;
	long limit = 20;
	struct hg_heap h;
	uint64_t total = 0;
	char *path;
	json_t *a, *summary;
	struct hg_warnings warn = { NULL, 0, 0 };

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'b': by_line = 1; break;
		case 'l':
			if ((ch = cli_number("top", "--limit", optarg, 1, &limit)))
				return ch;
			break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("top")); return 0;
		default: return cli_bad_option("top", ch, argv);
		}
	}
	if (optind < argc - 1)
		return cli_usage("top", "one dump at a time");
	if (!(path = optind < argc ? xstrdup(argv[optind]) : cli_default_dump("top")))
		return HG_EUSAGE;
	/* the first CLI_SUMMARY_TOP are in the index's summary: no need to map the heap */
	if (!by_line && (summary = cli_summary_load(path, &warn)) != NULL) {
		json_t *all = json_object_get(summary, "top");

		if ((size_t)limit <= json_array_size(all) || json_is_true(json_object_get(summary, "complete"))) {
			cli_print_warnings(&warn);
			hg_warnings_release(&warn);
			a = json_array();
			for (size_t k = 0; k < json_array_size(all) && k < (size_t)limit; k++)
				json_array_append(a, json_array_get(all, k));
			total = (uint64_t)json_integer_value(json_object_get(json_object_get(summary, "analyze"), "bytes"));
			json_decref(summary);
			free(path);
			return print(a, json, total);
		}
		json_decref(summary);
	}
	hg_warnings_release(&warn);
	ch = cli_load("top", path, sysroot, &h, NULL);
	free(path);
	if (ch)
		return ch;
	if (by_line) {
		ch = cli_need_tracebacks("top", &h);
		if (!ch)
			ch = top_by_line(&h, json, limit);
		hg_heap_release(&h);
		return ch;
	}
	for (size_t i = 0; i < h.nobj; i++)
		total += hg_heap_size(&h, i);
	a = cli_top_json(&h, (size_t)limit);
	hg_heap_release(&h);
	return print(a, json, total);
}
