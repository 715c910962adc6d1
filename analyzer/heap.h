/*
 * heap.h - the heap graph: objects, types, labeled edges and roots, in flat
 * arrays so that it can be written to and mapped back from an index file.
 *
 * Objects are numbered 0..nobj-1 in discovery order while the heap is built,
 * and in address order once hg_heap_finish closed it (object i's address is
 * the i-th lowest).  Edges are stored CSR: the edges of object i are
 * [hg_heap_first(h, i), hg_heap_first(h, i + 1)) of to/label/kind, in the
 * order the reader found them.  Every string (type names, labels, reprs,
 * root names) is an offset into one pool of NUL-terminated strings; offset 0
 * is "" (an item's label [k] is the number k instead: hg_heap_label).  Values
 * are kept as narrow as most objects need (16-bit types, sizes and retained
 * sizes, 8-bit reference counts), the few wider ones beside them, and read
 * through the accessors below.  A heap is filled by a format reader through
 * the builder functions, then closed with hg_heap_finish; after that it is
 * read-only except for roots added by hg_heap_add_root and hg_heap_mark (C
 * roots found late).
 *
 * Who owns what: a heap built here owns its arrays.  A heap loaded from an
 * index (h->mapping set) is the index file mapped read-only and is read-only
 * as a whole: the builder functions, hg_heap_add_root and the marks refuse
 * it (HG_NONE, 0 for strings, -1) and leave it untouched.  Work that needs
 * more roots or marks reads the dump again.
 */
#ifndef HG_HEAP_H
#define HG_HEAP_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

#define HG_NONE UINT32_MAX
#define HG_REFCNT_IMMORTAL UINT32_MAX
/* Type indexes are 16-bit: this and more (and HG_NONE, no type) are kept beside them. */
#define HG_TYPE_WIDE UINT16_MAX
/* Sizes are 16-bit: this and more are kept beside them (few are). */
#define HG_SIZE_WIDE UINT16_MAX
/* Reference counts are a byte per object: this and more are kept beside them (few are). */
#define HG_REFCNT_WIDE 255
/* Edge numbers are 32-bit: a heap keeps the first this many references and is marked incomplete. */
#define HG_MAX_EDGES (UINT32_MAX - 1)

enum hg_edge_kind {
	HG_EDGE_STRONG,		/* an owned reference */
	HG_EDGE_WEAK,		/* a weakref's referent: does not keep it alive */
	HG_EDGE_TYPE,		/* instance -> its (heap) type */
	HG_EDGE_POSSIBLE	/* found by scanning an object of unknown layout */
};
/*
 * Or'ed into the kind of a strong edge the source does not own (a 3.11+
 * frame's f_globals and f_builtins): it explains no reference count.
 */
#define HG_EDGE_BORROWED	0x80

/*
 * What an edge is to its owner, beside its strength: pictures weigh
 * attributes and items, chains print fields with a dot and an object's
 * __dict__ together with the entry in it.  Stored with the kind in one byte.
 */
enum hg_edge_role {
	HG_REF_OTHER,		/* key, {} (a set member), local 'x', stack[i], +off, (weak), ... */
	HG_REF_ATTR,		/* .name: an instance attribute, a slot, a C member */
	HG_REF_FIELD,		/* a named field of a C struct: f_code, tag, start */
	HG_REF_PYATTR,		/* a field Python shows as a dunder attribute: __func__, __class__ */
	HG_REF_DICT,		/* __dict__: the object's attribute dict */
	HG_REF_ITEM,		/* ['key'] of a dict, [i] of a sequence */
	HG_REF_NROLES
};

enum hg_root_kind {
	HG_ROOT_MODULE,		/* sys.modules['name'] */
	HG_ROOT_FRAME,		/* a local variable of a thread's frame */
	HG_ROOT_INTERPRETER,	/* builtins, sys state, static types, thread state */
	HG_ROOT_C,		/* memory that belongs to no object */
	HG_ROOT_OUTSIDE		/* a reference count the references found do not explain */
};

