/*
 * tracemalloc.c - tracemalloc snapshots, offline (see tracemalloc.h).
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tracemalloc.h"
#include "../common/util.h"

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
	const unsigned char *b = p;

	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 0x100000001b3ull;
	return h;
}

void hg_tm_names_init(struct hg_tm_names *n)
{
	memset(n, 0, sizeof(*n));
	pthread_mutex_init(&n->lock, NULL);
}

void hg_tm_names_release(struct hg_tm_names *n)
{
	for (size_t k = 0; k < n->n; k++)
		free(n->name[k]);
	free(n->name);
	free(n->len);
	free(n->table);
	pthread_mutex_destroy(&n->lock);
	memset(n, 0, sizeof(*n));
}

static uint32_t name_locked(struct hg_tm_names *n, const char *s, size_t len);

uint32_t hg_tm_name(struct hg_tm_names *n, const char *s, size_t len)
{
	uint32_t got;

	pthread_mutex_lock(&n->lock);
	got = name_locked(n, s, len);
	pthread_mutex_unlock(&n->lock);
	return got;
}

static uint32_t name_locked(struct hg_tm_names *n, const char *s, size_t len)
{
	size_t mask, k;

	if (2 * (n->n + 1) > n->table_size) {
		size_t size = n->table_size ? 2 * n->table_size : 256;

		free(n->table);
		n->table = xmalloc(size * sizeof(*n->table));
		memset(n->table, 0xff, size * sizeof(*n->table));
		n->table_size = size;
		for (uint32_t i = 0; i < n->n; i++) {
			for (k = hash_bytes(n->name[i], n->len[i], 0xcbf29ce484222325ull) & (size - 1);
			     n->table[k] != UINT32_MAX; k = (k + 1) & (size - 1))
				;
			n->table[k] = i;
		}
	}
	mask = n->table_size - 1;
	for (k = hash_bytes(s, len, 0xcbf29ce484222325ull) & mask; n->table[k] != UINT32_MAX; k = (k + 1) & mask)
		if (n->len[n->table[k]] == len && !memcmp(n->name[n->table[k]], s, len))
			return n->table[k];
	HG_GROW(n->name, n->n + 1, n->alloc);
	n->len = xrealloc(n->len, n->alloc * sizeof(*n->len));
	n->name[n->n] = xstrndup(s, len);
	n->len[n->n] = len;
	n->table[k] = (uint32_t)n->n;
	return (uint32_t)n->n++;
}

void hg_tm_release(struct hg_tm_snapshot *s)
{
	if (!s->borrowed) {
		free(s->frames);
		free(s->tb_first);
		free(s->tb_len);
	}
	free(s->traces);
	memset(s, 0, sizeof(*s));
}

/* ---- filters ---- */

/* tracemalloc's _normalize_filename on POSIX: a trailing ".pyc" is ".py" */
static void normalize(const char *name, size_t len, struct strbuf *sb)
{
	strbuf_reset(sb);
	strbuf_add(sb, name, len >= 4 && !memcmp(name + len - 4, ".pyc", 4) ? len - 1 : len);
}

/* fnmatch as Python's: '*' crosses '/', a backslash is a character like another */
static int match_frame(const struct hg_tm_snapshot *s, const struct hg_tm_filter *f, const struct hg_tm_frame *fr,
		       struct strbuf *pat, struct strbuf *name)
{
	normalize(f->pattern, strlen(f->pattern), pat);
	normalize(s->names->name[fr->file], s->names->len[fr->file], name);
	return fnmatch(pat->buf, name->buf, FNM_NOESCAPE) == 0;
}

static int filter_match(const struct hg_tm_snapshot *s, const struct hg_tm_filter *f, uint32_t tb,
			struct strbuf *pat, struct strbuf *name)
{
	const struct hg_tm_frame *fr = s->frames + s->tb_first[tb];
	size_t n = s->tb_len[tb];

	if (f->all_frames) {
		for (size_t k = 0; k < n; k++)
			if (match_frame(s, f, &fr[k], pat, name))
				return f->inclusive;
		return !f->inclusive;
	}
	if (!n)
		return !f->inclusive;
	return match_frame(s, f, &fr[0], pat, name) ^ !f->inclusive;
}

