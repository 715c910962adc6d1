/*
 * types.c - type objects: validated before any object of theirs is
 * trusted (ready, sane sizes, a metatype that is a type), named (__name__,
 * __qualname__, __module__), and told what kind their instances are: the
 * kind of the nearest base heapgraph knows, a static builtin type found by
 * its symbol or a C extension type found by its tp_name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

/* ---- the registry: type address -> type index ---- */

static inline uint64_t tmix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ULL;
	return x ^ (x >> 29);
}

uint32_t type_index(struct walker *w, uint64_t tp)
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

/* ---- the static types heapgraph knows, by the interpreter's symbols ---- */

static const struct { const char *sym; enum pykind kind; } static_types[] = {
	{ "PyType_Type", K_TYPE }, { "PyBaseObject_Type", K_OBJECT }, { "PyLong_Type", K_INT },
	{ "PyFloat_Type", K_FLOAT }, { "PyComplex_Type", K_COMPLEX }, { "PyUnicode_Type", K_STR },
	{ "PyBytes_Type", K_BYTES }, { "PyByteArray_Type", K_BYTEARRAY }, { "PyTuple_Type", K_TUPLE },
	{ "PyList_Type", K_LIST }, { "PyDict_Type", K_DICT }, { "PySet_Type", K_SET },
	{ "PyFrozenSet_Type", K_FROZENSET }, { "PyFunction_Type", K_FUNCTION }, { "PyCode_Type", K_CODE },
	{ "PyFrame_Type", K_FRAME }, { "PyGen_Type", K_GEN }, { "PyModule_Type", K_MODULE },
	{ "PyCell_Type", K_CELL }, { "PyMethod_Type", K_METHOD }, { "PyProperty_Type", K_PROPERTY },
	{ "PyClassMethod_Type", K_CLASSMETHOD }, { "PyStaticMethod_Type", K_STATICMETHOD },
	{ "PyCFunction_Type", K_CFUNCTION }, { "PyMemberDescr_Type", K_DESCR },
	{ "_PyWeakref_RefType", K_WEAKREF }, { "_PyNone_Type", K_NONE },
	{ "_PyNotImplemented_Type", K_NOTIMPL }, { "PyEllipsis_Type", K_ELLIPSIS },
	{ "PySlice_Type", K_SLICE }, { "PyDictProxy_Type", K_MAPPINGPROXY },
	{ "PyTraceBack_Type", K_TRACEBACK }, { "PyODict_Type", K_ODICT }, { "PyRange_Type", K_RANGE },
	/* more types of a kind: their layouts are the kind's */
	{ "PyBool_Type", K_INT }, { "PyFrozenDict_Type", K_DICT } /* 3.15 */,
	{ "PyCoro_Type", K_GEN }, { "PyAsyncGen_Type", K_GEN },
	{ "_PyWeakref_ProxyType", K_WEAKREF }, { "_PyWeakref_CallableProxyType", K_WEAKREF },
	{ "PyCMethod_Type", K_CFUNCTION }, { "PyMethodDescr_Type", K_DESCR },
	{ "PyGetSetDescr_Type", K_DESCR }, { "PyWrapperDescr_Type", K_DESCR },
	{ "PyClassMethodDescr_Type", K_DESCR },
};

_Static_assert(HG_ARRAY_SIZE(static_types) <= HG_ARRAY_SIZE(((struct walker *)0)->static_addr),
	       "struct walker has room for the address of every static type");

static uint64_t sym(struct walker *w, const char *name)
{
	return w->src->symbol(w->src->symbol_ctx, name);
}

int types_init(struct walker *w)
{
	uint64_t p;

	for (size_t k = 0; k < HG_ARRAY_SIZE(static_types); k++) {
		w->static_addr[k] = sym(w, static_types[k].sym);
		if (!w->kind_type[static_types[k].kind])
			w->kind_type[static_types[k].kind] = w->static_addr[k];
	}
	/* BaseException's type object is static; the exported symbol is a pointer to it. */
	if ((p = sym(w, "PyExc_BaseException")))
		w->kind_type[K_EXCEPTION] = rd_ptr(w, p);
	w->t_type = w->kind_type[K_TYPE];
	w->t_object = w->kind_type[K_OBJECT];
	w->t_bool = sym(w, "PyBool_Type");
	if ((p = sym(w, "_PySet_Dummy")))
		w->set_dummy = rd_ptr(w, p);
	w->none = sym(w, "_Py_NoneStruct");
	return w->t_type && w->kind_type[K_DICT] && w->kind_type[K_STR] ? 0 : -1;
}

