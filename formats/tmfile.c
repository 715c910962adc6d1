/*
 * tmfile.c - reading a file tracemalloc.Snapshot.dump() wrote into a
 * struct hg_tm_snapshot (analyzer/tracemalloc.h), through the restricted
 * pickle reader (pickle.h).
 *
 * The file is a pickled Snapshot: its __dict__ holds 'traces', a _Traces
 * whose __dict__ holds '_traces', a list of (domain, size, traceback) tuples
 * in 3.8 and (domain, size, traceback, total_nframe) since 3.9, a traceback
 * being a tuple of (filename, lineno) tuples, the most recent frame first;
 * and 'traceback_limit'.  Identical tracebacks are one tuple in the file.
 *
 * Each trace is taken as the reader makes its tuple (a hook): traces equal
 * in domain, size and traceback become one entry with a count, so a file of
 * millions of traces costs the reader a reference each, not a tuple and its
 * ints.  Nothing tracemalloc computes tells equal traces apart.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pickle.h"
#include "../analyzer/tracemalloc.h"
#include "../common/util.h"

#define NOT_SEEN	UINT32_MAX
#define NOT_FRAMES	(UINT32_MAX - 1)	/* remembered: a tuple read once, whatever refers to it again */

struct reading {
	struct hg_tm_snapshot *s;
	uint32_t *tb_of_cell;		/* a traceback tuple's number, by the tuple (or NOT_SEEN, NOT_FRAMES) */
	size_t ntb_of_cell;
	uint32_t *table;		/* distinct traces, open addressing on (domain, size, traceback) */
	hg_pref list;			/* the list traces were appended to and counted for (0: none yet) */
	size_t before;			/* items the list kept before its first trace */
	size_t taken;			/* traces counted */
	size_t first_kept;		/* where the first item it kept after that was (SIZE_MAX: none) */
	size_t table_size;
	size_t traces_alloc;
};

static uint64_t trace_hash(uint64_t domain, uint64_t size, uint32_t tb)
{
	uint64_t h = (size * 0x9e3779b97f4a7c15ull) ^ (domain + 0x632be59bd9b4e019ull) * 0xc2b2ae3d27d4eb4full;

	h ^= (uint64_t)tb * 0x165667b19e3779f9ull;
	return h ^ h >> 29;
}

static void remember(struct reading *r, size_t id, uint32_t tb)
{
	if (id >= r->ntb_of_cell) {
		size_t old = r->ntb_of_cell, want = id + 1 > 2 * old ? id + 1 : 2 * old;

		r->tb_of_cell = xrealloc(r->tb_of_cell, want * sizeof(*r->tb_of_cell));
		memset(r->tb_of_cell + old, 0xff, (want - old) * sizeof(*r->tb_of_cell));
		r->ntb_of_cell = want;
	}
	r->tb_of_cell[id] = tb;
}

/* A traceback of the file: a tuple of (filename, lineno) tuples; its number, or -1. */
static int64_t traceback(struct reading *r, const struct hg_pickle *p, hg_pref tb)
{
	struct hg_tm_snapshot *s = r->s;
	size_t n = hg_pickle_len(p, tb), id = tb >> 2;	/* a tuple's reference is its cell's number, times 4 */

	if (id < r->ntb_of_cell && r->tb_of_cell[id] != NOT_SEEN)
		return r->tb_of_cell[id] == NOT_FRAMES ? -1 : (int64_t)r->tb_of_cell[id];
	/* tracemalloc never writes an empty traceback (it has "<unknown>" for that) */
	if (!n || s->ntb >= NOT_FRAMES) {
		remember(r, id, NOT_FRAMES);
		return -1;
	}
	for (size_t k = 0; k < n; k++) {
		hg_pref f = hg_pickle_item(p, tb, k), file = hg_pickle_item(p, f, 0), line = hg_pickle_item(p, f, 1);
		const char *name;
		size_t len;

		if (hg_pickle_kind(p, f) != HG_PV_TUPLE || hg_pickle_len(p, f) != 2 || hg_pickle_kind(p, file) != HG_PV_STR ||
		    hg_pickle_kind(p, line) != HG_PV_INT || hg_pickle_int(p, line) < 0 || hg_pickle_int(p, line) > UINT32_MAX) {
			s->nframes -= k;
			remember(r, id, NOT_FRAMES);
			return -1;
		}
		name = hg_pickle_str(p, file, &len);
		HG_GROW(s->frames, s->nframes + 1, s->frames_alloc);
		s->frames[s->nframes].file = hg_tm_name(s->names, name, len);
		s->frames[s->nframes].lineno = (uint32_t)hg_pickle_int(p, line);
		s->nframes++;
	}
	HG_GROW(s->tb_first, s->ntb + 1, s->tb_alloc);
	s->tb_len = xrealloc(s->tb_len, s->tb_alloc * sizeof(*s->tb_len));
	s->tb_first[s->ntb] = (uint32_t)(s->nframes - n);
	s->tb_len[s->ntb] = (uint32_t)n;
	remember(r, id, (uint32_t)s->ntb);
	return (int64_t)s->ntb++;
}