void hg_tm_filter(const struct hg_tm_snapshot *s, const struct hg_tm_filter *f, size_t nf, struct hg_tm_snapshot *out)
{
	struct strbuf pat, name;
	int any_include = 0;

	*out = *s;
	out->traces = xmalloc((s->ntraces ? s->ntraces : 1) * sizeof(*out->traces));
	out->ntraces = 0;
	/* the frames and tracebacks are shared with s: only the traces are out's own */
	out->frames = NULL;
	out->tb_first = out->tb_len = NULL;
	strbuf_init(&pat);
	strbuf_init(&name);
	for (size_t k = 0; k < nf; k++)
		any_include |= f[k].inclusive;
	for (size_t t = 0; t < s->ntraces; t++) {
		int keep = !any_include;

		for (size_t k = 0; k < nf && !keep; k++)
			if (f[k].inclusive && filter_match(s, &f[k], s->traces[t].tb, &pat, &name))
				keep = 1;
		for (size_t k = 0; k < nf && keep; k++)
			if (!f[k].inclusive && !filter_match(s, &f[k], s->traces[t].tb, &pat, &name))
				keep = 0;
		if (keep)
			out->traces[out->ntraces++] = s->traces[t];
	}
	strbuf_release(&pat);
	strbuf_release(&name);
	/* borrowed: */
	out->frames = s->frames;
	out->tb_first = s->tb_first;
	out->tb_len = s->tb_len;
	out->borrowed = 1;
}

/* ---- grouping ---- */

struct group {
	struct hg_tm_stat *st;
	size_t n, alloc;
	uint32_t *table;
	size_t size;
};

static uint64_t key_hash(const struct hg_tm_frame *f, size_t n)
{
	return hash_bytes(f, n * sizeof(*f), 0xcbf29ce484222325ull ^ n);
}

static struct hg_tm_stat *group_get(struct group *g, const struct hg_tm_frame *f, size_t n)
{
	size_t k;

	if (2 * (g->n + 1) > g->size) {
		size_t size = g->size ? 2 * g->size : 1024;

		free(g->table);
		g->table = xmalloc(size * sizeof(*g->table));
		memset(g->table, 0xff, size * sizeof(*g->table));
		g->size = size;
		for (uint32_t i = 0; i < g->n; i++) {
			for (k = key_hash(g->st[i].frames, g->st[i].nframes) & (size - 1); g->table[k] != UINT32_MAX;
			     k = (k + 1) & (size - 1))
				;
			g->table[k] = i;
		}
	}
	for (k = key_hash(f, n) & (g->size - 1); g->table[k] != UINT32_MAX; k = (k + 1) & (g->size - 1)) {
		struct hg_tm_stat *s = &g->st[g->table[k]];

		if (s->nframes == n && !memcmp(s->frames, f, n * sizeof(*f)))
			return s;
	}
	HG_GROW(g->st, g->n + 1, g->alloc);
	memset(&g->st[g->n], 0, sizeof(g->st[g->n]));
	g->st[g->n].frames = xmalloc((n ? n : 1) * sizeof(*f));
	if (n)
		memcpy(g->st[g->n].frames, f, n * sizeof(*f));
	g->st[g->n].nframes = n;
	g->table[k] = (uint32_t)g->n;
	return &g->st[g->n++];
}

static void add(struct group *g, const struct hg_tm_frame *f, size_t n, uint64_t size, uint64_t count)
{
	struct hg_tm_stat *s = group_get(g, f, n);

	s->size += size * count;
	s->count += count;
}

static int group_by(const struct hg_tm_snapshot *s, enum hg_tm_key key, int cumulative, struct group *g)
{
	memset(g, 0, sizeof(*g));
	if (cumulative && key == HG_TM_TRACEBACK)
		return -1;
	for (size_t t = 0; t < s->ntraces; t++) {
		const struct hg_tm_frame *fr = s->frames + s->tb_first[s->traces[t].tb];
		size_t n = s->tb_len[s->traces[t].tb];
		uint64_t size = s->traces[t].size, count = s->traces[t].count;

		if (!cumulative) {
			struct hg_tm_frame one;

			if (key == HG_TM_TRACEBACK) {
				add(g, fr, n, size, count);
			} else if (key == HG_TM_LINENO) {
				add(g, fr, n ? 1 : 0, size, count);
			} else if (n) {
				one.file = fr[0].file;
				one.lineno = 0;
				add(g, &one, 1, size, count);
			}
			continue;
		}
		/* every frame, as often as it occurs */
		for (size_t k = 0; k < n; k++) {
			struct hg_tm_frame one = fr[k];

			if (key == HG_TM_FILENAME)
				one.lineno = 0;
			add(g, &one, 1, size, count);
		}
	}
	return 0;
}

/* ---- order ---- */

static const struct hg_tm_names *cmp_names;

/* Python's Traceback order: frames oldest first, a frame by (filename, lineno), a prefix first. */
static int cmp_traceback(const struct hg_tm_stat *a, const struct hg_tm_stat *b)
{
	size_t n = a->nframes < b->nframes ? a->nframes : b->nframes;

	for (size_t k = 0; k < n; k++) {
		const struct hg_tm_frame *x = &a->frames[a->nframes - 1 - k], *y = &b->frames[b->nframes - 1 - k];

		if (x->file != y->file) {
			size_t lx = cmp_names->len[x->file], ly = cmp_names->len[y->file];
			int c = memcmp(cmp_names->name[x->file], cmp_names->name[y->file], lx < ly ? lx : ly);

			if (c)
				return c < 0 ? -1 : 1;
			if (lx != ly)
				return lx < ly ? -1 : 1;
		}
		if (x->lineno != y->lineno)
			return x->lineno < y->lineno ? -1 : 1;
	}
	return a->nframes < b->nframes ? -1 : a->nframes > b->nframes;
}

