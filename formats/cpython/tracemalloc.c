/*
 * tracemalloc.c - tracemalloc's tables, read from the process: every trace
 * (a memory block's address, size, domain and allocation traceback), for
 * `tracemalloc top CORE`, and each object's traceback, for the heap.
 *
 * Where they are.  3.12+ keep tracemalloc's state in _PyRuntime, 3.8-3.11
 * in static variables of _tracemalloc.c (tracemalloc_traces is in the
 * .symtab of unstripped builds only).  Its offset in _PyRuntime changes
 * between patch releases of one minor version, so the tables are found by
 * what they are: the interpreter's writable data is searched for a pointer
 * to a hash table whose hash function is _Py_hashtable_hash_ptr and whose
 * comparison is _Py_hashtable_compare_direct (both exported by every
 * version), with (3.9+) the domains table in the next or previous word: a
 * table compared directly but not hashed by address, whose values (tables)
 * are destroyed with it.  3.8 has no domains table;
 * its traces table is known by its key and data sizes (8 and 16).
 *
 * The tables (docs/cpython-versions.md has them too).  3.9+: {nentries,
 * nbuckets, buckets, get_entry, hash, compare, key_destroy, value_destroy,
 * allocator}; each bucket is a singly linked list of {next, key_hash, key,
 * value}.  The traces table maps a block's address to a trace {size,
 * traceback}; the domains table maps a domain number to a traces table of
 * its own.  3.8: {nbuckets, nentries, buckets, key_size, data_size, hash,
 * compare, allocator}, entries {next, key_hash, key bytes, data bytes}: the
 * trace is the data itself, the key the address, or {address, u32 domain}
 * (12 bytes, packed) once a domain other than 0 was used.
 *
 * A traceback: {hash, frame count (3.8: an int; 3.9+: a u16 and the u16
 * total before truncation), frames from +12}, each frame 12 packed bytes
 * {filename, u32 lineno}, the most recent call first; filename is a str
 * object (3.15: a C string).  Equal tracebacks are one, shared.
 *
 * An object's block starts before the object by its pre-header (the GC
 * header, and the managed dict and weakref words): kinds.c's
 * object_preheader says how much.
 *
 * tracemalloc keeps no function names.  A frame's function is the code
 * object of the heap with that file name whose lines hold the frame's line
 * (the innermost one: nested functions begin later); its lines run from
 * the least its line table reaches, co_firstlineno left out (the def line
 * runs in the code around it), to the largest.  The tables: 3.8
 * and 3.9's co_lnotab and 3.10's co_linetable are (bytecode step, signed
 * line step) byte pairs (3.10: -128 = no line); 3.11+'s location table is
 * a run of entries, each a byte 1CCCCLLL (code C) and what the code says:
 * 15 no location, 14 a signed varint line step and three varints (end
 * line step, columns), 13 a signed varint line step, 10-12 a line step of
 * C - 10 and two column bytes, 0-9 one column byte.  Varints are 6-bit
 * groups, the 64 bit set while more follow; a signed one keeps its sign
 * in the lowest bit.  A module's code is gone once it ran: lines at module
 * level get no function.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../../analyzer/tracemalloc.h"
#include "../../common/util.h"

#define TB_FRAMES	12	/* where a traceback's frames begin */
#define FRAME_SIZE	12
#define MAX_FRAMES	65535	/* tracemalloc's limit on frames per traceback */
#define TB_BAD		(HG_NONE - 1)	/* a traceback address that did not read */
#define LINE_STEP_MAX	(1 << 24)	/* a line table's step larger than this is damage */
#define LINE_MAX_SANE	((int64_t)1 << 31)

struct table {
	uint64_t nbuckets, nentries, buckets, key_size, data_size;
	uint64_t hash, compare, value_destroy;
};

struct tmread {
	struct walker *w;
	uint64_t hash_ptr, compare_direct;	/* the exported functions that mark the tables */
	struct hg_tm_snapshot *s;
	size_t traces_alloc;
	struct hg_u64map tbs, files;		/* traceback and file name addresses already read */
	struct hg_u64map tables;		/* traces tables already read (a damaged domain list may repeat one) */
	uint64_t bad;			/* traces whose traceback could not be read */
	uint64_t missing;		/* traces a table counts but its lists did not give */
};

