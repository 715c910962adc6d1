/*
 * input.h - a dump file's bytes, whatever the compression.
 *
 * A plain file is mapped read-only; a gzip or zstd file (detected from its
 * magic bytes, never from its name) is decompressed once into anonymous
 * memory that grows in place, so memory use stays near the uncompressed size.
 */
#ifndef HG_INPUT_H
#define HG_INPUT_H

#include <stdint.h>
#include <stddef.h>
#include "../common/error.h"

enum hg_compression { HG_COMP_NONE, HG_COMP_GZIP, HG_COMP_ZSTD };

struct hg_input {
	const unsigned char *data;	/* uncompressed bytes, size bytes long */
	size_t size;
	uint64_t file_size;		/* size of the file on disk */
	enum hg_compression compression;
	int truncated;			/* the compressed stream ended early */
	void *map;			/* what to munmap */
	size_t map_len;
};

/*
 * Opens path and fills in.  A compressed stream that ends early or turns
 * corrupt after some output yields what was decoded, in->truncated set and a
 * warning in w.  Fails (HG_EFORMAT) on an unreadable, empty or undecodable
 * file.  Release with hg_input_release.
 */
int hg_input_open(struct hg_input *in, const char *path, struct hg_warnings *w,
		  struct hg_error *err);
void hg_input_release(struct hg_input *in);

/*
 * The first bytes of the file's content (decompressed when it is gzip or
 * zstd), up to n of them, without decoding the rest: for telling formats
 * apart.  Returns how many were read, or -1 when the file cannot be read.
 */
long hg_input_peek(const char *path, unsigned char *buf, size_t n);

const char *hg_compression_name(enum hg_compression c);

#endif
