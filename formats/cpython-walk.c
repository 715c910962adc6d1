/*
 * cpython-walk.c - types, references and sizes of CPython objects in a core.
 *
 * Facts: reference/cpython-layouts.md sections 3 (object layouts, the
 * pre-header and managed dicts, dict keys, str, int), 4.1-4.2 (what each
 * type's tp_traverse reports, and the precise per-type recipe) and 4.3 (the
 * pitfalls of scanning bodies of unknown types).  Offsets come from the
 * per-version table in cpython-layout.c; sizes follow each type's __sizeof__
 * plus the pre-header, as sys.getsizeof reports them.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpython-walk.h"
#include "../common/util.h"

#define TPFLAGS_MANAGED_DICT	(1ul << 4)
#define TPFLAGS_MANAGED_WEAKREF	(1ul << 3)
#define TPFLAGS_INLINE_VALUES	(1ul << 2)
#define TPFLAGS_HEAPTYPE	(1ul << 9)
#define TPFLAGS_READY		(1ul << 12)
#define TPFLAGS_HAVE_GC		(1ul << 14)
#define TPFLAGS_TYPE_SUBCLASS	(1ul << 31)

/* ---- reading ---- */

int walk_u64(struct walker *w, uint64_t addr, uint64_t *v)
{
	return hg_core_read_u64(w->c, addr, v);
}

uint64_t walk_ptr(struct walker *w, uint64_t addr)
{
	uint64_t v;

	return hg_core_read_u64(w->c, addr, &v) == 0 ? v : 0;
}

static int64_t rd_i64(struct walker *w, uint64_t addr)
{
	return (int64_t)walk_ptr(w, addr);
}

uint32_t walk_u32(struct walker *w, uint64_t addr)
{
	uint32_t v = 0;

	hg_core_read(w->c, addr, &v, 4);
	return v;
}

uint8_t walk_u8(struct walker *w, uint64_t addr)
{
	uint8_t v = 0;

	hg_core_read(w->c, addr, &v, 1);
	return v;
}

/* ---- type registry ---- */

static inline uint64_t tmix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 29);
}

uint32_t walk_type_index(struct walker *w, uint64_t tp)
{
	if (!w->tcap)
		return HG_NONE;
	for (size_t j = tmix(tp) & (w->tcap - 1); w->tkeys[j]; j = (j + 1) & (w->tcap - 1))
		if (w->tkeys[j] == tp)
			return w->tvals[j];
	return HG_NONE;
}

static void tmap_put(struct walker *w, uint64_t tp, uint32_t ti)
{
	size_t j;

	if (2 * (w->tused + 1) > w->tcap) {
		size_t ncap = w->tcap ? w->tcap * 2 : 256;
		uint64_t *keys = xcalloc(ncap, sizeof(*keys));
		uint32_t *vals = xmalloc(ncap * sizeof(*vals));

		for (size_t i = 0; i < w->tcap; i++) {
			if (!w->tkeys[i])
				continue;
			for (j = tmix(w->tkeys[i]) & (ncap - 1); keys[j]; j = (j + 1) & (ncap - 1))
				;
			keys[j] = w->tkeys[i];
			vals[j] = w->tvals[i];
		}
		free(w->tkeys);
		free(w->tvals);
		w->tkeys = keys;
		w->tvals = vals;
		w->tcap = ncap;
	}
	for (j = tmix(tp) & (w->tcap - 1); w->tkeys[j]; j = (j + 1) & (w->tcap - 1))
		;
	w->tkeys[j] = tp;
	w->tvals[j] = ti;
	w->tused++;
}

static enum pykind static_kind(struct walker *w, uint64_t tp)
{
	for (int k = 1; k < K_NKINDS; k++)
		if (w->kind_type[k] && w->kind_type[k] == tp)
			return (enum pykind)k;
	if (tp == w->t_bool)
		return K_INT;
	if (tp == w->t_coro || tp == w->t_asyncgen)
		return K_GEN;
	if (tp == w->t_weakproxy || tp == w->t_weakcproxy)
		return K_WEAKREF;
	if (tp == w->t_cmethod)
		return K_CFUNCTION;
	if (tp == w->t_method_descr || tp == w->t_getset_descr || tp == w->t_wrapper_descr ||
	    tp == w->t_classmethod_descr)
		return K_DESCR;
	return K_UNKNOWN;
}

/* Does this kind's decoder already cover what tp_dictoffset points at? */
static int kind_covers_dict(enum pykind k)
{
	return k == K_FUNCTION || k == K_MODULE || k == K_EXCEPTION || k == K_CLASSMETHOD ||
	       k == K_STATICMETHOD || k == K_TYPE;
}

static void add_member(struct tinfo *t, int64_t offset, uint32_t label)
{
	for (size_t i = 0; i < t->nmembers; i++)
		if (t->members[i].offset == offset)
			return;
	t->members = xrealloc(t->members, (t->nmembers + 1) * sizeof(*t->members));
	t->members[t->nmembers].offset = offset;
	t->members[t->nmembers].label = label;
	t->nmembers++;
}

/* T_OBJECT (6) and T_OBJECT_EX (16) members of one class: __slots__ or a C type's fields. */
static void collect_members(struct walker *w, struct tinfo *t, uint64_t tp)
{
	uint64_t m = walk_ptr(w, tp + 240);

	for (int n = 0; m && n < 256; n++, m += 40) {
		unsigned char md[40];
		uint32_t type;
		int64_t off;
		char name[128];

		if (hg_core_read(w->c, m, md, sizeof(md)) < 0 || !hg_le64(md))
			break;
		type = hg_le32(md + 8);
		off = (int64_t)hg_le64(md + 16);
		if ((type != 6 && type != 16) || off < 16 || off + 8 > t->basicsize)
			continue;
		if (hg_core_read_cstr(w->c, hg_le64(md), name + 1, sizeof(name) - 1) < 0)
			snprintf(name + 1, sizeof(name) - 1, "+%lld", (long long)off);
		name[0] = '.';
		add_member(t, off, hg_heap_cstr(w->h, name));
	}
}

/*
 * Is this type's layout defined in C?  Static types are; so are heap types
 * made by PyType_FromSpec (C extensions, 3.12+ stdlib modules): they are
 * larger than their base plus what a class statement adds (a word for each
 * slot, for __dict__ and for __weakref__).
 */
static int is_c_type(struct walker *w, uint64_t tp)
{
	uint64_t flags = walk_ptr(w, tp + 168), base = walk_ptr(w, tp + 256), m;
	int64_t size = rd_i64(w, tp + 32), bsize, explained, dictoff, weakoff;

	if (!(flags & TPFLAGS_HEAPTYPE))
		return 1;
	if (!base)
		return 0;
	bsize = rd_i64(w, base + 32);
	explained = bsize;
	dictoff = rd_i64(w, tp + 288);
	weakoff = rd_i64(w, tp + 208);
	if (dictoff >= bsize && dictoff != rd_i64(w, base + 288))
		explained += 8;
	if (weakoff >= bsize && weakoff != rd_i64(w, base + 208))
		explained += 8;
	m = walk_ptr(w, tp + 240);
	for (int n = 0; m && n < 256; n++, m += 40) {
		uint64_t name = walk_ptr(w, m);
		int64_t off = rd_i64(w, m + 16);

		if (!name)
			break;
		if (off >= bsize && off != dictoff && off != weakoff)
			explained += 8;
	}
	return size > explained;
}

static uint32_t str_label(struct walker *w, uint64_t s, const char *pfx, const char *sfx)
{
	char buf[200];
	int trunc = 0;
	size_t n = strlen(pfx);

	memcpy(buf, pfx, n);
	if (text_str(w, s, buf + n, sizeof(buf) - n - 8, &trunc) < 0)
		return 0;
	text_sanitize(buf);
	n = strlen(buf);
	if (trunc)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "...");
	snprintf(buf + n, sizeof(buf) - n, "%s", sfx);
	return hg_heap_cstr(w->h, buf);
}

