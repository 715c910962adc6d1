/*
 * kinds-basic.c - the builtin data types, each in one place: its references
 * (what its tp_traverse visits; dicts also their str keys), its size (its
 * __sizeof__) and its repr (objgraph's short form: "N items" for
 * containers, names for types).  Offsets: abi.h and layout.h.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

/* r into v (at most vn bytes with the NUL) */
static void copy_text(char *v, size_t vn, const char *r)
{
	size_t l = vn ? strnlen(r, vn - 1) : 0;

	if (vn) {
		memcpy(v, r, l);
		v[l] = '\0';
	}
}

static void items_repr(struct walker *w, uint64_t count_at, char *r, size_t rn)
{
	long long n = (long long)rd_ptr(w, count_at);

	/* (a negative count is damage: shown as it is) */
	text_u64(r, rn, n < 0 ? "-" : "", n < 0 ? 0 - (uint64_t)n : (uint64_t)n, n == 1 ? " item" : " items");
}

/* ---- type ---- */

static void type_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a, tf = rd_ptr(w, a + TP_FLAGS);

	/* a class with no instance yet: known as an object, now as a type too */
	type_ref(w, a, 0);

	field(w, a, TP_DICT, "__dict__");
	field(w, a, TP_MRO, "__mro__");
	field(w, a, TP_BASES, "__bases__");
	field(w, a, TP_BASE, "__base__");
	field(w, a, TP_CACHE, "__cache__");
	if (tf & TPF_HEAPTYPE) {
		field(w, a, L->ht_name, "__name__");
		field(w, a, L->ht_qualname, "__qualname__");
		field(w, a, L->ht_slots, "__slots__");
		field(w, a, L->ht_module, "__module__");
		field(w, a, TP_SUBCLASSES, "__subclasses__");
	} else if (L->is_types_builtins >= 0 && (tf & TPF_STATIC_BUILTIN) && w->interp) {
		/* 3.12+ static builtin types keep their dict per interpreter */
		uint64_t idx = rd_ptr(w, a + TP_SUBCLASSES);

		if (idx >= 1 && idx <= 256) {
			uint64_t e = w->interp + (uint64_t)L->is_types_builtins + (idx - 1) * (uint64_t)L->types_entry_size;

			if (rd_ptr(w, e) == a)
				field(w, e, L->types_entry_dict, "__dict__");
		}
	} else {
		field(w, a, TP_SUBCLASSES, "__subclasses__");
	}
}

/* type.__sizeof__: the type object, and a heap type's cached keys */
static uint64_t type_size(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t tf = rd_ptr(w, o->a + TP_FLAGS), size;

	size = tf & TPF_HEAPTYPE ? (uint64_t)L->heaptype_size : (uint64_t)L->type_size;
	if (tf & TPF_HEAPTYPE) {
		struct dict_view v;
		uint64_t ck = rd_ptr(w, o->a + (uint64_t)L->ht_cached_keys);

		if (ck && keys_view(w, ck, &v) == 0)
			size += keys_size(w, &v);
	}
	return size;
}

static void type_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	uint32_t ti = type_index(w, o->a);

	if (ti != HG_NONE)
		snprintf(r, rn, "%s", hg_heap_s(w->h, w->h->types[ti].name));
}

const struct kind_ops kind_type_ops = { type_edges, type_size, type_repr, 0 };

/* ---- int and bool ---- */

static uint64_t int_size(struct walker *w, const struct pyobj *o)
{
	int64_t n = rd_i64(w, o->a + OB_SIZE);
	uint64_t nd = w->L->long_lv_tag ? (uint64_t)n >> 3 : (uint64_t)(n < 0 ? -n : n);

	/* offsetof(ob_digit) + digits; 3.11+ count one digit for zero */
	if (nd < (uint64_t)w->L->long_min_digits)
		nd = (uint64_t)w->L->long_min_digits;
	return LONG_DIGITS + nd * 4;
}

