/*
 * picture.c - a neighbourhood drawn objgraph's way (see picture.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "picture.h"
#include "../common/util.h"

#define MAX_ROOTS_PER_NODE 3
#define LABEL_MAX HG_NB_LABEL_MAX
#define SMALL_FONT "10"	/* the smallest text drawn: legible at 100% */

/* Cut a label at LABEL_MAX characters (UTF-8 aware): dump strings can be megabytes. */
static void cut(struct strbuf *sb, const char *s)
{
	size_t cps = 0;
	const char *p;

	for (p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && cps++ == LABEL_MAX)
			break;
	}
	strbuf_add(sb, s, (size_t)(p - s));
	if (*p)
		strbuf_addstr(sb, "...");
}

static int has_field(const char *list, const char *f)
{
	size_t n = strlen(f);

	for (const char *p = list; p && *p;) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);

		if (l == n && !strncmp(p, f, n))
			return 1;
		p = c ? c + 1 : NULL;
	}
	return 0;
}

static int is_module(const struct hg_heap *h, uint32_t i)
{
	for (size_t r = 0; (h->flags[i] & HG_OBJ_ROOT) && r < h->nroot; r++)
		if (h->roots[r].obj == i && h->roots[r].kind == HG_ROOT_MODULE)
			return 1;
	return 0;
}

static void node_label(const struct hg_heap *h, uint32_t i, const struct hg_picture_style *st,
		       struct strbuf *sb)
{
	const char *type = hg_heap_type(h, i) < h->ntype ? hg_heap_s(h, h->types[hg_heap_type(h, i)].name) : "?";
	char rb[HG_REPR_BUF];
	char sz[32];

	cut(sb, type);
	if (st->refcounts) {
		if (hg_heap_refcnt(h, i) == HG_REFCNT_IMMORTAL)
			strbuf_addstr(sb, " [immortal]");
		else
			strbuf_addf(sb, " [%u]", hg_heap_refcnt(h, i));
	}
	strbuf_addch(sb, '\n');
	cut(sb, hg_heap_repr(h, i, rb, sizeof(rb)));
	hg_human_bytes(hg_heap_size(h, i), 1, sz, sizeof(sz));
	strbuf_addf(sb, "\n%s", sz);
	if (h->retained && hg_heap_retained(h, i) > hg_heap_size(h, i)) {
		hg_human_bytes(hg_heap_retained(h, i), 1, sz, sizeof(sz));
		strbuf_addf(sb, ", retains %s", sz);
	}
	if (st->extra_info) {
		if (has_field(st->extra_info, "addr"))
			strbuf_addf(sb, "\nid=0x%" PRIx64, hg_heap_addr(h, i));
		if (has_field(st->extra_info, "size"))
			strbuf_addf(sb, "\nsize=%" PRIu64, hg_heap_size(h, i));
		if (has_field(st->extra_info, "refcount"))
			strbuf_addf(sb, "\nrefcount=%u", hg_heap_refcnt(h, i));
		if (has_field(st->extra_info, "referrers"))
			strbuf_addf(sb, "\nreferrers=%" PRIu64, hg_heap_rfirst(h, i + 1) - hg_heap_rfirst(h, i));
		if (has_field(st->extra_info, "gc"))
			strbuf_addstr(sb, h->flags[i] & HG_OBJ_GC ? "\ngc tracked" : "\nnot gc tracked");
		if (has_field(st->extra_info, "reachable"))
			strbuf_addstr(sb, h->flags[i] & HG_OBJ_REACHABLE ? "\nreachable" : "\nunreachable");
		if (has_field(st->extra_info, "traceback")) {
			uint32_t t = hg_heap_tb(h, i);
			char at[8192];

			if (t == HG_NONE || !hg_heap_tb_len(h, t)) {
				strbuf_addstr(sb, "\nnot traced");
			} else {
				/* where it was allocated: the file's base name keeps the node narrow */
				struct hg_tb_frame f = *hg_heap_tb_frame(h, t, 0);
				const char *file = hg_heap_s(h, f.file), *slash = strrchr(file, '/');

				f.file += slash ? (uint32_t)(slash + 1 - file) : 0;
				hg_heap_frame_text(h, &f, at, sizeof(at));
				strbuf_addstr(sb, "\nat ");
				cut(sb, at);
			}
		}
	}
}

