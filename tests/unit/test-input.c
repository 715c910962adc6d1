/*
 * test-input.c - hg_input_open on plain, gzip and zstd files made here with
 * zlib and libzstd: round trips bigger than one decoding chunk, truncated and
 * corrupt streams (partial data plus a warning), and refused inputs.
 */
#define _GNU_SOURCE
#include <zlib.h>
#include <zstd.h>
#include "unit.h"
#include "craft.h"
#include "../../formats/core.h"

/* 3 MiB, half counters and half noise: compresses, but not to nothing. */
#define DATA_SIZE ((size_t)3 << 20)

static unsigned char *make_data(size_t n)
{
	unsigned char *p = malloc(n);
	uint64_t x = 0x9e3779b97f4a7c15ull;

	if (!p)
		abort();
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (i / 8) % 2 ? x : i;
		memcpy(p + i, &v, n - i < 8 ? n - i : 8);
	}
	return p;
}

static void gzip(const unsigned char *src, size_t n, struct craft_buf *out)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	craft_reserve(out, deflateBound(&zs, n));
	zs.next_in = (unsigned char *)src;
	zs.avail_in = (uInt)n;
	zs.next_out = out->p + out->len;
	zs.avail_out = (uInt)(out->cap - out->len);
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	out->len += zs.total_out;
	deflateEnd(&zs);
}

static void zstd(const unsigned char *src, size_t n, struct craft_buf *out)
{
	size_t r;

	craft_reserve(out, ZSTD_compressBound(n));
	r = ZSTD_compress(out->p + out->len, out->cap - out->len, src, n, 3);
	if (ZSTD_isError(r))
		abort();
	out->len += r;
}

static int warned(const struct hg_warnings *w, const char *s)
{
	for (size_t i = 0; i < w->nr; i++)
		if (strstr(w->line[i], s))
			return 1;
	return 0;
}

static int open_bytes(struct hg_input *in, const void *p, size_t n, struct hg_warnings *w,
		      struct hg_error *err)
{
	err->code = 0;
	err->msg[0] = '\0';
	return hg_input_open(in, craft_tmpfile(p, n), w, err);
}

TEST(plain_file_is_mapped)
{
	static const char text[] = "not compressed \x1f";
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;

	if (CHECK_EQ_INT(open_bytes(&in, text, sizeof(text), &w, &err), 0)) {
		CHECK_EQ_INT(in.compression, HG_COMP_NONE);
		CHECK_EQ_INT(in.size, sizeof(text));
		CHECK_EQ_U64(in.file_size, sizeof(text));
		CHECK_EQ_MEM(in.data, text, sizeof(text));
		CHECK_EQ_INT(in.truncated, 0);
		CHECK_EQ_STR(hg_compression_name(in.compression), "none");
	}
	hg_input_release(&in);
	/* One byte of gzip magic is not gzip. */
	if (CHECK_EQ_INT(open_bytes(&in, "\x1f", 1, &w, &err), 0))
		CHECK_EQ_INT(in.compression, HG_COMP_NONE);
	hg_input_release(&in);
	CHECK_EQ_INT(w.nr, 0);
	hg_warnings_release(&w);
}

TEST(gzip_round_trip)
{
	unsigned char *data = make_data(DATA_SIZE);
	struct craft_buf z = { 0 };
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;

	gzip(data, DATA_SIZE, &z);
	CHECK(z.len > DATA_SIZE / 4 && z.len < DATA_SIZE);
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.compression, HG_COMP_GZIP);
		CHECK_EQ_STR(hg_compression_name(in.compression), "gzip");
		CHECK_EQ_U64(in.file_size, z.len);
		CHECK_EQ_INT(in.size, DATA_SIZE);
		CHECK_EQ_MEM(in.data, data, DATA_SIZE);
		CHECK_EQ_INT(in.truncated, 0);
	}
	hg_input_release(&in);
	CHECK_EQ_INT(w.nr, 0);

	/* Two members, as "cat a.gz b.gz" makes: one file. */
	z.len = 0;
	gzip(data, 1000, &z);
	gzip(data + 1000, 5000, &z);
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.size, 6000);
		CHECK_EQ_MEM(in.data, data, 6000);
	}
	hg_input_release(&in);
	CHECK_EQ_INT(w.nr, 0);
	hg_warnings_release(&w);
	craft_buf_free(&z);
	free(data);
}