/* The hash table at a: 0 when its header reads and its counts are plausible. */
static int read_table(struct tmread *r, uint64_t a, struct table *t)
{
	struct walker *w = r->w;
	unsigned char b[80];
	uint64_t most = w->src->mem_bytes / 16 + 1;

	memset(t, 0, sizeof(*t));
	if (!a || (a & 7) || hg_mem_read(w->m, a, b, sizeof(b)) < 0)
		return -1;
	if (w->L->tm_old_table) {
		t->nbuckets = hg_le64(b);
		t->nentries = hg_le64(b + 8);
		t->key_size = hg_le64(b + 24);
		t->data_size = hg_le64(b + 32);
		t->hash = hg_le64(b + 40);
		t->compare = hg_le64(b + 48);
	} else {
		t->nentries = hg_le64(b);
		t->nbuckets = hg_le64(b + 8);
		t->key_size = t->data_size = 8;
		t->hash = hg_le64(b + 32);
		t->compare = hg_le64(b + 40);
		t->value_destroy = hg_le64(b + 56);
	}
	t->buckets = hg_le64(b + 16);
	if (!t->nbuckets || t->nbuckets > most || t->nentries > most || !t->buckets)
		return -1;
	return 0;
}

static int is_traces(struct tmread *r, uint64_t a, struct table *t)
{
	if (read_table(r, a, t) < 0)
		return 0;
	if (r->w->L->tm_old_table)
		return t->data_size == 16 && ((t->key_size == 8 && t->hash == r->hash_ptr) || t->key_size == 12);
	return t->hash == r->hash_ptr && t->compare == r->compare_direct;
}

/*
 * The domains table: compared directly, hashed otherwise than addresses,
 * its values (tables) destroyed when it is: by _Py_hashtable_destroy, or
 * (3.14+, optimised builds) a copy of it.
 */
static int is_domains(struct tmread *r, uint64_t a)
{
	struct table t;

	return !r->w->L->tm_old_table && read_table(r, a, &t) == 0 && t.compare == r->compare_direct &&
	       t.hash != r->hash_ptr && t.value_destroy;
}

/*
 * Finds the slot holding the traces table's pointer (and the domains
 * table's): by symbol where the build has one, else by searching the
 * interpreter's writable data.  0, or -1 when there is no such table.
 */
static int find_tables(struct tmread *r, uint64_t *slot, uint64_t *domains)
{
	struct walker *w = r->w;
	struct table t;
	uint64_t a = w->src->symbol(w->src->symbol_ctx, "tracemalloc_traces");

	*domains = 0;
	if (a && is_traces(r, rd_ptr(w, a), &t)) {
		uint64_t d = w->src->symbol(w->src->symbol_ctx, "tracemalloc_domains");

		*slot = a;
		*domains = d && !w->L->tm_old_table ? rd_ptr(w, d) : 0;
		return 0;
	}
	/* 3.8's use_domain table (12-byte keys) has a hash function of its own: found by symbol only */
	for (size_t k = 0; k < w->src->ncmem; k++) {
		const struct hg_pycmem *c = &w->src->cmem[k];

		if (!c->interpreter)
			continue;
		for (uint64_t p = (c->lo + 7) & ~7ull; p + 8 <= c->hi; p += 8) {
			uint64_t v = rd_ptr(w, p);

			if (v < 4096 || (v & 7) || rd_ptr(w, v + (w->L->tm_old_table ? 40 : 32)) != r->hash_ptr ||
			    !is_traces(r, v, &t) || (w->L->tm_old_table && t.key_size != 8))
				continue;
			if (w->L->tm_old_table) {
				*slot = p;
				return 0;
			}
			if (is_domains(r, rd_ptr(w, p + 8)) || is_domains(r, rd_ptr(w, p - 8))) {
				*slot = p;
				*domains = is_domains(r, rd_ptr(w, p + 8)) ? rd_ptr(w, p + 8) : rd_ptr(w, p - 8);
				return 0;
			}
		}
	}
	return -1;
}

