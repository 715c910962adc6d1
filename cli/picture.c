/*
 * picture.c - options and output shared by chain, backrefs and refs.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "picture.h"
#include "../analyzer/nbhood.h"
#include "../analyzer/select.h"
#include "../common/output.h"
#include "../common/util.h"
#include "../render/graph.h"
#include "../render/picture.h"

void picture_opts_init(struct picture_opts *po, const char *cmd)
{
	memset(po, 0, sizeof(*po));
	po->cmd = cmd;
	po->limit = 3;
	po->max_depth = 3;
	po->too_many = 10;
	po->max_width = PICTURE_MAX_WIDTH;
}

int picture_opt(struct picture_opts *po, int ch, char **argv)
{
	switch (ch) {
	case 't': po->type = optarg; return 0;
	case 'l': return cli_number(po->cmd, "--limit", optarg, 1, &po->limit);
	case 'p':
		if (hg_pick_parse(optarg, &po->pick) < 0)
			return cli_usage(po->cmd, "--pick takes group, largest, retained or random, not '%s'", optarg);
		return 0;
	case 'o': po->output = optarg; return 0;
	case 'd':
		if (cli_number(po->cmd, "--max-depth", optarg, 0, &po->max_depth))
			return HG_EUSAGE;
		return po->max_depth > 1000 ? cli_usage(po->cmd, "--max-depth goes up to 1000") : 0;
	case 'm':
		if (cli_number(po->cmd, "--too-many", optarg, 1, &po->too_many))
			return HG_EUSAGE;
		return po->too_many > 1000000 ? cli_usage(po->cmd, "--too-many goes up to 1000000") : 0;
	case 'f': po->filter = optarg; return 0;
	case 'H': po->highlight = optarg; return 0;
	case 'r': po->refcounts = 1; return 0;
	case 'x': {
		static const char *const known[] = { "addr", "size", "refcount", "referrers", "gc", "reachable", "traceback" };
		const char *p = optarg;

		while (*p) {
			size_t len = strcspn(p, ","), k;

			for (k = 0; k < HG_ARRAY_SIZE(known) && (strlen(known[k]) != len || strncmp(p, known[k], len)); k++)
				;
			if (len && k == HG_ARRAY_SIZE(known))
				return cli_usage(po->cmd, "--extra-info: unknown field '%.*s' (addr, size, refcount, referrers, "
						 "gc, reachable, traceback)", (int)len, p);
			p += len + (p[len] == ',');
		}
		po->extra_info = optarg;
		return 0;
	}
	case 'L': po->legend = 1; return 0;
	case 'U': po->unfold = 1; return 0;
	case 'W':
		if (cli_number(po->cmd, "--max-width", optarg, 0, &po->max_width))
			return HG_EUSAGE;
		return po->max_width > 1000000 ? cli_usage(po->cmd, "--max-width goes up to 1000000") : 0;
	case 's': po->sysroot = optarg; return 0;
	case 'h': cli_command_help(stdout, cli_find_command(po->cmd)); return -1;
	default: return cli_bad_option(po->cmd, ch, argv);
	}
}

/* On stderr: which objects --type picked, and why those. */
static void say_picked(const struct hg_heap *h, const struct picture_opts *po, const struct hg_selection *sel)
{
	static const char *const how[] = {
		[HG_PICK_GROUP] = "", [HG_PICK_LARGEST] = "the %zu largest", [HG_PICK_RETAINED] = "the %zu retaining most",
		[HG_PICK_RANDOM] = "%zu at random",
	};

	fprintf(stderr, "heapgraph: %" PRIu64 " object%s of type '%s'", sel->total, sel->total == 1 ? "" : "s", po->type);
	if (sel->ngroups) {
		char size[32];

		if (sel->ngroups == 1)
			fprintf(stderr, ", all held the same way:\n");
		else
			fprintf(stderr, " hang in %zu groups of chains from a root (keys and indexes merged); the largest:\n",
				sel->ngroups);
		for (size_t k = 0; k < sel->ngroups && k < HG_SELECT_NAMES; k++) {
			char own[32];

			hg_human_bytes(sel->groups[k].shallow, 0, own, sizeof(own));
			hg_human_bytes(sel->groups[k].retained, 0, size, sizeof(size));
			if (sel->ngroups > 1)
				fprintf(stderr, "  %2zu.", k + 1);
			fprintf(stderr, " %" PRIu64 " object%s, %s, retaining %s: %s\n", sel->groups[k].count,
				sel->groups[k].count == 1 ? "" : "s", own, size, sel->names[k]);
		}
		fprintf(stderr, "heapgraph: picked the %zu retaining most%s (--pick largest|retained|random for others):",
			sel->n, sel->ngroups > 1 ? " in group 1" : "");
	} else if (sel->total > sel->n) {
		fprintf(stderr, "; picked ");
		fprintf(stderr, how[po->pick == HG_PICK_GROUP ? HG_PICK_LARGEST : po->pick], sel->n);
		fputc(':', stderr);
	} else {
		fprintf(stderr, "; picked:");
	}
	for (size_t k = 0; k < sel->n; k++)
		fprintf(stderr, " 0x%" PRIx64, hg_heap_addr(h, sel->obj[k]));
	fputc('\n', stderr);
}

