/*
 * index.c - writing and mapping the heap index (see index.h).
 *
 * Layout: a fixed header, then sections, each 8-byte aligned, in the order
 * of the section table below.  The header records every count, each
 * section's offset, length and checksum, the dump's identity, and a
 * checksum of itself.  The checksums are XXH3 (64-bit, libxxhash): they
 * catch damage, not forgery (trust below is for that), and at tens of
 * GB/s they cost analyze and an untrusted load a fraction of what CRC-32
 * did (zlib's CRC-32 ran at ~1.1 GB/s here: 0.75 s for a 10 M-object
 * index).  Loading the heap checks every section; reading the
 * summary checks the header and the two small sections it reads, so that
 * the commands that answer from the summary need not read the rest.
 *
 * Trust.  Checking every section's checksum and every index in range reads
 * the whole index, which costs more than most queries.  So a check that
 * passed (and an index this program just wrote) is recorded in the user's
 * cache, verified/DEV-INODE: the index file's device, inode, size,
 * modification and change times and header checksum, as fstat gave them
 * for the very file checked.  A later load of a file with all of them the
 * same skips the whole check.  A write to a file sets its change time,
 * which no one can set back (touch sets the others): a damaged, edited or
 * replaced index is checked again.  Only files of this user that no one
 * else can write are trusted so (their owner could change a mapped page
 * without the times showing it), and only records in a folder of this
 * user's that no one else can write are read.
 *
 * Durability.  An index is a cache: analyze does not wait for it to reach
 * the disk (an fsync of a 10 M-object index was 0.9 s of analyze's 8).
 * After a crash its bytes on disk may be old or missing while its times
 * are new, so a record also names the boot it was made in (the kernel's
 * boot_id): after a reboot every index is checked whole once, reading what
 * the disk really holds.  Where the boot cannot be told, the index is
 * synced as before and its record names no boot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <zlib.h>
#include "index.h"
#include "../common/util.h"
#include "../common/output.h"

/*
 * The index fuzzer (tests/fuzz/fuzz-index.c) plays a forger: a planted
 * index whose checksums, build and dump identity are right.  Its build
 * (libFuzzer's FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) skips those checks
 * and the trust records, so that every input reaches the range checks,
 * which are what keeps a forged index from being read out of bounds.
 */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define FORGED 1
#else
#define FORGED 0
#endif

enum { S_ADDR, S_RUNS, S_TYPE, S_SIZE, S_BIGSIZE, S_FLAGS, S_TEXT, S_REFCNT, S_BIGREFCNT, S_BIGTYPE, S_FBASE, S_FOFF, S_FBIG, S_TO, S_LABEL, S_KIND,
       S_RBASE, S_ROFF, S_RBIG, S_RSRC, S_RKIND, S_IDOM, S_RETAINED, S_TYPES, S_ROOTS, S_POOL,
       S_TB, S_TBFIRST, S_TBFRAMES, S_BIGRET, S_WARN, S_SUMMARY, S_COUNT };

/*
 * What hg_index_begin can write before the dominators are known: all but
 * these.  The wide retained sizes, the warnings and the summary, of lengths
 * known only at the end, are last in the file: the others' places are
 * known at the start.
 */
static int late(int k)
{
	return k == S_IDOM || k == S_RETAINED || k == S_BIGRET || k == S_TYPES || k == S_WARN || k == S_SUMMARY;
}

#ifndef HG_BUILD_ID
#define HG_BUILD_ID 0u
#endif

struct header {
	char magic[8];
	uint32_t version, header_size;
	uint32_t build, pad;	/* HG_BUILD_ID of the heapgraph that wrote it */
	struct hg_dump_id id;
	uint64_t nobj, nedge, ntype, nroot, pool_len, warn_len, summary_len;
	uint64_t ntb, ntbframe, nbig_size, nbig_retained, nbig_refcnt, nbig_type, nrun, nbig_first, nbig_rfirst;
	uint32_t nktab, pad2;
	uint8_t ktab[16];	/* the kind bytes of the references, when kinds are four bits (nktab) */
	struct hg_heap_meta meta;
	uint64_t off[S_COUNT], len[S_COUNT];
	uint64_t sum[S_COUNT];
	uint64_t file_size;
	uint64_t header_sum;
};

static const char MAGIC[8] = "HGINDEX";

struct trust {
	uint64_t dev, ino, size, mtime_s, mtime_ns, ctime_s, ctime_ns;
	unsigned char boot[16];	/* the boot_id of the boot it was made in, zeros when unknown */
	uint64_t header_sum;
	uint32_t version, pad;
};

