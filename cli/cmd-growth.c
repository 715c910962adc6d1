/*
 * cmd-growth.c - "heapgraph growth OLD NEW [NEWER...]": what grew between
 * dumps of one process, which objects are new and where they hang
 * (objgraph's show_growth and get_new_ids, MAT's merged paths, memlab's
 * leak set).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/growth.h"
#include "../analyzer/heap.h"
#include "../analyzer/paths.h"
#include "../common/util.h"
#include "../render/json.h"

/* The dumps must be of one process: the same pid and Python. */
static int same_process(const char *cmd, const struct hg_heap *a, const char *pa, const struct hg_heap *b,
			const char *pb)
{
	if (a->meta.pid != b->meta.pid)
		return cli_usage(cmd, "%s and %s are dumps of different processes (pid %d and %d): "
				 "growth compares dumps of one process", pa, pb, a->meta.pid, b->meta.pid);
	if (strcmp(a->meta.python, b->meta.python))
		return cli_usage(cmd, "%s and %s are dumps of different Pythons (%s and %s)", pa, pb,
				 a->meta.python[0] ? a->meta.python : "none", b->meta.python[0] ? b->meta.python : "none");
	return 0;
}

/* [{path, count, bytes, example}] of the marked objects of h, merged by where they hang. */
static json_t *paths_json(const struct hg_heap *h, const uint8_t *mark, size_t limit)
{
	struct hg_paths *p = hg_paths_new(h);
	struct hg_path_group *g;
	size_t ng;

	hg_paths_merge_names(p, 1);
	ng = hg_paths_group_marked(p, mark, &g);
	json_t *a = json_array();

	for (size_t k = 0; k < ng && (!limit || k < limit); k++) {
		json_t *o = json_object();
		char *name = hg_paths_name(p, g[k].shape);

		json_object_set_new(o, "path", hg_json_str(name));
		json_object_set_new(o, "count", json_integer((json_int_t)g[k].count));
		json_object_set_new(o, "bytes", json_integer((json_int_t)g[k].shallow));
		json_object_set_new(o, "example", hg_json_addr(hg_heap_addr(h, g[k].example)));
		json_array_append_new(a, o);
		free(name);
	}
	free(g);
	hg_paths_free(p);
	return a;
}

static json_t *count_json(const struct hg_heap *h, const uint8_t *mark)
{
	json_t *o = json_object();
	uint64_t n = 0, bytes = 0;

	for (size_t i = 0; i < h->nobj; i++)
		if (mark[i]) {
			n++;
			bytes += hg_heap_size(h, i);
		}
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
	return o;
}

#define I(o, k) ((long long)json_integer_value(json_object_get(o, k)))
#define S(o, k) (json_string_value(json_object_get(o, k)) ? json_string_value(json_object_get(o, k)) : "")

/* "+4.1 MiB", "-512 bytes", "0 bytes" into buf (32 bytes or more) */
static void signed_bytes(long long n, char *buf)
{
	buf[0] = n < 0 ? '-' : '+';
	hg_human_bytes((uint64_t)(n < 0 ? -n : n), 0, buf + (n != 0), 31);
}

static void print_paths(json_t *a, const char *none)
{
	size_t k;
	json_t *p;
	char b[32];

	if (!json_array_size(a))
		printf("  %s\n", none);
	json_array_foreach(a, k, p) {
		signed_bytes(I(p, "bytes"), b);
		printf("  %+10lld objects %11s  %s\n", I(p, "count"), b, S(p, "path"));
	}
}