/* The name of a frame's file: its index in the snapshot's names. */
static uint32_t file_name(struct tmread *r, uint64_t addr)
{
	uint32_t *at;
	int truncated;
	long n;

	if (!addr)
		return HG_NONE;
	at = hg_u64map_slot(&r->files, addr);
	if (*at != HG_NONE)
		return *at;
	if (r->w->L->tm_cstr_names)
		n = hg_mem_cstr(r->w->m, addr, r->w->buf, sizeof(r->w->buf));
	else
		n = text_str(r->w, addr, r->w->buf, sizeof(r->w->buf), &truncated) < 0 ? -1 : (long)strlen(r->w->buf);
	if (n < 0)
		return HG_NONE;
	*at = hg_tm_name(r->s->names, r->w->buf, (size_t)n);
	return *at;
}

/* The traceback at addr: its index in the snapshot, HG_NONE when it does not read. */
static uint32_t traceback(struct tmread *r, uint64_t addr)
{
	struct walker *w = r->w;
	struct hg_tm_snapshot *s = r->s;
	uint32_t *at;
	unsigned char frames[FRAME_SIZE * 64];
	uint64_t n;
	size_t first = s->nframes;

	if (!addr)
		return HG_NONE;
	at = hg_u64map_slot(&r->tbs, addr);
	if (*at != HG_NONE)
		return *at == TB_BAD ? HG_NONE : *at;
	*at = TB_BAD;
	n = w->L->tm_nframe_u16 ? (uint64_t)hg_mem_u32(w->m, addr + 8) & 0xffff : hg_mem_u32(w->m, addr + 8);
	/* at most MAX_FRAMES each, and no more frames in all than the dump could hold */
	if (!n || n > MAX_FRAMES || s->nframes + n > w->src->mem_bytes / FRAME_SIZE || s->nframes + n >= TB_BAD)
		return HG_NONE;
	for (uint64_t k = 0; k < n; k++) {
		const unsigned char *f = frames + (k % 64) * FRAME_SIZE;
		uint32_t name;

		if (k % 64 == 0 && hg_mem_read(w->m, addr + TB_FRAMES + k * FRAME_SIZE, frames,
					       (size_t)((n - k < 64 ? n - k : 64) * FRAME_SIZE)) < 0)
			break;
		name = file_name(r, hg_le64(f));
		if (name == HG_NONE)
			break;
		HG_GROW(s->frames, s->nframes + 1, s->frames_alloc);
		s->frames[s->nframes].file = name;
		s->frames[s->nframes].lineno = hg_le32(f + 8);
		s->nframes++;
	}
	if (s->nframes - first != n) {
		s->nframes = first;
		return HG_NONE;	/* *at stays TB_BAD: not read again */
	}
	HG_GROW(s->tb_first, s->ntb + 1, s->tb_alloc);
	s->tb_len = xrealloc(s->tb_len, s->tb_alloc * sizeof(*s->tb_len));
	s->tb_first[s->ntb] = (uint32_t)first;
	s->tb_len[s->ntb] = (uint32_t)n;
	*at = (uint32_t)s->ntb++;
	return *at;
}

static void add_trace(struct tmread *r, uint64_t ptr, uint64_t domain, uint64_t size, uint64_t tb_addr)
{
	struct hg_tm_snapshot *s = r->s;
	uint32_t tb = traceback(r, tb_addr);

	if (tb == HG_NONE) {
		r->bad++;
		return;
	}
	HG_GROW(s->traces, s->ntraces + 1, r->traces_alloc);
	s->traces[s->ntraces].size = size;
	s->traces[s->ntraces].domain = domain;
	s->traces[s->ntraces].tb = tb;
	s->traces[s->ntraces].ptr = ptr;
	s->traces[s->ntraces].count = 1;
	s->ntraces++;
}

/*
 * Every entry of a table: traces (domain given, or in the 3.8 key), or with
 * domains set the domains table, each of whose values is a traces table.
 */
