/*
 * kinds.c - decoding one object: its kind's references, size and repr
 * (kinds-basic.c, kinds-code.c, kinds-ext.c, one entry per kind), then what
 * every object may add whatever its kind: its class, __slots__ and C
 * members, its instance dict, words of unknown layout, a C extension's own
 * fields; and the pre-header sys.getsizeof counts.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

extern const struct kind_ops kind_type_ops, kind_int_ops, kind_float_ops, kind_str_ops, kind_bytes_ops,
	kind_bytearray_ops, kind_tuple_ops, kind_list_ops, kind_dict_ops, kind_odict_ops, kind_set_ops,
	kind_none_ops, kind_notimpl_ops, kind_ellipsis_ops, kind_slice_ops, kind_range_ops,
	kind_mappingproxy_ops, kind_weakref_ops, kind_cell_ops;
extern const struct kind_ops kind_function_ops, kind_code_ops, kind_frame_ops, kind_gen_ops, kind_module_ops,
	kind_method_ops, kind_cfunction_ops, kind_property_ops, kind_classmethod_ops, kind_descr_ops,
	kind_exception_ops, kind_traceback_ops;
extern const struct kind_ops kind_deque_ops, kind_lru_ops, kind_element_ops;

const struct kind_ops kind_default = { NULL, NULL, NULL, 0 };

const struct kind_ops *const kind_ops[K_NKINDS] = {
	[K_UNKNOWN] = &kind_default, [K_OBJECT] = &kind_default, [K_COMPLEX] = &kind_default,
	[K_TYPE] = &kind_type_ops, [K_INT] = &kind_int_ops, [K_BOOL] = &kind_int_ops,
	[K_FLOAT] = &kind_float_ops, [K_STR] = &kind_str_ops, [K_BYTES] = &kind_bytes_ops,
	[K_BYTEARRAY] = &kind_bytearray_ops, [K_TUPLE] = &kind_tuple_ops, [K_LIST] = &kind_list_ops,
	[K_DICT] = &kind_dict_ops, [K_ODICT] = &kind_odict_ops, [K_SET] = &kind_set_ops,
	[K_FROZENSET] = &kind_set_ops, [K_NONE] = &kind_none_ops, [K_NOTIMPL] = &kind_notimpl_ops,
	[K_ELLIPSIS] = &kind_ellipsis_ops, [K_SLICE] = &kind_slice_ops, [K_RANGE] = &kind_range_ops,
	[K_MAPPINGPROXY] = &kind_mappingproxy_ops, [K_WEAKREF] = &kind_weakref_ops, [K_CELL] = &kind_cell_ops,
	[K_FUNCTION] = &kind_function_ops, [K_CODE] = &kind_code_ops, [K_FRAME] = &kind_frame_ops,
	[K_GEN] = &kind_gen_ops, [K_MODULE] = &kind_module_ops, [K_METHOD] = &kind_method_ops,
	[K_CFUNCTION] = &kind_cfunction_ops, [K_PROPERTY] = &kind_property_ops,
	[K_CLASSMETHOD] = &kind_classmethod_ops, [K_STATICMETHOD] = &kind_classmethod_ops,
	[K_DESCR] = &kind_descr_ops, [K_EXCEPTION] = &kind_exception_ops, [K_TRACEBACK] = &kind_traceback_ops,
	[K_DEQUE] = &kind_deque_ops, [K_LRU] = &kind_lru_ops, [K_ELEMENT] = &kind_element_ops,
};

uint32_t key_label(struct walker *w, uint64_t key, const char *pfx, const char *sfx_str)
{
	uint32_t k = obj_ref(w, key);
	char buf[128], r[HG_REPR_BUF];

	if (k == HG_NONE)
		return hg_heap_cstr(w->h, "[?]");
	if (obj_kind(w, k) == K_STR) {
		char open[8];
		int item = pfx[0] == '[' && !strcmp(sfx_str, "']"), attr = pfx[0] == '.' && !sfx_str[0];
		size_t slot = (key >> 4) & 1023;

		if ((item || attr) && w->key_lbl[item][slot].key == key)
			return w->key_lbl[item][slot].label;
		snprintf(open, sizeof(open), "%s%s", pfx, pfx[0] == '[' ? "'" : "");
		k = str_label(w, key, open, sfx_str);
		if (item || attr) {
			w->key_lbl[item][slot].key = key;
			w->key_lbl[item][slot].label = k;
		}
		return k;
	}
	if (!w->h->text[k])
		text_repr(w, k);
	snprintf(buf, sizeof(buf), "%s%s%s", pfx, hg_heap_repr(w->h, k, r, sizeof(r)), pfx[0] == '[' ? "]" : "");
	return hg_heap_cstr(w->h, buf);
}

/* ---- what every object may add ---- */