static void print_text(json_t *o, size_t limit)
{
	json_t *types = json_object_get(o, "types"), *r, *dumps = json_object_get(o, "dumps"), *ls;
	size_t k, grew = 0, shrank = 0, shown = 0;
	char b1[32], b2[32];
	int gc_only = json_is_true(json_object_get(o, "gc_only"));

	printf("growth from %s to %s (pid %lld, Python %s)%s:\n", json_string_value(json_array_get(dumps, 0)),
	       json_string_value(json_array_get(dumps, json_array_size(dumps) - 1)), I(o, "pid"), S(o, "python"),
	       gc_only ? ", objects tracked by the GC (as objgraph's show_growth)" : "");
	printf("%-40s %12s %10s %12s %12s\n", "type", "count", "delta", "bytes", "delta");
	json_array_foreach(types, k, r) {
		long long d = I(r, "count_delta");

		grew += d > 0;
		shrank += d < 0;
		if (d <= 0 || (limit && shown >= limit))
			continue;
		shown++;
		hg_human_bytes((uint64_t)I(r, "bytes_new"), 0, b1, sizeof(b1));
		signed_bytes(I(r, "bytes_delta"), b2);
		printf("%-40s %12lld %+10lld %12s %12s\n", S(r, "type"), I(r, "count_new"), d, b1, b2);
	}
	if (!grew)
		printf("  (no type has more objects)\n");
	if (grew > shown || shrank)
		printf("(%zu type%s grew, %zu shrank%s)\n", grew, grew == 1 ? "" : "s", shrank,
		       grew > shown ? "; --limit 0 lists all" : "");
	hg_human_bytes((uint64_t)I(json_object_get(o, "new_objects"), "bytes"), 0, b1, sizeof(b1));
	printf("\nnew objects: %lld (%s) that %s did not have%s\n", I(json_object_get(o, "new_objects"), "count"), b1,
	       json_string_value(json_array_get(dumps, 0)), gc_only ? " (tracked by the GC)" : "");
	printf("where they hang (each under the first new object on its chain from a root; keys and indexes merged):\n");
	print_paths(json_object_get(o, "paths"), "(none)");
	if ((ls = json_object_get(o, "leak_set"))) {
		hg_human_bytes((uint64_t)I(ls, "bytes"), 0, b1, sizeof(b1));
		printf("\nleak set: %lld objects (%s) new in %s and still alive in every later dump; where they hang:\n",
		       I(ls, "count"), b1, json_string_value(json_array_get(dumps, 1)));
		print_paths(json_object_get(ls, "paths"), "(none)");
	}
}