TEST(zstd_round_trip)
{
	unsigned char *data = make_data(DATA_SIZE);
	struct craft_buf z = { 0 };
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;

	zstd(data, DATA_SIZE, &z);
	CHECK(z.len > DATA_SIZE / 4 && z.len < DATA_SIZE);
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.compression, HG_COMP_ZSTD);
		CHECK_EQ_STR(hg_compression_name(in.compression), "zstd");
		CHECK_EQ_INT(in.size, DATA_SIZE);
		CHECK_EQ_MEM(in.data, data, DATA_SIZE);
		CHECK_EQ_INT(in.truncated, 0);
	}
	hg_input_release(&in);
	/* Two frames. */
	z.len = 0;
	zstd(data, 1000, &z);
	zstd(data + 1000, 5000, &z);
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.size, 6000);
		CHECK_EQ_MEM(in.data, data, 6000);
		CHECK_EQ_INT(in.truncated, 0);
	}
	hg_input_release(&in);
	CHECK_EQ_INT(w.nr, 0);
	hg_warnings_release(&w);
	craft_buf_free(&z);
	free(data);
}

/* Cuts a compressed stream at 60%: a prefix of the data, flagged and warned about. */
static void check_truncated(void (*compress)(const unsigned char *, size_t, struct craft_buf *),
			    const char *warning)
{
	unsigned char *data = make_data(DATA_SIZE);
	struct craft_buf z = { 0 };
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;

	compress(data, DATA_SIZE, &z);
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len * 6 / 10, &w, &err), 0)) {
		CHECK_EQ_INT(in.truncated, 1);
		CHECK(in.size > DATA_SIZE / 3 && in.size < DATA_SIZE);
		CHECK_EQ_MEM(in.data, data, in.size < DATA_SIZE ? in.size : DATA_SIZE);
		CHECK_EQ_INT(w.nr, 1);
		CHECK(warned(&w, warning));
	}
	hg_input_release(&in);
	hg_warnings_release(&w);
	craft_buf_free(&z);
	free(data);
}

TEST(truncated_gzip)
{
	check_truncated(gzip, "gzip data ends early");
}

TEST(truncated_zstd)
{
	check_truncated(zstd, "zstd data ends early");
}

TEST(corrupt_streams)
{
	unsigned char *data = make_data(DATA_SIZE);
	struct craft_buf z = { 0 };
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;
	static const unsigned char junk[] = "\x1f\x8b garbage after the gzip magic, not deflate";
	static const unsigned char zjunk[] = "\x28\xb5\x2f\xfd garbage after the zstd magic";

	CHECK_EQ_INT(open_bytes(&in, junk, sizeof(junk), &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "corrupt gzip") != NULL);
	hg_input_release(&in);
	CHECK_EQ_INT(open_bytes(&in, zjunk, sizeof(zjunk), &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "zstd") != NULL);
	hg_input_release(&in);
	/* The magic and nothing else. */
	CHECK_EQ_INT(open_bytes(&in, junk, 2, &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_input_release(&in);
	CHECK_EQ_INT(open_bytes(&in, zjunk, 4, &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_input_release(&in);
	hg_warnings_release(&w);

	/* Damage in the middle of a gzip stream: what came before, and a warning. */
	gzip(data, DATA_SIZE, &z);
	for (size_t i = z.len / 2; i < z.len / 2 + 64; i++)
		z.p[i] ^= 0x5a;
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.truncated, 1);
		CHECK(in.size > DATA_SIZE / 3);
		CHECK_EQ_MEM(in.data, data, DATA_SIZE / 3);
		CHECK(warned(&w, "corrupt gzip data after"));
	}
	hg_input_release(&in);
	hg_warnings_release(&w);

	/* ... and of a zstd stream. */
	z.len = 0;
	zstd(data, DATA_SIZE, &z);
	for (size_t i = z.len / 2; i < z.len / 2 + 64; i++)
		z.p[i] ^= 0x5a;
	if (CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), 0)) {
		CHECK_EQ_INT(in.truncated, 1);
		CHECK(in.size > DATA_SIZE / 3);
		CHECK_EQ_MEM(in.data, data, DATA_SIZE / 3);
		CHECK(warned(&w, "corrupt zstd data after"));
	}
	hg_input_release(&in);
	hg_warnings_release(&w);
	craft_buf_free(&z);
	free(data);
}

