/*
 * cpython-walk.h - private to the CPython reader (cpython-*.c): the walker
 * that turns a core into a struct hg_heap.
 *
 * Objects enter the heap from the GC generation lists and from roots, then
 * the queue (= object index order) is processed: each object's references
 * are decoded by its kind, and every new target that validates as an object
 * is appended.  Types are validated before any object of theirs is trusted.
 */
#ifndef HG_CPYTHON_WALK_H
#define HG_CPYTHON_WALK_H

#include <stdint.h>
#include "core.h"
#include "cpython.h"
#include "cpython-layout.h"
#include "../analyzer/heap.h"

/* What an object is, decided by the nearest builtin static type among its type's bases. */
enum pykind {
	K_UNKNOWN,	/* a C type heapgraph has no layout for: members + body scan */
	K_OBJECT, K_TYPE, K_INT, K_BOOL, K_FLOAT, K_COMPLEX, K_STR, K_BYTES, K_BYTEARRAY,
	K_TUPLE, K_LIST, K_DICT, K_SET, K_FROZENSET, K_FUNCTION, K_CODE, K_FRAME, K_GEN,
	K_MODULE, K_CELL, K_METHOD, K_PROPERTY, K_CLASSMETHOD, K_STATICMETHOD, K_CFUNCTION,
	K_DESCR, K_WEAKREF, K_NONE, K_NOTIMPL, K_ELLIPSIS, K_SLICE, K_MAPPINGPROXY,
	K_EXCEPTION, K_TRACEBACK, K_ODICT, K_RANGE, K_DEQUE, K_LRU, K_ELEMENT, K_NKINDS
};

/* C types whose size is more than tp_basicsize (see c_type_by_name) */
enum csize { CS_BASIC, CS_CONST, CS_ARRAY, CS_STRUCT, CS_BUFFERED, CS_STGDICT, CS_CTYPE, CS_NDARRAY };

/* What the walker knows of one type (parallel to heap->types). */
struct tinfo {
	enum pykind kind;
	uint64_t flags;
	int64_t basicsize, itemsize, dictoffset, weaklistoffset;
	int64_t static_dictoffset;	/* tp_dictoffset of the nearest static base */
	int heap;			/* a heap type (class statement) */
	int gc;				/* instances carry a PyGC_Head */
	int has_del;			/* defines __del__ (heap types) */
	uint64_t cached_keys;		/* ht_cached_keys */
	int64_t scan_from, scan_to;	/* body words to scan conservatively, [from, to) */
	enum csize csize;		/* how its instances' size is computed, beyond the kind */
	int64_t c_const;		/* CS_CONST: what every instance adds */
	int64_t c_end;			/* tp_basicsize of its nearest C type (when csize is set) */
	int scan_items;			/* and ob_size pointer-sized items after the body */
	struct member { int64_t offset; uint32_t label; } *members;
	size_t nmembers;
};

struct walker {
	struct hg_core *c;
	const struct hg_python *py;
	const struct hg_pylayout *L;
	struct hg_heap *h;
	struct hg_warnings *warn;

	uint64_t kind_type[K_NKINDS];	/* address of the static type of each kind */
	uint64_t t_type, t_object, t_bool, t_coro, t_asyncgen, t_weakproxy, t_weakcproxy,
		 t_cmethod, t_method_descr, t_getset_descr, t_wrapper_descr, t_classmethod_descr;
	uint64_t set_dummy, none;

	struct tinfo *ti;		/* per heap type */
	size_t ti_alloc;
	uint64_t *tkeys;		/* type address -> type index */
	uint32_t *tvals;
	size_t tcap, tused;

	uint64_t interp;		/* the main interpreter */
	struct thread_roots *threads;	/* roots_collect -> roots_c_memory */
	size_t nthreads;
	uint64_t bad_refs;		/* pointers that did not validate */
	uint32_t lbl_dict, lbl_class, lbl_weak, lbl_key, lbl_set, lbl_cell;
	char buf[4096];			/* scratch for labels and strings */
};

/* cpython-walk.c */
uint32_t walk_ref(struct walker *w, uint64_t addr);
/* The size of the in-use glibc (up to WALK_BLOCK_MAX) or pymalloc block at p, or 0 when p does not look like one. */
#define WALK_BLOCK_MAX	65536
uint64_t walk_block_size(struct walker *w, uint64_t p);
uint32_t walk_type(struct walker *w, uint64_t tp, int depth);
/* The type index of an already validated type object, or HG_NONE. */
uint32_t walk_type_index(struct walker *w, uint64_t tp);
void walk_edge(struct walker *w, uint64_t target, uint32_t label, enum hg_edge_kind kind);
void walk_edgef(struct walker *w, uint64_t target, enum hg_edge_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void walk_object(struct walker *w, uint32_t i);
int walk_u64(struct walker *w, uint64_t addr, uint64_t *v);
uint64_t walk_ptr(struct walker *w, uint64_t addr);
/* 4- and 1-byte fields; 0 when the dump lacks them */
uint32_t walk_u32(struct walker *w, uint64_t addr);
uint8_t walk_u8(struct walker *w, uint64_t addr);
/* Calls fn(key, value, arg) for each entry of the dict at addr; returns entries seen or -1. */
long walk_dict_items(struct walker *w, uint64_t dict,
		     int (*fn)(struct walker *, uint64_t key, uint64_t value, void *arg), void *arg);
/* The value of key name in the dict at addr (str keys only), or 0. */
uint64_t walk_dict_get(struct walker *w, uint64_t dict, const char *name);

/* cpython-text.c */
/* UTF-8 of the str at addr into buf (at most max bytes incl. NUL); length in code points, or -1. */
long text_str(struct walker *w, uint64_t addr, char *buf, size_t max, int *truncated);
/* Replaces control characters in s (dump text headed for labels and names) with '?': a
 * terminal must not receive escape sequences from a dump. */
void text_sanitize(char *s);
/* The short repr (objgraph's rules) and value of object i into the heap. */
void text_repr(struct walker *w, uint32_t i);

/* cpython-roots.c */
void roots_collect(struct walker *w);
void roots_c_memory(struct walker *w);
int roots_gc_lists(struct walker *w);

#endif
