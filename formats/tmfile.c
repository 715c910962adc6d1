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
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include "pickle.h"
#include "../analyzer/tracemalloc.h"
#include "../common/util.h"

static int is_int(const struct hg_pvalue *v)
{
	return v && v->kind == HG_PV_INT;
}

/* A traceback of the file: a tuple of (filename, lineno) tuples. */
static int add_traceback(struct hg_tm_snapshot *s, const struct hg_pvalue *tb)
{
	/* tracemalloc never writes an empty traceback (it has "<unknown>" for that) */
	if (!tb || tb->kind != HG_PV_TUPLE || !tb->len)
		return -1;
	for (size_t k = 0; k < tb->len; k++) {
		const struct hg_pvalue *f = tb->items[k];

		if (f->kind != HG_PV_TUPLE || f->len != 2 || f->items[0]->kind != HG_PV_STR || !is_int(f->items[1]) ||
		    f->items[1]->i < 0 || f->items[1]->i > UINT32_MAX)
			return -1;
		HG_GROW(s->frames, s->nframes + 1, s->frames_alloc);
		s->frames[s->nframes].file = hg_tm_name(s->names, f->items[0]->s, f->items[0]->len);
		s->frames[s->nframes].lineno = (uint32_t)f->items[1]->i;
		s->nframes++;
	}
	HG_GROW(s->tb_first, s->ntb + 1, s->tb_alloc);
	s->tb_len = xrealloc(s->tb_len, s->tb_alloc * sizeof(*s->tb_len));
	s->tb_first[s->ntb] = (uint32_t)(s->nframes - tb->len);
	s->tb_len[s->ntb] = (uint32_t)tb->len;
	s->ntb++;
	return 0;
}

/* Tracebacks the file shares (one tuple, many traces) are added once: by identity of the value. */
int hg_tm_load(const char *path, struct hg_tm_names *names, struct hg_tm_snapshot *s, struct hg_error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *data = NULL;
	size_t len = 0, alloc = 0, got;
	struct hg_pickle *p;
	struct hg_pvalue *root, *traces, *list, *limit;
	struct hg_u64map seen = { NULL, NULL, 0, 0 };

	memset(s, 0, sizeof(*s));
	s->names = names;
	if (!f)
		return hg_errorf(err, HG_ENOTFOUND, "%s: cannot open", path);
	/* a file, read whole: not a device or a pipe that never ends */
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return hg_errorf(err, HG_EFORMAT, "%s: not a regular file", path);
	}
	do {
		HG_GROW(data, len + 65536, alloc);
		got = fread(data + len, 1, alloc - len, f);
		len += got;
	} while (got);
	fclose(f);
	p = hg_pickle_read(data, len, &root, err);
	free(data);
	if (!p) {
		char why[sizeof(err->msg)];

		memcpy(why, err->msg, sizeof(why));
		return hg_errorf(err, HG_EFORMAT, "%s: not a tracemalloc snapshot: %s", path, why);
	}
	traces = root->kind == HG_PV_OBJECT && !strcmp(root->cls, "tracemalloc.Snapshot") ?
		 hg_pickle_get(root->state, "traces") : NULL;
	list = traces && traces->kind == HG_PV_OBJECT && !strcmp(traces->cls, "tracemalloc._Traces") ?
	       hg_pickle_get(traces->state, "_traces") : NULL;
	limit = root->kind == HG_PV_OBJECT ? hg_pickle_get(root->state, "traceback_limit") : NULL;
	if (!list || list->kind != HG_PV_LIST || !is_int(limit)) {
		hg_pickle_free(p);
		return hg_errorf(err, HG_EFORMAT, "%s: a pickle, but not of a tracemalloc.Snapshot", path);
	}
	s->traceback_limit = limit->i;
	s->traces = xmalloc((list->len ? list->len : 1) * sizeof(*s->traces));
	for (size_t k = 0; k < list->len; k++) {
		const struct hg_pvalue *t = list->items[k], *tb;

		/* (domain, size, traceback) in 3.8, (domain, size, traceback, total_nframe) since */
		if (t->kind != HG_PV_TUPLE || (t->len != 3 && t->len != 4) || !is_int(t->items[0]) || !is_int(t->items[1]) ||
		    t->items[0]->i < 0 || t->items[1]->i < 0 || (t->len == 4 && !is_int(t->items[3]))) {
			hg_tm_release(s);
			hg_pickle_free(p);
			hg_u64map_free(&seen);
			return hg_errorf(err, HG_EFORMAT, "%s: trace %zu is not (domain, size, traceback[, nframe])", path, k);
		}
		tb = t->items[2];
		{
			uint32_t *at = hg_u64map_slot(&seen, (uint64_t)(uintptr_t)tb);

			if (*at == UINT32_MAX) {
				if (add_traceback(s, tb) < 0) {
					hg_tm_release(s);
					hg_pickle_free(p);
					hg_u64map_free(&seen);
					return hg_errorf(err, HG_EFORMAT, "%s: the traceback of trace %zu is not frames",
							 path, k);
				}
				*at = (uint32_t)(s->ntb - 1);
			}
			s->traces[k].tb = *at;
		}
		s->traces[k].ptr = 0;
		s->traces[k].domain = (uint64_t)t->items[0]->i;
		s->traces[k].size = (uint64_t)t->items[1]->i;
	}
	s->ntraces = list->len;
	hg_u64map_free(&seen);
	hg_pickle_free(p);
	return 0;
}