static void int_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	if (w->h->types[hg_heap_type(w->h, o->i)].addr == w->t_bool)
		snprintf(r, rn, "%s", rd_u32(w, o->a + BOOL_VALUE) ? "True" : "False");
	else
		text_int(w, o->a, r, rn);
	copy_text(v, vn, r);
}

const struct kind_ops kind_int_ops = { NULL, int_size, int_repr, 0 };

/* ---- float ---- */

static void float_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	double d = 0;

	hg_mem_read(w->m, o->a + FLOAT_VALUE, &d, 8);
	text_float(d, r, rn);
	copy_text(v, vn, r);
}

const struct kind_ops kind_float_ops = { NULL, NULL, float_repr, 0 };

/* ---- str ---- */

/* str.__sizeof__: the header, the characters (and NUL) and cached UTF-8 (and wchar_t before 3.12) copies */
static uint64_t str_size(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = o->a, len = rd_ptr(w, a + STR_LENGTH), size;
	uint32_t state = rd_u32(w, a + STR_STATE);
	unsigned kind = STR_KIND(state), compact = STR_COMPACT(state), ascii = STR_ASCII(state);
	uint64_t utf8 = rd_ptr(w, a + (uint64_t)L->utf8), data;

	if (compact && ascii) {
		size = (uint64_t)L->ascii_size + len + 1;
		data = a + (uint64_t)L->ascii_size;
	} else if (compact) {
		size = (uint64_t)L->compact_size + (len + 1) * kind;
		data = a + (uint64_t)L->compact_size;
	} else {
		data = rd_ptr(w, a + (uint64_t)L->unicode_data);
		size = (uint64_t)L->compact_size + 8 + (data ? (len + 1) * kind : 0);
	}
	if (!ascii && utf8 && utf8 != data)
		size += rd_ptr(w, a + (uint64_t)L->utf8_length) + 1;
	if (L->wstr >= 0) {
		uint64_t wstr = rd_ptr(w, a + (uint64_t)L->wstr);

		if (wstr && wstr != data)
			size += (rd_ptr(w, a + (uint64_t)L->wstr_length) + 1) * 4;
	}
	return size;
}

static void str_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	int trunc = 0;

	/* the repr is made from the value when shown (hg_heap_repr); the empty str has none */
	if (text_str(w, o->a, v, VALUE_MAX, &trunc) >= 0 && !v[0])
		snprintf(r, rn, "''");
}

const struct kind_ops kind_str_ops = { NULL, str_size, str_repr, 0 };

/* ---- bytes and bytearray ---- */

static void bytes_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	int64_t n = rd_i64(w, o->a + OB_SIZE);

	if (n < 0)
		return;
	text_bytes(w, o->a + BYTES_SVAL, (uint64_t)n, "b'", r, rn);
	copy_text(v, vn, r);
}

const struct kind_ops kind_bytes_ops = { NULL, NULL, bytes_repr, 0 };

static uint64_t bytearray_size(struct walker *w, const struct pyobj *o)
{
	uint64_t size = (uint64_t)o->t->basicsize;

	uint64_t alloc = rd_ptr(w, o->a + BYTEARRAY_ALLOC);

	/* 3.15+ keep the data in a bytes object of alloc bytes, counted as sys.getsizeof(bytes) */
	if (w->L->bytearray_bytes >= 0)
		size += alloc ? BYTES_HEAD + alloc : 0;
	else
		size += alloc;
	return size;
}

/* repr(bytearray): bytearray(b'...') */
static void bytearray_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	uint64_t n = rd_ptr(w, o->a + OB_SIZE), start = rd_ptr(w, o->a + BYTEARRAY_START);

	/* one byte kept free for the closing parenthesis */
	text_bytes(w, start, start ? n : 0, "bytearray(b'", r, rn - 1);
	strcat(r, ")");
}