/* Does this kind's decoder already cover what tp_dictoffset points at? */
static int kind_covers_dict(enum pykind k)
{
	return k == K_FUNCTION || k == K_MODULE || k == K_EXCEPTION || k == K_CLASSMETHOD ||
	       k == K_STATICMETHOD || k == K_TYPE;
}

/* Attribute values of an instance kept outside a dict object: keys from the type's shared keys. */
static void values_edges(struct walker *w, const struct tinfo *t, uint64_t values, uint64_t cap)
{
	struct dict_view v;

	if (!values || keys_view(w, t->cached_keys, &v) < 0)
		return;
	if (cap && v.n > cap)
		v.n = cap;
	for (uint64_t i = 0; i < v.n; i++) {
		uint64_t key, value;
		const unsigned char *e = hg_mem_ptr(w->m, v.entries + i * v.esize, v.esize);

		if (!e || hg_mem_u64(w->m, values + 8 * i, &value) < 0)
			break;	/* damaged sizes: stop where the dump's memory ends */
		key = hg_le64(e + v.koff);
		if (!value)
			continue;
		edge(w, value, key ? key_label(w, key, ".", "") : hg_heap_cstr(w->h, ".?"), HG_EDGE_STRONG,
		     HG_REF_ATTR);
	}
}

/*
 * The instance's attributes: a managed dict or values in front of it or
 * inline after it (3.11+), or a dict at tp_dictoffset (from the end when
 * negative: ints, tuples and other variable-size objects).
 */
static void instance_dict(struct walker *w, const struct tinfo *t, uint64_t a)
{
	uint64_t d = 0;

	if (t->flags & TPF_MANAGED_DICT) {
		switch (w->L->managed_dict) {
		case 1:
			d = rd_ptr(w, a + MANAGED_DICT_OFFSET);
			if (!d)
				values_edges(w, t, rd_ptr(w, a + MANAGED_VALUES_311), 0);
			break;
		case 2: {
			uint64_t word = rd_ptr(w, a + MANAGED_DICT_OFFSET);

			/* values are tagged with the low bit */
			if (word & 1)
				values_edges(w, t, word + 1, 0);
			else
				d = word;
			break;
		}
		case 3:
			d = rd_ptr(w, a + MANAGED_DICT_OFFSET);
			if (t->flags & TPF_INLINE_VALUES) {
				uint64_t vb = a + (uint64_t)t->basicsize;
				unsigned char hdr[4];

				/* PyDictValues: capacity, size, embedded, valid */
				if (hg_mem_read(w->m, vb, hdr, 4) == 0 && hdr[DV_EMBEDDED_VALID])
					values_edges(w, t, vb + (uint64_t)w->L->values_prefix, hdr[0]);
			}
			break;
		}
	} else if (t->dictoffset && !(kind_covers_dict(t->kind) && t->dictoffset == t->static_dictoffset)) {
		int64_t off = t->dictoffset;

		if (off < 0) {
			int64_t n = rd_i64(w, a + OB_SIZE);
			uint64_t size;

			if (n < 0)
				n = -n;
			if (t->kind == K_INT && w->L->long_lv_tag)
				n = (int64_t)((uint64_t)n >> 3);
			size = (uint64_t)t->basicsize + (uint64_t)n * (uint64_t)t->itemsize;
			size = (size + 7) & ~(uint64_t)7;
			off += (int64_t)size;
		}
		if (off > 0 && off < (1 << 24))
			d = rd_ptr(w, a + (uint64_t)off);
	}
	if (d)
		edge(w, d, w->lbl_dict, HG_EDGE_STRONG, HG_REF_DICT);
}

static void common_edges(struct walker *w, const struct pyobj *o)
{
	const struct tinfo *t = o->t;
	uint64_t a = o->a;

	if (t->heap)
		edge(w, w->h->types[hg_heap_type(w->h, o->i)].addr, w->lbl_class, HG_EDGE_TYPE, HG_REF_PYATTR);
	for (size_t m = 0; m < t->nmembers; m++) {
		uint64_t p = rd_ptr(w, a + (uint64_t)t->members[m].offset);

		if (p)
			edge(w, p, t->members[m].label, HG_EDGE_STRONG, HG_REF_ATTR);
	}
	if (t->kind != K_TYPE || t->heap)
		instance_dict(w, t, a);
	if (t->scan_to > t->scan_from)
		scan_body(w, t, a, t->scan_from, t->scan_to);
	if (t->scan_items) {
		int64_t n = rd_i64(w, a + OB_SIZE);

		if (n > 0 && n < 65536)
			scan_body(w, t, a, t->basicsize, t->basicsize + 8 * n);
	}
}

/* ---- sizes ---- */