/* v's value when it is an int (told without a call when it is a small one, as most are) */
static int as_int(const struct hg_pickle *p, hg_pref v, int64_t *i)
{
	if (hg_pickle_small_int(v, i))
		return 1;
	if (hg_pickle_kind(p, v) != HG_PV_INT)
		return 0;
	*i = hg_pickle_int(p, v);
	return 1;
}

/* The hook: a (domain, size, traceback[, total_nframe]) tuple becomes its distinct trace's number. */
static int take_trace(void *ctx, const struct hg_pickle *p, const hg_pref *it, size_t n, uint64_t *number)
{
	struct reading *r = ctx;
	struct hg_tm_snapshot *s = r->s;
	int64_t domain, size, nframe, tb;
	size_t k, mask;

	if ((n != 3 && n != 4) || !as_int(p, it[0], &domain) || !as_int(p, it[1], &size) ||
	    (n == 4 && !as_int(p, it[3], &nframe)) || hg_pickle_kind(p, it[2]) != HG_PV_TUPLE)
		return 0;
	if (domain < 0 || size < 0 || (tb = traceback(r, p, it[2])) < 0)
		return 0;
	if (2 * (s->ntraces + 1) > r->table_size) {
		size_t size2 = r->table_size ? 2 * r->table_size : 1024;

		free(r->table);
		r->table = xmalloc(size2 * sizeof(*r->table));
		memset(r->table, 0xff, size2 * sizeof(*r->table));
		r->table_size = size2;
		for (uint32_t i = 0; i < s->ntraces; i++) {
			const struct hg_tm_trace *t = &s->traces[i];

			for (k = trace_hash(t->domain, t->size, t->tb) & (size2 - 1); r->table[k] != UINT32_MAX;
			     k = (k + 1) & (size2 - 1))
				;
			r->table[k] = i;
		}
	}
	mask = r->table_size - 1;
	for (k = trace_hash((uint64_t)domain, (uint64_t)size, (uint32_t)tb) & mask; r->table[k] != UINT32_MAX;
	     k = (k + 1) & mask) {
		const struct hg_tm_trace *t = &s->traces[r->table[k]];

		if (t->size == (uint64_t)size && t->domain == (uint64_t)domain && t->tb == (uint32_t)tb) {
			*number = r->table[k];
			return 1;
		}
	}
	if (s->ntraces >= UINT32_MAX - 1)
		return 0;
	HG_GROW(s->traces, s->ntraces + 1, r->traces_alloc);
	memset(&s->traces[s->ntraces], 0, sizeof(s->traces[s->ntraces]));
	s->traces[s->ntraces].domain = (uint64_t)domain;
	s->traces[s->ntraces].size = (uint64_t)size;
	s->traces[s->ntraces].tb = (uint32_t)tb;
	r->table[k] = (uint32_t)s->ntraces;
	*number = s->ntraces++;
	return 1;
}

/*
 * The other hook: a trace appended to a list is counted, not kept, when the
 * list is the first traces went to (the snapshot's '_traces', unless the
 * file is not what it claims: hg_tm_load checks).
 */
static int count_trace(void *ctx, const struct hg_pickle *p, hg_pref list, hg_pref item)
{
	struct reading *r = ctx;
	int trace = hg_pickle_kind(p, item) == HG_PV_USER;

	if (trace && !r->list) {
		r->list = list;
		r->before = hg_pickle_len(p, list);
	}
	if (list != r->list)
		return 0;
	if (!trace) {	/* kept, to be refused; where it was, for the message */
		if (r->first_kept == SIZE_MAX)
			r->first_kept = r->before + r->taken;
		return 0;
	}
	r->s->traces[hg_pickle_int(p, item)].count++;
	r->taken++;
	return 1;
}

/* Why t, an item of the traces list, is not a trace (take_trace said it is not). */
static const char *not_a_trace(const struct hg_pickle *p, hg_pref t)
{
	size_t n = hg_pickle_len(p, t);

	if (hg_pickle_kind(p, t) != HG_PV_TUPLE || (n != 3 && n != 4))
		return "is not a tuple (domain, size, traceback[, total_nframe])";
	for (size_t k = 0; k < n; k++)
		if (k != 2 && (hg_pickle_kind(p, hg_pickle_item(p, t, k)) != HG_PV_INT ||
			       (k < 2 && hg_pickle_int(p, hg_pickle_item(p, t, k)) < 0)))
			return k == 0 ? "has a domain that is not a count" : k == 1 ? "has a size that is not a count" :
			       "has a frame count that is not an int";
	return "has a traceback that is not (filename, lineno) frames";
}

