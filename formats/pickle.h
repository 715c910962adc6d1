/*
 * pickle.h - a reader for the pickles tracemalloc.Snapshot.dump() writes,
 * and nothing more: it builds values (ints, strings, tuples, lists, dicts
 * and objects of two allowed classes), never calls or imports anything, and
 * refuses every opcode and global it does not know.
 *
 * What it understands (protocols 2 to 5 as Snapshot.dump and pickle.dump of
 * a Snapshot write them): PROTO FRAME STOP MARK POP EMPTY_TUPLE EMPTY_LIST
 * EMPTY_DICT TUPLE TUPLE1 TUPLE2 TUPLE3 APPEND APPENDS SETITEM SETITEMS BUILD
 * NEWOBJ STACK_GLOBAL GLOBAL MEMOIZE BINPUT LONG_BINPUT BINGET LONG_BINGET
 * BININT BININT1 BININT2 LONG1 LONG4 (up to 8 bytes) SHORT_BINUNICODE
 * BINUNICODE BINUNICODE8 NONE NEWTRUE NEWFALSE; the globals
 * tracemalloc.Snapshot and tracemalloc._Traces.  Every read is bounded by the
 * file; every value costs at least one byte of it, so memory is bounded too.
 */
#ifndef HG_PICKLE_H
#define HG_PICKLE_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

enum hg_pv_kind { HG_PV_NONE, HG_PV_BOOL, HG_PV_INT, HG_PV_STR, HG_PV_TUPLE, HG_PV_LIST, HG_PV_DICT, HG_PV_CLASS,
		  HG_PV_OBJECT, HG_PV_MARK };

struct hg_pvalue {
	enum hg_pv_kind kind;
	int64_t i;			/* int, bool */
	const char *s;			/* str: UTF-8 (or WTF-8: surrogates as written), NUL-terminated */
	size_t len;			/* str: bytes; tuple, list: items; dict: pairs */
	struct hg_pvalue **items;	/* tuple, list; dict: key, value, key, value... */
	size_t alloc;
	const char *cls;		/* class, object: "tracemalloc.Snapshot" */
	struct hg_pvalue *state;	/* object: what BUILD set (a dict) */
};

struct hg_pickle;

/*
 * Reads the pickle in data[0..len) into *out (the value STOP leaves).
 * Returns the reader, which owns every value (free with hg_pickle_free), or
 * NULL with HG_EFORMAT in err naming the offset and what was wrong.
 */
struct hg_pickle *hg_pickle_read(const unsigned char *data, size_t len, struct hg_pvalue **out, struct hg_error *err);
void hg_pickle_free(struct hg_pickle *p);

/* The value of key (a str) in dict d, or NULL. */
struct hg_pvalue *hg_pickle_get(const struct hg_pvalue *d, const char *key);

#endif