const struct kind_ops kind_bytearray_ops = { NULL, bytearray_size, bytearray_repr, 0 };

/* ---- tuple and list ---- */

static void tuple_edges(struct walker *w, const struct pyobj *o)
{
	seq_items(w, o->a + (uint64_t)w->L->tuple_items, rd_i64(w, o->a + OB_SIZE));
}

static void seq_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	items_repr(w, o->a + OB_SIZE, r, rn);
}

const struct kind_ops kind_tuple_ops = { tuple_edges, NULL, seq_repr, 1 };

static void list_edges(struct walker *w, const struct pyobj *o)
{
	int64_t n = rd_i64(w, o->a + OB_SIZE), alloc = rd_i64(w, o->a + LIST_ALLOCATED);

	if (n <= alloc)
		seq_items(w, rd_ptr(w, o->a + LIST_ITEMS), n);
	else
		w->h->flags[o->i] |= HG_OBJ_DAMAGED;
}

static uint64_t list_size(struct walker *w, const struct pyobj *o)
{
	return (uint64_t)o->t->basicsize + 8 * rd_ptr(w, o->a + LIST_ALLOCATED);
}

const struct kind_ops kind_list_ops = { list_edges, list_size, seq_repr, 1 };

/* ---- dict and OrderedDict ---- */

static void dict_edges(struct walker *w, const struct pyobj *o)
{
	struct dict_view v;

	if (dict_view(w, o->a, &v) < 0) {
		w->h->flags[o->i] |= HG_OBJ_DAMAGED;
		return;
	}
	for (uint64_t i = 0; i < v.n; i++) {
		uint64_t key, value;

		if (view_entry(w, &v, i, &key, &value) < 0) {
			w->h->flags[o->i] |= HG_OBJ_DAMAGED;
			break;
		}
		if (!key || !value)
			continue;
		edge(w, key, w->lbl_key, HG_EDGE_STRONG, HG_REF_FIELD);
		edge(w, value, key_label(w, key, "[", "']"), HG_EDGE_STRONG, HG_REF_ITEM);
	}
}

/* dict.__sizeof__ of the PyDictObject part: the object, a split table's values, keys it owns */
static uint64_t dict_own_size(struct walker *w, uint64_t dict)
{
	struct dict_view v;
	uint64_t size = DICT_SIZE;

	if (dict_view(w, dict, &v) < 0)
		return size;
	if (v.values) {
		/* split table: the values array, sized for the shared keys */
		if (!w->L->dk_new)
			size += (2 * v.size / 3) * 8;
		else
			size += (v.n + v.usable) * 8;
	}
	if (rd_ptr(w, v.keys + DK_REFCNT) == 1)
		size += keys_size(w, &v);
	return size;
}

static uint64_t dict_size(struct walker *w, const struct pyobj *o)
{
	return dict_own_size(w, o->a) + (uint64_t)(o->t->basicsize - DICT_SIZE);
}

static void dict_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	items_repr(w, o->a + DICT_USED, r, rn);
}

const struct kind_ops kind_dict_ops = { dict_edges, dict_size, dict_repr, 1 };

/* OrderedDict: the dict, od_fast_nodes and one list node per item */
static uint64_t odict_size(struct walker *w, const struct pyobj *o)
{
	uint64_t len = rd_ptr(w, o->a + DICT_USED);

	return dict_own_size(w, o->a) + 8 * rd_ptr(w, o->a + ODICT_FAST_NODES_SIZE) + ODICT_NODE_SIZE * len +
	       (uint64_t)(o->t->basicsize - DICT_SIZE);
}

const struct kind_ops kind_odict_ops = { dict_edges, odict_size, dict_repr, 0 };

/* ---- set and frozenset ---- */