static enum pykind static_kind(struct walker *w, uint64_t tp)
{
	if (!tp)
		return K_UNKNOWN;
	for (size_t k = 0; k < HG_ARRAY_SIZE(static_types); k++)
		if (w->static_addr[k] == tp)
			return static_types[k].kind;
	if (tp == w->kind_type[K_EXCEPTION])
		return K_EXCEPTION;
	return K_UNKNOWN;
}

void types_release(struct walker *w)
{
	for (size_t k = 0; k < w->h->ntype && k < w->ti_alloc; k++)
		free(w->ti[k].members);
	free(w->ti);
	free(w->tkeys);
	free(w->tvals);
	w->ti = NULL;
	w->tkeys = NULL;
	w->tvals = NULL;
}

/* ---- validating a type ---- */

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
	uint64_t m = rd_ptr(w, tp + TP_MEMBERS);

	for (int n = 0; m && n < 256; n++, m += MEMBERDEF_SIZE) {
		unsigned char md[MEMBERDEF_SIZE];
		uint32_t type;
		int64_t off;
		char name[128];

		if (hg_mem_read(w->m, m, md, sizeof(md)) < 0 || !hg_le64(md))
			break;
		type = hg_le32(md + MD_TYPE);
		off = (int64_t)hg_le64(md + MD_OFFSET);
		if ((type != T_OBJECT && type != T_OBJECT_EX) || off < OB_HEAD_SIZE || off + 8 > t->basicsize)
			continue;
		if (hg_mem_cstr(w->m, hg_le64(md), name + 1, sizeof(name) - 1) < 0)
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
	uint64_t flags = rd_ptr(w, tp + TP_FLAGS), base = rd_ptr(w, tp + TP_BASE), m;
	int64_t size = rd_i64(w, tp + TP_BASICSIZE), bsize, explained, dictoff, weakoff;

	if (!(flags & TPF_HEAPTYPE))
		return 1;
	if (!base)
		return 0;
	bsize = rd_i64(w, base + TP_BASICSIZE);
	explained = bsize;
	dictoff = rd_i64(w, tp + TP_DICTOFFSET);
	weakoff = rd_i64(w, tp + TP_WEAKLISTOFFSET);
	if (dictoff >= bsize && dictoff != rd_i64(w, base + TP_DICTOFFSET))
		explained += 8;
	if (weakoff >= bsize && weakoff != rd_i64(w, base + TP_WEAKLISTOFFSET))
		explained += 8;
	m = rd_ptr(w, tp + TP_MEMBERS);
	for (int n = 0; m && n < 256; n++, m += MEMBERDEF_SIZE) {
		uint64_t name = rd_ptr(w, m);
		int64_t off = rd_i64(w, m + MD_OFFSET);

		if (!name)
			break;
		if (off >= bsize && off != dictoff && off != weakoff)
			explained += 8;
	}
	return size > explained;
}

