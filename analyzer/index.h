/*
 * index.h - the heap written to disk and mapped back (README, "How it works").
 *
 * An index is tied to one dump by its size, modification time and a hash of
 * its first bytes; a stale, foreign, damaged or hostile index is refused
 * (the caller rebuilds it), never trusted: it is checksummed, and every
 * index and offset in it is range-checked when it is mapped -- once per
 * file as written: a whole check that passed is remembered by the file's
 * inode and times (index.c says how) and not repeated while they stay.
 */
#ifndef HG_INDEX_H
#define HG_INDEX_H

#include <stdint.h>
#include "heap.h"

#define HG_INDEX_VERSION 17

struct hg_dump_id {
	uint64_t size, mtime_ns, head_hash;
};

/* Identity of the dump file at path; 0, or -1 when it cannot be read. */
int hg_dump_identity(const char *path, struct hg_dump_id *id);

/*
 * Writes h (closed by hg_heap_finish), the warnings met while reading the
 * dump and a summary (bytes the caller made and reads back with
 * hg_index_summary; may be empty) to path, atomically.  HG_EWRITE on failure.
 */
int hg_index_write(const struct hg_heap *h, const struct hg_warnings *w, const void *summary, size_t summary_len,
		   const struct hg_dump_id *id, const char *path, struct hg_error *err);

/*
 * The same in two steps, so that writing overlaps work on a second core:
 * begin, on a heap closed by hg_heap_finish, starts writing to path all
 * but the dominator tree, the type totals, warnings and summary; the
 * caller may then compute those (hg_dom_compute, a summary) but must not
 * add objects, edges, roots or strings; finish writes the rest and puts
 * the file in place (or fails with HG_EWRITE and leaves nothing); abort
 * drops it.  begin fails with HG_EWRITE when path cannot be created.
 */
struct hg_index_writer;
struct hg_index_writer *hg_index_begin(const struct hg_heap *h, const struct hg_dump_id *id, const char *path,
				       struct hg_error *err);
int hg_index_finish(struct hg_index_writer *iw, const struct hg_heap *h, const struct hg_warnings *w,
		    const void *summary, size_t summary_len, struct hg_error *err);
void hg_index_abort(struct hg_index_writer *iw);

/*
 * Maps the index at path into h when it belongs to the dump id; the warnings
 * it recorded are appended to w.  -1 (with a reason in err) when it is
 * missing, stale, from another version or damaged.
 */
int hg_index_load(struct hg_heap *h, struct hg_warnings *w, const struct hg_dump_id *id,
		  const char *path, struct hg_error *err);

/*
 * Reads only the summary of the index at path (checked like the rest: the
 * header and its checksum, then the summary's) into *summary, NUL-terminated
 * (caller frees), and appends the recorded warnings to w.  -1 with a reason
 * in err when the index is missing, stale or damaged.
 */
int hg_index_summary(const struct hg_dump_id *id, const char *path, char **summary, size_t *len,
		     struct hg_warnings *w, struct hg_error *err);

#endif
