/*
 * sites.c - objects grouped by allocation site (see sites.h).
 */
#include <stdlib.h>
#include <string.h>
#include "sites.h"
#include "dom.h"
#include "../common/util.h"

/* The row of (file, lineno, type) in an open-addressing table of row numbers. */
static uint32_t row_of(struct hg_site **rows, size_t *n, size_t *alloc, uint32_t **table, size_t *size,
		       const struct hg_tb_frame *f, uint32_t type)
{
	uint32_t file = f ? f->file : HG_NONE, line = f ? f->lineno : 0;
	uint64_t hash;
	size_t k;

	if (2 * (*n + 1) > *size) {
		size_t ns = *size ? 2 * *size : 1024;
		uint32_t *nt = xmalloc(ns * sizeof(*nt));

		memset(nt, 0xff, ns * sizeof(*nt));
		for (size_t r = 0; r < *n; r++) {
			const struct hg_site *s = &(*rows)[r];

			hash = ((uint64_t)s->file * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)s->lineno * 0xc2b2ae3d27d4eb4full) ^
			       ((uint64_t)s->type * 0x165667b19e3779f9ull);
			for (k = (size_t)(hash >> 17) & (ns - 1); nt[k] != HG_NONE; k = (k + 1) & (ns - 1))
				;
			nt[k] = (uint32_t)r;
		}
		free(*table);
		*table = nt;
		*size = ns;
	}
	hash = ((uint64_t)file * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)line * 0xc2b2ae3d27d4eb4full) ^
	       ((uint64_t)type * 0x165667b19e3779f9ull);
	for (k = (size_t)(hash >> 17) & (*size - 1); (*table)[k] != HG_NONE; k = (k + 1) & (*size - 1)) {
		const struct hg_site *s = &(*rows)[(*table)[k]];

		if (s->file == file && s->lineno == line && s->type == type)
			return (*table)[k];
	}
	HG_GROW(*rows, *n + 1, *alloc);
	memset(&(*rows)[*n], 0, sizeof(**rows));
	(*rows)[*n].file = file;
	(*rows)[*n].lineno = line;
	(*rows)[*n].func = f ? f->func : 0;
	(*rows)[*n].type = type;
	(*table)[k] = (uint32_t)*n;
	return (uint32_t)(*n)++;
}

/* The sites of the objects keep marks (all when NULL). */
static size_t sites(const struct hg_heap *h, int by_type, int gc_only, const uint8_t *keep, struct hg_site **out)
{
	struct hg_site *rows = NULL;
	size_t n = 0, alloc = 0, size = 0;
	uint32_t *table = NULL, *group = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*group));
	uint64_t *retained;

	for (uint32_t i = 0; i < h->nobj; i++) {
		uint32_t t = hg_heap_tb(h, i);
		struct hg_site *s;

		group[i] = HG_NONE;
		if (hg_heap_type(h, i) >= h->ntype || (gc_only && (h->flags[i] & (HG_OBJ_GC | HG_OBJ_FROZEN)) != HG_OBJ_GC) ||
		    (keep && !keep[i]))
			continue;
		group[i] = row_of(&rows, &n, &alloc, &table, &size,
				  t != HG_NONE && hg_heap_tb_len(h, t) ? hg_heap_tb_frame(h, t, 0) : NULL,
				  by_type ? hg_heap_type(h, i) : HG_NONE);
		s = &rows[group[i]];
		s->count++;
		s->bytes += hg_heap_size(h, i);
	}
	retained = xmalloc((n ? n : 1) * sizeof(*retained));
	hg_dom_group_retained(h, group, n, retained);
	for (size_t r = 0; r < n; r++)
		rows[r].retained = retained[r];
	if (!by_type) {
		/* the type with the most bytes at each site: a (site, type) table */
		struct hg_site *pairs = NULL;
		size_t np = 0, palloc = 0, psize = 0, salloc = 0;
		uint32_t *ptable = NULL, *site = NULL;
		uint64_t *best = xcalloc(n ? n : 1, sizeof(*best));

		for (uint32_t i = 0; i < h->nobj; i++) {
			uint32_t t = hg_heap_tb(h, i), p;

			if (group[i] == HG_NONE)
				continue;
			p = row_of(&pairs, &np, &palloc, &ptable, &psize,
				   t != HG_NONE && hg_heap_tb_len(h, t) ? hg_heap_tb_frame(h, t, 0) : NULL, hg_heap_type(h, i));
			HG_GROW(site, np, salloc);
			site[p] = group[i];
			pairs[p].bytes += hg_heap_size(h, i);
		}
		for (size_t p = 0; p < np; p++)
			if (rows[site[p]].type == HG_NONE || pairs[p].bytes > best[site[p]]) {
				rows[site[p]].type = pairs[p].type;
				best[site[p]] = pairs[p].bytes;
			}
		free(best);
		free(site);
		free(pairs);
		free(ptable);
	}
	free(retained);
	free(table);
	free(group);
	*out = rows;
	return n;
}

size_t hg_sites(const struct hg_heap *h, int by_type, int gc_only, struct hg_site **out)
{
	return sites(h, by_type, gc_only, NULL, out);
}

size_t hg_sites_under(const struct hg_heap *h, uint32_t root, struct hg_site **out)
{
	/* 0 not known yet, 1 under root, 2 not: each object's dominators are climbed once */
	uint8_t *under = xcalloc(h->nobj ? h->nobj : 1, 1);
	uint32_t *path = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*path));
	size_t n;

	if (root < h->nobj)
		under[root] = 1;
	for (uint32_t i = 0; h->idom && i < h->nobj; i++) {
		size_t len = 0;
		uint32_t v = i;
		uint8_t mark;

		while (v != HG_NONE && !under[v] && len < h->nobj) {
			path[len++] = v;
			v = h->idom[v];
		}
		mark = v != HG_NONE && under[v] == 1 ? 1 : 2;
		while (len)
			under[path[--len]] = mark;
	}
	for (uint32_t i = 0; i < h->nobj; i++)
		under[i] = under[i] == 1;
	n = sites(h, 0, 0, under, out);
	free(path);
	free(under);
	return n;
}
