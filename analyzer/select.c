/*
 * select.c - objects by type (see select.h).
 */
#include <stdlib.h>
#include <string.h>
#include "select.h"
#include "../common/util.h"

int hg_type_matches(const struct hg_heap *h, uint32_t t, const char *spec)
{
	const struct hg_type *T;
	const char *mod;
	size_t ml;

	if (t >= h->ntype)
		return 0;
	T = &h->types[t];
	if (!strchr(spec, '.'))
		return !strcmp(hg_heap_s(h, T->name), spec);
	mod = hg_heap_s(h, T->module);
	ml = strlen(mod);
	if (strncmp(spec, mod, ml) || spec[ml] != '.')
		return 0;
	return !strcmp(spec + ml + 1, hg_heap_s(h, T->name)) || !strcmp(spec + ml + 1, hg_heap_s(h, T->qualname));
}

static const struct hg_heap *sort_h;

static int bigger(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (sort_h->size[x] != sort_h->size[y])
		return sort_h->size[x] < sort_h->size[y] ? 1 : -1;
	return sort_h->addr[x] < sort_h->addr[y] ? -1 : 1;
}

size_t hg_select_type(const struct hg_heap *h, const char *spec, size_t limit,
		      uint32_t **out, uint64_t *total)
{
	uint8_t *match = xcalloc(h->ntype ? h->ntype : 1, 1);
	uint32_t *all = NULL;
	size_t n = 0, alloc = 0;

	for (uint32_t t = 0; t < h->ntype; t++)
		match[t] = (uint8_t)hg_type_matches(h, t, spec);
	for (size_t i = 0; i < h->nobj; i++)
		if (h->type[i] < h->ntype && match[h->type[i]]) {
			HG_GROW(all, n + 1, alloc);
			all[n++] = (uint32_t)i;
		}
	free(match);
	*total = n;
	sort_h = h;
	if (n)
		qsort(all, n, sizeof(*all), bigger);
	if (limit && n > limit)
		n = limit;
	*out = all;
	return n;
}
