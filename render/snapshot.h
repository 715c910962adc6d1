/*
 * snapshot.h - the whole heap as heapgraph JSONL (docs/snapshot-format.md): a
 * header line, one line per object with meliae's field names plus
 * heapgraph's own (qualname, ref_labels, gc, weak_refs), then one line per
 * root.  Plain or gzip-compressed.
 */
#ifndef HG_SNAPSHOT_H
#define HG_SNAPSHOT_H

#include "../analyzer/heap.h"
#include "../common/error.h"

/* Writes h to path (atomically; NULL or "-": standard output), through gzip or zstd when its name ends .gz or .zst.  HG_EWRITE on failure. */
int hg_snapshot_write(const struct hg_heap *h, const char *path, struct hg_error *err);

#endif
