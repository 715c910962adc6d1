/*
 * abi.h - the offsets and flags of CPython's objects that are the same in
 * every version heapgraph reads (3.8 to 3.15, 64-bit), named once.  What
 * moves between versions is in layout.h instead.  docs/cpython-versions.md
 * says how each was checked (the DWARF of every version's binary, and the
 * tests' agreement with the live interpreters).
 */
#ifndef HG_CPYTHON_ABI_H
#define HG_CPYTHON_ABI_H

/* PyObject, PyVarObject */
#define OB_REFCNT		0
#define OB_TYPE			8
#define OB_SIZE			16	/* ob_size of variable-size objects */
#define OB_HEAD_SIZE		16

/* PyTypeObject (the static part; PyHeapTypeObject's fields are in layout.h) */
#define TP_NAME			24
#define TP_BASICSIZE		32
#define TP_ITEMSIZE		40
#define TP_FLAGS		168
#define TP_WEAKLISTOFFSET	208
#define TP_MEMBERS		240
#define TP_BASE			256
#define TP_DICT			264
#define TP_DICTOFFSET		288
#define TP_BASES		336
#define TP_MRO			344
#define TP_CACHE		352
#define TP_SUBCLASSES		360	/* static builtin types (3.12+): their index + 1 */
#define TP_READ_SIZE		416	/* read at once to validate a type */

/* tp_flags */
#define TPF_STATIC_BUILTIN	(1ul << 1)	/* 3.12+ */
#define TPF_INLINE_VALUES	(1ul << 2)	/* 3.13+ */
#define TPF_MANAGED_WEAKREF	(1ul << 3)	/* 3.12+ */
#define TPF_MANAGED_DICT	(1ul << 4)	/* 3.11+ */
#define TPF_HEAPTYPE		(1ul << 9)
#define TPF_READY		(1ul << 12)
#define TPF_HAVE_GC		(1ul << 14)
#define TPF_TYPE_SUBCLASS	(1ul << 31)

/* PyMemberDef (tp_members), and the member types that hold objects */
#define MEMBERDEF_SIZE		40
#define MD_NAME			0
#define MD_TYPE			8
#define MD_OFFSET		16
#define T_OBJECT		6
#define T_OBJECT_EX		16

/* The pre-header: PyGC_Head right before a GC object; 3.11+ managed dicts before that */
#define GC_HEAD_SIZE		16
#define GC_NEXT			0
#define GC_PREV			8
#define GC_GENERATION_SIZE	24	/* struct gc_generation: list head, threshold, count */
#define MANAGED_DICT_OFFSET	(-24)	/* 3.11+: the dict (3.12: a tagged word) */
#define MANAGED_VALUES_311	(-32)	/* 3.11: the values array */
#define PREHEADER_SIZE		16	/* the managed dict and weakref words */

/* str: PyASCIIObject's state word; sizes are in layout.h */
#define STR_LENGTH		16
#define STR_STATE		32
#define STR_KIND(state)		(((state) >> 2) & 7)
#define STR_COMPACT(state)	(((state) >> 5) & 1)
#define STR_ASCII(state)	(((state) >> 6) & 1)

/* int: 30-bit digits after the size word (ob_size, or lv_tag in 3.12+) */
#define LONG_DIGITS		24
#define LONG_DIGIT_BITS		30
#define BOOL_VALUE		24	/* True's digit */

#define FLOAT_VALUE		16
#define BYTES_SVAL		32
#define BYTES_HEAD		33	/* sys.getsizeof(b'') */
#define BYTEARRAY_ALLOC		24
#define BYTEARRAY_START		40

#define LIST_ITEMS		24
#define LIST_ALLOCATED		32

/* set and frozenset */
#define SET_USED		24
#define SET_MASK		32
#define SET_TABLE		40
#define SET_SMALLTABLE		64
#define SETENTRY_SIZE		16	/* key, hash */

/* dict; the keys object differs before and after 3.11 (layout.h: dk_new) */
#define DICT_USED		16
#define DICT_KEYS		32
#define DICT_VALUES		40
#define DICT_SIZE		48
#define DK_REFCNT		0
#define DK_OLD_SIZE		8	/* 3.8-3.10: dk_size, dk_usable@24, dk_nentries@32, indices@40 */
#define DK_OLD_USABLE		24
#define DK_OLD_NENTRIES		32
#define DK_OLD_HEAD		40
#define DK_LOG2_SIZE		8	/* 3.11+: bytes of log2 size, log2 index bytes, kind */
#define DK_LOG2_INDEX_BYTES	9
#define DK_KIND			10
#define DK_USABLE		16
#define DK_NENTRIES		24
#define DK_HEAD			32
#define DK_ENTRY_GENERAL	24	/* hash, key, value */
#define DK_ENTRY_UNICODE	16	/* key, value (str keys, 3.11+) */
#define DV_EMBEDDED_VALID	3	/* 3.13+ PyDictValues: capacity, size, embedded, valid; values at +8 */

/* OrderedDict: od_fast_nodes' size, and one node of its list */
#define ODICT_FAST_NODES_SIZE	72
#define ODICT_NODE_SIZE		32