/* tp_basicsize and ob_size items of tp_itemsize: object.__sizeof__. */
static uint64_t default_size(struct walker *w, const struct pyobj *o)
{
	const struct tinfo *t = o->t;
	uint64_t size = (uint64_t)t->basicsize;
	int64_t n = t->itemsize ? rd_i64(w, o->a + OB_SIZE) : 0;

	if (n < 0)
		n = -n;
	/* ob_size is not always a length; a silly product is not a size */
	if ((uint64_t)n < ((uint64_t)1 << 40) / ((uint64_t)t->itemsize + 1))
		size += (uint64_t)n * (uint64_t)t->itemsize;
	return size;
}

/*
 * sys.getsizeof: __sizeof__, plus what sits in front of the object: the GC
 * header, and from 3.11 on the managed dict (and 3.12+ weakref) words,
 * judged by the object's type alone.  Static types count no GC header but
 * in 3.11 and 3.12.
 */
static uint64_t object_size(struct walker *w, const struct pyobj *o, const struct kind_ops *ops)
{
	const struct tinfo *t = o->t;
	const struct hg_pylayout *L = w->L;
	uint64_t size = ops->size ? ops->size(w, o) : default_size(w, o);

	if (ext_ops[t->ext].size)
		size = ext_ops[t->ext].size(w, o, size);
	if (t->kind == K_TYPE && !(rd_ptr(w, o->a + TP_FLAGS) & TPF_HEAPTYPE) && !L->static_type_header &&
	    !(t->ext == EXT_CTYPE && L->ctypes_info >= 0))
		return size;
	return size + object_preheader(w, t);
}

uint64_t object_preheader(const struct walker *w, const struct tinfo *t)
{
	uint64_t pre = t->gc ? GC_HEAD_SIZE : 0;

	if (w->L->managed_dict >= 2 && (t->flags & (TPF_MANAGED_DICT | TPF_MANAGED_WEAKREF)))
		pre += PREHEADER_SIZE;
	else if (w->L->managed_dict == 1 && (t->flags & TPF_MANAGED_DICT))
		pre += PREHEADER_SIZE;
	return pre;
}

/* ---- one object ---- */

void walk_object(struct walker *w, uint32_t i)
{
	uint32_t ti = hg_heap_type(w->h, i);
	struct tinfo tcopy;
	struct pyobj o;
	const struct kind_ops *ops;
	uint64_t rc;

	hg_heap_begin_edges(w->h, i);
	if (ti >= w->h->ntype)
		return;
	/* a copy: decoding references can meet new types, which moves w->ti */
	tcopy = w->ti[ti];
	o.i = i;
	o.a = hg_heap_addr(w->h, i);
	o.t = &tcopy;
	ops = kind_ops[tcopy.kind] ? kind_ops[tcopy.kind] : &kind_default;
	if (ops->edges)
		ops->edges(w, &o);
	common_edges(w, &o);
	if (ext_ops[tcopy.ext].edges)
		ext_ops[tcopy.ext].edges(w, &o);

	hg_heap_set_size(w->h, i, object_size(w, &o, ops));
	rc = rd_refcnt(w, o.a);
	/* 3.12+: immortal objects have the low 32 bits negative */
	if (w->L->immortal && (int32_t)(uint32_t)rc < 0)
		hg_heap_set_refcnt(w->h, i, HG_REFCNT_IMMORTAL);
	else
		hg_heap_set_refcnt(w->h, i, rc >= HG_REFCNT_IMMORTAL ? HG_REFCNT_IMMORTAL - 1 : (uint32_t)rc);
	text_repr(w, i);
}

/* ---- reprs ---- */

void text_repr(struct walker *w, uint32_t i)
{
	struct hg_heap *h = w->h;
	const struct kind_ops *ops;
	struct pyobj o;
	char r[512], v[VALUE_MAX + 64];

	if (hg_heap_type(h, i) >= h->ntype)
		return;
	o.i = i;
	o.a = hg_heap_addr(h, i);
	o.t = &w->ti[hg_heap_type(h, i)];
	ops = kind_ops[o.t->kind] ? kind_ops[o.t->kind] : &kind_default;
	r[0] = v[0] = '\0';
	/* the others' "<module.Class object at 0x...>" is made when shown (hg_heap_repr) */
	if (ops->repr)
		ops->repr(w, &o, r, sizeof(r), v, sizeof(v));
	/* a value is stored, and its repr made from it when shown; containers' "N items" repeat, other reprs seldom do */
	if (v[0]) {
		hg_heap_set_text(h, i, hg_heap_str_unique(h, v, strlen(v)), 1);
	} else if (r[0]) {
		hg_repr_cut(r);
		hg_heap_set_text(h, i, ops->shared_repr ? hg_heap_cstr(h, r) : hg_heap_str_unique(h, r, strlen(r)), 0);
	}
}
