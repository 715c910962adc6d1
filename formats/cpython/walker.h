/*
 * walker.h - private to the CPython reader: the walker that turns a
 * process's memory into a struct hg_heap.  The files form a one-way stack,
 * each using only those above it:
 *
 *   ../mem.c   reading memory (struct hg_mem)          layout.c  the offsets
 *   refs.c     reading objects: validation, references, dict views, blocks
 *   types.c    type objects: validation, names, what kind their instances are
 *   text.c     str text, reprs
 *   kinds-*.c  per kind of object, one place for its references, size and repr
 *   roots.c    the GC lists and the roots (modules, threads' frames, C memory)
 *   load.c     the driver: a core becomes a source, the source a heap
 *
 * Objects enter the heap from the GC generation lists and from roots, then
 * the queue (= object index order) is processed: each object's references
 * are decoded by its kind, and every new target that validates as an object
 * is appended.  Types are validated before any object of theirs is trusted.
 */
#ifndef HG_CPYTHON_WALKER_H
#define HG_CPYTHON_WALKER_H

#include <stdint.h>
#include "cpython.h"
#include "layout.h"
#include "abi.h"
#include "../mem.h"
#include "../../analyzer/heap.h"

/* What an object is, decided by the nearest type among its type's bases that heapgraph knows. */
enum pykind {
	K_UNKNOWN,	/* a C type heapgraph has no layout for: members + body scan */
	K_OBJECT, K_TYPE, K_INT, K_BOOL, K_FLOAT, K_COMPLEX, K_STR, K_BYTES, K_BYTEARRAY,
	K_TUPLE, K_LIST, K_DICT, K_SET, K_FROZENSET, K_FUNCTION, K_CODE, K_FRAME, K_GEN,
	K_MODULE, K_CELL, K_METHOD, K_PROPERTY, K_CLASSMETHOD, K_STATICMETHOD, K_CFUNCTION,
	K_DESCR, K_WEAKREF, K_NONE, K_NOTIMPL, K_ELLIPSIS, K_SLICE, K_MAPPINGPROXY,
	K_EXCEPTION, K_TRACEBACK, K_ODICT, K_RANGE, K_DEQUE, K_LRU, K_ELEMENT, K_NKINDS
};

/*
 * What a C extension type adds to its kind (known by its tp_name): memory
 * of its own that sys.getsizeof counts, and references its own traversal
 * visits.
 */
enum pyext {
	EXT_NONE, EXT_CONST, EXT_ARRAY, EXT_STRUCT, EXT_BUFFERED, EXT_BYTESIO, EXT_SIMPLEQUEUE, EXT_STGDICT, EXT_CTYPE,
	EXT_NDARRAY
};

/* What the walker knows of one type (parallel to heap->types). */
struct tinfo {
	enum pykind kind;
	enum pyext ext;
	uint64_t flags;
	int64_t basicsize, itemsize, dictoffset, weaklistoffset;
	int64_t static_dictoffset;	/* tp_dictoffset of the nearest static base */
	int heap;			/* a heap type (class statement) */
	int gc;				/* instances carry a PyGC_Head */
	int has_del;			/* defines __del__ (heap types) */
	uint64_t cached_keys;		/* ht_cached_keys */
	int64_t scan_from, scan_to;	/* body words to scan conservatively, [from, to) */
	int64_t ext_const;		/* EXT_CONST: what every instance adds */
	int64_t c_end;			/* tp_basicsize of its nearest C type (when ext is set) */
	int scan_items;			/* and ob_size pointer-sized items after the body */
	struct member { int64_t offset; uint32_t label; } *members;
	size_t nmembers;
};

/* C memory that may hold references: scanned last, for objects nothing else reaches. */
struct hg_pycmem {
	uint64_t lo, hi;
	char what[160];		/* "C stack of thread 123", "static data of _foo.so" */
	int interpreter;	/* the interpreter's own (its state, libpython's data) */
};

