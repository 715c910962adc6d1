/*
 * snapshot.c - reading heapgraph's snapshot format (docs/snapshot-format.md)
 * back into a heap: what `heapgraph export` writes from a core, and what
 * heapgraph_dump.py writes from inside a process.  Plain or compressed
 * (input.h), one JSON object a line (jansson).
 *
 * The format keeps what the commands need: objects with their type names,
 * sizes, reprs, values and labeled references, and the roots.  What it
 * does not keep is rebuilt: an edge's role from its label (".x" an
 * attribute, "['k']" and "[3]" items, "__dict__", dunders, words such as
 * "local 'x'"), "__class__" as the edge to a type, a frame root's parts from
 * its name; reachability from the roots the file names (those "outside" the
 * heap included), then the dominator tree.  Types are numbered by
 * qualified name; a type object the file shows is the type its instances'
 * "__class__" edges lead to.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "snapshot.h"
#include "input.h"
#include "../common/util.h"

/* A pool offset -> type index map (type names are interned, so equal names are equal offsets). */
struct tmap {
	uint32_t *key, *val;
	size_t size, used;
};

static uint32_t *tmap_slot(struct tmap *m, uint32_t k)
{
	size_t i;

	if (2 * (m->used + 1) > m->size) {
		struct tmap n = { NULL, NULL, m->size ? 2 * m->size : 256, 0 };

		n.key = xmalloc(n.size * sizeof(*n.key));
		n.val = xmalloc(n.size * sizeof(*n.val));
		memset(n.key, 0xff, n.size * sizeof(*n.key));
		for (size_t j = 0; j < m->size; j++)
			if (m->key[j] != UINT32_MAX)
				*tmap_slot(&n, m->key[j]) = m->val[j];
		free(m->key);
		free(m->val);
		*m = n;
	}
	for (i = (k * 2654435761u) & (m->size - 1); m->key[i] != UINT32_MAX && m->key[i] != k; i = (i + 1) & (m->size - 1))
		;
	if (m->key[i] == UINT32_MAX) {
		m->key[i] = k;
		m->val[i] = HG_NONE;
		m->used++;
	}
	return &m->val[i];
}

/* What a label says an edge is (the snapshot keeps the label only). */
static enum hg_edge_role role_of(const char *l)
{
	size_t n = strlen(l);