TEST(refused_inputs)
{
	struct hg_input in;
	struct hg_warnings w = { 0 };
	struct hg_error err;
	struct craft_buf z = { 0 };

	CHECK_EQ_INT(open_bytes(&in, "", 0, &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "empty file") != NULL);
	hg_input_release(&in);
	/* Compressed, but nothing inside. */
	gzip((const unsigned char *)"", 0, &z);
	CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "no data") != NULL);
	hg_input_release(&in);
	z.len = 0;
	zstd((const unsigned char *)"", 0, &z);
	CHECK_EQ_INT(open_bytes(&in, z.p, z.len, &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	hg_input_release(&in);
	err.code = 0;
	CHECK_EQ_INT(hg_input_open(&in, craft_tmpdir(), &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "not a regular file") != NULL);
	hg_input_release(&in);
	err.code = 0;
	CHECK_EQ_INT(hg_input_open(&in, "/nonexistent/hg/core.gz", &w, &err), -1);
	CHECK_EQ_INT(err.code, HG_EFORMAT);
	CHECK(strstr(err.msg, "/nonexistent/hg/core.gz: cannot open") != NULL);
	hg_input_release(&in);
	hg_warnings_release(&w);
	craft_buf_free(&z);
}

TEST(compressed_cores)
{
	struct craft_core cc = { 0 };
	struct craft_buf raw = { 0 }, z = { 0 };
	struct hg_core c;
	struct hg_error err = { 0 };
	unsigned char buf[8];

	unsigned char *data = make_data(0x40000);

	craft_prstatus(&cc.notes, EM_X86_64, 77, 0, 0x1000, 0x2000);
	craft_seg_add(&cc, 0x10000, data, 0x40000, PF_R | PF_W);
	craft_core_build(&cc, &raw);

	gzip(raw.p, raw.len, &z);
	if (CHECK_EQ_INT(hg_core_open(&c, craft_tmpfile(z.p, z.len), NULL, &err), 0)) {
		CHECK_EQ_INT(c.in.compression, HG_COMP_GZIP);
		CHECK_EQ_INT(c.nthreads, 1);
		CHECK_EQ_INT(c.threads[0].tid, 77);
		CHECK_EQ_INT(hg_core_read(&c, 0x4fff8, buf, 8), 0);
		CHECK_EQ_MEM(buf, data + 0x3fff8, 8);
		CHECK_EQ_INT(c.incomplete, 0);
	}
	hg_core_release(&c);

	/* A zstd core cut short: the notes survive, the tail of memory does not. */
	z.len = 0;
	zstd(raw.p, raw.len, &z);
	if (CHECK_EQ_INT(hg_core_open(&c, craft_tmpfile(z.p, z.len * 6 / 10), NULL, &err), 0)) {
		CHECK_EQ_INT(c.in.compression, HG_COMP_ZSTD);
		CHECK_EQ_INT(c.in.truncated, 1);
		CHECK_EQ_INT(c.incomplete, 1);
		CHECK_EQ_INT(c.nthreads, 1);
		CHECK_EQ_INT(hg_core_read(&c, 0x4fff8, buf, 8), -1);
		CHECK_EQ_INT(hg_core_read(&c, 0x10000, buf, 8), 0);
		CHECK_EQ_MEM(buf, data, 8);
		CHECK(c.warnings.nr >= 2);
	}
	hg_core_release(&c);
	free(data);
	craft_buf_free(&raw);
	craft_buf_free(&z);
	craft_core_free(&cc);
}

int main(void)
{
	RUN(plain_file_is_mapped);
	RUN(gzip_round_trip);
	RUN(zstd_round_trip);
	RUN(truncated_gzip);
	RUN(truncated_zstd);
	RUN(corrupt_streams);
	RUN(refused_inputs);
	RUN(compressed_cores);
	return UNIT_DONE();
}
