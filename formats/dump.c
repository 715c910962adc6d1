/*
 * dump.c - the table of dump readers (see dump.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "dump.h"
#include "../analyzer/dom.h"
#include "../analyzer/index.h"
#include "../analyzer/tracemalloc.h"
#include "core.h"
#include "cpython/cpython.h"
#include "input.h"
#include "snapshot.h"
#include "../common/util.h"

/* Opens the core at path and finds a Python heapgraph reads in it: 0, or -1 (release core even then). */
static int open_python(const char *path, const char *sysroot, struct hg_core *core, struct hg_python *py,
		       struct hg_error *err)
{
	struct hg_core_options copt = { sysroot };

	if (hg_core_open(core, path, &copt, err) < 0 || hg_cpython_detect(core, py, err) < 0)
		return -1;
	if (!py->supported)
		return hg_errorf(err, HG_EUNSUPPORTED, "%s: Python %s%s is not supported (%s with the GIL are)",
				 path, py->version, py->free_threaded ? " (free-threaded build)" : "",
				 hg_cpython_supported());
	return 0;
}

/* The core's warnings go to w, and the core is released. */
static void close_core(struct hg_core *core, struct hg_warnings *w)
{
	for (size_t i = 0; i < core->warnings.nr; i++)
		hg_warnf(w, "%s", core->warnings.line[i]);
	hg_core_release(core);
}

static int load_core(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		     struct hg_warnings *w, struct hg_error *err)
{
	struct hg_core core;
	struct hg_python py;
	int rc = -1;

	if (open_python(path, opt ? opt->sysroot : NULL, &core, &py, err) == 0)
		rc = hg_cpython_load(&core, &py, h, opt ? opt->progress : NULL, opt ? opt->progress_arg : NULL, err);
	close_core(&core, w);
	return rc;
}

