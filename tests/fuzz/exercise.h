/*
 * exercise.h - what the index and snapshot fuzzers do with a heap their
 * reader accepted: read every field of every object, reference, referrer,
 * type and root the way the commands do, look for chains, suspects and
 * where memory hangs, draw a picture, and write the DOT and GraphML the
 * commands write.  The sanitizers judge the reads; the writers' output is
 * parsed back (cgraph, libxml2), and output that does not parse is a
 * finding (abort): strings from a dump must never break out of their
 * quoting.  Include it after defining _GNU_SOURCE.
 */
#ifndef HG_FUZZ_EXERCISE_H
#define HG_FUZZ_EXERCISE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <graphviz/cgraph.h>
#include <libxml/parser.h>
#include "harness.h"
#include "../../analyzer/chain.h"
#include "../../analyzer/dom.h"
#include "../../analyzer/nbhood.h"
#include "../../analyzer/paths.h"
#include "../../analyzer/suspects.h"
#include "../../render/graph.h"
#include "../../render/graphml.h"
#include "../../render/picture.h"

/* Objects read one by one (the rest only through the analyses) */
#define EXERCISE_MAX_OBJ 4096

static volatile uint64_t exercise_sink;

static void exercise_objects(const struct hg_heap *h)
{
	char buf[HG_REPR_BUF], lb[HG_LABEL_BUF], site[512];
	uint64_t sum = 0;

	for (uint32_t t = 0; t < h->ntype; t++)
		sum += strlen(hg_heap_type_name(h, t, buf, sizeof(buf))) + h->types[t].count;
	for (size_t r = 0; r < h->nroot; r++)
		sum += strlen(hg_heap_s(h, h->roots[r].name)) + h->roots[r].obj + (unsigned)hg_root_tier(&h->roots[r]);
	for (uint32_t i = 0; i < h->nobj && i < EXERCISE_MAX_OBJ; i++) {
		sum += hg_heap_addr(h, i) + hg_heap_size(h, i) + hg_heap_retained(h, i) + hg_heap_refcnt(h, i);
		sum += hg_heap_type(h, i) + h->flags[i] + h->idom[i];
		sum += strlen(hg_heap_repr(h, i, buf, sizeof(buf))) + strlen(hg_heap_value(h, i));
		if (hg_heap_alloc_site(h, i, site, sizeof(site)))
			sum += strlen(site);
		sum += hg_heap_find(h, hg_heap_addr(h, i));
		for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1); e++)
			sum += h->to[e] + strlen(hg_heap_label(h, h->label[e], lb)) + hg_heap_edge_kind(h, e) +
			       (unsigned)hg_heap_edge_role(h, e);
		for (uint64_t r = hg_heap_rfirst(h, i); r < hg_heap_rfirst(h, i + 1); r++)
			sum += hg_heap_redge(h, i, r) + hg_heap_redge_kind(h, r);
	}
	exercise_sink = sum;
}

/* Chains, suspects, groups of chains, biggest retainers: what analyze, chain and top read. */
static void exercise_analyses(const struct hg_heap *h)
{
	struct hg_suspect sus[8];
	struct hg_path_group *groups = NULL;
	struct hg_paths *p;
	uint32_t objs[8], big[8];
	size_t n = 0, ns, ng;

	for (uint32_t i = 0; i < h->nobj && n < 8; i += 1 + h->nobj / 8)
		objs[n++] = i;
	for (size_t k = 0; k < n && k < 3; k++) {
		struct hg_chain *c = NULL;
		size_t nc = hg_chain_find(h, objs[k], k == 1, 3, &c);

		for (size_t j = 0; j < nc; j++)
			free(hg_chain_path(h, &c[j]));
		hg_chains_free(c, nc);
	}
	ns = hg_suspects(h, 1000000, sus, 8);
	for (size_t k = 0; k < ns; k++) {
		uint64_t ex[4];

		if (sus[k].type != HG_NONE)
			hg_suspect_examples(h, sus[k].obj, sus[k].type, ex, 4);
	}
	hg_dom_biggest(h, big, 8);
	p = hg_paths_new(h);
	ng = hg_paths_group(p, objs, n, NULL, &groups);
	for (size_t g = 0; g < ng; g++)
		free(hg_paths_name(p, groups[g].shape));
	free(groups);
	hg_paths_free(p);
}

/* The DOT of a backrefs picture of the first objects must parse, with as many nodes as drawn. */
static void exercise_dot(const struct hg_heap *h)
{
	struct hg_nb_options o = { .backrefs = 1, .max_depth = 3, .too_many = 10, .fold = 3 };
	struct hg_picture_style st = { .backrefs = 1, .max_depth = 3, .refcounts = 1,
				       .extra_info = "addr,size,refcount,referrers,gc,reachable,traceback", .legend = 1 };
	struct hg_nbhood nb;
	struct hg_graph g;
	uint32_t start[2] = { 0, 1 };
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	Agraph_t *parsed;

	if (h->nobj < 2)
		return;
	hg_nbhood_build(h, start, 2, &o, &nb);
	hg_graph_init(&g);
	hg_picture_build(h, &nb, &st, &g);
	f = open_memstream(&text, &len);
	if (!f)
		abort();
	hg_dot_write(&g, f);
	fclose(f);
	parsed = agmemread(text);
	if (!parsed || (size_t)agnnodes(parsed) != g.nnode) {
		fprintf(stderr, "exercise: the DOT written does not parse back (%zu nodes):\n%s\n", g.nnode, text);
		abort();
	}
	agclose(parsed);
	free(text);
	hg_graph_release(&g);
	hg_nbhood_release(&nb);
}

/* GraphML of the whole heap (small heaps) must be well-formed XML. */
static void exercise_graphml(const struct hg_heap *h, const char *dir)
{
	char path[512];
	struct hg_error err;
	xmlDocPtr doc;

	if (h->nobj > EXERCISE_MAX_OBJ)
		return;
	snprintf(path, sizeof(path), "%s/g.graphml", dir);
	if (hg_graphml_write(h, path, &err) < 0)
		return;
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		fprintf(stderr, "exercise: the GraphML written is not well-formed XML (%s)\n", path);
		abort();
	}
	xmlFreeDoc(doc);
	unlink(path);
}

static void exercise_heap(const struct hg_heap *h, const char *dir)
{
	exercise_objects(h);
	exercise_analyses(h);
	exercise_dot(h);
	exercise_graphml(h, dir);
}

#endif
