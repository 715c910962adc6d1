/*
 * cmd-show.c - "heapgraph show [DUMP] ADDR...": one object, what it refers
 * to and what refers to it, with labels (objgraph.at + gc.get_referrers).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/heap.h"
#include "../render/json.h"
#include "../common/util.h"

static json_t *obj_json(const struct hg_heap *h, uint32_t i)
{
	json_t *o = json_object();
	char q[512], rb[HG_REPR_BUF];

	json_object_set_new(o, "addr", hg_json_addr(hg_heap_addr(h, i)));
	json_object_set_new(o, "type", hg_json_str(hg_heap_type_name(h, hg_heap_type(h, i), q, sizeof(q))));
	json_object_set_new(o, "size", json_integer((json_int_t)hg_heap_size(h, i)));
	json_object_set_new(o, "repr", hg_json_str(hg_heap_repr(h, i, rb, sizeof(rb))));
	return o;
}

static json_t *describe(const struct hg_heap *h, uint32_t i, long limit)
{
	json_t *o = obj_json(h, i), *refs = json_array(), *back = json_array(), *roots = json_array();
	char lb[HG_LABEL_BUF];
	uint64_t n;

	if (*hg_heap_value(h, i))
		json_object_set_new(o, "value", hg_json_str(hg_heap_value(h, i)));
	json_object_set_new(o, "gc", json_boolean(h->flags[i] & HG_OBJ_GC));
	json_object_set_new(o, "retained", json_integer((json_int_t)hg_heap_retained(h, i)));
	json_object_set_new(o, "dominator", h->idom[i] == HG_NONE ? json_null() : hg_json_addr(hg_heap_addr(h, h->idom[i])));
	json_object_set_new(o, "reachable", json_boolean(h->flags[i] & HG_OBJ_REACHABLE));
	json_object_set_new(o, "c_memory_points_at_it", json_boolean(h->flags[i] & HG_OBJ_C_HELD));
	json_object_set_new(o, "traceback", hg_json_traceback(h, i));
	n = 0;
	for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1) && (limit <= 0 || n < (uint64_t)limit); e++, n++) {
		json_t *r = obj_json(h, h->to[e]);

		json_object_set_new(r, "edge", hg_json_str(hg_heap_label(h, h->label[e], lb)));
		json_object_set_new(r, "kind", json_string(hg_edge_kind_name(hg_heap_edge_kind(h, e))));
		json_array_append_new(refs, r);
	}
	json_object_set_new(o, "referents", refs);
	json_object_set_new(o, "referents_total", json_integer((json_int_t)(hg_heap_first(h, i + 1) - hg_heap_first(h, i))));
	n = 0;
	for (uint64_t r = hg_heap_rfirst(h, i); r < hg_heap_rfirst(h, i + 1) && (limit <= 0 || n < (uint64_t)limit); r++, n++) {
		uint64_t e = hg_heap_redge(h, i, r);
		json_t *x = obj_json(h, h->rsrc[r]);

		json_object_set_new(x, "edge", hg_json_str(hg_heap_label(h, h->label[e], lb)));
		json_object_set_new(x, "kind", json_string(hg_edge_kind_name(hg_heap_edge_kind(h, e))));
		json_array_append_new(back, x);
	}
	json_object_set_new(o, "referrers", back);
	json_object_set_new(o, "referrers_total", json_integer((json_int_t)(hg_heap_rfirst(h, i + 1) - hg_heap_rfirst(h, i))));
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].obj == i) {
			json_t *x = json_object();

			json_object_set_new(x, "kind", json_string(hg_root_kind_name(h->roots[r].kind)));
			json_object_set_new(x, "name", hg_json_str(hg_heap_s(h, h->roots[r].name)));
			json_array_append_new(roots, x);
		}
	json_object_set_new(o, "roots", roots);
	return o;
}

static void print_list(json_t *list, json_int_t total, const char *title, const char *arrow)
{
	size_t k;
	json_t *r;

	printf("%s (%lld):\n", title, (long long)total);
	json_array_foreach(list, k, r)
		printf("  %s %-24s %s %s  %s\n", arrow, json_string_value(json_object_get(r, "edge")),
		       json_string_value(json_object_get(r, "addr")), json_string_value(json_object_get(r, "type")),
		       json_string_value(json_object_get(r, "repr")));
	if ((json_int_t)json_array_size(list) < total)
		printf("  ... %lld more (--limit 0 shows all)\n", (long long)(total - (json_int_t)json_array_size(list)));
}

/* The allocation traceback as Python prints one: oldest call first, where it was allocated last. */
static void print_traceback(const struct hg_heap *h, uint32_t i)
{
	uint32_t t = hg_heap_tb(h, i);
	char line[8192];

	if (h->meta.tm_limit <= 0 && !h->ntb)
		return;
	if (t == HG_NONE) {
		printf("  allocated: not traced (made before tracemalloc started tracing, or outside its domain)\n");
		return;
	}
	printf("  allocated at (tracemalloc, most recent call last):\n");
	for (uint32_t k = hg_heap_tb_len(h, t); k-- > 0;) {
		hg_heap_frame_text(h, hg_heap_tb_frame(h, t, k), line, sizeof(line));
		/* file names come from the dump: no control characters on a terminal */
		printf("    %s\n", hg_printable(line));
	}
}