#define DESC(x, y) do { if ((x) != (y)) return (x) < (y) ? 1 : -1; } while (0)

/* statistics(): sort(reverse=True, key=(size, count, traceback)) */
static int cmp_stat(const void *pa, const void *pb)
{
	const struct hg_tm_stat *a = pa, *b = pb;

	DESC(a->size, b->size);
	DESC(a->count, b->count);
	return -cmp_traceback(a, b);
}

static uint64_t mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* compare_to(): reverse=True by (abs(size_diff), size, abs(count_diff), count, traceback) */
static int cmp_diff(const void *pa, const void *pb)
{
	const struct hg_tm_stat *a = pa, *b = pb;

	DESC(mag(a->size_diff), mag(b->size_diff));
	DESC(a->size, b->size);
	DESC(mag(a->count_diff), mag(b->count_diff));
	DESC(a->count, b->count);
	return -cmp_traceback(a, b);
}

long hg_tm_statistics(const struct hg_tm_snapshot *s, enum hg_tm_key key, int cumulative, struct hg_tm_stat **out)
{
	struct group g;

	*out = NULL;
	if (group_by(s, key, cumulative, &g) < 0)
		return -1;
	free(g.table);
	cmp_names = s->names;
	if (g.n)
		hg_sort(g.st, g.n, sizeof(*g.st), cmp_stat);
	*out = g.st;
	return (long)g.n;
}

long hg_tm_compare(const struct hg_tm_snapshot *new_, const struct hg_tm_snapshot *old, enum hg_tm_key key,
		   int cumulative, struct hg_tm_stat **out)
{
	struct group gn, go;
	uint8_t *used;

	*out = NULL;
	if (group_by(new_, key, cumulative, &gn) < 0 || group_by(old, key, cumulative, &go) < 0) {
		free(gn.table);
		hg_tm_stats_free(gn.st, gn.n);
		return -1;
	}
	used = xcalloc(go.n ? go.n : 1, 1);
	for (size_t k = 0; k < gn.n; k++) {
		struct hg_tm_stat *s = &gn.st[k];
		size_t j, m = go.size ? go.size - 1 : 0;

		s->size_diff = (int64_t)s->size;
		s->count_diff = (int64_t)s->count;
		if (!go.size)
			continue;
		for (j = key_hash(s->frames, s->nframes) & m; go.table[j] != UINT32_MAX; j = (j + 1) & m) {
			struct hg_tm_stat *o = &go.st[go.table[j]];

			if (o->nframes == s->nframes && !memcmp(o->frames, s->frames, s->nframes * sizeof(*s->frames))) {
				s->size_diff = (int64_t)(s->size - o->size);
				s->count_diff = (int64_t)(s->count - o->count);
				used[go.table[j]] = 1;
				break;
			}
		}
	}
	/* what only the old one has: gone */
	for (size_t k = 0; k < go.n; k++) {
		struct hg_tm_stat *s;

		if (used[k]) {
			free(go.st[k].frames);
			continue;
		}
		HG_GROW(gn.st, gn.n + 1, gn.alloc);
		s = &gn.st[gn.n++];
		*s = go.st[k];
		s->size_diff = -(int64_t)go.st[k].size;
		s->count_diff = -(int64_t)go.st[k].count;
		s->size = s->count = 0;
	}
	free(used);
	free(go.st);
	free(go.table);
	free(gn.table);
	cmp_names = new_->names;
	if (gn.n)
		hg_sort(gn.st, gn.n, sizeof(*gn.st), cmp_diff);
	*out = gn.st;
	return (long)gn.n;
}

void hg_tm_stats_free(struct hg_tm_stat *st, size_t n)
{
	for (size_t k = 0; st && k < n; k++)
		free(st[k].frames);
	free(st);
}

void hg_tm_format_size(double size, int sign, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };

	for (size_t u = 0; u < HG_ARRAY_SIZE(units); u++) {
		double a = size < 0 ? -size : size;

		if (a < 100 && u) {
			snprintf(buf, len, sign ? "%+.1f %s" : "%.1f %s", size, units[u]);
			return;
		}
		if (a < 10 * 1024 || u == HG_ARRAY_SIZE(units) - 1) {
			snprintf(buf, len, sign ? "%+.0f %s" : "%.0f %s", size, units[u]);
			return;
		}
		size /= 1024;
	}
}