static int load_snapshot(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
			 struct hg_warnings *w, struct hg_error *err)
{
	(void)opt;
	return hg_snapshot_load(path, h, w, err);
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static int probe_elf(const unsigned char *head, size_t n)
{
	return n >= 4 && !memcmp(head, "\177ELF", 4);
}

static const struct reader {
	const char *name;
	int (*probe)(const unsigned char *head, size_t n);
	int (*load)(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		    struct hg_warnings *w, struct hg_error *err);
} readers[] = {
	{ "elf-core", probe_elf, load_core },
	{ "heapgraph-snapshot", hg_snapshot_probe, load_snapshot },
};

/* The dump's objects, references and roots: all but the dominator tree. */
static int load_graph(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		      struct hg_warnings *w, struct hg_error *err)
{
	unsigned char head[64];
	long got;
	size_t n;

	hg_heap_init(h);
	/* Probe on the uncompressed bytes (a .zst core is still an ELF core), without
	 * decoding the whole file: the reader does that once. */
	got = hg_input_peek(path, head, sizeof(head));
	if (got <= 0) {
		hg_heap_release(h);
		if (got == 0)
			return hg_errorf(err, HG_EFORMAT, "%s: empty file (is the dump complete?)", path);
		return hg_errorf(err, HG_EFORMAT, "%s: cannot open: %s", path, strerror(errno));
	}
	n = (size_t)got;
	for (size_t i = 0; i < HG_ARRAY_SIZE(readers); i++)
		if (readers[i].probe(head, n)) {
			if (readers[i].load(path, opt, h, w, err) == 0)
				return 0;
			hg_heap_release(h);
			return -1;
		}
	hg_heap_release(h);
	return hg_errorf(err, HG_EFORMAT, "%s: not a dump heapgraph can read (an ELF core file or a heapgraph snapshot, plain, .gz or .zst)", path);
}

int hg_dump_tracemalloc(const char *path, const char *sysroot, struct hg_tm_names *names, struct hg_tm_snapshot *s,
			struct hg_warnings *w, struct hg_error *err)
{
	unsigned char head[64];
	long got = hg_input_peek(path, head, sizeof(head));
	struct hg_core core;
	struct hg_python py;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (got <= 0)
		return hg_errorf(err, got == 0 ? HG_EFORMAT : HG_ENOTFOUND, "%s: %s", path,
				 got == 0 ? "empty file" : strerror(errno));
	if (!probe_elf(head, (size_t)got)) {
		if (hg_snapshot_probe(head, (size_t)got))
			return hg_errorf(err, HG_EUNSUPPORTED, "%s: a heapgraph snapshot keeps its objects' tracebacks, "
					 "not tracemalloc's traces (types --by-line groups the objects)", path);
		return hg_tm_load(path, names, s, err);
	}
	s->names = names;
	if (open_python(path, sysroot, &core, &py, err) == 0)
		rc = hg_cpython_tracemalloc(&core, &py, names, s, err);
	close_core(&core, w);
	return rc;
}

struct tm_job {
	const char *path;
	struct hg_tm_names *names;
	struct hg_tm_snapshot *s;
	struct hg_error *err;
	int rc;
};

static void *tm_load_job(void *arg)
{
	struct tm_job *j = arg;

	j->rc = hg_tm_load(j->path, j->names, j->s, j->err);
	return NULL;
}

static int is_tm_file(const char *path)
{
	unsigned char head[64];
	long got = hg_input_peek(path, head, sizeof(head));

	return got > 0 && !probe_elf(head, (size_t)got) && !hg_snapshot_probe(head, (size_t)got);
}

int hg_dump_tracemalloc_each(const char *const *path, int n, const char *sysroot, struct hg_tm_names *names,
			     struct hg_tm_snapshot *s, struct hg_warnings *w, struct hg_error *err)
{
	/* the pickle reader keeps nothing global and names are locked: the second file goes to a thread */
	if (n == 2 && is_tm_file(path[0]) && is_tm_file(path[1])) {
		struct tm_job job = { path[1], names, &s[1], &err[1], -1 };
		pthread_t t;
		int rc;

		if (pthread_create(&t, NULL, tm_load_job, &job) == 0) {
			rc = hg_tm_load(path[0], names, &s[0], &err[0]);
			pthread_join(t, NULL);
			return rc < 0 || job.rc < 0 ? -1 : 0;
		}
	}
	for (int k = 0; k < n; k++)
		if (hg_dump_tracemalloc(path[k], sysroot, names, &s[k], &w[k], &err[k]) < 0) {
			for (int j = k + 1; j < n; j++)
				memset(&s[j], 0, sizeof(s[j]));
			return -1;
		}
	return 0;
}

static char *cache_index_path(const char *path)
{
	char *abs = realpath(path, NULL), *dir = hg_cache_dir(), *out;
	uint32_t hash;

	hash = crc32(0, (const unsigned char *)(abs ? abs : path), (uInt)strlen(abs ? abs : path));
	out = xasprintf("%s/%08x-%s.hgi", dir, hash, basename_of(path));
	free(abs);
	free(dir);
	return out;
}

char *hg_dump_index_path(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int writable;

	if (slash)
		slash[1] = '\0';
	writable = access(slash ? dir : ".", W_OK) == 0;
	free(dir);
	if (writable)
		return xasprintf("%s.hgi", path);
	return cache_index_path(path);
}

int hg_dump_load(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, struct hg_error *err)
{
	int rc = load_graph(path, opt, h, w, err);

	if (rc == 0) {
		hg_step("dominators");
		hg_dom_compute(h);
	}
	hg_step(NULL);
	return rc;
}

int hg_dump_open(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, int *from_index, struct hg_error *err)
{
	struct hg_dump_id id;
	struct hg_error ierr;
	char *ipath, *cpath;

	*from_index = 0;
	if (hg_dump_identity(path, &id) < 0)
		return hg_dump_load(path, opt, h, w, err);
	ipath = hg_dump_index_path(path);
	cpath = cache_index_path(path);
	if (hg_index_load(h, w, &id, ipath, &ierr) == 0 ||
	    (strcmp(ipath, cpath) && hg_index_load(h, w, &id, cpath, &ierr) == 0)) {
		*from_index = 1;
		free(ipath);
		free(cpath);
		return 0;
	}
	if (load_graph(path, opt, h, w, err) < 0) {
		hg_step(NULL);
		free(ipath);
		free(cpath);
		return -1;
	}
	{
		struct hg_index_writer *iw;
		size_t slen = 0;
		char *summary;
		int saved;

		/* the index is written on a second core while the dominators and the summary are computed */
		hg_step("dominators");
		iw = hg_index_begin(h, &id, ipath, &ierr);
		if (!iw) {
			hg_make_parents(cpath);
			iw = hg_index_begin(h, &id, cpath, &ierr);
		}
		hg_dom_compute(h);
		hg_step("summary");
		summary = opt && opt->summary ? opt->summary(h, &slen) : NULL;
		hg_step("writing the index");
		saved = iw && hg_index_finish(iw, h, w, summary, slen, &ierr) == 0;
		if (!saved && strcmp(ipath, cpath)) {
			hg_make_parents(cpath);
			saved = hg_index_write(h, w, summary, slen, &id, cpath, &ierr) == 0;
		}
		if (!saved)
			hg_warnf(w, "%s (the index could not be saved; the next command reads the dump again)", ierr.msg);
		hg_step(NULL);
		free(summary);
	}
	free(ipath);
	free(cpath);
	return 0;
}

int hg_dump_summary(const char *path, char **summary, size_t *len, struct hg_warnings *w)
{
	struct hg_dump_id id;
	struct hg_error ierr;
	char *ipath, *cpath;
	int rc;

	if (hg_dump_identity(path, &id) < 0)
		return -1;
	ipath = hg_dump_index_path(path);
	cpath = cache_index_path(path);
	rc = hg_index_summary(&id, ipath, summary, len, w, &ierr);
	if (rc < 0 && strcmp(ipath, cpath))
		rc = hg_index_summary(&id, cpath, summary, len, w, &ierr);
	free(ipath);
	free(cpath);
	return rc;
}