/* This boot's id (Linux: a random UUID made at boot): 0, or -1 when it cannot be read. */
static int boot_id(unsigned char id[16])
{
	char buf[64];
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t len;

	memset(id, 0, 16);
	if (fd < 0)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; i < len && n < 32; i++) {
		int c = buf[i], v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0 && c != '-')
			break;
		if (v >= 0) {
			id[n / 2] |= (unsigned char)(n % 2 ? v : v << 4);
			n++;
		}
	}
	if (n != 32) {
		memset(id, 0, 16);
		return -1;
	}
	return 0;
}

static void trust_of(const struct stat *st, const struct header *hd, struct trust *t)
{
	memset(t, 0, sizeof(*t));
	boot_id(t->boot);
	t->dev = (uint64_t)st->st_dev;
	t->ino = (uint64_t)st->st_ino;
	t->size = (uint64_t)st->st_size;
	t->mtime_s = (uint64_t)st->st_mtim.tv_sec;
	t->mtime_ns = (uint64_t)st->st_mtim.tv_nsec;
	t->ctime_s = (uint64_t)st->st_ctim.tv_sec;
	t->ctime_ns = (uint64_t)st->st_ctim.tv_nsec;
	t->header_sum = hd->header_sum;
	t->version = HG_INDEX_VERSION;
}

/*
 * The folder of trust records, made when missing: only one that is this
 * user's own and no one else's to write (a real folder, mode 0700), else
 * NULL: records others could plant are never read.
 */