static void read_entries(struct tmread *r, const struct table *t, uint64_t domain, int domains)
{
	struct walker *w = r->w;
	uint64_t seen = 0;
	uint32_t *visited = hg_u64map_slot(&r->tables, t->buckets);

	if (*visited != HG_NONE)
		return;
	*visited = 1;

	for (uint64_t b = 0; b < t->nbuckets && seen <= t->nentries; b++) {
		uint64_t e = rd_ptr(w, t->buckets + 8 * b);

		/* a list longer than the table's count loops: stop there */
		while (e && seen++ < t->nentries) {
			if (domains) {
				struct table dt;

				if (read_table(r, rd_ptr(w, e + 24), &dt) == 0 && dt.hash == r->hash_ptr)
					read_entries(r, &dt, rd_ptr(w, e + 16), 0);
			} else if (w->L->tm_old_table) {
				unsigned char d[28];

				if ((t->key_size == 8 || t->key_size == 12) && t->data_size == 16 &&
				    hg_mem_read(w->m, e + 16, d, (size_t)(t->key_size + 16)) == 0)
					add_trace(r, hg_le64(d), t->key_size == 12 ? hg_le32(d + 8) : 0,
						  hg_le64(d + t->key_size), hg_le64(d + t->key_size + 8));
			} else {
				uint64_t v = rd_ptr(w, e + 24);
				uint64_t tr[2];

				if (v && hg_mem_read(w->m, v, tr, sizeof(tr)) == 0)
					add_trace(r, rd_ptr(w, e + 16), domain, tr[0], tr[1]);
				else
					r->bad++;
			}
			e = rd_ptr(w, e);
		}
	}
	if (seen < t->nentries)
		r->missing += t->nentries - seen;
}

int tm_read(struct walker *w, struct hg_tm_names *names, struct hg_tm_snapshot *s, int *tracing)
{
	struct tmread r;
	struct table t;
	uint64_t slot, domains, config;

	memset(s, 0, sizeof(*s));
	s->names = names;
	*tracing = 0;
	memset(&r, 0, sizeof(r));
	r.w = w;
	r.s = s;
	r.hash_ptr = w->src->symbol(w->src->symbol_ctx, "_Py_hashtable_hash_ptr");
	r.compare_direct = w->src->symbol(w->src->symbol_ctx, "_Py_hashtable_compare_direct");
	if (!r.hash_ptr || !r.compare_direct || find_tables(&r, &slot, &domains) < 0 ||
	    !is_traces(&r, rd_ptr(w, slot), &t))
		return -1;
	config = w->L->tm_config >= 0 ? slot - (uint64_t)w->L->tm_config
				      : w->src->symbol(w->src->symbol_ctx, "_Py_tracemalloc_config");
	if (config) {
		uint32_t on = hg_mem_u32(w->m, config + 4), limit = hg_mem_u32(w->m, config + 8);

		if (on == 1 && limit >= 1 && limit <= MAX_FRAMES) {
			*tracing = 1;
			s->traceback_limit = limit;
		}
	}
	read_entries(&r, &t, 0, 0);
	if (domains) {
		struct table dt;

		if (read_table(&r, domains, &dt) == 0)
			read_entries(&r, &dt, 0, 1);
	}
	if (s->ntraces && !s->traceback_limit)
		s->traceback_limit = 1;	/* not said: at least one frame is kept */
	if (s->ntraces)
		*tracing = 1;
	if (r.bad || r.missing) {
		hg_warnf(w->src->warn, "%s: tracemalloc's tables: %" PRIu64 " of its traces could not be read "
			 "(damaged memory?); their blocks have no traceback", w->src->path, r.bad + r.missing);
		w->src->incomplete = 1;
	}
	hg_u64map_free(&r.tbs);
	hg_u64map_free(&r.files);
	hg_u64map_free(&r.tables);
	return 0;
}

/* ---- which function a line is in ---- */

struct span {
	uint32_t file, first, last;
	uint32_t name;		/* a heap pool offset */
};

static uint64_t varint(const unsigned char *p, size_t n, size_t *k)
{
	uint64_t v = 0;

	for (int shift = 0; *k < n && shift < 60; shift += 6) {
		unsigned b = p[(*k)++];

		v |= (uint64_t)(b & 63) << shift;
		if (!(b & 64))
			break;
	}
	return v;
}

static int64_t svarint(const unsigned char *p, size_t n, size_t *k)
{
	uint64_t v = varint(p, n, k);

	return v & 1 ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
}

/*
 * The lines the code object at code runs, from its line table: the least
 * other than its first line (the def line, or its first decorator's, which
 * the code around it runs) and the largest.  A code object all of whose
 * lines are its first (a lambda, a comprehension) has just that one.
 * 0 when the table does not read.
 */
