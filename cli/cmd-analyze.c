/*
 * cmd-analyze.c - "heapgraph analyze DUMP": the one-screen summary.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../formats/dump.h"

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

int cmd_analyze(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	char *path;
	struct hg_heap h;
	uint64_t bytes = 0, gc = 0, roots[4] = { 0, 0, 0, 0 };
	uint32_t *order;
	int ch;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("analyze")); return 0;
		default: return cli_usage("analyze", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc - 1)
		return cli_usage("analyze", "one dump at a time");
	if ((ch = cli_load("analyze", optind < argc ? argv[optind] : NULL, sysroot, &h, &path)))
		return ch;
	cli_remember_dump(path);
	for (size_t i = 0; i < h.nobj; i++) {
		bytes += h.size[i];
		gc += (h.flags[i] & HG_OBJ_GC) != 0;
	}
	for (size_t r = 0; r < h.nroot; r++)
		roots[h.roots[r].kind & 3]++;
	printf("%s: Python %s, pid %d%s\n", path, h.meta.python, h.meta.pid,
	       h.meta.incomplete ? " [incomplete]" : "");
	printf("objects     %zu (%" PRIu64 " tracked by the GC), %" PRIu64 " bytes\n", h.nobj, gc, bytes);
	printf("references  %zu\n", h.nedge);
	printf("types       %zu\n", h.ntype);
	printf("roots       %" PRIu64 " module, %" PRIu64 " frame, %" PRIu64 " interpreter, %" PRIu64 " C\n",
	       roots[0], roots[1], roots[2], roots[3]);
	printf("unreachable %" PRIu64 " objects, %" PRIu64 " bytes; %" PRIu64 " held only from C memory\n",
	       h.meta.unreachable, h.meta.unreachable_bytes, h.meta.c_held);
	order = malloc(h.ntype * sizeof(*order) + 1);
	for (uint32_t t = 0; t < h.ntype; t++)
		order[t] = t;
	sort_heap = &h;
	qsort(order, h.ntype, sizeof(*order), by_bytes);
	printf("\ntop types by bytes:\n");
	for (size_t k = 0; k < h.ntype && k < 10; k++)
		printf("  %12" PRIu64 "  %9" PRIu64 "  %s.%s\n", h.types[order[k]].bytes, h.types[order[k]].count,
		       hg_heap_s(&h, h.types[order[k]].module), hg_heap_s(&h, h.types[order[k]].qualname));
	qsort(order, h.ntype, sizeof(*order), by_count);
	printf("\ntop types by count:\n");
	for (size_t k = 0; k < h.ntype && k < 10; k++)
		printf("  %9" PRIu64 "  %12" PRIu64 "  %s.%s\n", h.types[order[k]].count, h.types[order[k]].bytes,
		       hg_heap_s(&h, h.types[order[k]].module), hg_heap_s(&h, h.types[order[k]].qualname));
	free(order);
	free(path);
	hg_heap_release(&h);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}
