/*
 * snapshot.c - writing heapgraph JSONL with jansson, plain, gzip or zstd (common/sink.c).
 */
#include <jansson.h>
#include <string.h>
#include <time.h>
#include "snapshot.h"
#include "json.h"
#include "../common/output.h"
#include "../common/sink.h"
#include "../common/util.h"

static void put(struct hg_sink *s, json_t *o)
{
	char *line = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	if (line) {
		hg_sink_write(s, line, strlen(line));
		hg_sink_write(s, "\n", 1);
		free(line);
	}
	json_decref(o);
}

static json_t *qualname(const struct hg_heap *h, const struct hg_type *t)
{
	char *q = xasprintf("%s.%s", hg_heap_s(h, t->module), hg_heap_s(h, t->qualname));
	json_t *j = hg_json_str(q);

	free(q);
	return j;
}

/* [[filename, lineno, function], ...], the oldest call first; function null when not known */
static json_t *traceback(const struct hg_heap *h, uint32_t t)
{
	json_t *a = json_array();

	for (uint32_t k = hg_heap_tb_len(h, t); k-- > 0;) {
		const struct hg_tb_frame *f = hg_heap_tb_frame(h, t, k);

		json_array_append_new(a, json_pack("[o,I,o]", hg_json_str(hg_heap_s(h, f->file)), (json_int_t)f->lineno,
						   f->func ? hg_json_str(hg_heap_s(h, f->func)) : json_null()));
	}
	return a;
}

int hg_snapshot_write(const struct hg_heap *h, const char *path, struct hg_error *err)
{
	struct hg_out out;
	struct hg_sink *s;
	json_t *o;
	char created[32];
	time_t now = time(NULL);
	int rc;

	if (hg_out_open(&out, path, err) < 0)
		return -1;
	s = hg_sink_new(out.f, hg_sink_comp_of(path));
	if (!s) {
		hg_out_abort(&out);
		return hg_errorf(err, HG_EWRITE, "%s: cannot start the compressor", path);
	}
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	o = json_object();
	json_object_set_new(o, "heapgraph_snapshot", json_integer(1));
	json_object_set_new(o, "python", hg_json_str(h->meta.python));
	json_object_set_new(o, "pid", json_integer(h->meta.pid));
	json_object_set_new(o, "created", json_string(created));
	json_object_set_new(o, "incomplete", json_boolean(h->meta.incomplete));
	if (h->meta.tm_limit != HG_TM_UNKNOWN)
		json_object_set_new(o, "tracemalloc", json_integer(h->meta.tm_limit));
	put(s, o);

	for (size_t i = 0; i < h->nobj; i++) {
		json_t *refs = json_array(), *labels = json_array(), *weak = json_array(), *possible = json_array();
		char lb[HG_LABEL_BUF];
		const struct hg_type *t = hg_heap_type(h, i) < h->ntype ? &h->types[hg_heap_type(h, i)] : NULL;
		char rb[HG_REPR_BUF];
		const char *repr;

		o = json_object();
		json_object_set_new(o, "address", json_integer((json_int_t)hg_heap_addr(h, i)));
		json_object_set_new(o, "type", hg_json_str(t ? hg_heap_s(h, t->name) : "?"));
		if (t)
			json_object_set_new(o, "qualname", qualname(h, t));
		json_object_set_new(o, "size", json_integer((json_int_t)hg_heap_size(h, i)));
		if (h->retained)
			json_object_set_new(o, "retained", json_integer((json_int_t)hg_heap_retained(h, i)));
		if (*(repr = hg_heap_repr(h, (uint32_t)i, rb, sizeof(rb))))
			json_object_set_new(o, "repr", hg_json_str(repr));
		if (*hg_heap_value(h, (uint32_t)i))
			json_object_set_new(o, "value", hg_json_str(hg_heap_value(h, (uint32_t)i)));
		for (uint64_t e = hg_heap_first(h, i); e < hg_heap_first(h, i + 1); e++) {
			json_t *a = json_integer((json_int_t)hg_heap_addr(h, h->to[e]));

			if (hg_heap_edge_kind(h, e) == HG_EDGE_WEAK) {
				json_array_append_new(weak, a);
				continue;
			}
			if (hg_heap_edge_kind(h, e) == HG_EDGE_POSSIBLE)
				json_array_append(possible, a);
			json_array_append_new(refs, a);
			json_array_append_new(labels, hg_json_str(hg_heap_label(h, h->label[e], lb)));
		}
		json_object_set_new(o, "refs", refs);
		json_object_set_new(o, "ref_labels", labels);
		if (json_array_size(weak))
			json_object_set_new(o, "weak_refs", weak);
		else
			json_decref(weak);
		if (json_array_size(possible))
			json_object_set_new(o, "possible_refs", possible);
		else
			json_decref(possible);
		json_object_set_new(o, "gc", json_boolean((h->flags[i] & HG_OBJ_GC) != 0));
		if (h->flags[i] & HG_OBJ_FROZEN)
			json_object_set_new(o, "frozen", json_true());
		if (!(h->flags[i] & HG_OBJ_REACHABLE))
			json_object_set_new(o, "unreachable", json_true());
		if (h->flags[i] & HG_OBJ_CONSERVATIVE)
			json_object_set_new(o, "conservative", json_true());
		if (hg_heap_tb(h, i) != HG_NONE)
			json_object_set_new(o, "traceback", traceback(h, hg_heap_tb(h, i)));
		put(s, o);
	}
	for (size_t r = 0; r < h->nroot; r++) {
		json_t *refs = json_array(), *labels = json_array();

		o = json_object();
		json_object_set_new(o, "root", json_string(hg_root_kind_name(h->roots[r].kind)));
		json_object_set_new(o, "name", hg_json_str(hg_heap_s(h, h->roots[r].name)));
		json_array_append_new(refs, json_integer((json_int_t)hg_heap_addr(h, h->roots[r].obj)));
		json_array_append_new(labels, hg_json_str(hg_heap_s(h, h->roots[r].name)));
		json_object_set_new(o, "refs", refs);
		json_object_set_new(o, "ref_labels", labels);
		if (h->roots[r].what == HG_RW_MEMORY)
			json_object_set_new(o, "hint", json_true());
		put(s, o);
	}
	if (hg_sink_finish(s) < 0)
		return hg_out_fail(&out, err);
	rc = hg_out_commit(&out, err);
	return rc;
}
