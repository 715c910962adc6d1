/*
 * growth.c - what changed between dumps (see growth.h).
 */
#include <stdlib.h>
#include <string.h>
#include "growth.h"
#include "../common/util.h"

/* Type names of both heaps numbered in one space: equal names, equal numbers. */
struct names {
	char **name;		/* by number */
	size_t n;
	uint32_t *of[2];	/* number of each type of a, of b */
};

struct named { char *name; int heap; uint32_t type; };

static int cmp_named(const void *x, const void *y)
{
	return strcmp(((const struct named *)x)->name, ((const struct named *)y)->name);
}

static void number_names(const struct hg_heap *a, const struct hg_heap *b, struct names *nm)
{
	const struct hg_heap *h[2] = { a, b };
	size_t total = a->ntype + b->ntype, k = 0;
	struct named *all = xmalloc((total ? total : 1) * sizeof(*all));
	char q[512];

	for (int s = 0; s < 2; s++) {
		nm->of[s] = xmalloc((h[s]->ntype ? h[s]->ntype : 1) * sizeof(*nm->of[s]));
		for (uint32_t t = 0; t < h[s]->ntype; t++) {
			all[k].name = xstrdup(hg_heap_type_name(h[s], t, q, sizeof(q)));
			all[k].heap = s;
			all[k++].type = t;
		}
	}
	hg_sort(all, total, sizeof(*all), cmp_named);
	nm->name = xmalloc((total ? total : 1) * sizeof(*nm->name));
	nm->n = 0;
	for (k = 0; k < total; k++) {
		/* against the name kept (a third equal name must not meet the second, freed) */
		if (nm->n && !strcmp(all[k].name, nm->name[nm->n - 1])) {
			free(all[k].name);
		} else {
			nm->name[nm->n++] = all[k].name;
		}
		nm->of[all[k].heap][all[k].type] = (uint32_t)(nm->n - 1);
	}
	free(all);
}

static void free_names(struct names *nm, int keep_strings)
{
	for (size_t k = 0; k < nm->n && !keep_strings; k++)
		free(nm->name[k]);
	free(nm->name);
	free(nm->of[0]);
	free(nm->of[1]);
}

void hg_growth_match(const struct hg_heap *a, const struct hg_heap *b, uint32_t *match)
{
	struct names nm;
	size_t i = 0, j = 0;

	number_names(a, b, &nm);
	for (size_t k = 0; k < b->nobj; k++)
		match[k] = HG_NONE;
	/* objects are numbered in address order: the two heaps walked in step, each address read once */
	while (i < a->nobj && j < b->nobj) {
		uint32_t x = (uint32_t)i, y = (uint32_t)j;
		uint64_t ax = hg_heap_addr(a, x), by = hg_heap_addr(b, y);

		if (ax < by) {
			i++;
		} else if (ax > by) {
			j++;
		} else {
			uint32_t tx = hg_heap_type(a, x), ty = hg_heap_type(b, y);

			/* an int or a str with another value is another object at a reused address */
			if (tx < a->ntype && ty < b->ntype && nm.of[0][tx] == nm.of[1][ty] &&
			    !strcmp(hg_heap_value(a, x), hg_heap_value(b, y)))
				match[y] = x;
			i++;
			j++;
		}
	}
	free_names(&nm, 0);
}

static int by_growth(const void *x, const void *y)
{
	const struct hg_growth_row *a = x, *b = y;
	int64_t da = (int64_t)(a->count[1] - a->count[0]), db = (int64_t)(b->count[1] - b->count[0]);
	int64_t ba = (int64_t)(a->bytes[1] - a->bytes[0]), bb = (int64_t)(b->bytes[1] - b->bytes[0]);

	if (da != db)
		return da < db ? 1 : -1;
	if (ba != bb)
		return ba < bb ? 1 : -1;
	return strcmp(a->type, b->type);
}

size_t hg_growth_types(const struct hg_heap *a, const struct hg_heap *b, int gc_only, const uint8_t *is_new,
		       struct hg_growth_row **out)
{
	const struct hg_heap *h[2] = { a, b };
	struct hg_growth_row *rows;
	struct names nm;
	size_t n = 0;

	number_names(a, b, &nm);
	rows = xcalloc(nm.n ? nm.n : 1, sizeof(*rows));
	for (size_t k = 0; k < nm.n; k++)
		rows[k].type = nm.name[k];
	for (int s = 0; s < 2; s++) {
		for (uint32_t t = 0; t < h[s]->ntype; t++)
			rows[nm.of[s][t]].retained[s] += h[s]->types[t].retained;
		for (size_t i = 0; i < h[s]->nobj; i++) {
			struct hg_growth_row *r;

			if (hg_heap_type(h[s], i) >= h[s]->ntype || (gc_only && !hg_growth_gc_object(h[s], i)))
				continue;
			r = &rows[nm.of[s][hg_heap_type(h[s], i)]];
			r->count[s]++;
			r->bytes[s] += hg_heap_size(h[s], i);
			if (s == 1 && is_new && is_new[i]) {
				r->new_count++;
				r->new_bytes += hg_heap_size(h[s], i);
			}
		}
	}
	/* the types with objects in either dump */
	for (size_t k = 0; k < nm.n; k++) {
		if (rows[k].count[0] || rows[k].count[1])
			rows[n++] = rows[k];
		else
			free(rows[k].type);
	}
	free_names(&nm, 1);
	hg_sort(rows, n, sizeof(*rows), by_growth);
	*out = rows;
	return n;
}

void hg_growth_rows_free(struct hg_growth_row *rows, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(rows[k].type);
	free(rows);
}