static char *trust_dir(void)
{
	char *cache = hg_cache_dir(), *dir = xasprintf("%s/verified", cache);
	struct stat st;

	free(cache);
	hg_make_parents(dir);
	mkdir(dir, 0700);
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * Files this user owns and only this user can write: others' indexes are
 * always checked whole (their owner could change them without the times
 * showing it, e.g. through a shared mapping).
 */
static int own_file(const struct stat *st)
{
	return S_ISREG(st->st_mode) && st->st_uid == geteuid() && !(st->st_mode & 022);
}

static char *record_path(const char *dir, const struct stat *st)
{
	return xasprintf("%s/%llx-%llx", dir, (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
}

/* Was the index file st (header hd) checked whole, and not written since? */
static int trusted(const struct stat *st, const struct header *hd)
{
	struct trust want, got;
	char *dir, *path;
	int fd, ok = 0;

	if (!own_file(st) || !(dir = trust_dir()))
		return 0;
	trust_of(st, hd, &want);
	path = record_path(dir, st);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd >= 0) {
		ok = read(fd, &got, sizeof(got)) == (ssize_t)sizeof(got) && !memcmp(&got, &want, sizeof(want));
		close(fd);
	}
	free(path);
	free(dir);
	return ok;
}

/* Records that the index file st (header hd) was checked whole; a failure only costs a check later. */
static void remember(const struct stat *st, const struct header *hd)
{
	struct trust t;
	struct hg_out out;
	char *dir, *rec;

	if (!own_file(st) || !(dir = trust_dir()))
		return;
	trust_of(st, hd, &t);
	rec = record_path(dir, st);
	if (hg_out_open(&out, rec, NULL) == 0) {
		if (fwrite(&t, sizeof(t), 1, out.f) == 1)
			hg_out_commit(&out, NULL);
		else
			hg_out_abort(&out);
	}
	free(rec);
	free(dir);
}

int hg_dump_identity(const char *path, struct hg_dump_id *id)
{
	unsigned char buf[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	memset(id, 0, sizeof(*id));
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -1;
	id->size = (uint64_t)st.st_size;
	id->mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
	id->head_hash = crc32_z(crc32(0, NULL, 0), buf, (size_t)n) ^ ((uint64_t)n << 32);
	return 0;
}

struct section { const void *p; uint64_t len; };

static void sections(const struct hg_heap *h, const char *warn, uint64_t warn_len, const void *summary,
		     uint64_t summary_len, struct section *s)
{
	s[S_ADDR] = (struct section){ h->addr_lo, h->nobj * 4 };
	s[S_RUNS] = (struct section){ h->runs, h->nrun * sizeof(*h->runs) };
	s[S_TYPE] = (struct section){ h->type, h->nobj * 2 };
	s[S_SIZE] = (struct section){ h->size, h->nobj * 2 };
	s[S_BIGSIZE] = (struct section){ h->big_size.v, h->big_size.n * sizeof(struct hg_wide) };
	s[S_FLAGS] = (struct section){ h->flags, h->nobj };
	s[S_TEXT] = (struct section){ h->text, h->nobj * 4 };
	s[S_REFCNT] = (struct section){ h->refcnt, h->nobj };
	s[S_BIGREFCNT] = (struct section){ h->big_refcnt.v, h->big_refcnt.n * sizeof(struct hg_wide) };
	s[S_BIGTYPE] = (struct section){ h->big_type.v, h->big_type.n * sizeof(struct hg_wide) };
	s[S_FBASE] = (struct section){ h->cfirst.base, ((h->nobj + 16) >> 4) * 4 };
	s[S_FOFF] = (struct section){ h->cfirst.off, h->nobj + 1 };
	s[S_FBIG] = (struct section){ h->cfirst.big.v, h->cfirst.big.n * sizeof(struct hg_wide) };
	s[S_TO] = (struct section){ h->to, h->nedge * 4 };
	s[S_LABEL] = (struct section){ h->label, h->nedge * 4 };
	s[S_KIND] = h->nktab ? (struct section){ h->kind4, (h->nedge + 1) / 2 } : (struct section){ h->kind, h->nedge };
	s[S_RBASE] = (struct section){ h->crfirst.base, ((h->nobj + 16) >> 4) * 4 };
	s[S_ROFF] = (struct section){ h->crfirst.off, h->nobj + 1 };
	s[S_RBIG] = (struct section){ h->crfirst.big.v, h->crfirst.big.n * sizeof(struct hg_wide) };
	s[S_RSRC] = (struct section){ h->rsrc, h->nedge * 4 };
	s[S_RKIND] = (struct section){ h->rkind, (h->nedge + 3) / 4 };
	s[S_IDOM] = (struct section){ h->idom, h->nobj * 4 };
	s[S_RETAINED] = (struct section){ h->retained, h->nobj * 2 };
	s[S_BIGRET] = (struct section){ h->big_retained.v, h->big_retained.n * sizeof(struct hg_wide) };
	s[S_TYPES] = (struct section){ h->types, h->ntype * sizeof(struct hg_type) };
	s[S_ROOTS] = (struct section){ h->roots, h->nroot * sizeof(struct hg_root) };
	s[S_POOL] = (struct section){ h->pool, h->pool_len };
	s[S_WARN] = (struct section){ warn, warn_len };
	s[S_SUMMARY] = (struct section){ summary, summary_len };
	s[S_TB] = (struct section){ h->tb, h->ntb ? h->nobj * 4 : 0 };
	s[S_TBFIRST] = (struct section){ h->tb_first, h->ntb ? (h->ntb + 1) * 4 : 0 };
	s[S_TBFRAMES] = (struct section){ h->tb_frames, h->ntbframe * sizeof(struct hg_tb_frame) };
}

static uint64_t sum_of(const void *p, uint64_t len)
{
	return XXH3_64bits(p, (size_t)len);
}

struct hg_index_writer {
	const struct hg_heap *h;
	struct hg_out out;
	struct header hd;
	struct section s[S_COUNT];
	pthread_t thread;
	int threaded, fd;
	int bad, bad_errno;	/* the writing thread's failure */
	int open;		/* out is open: begin succeeded */
};

static int pwrite_all(int fd, const void *p, uint64_t len, uint64_t off)
{
	const char *c = p;

	while (len) {
		ssize_t n = pwrite(fd, c, len > (1u << 30) ? (1u << 30) : (size_t)len, (off_t)off);

		if (n <= 0)
			return -1;
		c += n;
		len -= (uint64_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Writes the sections that are final when begin is called, each at its place, and starts their writeback. */
static void *write_early(void *arg)
{
	struct hg_index_writer *iw = arg;

	for (int k = 0; k < S_COUNT && !iw->bad; k++) {
		if (late(k) || !iw->s[k].len)
			continue;
		if (pwrite_all(iw->fd, iw->s[k].p, iw->s[k].len, iw->hd.off[k]) < 0) {
			iw->bad = 1;
			iw->bad_errno = errno;
		}
#ifdef SYNC_FILE_RANGE_WRITE
		else
			sync_file_range(iw->fd, (off_t)iw->hd.off[k], (off_t)iw->s[k].len, SYNC_FILE_RANGE_WRITE);
#endif
	}
	return NULL;
}

/* Lays the sections out, the warnings and summary (last) as empty: finish places them. */
static void layout(struct hg_index_writer *iw, const struct hg_heap *h, const char *warn, uint64_t warn_len,
		   const void *summary, uint64_t summary_len)
{
	uint64_t pos = sizeof(iw->hd);

	sections(h, warn, warn_len, summary, summary_len, iw->s);
	for (int k = 0; k < S_COUNT; k++) {
		iw->hd.off[k] = pos;
		iw->hd.len[k] = iw->s[k].len;
		pos += (iw->s[k].len + 7) & ~7ull;
	}
	iw->hd.file_size = pos;
}

struct hg_index_writer *hg_index_begin(const struct hg_heap *h, const struct hg_dump_id *id, const char *path,
				       struct hg_error *err)
{
	struct hg_index_writer *iw = xcalloc(1, sizeof(*iw));

	if (hg_out_open(&iw->out, path, err) < 0) {
		free(iw);
		return NULL;
	}
	iw->open = 1;
	{
		unsigned char boot[16];

		iw->out.no_sync = boot_id(boot) == 0;	/* see Durability above */
	}
	iw->h = h;
	iw->fd = fileno(iw->out.f);
	memcpy(iw->hd.magic, MAGIC, sizeof(MAGIC));
	iw->hd.version = HG_INDEX_VERSION;
	iw->hd.header_size = sizeof(iw->hd);
	iw->hd.build = HG_BUILD_ID;
	iw->hd.id = *id;
	layout(iw, h, NULL, 0, NULL, 0);
	iw->threaded = pthread_create(&iw->thread, NULL, write_early, iw) == 0;
	return iw;
}

/* Waits for the early sections; leaves iw open. */
static void join(struct hg_index_writer *iw)
{
	if (iw->threaded)
		pthread_join(iw->thread, NULL);
	else
		write_early(iw);
	iw->threaded = 0;
}

void hg_index_abort(struct hg_index_writer *iw)
{
	if (!iw)
		return;
	join(iw);
	hg_out_abort(&iw->out);
	free(iw);
}

int hg_index_finish(struct hg_index_writer *iw, const struct hg_heap *h, const struct hg_warnings *w,
		    const void *summary, size_t summary_len, struct hg_error *err)
{
	static const unsigned char zero[8];
	struct header *hd = &iw->hd;
	struct strbuf warn;
	struct stat st;
	char *path = xstrdup(iw->out.path);
	int bad = 0, fd;

	/* the dominator tree is part of the index (hg_dom_compute) */
	if (h->nobj && (!h->idom || !h->retained)) {
		hg_index_abort(iw);
		hg_errorf(err, HG_EWRITE, "%s: the heap has no dominator tree to write", path);
		free(path);
		return -1;
	}
	strbuf_init(&warn);
	for (size_t i = 0; w && i < w->nr; i++) {
		strbuf_addstr(&warn, w->line[i]);
		strbuf_addch(&warn, '\0');
	}
	hd->nobj = h->nobj;
	hd->nedge = h->nedge;
	hd->ntype = h->ntype;
	hd->nroot = h->nroot;
	hd->pool_len = h->pool_len;
	hd->warn_len = warn.len;
	hd->summary_len = summary_len;
	hd->ntb = h->ntb;
	hd->ntbframe = h->ntbframe;
	hd->nbig_size = h->big_size.n;
	hd->nbig_retained = h->big_retained.n;
	hd->nbig_refcnt = h->big_refcnt.n;
	hd->nbig_type = h->big_type.n;
	hd->nbig_first = h->cfirst.big.n;
	hd->nbig_rfirst = h->crfirst.big.n;
	hd->nktab = h->nktab;
	memcpy(hd->ktab, h->ktab, sizeof(hd->ktab));
	hd->nrun = h->nrun;
	hd->meta = h->meta;
	{
		/* the layout must be the one begin wrote to: the heap may not grow in between */
		struct hg_index_writer now;

		layout(&now, h, warn.buf, warn.len, summary, summary_len);
		for (int k = 0; k < S_COUNT; k++)
			if (!late(k) && (now.hd.off[k] != hd->off[k] || now.s[k].len != iw->s[k].len ||
					 now.s[k].p != iw->s[k].p))
				bad = 1;
		/* (the early entries are the writing thread's to read: only the late ones change) */
		for (int k = 0; k < S_COUNT; k++)
			if (late(k)) {
				iw->s[k] = now.s[k];
				hd->off[k] = now.hd.off[k];
				hd->len[k] = now.hd.len[k];
			}
		hd->file_size = now.hd.file_size;
	}
	/* the checksums here while the early sections are written there */
	for (int k = 0; k < S_COUNT; k++)
		hd->sum[k] = sum_of(iw->s[k].len ? iw->s[k].p : zero, iw->s[k].len);
	hd->header_sum = sum_of(hd, offsetof(struct header, header_sum));
	for (int k = 0; k < S_COUNT && !bad; k++)
		if (late(k) && iw->s[k].len)
			bad |= pwrite_all(iw->fd, iw->s[k].p, iw->s[k].len, hd->off[k]) < 0;
	/* the header last, and the file's full length (its last section's padding) */
	bad = bad || pwrite_all(iw->fd, hd, sizeof(*hd), 0) < 0 || ftruncate(iw->fd, (off_t)hd->file_size) < 0;
	join(iw);
	if (iw->bad) {
		bad = 1;
		errno = iw->bad_errno;
	}
	strbuf_release(&warn);
	if (bad) {
		int e = errno;

		hg_out_abort(&iw->out);
		free(iw);
		hg_errorf(err, HG_EWRITE, "%s: write failed: %s", path, strerror(e));
		free(path);
		return -1;
	}
	/* trusted when the file now at path is the one written (its inode), with the times the rename gave it */
	if (fstat(iw->fd, &st) < 0)
		st.st_ino = 0;
	if (hg_out_commit(&iw->out, err) < 0) {
		free(iw);
		free(path);
		return -1;
	}
	if (st.st_ino && (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) >= 0) {
		struct stat now;

		if (fstat(fd, &now) == 0 && now.st_ino == st.st_ino && now.st_dev == st.st_dev &&
		    (uint64_t)now.st_size == hd->file_size)
			remember(&now, hd);
		close(fd);
	}
	free(iw);
	free(path);
	return 0;
}

int hg_index_write(const struct hg_heap *h, const struct hg_warnings *w, const void *summary, size_t summary_len,
		   const struct hg_dump_id *id, const char *path, struct hg_error *err)
{
	struct hg_index_writer *iw = hg_index_begin(h, id, path, err);

	return iw ? hg_index_finish(iw, h, w, summary, summary_len, err) : -1;
}

/*
 * The reverse entries must be the references, in their order (hg_heap_redge
 * relies on it): made again from the references and compared.
 */
static int validate_reverse(const struct hg_heap *h)
{
	uint32_t *fill = xmalloc((h->nobj + 1) * sizeof(*fill));
	int bad = 0;

	for (size_t t = 0; t <= h->nobj; t++)
		fill[t] = (uint32_t)hg_heap_rfirst(h, t);
	for (size_t i = 0; i < h->nobj && !bad; i++)
		for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1) && !bad; e++) {
			uint32_t t = h->to[e];

			bad = fill[t] >= hg_heap_rfirst(h, t + 1) || h->rsrc[fill[t]] != i || hg_heap_redge_kind(h, fill[t]) != hg_heap_edge_kind(h, e);
			fill[t]++;
		}
	for (size_t t = 0; t < h->nobj && !bad; t++)
		bad = fill[t] != hg_heap_rfirst(h, t + 1);
	free(fill);
	return bad ? -1 : 0;
}

/* Entry i of a per-object array of width-byte values. */
static uint32_t narrow_at(const void *narrow, int width, size_t i)
{
	return width == 4 ? ((const uint32_t *)narrow)[i] : width == 2 ? ((const uint16_t *)narrow)[i] :
	       ((const uint8_t *)narrow)[i];
}

/*
 * A list of wide values: one entry per object whose narrow value is the
 * escape, in object order, none for the others, each value the escape or
 * more.
 */
static int validate_wide(size_t count, const struct hg_wide_list *l, const void *narrow, int width, uint32_t escape)
{
	for (size_t k = 0, n = 0; k <= l->n; k++) {
		size_t end = k < l->n ? l->v[k].obj : count;

		if (k < l->n && (end >= count || (k && end <= l->v[k - 1].obj) || l->v[k].value < escape ||
				 narrow_at(narrow, width, end) != escape))
			return -1;
		for (; n < end; n++)
			if (narrow_at(narrow, width, n) == escape)
				return -1;
		n = end + 1;
	}
	return 0;
}

/* Every index inside the mapped arrays must be in range: a hostile index must not make us read wild. */
static int validate(const struct hg_heap *h)
{
	if (h->pool_len == 0 || h->pool[h->pool_len - 1] != '\0' || h->pool[0] != '\0')
		return -1;
	if (hg_heap_first(h, 0) != 0 || hg_heap_first(h, h->nobj) != h->nedge || hg_heap_rfirst(h, 0) != 0 || hg_heap_rfirst(h, h->nobj) != h->nedge)
		return -1;
	/* the runs of high address bits: from object 0, each later and higher than the last (then addresses are read in bounds) */
	for (size_t k = 0; k < h->nrun; k++)
		if (k ? h->runs[k].first <= h->runs[k - 1].first || h->runs[k].first >= h->nobj || h->runs[k].hi <= h->runs[k - 1].hi
		      : h->runs[k].first != 0)
			return -1;
	for (size_t i = 0; i < h->nobj; i++) {
		if (hg_heap_first(h, i) > hg_heap_first(h, i + 1) || hg_heap_rfirst(h, i) > hg_heap_rfirst(h, i + 1) ||
		    (hg_heap_type(h, i) >= h->ntype && hg_heap_type(h, i) != HG_NONE) || (h->text[i] & ~HG_TEXT_VALUE) >= h->pool_len ||
		    (h->idom[i] >= h->nobj && h->idom[i] != HG_NONE))
			return -1;
		if (i && hg_heap_addr(h, i - 1) >= hg_heap_addr(h, i))
			return -1;
	}
	if (validate_wide(h->nobj, &h->big_size, h->size, 2, HG_SIZE_WIDE) < 0 ||
	    validate_wide(h->nobj, &h->big_retained, h->retained, 2, HG_SIZE_WIDE) < 0 ||
	    validate_wide(h->nobj, &h->big_refcnt, h->refcnt, 1, HG_REFCNT_WIDE) < 0 ||
	    validate_wide(h->nobj, &h->big_type, h->type, 2, HG_TYPE_WIDE) < 0 ||
	    validate_wide(h->nobj + 1, &h->cfirst.big, h->cfirst.off, 1, HG_OFF_WIDE) < 0 ||
	    validate_wide(h->nobj + 1, &h->crfirst.big, h->crfirst.off, 1, HG_OFF_WIDE) < 0)
		return -1;
	for (size_t e = 0; e < h->nedge; e++)
		if (h->to[e] >= h->nobj || (h->label[e] & HG_LABEL_INDEX ? (h->label[e] & ~HG_LABEL_INDEX) > HG_LABEL_INDEX_MAX :
					      h->label[e] >= h->pool_len) || (hg_heap_kind_byte(h, e) & 3) > HG_EDGE_POSSIBLE ||
		    ((hg_heap_kind_byte(h, e) >> 2) & 0x1f) >= HG_REF_NROLES ||
		    (h->nktab && ((h->kind4[e >> 1] >> ((e & 1) * 4)) & 15) >= h->nktab))
			return -1;
	if (validate_reverse(h) < 0)
		return -1;
	for (size_t t = 0; t < h->ntype; t++)
		if (h->types[t].name >= h->pool_len || h->types[t].module >= h->pool_len ||
		    h->types[t].qualname >= h->pool_len || (h->types[t].obj >= h->nobj && h->types[t].obj != HG_NONE))
			return -1;
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].obj >= h->nobj || h->roots[r].name >= h->pool_len || h->roots[r].kind > HG_ROOT_OUTSIDE)
			return -1;
	if (!h->ntb)
		return h->ntbframe ? -1 : 0;
	if (h->tb_first[0] != 0 || h->tb_first[h->ntb] != h->ntbframe)
		return -1;
	for (size_t t = 0; t < h->ntb; t++)
		if (h->tb_first[t] >= h->tb_first[t + 1])	/* a traceback has a frame at least */
			return -1;
	for (size_t i = 0; i < h->nobj; i++)
		if (h->tb[i] >= h->ntb && h->tb[i] != HG_NONE)
			return -1;
	for (size_t f = 0; f < h->ntbframe; f++)
		if (h->tb_frames[f].file >= h->pool_len || h->tb_frames[f].func >= h->pool_len)
			return -1;
	return 0;
}

/*
 * Reads and checks the header of the index at path for the dump id: its
 * magic, version, build, checksum, the dump's identity and that every
 * section lies where the counts say.  0, or -1 with the reason in err.
 */
static int read_header(int fd, const char *path, const struct hg_dump_id *id, struct header *hd, struct hg_error *err)
{
	struct stat st;
	struct hg_heap shape;
	struct section s[S_COUNT];
	uint64_t pos = sizeof(*hd);

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < sizeof(*hd) ||
	    pread(fd, hd, sizeof(*hd), 0) != (ssize_t)sizeof(*hd))
		return hg_errorf(err, HG_EFORMAT, "%s: not an index", path);
	if (memcmp(hd->magic, MAGIC, sizeof(MAGIC)) || hd->version != HG_INDEX_VERSION || hd->header_size != sizeof(*hd) ||
	    (!FORGED && (hd->build != HG_BUILD_ID || hd->header_sum != sum_of(hd, offsetof(struct header, header_sum)))))
		return hg_errorf(err, HG_EFORMAT, "%s: index of another heapgraph version, or damaged", path);
	if (!FORGED && memcmp(&hd->id, id, sizeof(*id)))
		return hg_errorf(err, HG_EFORMAT, "%s: index of another dump (the dump changed)", path);
	if (hd->file_size != (uint64_t)st.st_size || hd->nobj >= HG_NONE || hd->nedge >= HG_NONE ||
	    hd->pool_len > HG_LABEL_INDEX || hd->ntype >= HG_NONE || hd->nroot > ((uint64_t)1 << 40) ||
	    hd->warn_len > hd->file_size || hd->summary_len > hd->file_size || hd->ntb >= HG_NONE ||
	    hd->ntbframe >= HG_NONE || hd->nbig_size > hd->nobj || hd->nbig_retained > hd->nobj ||
	    hd->nbig_refcnt > hd->nobj || hd->nbig_type > hd->nobj || hd->nbig_first > hd->nobj + 1 || hd->nbig_rfirst > hd->nobj + 1 || hd->nktab > 16 || hd->nrun > hd->nobj || (hd->nobj && !hd->nrun))
		return hg_errorf(err, HG_EFORMAT, "%s: index size does not match its header", path);
	/* the expected lengths, from the counts alone */
	memset(&shape, 0, sizeof(shape));
	shape.nobj = hd->nobj;
	shape.nedge = hd->nedge;
	shape.ntype = hd->ntype;
	shape.nroot = hd->nroot;
	shape.pool_len = hd->pool_len;
	shape.ntb = hd->ntb;
	shape.ntbframe = hd->ntbframe;
	shape.big_size.n = hd->nbig_size;
	shape.big_retained.n = hd->nbig_retained;
	shape.big_refcnt.n = hd->nbig_refcnt;
	shape.big_type.n = hd->nbig_type;
	shape.cfirst.big.n = hd->nbig_first;
	shape.crfirst.big.n = hd->nbig_rfirst;
	shape.nktab = hd->nktab;
	shape.nrun = hd->nrun;
	sections(&shape, NULL, hd->warn_len, NULL, hd->summary_len, s);
	for (int k = 0; k < S_COUNT; k++) {
		if (hd->off[k] != pos || hd->len[k] != s[k].len)
			return hg_errorf(err, HG_EFORMAT, "%s: index size does not match its header", path);
		pos += (s[k].len + 7) & ~7ull;
	}
	if (pos != hd->file_size)
		return hg_errorf(err, HG_EFORMAT, "%s: index size does not match its header", path);
	return 0;
}

/* Appends the warnings recorded when the dump was read (NUL-separated) to w. */
static void add_warnings(struct hg_warnings *w, const char *p, uint64_t len)
{
	const char *end = p + len;

	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			break;
		hg_warnf(w, "%s", p);
		p = nul + 1;
	}
}