/* Object i, described in o, as text. */
static void print_text(const struct hg_heap *h, uint32_t i, json_t *o)
{
	size_t k;
	json_t *r;

	printf("%s %s, %lld bytes%s\n  repr: %s\n", json_string_value(json_object_get(o, "addr")),
	       json_string_value(json_object_get(o, "type")),
	       (long long)json_integer_value(json_object_get(o, "size")),
	       json_is_true(json_object_get(o, "gc")) ? ", tracked by the GC" : "",
	       json_string_value(json_object_get(o, "repr")));
	if (json_object_get(o, "value")) {
		/* the raw value may hold control characters: not for a terminal */
		char *v = hg_printable(xstrdup(json_string_value(json_object_get(o, "value"))));

		printf("  value: %s\n", v);
		free(v);
	}
	printf("  reachable from a root: %s\n", json_is_true(json_object_get(o, "reachable")) ? "yes" :
	       json_is_true(json_object_get(o, "c_memory_points_at_it")) ?
	       "no: gc.collect() would free it (a stale pointer in C memory points at it)" :
	       "no: gc.collect() would free it");
	printf("  retained: %lld bytes (what freeing it would free); dominated by %s\n",
	       (long long)json_integer_value(json_object_get(o, "retained")),
	       json_is_string(json_object_get(o, "dominator")) ? json_string_value(json_object_get(o, "dominator")) :
	       "no object (it hangs from the roots)");
	json_array_foreach(json_object_get(o, "roots"), k, r)
		printf("  root (%s): %s\n", json_string_value(json_object_get(r, "kind")),
		       json_string_value(json_object_get(r, "name")));
	print_traceback(h, i);
	print_list(json_object_get(o, "referents"), json_integer_value(json_object_get(o, "referents_total")),
		   "refers to", "->");
	print_list(json_object_get(o, "referrers"), json_integer_value(json_object_get(o, "referrers_total")),
		   "referred to by", "<-");
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL, *dump = NULL;
	int json = 0, ch, rc = 0;
	long limit = 50;
	struct hg_heap h;
	json_t *all;
	uint32_t *found;	/* the objects described in all, in its order */

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 'l':
			if ((ch = cli_number("show", "--limit", optarg, 0, &limit)))
				return ch;
			break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("show")); return 0;
		default: return cli_bad_option("show", ch, argv);
		}
	}
	if (optind < argc && cli_is_dump(argv[optind]))
		dump = argv[optind++];
	if (optind == argc)
		return cli_usage("show", "which object? (heapgraph show [DUMP] 0xADDRESS...)");
	for (int k = optind; k < argc; k++) {
		char *end;

		strtoull(argv[k], &end, 0);
		if (*end || !*argv[k])
			return cli_usage("show", "'%s' is neither a dump file nor an address", argv[k]);
	}
	if ((ch = cli_load("show", dump, sysroot, &h, NULL)))
		return ch;
	all = json_array();
	found = xmalloc((size_t)(argc - optind) * sizeof(*found));
	for (int k = optind; k < argc; k++) {
		uint64_t addr = strtoull(argv[k], NULL, 0);
		uint32_t i = hg_heap_find(&h, addr);

		if (i == HG_NONE) {
			fprintf(stderr, "heapgraph: no object at 0x%" PRIx64 " in this dump\n", addr);
			rc = HG_ENOTFOUND;
			continue;
		}
		found[json_array_size(all)] = i;
		json_array_append_new(all, describe(&h, i, limit));
	}
	if (json) {
		hg_json_print(stdout, all);
	} else {
		size_t k;
		json_t *o;

		json_array_foreach(all, k, o) {
			if (k)
				putchar('\n');
			print_text(&h, found[k], o);
		}
		json_decref(all);
	}
	free(found);
	hg_heap_release(&h);
	if (fflush(stdout) != 0 || ferror(stdout))
		return HG_EWRITE;
	return rc;
}
