/*
 * kinds-ext.c - types of C extension modules, each in one place: the
 * containers heapgraph decodes whole (collections.deque, the lru_cache
 * wrapper, ElementTree's Element: kinds), and the types whose __sizeof__
 * counts memory of their own or whose traversal visits fields heapgraph
 * names (array.array, struct.Struct, buffered I/O, ctypes' types and
 * StgDict, numpy's arrays and scalars: extensions of their kind).  Their
 * layouts are the same in 3.8-3.15 (abi.h) but for ctypes' StgInfo
 * (layout.h).  Linked structures are followed with a guard: a damaged link
 * that loops or runs on cannot make the walk longer than the dump is big.
 */
#include <stdio.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"

/* ---- collections.deque ---- */

/* Items from the left block and index on, 64 to a block; blocks linked by their right link. */
static void deque_edges(struct walker *w, const struct pyobj *o)
{
	int64_t n = rd_i64(w, o->a + OB_SIZE), idx = rd_i64(w, o->a + DEQUE_LEFTINDEX);
	uint64_t blk = rd_ptr(w, o->a + DEQUE_LEFTBLOCK);
	struct chain_guard g;
	const unsigned char *b;

	if (n < 0 || idx < 0 || idx >= DEQUE_BLOCKLEN)
		return;
	chain_guard_init(&g, w, blk, DEQUE_BLOCK_SIZE);
	for (int64_t k = 0; k < n && blk; ) {
		if (!(b = hg_mem_ptr(w->m, blk, DEQUE_BLOCK_SIZE))) {
			w->h->flags[o->i] |= HG_OBJ_DAMAGED;
			return;
		}
		for (; idx < DEQUE_BLOCKLEN && k < n; idx++, k++)
			edge(w, hg_le64(b + DEQUE_BLOCK_DATA + 8 * (uint64_t)idx), hg_heap_item_label(w->h, (uint64_t)k),
			     HG_EDGE_STRONG, HG_REF_ITEM);
		idx = 0;
		blk = hg_le64(b + DEQUE_BLOCK_RIGHT);
		if (k < n && chain_guard_step(&g, blk) < 0) {
			w->h->flags[o->i] |= HG_OBJ_DAMAGED;
			return;
		}
	}
}

/* deque.__sizeof__: the object and its blocks */
static uint64_t deque_size(struct walker *w, const struct pyobj *o)
{
	int64_t len = rd_i64(w, o->a + OB_SIZE), left = rd_i64(w, o->a + DEQUE_LEFTINDEX);
	uint64_t size = (uint64_t)o->t->basicsize;

	if (len >= 0 && left >= 0 && left < DEQUE_BLOCKLEN && len < ((int64_t)1 << 48))
		size += (uint64_t)((left + len + DEQUE_BLOCKLEN) / DEQUE_BLOCKLEN) * DEQUE_BLOCK_SIZE;
	return size;
}

const struct kind_ops kind_deque_ops = { deque_edges, deque_size, NULL, 0 };

/* ---- functools' lru_cache wrapper: its cache is a circular list from the object ---- */

static void lru_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t link = rd_ptr(w, o->a + LRU_ROOT_NEXT);
	struct chain_guard g;

	chain_guard_init(&g, w, link, LRU_ELEM_RESULT + 8);
	while (link && link != o->a) {
		edgef(w, rd_ptr(w, link + LRU_ELEM_KEY), HG_EDGE_STRONG, HG_REF_OTHER, "cache key");
		edgef(w, rd_ptr(w, link + LRU_ELEM_RESULT), HG_EDGE_STRONG, HG_REF_OTHER, "cache result");
		link = rd_ptr(w, link + LRU_ELEM_NEXT);
		if (chain_guard_step(&g, link) < 0) {
			w->h->flags[o->i] |= HG_OBJ_DAMAGED;
			return;
		}
	}
}

const struct kind_ops kind_lru_ops = { lru_edges, NULL, NULL, 0 };

/* ---- xml.etree.ElementTree.Element ---- */

static void element_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t a = o->a, extra = rd_ptr(w, a + ELEMENT_EXTRA);
	int64_t n;

	field(w, a, ELEMENT_TAG, "tag");
	edgef(w, rd_ptr(w, a + ELEMENT_TEXT) & ~(uint64_t)1, HG_EDGE_STRONG, HG_REF_FIELD, "text");
	edgef(w, rd_ptr(w, a + ELEMENT_TAIL) & ~(uint64_t)1, HG_EDGE_STRONG, HG_REF_FIELD, "tail");
	if (extra) {
		field(w, extra, ELX_ATTRIB, "attrib");
		n = rd_i64(w, extra + ELX_LENGTH);
		seq_items(w, rd_ptr(w, extra + ELX_CHILDREN), n >= 0 && n <= rd_i64(w, extra + ELX_ALLOCATED) ? n : 0);
	}
}