int picture_targets(struct picture_opts *po, int argc, char **argv, int first,
		    struct hg_heap *h, uint32_t **targets, size_t *n)
{
	const char *dump = NULL;
	size_t naddr;
	int rc;

	*targets = NULL;
	*n = 0;
	if (first < argc && cli_is_dump(argv[first]))
		dump = argv[first++];
	naddr = (size_t)(argc - first);
	if (!naddr && !po->type)
		return cli_usage(po->cmd, "which objects? give addresses or --type T");
	if (naddr && po->type)
		return cli_usage(po->cmd, "give addresses or --type, not both");
	for (int k = first; k < argc; k++) {
		char *end;

		strtoull(argv[k], &end, 0);
		if (*end || !*argv[k])
			return cli_usage(po->cmd, "'%s' is neither a dump file nor an address", argv[k]);
	}
	if ((rc = cli_load(po->cmd, dump, po->sysroot, h, NULL)))
		return rc;
	if (po->type) {
		struct hg_selection sel;

		hg_select(h, po->type, po->pick, (size_t)po->limit, &sel);
		if (!sel.n) {
			fprintf(stderr, "heapgraph: no object of type '%s' in this dump\n", po->type);
			hg_selection_release(&sel);
			hg_heap_release(h);
			return HG_ENOTFOUND;
		}
		say_picked(h, po, &sel);
		*targets = sel.obj;
		*n = sel.n;
		sel.obj = NULL;
		hg_selection_release(&sel);
		return 0;
	}
	*targets = xmalloc(naddr * sizeof(**targets));
	for (int k = first; k < argc; k++) {
		uint64_t a = strtoull(argv[k], NULL, 0);
		uint32_t i = hg_heap_find(h, a);

		if (i == HG_NONE) {
			fprintf(stderr, "heapgraph: no object at 0x%" PRIx64 " in this dump\n", a);
			free(*targets);
			*targets = NULL;
			hg_heap_release(h);
			return HG_ENOTFOUND;
		}
		(*targets)[(*n)++] = i;
	}
	return 0;
}

/* --filter: comma-separated terms, all must hold (type=T, type!=T, size>N, size<N, reachable, !reachable, gc, !gc). */
struct filter {
	char **term;
	size_t n;
};

static int filter_ok(const struct hg_heap *h, uint32_t i, void *arg)
{
	const struct filter *f = arg;

	for (size_t k = 0; k < f->n; k++) {
		const char *t = f->term[k];
		int neg = t[0] == '!';

		if (neg)
			t++;
		if (!strncmp(t, "type!=", 6)) {
			if (hg_type_matches(h, hg_heap_type(h, i), t + 6) != neg)
				return 0;
		} else if (!strncmp(t, "type=", 5)) {
			if (hg_type_matches(h, hg_heap_type(h, i), t + 5) == neg)
				return 0;
		} else if (!strncmp(t, "size>", 5)) {
			if ((hg_heap_size(h, i) > strtoull(t + 5, NULL, 10)) == neg)
				return 0;
		} else if (!strncmp(t, "size<", 5)) {
			if ((hg_heap_size(h, i) < strtoull(t + 5, NULL, 10)) == neg)
				return 0;
		} else if (!strcmp(t, "reachable")) {
			if (((h->flags[i] & HG_OBJ_REACHABLE) != 0) == neg)
				return 0;
		} else if (!strcmp(t, "gc")) {
			if (((h->flags[i] & HG_OBJ_GC) != 0) == neg)
				return 0;
		}
	}
	return 1;
}

static int parse_filter(const char *cmd, const char *expr, struct filter *f)
{
	char *copy = xstrdup(expr), *save = NULL;

	memset(f, 0, sizeof(*f));
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const char *u = t[0] == '!' ? t + 1 : t;

		if (strncmp(u, "type=", 5) && strncmp(u, "type!=", 6) && strncmp(u, "size>", 5) &&
		    strncmp(u, "size<", 5) && strcmp(u, "reachable") && strcmp(u, "gc")) {
			int rc = cli_usage(cmd, "--filter: unknown term '%s' (type=T, type!=T, size>N, size<N, reachable, gc, and ! before them)", t);

			free(copy);
			for (size_t k = 0; k < f->n; k++)
				free(f->term[k]);
			free(f->term);
			return rc;
		}
		f->term = xrealloc(f->term, (f->n + 1) * sizeof(*f->term));
		f->term[f->n++] = xstrdup(t);
	}
	free(copy);
	return 0;
}