/*
 * Everything the walker reads: memory, the interpreter's symbols, where C
 * memory lies.  load.c makes one from a core; tests make them from buffers.
 */
struct hg_pysource {
	struct hg_mem mem;
	const char *path;		/* the dump, for messages */
	int pid;
	/* the address of a symbol the interpreter image exports, or 0 */
	uint64_t (*symbol)(void *ctx, const char *name);
	void *symbol_ctx;
	uint64_t mem_bytes;		/* how much memory mem holds: bounds linked walks */
	const struct hg_pycmem *cmem;
	size_t ncmem;
	struct hg_warnings *warn;
	int incomplete;			/* set when the walk met damage */
};

struct walker {
	struct hg_pysource *src;
	struct hg_mem *m;		/* &src->mem */
	const struct hg_python *py;
	const struct hg_pylayout *L;
	struct hg_heap *h;

	uint64_t kind_type[K_NKINDS];	/* address of the static type of each kind */
	uint64_t static_addr[64];	/* of every static type types.c knows by symbol */
	uint64_t t_type, t_object, t_bool, set_dummy, none;

	struct tinfo *ti;		/* per heap type */
	size_t ti_alloc;
	uint64_t *tkeys;		/* type address -> type index */
	uint32_t *tvals;
	size_t tcap, tused;

	uint64_t interp;		/* the main interpreter */
	struct thread_roots *threads;	/* roots_collect -> roots_c_memory */
	size_t nthreads;
	uint64_t bad_refs;		/* pointers that did not validate */
	uint32_t lbl_dict, lbl_class, lbl_weak, lbl_key, lbl_set;
	/*
	 * Labels made before, by what they are made of: a str key's "['k']" and
	 * ".k" by the key's address (keys are shared by many dicts).  Most
	 * labels are found here, not made again.
	 */
	struct { uint64_t key; uint32_t label; } key_lbl[2][1024];
	char buf[4096];			/* scratch for labels */
};

/* The object being decoded; t is a copy: decoding may meet new types, which moves w->ti. */
struct pyobj {
	uint32_t i;
	uint64_t a;
	const struct tinfo *t;
};

/* ---- refs.c: reading memory and objects ---- */
static inline uint64_t rd_ptr(struct walker *w, uint64_t addr) { return hg_mem_word(w->m, addr); }
static inline int64_t rd_i64(struct walker *w, uint64_t addr) { return (int64_t)hg_mem_word(w->m, addr); }
static inline uint32_t rd_u32(struct walker *w, uint64_t addr) { return hg_mem_u32(w->m, addr); }
static inline uint8_t rd_u8(struct walker *w, uint64_t addr) { return hg_mem_u8(w->m, addr); }
/* A frame slot (_PyStackRef from 3.14: tag bits cleared; a tagged int reads as 0). */
uint64_t rd_stackref(struct walker *w, uint64_t addr);
/* The same, with *kind HG_EDGE_STRONG, or'ed with HG_EDGE_BORROWED for a deferred (uncounted) reference. */
uint64_t rd_stackref_kind(struct walker *w, uint64_t addr, int *kind);
/* Item k of the tuple at t (3.14+ keep a cached hash before the items). */
uint64_t rd_tuple_item(struct walker *w, uint64_t t, uint64_t k);
/* Slots in use (locals + stack) of a 3.11+ interpreter frame, or -1. */
int64_t iframe_stacktop(struct walker *w, uint64_t f);
/* The reference count bits of an object's first word. */
uint64_t rd_refcnt(struct walker *w, uint64_t a);

/* The object index of addr, adding the object when it validates; HG_NONE (counted as a bad reference) if not. */
uint32_t obj_ref(struct walker *w, uint64_t addr);
/* The same for scans of memory of unknown layout, which expect misses: nothing is counted. */
uint32_t obj_ref_quiet(struct walker *w, uint64_t addr);
/* The kind of the object at index i. */
enum pykind obj_kind(struct walker *w, uint32_t i);