/* element_sizeof: the object, its extra block, and a children array that outgrew it */
static uint64_t element_size(struct walker *w, const struct pyobj *o)
{
	uint64_t size = (uint64_t)o->t->basicsize, extra = rd_ptr(w, o->a + ELEMENT_EXTRA);

	if (extra) {
		size += ELEMENT_EXTRA_SIZE;
		if (rd_ptr(w, extra + ELX_CHILDREN) != extra + ELX_INLINE)
			size += 8 * rd_ptr(w, extra + ELX_ALLOCATED);
	}
	return size;
}

const struct kind_ops kind_element_ops = { element_edges, element_size, NULL, 0 };

/* ---- extensions: what C types add to their kind ---- */

static uint64_t const_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	return size + (uint64_t)o->t->ext_const;
}

/* array.array: allocated items of its descriptor's item size */
static uint64_t array_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t n = rd_ptr(w, o->a + ARRAY_ALLOCATED);
	uint64_t each = rd_u32(w, rd_ptr(w, o->a + ARRAY_DESCR) + ARRAY_DESCR_ITEMSIZE);

	return size + (n < ((uint64_t)1 << 40) && each <= 16 ? n * each : 0);
}

/* struct.Struct: its format codes, up to the one whose fmtdef is NULL, and that one */
static uint64_t struct_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t codes = rd_ptr(w, o->a + STRUCT_CODES), n;

	for (n = 0; codes && n < 65536 && rd_ptr(w, codes + STRUCT_CODE_SIZE * n); n++)
		;
	return size + (n + 1) * STRUCT_CODE_SIZE;
}

/* buffered I/O: the buffer, when there is one */
static uint64_t buffered_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t n = rd_ptr(w, o->a + BUFFERED_SIZE);

	return size + (rd_ptr(w, o->a + BUFFERED_BUFFER) && n < ((uint64_t)1 << 40) ? n : 0);
}

/* io.BytesIO: its buffer, when no other object shares it (sys.getsizeof of a bytes object) */
static uint64_t bytesio_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t buf = rd_ptr(w, o->a + BYTESIO_BUF), n;

	if (!buf || rd_refcnt(w, buf) != 1)
		return size;
	n = rd_ptr(w, buf + OB_SIZE);
	return size + (n < ((uint64_t)1 << 40) ? BYTES_HEAD + n : 0);
}

/* _queue.SimpleQueue (3.13+): its items, oldest first, in a ring of items_cap slots */
static void simplequeue_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t ring = o->a + (uint64_t)w->L->sq_ringbuf, items, cap, get, n;

	if (w->L->sq_ringbuf < 0)
		return;
	items = rd_ptr(w, ring + RING_ITEMS);
	cap = rd_ptr(w, ring + RING_CAP);
	get = rd_ptr(w, ring + RING_GET_IDX);
	n = rd_ptr(w, ring + RING_NUM);
	/* the whole ring must be in the dump: damaged counts cannot make this loop long */
	if (!items || !cap || cap > ((uint64_t)1 << 32) || n > cap || get >= cap || !hg_mem_ptr(w->m, items, 8 * cap)) {
		if (n)
			w->h->flags[o->i] |= HG_OBJ_DAMAGED;
		return;
	}
	for (uint64_t k = 0; k < n; k++)
		edge(w, rd_ptr(w, items + 8 * ((get + k) % cap)), hg_heap_item_label(w->h, k), HG_EDGE_STRONG,
		     HG_REF_ITEM);
}

static uint64_t simplequeue_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t cap;

	if (!w->L->sq_sizeof_items || w->L->sq_ringbuf < 0)
		return size;
	cap = rd_ptr(w, o->a + (uint64_t)w->L->sq_ringbuf + RING_CAP);
	return size + (cap < ((uint64_t)1 << 32) ? 8 * cap : 0);
}

/*
 * What a ctypes type's StgDict (3.8-3.12) or StgInfo (3.13+) at base adds
 * to its size: the format string, shape[ndim] and ffi elements[length + 1].
 */
static uint64_t stg_extra(struct walker *w, uint64_t base)
{
	const struct hg_pylayout *L = w->L;
	char fmt[4096];
	long len = hg_mem_cstr(w->m, rd_ptr(w, base + (uint64_t)L->stg_format), fmt, sizeof(fmt));
	uint64_t nd = rd_u32(w, base + (uint64_t)L->stg_ndim), n = rd_ptr(w, base + (uint64_t)L->stg_length);

	return (len >= 0 ? (uint64_t)len + 1 : 0) + (nd < 64 ? 8 * nd : 0) +
	       (rd_ptr(w, base + (uint64_t)L->stg_elements) && n < ((uint64_t)1 << 24) ? 8 * (n + 1) : 0);
}

/* PyCStgDict_sizeof counts the StgDict's own fields twice (once in the dict's size) */
static uint64_t stgdict_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	return size + (uint64_t)(o->t->basicsize - STGDICT_DICT_SIZE) + stg_extra(w, o->a);
}

/*
 * A ctypes type holds its item/pointed-to type and its function signature in
 * a StgInfo inside the type (3.13+) or a StgDict in tp_dict (3.8-3.12); the
 * type's own traversal visits them.
 */