/* A root node ("thread 'MainThread' frame main() local 'x'") pointing at node n. */
static void root_nodes(const struct hg_heap *h, uint32_t i, size_t n, struct hg_graph *g)
{
	static const char *const fill[] = { "0.3,0.5,1", "0.1,0.45,1", "0.75,0.3,1", "0,0.45,1", "0.6,0.2,1" };
	static const char *const kind[] = { "module", "frame", "interpreter", "C memory", "outside" };
	size_t shown = 0, more = 0;
	int other_roots = 0;

	/* "held from outside the heap" is drawn only when no module, frame or interpreter root says more */
	for (size_t r = 0; r < h->nroot && !other_roots; r++)
		other_roots = h->roots[r].obj == i && h->roots[r].kind <= HG_ROOT_INTERPRETER &&
			      h->roots[r].what != HG_RW_MEMORY && h->roots[r].what != HG_RW_IMMORTAL;
	for (size_t r = 0; r < h->nroot; r++) {
		const struct hg_root *R = &h->roots[r];
		const char *name;
		char id[64];
		size_t rn, e;
		struct strbuf sb;

		if (R->obj != i || R->kind == HG_ROOT_MODULE)
			continue;
		name = hg_heap_s(h, R->name);
		/* the roots that explain: a local variable, C memory, interpreter state; not a
		 * frame's globals or code, nor the static types */
		if (R->what == HG_RW_STATIC_TYPE || R->what == HG_RW_IMMORTAL || R->what == HG_RW_MEMORY ||
		    (R->kind == HG_ROOT_FRAME && R->what != HG_RW_LOCAL && R->what != HG_RW_CELL) ||
		    (R->kind == HG_ROOT_OUTSIDE && other_roots))
			continue;
		if (shown == MAX_ROOTS_PER_NODE) {
			more++;
			continue;
		}
		snprintf(id, sizeof(id), "root%zu", r);
		rn = hg_graph_node(g, id);
		strbuf_init(&sb);
		strbuf_addf(&sb, "%s root", kind[R->kind <= HG_ROOT_OUTSIDE ? R->kind : HG_ROOT_C]);
		/* "thread 'T' (tid N) frame f() local 'x'" reads best on its three parts' lines */
		{
			char *copy = xstrdup(name);
			size_t len = strlen(copy), p3 = R->part3, p2 = R->part2;

			if (p3 && p2 && p2 + p3 + 2 <= len) {
				copy[len - p3 - 1] = '\0';
				copy[len - p3 - p2 - 2] = '\0';
				strbuf_addch(&sb, '\n');
				cut(&sb, copy);
				strbuf_addch(&sb, '\n');
				cut(&sb, copy + len - p3 - p2 - 1);
				strbuf_addch(&sb, '\n');
				cut(&sb, copy + len - p3);
			} else {
				strbuf_addch(&sb, '\n');
				cut(&sb, copy);
			}
			free(copy);
		}
		hg_graph_nset(g, rn, "label", "%s", sb.buf);
		strbuf_release(&sb);
		hg_graph_nset(g, rn, "shape", "ellipse");
		hg_graph_nset(g, rn, "fillcolor", "%s", fill[R->kind <= HG_ROOT_OUTSIDE ? R->kind : HG_ROOT_C]);
		e = hg_graph_edge(g, rn, n);
		hg_graph_eset(g, e, "style", "bold");
		shown++;
	}
	if (more) {
		char id[64];
		size_t rn;

		snprintf(id, sizeof(id), "moreroots%u", i);
		rn = hg_graph_node(g, id);
		hg_graph_nset(g, rn, "label", "%zu more roots", more);
		hg_graph_nset(g, rn, "shape", "ellipse");
		hg_graph_nset(g, rn, "fontsize", SMALL_FONT);
		hg_graph_edge(g, rn, n);
	}
}

