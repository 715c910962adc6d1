/*
 * cmd-types.c - "heapgraph types [DUMP]": the histogram of objects by type
 * (objgraph's typestats / show_most_common_types, MAT's histogram).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/heap.h"
#include "../analyzer/sites.h"
#include "../common/util.h"
#include "../render/json.h"

struct row { uint32_t type; uint64_t count, bytes, retained; };

static const struct hg_heap *sort_heap;

/* Ties by name, then address: the same for a dump and its snapshot, whatever order their types were met in */
static int by_name(const struct row *x, const struct row *y)
{
	const struct hg_type *a = &sort_heap->types[x->type], *b = &sort_heap->types[y->type];
	char p[512], q[512];
	int c = strcmp(hg_heap_type_name(sort_heap, x->type, p, sizeof(p)), hg_heap_type_name(sort_heap, y->type, q, sizeof(q)));

	return c ? c : a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int by_bytes(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = cli_desc(x->bytes, y->bytes, x->count, y->count);

	return c ? c : by_name(x, y);
}

static int by_count(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = cli_desc(x->count, y->count, x->bytes, y->bytes);

	return c ? c : by_name(x, y);
}

static int site_by_bytes(const void *a, const void *b)
{
	const struct hg_site *x = a, *y = b;

	return cli_desc(x->bytes, y->bytes, x->count, y->count);
}

static int site_by_count(const void *a, const void *b)
{
	const struct hg_site *x = a, *y = b;

	return cli_desc(x->count, y->count, x->bytes, y->bytes);
}

/* The site's frame in JSON: filename, lineno, function (nulls for objects without a traceback). */
void cli_site_json(const struct hg_heap *h, const struct hg_site *s, json_t *o)
{
	json_object_set_new(o, "filename", s->file != HG_NONE ? hg_json_str(hg_heap_s(h, s->file)) : json_null());
	json_object_set_new(o, "lineno", s->file != HG_NONE ? json_integer(s->lineno) : json_null());
	json_object_set_new(o, "function", s->func ? hg_json_str(hg_heap_s(h, s->func)) : json_null());
}

/* "app.py:42 in handle()", or "(not traced)". */
const char *cli_site_text(const struct hg_heap *h, const struct hg_site *s, char *buf, size_t n)
{
	struct hg_tb_frame f = { s->file, s->lineno, s->func };

	if (s->file == HG_NONE) {
		snprintf(buf, n, "(not traced)");
		return buf;
	}
	return hg_heap_frame_text(h, &f, buf, n);
}

/* types --by-line: one row per allocation line and type. */
static int types_by_line(const struct hg_heap *h, int gc_only, int json, long limit, const char *sort)
{
	struct hg_site *rows;
	size_t n = hg_sites(h, 1, gc_only, &rows);
	uint64_t total = 0, total_bytes = 0;
	char q[512], site[8192];

	for (size_t k = 0; k < n; k++) {
		total += rows[k].count;
		total_bytes += rows[k].bytes;
	}
	hg_sort(rows, n, sizeof(*rows), strcmp(sort, "count") ? site_by_bytes : site_by_count);
	if (limit && (size_t)limit < n)
		n = (size_t)limit;
	if (json) {
		json_t *o = json_object(), *a = json_array();

		json_object_set_new(o, "objects", json_integer((json_int_t)total));
		json_object_set_new(o, "bytes", json_integer((json_int_t)total_bytes));
		json_object_set_new(o, "gc_only", json_boolean(gc_only));
		for (size_t k = 0; k < n; k++) {
			json_t *r = json_object();

			cli_site_json(h, &rows[k], r);
			json_object_set_new(r, "type", hg_json_str(hg_heap_s(h, h->types[rows[k].type].name)));
			json_object_set_new(r, "qualname", hg_json_str(hg_heap_type_name(h, rows[k].type, q, sizeof(q))));
			json_object_set_new(r, "count", json_integer((json_int_t)rows[k].count));
			json_object_set_new(r, "bytes", json_integer((json_int_t)rows[k].bytes));
			json_object_set_new(r, "retained", json_integer((json_int_t)rows[k].retained));
			json_array_append_new(a, r);
		}
		json_object_set_new(o, "types", a);
		hg_json_print(stdout, o);
	} else {
		printf("%12s %14s %14s  %-30s %s\n", "count", "bytes", "retained", "type", "allocated at");
		for (size_t k = 0; k < n; k++)
			printf("%12" PRIu64 " %14" PRIu64 " %14" PRIu64 "  %-30s %s\n", rows[k].count, rows[k].bytes,
			       rows[k].retained, hg_heap_type_name(h, rows[k].type, q, sizeof(q)),
			       cli_site_text(h, &rows[k], site, sizeof(site)));
		printf("%12" PRIu64 " %14" PRIu64 " %14s  total%s\n", total, total_bytes, "",
		       gc_only ? " (objects tracked by the GC, as gc.get_objects())" : "");
	}
	free(rows);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}

int cmd_types(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gc-only", no_argument, NULL, 'g' },
		{ "by-line", no_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sort", required_argument, NULL, 'S' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL, *sort = "bytes";
	int gc_only = 0, json = 0, by_line = 0, ch;
	long limit = 0;
	struct hg_heap h;
	struct row *rows;
	size_t nrows = 0;
	uint64_t total = 0, total_bytes = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g': gc_only = 1; break;
		case 'b': by_line = 1; break;
		case 'j': json = 1; break;
		case 'l':
			if ((ch = cli_number("types", "--limit", optarg, 0, &limit)))
				return ch;
			break;
		case 'S': sort = optarg; break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("types")); return 0;
		default: return cli_bad_option("types", ch, argv);
		}
	}
	if (strcmp(sort, "bytes") && strcmp(sort, "count"))
		return cli_usage("types", "--sort takes 'bytes' or 'count'");
	if (optind < argc - 1)
		return cli_usage("types", "one dump at a time");
	if ((ch = cli_load("types", optind < argc ? argv[optind] : NULL, sysroot, &h, NULL)))
		return ch;
	if (by_line) {
		ch = cli_need_tracebacks("types", &h);
		if (!ch)
			ch = types_by_line(&h, gc_only, json, limit, sort);
		hg_heap_release(&h);
		return ch;
	}

	rows = calloc(h.ntype + 1, sizeof(*rows));
	for (uint32_t t = 0; t < h.ntype; t++) {
		rows[t].type = t;
		rows[t].retained = h.types[t].retained;
	}
	for (size_t i = 0; i < h.nobj; i++) {
		/* --gc-only: what gc.get_objects() returns (not the frozen generation) */
		if (hg_heap_type(&h, i) >= h.ntype || (gc_only && (h.flags[i] & (HG_OBJ_GC | HG_OBJ_FROZEN)) != HG_OBJ_GC))
			continue;
		rows[hg_heap_type(&h, i)].count++;
		rows[hg_heap_type(&h, i)].bytes += hg_heap_size(&h, i);
		total++;
		total_bytes += hg_heap_size(&h, i);
	}
	for (uint32_t t = 0; t < h.ntype; t++)
		if (rows[t].count)
			rows[nrows++] = rows[t];
	sort_heap = &h;
	hg_sort(rows, nrows, sizeof(*rows), strcmp(sort, "count") ? by_bytes : by_count);
	if (limit && (size_t)limit < nrows)
		nrows = (size_t)limit;

	if (json) {
		json_t *o = json_object(), *a = json_array();
		char q[512];

		json_object_set_new(o, "objects", json_integer((json_int_t)total));
		json_object_set_new(o, "bytes", json_integer((json_int_t)total_bytes));
		json_object_set_new(o, "gc_only", json_boolean(gc_only));
		for (size_t k = 0; k < nrows; k++) {
			const struct hg_type *t = &h.types[rows[k].type];
			json_t *r = json_object();

			json_object_set_new(r, "type", hg_json_str(hg_heap_s(&h, t->name)));
			json_object_set_new(r, "qualname", hg_json_str(hg_heap_type_name(&h, rows[k].type, q, sizeof(q))));
			json_object_set_new(r, "count", json_integer((json_int_t)rows[k].count));
			json_object_set_new(r, "bytes", json_integer((json_int_t)rows[k].bytes));
			json_object_set_new(r, "retained", json_integer((json_int_t)rows[k].retained));
			json_array_append_new(a, r);
		}
		json_object_set_new(o, "types", a);
		hg_json_print(stdout, o);
	} else {
		printf("%12s %14s %14s  %s\n", "count", "bytes", "retained", "type");
		for (size_t k = 0; k < nrows; k++) {
			char q[512];

			printf("%12" PRIu64 " %14" PRIu64 " %14" PRIu64 "  %s\n", rows[k].count, rows[k].bytes,
			       rows[k].retained, hg_heap_type_name(&h, rows[k].type, q, sizeof(q)));
		}
		printf("%12" PRIu64 " %14" PRIu64 " %14s  total%s\n", total, total_bytes, "",
		       gc_only ? " (objects tracked by the GC, as gc.get_objects())" : "");
	}
	free(rows);
	hg_heap_release(&h);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}

int cli_need_tracebacks(const char *cmd, const struct hg_heap *h)
{
	if (h->ntb)
		return 0;
	if (h->meta.tm_limit == HG_TM_UNKNOWN || h->meta.tm_limit == HG_TM_OFF)
		fprintf(stderr, "heapgraph %s: the process was not tracing memory allocations: no tracebacks "
			"(start it with PYTHONTRACEMALLOC=25, or call tracemalloc.start(25))\n", cmd);
	else
		fprintf(stderr, "heapgraph %s: tracemalloc was tracing, but none of the objects has a traceback "
			"(were they all made before tracing started?)\n", cmd);
	return HG_ENOTFOUND;
}