/* Edges of the object being decoded (hg_heap_begin_edges was called for it). */
void edge(struct walker *w, uint64_t target, uint32_t label, int kind, enum hg_edge_role role);
void edgef(struct walker *w, uint64_t target, int kind, enum hg_edge_role role, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * A strong edge to the object pointed at by the word at obj + off (off < 0:
 * none), labeled name: a field (HG_REF_FIELD), one Python shows as an
 * attribute when the name is a dunder (HG_REF_PYATTR), __dict__ (HG_REF_DICT).
 */
void field(struct walker *w, uint64_t obj, int off, const char *name);
/* A field the object points at without owning it (no reference count of the target's). */
void field_borrowed(struct walker *w, uint64_t obj, int off, const char *name);
/* Strong edges "[k]" to n pointers at items, stopping where the dump's memory ends. */
void seq_items(struct walker *w, uint64_t items, int64_t n);
/* Possible edges "+off" from the words [from, to) of the object at a, but its known fields. */
void scan_body(struct walker *w, const struct tinfo *t, uint64_t a, int64_t from, int64_t to);
/* A C module's state and the malloc'd blocks it points to (two deep): possible edges. */
void scan_state(struct walker *w, uint64_t a, uint64_t len, const char *where, int hops, int *budget);
/* Label of an interned string: pfx + text + sfx (0 when s is no str). */
uint32_t str_label(struct walker *w, uint64_t s, const char *pfx, const char *sfx);

/* A dict's or a keys object's entries, whatever the version. */
struct dict_view {
	uint64_t keys, values;	/* values: first value slot of a split table, or 0 */
	uint64_t entries;	/* address of entry 0 */
	uint64_t n;		/* dk_nentries */
	unsigned esize;		/* DK_ENTRY_GENERAL or DK_ENTRY_UNICODE */
	unsigned koff, voff;	/* key and value offsets inside an entry */
	uint64_t size;		/* slots in the hash table */
	uint64_t usable;	/* dk_usable */
};
int keys_view(struct walker *w, uint64_t keys, struct dict_view *v);
int dict_view(struct walker *w, uint64_t dict, struct dict_view *v);
/* Reads entry i of a view: key and value (either may be 0); -1 when the dump lacks it. */
int view_entry(struct walker *w, const struct dict_view *v, uint64_t i, uint64_t *key, uint64_t *value);
/* The bytes of a keys object (what a dict that owns it counts). */
uint64_t keys_size(struct walker *w, const struct dict_view *v);
/* Calls fn(key, value, arg) for each entry of the dict at addr; returns entries seen or -1. */
long dict_items(struct walker *w, uint64_t dict,
		int (*fn)(struct walker *, uint64_t key, uint64_t value, void *arg), void *arg);
/* The value of key name in the dict at addr (str keys only), or 0. */
uint64_t dict_get(struct walker *w, uint64_t dict, const char *name);
/* Label of a dict value edge: ['name'] for str keys, [repr] otherwise (pfx "[" or "."). */
uint32_t key_label(struct walker *w, uint64_t key, const char *pfx, const char *sfx_str);

/*
 * Follows a linked structure (blocks, list nodes, frames, thread states)
 * so that damage cannot loop it: Brent's cycle detection, and no more links
 * than the dump has memory for at node_size bytes each.
 */
struct chain_guard { uint64_t tortoise, power, lam, steps, max; };
void chain_guard_init(struct chain_guard *g, struct walker *w, uint64_t start, uint64_t node_size);
/* Call with each next link: 0, or -1 when it closes a cycle or goes past the bound. */
int chain_guard_step(struct chain_guard *g, uint64_t next);

/* The size of the in-use glibc (up to BLOCK_MAX) or pymalloc block at p, or 0 when p does not look like one. */
#define BLOCK_MAX	65536
uint64_t block_size(struct walker *w, uint64_t p);

/* ---- types.c ---- */
/* The type index of the type object at tp, validating it on first sight; HG_NONE when it is none. */
uint32_t type_ref(struct walker *w, uint64_t tp, int depth);
/* The type index of an already validated type object, or HG_NONE. */
uint32_t type_index(struct walker *w, uint64_t tp);
/* Reads the static types' addresses; -1 when the image lacks the essential ones. */
int types_init(struct walker *w);
void types_release(struct walker *w);

/* ---- text.c ---- */
/* UTF-8 of the str at addr into buf (at most max bytes incl. NUL); length in code points, or -1. */
long text_str(struct walker *w, uint64_t addr, char *buf, size_t max, int *truncated);
/* Replaces control characters in s (dump text headed for labels and names) with '?'. */
void text_sanitize(char *s);
/* The short repr (objgraph's rules) and value of object i into the heap. */
void text_repr(struct walker *w, uint32_t i);
/* Helpers for the kinds' reprs */
void text_u64(char *out, size_t max, const char *prefix, uint64_t v, const char *suffix);
void text_int(struct walker *w, uint64_t a, char *out, size_t max);
void text_float(double d, char *out, size_t max);
void text_bytes(struct walker *w, uint64_t data, uint64_t n, const char *prefix, char *out, size_t max);
#define VALUE_MAX 200

/* ---- kinds-*.c: one entry per kind ---- */
struct kind_ops {
	/* Adds the object's references: what its tp_traverse visits, and what heapgraph adds. */
	void (*edges)(struct walker *w, const struct pyobj *o);
	/* sys.getsizeof without the pre-header; NULL: basic size + ob_size items. */
	uint64_t (*size)(struct walker *w, const struct pyobj *o);
	/*
	 * repr into r (objgraph's short form, cut at 40 later), and for
	 * str/int/float/bytes the value into v; NULL: "<T object at 0x...>".
	 */
	void (*repr)(struct walker *w, const struct pyobj *o, char *r, size_t rn, char *v, size_t vn);
	int shared_repr;	/* its reprs repeat ("N items"): intern them */
};
extern const struct kind_ops *const kind_ops[K_NKINDS];
extern const struct kind_ops kind_default;

struct ext_ops {
	void (*edges)(struct walker *w, const struct pyobj *o);
	/* the size given what the kind computed */
	uint64_t (*size)(struct walker *w, const struct pyobj *o, uint64_t kind_size);
};
extern const struct ext_ops ext_ops[];

/* Edges of a 3.11+ interpreter frame (locals by name; the stack too when stack_ok). */
void iframe_edges(struct walker *w, uint64_t f, int stack_ok);
/* Decodes object i: its edges, size, reference count, repr. */
void walk_object(struct walker *w, uint32_t i);
/* What sits in front of an instance of t in its memory block: GC header, managed dict and weakref words. */
uint64_t object_preheader(const struct walker *w, const struct tinfo *t);

/* ---- tracemalloc.c ---- */
struct hg_tm_names;
struct hg_tm_snapshot;
/*
 * tracemalloc's traces in the process, into s (file names in names):
 * 0, *tracing set when it was tracing (or holds traces); -1 when its
 * tables are not found (s empty).  Damaged entries are skipped with a
 * warning.  Each trace's ptr is its block's address.
 */
int tm_read(struct walker *w, struct hg_tm_names *names, struct hg_tm_snapshot *s, int *tracing);
/* Gives each object of the walked heap its allocation traceback (h->tb and the meta's tm_ fields). */
void tm_attach(struct walker *w);

/* ---- roots.c ---- */
int roots_gc_lists(struct walker *w);
void roots_collect(struct walker *w);
void roots_c_memory(struct walker *w);

/* ---- load.c ---- */
/*
 * Rebuilds the object graph of the interpreter (py: its version and
 * runtime address) that src holds into h, as hg_cpython_load does for a
 * core; src->incomplete tells whether damage was met.
 */
int hg_cpython_walk(struct hg_pysource *src, const struct hg_python *py, struct hg_heap *h,
		    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg, struct hg_error *err);

#endif
