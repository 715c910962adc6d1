/*
 * sink.h - a stream of bytes into a FILE, plain or compressed on the way
 * (gzip through zlib, zstd through libzstd): the snapshot writer's and the
 * core writer's.  Writes after a failure are dropped; finish says whether
 * any failed.
 */
#ifndef HG_SINK_H
#define HG_SINK_H

#include <stddef.h>
#include <stdio.h>

enum hg_sink_comp { HG_SINK_PLAIN, HG_SINK_GZIP, HG_SINK_ZSTD };

struct hg_sink;

/* The compression a file name asks for: .gz gzip, .zst zstd, else none. */
enum hg_sink_comp hg_sink_comp_of(const char *path);
/* A sink into f; NULL when the compressor cannot start. */
struct hg_sink *hg_sink_new(FILE *f, enum hg_sink_comp comp);
void hg_sink_write(struct hg_sink *s, const void *data, size_t len);
/* n zero bytes */
void hg_sink_zeros(struct hg_sink *s, size_t n);
/* Ends the compressed stream and frees s (f stays open): 0, or -1 when a write failed. */
int hg_sink_finish(struct hg_sink *s);

#endif