static int line_span(struct walker *w, uint64_t code, uint32_t first, uint32_t *lo, uint32_t *hi)
{
	const struct hg_pylayout *L = w->L;
	uint64_t tab = rd_ptr(w, code + (uint64_t)L->co_linetable), n = rd_ptr(w, tab + OB_SIZE);
	const unsigned char *p = n && n < (1u << 24) ? hg_mem_ptr(w->m, tab + BYTES_SVAL, (size_t)n) : NULL;
	int64_t line = first, min = INT64_MAX, max = first;
	size_t k = 0;

	*lo = *hi = first;
	if (!tab || n >= (1u << 24))
		return -1;
	if (!n)
		return 0;	/* no entries: all of it on its first line */
	if (!p)
		return -1;
	while (k < n) {
		int located = 1;

		if (L->co_lines < 2) {
			if (k + 1 >= n)
				break;
			if (L->co_lines == 0 || (int8_t)p[k + 1] != -128)
				line += (int8_t)p[k + 1];
			else
				located = 0;
			k += 2;
		} else {
			unsigned b = p[k++], c = (b >> 3) & 15;

			if (!(b & 0x80))
				break;
			if (c == 15) {
				located = 0;
			} else if (c == 14) {
				int64_t step = svarint(p, (size_t)n, &k);
				uint64_t span = varint(p, (size_t)n, &k);

				if (step > LINE_STEP_MAX || step < -LINE_STEP_MAX || span > LINE_STEP_MAX)
					return -1;
				line += step;
				varint(p, (size_t)n, &k);
				varint(p, (size_t)n, &k);
				if (line + (int64_t)span > max)
					max = line + (int64_t)span;
			} else if (c == 13) {
				int64_t step = svarint(p, (size_t)n, &k);

				if (step > LINE_STEP_MAX || step < -LINE_STEP_MAX)
					return -1;
				line += step;
			} else if (c >= 10 && c <= 12) {
				line += c - 10;
				k += 2;
			} else {
				k += 1;
			}
		}
		if (line < 0 || line > LINE_MAX_SANE)
			return -1;	/* damaged: lines are ints, and each step was small */
		if (!located)
			continue;
		if (line > max)
			max = line;
		if (line != first && line < min)
			min = line;
	}
	if (max - first > 1000000)
		return -1;
	*lo = min == INT64_MAX || min < 0 ? first : (uint32_t)min;
	*hi = (uint32_t)max;
	return 0;
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The heap's code objects as spans of lines of their files (names: the snapshot's), sorted. */
static struct span *code_spans(struct walker *w, struct hg_tm_names *names, size_t *n)
{
	const struct hg_pylayout *L = w->L;
	struct hg_heap *h = w->h;
	struct span *v = NULL;
	size_t alloc = 0;
	int truncated;

	*n = 0;
	for (uint32_t i = 0; i < h->nobj; i++) {
		uint64_t a = hg_heap_addr(h, i), name;
		struct span sp;

		if (obj_kind(w, i) != K_CODE || text_str(w, rd_ptr(w, a + (uint64_t)L->co_filename), w->buf,
							    sizeof(w->buf), &truncated) < 0)
			continue;
		sp.file = hg_tm_name(names, w->buf, strlen(w->buf));
		if (line_span(w, a, rd_u32(w, a + (uint64_t)L->co_firstlineno), &sp.first, &sp.last) < 0)
			continue;
		name = rd_ptr(w, a + (uint64_t)(L->co_qualname >= 0 ? L->co_qualname : L->co_name));
		if (text_str(w, name, w->buf, sizeof(w->buf), &truncated) < 0)
			continue;
		text_sanitize(w->buf);
		sp.name = hg_heap_str(h, w->buf, strlen(w->buf));
		HG_GROW(v, *n + 1, alloc);
		v[(*n)++] = sp;
	}
	if (*n)
		hg_sort(v, *n, sizeof(*v), span_cmp);
	return v;
}

/*
 * The span of the innermost function holding line of file, HG_NONE when
 * none does; with outside a span, only those that enclose it.
 */
static uint32_t span_at(const struct span *v, size_t n, uint32_t file, uint32_t line, uint32_t outside)
{
	uint32_t best = HG_NONE;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].file < file)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo; k < n && v[k].file == file && v[k].first <= line; k++) {
		if (line > v[k].last || k == outside)
			continue;
		if (outside != HG_NONE && (v[k].first > v[outside].first || v[k].last < v[outside].last))
			continue;
		if (best == HG_NONE || v[k].first >= v[best].first)
			best = (uint32_t)k;
	}
	return best;
}