static void set_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t table = rd_ptr(w, o->a + SET_TABLE), mask = rd_ptr(w, o->a + SET_MASK);

	if (mask > ((uint64_t)1 << 32)) {
		w->h->flags[o->i] |= HG_OBJ_DAMAGED;
		return;
	}
	for (uint64_t k = 0; table && k <= mask; k++) {
		uint64_t key;

		if (hg_mem_u64(w->m, table + SETENTRY_SIZE * k, &key) < 0)
			break;	/* past the memory the dump has: a damaged mask */
		if (key && key != w->set_dummy)
			edge(w, key, w->lbl_set, HG_EDGE_STRONG, HG_REF_OTHER);
	}
}

static uint64_t set_size(struct walker *w, const struct pyobj *o)
{
	uint64_t size = (uint64_t)o->t->basicsize;

	if (rd_ptr(w, o->a + SET_TABLE) != o->a + SET_SMALLTABLE)
		size += (rd_ptr(w, o->a + SET_MASK) + 1) * SETENTRY_SIZE;
	return size;
}

static void set_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	items_repr(w, o->a + SET_USED, r, rn);
}

const struct kind_ops kind_set_ops = { set_edges, set_size, set_repr, 1 };

/* ---- the singletons ---- */

static void none_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	snprintf(r, rn, "None");
}

static void notimpl_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	snprintf(r, rn, "NotImplemented");
}

static void ellipsis_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	snprintf(r, rn, "Ellipsis");
}

const struct kind_ops kind_none_ops = { NULL, NULL, none_repr, 0 };
const struct kind_ops kind_notimpl_ops = { NULL, NULL, notimpl_repr, 0 };
const struct kind_ops kind_ellipsis_ops = { NULL, NULL, ellipsis_repr, 0 };

/* ---- slice, range, mappingproxy ---- */

static void slice_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, SLICE_START, "start");
	field(w, o->a, SLICE_STOP, "stop");
	field(w, o->a, SLICE_STEP, "step");
}

const struct kind_ops kind_slice_ops = { slice_edges, NULL, NULL, 0 };

static void range_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, RANGE_START, "start");
	field(w, o->a, RANGE_STOP, "stop");
	field(w, o->a, RANGE_STEP, "step");
	field(w, o->a, RANGE_LENGTH, "length");
}

const struct kind_ops kind_range_ops = { range_edges, NULL, NULL, 0 };

static void mappingproxy_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, MAPPINGPROXY_MAPPING, "mapping");
}

const struct kind_ops kind_mappingproxy_ops = { mappingproxy_edges, NULL, NULL, 0 };

/* ---- weakref and cell ---- */

static void weakref_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t target = rd_ptr(w, o->a + WEAKREF_OBJECT);

	if (target && target != w->none)
		edge(w, target, w->lbl_weak, HG_EDGE_WEAK, HG_REF_OTHER);
	field(w, o->a, WEAKREF_CALLBACK, "__callback__");
}

/* repr(weakref): "<weakref at 0x...; to 'T' at 0x...>" or "; dead>" */
static void weakref_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	uint64_t target = rd_ptr(w, o->a + WEAKREF_OBJECT);
	uint32_t ti = target && target != w->none ? obj_ref(w, target) : HG_NONE;

	if (ti == HG_NONE)
		snprintf(r, rn, "<weakref at 0x%" PRIx64 "; dead>", o->a);
	else
		snprintf(r, rn, "<weakref at 0x%" PRIx64 "; to '%.100s' at 0x%" PRIx64 ">", o->a,
			 hg_heap_s(w->h, w->h->types[hg_heap_type(w->h, ti)].name), target);
}

const struct kind_ops kind_weakref_ops = { weakref_edges, NULL, weakref_repr, 0 };

static void cell_edges(struct walker *w, const struct pyobj *o)
{
	field(w, o->a, CELL_REF, "cell_contents");
}

static void cell_repr(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn)
{
	snprintf(r, rn, "<cell at 0x%" PRIx64 ">", o->a);
}

const struct kind_ops kind_cell_ops = { cell_edges, NULL, cell_repr, 0 };
