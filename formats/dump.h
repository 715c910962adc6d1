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
};

/*
 * Reads the dump at path into h (which this initialises).  Warnings about
 * damage go to w.  Fails with the reader's error; h is then released.
 */
int hg_dump_load(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, struct hg_error *err);

#endif
