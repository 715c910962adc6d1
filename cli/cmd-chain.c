/*
 * cmd-chain.c - "heapgraph chain [DUMP] ADDR|--type T": why is it alive.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "picture.h"
#include "../analyzer/chain.h"
#include "../render/json.h"
#include "../common/util.h"

static json_t *chain_json(const struct hg_heap *h, const struct hg_chain *c)
{
	json_t *o = json_object(), *root = json_object(), *steps = json_array();
	char q[512], rb[HG_REPR_BUF], lb[HG_LABEL_BUF], *path = hg_chain_path(h, c);

	json_object_set_new(root, "kind", json_string(hg_root_kind_name(h->roots[c->root].kind)));
	json_object_set_new(root, "name", hg_json_str(hg_heap_s(h, h->roots[c->root].name)));
	json_object_set_new(o, "root", root);
	for (size_t s = 0; s < c->len; s++) {
		json_t *st = json_object();

		json_object_set_new(st, "addr", hg_json_addr(hg_heap_addr(h, c->obj[s])));
		json_object_set_new(st, "type", hg_json_str(hg_heap_type_name(h, hg_heap_type(h, c->obj[s]), q, sizeof(q))));
		json_object_set_new(st, "edge", s ? hg_json_str(hg_heap_label(h, h->label[c->edge[s]], lb)) : json_null());
		json_object_set_new(st, "repr", hg_json_str(hg_heap_repr(h, c->obj[s], rb, sizeof(rb))));
		json_object_set_new(st, "allocated_at", hg_json_str(hg_heap_alloc_site(h, c->obj[s], q, sizeof(q))));
		json_array_append_new(steps, st);
	}
	json_object_set_new(o, "steps", steps);
	json_object_set_new(o, "path", hg_json_str(path));
	free(path);
	return o;
}

static void chain_text(const struct hg_heap *h, const struct hg_chain *c)
{
	char *path = hg_chain_path(h, c), q[512], rb[HG_REPR_BUF], lb[HG_LABEL_BUF];

	printf("%s\n", path);
	free(path);
	for (size_t s = 0; s < c->len; s++) {
		uint32_t i = c->obj[s];

		printf("  %s%-28s %-18s 0x%" PRIx64 "  %s\n", s ? "\xe2\x86\x92 " : "",
		       s ? hg_heap_label(h, h->label[c->edge[s]], lb) : hg_heap_s(h, h->roots[c->root].name),
		       hg_heap_type_name(h, hg_heap_type(h, i), q, sizeof(q)), hg_heap_addr(h, i), hg_heap_repr(h, i, rb, sizeof(rb)));
	}
}

int cmd_chain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", required_argument, NULL, 'a' },
		{ "weak", no_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		PICTURE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct picture_opts po;
	long all = 1;
	int weak = 0, json = 0, ch, rc = 0;
	struct hg_heap h;
	uint32_t *targets = NULL;
	size_t ntargets;
	json_t *out;
	struct hg_chain **found;
	size_t *nfound;

	picture_opts_init(&po, "chain");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if ((rc = cli_number("chain", "--all", optarg, 1, &all)))
				return rc;
			break;
		case 'w': weak = 1; break;
		case 'j': json = 1; break;
		default:
			if ((rc = picture_opt(&po, ch, argv)) != 0)
				return rc < 0 ? 0 : rc;
		}
	}
	if (all < 1)
		return cli_usage("chain", "--all takes a number of chains (1 or more)");
	if ((rc = picture_targets(&po, argc, argv, optind, &h, &targets, &ntargets)))
		return rc;
	found = xcalloc(ntargets, sizeof(*found));
	nfound = xcalloc(ntargets, sizeof(*nfound));
	out = json_array();
	for (size_t k = 0; k < ntargets; k++) {
		json_t *o = json_object(), *chains = json_array();

		nfound[k] = hg_chain_find(&h, targets[k], weak, (size_t)all, &found[k]);
		json_object_set_new(o, "target", hg_json_addr(hg_heap_addr(&h, targets[k])));
		json_object_set_new(o, "found", json_boolean(nfound[k] > 0));
		json_object_set_new(o, "traceback", hg_json_traceback(&h, targets[k]));
		if (!nfound[k]) {
			rc = HG_ENOTFOUND;
		} else {
			json_t *first = chain_json(&h, &found[k][0]);

			json_object_set(o, "root", json_object_get(first, "root"));
			json_object_set(o, "steps", json_object_get(first, "steps"));
			json_object_set(o, "path", json_object_get(first, "path"));
			if (h.roots[found[k][0].root].kind == HG_ROOT_OUTSIDE)
				json_object_set_new(o, "note", json_string("held from outside the heap (C code, a value stack, an untracked container): no module, frame or interpreter root reaches it"));
			json_decref(first);
		}
		for (size_t c = 0; all > 1 && c < nfound[k]; c++)
			json_array_append_new(chains, chain_json(&h, &found[k][c]));
		if (all > 1)
			json_object_set_new(o, "chains", chains);
		else
			json_decref(chains);
		json_array_append_new(out, o);
	}
	if (po.output) {
		int prc = picture_write_chains(&po, &h, found, nfound, ntargets);

		if (prc)
			rc = prc;
	} else if (json) {
		hg_json_print(stdout, json_incref(out));
	} else {
		for (size_t k = 0; k < ntargets; k++) {
			char q[512], rb[HG_REPR_BUF];

			if (k)
				putchar('\n');
			printf("0x%" PRIx64 " %s  %s\n", hg_heap_addr(&h, targets[k]),
			       hg_heap_type_name(&h, hg_heap_type(&h, targets[k]), q, sizeof(q)), hg_heap_repr(&h, targets[k], rb, sizeof(rb)));
			if (hg_heap_alloc_site(&h, targets[k], q, sizeof(q)))
				printf("  allocated at %s\n", q);
			if (!nfound[k]) {
				printf("  no chain: no root reaches it%s: gc.collect() would free it%s\n",
				       weak ? "" : " over strong references (try --weak)",
				       h.flags[targets[k]] & HG_OBJ_C_HELD ? " (a stale pointer in C memory points at it)" : "");
				continue;
			}
			for (size_t c = 0; c < nfound[k]; c++) {
				if (c)
					putchar('\n');
				if (h.roots[found[k][c].root].kind == HG_ROOT_OUTSIDE)
					printf("  (held from outside the heap: C code, a value stack or an untracked container;\n"
					       "  no module, frame or interpreter root reaches it)\n");
				chain_text(&h, &found[k][c]);
			}
		}
	}
	json_decref(out);
	for (size_t k = 0; k < ntargets; k++)
		hg_chains_free(found[k], nfound[k]);
	free(found);
	free(nfound);
	free(targets);
	hg_heap_release(&h);
	if (fflush(stdout) != 0 || ferror(stdout))
		return HG_EWRITE;
	return rc;
}