#define CELL_REF		16
#define METHOD_FUNC		16
#define METHOD_SELF		24
#define CFUNC_ML		16	/* PyMethodDef *: its name first */
#define CFUNC_SELF		24
#define CFUNC_MODULE		32
#define CFUNC_CLASS		56	/* PyCMethodObject */
#define CMETHOD_SIZE		64
#define PROP_GET		16
#define PROP_SET		24
#define PROP_DEL		32
#define PROP_DOC		40
#define CLASSMETHOD_FUNC	16
#define CLASSMETHOD_DICT	24
#define DESCR_OBJCLASS		16
#define DESCR_NAME		24
#define DESCR_QUALNAME		32
#define WEAKREF_OBJECT		16
#define WEAKREF_CALLBACK	24
#define SLICE_START		16
#define SLICE_STOP		24
#define SLICE_STEP		32
#define RANGE_START		16
#define RANGE_STOP		24
#define RANGE_STEP		32
#define RANGE_LENGTH		40
#define MAPPINGPROXY_MAPPING	16
#define EXC_DICT		16
#define EXC_ARGS		24
#define TB_NEXT			16
#define TB_FRAME		24
#define MODULE_DICT		16
#define MODDEF_M_SIZE		56	/* PyModuleDef.m_size */
#define CODE_EXTRA_COUNT	0	/* _PyCodeObjectExtra: ce_size, then ce_extras[] */
#define CO_OPCACHE_SIZE		12	/* 3.8-3.10: co_opcache_size, a byte after co_opcache */
#define CO_OPCACHE_ENTRY	32
#define CO_KIND_CELL_FREE	0xc0	/* co_localspluskinds: CO_FAST_CELL | CO_FAST_FREE */
#define CO_KIND_FREE		0x80	/* co_localspluskinds: CO_FAST_FREE */

/* Types of C extension modules heapgraph decodes (layouts equal in 3.8-3.15) */
#define DEQUE_LEFTBLOCK		24	/* dequeobject: ob_size is its length */
#define DEQUE_LEFTINDEX		40
#define DEQUE_BLOCKLEN		64
#define DEQUE_BLOCK_DATA	8	/* block: leftlink, data[64], rightlink */
#define DEQUE_BLOCK_RIGHT	(8 + 8 * 64)
#define DEQUE_BLOCK_SIZE	528
#define LRU_ROOT_NEXT		24	/* lru_cache_object: a list root; elems: prev@16 next@24 key@40 result@48 */
#define LRU_ELEM_NEXT		24
#define LRU_ELEM_KEY		40
#define LRU_ELEM_RESULT		48
#define ELEMENT_TAG		16	/* ElementObject; text and tail carry a flag in bit 0 */
#define ELEMENT_TEXT		24
#define ELEMENT_TAIL		32
#define ELEMENT_EXTRA		40
#define ELEMENT_EXTRA_SIZE	64	/* its extra block: attrib@0 length@8 allocated@16 children@24 _children[4]@32 */
#define ELX_ATTRIB		0
#define ELX_LENGTH		8
#define ELX_ALLOCATED		16
#define ELX_CHILDREN		24
#define ELX_INLINE		32
#define ARRAY_ALLOCATED		32	/* arrayobject; ob_descr@40 has the item size at +4 */
#define ARRAY_DESCR		40
#define ARRAY_DESCR_ITEMSIZE	4
#define STRUCT_CODES		32	/* PyStructObject: formatcode[] of 32 bytes, ended by fmtdef NULL */
#define STRUCT_CODE_SIZE	32
#define BUFFERED_BUFFER		56
#define BUFFERED_SIZE		120
#define BYTESIO_BUF		16	/* bytesio: its buffer, a bytes object */
#define RING_GET_IDX		8	/* _queue's RingBuf (3.13+): put_idx, get_idx, items, items_cap, num_items */
#define RING_ITEMS		16
#define RING_CAP		24
#define RING_NUM		32
#define STGDICT_DICT_SIZE	48	/* StgDict's own fields are counted after the dict's */
#define NDARRAY_DATA		16	/* PyArrayObject_fields */
#define NDARRAY_ND		24
#define NDARRAY_DIMS		32
#define NDARRAY_BASE		48
#define NDARRAY_DESCR		56
#define NDARRAY_FLAGS		64
#define NDARRAY_MEM_HANDLER	88	/* numpy 1.22+ */
#define NDARRAY_OWNDATA		0x4
#define NPDESCR_TYPE_NUM	28
#define NPDESCR_ELSIZE_V1	32	/* an int in numpy 1.x */
#define NPDESCR_ELSIZE_V2	40	/* an npy_intp in numpy 2.x */
#define NPY_OBJECT		17

/* pymalloc: pools of 4 KiB (16 KiB from 3.10) with a 48-byte header */
#define POOL_HEADER_SIZE	48
#define POOL_REF_COUNT		0
#define POOL_SZIDX		36
#define POOL_NEXTOFFSET		40
#define POOL_MAXNEXTOFFSET	44
#define PYMALLOC_MAX		512

#endif