/* Fills names (__name__, __module__, __qualname__) of a validated type. */
static void type_names(struct walker *w, uint32_t ti, uint64_t tp)
{
	struct hg_type *T = &w->h->types[ti];
	struct tinfo *t = &w->ti[ti];
	char name[256];

	if (t->heap) {
		uint64_t mod = walk_dict_get(w, walk_ptr(w, tp + 264), "__module__");
		int trunc;

		if (text_str(w, walk_ptr(w, tp + w->L->ht_name), name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->name = hg_heap_cstr(w->h, name);
		}
		if (text_str(w, walk_ptr(w, tp + w->L->ht_qualname), name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->qualname = hg_heap_cstr(w->h, name);
		}
		if (mod && text_str(w, mod, name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->module = hg_heap_cstr(w->h, name);
		}
	}
	if (!T->name && hg_core_read_cstr(w->c, walk_ptr(w, tp + 24), name, sizeof(name)) >= 0) {
		char *dot;

		text_sanitize(name);
		dot = strrchr(name, '.');

		if (dot) {
			T->name = hg_heap_cstr(w->h, dot + 1);
			if (!T->module)
				T->module = hg_heap_str(w->h, name, (size_t)(dot - name));
		} else {
			T->name = hg_heap_cstr(w->h, name);
		}
	}
	if (!T->name)
		T->name = hg_heap_cstr(w->h, "?");
	if (!T->module)
		T->module = hg_heap_cstr(w->h, "builtins");
	if (!T->qualname)
		T->qualname = T->name;
}

/*
 * numpy's scalar types add their item size to the basic size: int8..int64,
 * uint*, float16..float128, complex64..complex256 by their bits, and the
 * few named otherwise.  0 for the flexible ones (str_, bytes_, void).
 */
static int64_t numpy_scalar_size(const char *name)
{
	static const struct { const char *name; int64_t size; } named[] = {
		{ "bool_", 1 }, { "bool", 1 }, { "byte", 1 }, { "ubyte", 1 }, { "short", 2 },
		{ "ushort", 2 }, { "intc", 4 }, { "uintc", 4 }, { "int_", 8 }, { "uint", 8 },
		{ "longlong", 8 }, { "ulonglong", 8 }, { "half", 2 }, { "single", 4 },
		{ "double", 8 }, { "longdouble", 16 }, { "csingle", 8 }, { "cdouble", 16 },
		{ "clongdouble", 32 }, { "datetime64", 8 }, { "timedelta64", 8 },
	};
	static const char *const bits[] = { "int", "uint", "float", "complex" };
	char *end;
	long b;

	for (size_t k = 0; k < HG_ARRAY_SIZE(named); k++)
		if (!strcmp(name, named[k].name))
			return named[k].size;
	for (size_t k = 0; k < HG_ARRAY_SIZE(bits); k++) {
		size_t n = strlen(bits[k]);

		if (!strncmp(name, bits[k], n) && name[n] >= '1' && name[n] <= '9') {
			b = strtol(name + n, &end, 10);
			if (!*end && b % 8 == 0 && b <= 256)
				return b / 8;
		}
	}
	return 0;
}

/*
 * C types known by name: those heapgraph decodes (deque, lru_cache, Element:
 * kind) and those whose __sizeof__ adds memory of their own to the basic
 * size (csize; their layouts are the same in 3.8-3.13, ctypes' StgDict is
 * gone in 3.13), and numpy's arrays and scalars.  *extra gets a constant
 * to add, for the numpy scalars.
 */
static enum pykind c_type_by_name(struct walker *w, uint64_t tp, enum csize *cs, int64_t *extra)
{
	static const struct { const char *name; enum pykind kind; enum csize cs; } table[] = {
		{ "collections.deque", K_DEQUE, CS_BASIC }, { "functools._lru_cache_wrapper", K_LRU, CS_BASIC },
		{ "xml.etree.ElementTree.Element", K_ELEMENT, CS_BASIC },
		{ "array.array", K_UNKNOWN, CS_ARRAY }, { "_struct.Struct", K_UNKNOWN, CS_STRUCT },
		{ "Struct", K_UNKNOWN, CS_STRUCT }, { "_io.BufferedReader", K_UNKNOWN, CS_BUFFERED },
		{ "_io.BufferedWriter", K_UNKNOWN, CS_BUFFERED }, { "_io.BufferedRandom", K_UNKNOWN, CS_BUFFERED },
		{ "StgDict", K_UNKNOWN, CS_STGDICT }, { "_ctypes.PyCStructType", K_UNKNOWN, CS_CTYPE },
		{ "_ctypes.UnionType", K_UNKNOWN, CS_CTYPE }, { "_ctypes.PyCPointerType", K_UNKNOWN, CS_CTYPE },
		{ "_ctypes.PyCArrayType", K_UNKNOWN, CS_CTYPE }, { "_ctypes.PyCSimpleType", K_UNKNOWN, CS_CTYPE },
		{ "_ctypes.PyCFuncPtrType", K_UNKNOWN, CS_CTYPE }, { "_ctypes.CType_Type", K_UNKNOWN, CS_CTYPE },
		{ "numpy.ndarray", K_UNKNOWN, CS_NDARRAY },
	};
	char name[64];

	*cs = CS_BASIC;
	*extra = 0;
	if (hg_core_read_cstr(w->c, walk_ptr(w, tp + 24), name, sizeof(name)) < 0)
		return K_UNKNOWN;
	for (size_t k = 0; k < HG_ARRAY_SIZE(table); k++) {
		if (!strcmp(name, table[k].name)) {
			*cs = table[k].cs;
			return table[k].kind;
		}
	}
	if (!strncmp(name, "numpy.", 6) && (*extra = numpy_scalar_size(name + 6)) > 0)
		*cs = CS_CONST;
	return K_UNKNOWN;
}

/*
 * The type index of the type object at tp, validating it (and its metatype)
 * on first sight; HG_NONE when tp is not a plausible type.
 */
uint32_t walk_type(struct walker *w, uint64_t tp, int depth)
{
	const unsigned char *b;
	unsigned char body[416];
	uint64_t mt, flags, base;
	int64_t basicsize, itemsize;
	uint32_t ti, mti = HG_NONE, obj;
	struct tinfo *t;
	enum pykind kind = K_UNKNOWN;
	int unknown_c = 0;
	int64_t c_end = 0, hit_size = 0;
	enum csize csize = CS_BASIC;
	int64_t c_const = 0;

	if (!tp || (tp & 7))
		return HG_NONE;
	ti = walk_type_index(w, tp);
	if (ti != HG_NONE)
		return ti;
	if (depth > 64 || hg_core_read(w->c, tp, body, sizeof(body)) < 0)
		return HG_NONE;
	b = body;
	mt = hg_le64(b + 8);
	flags = hg_le64(b + 168);
	basicsize = (int64_t)hg_le64(b + 32);
	itemsize = (int64_t)hg_le64(b + 40);
	if (!(flags & TPFLAGS_READY) || basicsize < 16 || basicsize > (1 << 24) ||
	    itemsize < 0 || itemsize > (1 << 16))
		return HG_NONE;
	if (mt != tp) {
		mti = walk_type(w, mt, depth + 1);
		if (mti == HG_NONE || !(w->ti[mti].flags & TPFLAGS_TYPE_SUBCLASS))
			return HG_NONE;
	} else if (tp != w->t_type) {
		return HG_NONE;	/* only `type` is its own type */
	}
	/* The kind comes from the nearest base heapgraph knows; bases cannot loop forever. */
	base = tp;
	for (int d = 0; base && d < 64; d++) {
		enum pykind k = static_kind(w, base);

		if (k != K_UNKNOWN) {
			kind = k;
			hit_size = rd_i64(w, base + 32);
			break;
		}
		if (is_c_type(w, base) && !unknown_c) {
			k = c_type_by_name(w, base, &csize, &c_const);
			c_end = rd_i64(w, base + 32);
			/* deque's and lru_cache's other fields are scanned; Element is decoded whole */
			unknown_c = k != K_ELEMENT;
			if (k != K_UNKNOWN) {
				kind = k;
				hit_size = 16;
				break;
			}
		}
		base = walk_ptr(w, base + 256);
	}

	ti = hg_heap_add_type(w->h, tp, HG_NONE);
	HG_GROW(w->ti, ti + 1, w->ti_alloc);
	t = &w->ti[ti];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->flags = flags;
	t->basicsize = basicsize;
	t->itemsize = itemsize;
	t->dictoffset = (int64_t)hg_le64(b + 288);
	t->weaklistoffset = (int64_t)hg_le64(b + 208);
	t->heap = (flags & TPFLAGS_HEAPTYPE) != 0;
	t->gc = (flags & TPFLAGS_HAVE_GC) != 0;
	tmap_put(w, tp, ti);

	obj = hg_heap_find(w->h, tp);
	if (obj == HG_NONE)
		obj = hg_heap_add_object(w->h, tp, mt == tp ? ti : mti);
	else
		w->h->type[obj] = mt == tp ? ti : mti;
	w->h->types[ti].obj = obj;
	w->h->flags[obj] |= HG_OBJ_TYPE;

	/* static_dictoffset: of the first static type in the base chain */
	base = tp;
	t->static_dictoffset = 0;
	for (int d = 0; base && d < 64; d++) {
		if (!(walk_ptr(w, base + 168) & TPFLAGS_HEAPTYPE)) {
			t->static_dictoffset = rd_i64(w, base + 288);
			break;
		}
		base = walk_ptr(w, base + 256);
	}
	if (t->heap)
		t->cached_keys = walk_ptr(w, tp + w->L->ht_cached_keys);

	/* Members of every class in the MRO that heapgraph does not decode itself. */
	{
		uint64_t mro = walk_ptr(w, tp + 344);
		int64_t n = mro ? rd_i64(w, mro + 16) : 0;

		if (n <= 0 || n > 4096) {
			collect_members(w, t, tp);
		} else {
			for (int64_t k = 0; k < n; k++) {
				uint64_t cls = walk_ptr(w, mro + 24 + 8 * (uint64_t)k);
				uint64_t cflags = walk_ptr(w, cls + 168);

				if (cls && ((cflags & TPFLAGS_HEAPTYPE) || static_kind(w, cls) == K_UNKNOWN))
					collect_members(w, t, cls);
			}
		}
	}
	if (unknown_c) {
		t->scan_from = hit_size > 16 ? hit_size : 16;
		t->scan_to = c_end;
	}
	if (kind == K_UNKNOWN) {
		t->scan_from = 16;
		t->scan_to = c_end ? c_end : basicsize;
	}
	/* a C type of its own whose items are object pointers (contextvars' HAMT nodes) */
	t->csize = csize;
	t->c_const = c_const;
	t->c_end = c_end;
	/* numpy arrays are decoded, not scanned */
	if (csize == CS_NDARRAY)
		t->scan_to = t->scan_from;
	/* 3.13 ctypes types: their StgInfo follows the type and is decoded, not scanned */
	if (csize == CS_CTYPE && w->L->ctypes_info >= 0)
		t->scan_to = t->scan_from;
	t->scan_items = (kind == K_UNKNOWN || (kind == K_OBJECT && unknown_c)) && itemsize == 8;
	/* Bodies of unknown layout are scanned up to 4 KiB: larger ones are not plain structs. */
	if (t->scan_to > 4096)
		t->scan_to = 4096;
	if (t->heap && w->t_object) {
		uint64_t d = walk_ptr(w, tp + 264);

		t->has_del = d && walk_dict_get(w, d, "__del__") != 0;
	}
	type_names(w, ti, tp);
	w->h->types[ti].tflags = (t->heap ? HG_TYPE_HEAP : 0) | (t->has_del ? HG_TYPE_HAS_DEL : 0);
	return ti;
}

/* ---- references ---- */

/*
 * The object index of addr, adding the object when it validates: aligned,
 * readable, a sane refcount, and a type that validates.  A scan of memory
 * of unknown layout expects misses: only walk_ref counts them.
 */
static uint32_t ref_quiet(struct walker *w, uint64_t addr)
{
	const unsigned char *p;
	uint64_t refcnt;
	uint32_t i, ti;

	i = hg_heap_find(w->h, addr);
	if (i != HG_NONE)
		return i;
	if ((addr & 7) || !(p = hg_core_ptr(w->c, addr, 16)))
		return HG_NONE;
	refcnt = hg_le64(p);
	/* Freed blocks hold a free-list pointer where the count was. */
	if (refcnt == 0 || refcnt > ((uint64_t)1 << 40))
		return HG_NONE;
	ti = walk_type(w, hg_le64(p + 8), 0);
	if (ti == HG_NONE)
		return HG_NONE;
	i = hg_heap_find(w->h, addr);	/* walk_type may have added it (a type) */
	return i != HG_NONE ? i : hg_heap_add_object(w->h, addr, ti);
}

uint32_t walk_ref(struct walker *w, uint64_t addr)
{
	uint32_t i;

	if (!addr)
		return HG_NONE;
	if ((i = ref_quiet(w, addr)) == HG_NONE)
		w->bad_refs++;
	return i;
}

void walk_edge(struct walker *w, uint64_t target, uint32_t label, enum hg_edge_kind kind)
{
	uint32_t t = walk_ref(w, target);

	if (t != HG_NONE)
		hg_heap_add_edge(w->h, t, label, kind);
}

void walk_edgef(struct walker *w, uint64_t target, enum hg_edge_kind kind, const char *fmt, ...)
{
	va_list ap;
	uint32_t t;

	if (!target)
		return;
	t = kind == HG_EDGE_POSSIBLE ? ref_quiet(w, target) : walk_ref(w, target);
	if (t == HG_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(w->buf, sizeof(w->buf), fmt, ap);
	va_end(ap);
	hg_heap_add_edge(w->h, t, hg_heap_cstr(w->h, w->buf), kind);
}

static void field(struct walker *w, uint64_t obj, int off, const char *label)
{
	uint64_t p;

	if (off < 0 || !(p = walk_ptr(w, obj + (uint64_t)off)))
		return;
	walk_edge(w, p, hg_heap_cstr(w->h, label), HG_EDGE_STRONG);
}

/* ---- dicts ---- */

struct dict_view {
	uint64_t keys, values;	/* values: first value slot of a split table, or 0 */
	uint64_t entries;	/* address of entry 0 */
	uint64_t n;		/* dk_nentries */
	unsigned esize;		/* 24 (hash, key, value) or 16 (key, value) */
	unsigned koff, voff;	/* key and value offsets inside an entry */
	uint64_t size;		/* slots in the hash table */
	uint64_t usable;	/* dk_usable */
	int general;		/* GENERAL keys kind (3.11+) or 3.8-3.10 */
};

static int keys_view(struct walker *w, uint64_t keys, struct dict_view *v)
{
	memset(v, 0, sizeof(*v));
	if (!keys)
		return -1;
	v->keys = keys;
	if (!w->L->dk_new) {
		uint64_t size = walk_ptr(w, keys + 8), width;

		if (!size || (size & (size - 1)) || size > ((uint64_t)1 << 40))
			return -1;
		width = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffff ? 4 : 8;
		v->entries = keys + 40 + size * width;
		v->n = walk_ptr(w, keys + 32);
		v->usable = walk_ptr(w, keys + 24);
		v->esize = 24;
		v->koff = 8;
		v->voff = 16;
		v->size = size;
		v->general = 1;
	} else {
		unsigned log2size = walk_u8(w, keys + 8), log2ib = walk_u8(w, keys + 9), kind = walk_u8(w, keys + 10);

		if (log2size > 40 || log2ib > 44 || kind > 2)
			return -1;
		v->entries = keys + 32 + ((uint64_t)1 << log2ib);
		v->n = walk_ptr(w, keys + 24);
		v->usable = walk_ptr(w, keys + 16);
		v->general = kind == 0;
		v->esize = v->general ? 24 : 16;
		v->koff = v->general ? 8 : 0;
		v->voff = v->general ? 16 : 8;
		v->size = (uint64_t)1 << log2size;
	}
	if (v->n > v->size || v->n > ((uint64_t)1 << 31))
		return -1;
	return 0;
}

static int dict_view(struct walker *w, uint64_t dict, struct dict_view *v)
{
	uint64_t values;

	if (keys_view(w, walk_ptr(w, dict + 32), v) < 0)
		return -1;
	values = walk_ptr(w, dict + 40);
	if (values)
		v->values = values + (uint64_t)w->L->values_prefix;
	return 0;
}

/* Reads entry i of a view: key and value (either may be 0); -1 when the dump lacks it. */
static int view_entry(struct walker *w, const struct dict_view *v, uint64_t i, uint64_t *key, uint64_t *value)
{
	const unsigned char *e = hg_core_ptr(w->c, v->entries + i * v->esize, v->esize);

	if (!e)
		return -1;
	*key = hg_le64(e + v->koff);
	*value = hg_le64(e + v->voff);
	if (v->values && walk_u64(w, v->values + 8 * i, value) < 0)
		return -1;
	return 0;
}

long walk_dict_items(struct walker *w, uint64_t dict,
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

struct dict_get { const char *name; uint64_t found; };

static int dict_get_cb(struct walker *w, uint64_t key, uint64_t value, void *arg)
{
	struct dict_get *g = arg;
	char buf[256];
	int trunc = 0;

	if (text_str(w, key, buf, sizeof(buf), &trunc) >= 0 && !trunc && !strcmp(buf, g->name)) {
		g->found = value;
		return 1;
	}
	return 0;
}

uint64_t walk_dict_get(struct walker *w, uint64_t dict, const char *name)
{
	struct dict_get g = { name, 0 };

	walk_dict_items(w, dict, dict_get_cb, &g);
	return g.found;
}


/* Label of a dict value edge: ['name'] for str keys, [repr] otherwise. */
static uint32_t key_label(struct walker *w, uint64_t key, const char *pfx, const char *sfx_str)
{
	uint32_t k = walk_ref(w, key);
	char buf[128];

	if (k == HG_NONE)
		return hg_heap_cstr(w->h, "[?]");
	if (w->ti[w->h->type[k]].kind == K_STR) {
		char open[8];

		snprintf(open, sizeof(open), "%s%s", pfx, pfx[0] == '[' ? "'" : "");
		return str_label(w, key, open, sfx_str);
	}
	if (!w->h->repr[k])
		text_repr(w, k);
	snprintf(buf, sizeof(buf), "%s%s%s", pfx, hg_heap_s(w->h, w->h->repr[k]), pfx[0] == '[' ? "]" : "");
	return hg_heap_cstr(w->h, buf);
}

static void dict_edges(struct walker *w, uint64_t dict)
{
	struct dict_view v;

	if (dict_view(w, dict, &v) < 0) {
		w->h->flags[hg_heap_find(w->h, dict)] |= HG_OBJ_DAMAGED;
		return;
	}
	for (uint64_t i = 0; i < v.n; i++) {
		uint64_t key, value;

		if (view_entry(w, &v, i, &key, &value) < 0) {
			w->h->flags[hg_heap_find(w->h, dict)] |= HG_OBJ_DAMAGED;
			break;
		}
		if (!key || !value)
			continue;
		walk_edge(w, key, w->lbl_key, HG_EDGE_STRONG);
		walk_edge(w, value, key_label(w, key, "[", "']"), HG_EDGE_STRONG);
	}
}

/* Attribute values of an instance kept outside a dict object: keys from the type's shared keys. */
static void values_edges(struct walker *w, struct tinfo *t, uint64_t values, uint64_t cap)
{
	struct dict_view v;

	if (!values || keys_view(w, t->cached_keys, &v) < 0)
		return;
	if (cap && v.n > cap)
		v.n = cap;
	for (uint64_t i = 0; i < v.n; i++) {
		uint64_t key, value;
		const unsigned char *e = hg_core_ptr(w->c, v.entries + i * v.esize, v.esize);

		if (!e || walk_u64(w, values + 8 * i, &value) < 0)
			break;	/* damaged sizes: stop where the dump's memory ends */
		key = hg_le64(e + v.koff);
		if (!value)
			continue;
		walk_edge(w, value, key ? key_label(w, key, ".", "") : hg_heap_cstr(w->h, ".?"), HG_EDGE_STRONG);
	}
}

static uint64_t dict_size(struct walker *w, uint64_t dict)
{
	struct dict_view v;
	uint64_t size = 48, keys_size;

	if (dict_view(w, dict, &v) < 0)
		return size;
	if (!w->L->dk_new)
		keys_size = 40 + v.size * (v.size <= 0xff ? 1 : v.size <= 0xffff ? 2 : 4) + (2 * v.size / 3) * 24;
	else
		keys_size = 32 + ((uint64_t)1 << walk_u8(w, v.keys + 9)) + (2 * v.size / 3) * v.esize;
	if (v.values) {
		/* split table: the values array, sized for the shared keys */
		if (!w->L->dk_new)
			size += (2 * v.size / 3) * 8;
		else
			size += (v.n + v.usable) * 8;
	}
	if (walk_ptr(w, v.keys) == 1)
		size += keys_size;
	return size;
}

/* ---- instances ---- */

static void instance_dict(struct walker *w, uint32_t i, struct tinfo *t, uint64_t a)
{
	uint64_t d = 0;

	if (t->flags & TPFLAGS_MANAGED_DICT) {
		switch (w->L->managed_dict) {
		case 1:
			d = walk_ptr(w, a - 24);
			if (!d)
				values_edges(w, t, walk_ptr(w, a - 32), 0);
			break;
		case 2: {
			uint64_t word = walk_ptr(w, a - 24);

			if (word & 1)
				values_edges(w, t, word + 1, 0);
			else
				d = word;
			break;
		}
		case 3:
			d = walk_ptr(w, a - 24);
			if (t->flags & TPFLAGS_INLINE_VALUES) {
				uint64_t vb = a + (uint64_t)t->basicsize;
				unsigned char hdr[4];

				if (hg_core_read(w->c, vb, hdr, 4) == 0 && hdr[3])
					values_edges(w, t, vb + 8, hdr[0]);
			}
			break;
		}
	} else if (t->dictoffset && !(kind_covers_dict(t->kind) && t->dictoffset == t->static_dictoffset)) {
		int64_t off = t->dictoffset;

		if (off < 0) {
			int64_t n = rd_i64(w, a + 16);
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
			d = walk_ptr(w, a + (uint64_t)off);
	}
	if (d)
		walk_edge(w, d, w->lbl_dict, HG_EDGE_STRONG);
	(void)i;
}

/* Words of an object of unknown layout that point at objects: possible references. */
static void scan_body(struct walker *w, struct tinfo *t, uint64_t a, int64_t from, int64_t to)
{
	for (int64_t off = (from + 7) & ~7; off + 8 <= to; off += 8) {
		uint64_t p;
		int skip = off == t->dictoffset || off == t->weaklistoffset;

		for (size_t m = 0; m < t->nmembers && !skip; m++)
			skip = t->members[m].offset == off;
		if (skip || !(p = walk_ptr(w, a + (uint64_t)off)) || (p & 7) || p == a)
			continue;
		walk_edgef(w, p, HG_EDGE_POSSIBLE, "+%lld", (long long)off);
	}
	w->h->flags[hg_heap_find(w->h, a)] |= HG_OBJ_CONSERVATIVE;
}

/*
 * The size of the in-use pymalloc block at p (PyMem_Malloc of up to 512
 * bytes), or 0.  Its pool (4 KiB, 16 KiB from 3.10 on 64-bit) starts with a
 * header: count of blocks in use@0, arenaindex@32, szidx@36 (block size
 * (szidx + 1) * 16), nextoffset@40, maxnextoffset@44 = pool size - block
 * size; blocks start after the 48-byte header.
 */
static uint64_t pymalloc_block_size(struct walker *w, uint64_t p)
{
	static const uint64_t pool_sizes[] = { 4096, 16384 };

	for (size_t k = 0; k < HG_ARRAY_SIZE(pool_sizes); k++) {
		uint64_t ps = pool_sizes[k], pool = p & ~(ps - 1), size, off = p - pool;
		const unsigned char *hdr = hg_core_ptr(w->c, pool, 48);

		if (!hdr || off < 48)
			continue;
		size = ((uint64_t)hg_le32(hdr + 36) + 1) * 16;
		if (size > 512 || hg_le32(hdr + 44) != ps - size || (off - 48) % size ||
		    hg_le32(hdr) == 0 || hg_le32(hdr) > ps / size || hg_le32(hdr + 40) > ps)
			continue;
		return size;
	}
	return 0;
}

uint64_t walk_block_size(struct walker *w, uint64_t p)
{
	const unsigned char *hdr;
	uint64_t size, next;

	if ((p & 15) || !(hdr = hg_core_ptr(w->c, p - 8, 8)))
		return 0;
	if ((size = pymalloc_block_size(w, p)))
		return size;
	size = hg_le64(hdr);
	if (size & 2)
		return 0;	/* mmapped: large, not a struct */
	size &= ~(uint64_t)7;
	if (size < 32 || size > WALK_BLOCK_MAX || (size & 15) || !(hdr = hg_core_ptr(w->c, p - 8 + size, 8)))
		return 0;
	next = hg_le64(hdr);
	return (next & 1) && (next & ~(uint64_t)7) >= 32 ? size - 8 : 0;
}

/* ---- frames (also used for generators and thread roots) ---- */

/*
 * Edges of a 3.11+ interpreter frame at f to its function, code, globals and
 * locals by name; stack entries only when the frame is suspended.
 */
void walk_iframe_edges(struct walker *w, uint64_t f, int stack_ok);
void walk_iframe_edges(struct walker *w, uint64_t f, int stack_ok)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code = walk_ptr(w, f + (uint64_t)L->if_code), names, kinds;
	int64_t n, stacktop;
	int64_t nnames;

	field(w, f, L->if_code, "f_code");
	field(w, f, L->if_func, "f_func");
	field(w, f, L->if_globals, "f_globals");
	field(w, f, L->if_builtins, "f_builtins");
	field(w, f, L->if_locals, "f_locals");
	if (!code || walk_ref(w, code) == HG_NONE || w->ti[w->h->type[walk_ref(w, code)]].kind != K_CODE)
		return;
	n = (int32_t)walk_u32(w, code + (uint64_t)L->co_nlocalsplus);
	names = walk_ptr(w, code + (uint64_t)L->co_localsplusnames);
	kinds = walk_ptr(w, code + (uint64_t)L->co_localspluskinds);
	nnames = names ? rd_i64(w, names + 16) : 0;
	stacktop = (int32_t)walk_u32(w, f + (uint64_t)L->if_stacktop);
	if (n < 0 || n > 100000)
		return;
	for (int64_t k = 0; k < n; k++) {
		uint64_t v = walk_ptr(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k);
		uint64_t nm = k < nnames ? walk_ptr(w, names + 24 + 8 * (uint64_t)k) : 0;
		uint8_t kind = kinds ? walk_u8(w, kinds + 32 + (uint64_t)k) : 0x20;

		if (!v)
			continue;
		walk_edge(w, v, nm ? str_label(w, nm, (kind & 0xc0) ? "cell '" : "local '", "'") :
			  hg_heap_cstr(w->h, "local ?"), HG_EDGE_STRONG);
	}
	if (stack_ok && stacktop > n && stacktop < n + 100000)
		for (int64_t k = n; k < stacktop; k++)
			walk_edgef(w, walk_ptr(w, f + (uint64_t)L->if_localsplus + 8 * (uint64_t)k),
				   HG_EDGE_STRONG, "stack[%lld]", (long long)(k - n));
}

/* A 3.8-3.10 frame object: locals by name from the code's varnames/cellvars/freevars. */
static void frame_old_edges(struct walker *w, uint64_t f)
{
	const struct hg_pylayout *L = w->L;
	uint64_t code = walk_ptr(w, f + (uint64_t)L->f_code);
	static const char *const pfx[3] = { "local '", "cell '", "cell '" };
	uint64_t tuples[3];
	int64_t k = 0;

	field(w, f, L->f_back, "f_back");
	field(w, f, L->f_code, "f_code");
	field(w, f, L->f_builtins, "f_builtins");
	field(w, f, L->f_globals, "f_globals");
	field(w, f, L->f_locals, "f_locals");
	field(w, f, L->f_trace, "f_trace");
	if (!code)
		return;
	tuples[0] = walk_ptr(w, code + (uint64_t)L->co_varnames);
	tuples[1] = walk_ptr(w, code + (uint64_t)L->co_cellvars);
	tuples[2] = walk_ptr(w, code + (uint64_t)L->co_freevars);
	for (int t = 0; t < 3; t++) {
		int64_t n = tuples[t] ? rd_i64(w, tuples[t] + 16) : 0;

		if (n < 0 || n > 100000)
			return;
		for (int64_t j = 0; j < n; j++, k++) {
			uint64_t v = walk_ptr(w, f + (uint64_t)L->f_localsplus + 8 * (uint64_t)k);

			if (v)
				walk_edge(w, v, str_label(w, walk_ptr(w, tuples[t] + 24 + 8 * (uint64_t)j), pfx[t], "'"),
					  HG_EDGE_STRONG);
		}
	}
	/* The value stack of a suspended frame (3.8/3.9 f_stacktop; 3.10 f_stackdepth). */
	{
		uint64_t vs = walk_ptr(w, f + (uint64_t)L->f_valuestack);
		int64_t depth = 0;

		if (L->f_stacktop >= 0) {
			uint64_t top = walk_ptr(w, f + (uint64_t)L->f_stacktop);

			if (top > vs && vs)
				depth = (int64_t)(top - vs) / 8;
		} else if (L->f_stackdepth >= 0) {
			depth = (int32_t)walk_u32(w, f + (uint64_t)L->f_stackdepth);
		}
		for (int64_t j = 0; vs && j < depth && j < 100000; j++)
			walk_edgef(w, walk_ptr(w, vs + 8 * (uint64_t)j), HG_EDGE_STRONG, "stack[%lld]", (long long)j);
	}
}

/* ---- sizes ---- */

static uint64_t str_sizeof(struct walker *w, uint64_t a)
{
	const struct hg_pylayout *L = w->L;
	uint64_t len = walk_ptr(w, a + 16), size;
	uint32_t state = walk_u32(w, a + 32);
	unsigned kind = (state >> 2) & 7, compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
	uint64_t utf8 = walk_ptr(w, a + (uint64_t)L->utf8), data;

	if (compact && ascii) {
		size = (uint64_t)L->ascii_size + len + 1;
		data = a + (uint64_t)L->ascii_size;
	} else if (compact) {
		size = (uint64_t)L->compact_size + (len + 1) * kind;
		data = a + (uint64_t)L->compact_size;
	} else {
		data = walk_ptr(w, a + (uint64_t)L->unicode_data);
		size = (uint64_t)L->compact_size + 8 + (data ? (len + 1) * kind : 0);
	}
	if (!ascii && utf8 && utf8 != data)
		size += walk_ptr(w, a + (uint64_t)L->utf8_length) + 1;
	if (L->wstr >= 0) {
		uint64_t wstr = walk_ptr(w, a + (uint64_t)L->wstr);

		if (wstr && wstr != data)
			size += (walk_ptr(w, a + (uint64_t)L->wstr_length) + 1) * 4;
	}
	return size;
}

static uint64_t int_digits(struct walker *w, uint64_t a)
{
	int64_t n = rd_i64(w, a + 16);

	if (w->L->long_lv_tag)
		return (uint64_t)n >> 3;
	return (uint64_t)(n < 0 ? -n : n);
}

/* code.__sizeof__: the object, cell2arg, co_extra and (3.8-3.10) the opcache. */
static uint64_t code_sizeof(struct walker *w, struct tinfo *t, uint64_t a)
{
	const struct hg_pylayout *L = w->L;
	uint64_t size, extra = walk_ptr(w, a + (uint64_t)L->co_extra);

	if (L->co_cell2arg >= 0) {
		uint64_t cells = walk_ptr(w, a + (uint64_t)L->co_cellvars);

		size = (uint64_t)t->basicsize;
		if (walk_ptr(w, a + (uint64_t)L->co_cell2arg) && cells)
			size += 8 * walk_ptr(w, cells + 16);
	} else {
		int64_t n = rd_i64(w, a + 16);

		size = ((uint64_t)t->basicsize + (uint64_t)(n > 0 ? n : 0) * (uint64_t)t->itemsize + 7) & ~(uint64_t)7;
	}
	if (extra) {
		int64_t ce = rd_i64(w, extra);

		if (ce >= 1 && ce < 4096)
			size += 16 + (uint64_t)(ce - 1) * 8;
	}
	if (L->co_opcache >= 0 && walk_ptr(w, a + (uint64_t)L->co_opcache)) {
		uint64_t code = walk_ptr(w, a + (uint64_t)L->co_code);

		size += 32 * walk_u8(w, a + (uint64_t)L->co_opcache + 12);
		if (code)
			size += walk_ptr(w, code + 16) / 2;
	}
	return size;
}

/*
 * What a ctypes type's StgDict (3.8-3.12) or StgInfo (3.13) adds to its size:
 * the format string, shape[ndim] and the ffi elements[length + 1], given the
 * addresses of those four fields.
 */
static uint64_t stg_extra(struct walker *w, uint64_t format, uint64_t ndim, uint64_t elements, uint64_t length)
{
	char fmt[4096];
	long len = hg_core_read_cstr(w->c, walk_ptr(w, format), fmt, sizeof(fmt));
	uint64_t nd = walk_u32(w, ndim), n = walk_ptr(w, length);

	return (len >= 0 ? (uint64_t)len + 1 : 0) + (nd < 64 ? 8 * nd : 0) +
	       (walk_ptr(w, elements) && n < ((uint64_t)1 << 24) ? 8 * (n + 1) : 0);
}

/* What array.array, struct.Struct, buffered I/O and ctypes objects add to their basic size. */
static uint64_t c_extra_size(struct walker *w, const struct tinfo *t, uint64_t a)
{
	uint64_t n, each;

	switch (t->csize) {
	case CS_ARRAY:
		/* allocated@32 items of ob_descr@40->itemsize@4 bytes */
		n = walk_ptr(w, a + 32);
		each = walk_u32(w, walk_ptr(w, a + 40) + 4);
		return n < ((uint64_t)1 << 40) && each <= 16 ? n * each : 0;
	case CS_STRUCT: {
		/* the 32-byte formatcodes at s_codes@32, up to the one whose fmtdef is NULL */
		uint64_t codes = walk_ptr(w, a + 32);

		for (n = 0; codes && n < 65536 && walk_ptr(w, codes + 32 * n); n++)
			;
		return (n + 1) * 32;
	}
	case CS_BUFFERED:
		/* buffer_size@120 when the buffer@56 is there */
		n = walk_ptr(w, a + 120);
		return walk_ptr(w, a + 56) && n < ((uint64_t)1 << 40) ? n : 0;
	case CS_CONST:
		return (uint64_t)t->c_const;
	case CS_NDARRAY: {
		/*
		 * array_sizeof: dimensions and strides (nd@24 of each), and the data
		 * when the array owns it (flags@64 & OWNDATA): the product of
		 * dimensions@32 times the dtype's (descr@56) item size.  That is an
		 * int@32 in numpy 1.x, where @40 is a pointer or NULL, and an
		 * npy_intp@40 in numpy 2.x.
		 */
		uint64_t nd = walk_u32(w, a + 24), dims = walk_ptr(w, a + 32), descr = walk_ptr(w, a + 56);
		uint64_t item = walk_ptr(w, descr + 40), total = 1, extra;

		if (nd > 64)
			return 0;
		extra = 16 * nd;
		if (!(walk_u32(w, a + 64) & 0x4))
			return extra;
		if (!item || item >= ((uint64_t)1 << 32))
			item = walk_u32(w, descr + 32);
		for (uint64_t k = 0; k < nd; k++) {
			uint64_t d = walk_ptr(w, dims + 8 * k);

			if (d && total > ((uint64_t)1 << 48) / d)
				return extra;	/* not a real shape */
			total *= d;
		}
		return total * item < ((uint64_t)1 << 48) ? extra + total * item : extra;
	}
	case CS_STGDICT:
		/* PyCStgDict_sizeof counts the StgDict's fields twice (once in the dict's size) */
		return (uint64_t)(t->basicsize - 48) + stg_extra(w, a + 168, a + 176, a + 88, a + 64);
	default:
		return 0;
	}
}

static uint64_t shallow_size(struct walker *w, uint32_t i, struct tinfo *t, uint64_t a)
{
	const struct hg_pylayout *L = w->L;
	uint64_t size = (uint64_t)t->basicsize, pre = 0;
	int64_t n;

	switch (t->kind) {
	case K_STR:
		size = str_sizeof(w, a);
		break;
	case K_INT: {
		uint64_t nd = int_digits(w, a);

		/* offsetof(ob_digit) + digits; 3.11+ count one digit for zero */
		if (nd < (uint64_t)L->long_min_digits)
			nd = (uint64_t)L->long_min_digits;
		size = 24 + nd * 4;
		break;
	}
	case K_CODE:
		size = code_sizeof(w, t, a);
		break;
	case K_GEN:
		if (L->gi_iframe >= 0) {
			/* 3.11+: the header, the frame header and the frame's slots */
			uint64_t code = L->gi_code >= 0 ? walk_ptr(w, a + (uint64_t)L->gi_code)
							: walk_ptr(w, a + (uint64_t)L->gi_iframe + (uint64_t)L->if_code);

			size = (uint64_t)L->gi_iframe + (uint64_t)L->if_localsplus +
			       8 * ((uint64_t)walk_u32(w, code + (uint64_t)L->co_nlocalsplus) +
				    (uint64_t)walk_u32(w, code + (uint64_t)L->co_stacksize));
		}
		break;
	case K_ELEMENT: {
		/* element_sizeof: the object, its extra block, and a children array that outgrew it */
		uint64_t extra = walk_ptr(w, a + 40);

		if (extra) {
			size += 64;
			if (walk_ptr(w, extra + 24) != extra + 32)
				size += 8 * walk_ptr(w, extra + 16);
		}
		break;
	}
	case K_DEQUE: {
		/* deque.__sizeof__: the object and its 64-slot blocks of 528 bytes */
		int64_t len = rd_i64(w, a + 16), left = rd_i64(w, a + 40);

		if (len >= 0 && left >= 0 && left < 64)
			size += (uint64_t)((left + len + 64) / 64) * 528;
		break;
	}
	case K_LIST:
		size = (uint64_t)t->basicsize + 8 * walk_ptr(w, a + 32);
		break;
	case K_DICT:
		size = dict_size(w, a) + (uint64_t)(t->basicsize - 48);
		break;
	case K_ODICT: {
		/* OrderedDict: the dict, od_fast_nodes (size at +72) and 32-byte list nodes */
		uint64_t len = walk_ptr(w, a + 16);

		size = dict_size(w, a) + 8 * walk_ptr(w, a + 72) + 32 * len + (uint64_t)(t->basicsize - 48);
		break;
	}
	case K_SET:
	case K_FROZENSET: {
		uint64_t table = walk_ptr(w, a + 40);

		if (table != a + 64)
			size += (walk_ptr(w, a + 32) + 1) * 16;
		break;
	}
	case K_BYTEARRAY:
		size += walk_ptr(w, a + 24);
		break;
	case K_TYPE:
		break;	/* below */
	case K_FRAME:
		if (L->f_code >= 0) {
			/* 3.8-3.10: the object holds locals, cells, free variables and the stack */
			uint64_t code = walk_ptr(w, a + (uint64_t)L->f_code);
			uint64_t cells = walk_ptr(w, code + (uint64_t)L->co_cellvars);
			uint64_t frees = walk_ptr(w, code + (uint64_t)L->co_freevars);
			uint64_t extras = walk_u32(w, code + (uint64_t)L->co_stacksize) + walk_u32(w, code + (uint64_t)L->co_nlocals) +
					  (cells ? walk_ptr(w, cells + 16) : 0) + (frees ? walk_ptr(w, frees + 16) : 0);

			size = (uint64_t)L->frame_size + (extras - 1) * 8;
		} else {
			uint64_t f = walk_ptr(w, a + (uint64_t)L->f_frame);
			uint64_t code = walk_ptr(w, f + (uint64_t)L->if_code);

			size = (uint64_t)L->f_frame_data + (uint64_t)L->if_localsplus +
			       8 * ((uint64_t)walk_u32(w, code + (uint64_t)L->co_nlocalsplus) +
				    (uint64_t)walk_u32(w, code + (uint64_t)L->co_stacksize));
		}
		if (size > ((uint64_t)1 << 32))
			size = (uint64_t)L->frame_size;
		break;
	default:
		n = t->itemsize ? rd_i64(w, a + 16) : 0;
		if (n < 0)
			n = -n;
		/* ob_size is not always a length; a silly product is not a size */
		if ((uint64_t)n < ((uint64_t)1 << 40) / ((uint64_t)t->itemsize + 1))
			size += (uint64_t)n * (uint64_t)t->itemsize;
		break;
	}
	size += c_extra_size(w, t, a);
	if (t->kind == K_TYPE && t->csize == CS_CTYPE && L->ctypes_info >= 0) {
		/* 3.13 CDataType_sizeof: the metatype's basic size and what StgInfo points to */
		uint64_t info = a + (uint64_t)L->ctypes_info;

		size = (uint64_t)t->basicsize;
		if (walk_u32(w, info))
			size += stg_extra(w, info + 136, info + 144, info + 48, info + 24);
	} else if (t->kind == K_TYPE) {
		uint64_t tf = walk_ptr(w, a + 168);

		size = tf & TPFLAGS_HEAPTYPE ? (uint64_t)L->heaptype_size : (uint64_t)L->type_size;
		if (tf & TPFLAGS_HEAPTYPE) {
			struct dict_view v;
			uint64_t ck = walk_ptr(w, a + (uint64_t)L->ht_cached_keys);

			if (ck && keys_view(w, ck, &v) == 0)
				size += !L->dk_new ? 40 + v.size * (v.size <= 0xff ? 1 : 2) + (2 * v.size / 3) * 24
						   : 32 + ((uint64_t)1 << walk_u8(w, ck + 9)) + (2 * v.size / 3) * v.esize;
		}
		/* tp_is_gc is true for heap types only; 3.11 and 3.12 count the header anyway */
		if (!(tf & TPFLAGS_HEAPTYPE) && !L->static_type_header)
			return size;
	}
	/*
	 * sys.getsizeof adds what sits in front of the object: the GC header,
	 * and from 3.11 on the managed dict (and 3.12+ weakref) words, judged by
	 * the object's type alone.
	 */
	if (t->gc)
		pre = 16;
	if (L->managed_dict >= 2 && (t->flags & (TPFLAGS_MANAGED_DICT | TPFLAGS_MANAGED_WEAKREF)))
		pre += 16;
	else if (L->managed_dict == 1 && (t->flags & TPFLAGS_MANAGED_DICT))
		pre += 16;
	return size + pre;
}

/* ---- one object ---- */

/*
 * A numpy array of dtype object (its descr@56 has type_num@28 == 17) that
 * owns its data (flags@64 & OWNDATA) holds a reference to every item of the
 * buffer at data@16: product of dimensions@32[nd@24] pointers.  Views hold
 * their base instead.  (pandas keeps its string columns so.)
 */
static void ndarray_items(struct walker *w, uint64_t a)
{
	uint64_t data = walk_ptr(w, a + 16), dims = walk_ptr(w, a + 32), descr = walk_ptr(w, a + 56), n = 1;
	uint32_t nd = walk_u32(w, a + 24);

	if (!data || !descr || nd > 64 || walk_u32(w, descr + 28) != 17 || !(walk_u32(w, a + 64) & 0x4))
		return;
	for (uint32_t k = 0; k < nd; k++) {
		uint64_t d = walk_ptr(w, dims + 8 * (uint64_t)k);

		if (d && n > ((uint64_t)1 << 32) / d)
			return;	/* not a real shape */
		n *= d;
	}
	/* the items must be in the dump: a damaged shape cannot make this loop long */
	if (!n || !hg_core_ptr(w->c, data, 8 * n))
		return;
	for (uint64_t k = 0; k < n; k++)
		walk_edgef(w, walk_ptr(w, data + 8 * k), HG_EDGE_STRONG, "[%llu]", (unsigned long long)k);
}

/*
 * A ctypes type holds its item/pointed-to type and its function signature in
 * a StgInfo after the type (3.13) or a StgDict in tp_dict (3.8-3.12); the
 * type's own traversal visits them.
 */
static void ctype_edges(struct walker *w, uint64_t a)
{
	static const char *const names[] = { "_type_", "argtypes", "converters", "restype", "checker" };
	/* proto, argtypes, converters, restype, checker */
	static const int info_off[] = { 56, 88, 96, 104, 112 }, dict_off[] = { 96, 128, 136, 144, 152 };
	uint64_t base = a + (uint64_t)w->L->ctypes_info;
	const int *off = info_off;

	if (w->L->ctypes_info < 0) {
		uint32_t d;

		base = walk_ptr(w, a + 264);
		if ((d = walk_ref(w, base)) == HG_NONE || w->ti[w->h->type[d]].csize != CS_STGDICT)
			return;
		off = dict_off;
	} else if (!walk_u32(w, base)) {
		return;	/* not initialized */
	}
	for (size_t k = 0; k < HG_ARRAY_SIZE(names); k++)
		field(w, base, off[k], names[k]);
	if (w->L->ctypes_info >= 0)
		field(w, base, 120, "module");
}

/*
 * A C module's state, and the malloc'd blocks it points to up to two deep
 * (_decimal's signal maps, atexit's callbacks before 3.10): possible edges
 * to every object found, labeled by where.  *budget bounds the blocks
 * followed.
 */
static void scan_state(struct walker *w, uint64_t a, uint64_t len, const char *where, int hops, int *budget)
{
	for (uint64_t off = 0; off + 8 <= len; off += 8) {
		uint64_t p = walk_ptr(w, a + off), size;

		if (!p || (p & 7))
			continue;
		if (ref_quiet(w, p) != HG_NONE) {
			if (hops == 0)
				walk_edgef(w, p, HG_EDGE_POSSIBLE, "%s+%llu", where, (unsigned long long)off);
			else
				walk_edgef(w, p, HG_EDGE_POSSIBLE, "%s, via %s", where,
					   hops == 1 ? "a malloc'd block" : "2 malloc'd blocks");
			continue;
		}
		if (hops < 2 && *budget > 0 && (size = walk_block_size(w, p))) {
			--*budget;
			scan_state(w, p, size < 4096 ? size : 4096, where, hops + 1, budget);
		}
	}
}

static void seq_items(struct walker *w, uint64_t items, int64_t n)
{
	if (n < 0 || n > ((int64_t)1 << 32))
		return;
	for (int64_t k = 0; k < n; k++) {
		const unsigned char *p = hg_core_ptr(w->c, items + 8 * (uint64_t)k, 8);
		uint64_t v;
		uint32_t t;
		char lbl[32];

		/* a damaged length must not walk past the memory the dump has */
		if (!p)
			break;
		v = hg_le64(p);
		if (!v || (t = walk_ref(w, v)) == HG_NONE)
			continue;
		snprintf(lbl, sizeof(lbl), "[%lld]", (long long)k);
		hg_heap_add_edge(w->h, t, hg_heap_cstr(w->h, lbl), HG_EDGE_STRONG);
	}
}

static void deque_edges(struct walker *w, uint64_t a)
{
	/* dequeobject: ob_size@16 leftblock@24 rightblock@32 leftindex@40; block = {leftlink, data[64], rightlink} */
	int64_t n = rd_i64(w, a + 16), idx = rd_i64(w, a + 40);
	uint64_t blk = walk_ptr(w, a + 24);

	if (n < 0 || idx < 0 || idx >= 64)
		return;
	for (int64_t k = 0; k < n && blk; k++) {
		walk_edgef(w, walk_ptr(w, blk + 8 + 8 * (uint64_t)idx), HG_EDGE_STRONG, "[%lld]", (long long)k);
		if (++idx == 64) {
			idx = 0;
			blk = walk_ptr(w, blk + 8 + 64 * 8);
		}
	}
}

void walk_object(struct walker *w, uint32_t i)
{
	const struct hg_pylayout *L = w->L;
	uint64_t a = w->h->addr[i];
	struct tinfo *t, tcopy;
	uint32_t ti = w->h->type[i];

	hg_heap_begin_edges(w->h, i);
	if (ti >= w->h->ntype)
		return;
	/* A copy: decoding references can meet new types, which moves w->ti. */
	tcopy = w->ti[ti];
	t = &tcopy;

	switch (t->kind) {
	case K_TUPLE:
		seq_items(w, a + 24, rd_i64(w, a + 16));
		break;
	case K_LIST: {
		int64_t n = rd_i64(w, a + 16), alloc = rd_i64(w, a + 32);

		if (n <= alloc)
			seq_items(w, walk_ptr(w, a + 24), n);
		else
			w->h->flags[i] |= HG_OBJ_DAMAGED;
		break;
	}
	case K_DICT:
	case K_ODICT:
		dict_edges(w, a);
		break;
	case K_SET:
	case K_FROZENSET: {
		uint64_t table = walk_ptr(w, a + 40), mask = walk_ptr(w, a + 32);

		if (mask > ((uint64_t)1 << 32)) {
			w->h->flags[i] |= HG_OBJ_DAMAGED;
			break;
		}
		for (uint64_t k = 0; table && k <= mask; k++) {
			uint64_t key;

			if (walk_u64(w, table + 16 * k, &key) < 0)
				break;	/* past the memory the dump has: a damaged mask */
			if (key && key != w->set_dummy)
				walk_edge(w, key, w->lbl_set, HG_EDGE_STRONG);
		}
		break;
	}
	case K_TYPE: {
		uint64_t tf = walk_ptr(w, a + 168);

		/* a class with no instance yet: known as an object, now as a type too */
		walk_type(w, a, 0);

		field(w, a, 264, "__dict__");
		field(w, a, 344, "__mro__");
		field(w, a, 336, "__bases__");
		field(w, a, 256, "__base__");
		field(w, a, 352, "__cache__");
		if (tf & TPFLAGS_HEAPTYPE) {
			field(w, a, L->ht_name, "__name__");
			field(w, a, L->ht_qualname, "__qualname__");
			field(w, a, L->ht_slots, "__slots__");
			field(w, a, L->ht_module, "__module__");
			field(w, a, 360, "__subclasses__");
		} else if (L->is_types_builtins >= 0 && (tf & 2) && w->interp) {
			/* 3.12+ static builtin types keep their dict per interpreter */
			uint64_t idx = walk_ptr(w, a + 360);

			if (idx >= 1 && idx <= 256) {
				uint64_t e = w->interp + (uint64_t)L->is_types_builtins + (idx - 1) * (uint64_t)L->types_entry_size;

				if (walk_ptr(w, e) == a)
					field(w, e, L->types_entry_dict, "__dict__");
			}
		} else {
			field(w, a, 360, "__subclasses__");
		}
		if (t->csize == CS_CTYPE)
			ctype_edges(w, a);
		break;
	}
	case K_FUNCTION:
		field(w, a, L->fn_code, "__code__");
		field(w, a, L->fn_globals, "__globals__");
		field(w, a, L->fn_builtins, "__builtins__");
		field(w, a, L->fn_name, "__name__");
		field(w, a, L->fn_qualname, "__qualname__");
		field(w, a, L->fn_defaults, "__defaults__");
		field(w, a, L->fn_kwdefaults, "__kwdefaults__");
		field(w, a, L->fn_closure, "__closure__");
		field(w, a, L->fn_doc, "__doc__");
		field(w, a, L->fn_dict, "__dict__");
		field(w, a, L->fn_module, "__module__");
		field(w, a, L->fn_annotations, "__annotations__");
		field(w, a, L->fn_typeparams, "__type_params__");
		break;
	case K_CODE:
		field(w, a, L->co_code, "co_code");
		field(w, a, L->co_consts, "co_consts");
		field(w, a, L->co_names, "co_names");
		field(w, a, L->co_varnames, "co_varnames");
		field(w, a, L->co_freevars, "co_freevars");
		field(w, a, L->co_cellvars, "co_cellvars");
		field(w, a, L->co_exceptiontable, "co_exceptiontable");
		field(w, a, L->co_localsplusnames, "co_localsplusnames");
		field(w, a, L->co_localspluskinds, "co_localspluskinds");
		field(w, a, L->co_filename, "co_filename");
		field(w, a, L->co_name, "co_name");
		field(w, a, L->co_qualname, "co_qualname");
		field(w, a, L->co_linetable, "co_linetable");
		field(w, a, L->co_code_obj, "_co_code");
		if (L->co_cached >= 0) {
			uint64_t cc = walk_ptr(w, a + (uint64_t)L->co_cached);

			if (cc) {
				field(w, cc, 0, "_co_code");
				field(w, cc, 8, "_co_varnames");
				field(w, cc, 16, "_co_cellvars");
				field(w, cc, 24, "_co_freevars");
			}
		}
		break;
	case K_FRAME:
		if (L->f_code >= 0) {
			frame_old_edges(w, a);
		} else {
			uint64_t f = walk_ptr(w, a + (uint64_t)L->f_frame);

			field(w, a, L->f_back, "f_back");
			field(w, a, L->f_trace, "f_trace");
			field(w, a, L->f_extra_locals, "f_extra_locals");
			field(w, a, L->f_locals_cache, "f_locals_cache");
			/* The frame data lives in the object once the call returned (owner 2). */
			if (f == a + (uint64_t)L->f_frame_data)
				walk_iframe_edges(w, f, 1);
		}
		break;
	case K_GEN:
		if (L->gi_frame >= 0) {
			field(w, a, L->gi_frame, "gi_frame");
			field(w, a, L->gi_code, "gi_code");
		} else {
			int8_t state = (int8_t)walk_u8(w, a + (uint64_t)L->gi_frame_state);

			field(w, a, L->gi_code, "gi_code");
			if (state < L->gen_state_completed)
				walk_iframe_edges(w, a + (uint64_t)L->gi_iframe, 1);
			else
				field(w, a + (uint64_t)L->gi_iframe, L->if_code, "gi_code");
		}
		field(w, a, L->gi_name, "__name__");
		field(w, a, L->gi_qualname, "__qualname__");
		field(w, a, L->gi_origin, "origin_or_finalizer");
		/* 3.8-3.10 coroutines and async generators add fields after the generator's */
		if (L->gi_origin < 0 && t->basicsize > L->gen_size)
			scan_body(w, t, a, L->gen_size, t->basicsize);
		field(w, a, L->gi_exc_state + (L->exc_item_type >= 0 ? 8 : 0), "gi_exc_state");
		break;
	case K_MODULE: {
		uint64_t def = walk_ptr(w, a + 24), state = walk_ptr(w, a + 32);
		int64_t msize = def ? rd_i64(w, def + 56) : 0;
		int budget = 1024;

		field(w, a, 16, "__dict__");
		field(w, a, 48, "__name__");

		/* A C module's state (PyModuleDef.m_size bytes) holds its types and objects. */
		if (state && msize > 0)
			scan_state(w, state, msize < 65536 ? (uint64_t)msize : 65536, "module state", 0, &budget);
		break;
	}
	case K_CELL:
		field(w, a, 16, "cell_contents");
		break;
	case K_METHOD:
		field(w, a, 16, "__func__");
		field(w, a, 24, "__self__");
		break;
	case K_CFUNCTION:
		field(w, a, 24, "__self__");
		field(w, a, 32, "__module__");
		if (t->basicsize >= 64)
			field(w, a, 56, "__class__");
		break;
	case K_PROPERTY:
		field(w, a, 16, "fget");
		field(w, a, 24, "fset");
		field(w, a, 32, "fdel");
		field(w, a, 40, "__doc__");
		field(w, a, L->prop_name, "__name__");
		break;
	case K_CLASSMETHOD:
	case K_STATICMETHOD:
		field(w, a, 16, "__func__");
		field(w, a, 24, "__dict__");
		break;
	case K_DESCR:
		field(w, a, 16, "__objclass__");
		field(w, a, 24, "__name__");
		field(w, a, 32, "__qualname__");
		break;
	case K_WEAKREF: {
		uint64_t target = walk_ptr(w, a + 16);

		if (target && target != w->none)
			walk_edge(w, target, w->lbl_weak, HG_EDGE_WEAK);
		field(w, a, 24, "__callback__");
		break;
	}
	case K_SLICE:
		field(w, a, 16, "start");
		field(w, a, 24, "stop");
		field(w, a, 32, "step");
		break;
	case K_MAPPINGPROXY:
		field(w, a, 16, "mapping");
		break;
	case K_EXCEPTION:
		field(w, a, 16, "__dict__");
		field(w, a, 24, "args");
		field(w, a, L->exc_notes, "__notes__");
		field(w, a, L->exc_traceback, "__traceback__");
		field(w, a, L->exc_context, "__context__");
		field(w, a, L->exc_cause, "__cause__");
		break;
	case K_TRACEBACK:
		field(w, a, 16, "tb_next");
		field(w, a, 24, "tb_frame");
		break;
	case K_RANGE:
		field(w, a, 16, "start");
		field(w, a, 24, "stop");
		field(w, a, 32, "step");
		field(w, a, 40, "length");
		break;
	case K_DEQUE:
		deque_edges(w, a);
		break;
	case K_ELEMENT: {
		/*
		 * _elementtree's ElementObject {head, tag@16, text@24, tail@32, extra@40}:
		 * text and tail carry a flag in their low bit; extra is a separate block
		 * {attrib@0, length@8, allocated@16, children@24, _children[4]@32}.
		 */
		uint64_t extra = walk_ptr(w, a + 40);
		int64_t n;

		field(w, a, 16, "tag");
		walk_edgef(w, walk_ptr(w, a + 24) & ~(uint64_t)1, HG_EDGE_STRONG, "text");
		walk_edgef(w, walk_ptr(w, a + 32) & ~(uint64_t)1, HG_EDGE_STRONG, "tail");
		if (extra) {
			field(w, extra, 0, "attrib");
			n = rd_i64(w, extra + 8);
			seq_items(w, walk_ptr(w, extra + 24), n >= 0 && n <= rd_i64(w, extra + 16) ? n : 0);
		}
		break;
	}
	case K_LRU: {
		/* lru_cache_object starts with the root of its circular list of
		 * lru_list_elem {head, prev@16, next@24, hash@32, key@40, result@48} */
		uint64_t link = walk_ptr(w, a + 24);

		for (int n = 0; link && link != a && n < (1 << 24); n++) {
			walk_edgef(w, walk_ptr(w, link + 40), HG_EDGE_STRONG, "cache key");
			walk_edgef(w, walk_ptr(w, link + 48), HG_EDGE_STRONG, "cache result");
			link = walk_ptr(w, link + 24);
		}
		break;
	}
	default:
		break;
	}

	/* What every instance may add: its class, __slots__/C members, its __dict__. */
	if (t->heap)
		walk_edge(w, w->h->types[ti].addr, w->lbl_class, HG_EDGE_TYPE);
	for (size_t m = 0; m < t->nmembers; m++) {
		uint64_t p = walk_ptr(w, a + (uint64_t)t->members[m].offset);

		if (p)
			walk_edge(w, p, t->members[m].label, HG_EDGE_STRONG);
	}
	if (t->kind != K_TYPE || t->heap)
		instance_dict(w, i, t, a);
	if (t->scan_to > t->scan_from)
		scan_body(w, t, a, t->scan_from, t->scan_to);
	if (t->scan_items) {
		int64_t n = rd_i64(w, a + 16);

		if (n > 0 && n < 65536)
			scan_body(w, t, a, t->basicsize, t->basicsize + 8 * n);
	}
	if (t->csize == CS_NDARRAY) {
		/* PyArrayObject: base@48, descr@56, and from numpy 1.22 mem_handler@88 */
		field(w, a, 48, "base");
		field(w, a, 56, "dtype");
		if (t->c_end >= 96)
			field(w, a, 88, "mem_handler");
		ndarray_items(w, a);
	}

	w->h->size[i] = shallow_size(w, i, t, a);
	{
		uint64_t rc = walk_ptr(w, a);

		/* 3.12+: immortal objects have the low 32 bits negative */
		if (w->L->immortal && (int32_t)(uint32_t)rc < 0)
			w->h->refcnt[i] = HG_REFCNT_IMMORTAL;
		else
			w->h->refcnt[i] = rc >= HG_REFCNT_IMMORTAL ? HG_REFCNT_IMMORTAL - 1 : (uint32_t)rc;
	}
	text_repr(w, i);
}

/* ---- setting up ---- */

static uint64_t sym(struct walker *w, const char *name)
{
	uint64_t a;

	return hg_core_file_symbol(w->c, w->py->image, name, &a) == 0 ? a : 0;
}

static void find_static_types(struct walker *w)
{
	static const struct { enum pykind kind; const char *sym; } table[] = {
		{ K_TYPE, "PyType_Type" }, { K_OBJECT, "PyBaseObject_Type" }, { K_INT, "PyLong_Type" },
		{ K_FLOAT, "PyFloat_Type" }, { K_COMPLEX, "PyComplex_Type" }, { K_STR, "PyUnicode_Type" },
		{ K_BYTES, "PyBytes_Type" }, { K_BYTEARRAY, "PyByteArray_Type" }, { K_TUPLE, "PyTuple_Type" },
		{ K_LIST, "PyList_Type" }, { K_DICT, "PyDict_Type" }, { K_SET, "PySet_Type" },
		{ K_FROZENSET, "PyFrozenSet_Type" }, { K_FUNCTION, "PyFunction_Type" }, { K_CODE, "PyCode_Type" },
		{ K_FRAME, "PyFrame_Type" }, { K_GEN, "PyGen_Type" }, { K_MODULE, "PyModule_Type" },
		{ K_CELL, "PyCell_Type" }, { K_METHOD, "PyMethod_Type" }, { K_PROPERTY, "PyProperty_Type" },
		{ K_CLASSMETHOD, "PyClassMethod_Type" }, { K_STATICMETHOD, "PyStaticMethod_Type" },
		{ K_CFUNCTION, "PyCFunction_Type" }, { K_DESCR, "PyMemberDescr_Type" },
		{ K_WEAKREF, "_PyWeakref_RefType" }, { K_NONE, "_PyNone_Type" },
		{ K_NOTIMPL, "_PyNotImplemented_Type" }, { K_ELLIPSIS, "PyEllipsis_Type" },
		{ K_SLICE, "PySlice_Type" }, { K_MAPPINGPROXY, "PyDictProxy_Type" },
		{ K_TRACEBACK, "PyTraceBack_Type" }, { K_ODICT, "PyODict_Type" }, { K_RANGE, "PyRange_Type" },
	};
	uint64_t p;

	for (size_t k = 0; k < HG_ARRAY_SIZE(table); k++)
		w->kind_type[table[k].kind] = sym(w, table[k].sym);
	/* BaseException's type object is static; the exported symbol is a pointer to it. */
	if ((p = sym(w, "PyExc_BaseException")))
		w->kind_type[K_EXCEPTION] = walk_ptr(w, p);
	w->t_type = w->kind_type[K_TYPE];
	w->t_object = w->kind_type[K_OBJECT];
	w->t_bool = sym(w, "PyBool_Type");
	w->t_coro = sym(w, "PyCoro_Type");
	w->t_asyncgen = sym(w, "PyAsyncGen_Type");
	w->t_weakproxy = sym(w, "_PyWeakref_ProxyType");
	w->t_weakcproxy = sym(w, "_PyWeakref_CallableProxyType");
	w->t_cmethod = sym(w, "PyCMethod_Type");
	w->t_method_descr = sym(w, "PyMethodDescr_Type");
	w->t_getset_descr = sym(w, "PyGetSetDescr_Type");
	w->t_wrapper_descr = sym(w, "PyWrapperDescr_Type");
	w->t_classmethod_descr = sym(w, "PyClassMethodDescr_Type");
	if ((p = sym(w, "_PySet_Dummy")))
		w->set_dummy = walk_ptr(w, p);
	w->none = sym(w, "_Py_NoneStruct");
}

/*
 * 3.13+ publish their own offsets in _Py_DebugOffsets at &_PyRuntime
 * (reference/cpython-layouts.md section 1.4): where they cover a field, the
 * process's own word beats the table measured on 3.13.0, so that later
 * patch releases that move internal structs are still read right.
 */
static void debug_offsets(struct walker *w, struct hg_pylayout *L)
{
	static const struct { size_t at; size_t field; } map[] = {
#define F(at, name) { at, offsetof(struct hg_pylayout, name) }
		F(40, rt_interp_head), F(64, is_next), F(72, is_threads_head), F(80, is_gc),
		F(88, is_modules), F(96, is_sysdict), F(104, is_builtins),
		F(168, ts_next), F(176, ts_interp), F(184, ts_current_frame), F(192, ts_thread_id),
		F(200, ts_native_thread_id),
		F(232, if_previous), F(240, if_code), F(256, if_localsplus), F(264, if_owner),
		F(280, co_filename), F(288, co_name), F(296, co_qualname), F(304, co_linetable),
		F(312, co_firstlineno), F(320, co_argcount), F(328, co_localsplusnames),
		F(336, co_localspluskinds), F(344, co_code_adaptive),
#undef F
	};
	unsigned char d[584];

	if (hg_core_read(w->c, w->py->runtime, d, sizeof(d)) < 0 || memcmp(d, "xdebugpy", 8))
		return;
	for (size_t k = 0; k < HG_ARRAY_SIZE(map); k++) {
		uint64_t v = hg_le64(d + map[k].at);

		/* a damaged table must not send the walk astray: offsets are small */
		if (v < (1u << 20))
			*(int *)((char *)L + map[k].field) = (int)v;
	}
}

int hg_cpython_load(struct hg_core *c, const struct hg_python *py, struct hg_heap *h,
		    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
		    struct hg_error *err)
{
	struct walker w;
	struct hg_pylayout layout;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.py = py;
	w.h = h;
	w.warn = &c->warnings;
	if (!hg_pylayout_find(py->major, py->minor))
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: Python %s is not supported (3.8 to 3.13 are)",
				 c->path, py->version);
	layout = *hg_pylayout_find(py->major, py->minor);
	if (!strcmp(py->version_source, "_Py_DebugOffsets"))
		debug_offsets(&w, &layout);
	w.L = &layout;
	find_static_types(&w);
	if (!w.t_type || !w.kind_type[K_DICT] || !w.kind_type[K_STR])
		return hg_errorf(err, HG_EFORMAT, "%s: the interpreter image %s lacks the builtin type symbols",
				 c->path, py->image_path);
	snprintf(h->meta.python, sizeof(h->meta.python), "%s", py->version);
	h->meta.pid = c->pid;
	w.lbl_dict = hg_heap_cstr(h, "__dict__");
	w.lbl_class = hg_heap_cstr(h, "__class__");
	w.lbl_weak = hg_heap_cstr(h, "(weak)");
	w.lbl_key = hg_heap_cstr(h, "key");
	w.lbl_set = hg_heap_cstr(h, "{}");
	w.lbl_cell = hg_heap_cstr(h, "cell_contents");

	if (walk_type(&w, w.t_type, 0) == HG_NONE) {
		free(w.ti);
		return hg_errorf(err, HG_EFORMAT, "%s: the type object at 0x%llx does not validate (damaged core?)",
				 c->path, (unsigned long long)w.t_type);
	}
	if (roots_gc_lists(&w) < 0) {
		free(w.ti); free(w.tkeys); free(w.tvals);
		return hg_errorf(err, HG_EFORMAT, "%s: cannot read the interpreter state at _PyRuntime 0x%llx",
				 c->path, (unsigned long long)py->runtime);
	}
	roots_collect(&w);
	for (uint32_t i = 0; i < h->nobj; i++) {
		walk_object(&w, i);
		if (progress && !(i & 0xffff))
			progress(progress_arg, i, h->nobj);
	}
	if (progress)
		progress(progress_arg, h->nobj, h->nobj);
	hg_heap_finish(h);
	roots_c_memory(&w);
	hg_heap_mark(h);
	hg_heap_drop_build(h);
	/* A few stale pointers are normal (free lists, caches); many mean damage. */
	h->meta.wild_refs = w.bad_refs;
	if (w.bad_refs > h->nedge / 100 + 1000)
		hg_warnf(&c->warnings, "%s: %llu references did not lead to a valid object (damaged memory?)",
			 c->path, (unsigned long long)w.bad_refs);
	h->meta.incomplete = c->incomplete;
	for (size_t k = 0; k < h->ntype && k < w.ti_alloc; k++)
		free(w.ti[k].members);
	free(w.ti);
	free(w.tkeys);
	free(w.tvals);
	return 0;
}
