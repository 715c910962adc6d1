/*
 * input.c - mapping a dump and undoing gzip (zlib) or zstd (libzstd).
 *
 * Output goes to an anonymous mapping grown with mremap, so the peak is the
 * uncompressed size, not twice it as with realloc copies.  The output is
 * capped at the machine's physical memory: past that the user is told to
 * decompress to disk, where the plain file is simply mapped.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include "input.h"
#include "../common/util.h"

struct outbuf {
	unsigned char *p;
	size_t len, cap, limit;
};

static int outbuf_reserve(struct outbuf *o, size_t want)
{
	size_t cap;
	void *np;

	if (o->len + want <= o->cap)
		return 0;
	cap = o->cap ? o->cap : (size_t)1 << 20;
	while (cap < o->len + want)
		cap *= 2;
	if (cap > o->limit)
		cap = o->limit;
	if (cap < o->len + want)
		return -1;
	if (!o->p)
		np = mmap(NULL, cap, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	else
		np = mremap(o->p, o->cap, cap, MREMAP_MAYMOVE);
	if (np == MAP_FAILED)
		return -1;
	o->p = np;
	o->cap = cap;
	return 0;
}

static size_t memory_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psz <= 0)
		return (size_t)1 << 34;
	return (size_t)pages * (size_t)psz;
}

#define CHUNK ((size_t)1 << 20)

static int gunzip(const unsigned char *src, size_t n, struct outbuf *o,
		  const char *path, struct hg_input *in, struct hg_warnings *w,
		  struct hg_error *err)
{
	z_stream zs;
	int ret;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return hg_errorf(err, HG_EFORMAT, "%s: cannot start gzip decoder", path);
	zs.next_in = (unsigned char *)src;
	for (;;) {
		/* zlib counts in uInt: feed at most 1 GiB at a time. */
		size_t left = n - (size_t)(zs.next_in - src);

		zs.avail_in = left > (1u << 30) ? (1u << 30) : (uInt)left;
		if (outbuf_reserve(o, CHUNK) < 0) {
			inflateEnd(&zs);
			return hg_errorf(err, HG_EFORMAT,
					 "%s: decompressed data exceeds this machine's memory; "
					 "decompress it to disk (gunzip) and pass the plain file", path);
		}
		zs.next_out = o->p + o->len;
		zs.avail_out = (uInt)CHUNK;
		ret = inflate(&zs, Z_NO_FLUSH);
		o->len = (size_t)(zs.next_out - o->p);
		if (ret == Z_STREAM_END) {
			/* Concatenated gzip members continue the same file. */
			if ((size_t)(zs.next_in - src) < n && src + n - zs.next_in >= 2 &&
			    zs.next_in[0] == 0x1f && zs.next_in[1] == 0x8b) {
				inflateReset(&zs);
				continue;
			}
			break;
		}
		if (ret == Z_OK)
			continue;
		if (ret == Z_BUF_ERROR && (size_t)(zs.next_in - src) == n) {
			in->truncated = 1;
			hg_warnf(w, "%s: gzip data ends early (file truncated?); using the %zu bytes decoded",
				 path, o->len);
			break;
		}
		in->truncated = 1;
		if (!o->len) {
			inflateEnd(&zs);
			return hg_errorf(err, HG_EFORMAT, "%s: corrupt gzip data (%s)", path,
					 zs.msg ? zs.msg : "inflate failed");
		}
		hg_warnf(w, "%s: corrupt gzip data after %zu bytes (%s); using what was decoded",
			 path, o->len, zs.msg ? zs.msg : "inflate failed");
		break;
	}
	inflateEnd(&zs);
	return 0;
}

static int unzstd(const unsigned char *src, size_t n, struct outbuf *o,
		  const char *path, struct hg_input *in, struct hg_warnings *w,
		  struct hg_error *err)
{
	ZSTD_DStream *zd = ZSTD_createDStream();
	ZSTD_inBuffer ib = { src, n, 0 };
	size_t ret = 1;
	/*
	 * About one block per call: on an error zstd does not report the output
	 * of the failing call, so a bigger step would lose good data before the
	 * damage.
	 */
	size_t step = ZSTD_DStreamOutSize();

	if (!zd)
		return hg_errorf(err, HG_EFORMAT, "%s: cannot start zstd decoder", path);
	/* Cores are large; allow the biggest window zstd --long can write. */
	ZSTD_DCtx_setParameter(zd, ZSTD_d_windowLogMax, 31);
	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob;