static const char *extension(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int emit(struct picture_opts *po, struct hg_graph *g)
{
	struct hg_error err = { 0, "" };
	const char *ext;

	if (!po->output || !strcmp(po->output, "-"))
		return hg_dot_write(g, stdout) < 0 ? HG_EWRITE : 0;
	ext = extension(po->output);
	if (!strcmp(ext, "dot") || !strcmp(ext, "gv")) {
		struct hg_out out;

		if (hg_out_open(&out, po->output, &err) < 0)
			return cli_fail(&err);
		if (hg_dot_write(g, out.f) < 0) {
			hg_out_fail(&out, &err);
			return cli_fail(&err);
		}
		return hg_out_commit(&out, &err) < 0 ? cli_fail(&err) : 0;
	}
	if (hg_graphviz_render(g, ext, po->output, &err) < 0)
		return cli_fail(&err);
	fprintf(stderr, "heapgraph: picture written to %s (%zu nodes)\n", po->output, g->nnode);
	return 0;
}

static int check_output(struct picture_opts *po)
{
	static const char *const ok[] = { "dot", "gv", "png", "svg", "pdf", "xdot", "ps", "jpg", "jpeg", "gif", "json", NULL };
	const char *ext;

	if (!po->output || !strcmp(po->output, "-"))
		return 0;
	ext = extension(po->output);
	for (int k = 0; ok[k]; k++)
		if (!strcmp(ext, ok[k]))
			return 0;
	return cli_usage(po->cmd, "-o: which format is '%s'? use .dot .png .svg .pdf or .xdot", po->output);
}

static int draw(struct picture_opts *po, struct hg_heap *h, const uint32_t *targets, size_t n,
		int backrefs, const uint8_t *only, unsigned max_depth)
{
	struct hg_nb_options o = { backrefs, max_depth, (unsigned)po->too_many, !backrefs, NULL, NULL, only,
				   po->unfold ? 0 : PICTURE_FOLD, (unsigned)po->max_width };
	struct hg_picture_style st = { backrefs, max_depth, po->refcounts, po->extra_info, NULL, po->legend };
	struct hg_graph g;
	struct filter f;
	size_t drawn;
	uint8_t *hl = NULL;
	int rc;

	if ((rc = check_output(po)))
		return rc;
	if (po->filter) {
		if ((rc = parse_filter(po->cmd, po->filter, &f)))
			return rc;
		o.filter = filter_ok;
		o.arg = &f;
	}
	if (po->highlight) {
		hl = xcalloc(h->ntype ? h->ntype : 1, 1);
		for (uint32_t t = 0; t < h->ntype; t++)
			hl[t] = (uint8_t)hg_type_matches(h, t, po->highlight);
		st.highlight = hl;
	}
	hg_picture_fit(h, targets, n, &o, &st, (unsigned)po->max_width, &g, &drawn);
	rc = emit(po, &g);
	hg_graph_release(&g);
	free(hl);
	if (po->filter) {
		for (size_t k = 0; k < f.n; k++)
			free(f.term[k]);
		free(f.term);
	}
	return rc;
}

int picture_write(struct picture_opts *po, struct hg_heap *h, const uint32_t *targets, size_t n, int backrefs)
{
	return draw(po, h, targets, n, backrefs, NULL, (unsigned)po->max_depth);
}

int picture_write_chains(struct picture_opts *po, struct hg_heap *h, struct hg_chain **chains,
			 const size_t *nchains, size_t ntargets)
{
	uint8_t *only = xcalloc(h->nobj ? h->nobj : 1, 1);
	uint32_t *targets = xmalloc((ntargets ? ntargets : 1) * sizeof(*targets));
	size_t n = 0, longest = 0;
	int rc;

	/* objgraph's show_chain: backrefs from the targets, limited to the chains' objects */
	for (size_t k = 0; k < ntargets; k++)
		for (size_t c = 0; c < nchains[k]; c++) {
			const struct hg_chain *ch = &chains[k][c];

			for (size_t s = 0; s < ch->len; s++)
				only[ch->obj[s]] = 1;
			if (c == 0)
				targets[n++] = ch->obj[ch->len - 1];
			if (ch->len > longest)
				longest = ch->len;
		}
	rc = n ? draw(po, h, targets, n, 1, only, longest ? (unsigned)longest - 1 : 0) : HG_ENOTFOUND;
	free(only);
	free(targets);
	return rc;
}