/*
 * The function of each frame of a traceback (most recent first) into
 * funcs (pool offsets, 0: unknown).  A comprehension, lambda or generator
 * expression shares its lines with the code around it: a caller at the
 * same place as its callee's such code is in the enclosing code.
 */
static void frame_funcs(struct walker *w, const struct span *v, size_t n, const struct hg_tm_frame *fr, uint32_t len,
			uint32_t *funcs)
{
	uint32_t prev = HG_NONE;

	for (uint32_t f = 0; f < len; f++) {
		uint32_t k = span_at(v, n, fr[f].file, fr[f].lineno, HG_NONE);

		if (k != HG_NONE && k == prev && hg_heap_s(w->h, v[k].name)[0] == '<')
			k = span_at(v, n, fr[f].file, fr[f].lineno, k);
		funcs[f] = k == HG_NONE ? 0 : v[k].name;
		prev = k;
	}
}

void tm_attach(struct walker *w)
{
	struct hg_heap *h = w->h;
	struct hg_tm_names names;
	struct hg_tm_snapshot s;
	struct hg_u64map at = { NULL, NULL, 0, 0 };
	struct span *spans;
	size_t nspans;
	uint32_t *remap, *funcs;
	size_t first_alloc = 0, frames_alloc = 0;
	int tracing;

	hg_tm_names_init(&names);
	if (tm_read(w, &names, &s, &tracing) < 0) {
		h->meta.tm_limit = HG_TM_UNKNOWN;
		hg_tm_names_release(&names);
		return;
	}
	h->meta.tm_limit = tracing ? (int32_t)s.traceback_limit : HG_TM_OFF;
	h->meta.tm_traces = s.ntraces;
	if (!s.ntraces) {
		hg_tm_release(&s);
		hg_tm_names_release(&names);
		return;
	}
	spans = code_spans(w, &names, &nspans);
	for (size_t k = 0; k < s.ntraces; k++)
		if (s.traces[k].domain == 0 && s.traces[k].ptr)
			*hg_u64map_slot(&at, s.traces[k].ptr) = (uint32_t)k;
	remap = xmalloc(s.ntb * sizeof(*remap));
	funcs = xmalloc(MAX_FRAMES * sizeof(*funcs));
	memset(remap, 0xff, s.ntb * sizeof(*remap));
	h->tb = xmalloc((h->nobj ? h->nobj : 1) * sizeof(*h->tb));
	for (uint32_t i = 0; i < h->nobj; i++) {
		uint32_t ti = hg_heap_type(h, i), k, t;

		h->tb[i] = HG_NONE;
		if (ti >= h->ntype)
			continue;
		k = hg_u64map_get(&at, hg_heap_addr(h, i) - object_preheader(w, &w->ti[ti]));
		if (k == HG_NONE)
			continue;
		t = s.traces[k].tb;
		if (remap[t] == HG_NONE) {
			remap[t] = (uint32_t)h->ntb++;
			HG_GROW(h->tb_first, h->ntb + 1, first_alloc);
			h->tb_first[remap[t]] = (uint32_t)h->ntbframe;
			HG_GROW(h->tb_frames, h->ntbframe + s.tb_len[t], frames_alloc);
			frame_funcs(w, spans, nspans, &s.frames[s.tb_first[t]], s.tb_len[t], funcs);
			for (uint32_t f = 0; f < s.tb_len[t]; f++) {
				const struct hg_tm_frame *fr = &s.frames[s.tb_first[t] + f];

				/* as every text of the heap: no control characters */
				snprintf(w->buf, sizeof(w->buf), "%.*s", (int)names.len[fr->file], names.name[fr->file]);
				text_sanitize(w->buf);
				h->tb_frames[h->ntbframe].file = hg_heap_str(h, w->buf, strlen(w->buf));
				h->tb_frames[h->ntbframe].lineno = fr->lineno;
				h->tb_frames[h->ntbframe].func = funcs[f];
				h->ntbframe++;
			}
			h->tb_first[h->ntb] = (uint32_t)h->ntbframe;
		}
		h->tb[i] = remap[t];
	}
	if (!h->ntb) {
		free(h->tb);
		h->tb = NULL;
	}
	free(remap);
	free(funcs);
	free(spans);
	hg_u64map_free(&at);
	hg_tm_release(&s);
	hg_tm_names_release(&names);
}