json_t *cli_growth_json(const char *cmd, char **dumps, int ndump, const char *sysroot, int gc_only, size_t limit,
			size_t type_limit, int *rc)
{
	struct hg_heap first, last;
	struct hg_growth_row *rows;
	size_t nrows;
	uint32_t *match;
	uint8_t *mark;
	json_t *o, *a;
	int ch;

	*rc = 0;
	if ((ch = cli_load(cmd, dumps[0], sysroot, &first, NULL))) {
		*rc = ch;
		return NULL;
	}
	if ((ch = cli_load(cmd, dumps[ndump - 1], sysroot, &last, NULL))) {
		hg_heap_release(&first);
		*rc = ch;
		return NULL;
	}
	o = NULL;
	if ((ch = same_process(cmd, &first, dumps[0], &last, dumps[ndump - 1])))
		goto done;

	/* new: what the first dump does not have */
	match = xmalloc((last.nobj ? last.nobj : 1) * sizeof(*match));
	mark = xmalloc(last.nobj ? last.nobj : 1);
	hg_growth_match(&first, &last, match);
	for (size_t i = 0; i < last.nobj; i++)
		mark[i] = match[i] == HG_NONE && (!gc_only || hg_growth_gc_object(&last, i));
	nrows = hg_growth_types(&first, &last, gc_only, mark, &rows);

	o = json_object();
	a = json_array();
	for (int k = 0; k < ndump; k++)
		json_array_append_new(a, hg_json_str(dumps[k]));
	json_object_set_new(o, "dumps", a);
	json_object_set_new(o, "pid", json_integer(last.meta.pid));
	json_object_set_new(o, "python", hg_json_str(last.meta.python));
	json_object_set_new(o, "gc_only", json_boolean(gc_only));
	a = json_array();
	for (size_t k = 0; k < nrows && (!type_limit || k < type_limit); k++) {
		json_t *r = json_object();
		struct hg_growth_row *R = &rows[k];

		json_object_set_new(r, "type", hg_json_str(R->type));
		json_object_set_new(r, "count_old", json_integer((json_int_t)R->count[0]));
		json_object_set_new(r, "count_new", json_integer((json_int_t)R->count[1]));
		json_object_set_new(r, "count_delta", json_integer((json_int_t)(R->count[1] - R->count[0])));
		json_object_set_new(r, "bytes_old", json_integer((json_int_t)R->bytes[0]));
		json_object_set_new(r, "bytes_new", json_integer((json_int_t)R->bytes[1]));
		json_object_set_new(r, "bytes_delta", json_integer((json_int_t)(R->bytes[1] - R->bytes[0])));
		json_object_set_new(r, "retained_old", json_integer((json_int_t)R->retained[0]));
		json_object_set_new(r, "retained_new", json_integer((json_int_t)R->retained[1]));
		json_object_set_new(r, "new_count", json_integer((json_int_t)R->new_count));
		json_object_set_new(r, "new_bytes", json_integer((json_int_t)R->new_bytes));
		json_array_append_new(a, r);
	}
	hg_growth_rows_free(rows, nrows);
	json_object_set_new(o, "types", a);
	json_object_set_new(o, "new_objects", count_json(&last, mark));
	json_object_set_new(o, "paths", paths_json(&last, mark, limit));

	/* three dumps or more: new in the second, alive in every later one */
	if (ndump >= 3) {
		uint32_t *in_mid = xmalloc((last.nobj ? last.nobj : 1) * sizeof(*in_mid));
		json_t *ls;

		for (size_t i = 0; i < last.nobj; i++)
			mark[i] = match[i] == HG_NONE && (!gc_only || hg_growth_gc_object(&last, i));
		for (int k = 1; k < ndump - 1 && !ch; k++) {
			struct hg_heap mid;

			if ((ch = cli_load(cmd, dumps[k], sysroot, &mid, NULL)))
				break;
			if (!(ch = same_process(cmd, &mid, dumps[k], &last, dumps[ndump - 1]))) {
				hg_growth_match(&mid, &last, in_mid);
				for (size_t i = 0; i < last.nobj; i++)
					mark[i] &= in_mid[i] != HG_NONE;
			}
			hg_heap_release(&mid);
		}
		free(in_mid);
		if (!ch) {
			ls = count_json(&last, mark);
			json_object_set_new(ls, "paths", paths_json(&last, mark, limit));
			json_object_set_new(o, "leak_set", ls);
		}
	}
	free(match);
	free(mark);
	if (ch) {
		json_decref(o);
		o = NULL;
	}
done:
	hg_heap_release(&first);
	hg_heap_release(&last);
	*rc = ch;
	return o;
}

int cmd_growth(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gc-only", no_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	int gc_only = 0, json = 0, ch, ndump;
	long limit = 10;
	json_t *o;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'g': gc_only = 1; break;
		case 'j': json = 1; break;
		case 'l':
			if ((ch = cli_number("growth", "--limit", optarg, 0, &limit)))
				return ch;
			break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("growth")); return 0;
		default: return cli_bad_option("growth", ch, argv);
		}
	}
	ndump = argc - optind;
	if (ndump < 2)
		return cli_usage("growth", "give two dumps of one process or more, oldest first");
	if (!(o = cli_growth_json("growth", argv + optind, ndump, sysroot, gc_only, (size_t)limit,
				  json ? (size_t)limit : 0, &ch)))
		return ch;
	if (json) {
		ch = hg_json_print(stdout, o) < 0 ? HG_EWRITE : 0;
	} else {
		print_text(o, (size_t)limit);
		json_decref(o);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		ch = HG_EWRITE;
	return ch;
}