int hg_index_load(struct hg_heap *h, struct hg_warnings *w, const struct hg_dump_id *id,
		  const char *path, struct hg_error *err)
{
	struct header hd;
	struct stat st;
	unsigned char *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), known;

	memset(h, 0, sizeof(*h));
	if (fd < 0)
		return hg_errorf(err, HG_ENOTFOUND, "%s: no index", path);
	if (read_header(fd, path, id, &hd, err) < 0) {
		close(fd);
		return -1;
	}
	/* the file checked is the one open: its stat, taken now, is what a record says */
	map = mmap(NULL, (size_t)hd.file_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fstat(fd, &st) < 0)
		memset(&st, 0, sizeof(st));
	known = !FORGED && trusted(&st, &hd);
	close(fd);
	if (map == MAP_FAILED)
		return hg_errorf(err, HG_EFORMAT, "%s: cannot map: %s", path, strerror(errno));
	for (int k = 0; k < S_COUNT && !known && !FORGED; k++)
		if (sum_of(map + hd.off[k], hd.len[k]) != hd.sum[k]) {
			munmap(map, (size_t)hd.file_size);
			return hg_errorf(err, HG_EFORMAT, "%s: index is damaged (checksum)", path);
		}
	h->mapping = map;
	h->mapping_len = (size_t)hd.file_size;
	h->nobj = hd.nobj;
	h->nedge = hd.nedge;
	h->ntype = hd.ntype;
	h->nroot = hd.nroot;
	h->pool_len = hd.pool_len;
	h->ntb = hd.ntb;
	h->ntbframe = hd.ntbframe;
	h->big_size.n = hd.nbig_size;
	h->big_retained.n = hd.nbig_retained;
	h->big_refcnt.n = hd.nbig_refcnt;
	h->big_type.n = hd.nbig_type;
	h->cfirst.big.n = hd.nbig_first;
	h->crfirst.big.n = hd.nbig_rfirst;
	h->nrun = hd.nrun;
	h->meta = hd.meta;
	h->addr = NULL;
	h->addr_lo = (uint32_t *)(map + hd.off[S_ADDR]);
	h->runs = (struct hg_addr_run *)(map + hd.off[S_RUNS]);
	h->type = (uint16_t *)(map + hd.off[S_TYPE]);
	h->size = (uint16_t *)(map + hd.off[S_SIZE]);
	h->big_size.v = (struct hg_wide *)(map + hd.off[S_BIGSIZE]);
	h->big_retained.v = (struct hg_wide *)(map + hd.off[S_BIGRET]);
	h->big_refcnt.v = (struct hg_wide *)(map + hd.off[S_BIGREFCNT]);
	h->big_type.v = (struct hg_wide *)(map + hd.off[S_BIGTYPE]);
	h->flags = (uint8_t *)(map + hd.off[S_FLAGS]);
	h->text = (uint32_t *)(map + hd.off[S_TEXT]);
	h->refcnt = (uint8_t *)(map + hd.off[S_REFCNT]);
	h->first = NULL;
	h->cfirst.base = (uint32_t *)(map + hd.off[S_FBASE]);
	h->cfirst.off = (uint8_t *)(map + hd.off[S_FOFF]);
	h->cfirst.big.v = (struct hg_wide *)(map + hd.off[S_FBIG]);
	h->to = (uint32_t *)(map + hd.off[S_TO]);
	h->label = (uint32_t *)(map + hd.off[S_LABEL]);
	h->nktab = hd.nktab;
	memcpy(h->ktab, hd.ktab, sizeof(h->ktab));
	h->kind = hd.nktab ? NULL : (uint8_t *)(map + hd.off[S_KIND]);
	h->kind4 = hd.nktab ? (uint8_t *)(map + hd.off[S_KIND]) : NULL;
	h->rfirst = NULL;
	h->crfirst.base = (uint32_t *)(map + hd.off[S_RBASE]);
	h->crfirst.off = (uint8_t *)(map + hd.off[S_ROFF]);
	h->crfirst.big.v = (struct hg_wide *)(map + hd.off[S_RBIG]);
	h->rsrc = (uint32_t *)(map + hd.off[S_RSRC]);
	h->rkind = (uint8_t *)(map + hd.off[S_RKIND]);
	h->idom = (uint32_t *)(map + hd.off[S_IDOM]);
	h->retained = (uint16_t *)(map + hd.off[S_RETAINED]);
	h->pool = (char *)(map + hd.off[S_POOL]);
	if (h->ntb) {
		h->tb = (uint32_t *)(map + hd.off[S_TB]);
		h->tb_first = (uint32_t *)(map + hd.off[S_TBFIRST]);
		h->tb_frames = (struct hg_tb_frame *)(map + hd.off[S_TBFRAMES]);
	}
	/* types and roots are small and may be extended: copies */
	h->types = xmalloc((h->ntype ? h->ntype : 1) * sizeof(*h->types));
	memcpy(h->types, map + hd.off[S_TYPES], h->ntype * sizeof(*h->types));
	h->roots = xmalloc((h->nroot ? h->nroot : 1) * sizeof(*h->roots));
	memcpy(h->roots, map + hd.off[S_ROOTS], h->nroot * sizeof(*h->roots));
	h->meta.python[sizeof(h->meta.python) - 1] = '\0';
	if (!known) {
		if (validate(h) < 0) {
			hg_heap_release(h);
			return hg_errorf(err, HG_EFORMAT, "%s: index is inconsistent", path);
		}
		if (!FORGED)
			remember(&st, &hd);
	}
	add_warnings(w, (const char *)map + hd.off[S_WARN], hd.warn_len);
	return 0;
}