/* What a root is, within its kind. */
enum hg_root_what {
	HG_RW_OTHER,		/* sys.modules, builtins, gc.garbage, ... */
	HG_RW_MODULE,		/* sys.modules['name'] */
	HG_RW_LOCAL,		/* a frame's local variable (or what a cell variable holds) */
	HG_RW_CELL,		/* a frame's cell variable: the cell */
	HG_RW_FRAME,		/* a frame's function, code, globals, locals dict, frame object */
	HG_RW_STACK,		/* an entry of a frame's value stack */
	HG_RW_STATIC_TYPE,	/* a static (C) type */
	HG_RW_STATE,		/* interpreter or thread state */
	HG_RW_MEMORY,		/* a word in C memory (kind C or interpreter): where a reference
				 * probably sits; it keeps nothing alive */
	HG_RW_OUTSIDE,		/* held from outside the heap (kind outside) */
	HG_RW_IMMORTAL		/* an immortal object (3.12+, kind interpreter) */
};

/* Object flags. */
#define HG_OBJ_GC		0x01	/* tracked by the collector: in gc.get_objects() */
#define HG_OBJ_REACHABLE	0x02	/* alive: gc.collect() would not free it */
#define HG_OBJ_C_HELD		0x04	/* garbage, but a word in C memory points into it (a hint) */
#define HG_OBJ_CONSERVATIVE	0x08	/* layout unknown: edges come from a body scan */
#define HG_OBJ_DAMAGED		0x10	/* decoding stopped early (bad data) */
#define HG_OBJ_TYPE		0x20	/* the object is a type */
#define HG_OBJ_ROOT		0x40	/* some root points at it */
#define HG_OBJ_FROZEN		0x80	/* in the permanent generation (gc.freeze): not in gc.get_objects() */

struct hg_type {
	uint64_t addr;		/* the type object */
	uint32_t name;		/* __name__ */
	uint32_t module;	/* __module__ ("builtins" for static types without a dot) */
	uint32_t qualname;	/* __qualname__ */
	uint32_t obj;		/* index of the type object */
	uint64_t count, bytes;	/* objects of this exact type and their shallow bytes */
	uint64_t gc_count;	/* of those, tracked by the GC */
	uint64_t retained;	/* what freeing them all would free (dom.h: MAT's minimum retained size) */
	uint32_t tflags;	/* HG_TYPE_* */
	uint32_t pad;
};

#define HG_TYPE_HEAP	0x1	/* a class (heap type), not a static C type */
#define HG_TYPE_HAS_DEL	0x2	/* defines __del__ */
#define HG_TYPE_STR	0x4	/* a str: an instance's repr is its value quoted */

struct hg_root {
	uint32_t kind;		/* enum hg_root_kind */
	uint32_t what;		/* enum hg_root_what */
	uint32_t name;		/* "sys.modules['app']", "thread 'MainThread' frame f() local 'x'" */
	uint32_t obj;
	/*
	 * A frame root's name is three parts: the thread, "frame f()", the
	 * variable; these are the byte lengths of the last two (each after a
	 * space), 0 for names of one part.
	 */
	uint16_t part2, part3;
};

struct hg_heap_meta {
	char python[32];	/* "3.11.2" */
	int pid;
	int incomplete;		/* the dump was damaged or truncated */
	uint64_t unreachable, unreachable_bytes, c_held;
	uint64_t wild_refs;	/* pointers in object fields that led to no valid object */
	/*
	 * tracemalloc in the dumped process: HG_TM_UNKNOWN when its tables
	 * were not found, HG_TM_OFF when it was not tracing, else the number of
	 * frames it kept per traceback (tracemalloc.get_traceback_limit()).
	 */
	int32_t tm_limit;
	uint32_t pad;
	uint64_t tm_traces;	/* memory blocks it traced (all domains) */
};

#define HG_TM_UNKNOWN	(-1)
#define HG_TM_OFF	0

/*
 * A frame of an allocation traceback: file name and line, and the function
 * whose code holds that line when the dump says (pool offsets; 0: unknown).
 */
struct hg_tb_frame {
	uint32_t file, lineno, func;
};

/*
 * A value too big for its narrow per-object array (sizes are 16-bit,
 * retained sizes 16-bit too, reference counts 8-bit): the array holds its
 * largest value, the escape, and a list of these, sorted by object, the
 * value.  Few objects need one.
 */
struct hg_wide {
	uint32_t obj, pad;
	uint64_t value;
};
struct hg_wide_list {
	struct hg_wide *v;
	size_t n;
};