/* The file, whole: a regular file (not a device or a pipe that never ends), read to its end. */
static unsigned char *slurp(const char *path, size_t *len, struct hg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	unsigned char *data;
	size_t alloc;
	ssize_t got;

	*len = 0;
	if (fd < 0) {
		hg_errorf(err, HG_ENOTFOUND, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		hg_errorf(err, HG_EFORMAT, "%s: not a regular file", path);
		return NULL;
	}
	alloc = (size_t)st.st_size + 1;
	data = xmalloc(alloc);
	while ((got = read(fd, data + *len, alloc - *len)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			hg_errorf(err, HG_EFORMAT, "%s: cannot read: %s", path, strerror(errno));
			close(fd);
			free(data);
			return NULL;
		}
		*len += (size_t)got;
		if (*len == alloc)	/* it grew since fstat */
			HG_GROW(data, alloc + 1, alloc);
	}
	close(fd);
	return data;
}

static int refuse(struct hg_tm_snapshot *s, struct reading *r, struct hg_pickle *p, unsigned char *data)
{
	hg_tm_release(s);
	free(r->tb_of_cell);
	free(r->table);
	hg_pickle_free(p);
	free(data);
	return -1;
}

int hg_tm_load(const char *path, struct hg_tm_names *names, struct hg_tm_snapshot *s, struct hg_error *err)
{
	struct reading r = { .s = s, .first_kept = SIZE_MAX };
	struct hg_pickle_hooks hooks = { take_trace, count_trace, &r };
	unsigned char *data;
	size_t len, n, kept = 0;
	struct hg_pickle *p;
	hg_pref root, traces, list, limit;

	memset(s, 0, sizeof(*s));
	s->names = names;
	if (!(data = slurp(path, &len, err)))
		return -1;
	p = hg_pickle_read(data, len, &hooks, &root, err);
	if (!p) {
		char why[sizeof(err->msg)];

		memcpy(why, err->msg, sizeof(why));
		refuse(s, &r, NULL, data);
		return hg_errorf(err, HG_EFORMAT, "%s: not a tracemalloc snapshot: %s", path, why);
	}
	if (hg_pickle_kind(p, root) != HG_PV_OBJECT || strcmp(hg_pickle_class(p, root), "tracemalloc.Snapshot") ||
	    !hg_pickle_get(p, root, "traces", &traces) || hg_pickle_kind(p, traces) != HG_PV_OBJECT ||
	    strcmp(hg_pickle_class(p, traces), "tracemalloc._Traces") || !hg_pickle_get(p, traces, "_traces", &list) ||
	    hg_pickle_kind(p, list) != HG_PV_LIST || !hg_pickle_get(p, root, "traceback_limit", &limit) ||
	    hg_pickle_kind(p, limit) != HG_PV_INT) {
		refuse(s, &r, p, data);
		return hg_errorf(err, HG_EFORMAT, "%s: a pickle, but not of a tracemalloc.Snapshot", path);
	}
	s->traceback_limit = hg_pickle_int(p, limit);
	/*
	 * Each trace was made as it was read (take_trace) and counted as it was
	 * listed (count_trace); what the list kept is not a trace.  Had traces
	 * gone to another list first, the counts are those of that one: count
	 * again.
	 */
	if (list != r.list)
		for (size_t k = 0; k < s->ntraces; k++)
			s->traces[k].count = 0;
	n = hg_pickle_len(p, list);
	for (size_t k = 0; k < n; k++) {
		hg_pref t = hg_pickle_item(p, list, k);

		if (hg_pickle_kind(p, t) != HG_PV_USER) {
			/* the list kept only what was not a trace, and where it was is known */
			size_t at = list == r.list && k >= r.before ? r.first_kept : k;

			hg_errorf(err, HG_EFORMAT, "%s: trace %zu %s", path, at, not_a_trace(p, t));
			refuse(s, &r, p, data);
			return -1;
		}
		s->traces[hg_pickle_int(p, t)].count++;
	}
	/* traces made but not listed (nothing tracemalloc writes) are dropped */
	for (size_t k = 0; k < s->ntraces; k++)
		if (s->traces[k].count)
			s->traces[kept++] = s->traces[k];
	s->ntraces = kept;
	free(r.tb_of_cell);
	free(r.table);
	hg_pickle_free(p);
	free(data);
	return 0;
}