void hg_picture_build(const struct hg_heap *h, const struct hg_nbhood *nb,
		      const struct hg_picture_style *st, struct hg_graph *g)
{
	size_t *node = xmalloc((nb->n ? nb->n : 1) * sizeof(*node));

	hg_graph_dset(g, "shape", "box");
	hg_graph_dset(g, "style", "filled");
	hg_graph_dset(g, "fillcolor", "white");
	for (size_t q = 0; q < nb->n; q++) {
		uint32_t i = nb->obj[q];
		char id[32], rb[HG_REPR_BUF];
		struct strbuf sb;
		double v = st->max_depth ? 1.0 - 0.7 * nb->depth[q] / st->max_depth : 1.0;
		int module = is_module(h, i);

		snprintf(id, sizeof(id), "o%" PRIu64, hg_heap_addr(h, i));
		node[q] = hg_graph_node(g, id);
		if (q < nb->nstart)
			hg_graph_nset(g, node[q], "fontcolor", "red");
		strbuf_init(&sb);
		if (nb->fold && nb->fold[q] > 1) {
			/* like siblings folded: "dict × 1,179 like this", one of them, their bytes */
			char sz[32];

			cut(&sb, hg_heap_type(h, i) < h->ntype ? hg_heap_s(h, h->types[hg_heap_type(h, i)].name) : "?");
			strbuf_addf(&sb, " \xc3\x97 %u like this\n", nb->fold[q]);
			cut(&sb, hg_heap_repr(h, i, rb, sizeof(rb)));
			hg_human_bytes(nb->fold_bytes[q], 1, sz, sizeof(sz));
			strbuf_addf(&sb, "\n%s in all", sz);
			hg_graph_nset(g, node[q], "peripheries", "2");
		} else {
			node_label(h, i, st, &sb);
		}
		hg_graph_nset(g, node[q], "label", "%s", sb.buf);
		strbuf_release(&sb);
		if (st->highlight && hg_heap_type(h, i) < h->ntype && st->highlight[hg_heap_type(h, i)]) {
			v = 0.5 + 0.5 * v;
			hg_graph_nset(g, node[q], "fillcolor", "0.6,0.6,%g", v);
		} else if (module) {
			hg_graph_nset(g, node[q], "fillcolor", "0.3,1,%g", v);
		} else {
			hg_graph_nset(g, node[q], "fillcolor", "0,0,%g", v);
		}
		if (v < 0.5)
			hg_graph_nset(g, node[q], "fontcolor", q < nb->nstart ? "red" : "white");
		if (hg_heap_type(h, i) < h->ntype && (h->types[hg_heap_type(h, i)].tflags & HG_TYPE_HAS_DEL)) {
			size_t d, e;

			snprintf(id, sizeof(id), "o%" PRIu64 "_has_a_del", hg_heap_addr(h, i));
			d = hg_graph_node(g, id);
			hg_graph_nset(g, d, "label", "__del__");
			hg_graph_nset(g, d, "shape", "doublecircle");
			hg_graph_nset(g, d, "height", "0.25");
			hg_graph_nset(g, d, "color", "red");
			hg_graph_nset(g, d, "fillcolor", "0,.5,1");
			hg_graph_nset(g, d, "fontsize", SMALL_FONT);
			e = hg_graph_edge(g, node[q], d);
			hg_graph_eset(g, e, "color", "red");
			hg_graph_eset(g, e, "style", "dotted");
			hg_graph_eset(g, e, "len", "0.25");
			hg_graph_eset(g, e, "weight", "10");
		}
		if (st->backrefs && (h->flags[i] & HG_OBJ_ROOT))
			root_nodes(h, i, node[q], g);
		if (nb->skipped[q]) {
			size_t t, e;
			double tv = st->max_depth ? 1.0 - 0.7 * (nb->depth[q] + 1) / st->max_depth : 1.0;

			snprintf(id, sizeof(id), "too_many_o%" PRIu64, hg_heap_addr(h, i));
			t = hg_graph_node(g, id);
			hg_graph_nset(g, t, "label", "%" PRIu64 " more %s%s", nb->skipped[q],
				      st->backrefs ? "backreference" : "reference", nb->skipped[q] == 1 ? "" : "s");
			hg_graph_nset(g, t, "shape", "box");
			hg_graph_nset(g, t, "height", "0.25");
			hg_graph_nset(g, t, "color", "red");
			hg_graph_nset(g, t, "fillcolor", "0,1,%g", tv < 0.3 ? 0.3 : tv);
			hg_graph_nset(g, t, "fontsize", SMALL_FONT);
			hg_graph_nset(g, t, "fontcolor", "white");
			e = st->backrefs ? hg_graph_edge(g, t, node[q]) : hg_graph_edge(g, node[q], t);
			hg_graph_eset(g, e, "color", "red");
			hg_graph_eset(g, e, "style", "dotted");
			hg_graph_eset(g, e, "len", "0.25");
			hg_graph_eset(g, e, "weight", "10");
		}
	}
	for (size_t k = 0; k < nb->nedges; k++) {
		const struct hg_nb_edge *E = &nb->edges[k];
		char lb[HG_LABEL_BUF];
		const char *label = hg_heap_label(h, h->label[E->edge], lb);
		size_t e = hg_graph_edge(g, node[E->from], node[E->to]);
		struct strbuf sb;

		strbuf_init(&sb);
		if (E->folded && hg_heap_edge_role(h, E->edge) == HG_REF_ITEM)
			strbuf_addstr(&sb, "[*]");
		else
			cut(&sb, label);
		if (E->count > 1 && !E->folded)
			strbuf_addf(&sb, " (+%u)", E->count - 1);
		hg_graph_eset(g, e, "label", "%s", sb.buf);
		strbuf_release(&sb);
		/* attributes pull their objects close, items less */
		switch (hg_heap_edge_role(h, E->edge)) {
		case HG_REF_ATTR: case HG_REF_PYATTR: case HG_REF_DICT:
			hg_graph_eset(g, e, "weight", "10");
			break;
		case HG_REF_ITEM:
			hg_graph_eset(g, e, "weight", "2");
			break;
		default:
			break;
		}
		if (hg_heap_edge_kind(h, E->edge) == HG_EDGE_WEAK)
			hg_graph_eset(g, e, "style", "dashed");
		else if (hg_heap_edge_kind(h, E->edge) == HG_EDGE_POSSIBLE)
			hg_graph_eset(g, e, "style", "dotted");
	}
	/* a cycle closing, or a chain going on, beyond what is drawn */
	for (size_t k = 0; k < nb->nhops; k++) {
		size_t e = hg_graph_edge(g, node[nb->hops[k].from], node[nb->hops[k].to]);

		hg_graph_eset(g, e, "label", "cycle: %u references", nb->hops[k].hops);
		hg_graph_eset(g, e, "style", "dashed");
		hg_graph_eset(g, e, "color", "gray40");
		hg_graph_eset(g, e, "fontcolor", "gray30");
	}
	if (st->legend) {
		size_t l = hg_graph_node(g, "legend");

		hg_graph_nset(g, l, "shape", "note");
		hg_graph_nset(g, l, "fillcolor", "lightyellow");
		hg_graph_nset(g, l, "label",
			      "red text: the objects asked about\n"
			      "grey: farther away is darker\n"
			      "green: a module; blue: --highlight\n"
			      "ellipse: a root (frame local, interpreter, C memory)\n"
			      "dashed edge: weak reference; dotted: possible (unknown layout)\n"
			      "grey dashed edge: more references than drawn (a cycle closing)\n"
			      "double box: like objects folded into one (--unfold draws each)\n"
			      "node: type, repr, shallow size, retained size\n");
	}
	free(node);
}

void hg_picture_fit(const struct hg_heap *h, const uint32_t *start, size_t n, const struct hg_nb_options *o,
		    const struct hg_picture_style *st, unsigned max_px, struct hg_graph *g, size_t *nodes)
{
	struct hg_nb_options opt = *o;
	struct hg_error err = { 0, "" };

	for (int attempt = 0;; attempt++) {
		struct hg_nbhood nb;
		double w, ht;

		hg_nbhood_build(h, start, n, &opt, &nb);
		hg_graph_init(g);
		hg_picture_build(h, &nb, st, g);
		*nodes = nb.n;
		hg_nbhood_release(&nb);
		if (!max_px || !opt.max_width || attempt == 4 || hg_graphviz_measure(g, &w, &ht, &err) < 0 || w <= max_px)
			return;
		hg_graph_release(g);
		/* narrower ranks, by what the layout overshot, and fewer neighbours per object */
		opt.max_width = (unsigned)(opt.max_width * (0.9 * max_px / w));
		if (opt.max_width < 300)
			opt.max_width = 300;
		if (opt.too_many > 3)
			opt.too_many = opt.too_many * 3 / 4;
	}
}