int hg_index_summary(const struct hg_dump_id *id, const char *path, char **summary, size_t *len,
		     struct hg_warnings *w, struct hg_error *err)
{
	struct header hd;
	char *buf, *warn;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	*summary = NULL;
	*len = 0;
	if (fd < 0)
		return hg_errorf(err, HG_ENOTFOUND, "%s: no index", path);
	if (read_header(fd, path, id, &hd, err) < 0) {
		close(fd);
		return -1;
	}
	buf = xmalloc((size_t)hd.summary_len + 1);
	warn = xmalloc((size_t)hd.warn_len + 1);
	if (pread(fd, buf, (size_t)hd.summary_len, (off_t)hd.off[S_SUMMARY]) != (ssize_t)hd.summary_len ||
	    pread(fd, warn, (size_t)hd.warn_len, (off_t)hd.off[S_WARN]) != (ssize_t)hd.warn_len ||
	    (!FORGED && (sum_of(buf, hd.summary_len) != hd.sum[S_SUMMARY] || sum_of(warn, hd.warn_len) != hd.sum[S_WARN]))) {
		close(fd);
		free(buf);
		free(warn);
		return hg_errorf(err, HG_EFORMAT, "%s: index is damaged (checksum)", path);
	}
	close(fd);
	buf[hd.summary_len] = '\0';
	add_warnings(w, warn, hd.warn_len);
	free(warn);
	*summary = buf;
	*len = (size_t)hd.summary_len;
	return 0;
}