		if (outbuf_reserve(o, step) < 0) {
			ZSTD_freeDStream(zd);
			return hg_errorf(err, HG_EFORMAT,
					 "%s: decompressed data exceeds this machine's memory; "
					 "decompress it to disk (zstd -d) and pass the plain file", path);
		}
		ob.dst = o->p + o->len;
		ob.size = step;
		ob.pos = 0;
		ret = ZSTD_decompressStream(zd, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(ret)) {
			in->truncated = 1;
			ZSTD_freeDStream(zd);
			if (!o->len)
				return hg_errorf(err, HG_EFORMAT, "%s: corrupt zstd data (%s)", path,
						 ZSTD_getErrorName(ret));
			hg_warnf(w, "%s: corrupt zstd data after %zu bytes (%s); using what was decoded",
				 path, o->len, ZSTD_getErrorName(ret));
			return 0;
		}
		if (ob.pos == 0 && ret != 0 && ib.pos == ib.size)
			break;
	}
	/* Drain what the decoder still holds. */
	while (ret != 0) {
		ZSTD_outBuffer ob;
		size_t before = o->len;

		if (outbuf_reserve(o, step) < 0)
			break;
		ob.dst = o->p + o->len;
		ob.size = step;
		ob.pos = 0;
		ret = ZSTD_decompressStream(zd, &ob, &ib);
		if (ZSTD_isError(ret))
			break;
		o->len += ob.pos;
		if (o->len == before)
			break;
	}
	ZSTD_freeDStream(zd);
	if (ret != 0) {
		in->truncated = 1;
		if (!o->len)
			return hg_errorf(err, HG_EFORMAT, "%s: zstd data is cut short before any content", path);
		hg_warnf(w, "%s: zstd data ends early (file truncated?); using the %zu bytes decoded",
			 path, o->len);
	}
	return 0;
}

int hg_input_open(struct hg_input *in, const char *path, struct hg_warnings *w,
		  struct hg_error *err)
{
	struct outbuf o = { NULL, 0, 0, 0 };
	struct stat st;
	unsigned char *raw;
	int fd, rc;

	memset(in, 0, sizeof(*in));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return hg_errorf(err, HG_EFORMAT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hg_errorf(err, HG_EFORMAT, "%s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return hg_errorf(err, HG_EFORMAT, "%s: empty file (is the dump complete?)", path);
	}
	in->file_size = (uint64_t)st.st_size;
	raw = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (raw == MAP_FAILED)
		return hg_errorf(err, HG_EFORMAT, "%s: cannot map: %s", path, strerror(errno));

	if (st.st_size >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
		in->compression = HG_COMP_GZIP;
	else if (st.st_size >= 4 && hg_le32(raw) == 0xfd2fb528)
		in->compression = HG_COMP_ZSTD;
	if (in->compression == HG_COMP_NONE) {
		in->data = raw;
		in->size = (size_t)st.st_size;
		in->map = raw;
		in->map_len = (size_t)st.st_size;
		return 0;
	}

	o.limit = memory_limit();
	if (in->compression == HG_COMP_GZIP)
		rc = gunzip(raw, (size_t)st.st_size, &o, path, in, w, err);
	else
		rc = unzstd(raw, (size_t)st.st_size, &o, path, in, w, err);
	munmap(raw, (size_t)st.st_size);
	if (rc == 0 && o.len == 0) {
		rc = hg_errorf(err, HG_EFORMAT, "%s: compressed file holds no data", path);
	}
	if (rc < 0) {
		if (o.p)
			munmap(o.p, o.cap);
		return -1;
	}
	in->data = o.p;
	in->size = o.len;
	in->map = o.p;
	in->map_len = o.cap;
	return 0;
}

void hg_input_release(struct hg_input *in)
{
	if (in->map)
		munmap(in->map, in->map_len);
	memset(in, 0, sizeof(*in));
}

const char *hg_compression_name(enum hg_compression c)
{
	switch (c) {
	case HG_COMP_GZIP: return "gzip";
	case HG_COMP_ZSTD: return "zstd";
	default: return "none";
	}
}

long hg_input_peek(const char *path, unsigned char *buf, size_t n)
{
	unsigned char raw[65536];
	ssize_t got;
	long out = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	got = read(fd, raw, sizeof(raw));
	close(fd);
	if (got < 0)
		return -1;
	if (got >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
		z_stream zs;

		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, 15 + 32) != Z_OK)
			return -1;
		zs.next_in = raw;
		zs.avail_in = (uInt)got;
		zs.next_out = buf;
		zs.avail_out = (uInt)n;
		inflate(&zs, Z_SYNC_FLUSH);
		out = (long)(n - zs.avail_out);
		inflateEnd(&zs);
	} else if (got >= 4 && hg_le32(raw) == 0xfd2fb528) {
		ZSTD_DStream *zd = ZSTD_createDStream();
		ZSTD_inBuffer ib = { raw, (size_t)got, 0 };
		ZSTD_outBuffer ob = { buf, n, 0 };

		if (!zd)
			return -1;
		ZSTD_DCtx_setParameter(zd, ZSTD_d_windowLogMax, 31);
		while (ob.pos < ob.size && ib.pos < ib.size && !ZSTD_isError(ZSTD_decompressStream(zd, &ob, &ib)))
			;
		out = (long)ob.pos;
		ZSTD_freeDStream(zd);
	} else {
		out = (long)((size_t)got < n ? (size_t)got : n);
		memcpy(buf, raw, (size_t)out);
	}
	return out;
}
