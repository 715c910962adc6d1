/*
 * select.c - objects by type (see select.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
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

int hg_pick_parse(const char *word, enum hg_pick *out)
{
	static const char *const words[] = { "group", "largest", "retained", "random" };

	for (size_t k = 0; k < HG_ARRAY_SIZE(words); k++)
		if (!strcmp(word, words[k])) {
			*out = (enum hg_pick)k;
			return 0;
		}
	return -1;
}

static const struct hg_heap *sort_h;

static uint64_t retained(const struct hg_heap *h, uint32_t i)
{
	return h->retained ? hg_heap_retained(h, i) : hg_heap_size(h, i);
}

static int by_size(uint32_t x, uint32_t y)
{
	if (hg_heap_size(sort_h, x) != hg_heap_size(sort_h, y))
		return hg_heap_size(sort_h, x) < hg_heap_size(sort_h, y) ? 1 : -1;
	return x < y ? -1 : x > y;	/* objects are numbered in address order */
}

static int larger(const void *a, const void *b)
{
	return by_size(*(const uint32_t *)a, *(const uint32_t *)b);
}

static int retains_more(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (retained(sort_h, x) != retained(sort_h, y))
		return retained(sort_h, x) < retained(sort_h, y) ? 1 : -1;
	return by_size(x, y);
}

/* Fisher-Yates over the first limit places. */
static void shuffle(uint32_t *v, size_t n, size_t limit)
{
	uint64_t s = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid() << 20 ^ (uint64_t)clock();

	for (size_t k = 0; k < limit && k + 1 < n; k++) {
		size_t j;
		uint32_t t;

		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		j = k + (size_t)(s % (n - k));
		t = v[k];
		v[k] = v[j];
		v[j] = t;
	}
}

/* Groups all[0..n) by their chains and keeps the members of the largest group; returns how many. */
static size_t pick_group(const struct hg_heap *h, uint32_t *all, size_t n, struct hg_selection *sel)
{
	struct hg_paths *p = hg_paths_new(h);
	uint32_t *group_of = xmalloc(n * sizeof(*group_of));
	size_t m = 0;

	sel->ngroups = hg_paths_group(p, all, n, group_of, &sel->groups);
	for (size_t k = 0; k < HG_SELECT_NAMES && k < sel->ngroups; k++)
		sel->names[k] = hg_paths_name(p, sel->groups[k].shape);
	hg_paths_free(p);
	for (size_t k = 0; k < n; k++)
		if (group_of[k] == 0)
			all[m++] = all[k];
	free(group_of);
	return m;
}

size_t hg_select(const struct hg_heap *h, const char *spec, enum hg_pick how, size_t limit,
		 struct hg_selection *sel)
{
	uint8_t *match = xcalloc(h->ntype ? h->ntype : 1, 1);
	uint32_t *all = NULL;
	size_t n = 0, alloc = 0;

	memset(sel, 0, sizeof(*sel));
	for (uint32_t t = 0; t < h->ntype; t++)
		match[t] = (uint8_t)hg_type_matches(h, t, spec);
	for (size_t i = 0; i < h->nobj; i++)
		if (hg_heap_type(h, i) < h->ntype && match[hg_heap_type(h, i)]) {
			HG_GROW(all, n + 1, alloc);
			all[n++] = (uint32_t)i;
		}
	free(match);
	sel->total = n;
	sort_h = h;
	switch (n ? how : HG_PICK_LARGEST) {
	case HG_PICK_GROUP:
		if (limit && n > limit) {
			n = pick_group(h, all, n, sel);
			hg_sort(all, n, sizeof(*all), retains_more);
		} else {
			hg_sort(all, n, sizeof(*all), larger);
		}
		break;
	case HG_PICK_LARGEST:
		hg_sort(all, n, sizeof(*all), larger);
		break;
	case HG_PICK_RETAINED:
		hg_sort(all, n, sizeof(*all), retains_more);
		break;
	case HG_PICK_RANDOM:
		shuffle(all, n, limit ? limit : n);
		break;
	}
	if (limit && n > limit)
		n = limit;
	sel->obj = all;
	return sel->n = n;
}

void hg_selection_release(struct hg_selection *sel)
{
	free(sel->obj);
	free(sel->groups);
	for (size_t k = 0; k < HG_SELECT_NAMES; k++)
		free(sel->names[k]);
	memset(sel, 0, sizeof(*sel));
}
