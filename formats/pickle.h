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
 *
 * A value is an hg_pref, eight bytes: small ints, None and the booleans are
 * the reference itself; strings, tuples, lists, dicts and objects are
 * 16-byte cells it numbers, a string's bytes being read in place from the
 * file (which must outlive the reader).  A file of a million traces is
 * several million values, so what a value costs is what reading costs.
 *
 * The caller may take tuples as they are made (hg_pickle_hooks.tuple): a
 * tuple it recognises becomes a reference of kind HG_PV_USER carrying the
 * caller's number, and costs the reader nothing more; and it may take items
 * appended to lists (hg_pickle_hooks.append) instead of the list keeping
 * them.  tmfile.c turns each trace into its entry in the snapshot and counts
 * the traces listed that way, as the file is read.
 */
#ifndef HG_PICKLE_H
#define HG_PICKLE_H

#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

enum hg_pv_kind { HG_PV_NONE, HG_PV_BOOL, HG_PV_INT, HG_PV_STR, HG_PV_TUPLE, HG_PV_LIST, HG_PV_DICT, HG_PV_CLASS,
		  HG_PV_OBJECT, HG_PV_USER };

typedef uint64_t hg_pref;

struct hg_pickle;

struct hg_pickle_hooks {
	/*
	 * A tuple of n items is being made: return 1 and set *number (below
	 * 2^61) to have it be an HG_PV_USER value, 0 to leave it a tuple.
	 */
	int (*tuple)(void *ctx, const struct hg_pickle *p, const hg_pref *items, size_t n, uint64_t *number);
	/*
	 * item is being appended to list: return 1 when the caller took it
	 * (the list does not keep it), 0 to have the list keep it.
	 */
	int (*append)(void *ctx, const struct hg_pickle *p, hg_pref list, hg_pref item);
	void *ctx;
};

/*
 * Reads the pickle in data[0..len) into *out (the value STOP leaves); data
 * must stay until the reader is freed.  hooks may be NULL.  Returns the
 * reader, which owns every value (free with hg_pickle_free), or NULL with
 * HG_EFORMAT in err naming the offset and what was wrong.
 */
struct hg_pickle *hg_pickle_read(const unsigned char *data, size_t len, const struct hg_pickle_hooks *hooks,
				 hg_pref *out, struct hg_error *err);
void hg_pickle_free(struct hg_pickle *p);

enum hg_pv_kind hg_pickle_kind(const struct hg_pickle *p, hg_pref v);
/* int, bool: the value; HG_PV_USER: the caller's number */
int64_t hg_pickle_int(const struct hg_pickle *p, hg_pref v);
/* str: its bytes (UTF-8, or WTF-8 with surrogates as written; not NUL-terminated) */
const char *hg_pickle_str(const struct hg_pickle *p, hg_pref v, size_t *len);
/* tuple, list: items; dict: pairs */
size_t hg_pickle_len(const struct hg_pickle *p, hg_pref v);
/* tuple, list: item k; dict: key (2k) or value (2k + 1) of pair k */
hg_pref hg_pickle_item(const struct hg_pickle *p, hg_pref v, size_t k);
/* An int of up to 62 bits is its reference, told and read without a call (what the hook sees most). */
static inline int hg_pickle_small_int(hg_pref v, int64_t *i)
{
	if ((v & 3) != 1)
		return 0;
	*i = (int64_t)v >> 2;
	return 1;
}
/* class, object: "tracemalloc.Snapshot" or "tracemalloc._Traces" */
const char *hg_pickle_class(const struct hg_pickle *p, hg_pref v);
/* The value of key (a str) in dict d, or in the state (what BUILD set) of object d; 0 when there is none. */
int hg_pickle_get(const struct hg_pickle *p, hg_pref d, const char *key, hg_pref *value);

#endif
