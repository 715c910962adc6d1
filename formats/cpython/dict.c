/*
 * dict.c - the entries of dicts and of their keys objects, whatever the
 * version: 3.8-3.10 keep dk_size and 24-byte entries after a 40-byte header;
 * 3.11+ keep log2 sizes and a kind (general entries of hash, key, value, or
 * str-keyed entries of key, value); split tables keep their values apart
 * (3.13+ after a small PyDictValues header).  Reads memory only.
 */
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

/* Bytes of the index table of a 3.8-3.10 keys object with size slots. */
static uint64_t old_index_width(uint64_t size)
{
	return size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffff ? 4 : 8;
}

int keys_view(struct walker *w, uint64_t keys, struct dict_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!keys)
		return -1;
	v->keys = keys;
	if (!w->L->dk_new) {
		uint64_t size = rd_ptr(w, keys + DK_OLD_SIZE);

		if (!size || (size & (size - 1)) || size > ((uint64_t)1 << 40))
			return -1;
		v->entries = keys + DK_OLD_HEAD + size * old_index_width(size);
		v->n = rd_ptr(w, keys + DK_OLD_NENTRIES);
		v->usable = rd_ptr(w, keys + DK_OLD_USABLE);
		v->esize = DK_ENTRY_GENERAL;
		v->koff = 8;
		v->voff = 16;
		v->size = size;
	} else {
		unsigned log2size = rd_u8(w, keys + DK_LOG2_SIZE), log2ib = rd_u8(w, keys + DK_LOG2_INDEX_BYTES);
		unsigned kind = rd_u8(w, keys + DK_KIND);
		int general = kind == 0;

		if (log2size > 40 || log2ib > 44 || kind > 2)
			return -1;
		v->entries = keys + DK_HEAD + ((uint64_t)1 << log2ib);
		v->n = rd_ptr(w, keys + DK_NENTRIES);
		v->usable = rd_ptr(w, keys + DK_USABLE);
		v->esize = general ? DK_ENTRY_GENERAL : DK_ENTRY_UNICODE;
		v->koff = general ? 8 : 0;
		v->voff = general ? 16 : 8;
		v->size = (uint64_t)1 << log2size;
	}
	if (v->n > v->size || v->n > ((uint64_t)1 << 31))
		return -1;
	return 0;
}

int dict_view(struct walker *w, uint64_t dict, struct dict_view *v)
{
	uint64_t values;

	if (keys_view(w, rd_ptr(w, dict + DICT_KEYS), v) < 0)
		return -1;
	values = rd_ptr(w, dict + DICT_VALUES);
	if (values)
		v->values = values + (uint64_t)w->L->values_prefix;
	return 0;
}

int view_entry(struct walker *w, const struct dict_view *v, uint64_t i, uint64_t *key, uint64_t *value)
{
	const unsigned char *e = hg_mem_ptr(w->m, v->entries + i * v->esize, v->esize);

	if (!e)
		return -1;
	*key = hg_le64(e + v->koff);
	*value = hg_le64(e + v->voff);
	if (v->values && hg_mem_u64(w->m, v->values + 8 * i, value) < 0)
		return -1;
	return 0;
}

uint64_t keys_size(struct walker *w, const struct dict_view *v)
{
	/* the header, the index table, and entries for two thirds of the slots */
	if (!w->L->dk_new)
		return DK_OLD_HEAD + v->size * old_index_width(v->size) + (2 * v->size / 3) * DK_ENTRY_GENERAL;
	return DK_HEAD + ((uint64_t)1 << rd_u8(w, v->keys + DK_LOG2_INDEX_BYTES)) + (2 * v->size / 3) * v->esize;
}

long dict_items(struct walker *w, uint64_t dict,
		int (*fn)(struct walker *, uint64_t key, uint64_t value, void *arg), void *arg)
{
	struct dict_view v;
	long seen = 0;

	if (!dict || dict_view(w, dict, &v) < 0)
		return -1;
	for (uint64_t i = 0; i < v.n; i++) {
		uint64_t key, value;

		if (view_entry(w, &v, i, &key, &value) < 0)
			break;
		if (!key || !value)
			continue;
		seen++;
		if (fn(w, key, value, arg))
			break;
	}
	return seen;
}
