/*
 * snapshot.h - heapgraph's snapshot format read back into a heap (the
 * writer is render/snapshot.h; the format is docs/snapshot-format.md).
 */
#ifndef HG_FORMATS_SNAPSHOT_H
#define HG_FORMATS_SNAPSHOT_H

#include <stddef.h>
#include "../analyzer/heap.h"
#include "../common/error.h"

/* Does a file start (once decompressed) with a snapshot's header? */
int hg_snapshot_probe(const unsigned char *head, size_t n);

/*
 * Reads the snapshot at path (plain, .gz or .zst) into h (initialised),
 * with reachability (the dominator tree is hg_dump_load's).  A line that is not what the
 * format says fails with HG_EFORMAT naming the line; references to objects
 * the file does not have are left out with a warning.
 */
int hg_snapshot_load(const char *path, struct hg_heap *h, struct hg_warnings *w, struct hg_error *err);

#endif
