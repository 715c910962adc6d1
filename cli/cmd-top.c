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
#include "../render/json.h"

/* {addr, type, repr, shallow, retained, path}: one retainer, with the first chain that holds it. */
json_t *cli_retainer_json(const struct hg_heap *h, uint32_t i)
{
	struct hg_chain *c = NULL;
	json_t *o = json_object();
	char q[512];

	json_object_set_new(o, "addr", hg_json_addr(h->addr[i]));
	json_object_set_new(o, "type", hg_json_str(hg_heap_type_name(h, h->type[i], q, sizeof(q))));
	json_object_set_new(o, "repr", hg_json_str(hg_heap_s(h, h->repr[i])));
	json_object_set_new(o, "shallow", json_integer((json_int_t)h->size[i]));
	json_object_set_new(o, "retained", json_integer((json_int_t)h->retained[i]));
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

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	int json = 0, ch;
	long limit = 20;
	struct hg_heap h;
	uint32_t *top;
	size_t n;
	uint64_t total = 0;
	json_t *a;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
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
	if ((ch = cli_load("top", optind < argc ? argv[optind] : NULL, sysroot, &h, NULL)))
		return ch;
	for (size_t i = 0; i < h.nobj; i++)
		total += h.size[i];
	top = malloc((size_t)limit * sizeof(*top));
	n = hg_dom_biggest(&h, top, (size_t)limit);
	a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, cli_retainer_json(&h, top[k]));
	if (json) {
		hg_json_print(stdout, a);
	} else {
		size_t k;
		json_t *o;

		printf("%14s %5s %10s  %-18s %s\n", "retained", "%", "shallow", "address", "type / repr / held by");
		json_array_foreach(a, k, o) {
			json_int_t r = json_integer_value(json_object_get(o, "retained"));
			json_t *p = json_object_get(o, "path");

			printf("%14lld %5.1f %10lld  %-18s %s  %s\n", (long long)r, total ? 100.0 * (double)r / (double)total : 0.0,
			       (long long)json_integer_value(json_object_get(o, "shallow")),
			       json_string_value(json_object_get(o, "addr")), json_string_value(json_object_get(o, "type")),
			       json_string_value(json_object_get(o, "repr")));
			printf("%52s%s\n", "", json_is_string(p) ? json_string_value(p) : "(no root reaches it)");
		}
		json_decref(a);
	}
	free(top);
	hg_heap_release(&h);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}