/*
 * CSR offsets as the index keeps them: offset i is base[i / 16] + off[i],
 * or, where off[i] is the escape, the value in big.  Objects have few
 * references, so 16 of them mostly span less than 255 entries: 1.25 bytes
 * an offset instead of 4.
 */
#define HG_OFF_WIDE 255
struct hg_offsets {
	uint32_t *base;		/* (n + 15) / 16 for n offsets */
	uint8_t *off;		/* n */
	struct hg_wide_list big;
};

struct hg_heap {
	size_t nobj, nedge, ntype, nroot;

	/*
	 * Addresses: while the heap is built, addr; once it is closed (objects
	 * in address order), the low 32 bits in addr_lo and the high ones in
	 * runs: objects runs[k].first .. runs[k + 1].first - 1 have the high
	 * bits runs[k].hi.  Read with hg_heap_addr.
	 */
	uint64_t *addr;
	uint32_t *addr_lo;
	struct hg_addr_run { uint32_t first, hi; } *runs;
	size_t nrun;
	uint16_t *type;		/* index into types: read with hg_heap_type */
	uint16_t *size;		/* shallow size, as sys.getsizeof: read with hg_heap_size */
	uint8_t *flags;
	/*
	 * Pool offset of objgraph's short repr, or, with HG_TEXT_VALUE, of the
	 * value of a str, int, float or bytes, which the repr is made from when
	 * shown: read with hg_heap_repr and hg_heap_value.  0: none stored.
	 */
	uint32_t *text;
	uint8_t *refcnt;	/* ob_refcnt: read with hg_heap_refcnt */
	uint32_t *idom;		/* immediate dominator, HG_NONE under the virtual root (dom.h) */
	uint16_t *retained;	/* retained size, the shallow sizes of what it dominates: hg_heap_retained */

	/*
	 * nobj + 1 entries (edges are capped at HG_MAX_EDGES): whole while the
	 * heap is in memory, NULL when it is mapped from an index, which keeps
	 * cfirst: read with hg_heap_first.
	 */
	uint32_t *first;
	struct hg_offsets cfirst;
	uint32_t *to, *label;
	/*
	 * The kind byte of each reference, enum hg_edge_kind | enum hg_edge_role
	 * << 2: in kind while the heap is in memory.  A heap has few distinct
	 * bytes, so an index keeps a table of them (ktab, nktab of at most 16)
	 * and four bits a reference (kind4, two to a byte) when they fit, else
	 * kind.  Read with hg_heap_kind_byte.
	 */
	uint8_t *kind;
	uint8_t *kind4;
	uint8_t ktab[16];
	unsigned nktab;

	/*
	 * Reverse CSR: the references to i are the entries [rfirst[i],
	 * rfirst[i+1]) of rsrc (the referrer) and rkind (the reference's
	 * enum hg_edge_kind, two bits an entry, four to a byte: read with
	 * hg_heap_redge_kind), in the order of the references themselves: by
	 * referrer, and a referrer's several references to i in its own order.
	 * The label and role are the reference's: hg_heap_redge finds it.
	 */
	uint32_t *rfirst;	/* nobj + 1, or NULL and crfirst: read with hg_heap_rfirst */
	struct hg_offsets crfirst;
	uint32_t *rsrc;
	uint8_t *rkind;

	/*
	 * Allocation tracebacks, when the process was tracing with tracemalloc
	 * (else NULL and 0): tb[i] is object i's, HG_NONE when it has none;
	 * traceback t is tb_frames[tb_first[t] .. tb_first[t + 1]), the most
	 * recent call first, as tracemalloc keeps them.
	 */
	uint32_t *tb;
	uint32_t *tb_first;	/* ntb + 1 entries */
	struct hg_tb_frame *tb_frames;
	size_t ntb, ntbframe;

	/* sizes and retained sizes of HG_SIZE_WIDE and more (size[i], retained[i] say so) */
	struct hg_wide_list big_size, big_retained;
	/* reference counts of HG_REFCNT_WIDE and more (refcnt[i] is HG_REFCNT_WIDE) */
	struct hg_wide_list big_refcnt;
	/* type indexes of HG_TYPE_WIDE and more, and HG_NONE (type[i] is HG_TYPE_WIDE) */
	struct hg_wide_list big_type;