/* Fills names (__name__, __module__, __qualname__) of a validated type. */
static void type_names(struct walker *w, uint32_t ti, uint64_t tp)
{
	struct hg_type *T = &w->h->types[ti];
	struct tinfo *t = &w->ti[ti];
	char name[256];

	if (t->heap) {
		uint64_t mod = dict_get(w, rd_ptr(w, tp + TP_DICT), "__module__");
		int trunc;

		if (text_str(w, rd_ptr(w, tp + w->L->ht_name), name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->name = hg_heap_cstr(w->h, name);
		}
		if (text_str(w, rd_ptr(w, tp + w->L->ht_qualname), name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->qualname = hg_heap_cstr(w->h, name);
		}
		if (mod && text_str(w, mod, name, sizeof(name), &trunc) >= 0) {
			text_sanitize(name);
			T->module = hg_heap_cstr(w->h, name);
		}
	}
	if (!T->name && hg_mem_cstr(w->m, rd_ptr(w, tp + TP_NAME), name, sizeof(name)) >= 0) {
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
 * size or whose traversal visits fields heapgraph names (ext; their layouts
 * are the same in 3.8-3.15, ctypes' StgDict is gone in 3.13), and numpy's
 * arrays and scalars.  *extra gets a constant to add, for the numpy scalars.
 */
static enum pykind c_type_by_name(struct walker *w, uint64_t tp, enum pyext *ext, int64_t *extra)
{
	static const struct { const char *name; enum pykind kind; enum pyext ext; } table[] = {
		{ "collections.deque", K_DEQUE, EXT_NONE }, { "functools._lru_cache_wrapper", K_LRU, EXT_NONE },
		{ "xml.etree.ElementTree.Element", K_ELEMENT, EXT_NONE },
		{ "array.array", K_UNKNOWN, EXT_ARRAY }, { "_struct.Struct", K_UNKNOWN, EXT_STRUCT },
		{ "Struct", K_UNKNOWN, EXT_STRUCT }, { "_io.BufferedReader", K_UNKNOWN, EXT_BUFFERED },
		{ "_io.BufferedWriter", K_UNKNOWN, EXT_BUFFERED }, { "_io.BufferedRandom", K_UNKNOWN, EXT_BUFFERED },
		{ "_io.BytesIO", K_UNKNOWN, EXT_BYTESIO }, { "_queue.SimpleQueue", K_UNKNOWN, EXT_SIMPLEQUEUE },
		{ "StgDict", K_UNKNOWN, EXT_STGDICT }, { "_ctypes.PyCStructType", K_UNKNOWN, EXT_CTYPE },
		{ "_ctypes.UnionType", K_UNKNOWN, EXT_CTYPE }, { "_ctypes.PyCPointerType", K_UNKNOWN, EXT_CTYPE },
		{ "_ctypes.PyCArrayType", K_UNKNOWN, EXT_CTYPE }, { "_ctypes.PyCSimpleType", K_UNKNOWN, EXT_CTYPE },
		{ "_ctypes.PyCFuncPtrType", K_UNKNOWN, EXT_CTYPE }, { "_ctypes.CType_Type", K_UNKNOWN, EXT_CTYPE },
		{ "numpy.ndarray", K_UNKNOWN, EXT_NDARRAY },
	};
	char name[64];

	*ext = EXT_NONE;
	*extra = 0;
	if (hg_mem_cstr(w->m, rd_ptr(w, tp + TP_NAME), name, sizeof(name)) < 0)
		return K_UNKNOWN;
	for (size_t k = 0; k < HG_ARRAY_SIZE(table); k++) {
		if (!strcmp(name, table[k].name)) {
			*ext = table[k].ext;
			return table[k].kind;
		}
	}
	if (!strncmp(name, "numpy.", 6) && (*extra = numpy_scalar_size(name + 6)) > 0)
		*ext = EXT_CONST;
	return K_UNKNOWN;
}

/*
 * The type index of the type object at tp, validating it (and its metatype)
 * on first sight; HG_NONE when tp is not a plausible type.
 */
uint32_t type_ref(struct walker *w, uint64_t tp, int depth)
{
	const unsigned char *b;
	unsigned char body[TP_READ_SIZE];
	uint64_t mt, flags, base;
	int64_t basicsize, itemsize;
	uint32_t ti, mti = HG_NONE, obj;
	struct tinfo *t;
	enum pykind kind = K_UNKNOWN;
	int unknown_c = 0;
	int64_t c_end = 0, hit_size = 0;
	enum pyext ext = EXT_NONE;
	int64_t ext_const = 0;

	if (!tp || (tp & 7))
		return HG_NONE;
	ti = type_index(w, tp);
	if (ti != HG_NONE)
		return ti;
	if (depth > 64 || hg_mem_read(w->m, tp, body, sizeof(body)) < 0)
		return HG_NONE;
	b = body;
	mt = hg_le64(b + OB_TYPE);
	flags = hg_le64(b + TP_FLAGS);
	basicsize = (int64_t)hg_le64(b + TP_BASICSIZE);
	itemsize = (int64_t)hg_le64(b + TP_ITEMSIZE);
	if (!(flags & TPF_READY) || basicsize < 16 || basicsize > (1 << 24) ||
	    itemsize < 0 || itemsize > (1 << 16))
		return HG_NONE;
	if (mt != tp) {
		mti = type_ref(w, mt, depth + 1);
		if (mti == HG_NONE || !(w->ti[mti].flags & TPF_TYPE_SUBCLASS))
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
			hit_size = rd_i64(w, base + TP_BASICSIZE);
			break;
		}
		if (is_c_type(w, base) && !unknown_c) {
			k = c_type_by_name(w, base, &ext, &ext_const);
			c_end = rd_i64(w, base + TP_BASICSIZE);
			/* deque's and lru_cache's other fields are scanned; Element is decoded whole */
			unknown_c = k != K_ELEMENT;
			if (k != K_UNKNOWN) {
				kind = k;
				hit_size = 16;
				break;
			}
		}
		base = rd_ptr(w, base + TP_BASE);
	}

	ti = hg_heap_add_type(w->h, tp, HG_NONE);
	HG_GROW(w->ti, ti + 1, w->ti_alloc);
	t = &w->ti[ti];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->flags = flags;
	t->basicsize = basicsize;
	t->itemsize = itemsize;
	t->dictoffset = (int64_t)hg_le64(b + TP_DICTOFFSET);
	t->weaklistoffset = (int64_t)hg_le64(b + TP_WEAKLISTOFFSET);
	t->heap = (flags & TPF_HEAPTYPE) != 0;
	t->gc = (flags & TPF_HAVE_GC) != 0;
	tmap_put(w, tp, ti);

	obj = hg_heap_find(w->h, tp);
	if (obj == HG_NONE)
		obj = hg_heap_add_object(w->h, tp, mt == tp ? ti : mti);
	else
		hg_heap_set_type(w->h, obj, mt == tp ? ti : mti);
	w->h->types[ti].obj = obj;
	w->h->flags[obj] |= HG_OBJ_TYPE;

	/* static_dictoffset: of the first static type in the base chain */
	base = tp;
	t->static_dictoffset = 0;
	for (int d = 0; base && d < 64; d++) {
		if (!(rd_ptr(w, base + TP_FLAGS) & TPF_HEAPTYPE)) {
			t->static_dictoffset = rd_i64(w, base + TP_DICTOFFSET);
			break;
		}
		base = rd_ptr(w, base + TP_BASE);
	}
	if (t->heap)
		t->cached_keys = rd_ptr(w, tp + w->L->ht_cached_keys);

	/* Members of every class in the MRO that heapgraph does not decode itself. */
	{
		uint64_t mro = rd_ptr(w, tp + TP_MRO);
		int64_t n = mro ? rd_i64(w, mro + OB_SIZE) : 0;

		if (n <= 0 || n > 4096) {
			collect_members(w, t, tp);
		} else {
			for (int64_t k = 0; k < n; k++) {
				uint64_t cls = rd_tuple_item(w, mro, (uint64_t)k);
				uint64_t cflags = rd_ptr(w, cls + TP_FLAGS);

				if (cls && ((cflags & TPF_HEAPTYPE) || static_kind(w, cls) == K_UNKNOWN))
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
	t->ext = ext;
	t->ext_const = ext_const;
	t->c_end = c_end;
	/* numpy arrays are decoded, not scanned */
	if (ext == EXT_NDARRAY)
		t->scan_to = t->scan_from;
	/* 3.13+ ctypes types: their StgInfo follows the type and is decoded, not scanned */
	if (ext == EXT_CTYPE && w->L->ctypes_info >= 0)
		t->scan_to = t->scan_from;
	/* a C type of its own whose items are object pointers (contextvars' HAMT nodes) */
	t->scan_items = (kind == K_UNKNOWN || (kind == K_OBJECT && unknown_c)) && itemsize == 8;
	/* Bodies of unknown layout are scanned up to 4 KiB: larger ones are not plain structs. */
	if (t->scan_to > 4096)
		t->scan_to = 4096;
	if (t->heap && w->t_object) {
		uint64_t d = rd_ptr(w, tp + TP_DICT);

		t->has_del = d && dict_get(w, d, "__del__") != 0;
	}
	type_names(w, ti, tp);
	w->h->types[ti].tflags = (t->heap ? HG_TYPE_HEAP : 0) | (t->has_del ? HG_TYPE_HAS_DEL : 0) |
				 (kind == K_STR ? HG_TYPE_STR : 0);
	return ti;
}

