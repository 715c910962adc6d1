/*
 * dump.h - from a dump file to a heap, whatever the format.
 *
 * Readers sit in a table of {name, probe, load}; the format is detected from
 * the file's bytes, never its name.  Today: ELF core dumps (plain, gzip, zstd).
 */
#ifndef HG_DUMP_H
#define HG_DUMP_H

#include "../analyzer/heap.h"
#include "../common/error.h"

struct hg_dump_options {
	const char *sysroot;
	/* called now and then while reading a dump (may be NULL): objects done so far, and found so far */
	void (*progress)(void *arg, uint64_t done, uint64_t found);
	void *progress_arg;
	/*
	 * Makes the summary an index keeps (hg_index_summary) from a heap just
	 * read: malloc'd bytes and their length.  NULL: none.
	 */
	char *(*summary)(const struct hg_heap *h, size_t *len);
};

/*
 * Reads the dump at path into h (which this initialises), with its
 * dominator tree and retained sizes.  Warnings about damage go to w.  Fails with the reader's error; h is then released.
 */
int hg_dump_load(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, struct hg_error *err);

/*
 * Opens the dump at path as a heap: from its index when a valid one exists
 * (beside the dump, or in $XDG_CACHE_HOME/heapgraph/), else by reading the
 * dump and writing the index for next time.  *from_index tells which.
 * Warnings (damage, an index that could not be written) go to w.
 */
int hg_dump_open(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, int *from_index, struct hg_error *err);

/*
 * The summary kept in the valid index of the dump at path (where
 * hg_dump_open looks for it), NUL-terminated, without reading anything else
 * of the index or of the dump; the warnings recorded with it go to w.  -1
 * when there is no valid index (then hg_dump_open makes one).
 */
int hg_dump_summary(const char *path, char **summary, size_t *len, struct hg_warnings *w);

struct hg_tm_names;
struct hg_tm_snapshot;
/*
 * tracemalloc's traces: of a file tracemalloc.Snapshot.dump() wrote, or
 * read from a core of a tracing process (what take_snapshot() would have
 * given then).  Into s, file names in names; -1 with the reason in err.
 */
int hg_dump_tracemalloc(const char *path, const char *sysroot, struct hg_tm_names *names, struct hg_tm_snapshot *s,
			struct hg_warnings *w, struct hg_error *err);

/*
 * hg_dump_tracemalloc of n (1 or 2) dumps into s[k], w[k], err[k]: two
 * files Snapshot.dump() wrote are read at once, one on each core.  -1 when
 * any failed (the first that did has its reason in its err).
 */
int hg_dump_tracemalloc_each(const char *const *path, int n, const char *sysroot, struct hg_tm_names *names,
			     struct hg_tm_snapshot *s, struct hg_warnings *w, struct hg_error *err);

/* Where the index of path lives (beside it when that folder is writable); caller frees. */
char *hg_dump_index_path(const char *path);

#endif