	struct hg_type *types;
	struct hg_root *roots;
	char *pool;
	size_t pool_len;
	struct hg_heap_meta meta;

	/* builder state (not in the index) */
	struct hg_heap_build *b;
	void *mapping;		/* when loaded from an index */
	size_t mapping_len;
};

void hg_heap_init(struct hg_heap *h);
void hg_heap_release(struct hg_heap *h);

static inline uint64_t hg_heap_addr(const struct hg_heap *h, uint32_t i)
{
	size_t lo = 0, hi;

	if (h->addr)
		return h->addr[i];
	/* the last run that starts at or before i */
	for (hi = h->nrun; hi - lo > 1;) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->runs[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return (uint64_t)h->runs[lo].hi << 32 | h->addr_lo[i];
}

/* Interns s[0..len) into the pool; returns its offset.  Bytes are kept as given. */
uint32_t hg_heap_str(struct hg_heap *h, const char *s, size_t len);
uint32_t hg_heap_cstr(struct hg_heap *h, const char *s);
/* Appends without looking for an equal string: for text that is seldom repeated (reprs, values). */
uint32_t hg_heap_str_unique(struct hg_heap *h, const char *s, size_t len);
static inline const char *hg_heap_s(const struct hg_heap *h, uint32_t off) { return h->pool + off; }
/*
 * Labels of references are pool offsets, but a sequence's items, [k], are
 * that bit and k: two million items need no two million strings.  Pool
 * offsets are below it (the pool is at most 2 GiB).
 */
#define HG_LABEL_INDEX 0x80000000u
#define HG_LABEL_INDEX_MAX (HG_LABEL_INDEX - 16)	/* (above it paths.c has marks of its own) */
#define HG_LABEL_BUF 16
/* The bit of h->text[i] that says it is the object's value (the pool is below it too). */
#define HG_TEXT_VALUE 0x80000000u
static inline void hg_heap_set_text(struct hg_heap *h, uint32_t i, uint32_t off, int value)
{
	h->text[i] = off | (off && value ? HG_TEXT_VALUE : 0);
}
/* The value of a str, int, float or bytes ("" for others): its text, or its first 200 characters. */
static inline const char *hg_heap_value(const struct hg_heap *h, uint32_t i)
{
	return h->text[i] & HG_TEXT_VALUE ? hg_heap_s(h, h->text[i] & ~HG_TEXT_VALUE) : "";
}
/* The label for item k. */
uint32_t hg_heap_item_label(struct hg_heap *h, uint64_t k);
/* A label's text: in the pool, or made in buf. */
const char *hg_heap_label(const struct hg_heap *h, uint32_t label, char buf[HG_LABEL_BUF]);

/* Object i's value in a list of wide values (UINT32_MAX when it has none). */
uint64_t hg_wide_get(const struct hg_wide_list *l, uint32_t i);
/* Object i's shallow size (sys.getsizeof). */
static inline uint64_t hg_heap_size(const struct hg_heap *h, uint32_t i)
{
	return h->size[i] != HG_SIZE_WIDE ? h->size[i] : hg_wide_get(&h->big_size, i);
}
/* Object i's retained size (h->retained must be there: hg_dom_compute). */
static inline uint64_t hg_heap_retained(const struct hg_heap *h, uint32_t i)
{
	return h->retained[i] != HG_SIZE_WIDE ? h->retained[i] : hg_wide_get(&h->big_retained, i);
}
/* Object i's ob_refcnt, capped below HG_REFCNT_IMMORTAL; HG_REFCNT_IMMORTAL for an immortal object. */
static inline uint32_t hg_offsets_get(const struct hg_offsets *o, uint64_t i)
{
	return o->off[i] != HG_OFF_WIDE ? o->base[i >> 4] + o->off[i] : (uint32_t)hg_wide_get(&o->big, (uint32_t)i);
}
/* Object i's references are [hg_heap_first(h, i), hg_heap_first(h, i + 1)) of to, label, kind. */
static inline uint64_t hg_heap_first(const struct hg_heap *h, uint64_t i)
{
	return h->first ? h->first[i] : hg_offsets_get(&h->cfirst, i);
}
/* The references to i are [hg_heap_rfirst(h, i), hg_heap_rfirst(h, i + 1)) of rsrc, rkind. */
static inline uint64_t hg_heap_rfirst(const struct hg_heap *h, uint64_t i)
{
	return h->rfirst ? h->rfirst[i] : hg_offsets_get(&h->crfirst, i);
}
/* Object i's type: an index into types, HG_NONE when it has none. */
static inline uint32_t hg_heap_type(const struct hg_heap *h, uint32_t i)
{
	return h->type[i] != HG_TYPE_WIDE ? h->type[i] : (uint32_t)hg_wide_get(&h->big_type, i);
}
static inline uint32_t hg_heap_refcnt(const struct hg_heap *h, uint32_t i)
{
	return h->refcnt[i] != HG_REFCNT_WIDE ? h->refcnt[i] : (uint32_t)hg_wide_get(&h->big_refcnt, i);
}
/* Set them (not on a loaded heap). */
void hg_heap_set_refcnt(struct hg_heap *h, uint32_t i, uint32_t refcnt);
void hg_heap_set_type(struct hg_heap *h, uint32_t i, uint32_t type);
void hg_heap_set_size(struct hg_heap *h, uint32_t i, uint64_t size);
void hg_heap_set_retained(struct hg_heap *h, uint32_t i, uint64_t retained);

/* Index of the object at addr, or HG_NONE. */
uint32_t hg_heap_find(const struct hg_heap *h, uint64_t addr);

/* Adds an object (addr must be new); its type index may be set later. */
uint32_t hg_heap_add_object(struct hg_heap *h, uint64_t addr, uint32_t type);
uint32_t hg_heap_add_type(struct hg_heap *h, uint64_t addr, uint32_t obj);

/*
 * Edges: call hg_heap_begin_edges(h, i) for i = 0, 1, 2, ... in order (each
 * object at most once), then hg_heap_add_edge for each of its references.
 */
void hg_heap_begin_edges(struct hg_heap *h, uint32_t obj);
void hg_heap_add_edge(struct hg_heap *h, uint32_t to, uint32_t label, enum hg_edge_kind kind,
		      enum hg_edge_role role);
static inline unsigned hg_heap_kind_byte(const struct hg_heap *h, uint64_t e)
{
	return h->kind ? h->kind[e] : h->ktab[(h->kind4[e >> 1] >> ((e & 1) * 4)) & 15];
}
static inline enum hg_edge_kind hg_heap_edge_kind(const struct hg_heap *h, uint64_t e)
{
	return (enum hg_edge_kind)(hg_heap_kind_byte(h, e) & 3);
}
static inline enum hg_edge_role hg_heap_edge_role(const struct hg_heap *h, uint64_t e)
{
	return (enum hg_edge_role)((hg_heap_kind_byte(h, e) >> 2) & 0x1f);
}
/* Does edge e keep its target alive (strong or type, not a scan's guess)? */
static inline int hg_heap_edge_holds(const struct hg_heap *h, uint64_t e)
{
	enum hg_edge_kind k = hg_heap_edge_kind(h, e);

	return k == HG_EDGE_STRONG || k == HG_EDGE_TYPE;
}
static inline enum hg_edge_kind hg_heap_redge_kind(const struct hg_heap *h, uint64_t r)
{
	return (enum hg_edge_kind)(h->rkind[r >> 2] >> ((r & 3) * 2) & 3);
}
static inline int hg_heap_redge_holds(const struct hg_heap *h, uint64_t r)
{
	enum hg_edge_kind k = hg_heap_redge_kind(h, r);

	return k == HG_EDGE_STRONG || k == HG_EDGE_TYPE;
}
/*
 * The reference (an index for to, label, kind) that reverse entry r of
 * object t stands for: the referrer's k-th reference to t for its k-th
 * entry.  Costs a scan of the referrer's references.
 */
uint64_t hg_heap_redge(const struct hg_heap *h, uint32_t t, uint64_t r);
/* 0, or -1 when obj is no object or the heap is a loaded (read-only) one */
int hg_heap_add_root(struct hg_heap *h, enum hg_root_kind kind, enum hg_root_what what, uint32_t name, uint32_t obj);
/* A frame root: name is "THREAD frame FN() VAR", with the lengths of its last two parts. */
int hg_heap_add_frame_root(struct hg_heap *h, enum hg_root_what what, uint32_t name, size_t part2, size_t part3,
			   uint32_t obj);

/*
 * Closes the edge arrays, numbers the objects in address order (every
 * object number the caller kept is stale after it: look objects up again by
 * address), builds the reverse edges, counts types and marks what the roots
 * reach.  Call once, after the last object was added.
 */
void hg_heap_finish(struct hg_heap *h);
/* Frees the builder's lookup tables once nothing more is added (lookups then search the sorted addresses). */
void hg_heap_drop_build(struct hg_heap *h);
/*
 * Sets flag on obj and everything it reaches (not through weak edges) that
 * has neither mark yet; -1 on a loaded heap.
 */
int hg_heap_mark_from(struct hg_heap *h, uint32_t obj, uint8_t flag);
/* Recomputes HG_OBJ_REACHABLE / HG_OBJ_C_HELD and the meta counts from the roots; -1 on a loaded heap. */
int hg_heap_mark(struct hg_heap *h);

/*
 * Decides what is alive as CPython's collector does: an object whose
 * reference count exceeds the references found to it (from objects that
 * own them: strong and type edges, not borrowed ones, not a scan's guesses)
 * is held from outside the heap and becomes a root of kind outside named
 * with the numbers; immortal objects become interpreter roots.  Alive is
 * what the roots reach through holding edges, C-memory roots excepted:
 * they only mark the garbage they point at (HG_OBJ_C_HELD, a hint).  The
 * rest is what gc.collect() would free.  Call once, after the last root;
 * -1 on a loaded heap.
 */
int hg_heap_collect(struct hg_heap *h);

static inline uint64_t hg_heap_nedges(const struct hg_heap *h, uint32_t i) { return h->first[i + 1] - h->first[i]; }

/* Object i's allocation traceback (an index for tb_first), HG_NONE when it has none. */
static inline uint32_t hg_heap_tb(const struct hg_heap *h, uint32_t i)
{
	return h->tb && i < h->nobj ? h->tb[i] : HG_NONE;
}
/* The number of frames of traceback t; frame 0 is the most recent call (where it was allocated). */
static inline uint32_t hg_heap_tb_len(const struct hg_heap *h, uint32_t t)
{
	return h->tb_first[t + 1] - h->tb_first[t];
}
static inline const struct hg_tb_frame *hg_heap_tb_frame(const struct hg_heap *h, uint32_t t, uint32_t k)
{
	return &h->tb_frames[h->tb_first[t] + k];
}
/*
 * "app.py:42 in handle()" (or "app.py:42" when the function is not known):
 * where object i was allocated, its traceback's most recent frame, into
 * buf; NULL when unknown.
 */
const char *hg_heap_alloc_site(const struct hg_heap *h, uint32_t i, char *buf, size_t n);
/* "app.py:42 in handle()", "app.py:7 in <module>", "app.py:9": one frame, into buf. */
const char *hg_heap_frame_text(const struct hg_heap *h, const struct hg_tb_frame *f, char *buf, size_t n);

/* "module.qualname" of type t into buf (at most n bytes); returns buf. */
char *hg_heap_type_name(const struct hg_heap *h, uint32_t t, char *buf, size_t n);

/*
 * Object i's short repr, as objgraph's repr(obj)[:40]: the one the reader
 * stored, or made here into buf (HG_REPR_BUF bytes suffice) from its value
 * (a str's quoted as Python quotes it) or, for most objects (instances,
 * frames, C objects), the default "<module.Class object at 0x...>"; "" for
 * an object of unknown type.
 */
#define HG_REPR_BUF 512
const char *hg_heap_repr(const struct hg_heap *h, uint32_t i, char *buf, size_t n);
/*
 * Cuts s to 40 code points, as objgraph's repr(obj)[:40] would, but never
 * inside an address: "<app.Watcher object at 0x7f32f5a1b2c0>" stays whole,
 * so that boxes can be told apart and the address pasted into show.
 */
void hg_repr_cut(char *s);
/*
 * s quoted as Python's repr of a str: in ' unless it holds ' and no ",
 * with \\, the quote, \n, \r, \t and other control bytes escaped; at most
 * max bytes with the NUL (the closing quote is left out when cut).
 */
void hg_str_repr(const char *s, char *out, size_t max);

const char *hg_root_kind_name(enum hg_root_kind k);
const char *hg_edge_kind_name(enum hg_edge_kind k);

#endif
