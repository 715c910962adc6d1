/*
 * cmd-analyze.c - "heapgraph analyze [DUMP]": the one-screen summary.  Also
 * builds the index and makes DUMP the default for later commands.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/dom.h"
#include "../analyzer/heap.h"
#include "../analyzer/suspects.h"
#include "../common/util.h"
#include "../render/json.h"

#define TOP 10
#define BIGGEST 5		/* biggest retainers shown (heapgraph top shows more) */
#define SUSPECTS 5
#define EXAMPLES 3		/* labels shown of what a suspect holds */

static const struct hg_heap *sort_heap;

static int by_bytes(const void *a, const void *b)
{
	const struct hg_type *x = &sort_heap->types[*(const uint32_t *)a], *y = &sort_heap->types[*(const uint32_t *)b];

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static int by_count(const void *a, const void *b)
{
	const struct hg_type *x = &sort_heap->types[*(const uint32_t *)a], *y = &sort_heap->types[*(const uint32_t *)b];

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static json_t *top_types(const struct hg_heap *h, uint32_t *order, int (*cmp)(const void *, const void *))
{
	json_t *a = json_array();
	char q[512];

	hg_sort(order, h->ntype, sizeof(*order), cmp);
	for (size_t k = 0; k < h->ntype && k < TOP; k++) {
		json_t *r = json_object();

		json_object_set_new(r, "type", hg_json_str(hg_heap_type_name(h, order[k], q, sizeof(q))));
		json_object_set_new(r, "count", json_integer((json_int_t)h->types[order[k]].count));
		json_object_set_new(r, "bytes", json_integer((json_int_t)h->types[order[k]].bytes));
		json_array_append_new(a, r);
	}
	return a;
}

static json_t *suspects(const struct hg_heap *h, uint64_t total)
{
	struct hg_suspect s[SUSPECTS];
	size_t n = hg_suspects(h, total, s, SUSPECTS);
	json_t *a = json_array();
	char q[512], rb[HG_REPR_BUF];

	for (size_t k = 0; k < n; k++) {
		json_t *o = cli_retainer_json(h, s[k].obj), *holds = json_object(), *ex = json_array();
		uint64_t e[EXAMPLES];
		size_t ne;

		json_object_set_new(o, "rule", json_string(s[k].rule == HG_SUSPECT_BIG ? "retains 10%" : "many of one type"));
		if (s[k].rule == HG_SUSPECT_BIG && s[k].from != s[k].obj) {
			json_t *f = json_object();

			json_object_set_new(f, "addr", hg_json_addr(hg_heap_addr(h, s[k].from)));
			json_object_set_new(f, "type", hg_json_str(hg_heap_type_name(h, hg_heap_type(h, s[k].from), q, sizeof(q))));
			json_object_set_new(f, "retained", json_integer((json_int_t)hg_heap_retained(h, s[k].from)));
			json_object_set_new(o, "followed_from", f);
		}
		json_object_set_new(holds, "items", json_integer((json_int_t)s[k].items));
		if (s[k].type != HG_NONE) {
			json_object_set_new(holds, "type", hg_json_str(hg_heap_type_name(h, s[k].type, q, sizeof(q))));
			json_object_set_new(holds, "count", json_integer((json_int_t)s[k].count));
			/* a dict's keys say most; a sequence's indexes nothing: then the items' reprs */
			ne = hg_suspect_examples(h, s[k].obj, s[k].type, e, EXAMPLES);
			for (size_t l = 0; l < ne; l++) {
				char lb[HG_LABEL_BUF];
				const char *label = hg_heap_label(h, h->label[e[l]], lb);

				json_array_append_new(ex, hg_json_str(label[0] == '[' && (label[1] == '\'' || label[1] == '"')
								      ? label : hg_heap_repr(h, h->to[e[l]], rb, sizeof(rb))));
			}
		}
		json_object_set_new(holds, "examples", ex);
		json_object_set_new(o, "holds", holds);
		json_array_append_new(a, o);
	}
	return a;
}

/* What analyze --json says, but the dump's name; the biggest retainers are the first of top's. */
static json_t *analysis(const struct hg_heap *h, json_t *top)
{
	json_t *o = json_object(), *roots = json_object(), *unr = json_object();
	uint64_t bytes = 0, gc = 0, nroots[5] = { 0, 0, 0, 0, 0 };
	uint32_t *order = xmalloc((h->ntype ? h->ntype : 1) * sizeof(*order));

	for (size_t i = 0; i < h->nobj; i++) {
		bytes += hg_heap_size(h, i);
		gc += (h->flags[i] & HG_OBJ_GC) != 0;
	}
	for (size_t r = 0; r < h->nroot; r++)
		if (h->roots[r].kind <= HG_ROOT_OUTSIDE)
			nroots[h->roots[r].kind]++;
	json_object_set_new(o, "python", hg_json_str(h->meta.python));
	json_object_set_new(o, "pid", json_integer(h->meta.pid));
	json_object_set_new(o, "incomplete", json_boolean(h->meta.incomplete));
	json_object_set_new(o, "objects", json_integer((json_int_t)h->nobj));
	json_object_set_new(o, "gc_objects", json_integer((json_int_t)gc));
	json_object_set_new(o, "bytes", json_integer((json_int_t)bytes));
	json_object_set_new(o, "references", json_integer((json_int_t)h->nedge));
	json_object_set_new(o, "types", json_integer((json_int_t)h->ntype));
	for (int k = 0; k <= HG_ROOT_OUTSIDE; k++)
		json_object_set_new(roots, hg_root_kind_name(k), json_integer((json_int_t)nroots[k]));
	json_object_set_new(o, "roots", roots);
	json_object_set_new(unr, "objects", json_integer((json_int_t)h->meta.unreachable));
	json_object_set_new(unr, "bytes", json_integer((json_int_t)h->meta.unreachable_bytes));
	json_object_set_new(o, "unreachable", unr);
	json_object_set_new(o, "unreachable_c_memory_points_at", json_integer((json_int_t)h->meta.c_held));
	json_object_set_new(o, "wild_references", json_integer((json_int_t)h->meta.wild_refs));
	for (uint32_t t = 0; t < h->ntype; t++)
		order[t] = t;
	sort_heap = h;
	json_object_set_new(o, "top_types_by_bytes", top_types(h, order, by_bytes));
	json_object_set_new(o, "top_types_by_count", top_types(h, order, by_count));
	{
		json_t *b = json_array();

		for (size_t k = 0; k < BIGGEST && k < json_array_size(top); k++)
			json_array_append(b, json_array_get(top, k));
		json_object_set_new(o, "biggest_retainers", b);
	}
	json_object_set_new(o, "suspects", suspects(h, bytes));
	free(order);
	return o;
}

json_t *cli_analysis(const struct hg_heap *h)
{
	json_t *top = cli_top_json(h, BIGGEST), *o = analysis(h, top);

	json_decref(top);
	return o;
}

char *cli_index_summary(const struct hg_heap *h, size_t *len)
{
	json_t *o = json_object(), *top = cli_top_json(h, CLI_SUMMARY_TOP);
	char *text;

	json_object_set_new(o, "analyze", analysis(h, top));
	json_object_set_new(o, "complete", json_boolean(json_array_size(top) < CLI_SUMMARY_TOP));
	json_object_set_new(o, "top", top);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	*len = text ? strlen(text) : 0;
	return text;
}

#define I(o, k) ((long long)json_integer_value(json_object_get(o, k)))

static void print_top(json_t *a, const char *title, int count_first)
{
	size_t k;
	json_t *r;

	printf("\n%s:\n", title);
	json_array_foreach(a, k, r)
		printf("  %12lld  %12lld  %s\n", count_first ? I(r, "count") : I(r, "bytes"),
		       count_first ? I(r, "bytes") : I(r, "count"), json_string_value(json_object_get(r, "type")));
}

#define S(o, k) json_string_value(json_object_get(o, k))

static double pct(long long part, long long total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

static void print_biggest(json_t *a, long long total)
{
	size_t k;
	json_t *r, *p;

	if (!json_array_size(a))
		return;
	printf("\nbiggest retainers (retained bytes, %% of all; heapgraph top shows more):\n");
	json_array_foreach(a, k, r) {
		p = json_object_get(r, "path");
		printf("  %12lld %5.1f%%  %s %s  %s\n", I(r, "retained"), pct(I(r, "retained"), total), S(r, "addr"),
		       S(r, "type"), S(r, "repr"));
		printf("  %20s%s\n", "", json_is_string(p) ? json_string_value(p) : "(no root reaches it)");
	}
}

static void print_suspects(json_t *a, long long total)
{
	size_t k, l;
	json_t *r, *p, *holds, *f, *ex, *e;
	char size[32];

	printf("\nleak suspects:");
	if (!json_array_size(a)) {
		printf(" none (no object retains 10%% of the heap, no container holds %d or more of one type)\n",
		       HG_SUSPECT_MANY);
		return;
	}
	printf("\n");
	json_array_foreach(a, k, r) {
		p = json_object_get(r, "path");
		holds = json_object_get(r, "holds");
		f = json_object_get(r, "followed_from");
		hg_human_bytes((uint64_t)I(r, "retained"), 0, size, sizeof(size));
		printf("  %zu. %s %s", k + 1, S(r, "type"), S(r, "addr"));
		if (S(r, "repr")[0] && S(r, "repr")[0] != '<')
			printf(" (%s)", S(r, "repr"));
		printf(" retains %s, %.1f%% of the heap.\n", size, pct(I(r, "retained"), total));
		printf("     Held by %s.\n", json_is_string(p) ? json_string_value(p) : "no root (garbage)");
		if (json_object_get(holds, "type")) {
			printf("     It holds %lld %s", I(holds, "count"), S(holds, "type"));
			if (I(holds, "items") != I(holds, "count"))
				printf(" among %lld items", I(holds, "items"));
			/* a dict's keys as keys ("['k']" -> 'k'), else the items' reprs */
			ex = json_object_get(holds, "examples");
			json_array_foreach(ex, l, e) {
				const char *x = json_string_value(e);
				size_t len = strlen(x);
				int key = len >= 4 && x[0] == '[' && x[len - 1] == ']';

				if (!l)
					printf(key ? " under keys like\n       " : ", such as\n       ");
				printf("%s%.*s", l ? ", " : "", key ? (int)len - 2 : (int)len, key ? x + 1 : x);
			}
			printf(".\n");
		}
		if (f)
			printf("     Followed down from %s %s, which retains %.1f%% of the heap.\n", S(f, "type"),
			       S(f, "addr"), pct(I(f, "retained"), total));
	}
}

static void print_text(json_t *o)
{
	json_t *roots = json_object_get(o, "roots"), *unr = json_object_get(o, "unreachable");

	printf("%s: Python %s, pid %lld%s\n", json_string_value(json_object_get(o, "dump")),
	       json_string_value(json_object_get(o, "python")), I(o, "pid"),
	       json_is_true(json_object_get(o, "incomplete")) ? " [incomplete: the dump is damaged]" : "");
	printf("objects     %lld (%lld tracked by the GC), %lld bytes\n", I(o, "objects"), I(o, "gc_objects"), I(o, "bytes"));
	printf("references  %lld (%lld more pointed at no valid object: stale memory)\n", I(o, "references"),
	       I(o, "wild_references"));
	printf("types       %lld\n", I(o, "types"));
	printf("roots       %lld module, %lld frame, %lld interpreter, %lld held from outside the heap, %lld C memory\n",
	       I(roots, "module"), I(roots, "frame"), I(roots, "interpreter"), I(roots, "outside"), I(roots, "c"));
	printf("unreachable %lld objects, %lld bytes: what gc.collect() would free\n", I(unr, "objects"), I(unr, "bytes"));
	print_top(json_object_get(o, "top_types_by_bytes"), "top types by bytes (bytes, count)", 0);
	print_top(json_object_get(o, "top_types_by_count"), "top types by count (count, bytes)", 1);
	print_biggest(json_object_get(o, "biggest_retainers"), I(o, "bytes"));
	print_suspects(json_object_get(o, "suspects"), I(o, "bytes"));
	printf("\nnext: heapgraph top | heapgraph types | heapgraph chain --type T | heapgraph backrefs --type T -o out.png\n");
}

int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	char *path;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	int ch, json = 0, rc;
	json_t *o, *saved;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("analyze")); return 0;
		default: return cli_bad_option("analyze", ch, argv);
		}
	}
	if (optind < argc - 1)
		return cli_usage("analyze", "one dump at a time");
	if (!(path = optind < argc ? xstrdup(argv[optind]) : cli_default_dump("analyze")))
		return HG_EUSAGE;
	/* an index made before answers from its summary; else reading the dump makes one */
	if ((saved = cli_summary_load(path, &warn)) != NULL) {
		cli_print_warnings(&warn);
	} else {
		if ((rc = cli_load("analyze", path, sysroot, &h, NULL))) {
			free(path);
			return rc;
		}
		saved = cli_summary_load(path, &warn);
		if (!saved) {
			/* the index could not be written: from the heap itself */
			saved = json_object();
			json_object_set_new(saved, "analyze", cli_analysis(&h));
		}
		hg_heap_release(&h);
	}
	hg_warnings_release(&warn);
	cli_remember_dump(path);
	o = json_object();
	json_object_set_new(o, "dump", hg_json_str(path));
	json_object_update(o, json_object_get(saved, "analyze"));
	json_decref(saved);
	if (json)
		rc = hg_json_print(stdout, o) < 0 ? HG_EWRITE : 0;
	else {
		print_text(o);
		json_decref(o);
	}
	free(path);
	return fflush(stdout) == 0 && !ferror(stdout) && !rc ? 0 : HG_EWRITE;
}