	if (l[0] == '.')
		return HG_REF_ATTR;
	if (l[0] == '[')
		return HG_REF_ITEM;
	if (!strcmp(l, "__dict__"))
		return HG_REF_DICT;
	if (n > 4 && !strncmp(l, "__", 2) && !strcmp(l + n - 2, "__"))
		return HG_REF_PYATTR;
	for (const char *p = l; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return HG_REF_OTHER;	/* "local 'x'", "{}", "+16", "cache key" */
	return n ? HG_REF_FIELD : HG_REF_OTHER;	/* f_back, tb_next, cell_contents, key */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The next line of the text: [*pos, end of line); NULL at the end. */
static const char *next_line(const struct hg_input *in, size_t *pos, size_t *len)
{
	const char *s = (const char *)in->data + *pos, *nl;

	if (*pos >= in->size)
		return NULL;
	nl = memchr(s, '\n', in->size - *pos);
	*len = nl ? (size_t)(nl - s) : in->size - *pos;
	*pos += *len + (nl != NULL);
	return s;
}

static int bad_line(struct hg_error *err, const char *path, size_t line, const char *why)
{
	return hg_errorf(err, HG_EFORMAT, "%s: line %zu: %s", path, line, why);
}

static void add_root(struct hg_heap *h, const char *kind, const char *name, int hint, uint32_t obj)
{
	uint32_t n = hg_heap_cstr(h, name);

	if (!strcmp(kind, "module")) {
		hg_heap_add_root(h, HG_ROOT_MODULE, HG_RW_MODULE, n, obj);
	} else if (!strcmp(kind, "frame")) {
		/* "thread 'T' (tid N) frame f() local 'x'": the parts after the thread */
		const char *f = strstr(name, " frame "), *close = f ? strstr(f, ") ") : NULL;
		enum hg_root_what what = strstr(name, " local '") ? HG_RW_LOCAL : strstr(name, " cell '") ? HG_RW_CELL :
					 strstr(name, " stack[") ? HG_RW_STACK : HG_RW_FRAME;

		if (f && close)
			hg_heap_add_frame_root(h, what, n, (size_t)(close + 1 - (f + 1)), strlen(close + 2), obj);
		else
			hg_heap_add_frame_root(h, what, n, 0, 0, obj);
	} else if (!strcmp(kind, "interpreter")) {
		hg_heap_add_root(h, HG_ROOT_INTERPRETER,
				 !strcmp(name, "static type") ? HG_RW_STATIC_TYPE :
				 !strcmp(name, "immortal object") ? HG_RW_IMMORTAL : hint ? HG_RW_MEMORY : HG_RW_OTHER, n, obj);
	} else if (!strcmp(kind, "outside")) {
		hg_heap_add_root(h, HG_ROOT_OUTSIDE, HG_RW_OUTSIDE, n, obj);
	} else {
		hg_heap_add_root(h, HG_ROOT_C, HG_RW_MEMORY, n, obj);
	}
}

/* The snapshot's tracebacks, equal ones shared: a table of traceback numbers by hash. */
struct tbset;
static void tbset_release(struct tbset *ts);
struct tbset {
	uint32_t *obj;			/* per object: its traceback, HG_NONE */
	size_t obj_alloc, first_alloc, frames_alloc;
	uint32_t *table;
	uint64_t *hash;			/* per traceback */
	size_t size, hash_alloc;
};

static void tbset_release(struct tbset *ts)
{
	free(ts->obj);
	free(ts->table);
	free(ts->hash);
	memset(ts, 0, sizeof(*ts));
}

/* s interned, control characters made '?' (as the core reader keeps names): printed as they are */
static uint32_t printable(struct hg_heap *h, const char *s)
{
	char *c = hg_printable(xstrdup(s));
	uint32_t off;

	off = hg_heap_cstr(h, c);
	free(c);
	return off;
}

static uint64_t tb_hash(const struct hg_tb_frame *f, size_t n)
{
	uint64_t x = 0xcbf29ce484222325ull;

	for (size_t k = 0; k < n; k++)
		x = ((x ^ f[k].file) * 0x100000001b3ull ^ f[k].lineno) * 0x100000001b3ull ^ f[k].func;
	return x * 0x9e3779b97f4a7c15ull;
}

/*
 * Object i's "traceback" ([[filename, lineno, function], ...], the oldest
 * call first; function may be null or left out): into h's tracebacks,
 * the most recent call first.  -1 when it is not that.
 */
static int add_traceback(struct hg_heap *h, struct tbset *ts, uint32_t i, const json_t *tb)
{
	size_t n = json_array_size(tb), first = h->ntbframe, k;
	uint64_t x;
	uint32_t t;

	if (!json_is_array(tb) || !n || n > 65535)
		return -1;
	HG_GROW(h->tb_frames, h->ntbframe + n, ts->frames_alloc);
	for (k = 0; k < n; k++) {
		const json_t *f = json_array_get(tb, n - 1 - k), *fn = json_array_get(f, 2);
		struct hg_tb_frame *fr = &h->tb_frames[first + k];

		if (!json_is_array(f) || json_array_size(f) < 2 || json_array_size(f) > 3 ||
		    !json_is_string(json_array_get(f, 0)) || !json_is_integer(json_array_get(f, 1)) ||
		    json_integer_value(json_array_get(f, 1)) < 0 || json_integer_value(json_array_get(f, 1)) > UINT32_MAX ||
		    (fn && !json_is_string(fn) && !json_is_null(fn)))
			return -1;
		fr->file = printable(h, json_string_value(json_array_get(f, 0)));
		fr->lineno = (uint32_t)json_integer_value(json_array_get(f, 1));
		fr->func = json_is_string(fn) ? printable(h, json_string_value(fn)) : 0;
	}
	x = tb_hash(h->tb_frames + first, n);
	if (2 * (h->ntb + 1) > ts->size) {
		size_t size = ts->size ? 2 * ts->size : 1024;

		free(ts->table);
		ts->table = xmalloc(size * sizeof(*ts->table));
		memset(ts->table, 0xff, size * sizeof(*ts->table));
		ts->size = size;
		for (t = 0; t < h->ntb; t++) {
			for (k = (size_t)(ts->hash[t] >> 20) & (size - 1); ts->table[k] != HG_NONE; k = (k + 1) & (size - 1))
				;
			ts->table[k] = t;
		}
	}
	for (k = (size_t)(x >> 20) & (ts->size - 1); (t = ts->table[k]) != HG_NONE; k = (k + 1) & (ts->size - 1))
		if (ts->hash[t] == x && hg_heap_tb_len(h, t) == n &&
		    !memcmp(h->tb_frames + h->tb_first[t], h->tb_frames + first, n * sizeof(*h->tb_frames)))
			break;
	if (t == HG_NONE) {
		t = (uint32_t)h->ntb++;
		ts->table[k] = t;
		HG_GROW(ts->hash, h->ntb, ts->hash_alloc);
		ts->hash[t] = x;
		HG_GROW(h->tb_first, h->ntb + 1, ts->first_alloc);
		h->tb_first[t] = (uint32_t)first;
		h->ntbframe += n;
		h->tb_first[h->ntb] = (uint32_t)h->ntbframe;
	}
	HG_GROW(ts->obj, (size_t)i + 1, ts->obj_alloc);
	ts->obj[i] = t;
	return 0;
}

int hg_snapshot_probe(const unsigned char *head, size_t n)
{
	static const char magic[] = "{\"heapgraph_snapshot\"";

	return n >= sizeof(magic) - 1 && !memcmp(head, magic, sizeof(magic) - 1);
}

int hg_snapshot_load(const char *path, struct hg_heap *h, struct hg_warnings *w, struct hg_error *err)
{
	struct hg_input in;
	json_t *o;
	json_error_t jerr;
	size_t pos = 0, len, lineno = 1, first_obj, missing = 0;
	uint32_t next_obj;
	const char *line;
	struct tmap types = { NULL, NULL, 0, 0 };
	struct tbset ts;
	uint32_t lbl_weak, lbl_class;

	memset(&ts, 0, sizeof(ts));
	if (hg_input_open(&in, path, w, err) < 0)
		return -1;
	line = next_line(&in, &pos, &len);
	o = line ? json_loadb(line, len, JSON_ALLOW_NUL, &jerr) : NULL;
	if (!json_is_object(o) || json_integer_value(json_object_get(o, "heapgraph_snapshot")) != 1) {
		json_decref(o);
		hg_input_release(&in);
		return bad_line(err, path, 1, "not a heapgraph snapshot header ({\"heapgraph_snapshot\": 1, ...})");
	}
	snprintf(h->meta.python, sizeof(h->meta.python), "%s",
		 json_string_value(json_object_get(o, "python")) ? json_string_value(json_object_get(o, "python")) : "");
	h->meta.pid = (int)json_integer_value(json_object_get(o, "pid"));
	h->meta.incomplete = json_is_true(json_object_get(o, "incomplete")) || in.truncated;
	if (json_is_integer(json_object_get(o, "tracemalloc")) && json_integer_value(json_object_get(o, "tracemalloc")) >= 0 &&
	    json_integer_value(json_object_get(o, "tracemalloc")) <= 65535)
		h->meta.tm_limit = (int32_t)json_integer_value(json_object_get(o, "tracemalloc"));
	json_decref(o);
	first_obj = pos;
	lbl_weak = hg_heap_cstr(h, "(weak)");
	lbl_class = hg_heap_cstr(h, "__class__");

	/* objects and types */
	while ((line = next_line(&in, &pos, &len)) != NULL) {
		json_t *addr, *tname;
		uint32_t i, q, *t;
		const char *qual, *dot, *text;

		lineno++;
		if (!len)
			continue;
		if (!(o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)) || !json_is_object(o))
			goto malformed;
		if (json_object_get(o, "root")) {
			json_decref(o);
			continue;
		}
		addr = json_object_get(o, "address");
		tname = json_object_get(o, "type");
		if (!json_is_integer(addr) || !json_is_string(tname) || !json_is_integer(json_object_get(o, "size")) ||
		    !json_is_array(json_object_get(o, "refs")) || !json_is_array(json_object_get(o, "ref_labels")) ||
		    json_array_size(json_object_get(o, "refs")) != json_array_size(json_object_get(o, "ref_labels"))) {
			json_decref(o);
			hg_input_release(&in);
			free(types.key);
			free(types.val);
			tbset_release(&ts);
			return bad_line(err, path, lineno, "an object needs address, type, size, refs and as many ref_labels");
		}
		/* objects are 8-byte aligned and not at 0; one an address */
		if (!json_integer_value(addr) || (json_integer_value(addr) & 7) ||
		    hg_heap_find(h, (uint64_t)json_integer_value(addr)) != HG_NONE) {
			json_decref(o);
			hg_input_release(&in);
			free(types.key);
			free(types.val);
			tbset_release(&ts);
			return bad_line(err, path, lineno, json_integer_value(addr) & 7 || !json_integer_value(addr) ?
					"an object's address must be a multiple of 8, not 0" : "a second object at the same address");
		}
		qual = json_string_value(json_object_get(o, "qualname"));
		q = hg_heap_cstr(h, qual ? qual : json_string_value(tname));
		t = tmap_slot(&types, q);
		if (*t == HG_NONE) {
			/* a number no object has: the type object, when the file shows it, is found below */
			*t = hg_heap_add_type(h, 0xffff000000000000ull | h->ntype, HG_NONE);
			h->types[*t].name = hg_heap_cstr(h, json_string_value(tname));
			dot = qual ? strrchr(qual, '.') : NULL;
			h->types[*t].module = dot ? hg_heap_str(h, qual, (size_t)(dot - qual)) : hg_heap_cstr(h, "builtins");
			h->types[*t].qualname = hg_heap_cstr(h, dot ? dot + 1 : json_string_value(tname));
			if (!strcmp(hg_heap_s(h, q), "builtins.str"))
				h->types[*t].tflags |= HG_TYPE_STR;
		}
		i = hg_heap_add_object(h, (uint64_t)json_integer_value(addr), *t);
		hg_heap_set_size(h, i, (uint64_t)json_integer_value(json_object_get(o, "size")));
		/*
		 * A value is kept, and the repr made from it when shown, as for a
		 * core: quoted for a str, and for a str subclass's objects when
		 * their repr says so (heapgraph export writes those).
		 */
		if ((text = json_string_value(json_object_get(o, "value"))) && *text) {
			const char *repr = json_string_value(json_object_get(o, "repr"));

			hg_heap_set_text(h, i, hg_heap_str_unique(h, text, strlen(text)), 1);
			if (repr && !(h->types[*t].tflags & HG_TYPE_STR)) {
				char rb[HG_REPR_BUF];

				hg_str_repr(text, rb, sizeof(rb));
				hg_repr_cut(rb);
				if (!strcmp(rb, repr))
					h->types[*t].tflags |= HG_TYPE_STR;
			}
		} else if ((text = json_string_value(json_object_get(o, "repr")))) {
			hg_heap_set_text(h, i, hg_heap_str_unique(h, text, strlen(text)), 0);
		}
		h->flags[i] |= (json_is_true(json_object_get(o, "gc")) ? HG_OBJ_GC : 0) |
			       (json_is_true(json_object_get(o, "frozen")) ? HG_OBJ_FROZEN : 0) |
			       (json_is_true(json_object_get(o, "conservative")) ? HG_OBJ_CONSERVATIVE : 0);
		hg_heap_set_refcnt(h, i, 0);
		HG_GROW(ts.obj, (size_t)i + 1, ts.obj_alloc);
		ts.obj[i] = HG_NONE;
		if (json_object_get(o, "traceback") && add_traceback(h, &ts, i, json_object_get(o, "traceback")) < 0) {
			json_decref(o);
			hg_input_release(&in);
			free(types.key);
			free(types.val);
			tbset_release(&ts);
			return bad_line(err, path, lineno, "an object's traceback must be [[filename, lineno, function], ...]");
		}
		json_decref(o);
	}
	if (h->ntb) {
		h->tb = ts.obj;
		ts.obj = NULL;
	}
	tbset_release(&ts);

	/* references, in the objects' order */
	pos = first_obj;
	lineno = 1;
	next_obj = 0;
	while ((line = next_line(&in, &pos, &len)) != NULL) {
		json_t *refs, *labels, *weak, *possible, *x;
		uint32_t i;
		size_t k;

		lineno++;
		if (!len || !(o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)))
			continue;
		if (json_object_get(o, "root")) {
			json_decref(o);
			continue;
		}
		/* the objects of the first pass, in the same order */
		i = next_obj++;
		if (i >= h->nobj) {
			json_decref(o);
			break;
		}
		refs = json_object_get(o, "refs");
		labels = json_object_get(o, "ref_labels");
		weak = json_object_get(o, "weak_refs");
		possible = json_object_get(o, "possible_refs");
		hg_heap_begin_edges(h, i);
		/* the possible references: as many entries of refs as possible_refs names, the last ones
		 * (a scan's guesses come after an object's known references); matched through a sorted copy */
		{
			size_t nref = json_array_size(refs), np = json_array_size(possible), j;
			uint8_t *guess = xcalloc(nref ? nref : 1, 1);
			uint64_t *pa = xmalloc((np ? np : 1) * sizeof(*pa));
			uint8_t *used = xcalloc(np ? np : 1, 1);

			for (j = 0; j < np; j++)
				pa[j] = (uint64_t)json_integer_value(json_array_get(possible, j));
			hg_sort(pa, np, sizeof(*pa), cmp_u64);
			for (size_t r = nref; np && r-- > 0;) {
				uint64_t a = (uint64_t)json_integer_value(json_array_get(refs, r));
				size_t lo = 0, hi = np;

				while (lo < hi) {	/* the first entry >= a */
					size_t mid = lo + (hi - lo) / 2;

					if (pa[mid] < a)
						lo = mid + 1;
					else
						hi = mid;
				}
				while (lo < np && pa[lo] == a && used[lo])
					lo++;
				if (lo < np && pa[lo] == a) {
					used[lo] = 1;
					guess[r] = 1;
				}
			}
			free(pa);
			free(used);
			json_array_foreach(refs, k, x) {
				uint32_t to = hg_heap_find(h, (uint64_t)json_integer_value(x));
				const char *l = json_string_value(json_array_get(labels, k));

				if (to == HG_NONE) {
					missing++;
					continue;
				}
				if (!l)
					l = "";
				if (!strcmp(l, "__class__") && !guess[k]) {
					hg_heap_add_edge(h, to, lbl_class, HG_EDGE_TYPE, HG_REF_PYATTR);
					/* the type object of this object's type */
					if (hg_heap_type(h, i) < h->ntype && h->types[hg_heap_type(h, i)].obj == HG_NONE) {
						h->types[hg_heap_type(h, i)].obj = to;
						h->types[hg_heap_type(h, i)].addr = hg_heap_addr(h, to);
					}
					continue;
				}
				hg_heap_add_edge(h, to, hg_heap_cstr(h, l), guess[k] ? HG_EDGE_POSSIBLE : HG_EDGE_STRONG,
						 role_of(l));
			}
			free(guess);
		}
		json_array_foreach(weak, k, x) {
			uint32_t to = hg_heap_find(h, (uint64_t)json_integer_value(x));

			if (to != HG_NONE)
				hg_heap_add_edge(h, to, lbl_weak, HG_EDGE_WEAK, HG_REF_OTHER);
		}
		json_decref(o);
	}
	hg_heap_finish(h);

