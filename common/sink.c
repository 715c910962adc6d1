/*
 * sink.c - plain, gzip or zstd output streams (see sink.h).
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include "sink.h"
#include "util.h"

struct hg_sink {
	FILE *f;
	enum hg_sink_comp comp;
	int failed;
	z_stream zs;
	ZSTD_CStream *zc;
	unsigned char buf[1 << 16];
};

enum hg_sink_comp hg_sink_comp_of(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	if (n > 3 && !strcmp(path + n - 3, ".gz"))
		return HG_SINK_GZIP;
	if (n > 4 && !strcmp(path + n - 4, ".zst"))
		return HG_SINK_ZSTD;
	return HG_SINK_PLAIN;
}

struct hg_sink *hg_sink_new(FILE *f, enum hg_sink_comp comp)
{
	struct hg_sink *s = xcalloc(1, sizeof(*s));

	s->f = f;
	s->comp = comp;
	if (comp == HG_SINK_GZIP && deflateInit2(&s->zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(s);
		return NULL;
	}
	if (comp == HG_SINK_ZSTD) {
		s->zc = ZSTD_createCStream();
		if (!s->zc || ZSTD_isError(ZSTD_initCStream(s->zc, 3))) {
			ZSTD_freeCStream(s->zc);
			free(s);
			return NULL;
		}
	}
	return s;
}

static void out(struct hg_sink *s, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, s->f) != n)
		s->failed = 1;
}

/* Compresses len bytes (end: and ends the stream) into f. */
static void squeeze(struct hg_sink *s, const void *data, size_t len, int end)
{
	if (s->comp == HG_SINK_GZIP) {
		s->zs.next_in = (unsigned char *)data;
		s->zs.avail_in = (uInt)len;
		do {
			s->zs.next_out = s->buf;
			s->zs.avail_out = sizeof(s->buf);
			deflate(&s->zs, end ? Z_FINISH : Z_NO_FLUSH);
			out(s, s->buf, sizeof(s->buf) - s->zs.avail_out);
		} while (!s->failed && (s->zs.avail_out == 0 || s->zs.avail_in));
		return;
	}
	{
		ZSTD_inBuffer in = { data, len, 0 };
		size_t left;

		do {
			ZSTD_outBuffer o = { s->buf, sizeof(s->buf), 0 };

			left = ZSTD_compressStream2(s->zc, &o, &in, end ? ZSTD_e_end : ZSTD_e_continue);
			if (ZSTD_isError(left))
				s->failed = 1;
			out(s, s->buf, o.pos);
		} while (!s->failed && (in.pos < in.size || (end && left)));
	}
}

void hg_sink_write(struct hg_sink *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (s->failed || !len)
		return;
	if (s->comp == HG_SINK_PLAIN) {
		out(s, data, len);
		return;
	}
	/* zlib counts in 32 bits */
	while (len && !s->failed) {
		size_t n = len > (1u << 30) ? 1u << 30 : len;

		squeeze(s, p, n, 0);
		p += n;
		len -= n;
	}
}

void hg_sink_zeros(struct hg_sink *s, size_t n)
{
	static const unsigned char zero[4096];

	while (n && !s->failed) {
		size_t k = n < sizeof(zero) ? n : sizeof(zero);

		hg_sink_write(s, zero, k);
		n -= k;
	}
}

int hg_sink_finish(struct hg_sink *s)
{
	int failed;

	if (s->comp != HG_SINK_PLAIN && !s->failed)
		squeeze(s, "", 0, 1);
	if (s->comp == HG_SINK_GZIP)
		deflateEnd(&s->zs);
	if (s->comp == HG_SINK_ZSTD)
		ZSTD_freeCStream(s->zc);
	failed = s->failed;
	free(s);
	return failed ? -1 : 0;
}