static void ctype_edges(struct walker *w, const struct pyobj *o)
{
	const struct hg_pylayout *L = w->L;
	uint64_t base = o->a + (uint64_t)L->ctypes_info;

	if (L->ctypes_info < 0) {
		uint32_t d;

		base = rd_ptr(w, o->a + TP_DICT);
		if ((d = obj_ref(w, base)) == HG_NONE || w->ti[hg_heap_type(w->h, d)].ext != EXT_STGDICT)
			return;
	} else if (!rd_u32(w, base)) {
		return;	/* not initialized */
	}
	field(w, base, L->stg_proto, "_type_");
	field(w, base, L->stg_argtypes, "argtypes");
	field(w, base, L->stg_converters, "converters");
	field(w, base, L->stg_restype, "restype");
	field(w, base, L->stg_checker, "checker");
	field(w, base, L->stg_pointer_type, "__pointer_type__");
	field(w, base, L->stg_module, "module");
}

/* 3.13+ CDataType_sizeof: the metatype's basic size and what StgInfo points to */
static uint64_t ctype_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t info = o->a + (uint64_t)w->L->ctypes_info;

	if (w->L->ctypes_info < 0)
		return size;
	size = (uint64_t)o->t->basicsize;
	if (rd_u32(w, info))
		size += stg_extra(w, info);
	return size;
}

/*
 * numpy's array_sizeof: dimensions and strides (nd of each), and the data
 * when the array owns it: the product of the dimensions times the dtype's
 * item size, an int in numpy 1.x (where the next word is a pointer or NULL)
 * and an npy_intp in numpy 2.x.
 */
static uint64_t ndarray_size(struct walker *w, const struct pyobj *o, uint64_t size)
{
	uint64_t a = o->a, nd = rd_u32(w, a + NDARRAY_ND), dims = rd_ptr(w, a + NDARRAY_DIMS);
	uint64_t descr = rd_ptr(w, a + NDARRAY_DESCR), item = rd_ptr(w, descr + NPDESCR_ELSIZE_V2), total = 1, extra;

	if (nd > 64)
		return size;
	extra = 16 * nd;
	if (!(rd_u32(w, a + NDARRAY_FLAGS) & NDARRAY_OWNDATA))
		return size + extra;
	if (!item || item >= ((uint64_t)1 << 32))
		item = rd_u32(w, descr + NPDESCR_ELSIZE_V1);
	for (uint64_t k = 0; k < nd; k++) {
		uint64_t d = rd_ptr(w, dims + 8 * k);

		if (d && total > ((uint64_t)1 << 48) / d)
			return size + extra;	/* not a real shape */
		total *= d;
	}
	return size + (total * item < ((uint64_t)1 << 48) ? extra + total * item : extra);
}

/*
 * An array's base and dtype; and an array of dtype object that owns its
 * data holds a reference to every item of its buffer (pandas keeps its
 * string columns so).  Views hold their base instead.
 */
static void ndarray_edges(struct walker *w, const struct pyobj *o)
{
	uint64_t a = o->a, data = rd_ptr(w, a + NDARRAY_DATA), dims = rd_ptr(w, a + NDARRAY_DIMS);
	uint64_t descr = rd_ptr(w, a + NDARRAY_DESCR), n = 1;
	uint32_t nd = rd_u32(w, a + NDARRAY_ND);

	field(w, a, NDARRAY_BASE, "base");
	field(w, a, NDARRAY_DESCR, "dtype");
	if (o->t->c_end >= NDARRAY_MEM_HANDLER + 8)
		field(w, a, NDARRAY_MEM_HANDLER, "mem_handler");
	if (!data || !descr || nd > 64 || rd_u32(w, descr + NPDESCR_TYPE_NUM) != NPY_OBJECT ||
	    !(rd_u32(w, a + NDARRAY_FLAGS) & NDARRAY_OWNDATA))
		return;
	for (uint32_t k = 0; k < nd; k++) {
		uint64_t d = rd_ptr(w, dims + 8 * (uint64_t)k);

		if (d && n > ((uint64_t)1 << 32) / d)
			return;	/* not a real shape */
		n *= d;
	}
	/* the items must be in the dump: a damaged shape cannot make this loop long */
	if (!n || !hg_mem_ptr(w->m, data, 8 * n))
		return;
	for (uint64_t k = 0; k < n; k++)
		edge(w, rd_ptr(w, data + 8 * k), hg_heap_item_label(w->h, k), HG_EDGE_STRONG, HG_REF_ITEM);
}

const struct ext_ops ext_ops[] = {
	[EXT_NONE] = { NULL, NULL },
	[EXT_CONST] = { NULL, const_size },
	[EXT_ARRAY] = { NULL, array_size },
	[EXT_STRUCT] = { NULL, struct_size },
	[EXT_BUFFERED] = { NULL, buffered_size },
	[EXT_BYTESIO] = { NULL, bytesio_size },
	[EXT_SIMPLEQUEUE] = { simplequeue_edges, simplequeue_size },
	[EXT_STGDICT] = { NULL, stgdict_size },
	[EXT_CTYPE] = { ctype_edges, ctype_size },
	[EXT_NDARRAY] = { ndarray_edges, ndarray_size },
};