	/* roots */
	pos = first_obj;
	lineno = 1;
	while ((line = next_line(&in, &pos, &len)) != NULL) {
		json_t *kind;
		uint32_t obj;

		lineno++;
		if (!len || !(o = json_loadb(line, len, JSON_ALLOW_NUL, &jerr)))
			continue;
		if ((kind = json_object_get(o, "root")) != NULL) {
			obj = hg_heap_find(h, (uint64_t)json_integer_value(json_array_get(json_object_get(o, "refs"), 0)));
			if (!json_is_string(kind) || !json_is_string(json_object_get(o, "name")) ||
			    !json_is_integer(json_array_get(json_object_get(o, "refs"), 0))) {
				json_decref(o);
				hg_input_release(&in);
				free(types.key);
				free(types.val);
				tbset_release(&ts);
				return bad_line(err, path, lineno, "a root needs root, name and refs");
			}
			if (obj != HG_NONE)
				add_root(h, json_string_value(kind), json_string_value(json_object_get(o, "name")),
					 json_is_true(json_object_get(o, "hint")), obj);
			else
				missing++;
		}
		json_decref(o);
	}
	if (missing) {
		hg_warnf(w, "%s: %zu references lead to no object of the snapshot (left out)", path, missing);
		h->meta.wild_refs = missing;
	}
	free(types.key);
	free(types.val);
	tbset_release(&ts);
	hg_input_release(&in);
	hg_heap_mark(h);
	hg_heap_drop_build(h);
	return 0;

malformed:
	json_decref(o);
	hg_input_release(&in);
	free(types.key);
	free(types.val);
	tbset_release(&ts);
	{
		char why[300];

		snprintf(why, sizeof(why), "not a JSON object: %s", jerr.text);
		return bad_line(err, path, lineno, why);
	}
}
