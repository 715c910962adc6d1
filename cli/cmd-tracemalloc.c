/*
 * cmd-tracemalloc.c - "heapgraph tracemalloc top SNAP" and "heapgraph
 * tracemalloc compare OLD NEW": Snapshot.statistics() and compare_to() on
 * files written by tracemalloc.Snapshot.dump(), offline, printed as Python
 * prints a Statistic (analyzer/tracemalloc.h).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../analyzer/tracemalloc.h"
#include "../common/util.h"
#include "../formats/dump.h"
#include "../render/json.h"

static const char *frame_name(const struct hg_tm_names *n, const struct hg_tm_frame *f)
{
	return n->name[f->file];
}

/* As Python prints a Statistic or a StatisticDiff (its traceback: the oldest frame). */
static void print_stat(const struct hg_tm_names *names, const struct hg_tm_stat *s, int diff)
{
	char size[64], sdiff[64], avg[64];

	if (s->nframes)
		printf("%s:%u: ", frame_name(names, &s->frames[s->nframes - 1]), s->frames[s->nframes - 1].lineno);
	else
		printf(": ");
	hg_tm_format_size((double)s->size, 0, size, sizeof(size));
	if (diff) {
		hg_tm_format_size((double)s->size_diff, 1, sdiff, sizeof(sdiff));
		printf("size=%s (%s), count=%" PRIu64 " (%+" PRId64 ")", size, sdiff, s->count, s->count_diff);
	} else {
		printf("size=%s, count=%" PRIu64, size, s->count);
	}
	if (s->count) {
		hg_tm_format_size((double)s->size / (double)s->count, 0, avg, sizeof(avg));
		printf(", average=%s", avg);
	}
	putchar('\n');
}

static json_t *stat_json(const struct hg_tm_names *names, const struct hg_tm_stat *s, int diff)
{
	json_t *o = json_object(), *tb = json_array();

	/* the frames as iterating a Python Traceback gives them: the oldest first */
	for (size_t k = s->nframes; k-- > 0;) {
		json_t *f = json_object();

		json_object_set_new(f, "filename", hg_json_str(frame_name(names, &s->frames[k])));
		json_object_set_new(f, "lineno", json_integer(s->frames[k].lineno));
		json_array_append_new(tb, f);
	}
	json_object_set_new(o, "traceback", tb);
	json_object_set_new(o, "size", json_integer((json_int_t)s->size));
	json_object_set_new(o, "count", json_integer((json_int_t)s->count));
	if (diff) {
		json_object_set_new(o, "size_diff", json_integer((json_int_t)s->size_diff));
		json_object_set_new(o, "count_diff", json_integer((json_int_t)s->count_diff));
	}
	return o;
}

int cmd_tracemalloc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key-type", required_argument, NULL, 'k' },
		{ "cumulative", no_argument, NULL, 'c' },
		{ "limit", required_argument, NULL, 'l' },
		{ "include", required_argument, NULL, 'i' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "all-frames", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *what, *key_name = "lineno", *sysroot = NULL;
	enum hg_tm_key key = HG_TM_LINENO;
	int cumulative = 0, json = 0, all_frames = 0, ch, compare, rc = 0;
	long limit = 0, n;
	struct hg_tm_filter *filters = NULL;
	size_t nf = 0, falloc = 0;
	struct hg_tm_names names;
	struct hg_tm_snapshot snap[2], use[2];
	struct hg_tm_stat *st;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'k':
			key_name = optarg;
			if (!strcmp(optarg, "lineno"))
				key = HG_TM_LINENO;
			else if (!strcmp(optarg, "filename"))
				key = HG_TM_FILENAME;
			else if (!strcmp(optarg, "traceback"))
				key = HG_TM_TRACEBACK;
			else
				return cli_usage("tracemalloc", "unknown key_type: '%s' (lineno, filename or traceback)", optarg);
			break;
		case 'c': cumulative = 1; break;
		case 'l':
			if ((ch = cli_number("tracemalloc", "--limit", optarg, 0, &limit)))
				return ch;
			break;
		case 'i': case 'x':
			HG_GROW(filters, nf + 1, falloc);
			filters[nf].inclusive = ch == 'i';
			filters[nf].all_frames = 0;
			filters[nf++].pattern = optarg;
			break;
		case 'a': all_frames = 1; break;
		case 'j': json = 1; break;
		case 's': sysroot = optarg; break;
		case 'h': free(filters); cli_command_help(stdout, cli_find_command("tracemalloc")); return 0;
		default: free(filters); return cli_bad_option("tracemalloc", ch, argv);
		}
	}
	for (size_t k = 0; k < nf; k++)
		filters[k].all_frames = all_frames;
	what = optind < argc ? argv[optind++] : "";
	compare = !strcmp(what, "compare");
	if ((!compare && strcmp(what, "top")) || argc - optind != (compare ? 2 : 1)) {
		free(filters);
		return cli_usage("tracemalloc", "top SNAP, or compare OLD NEW (files Snapshot.dump() wrote, "
				 "or cores of processes that were tracing)");
	}
	if (cumulative && key == HG_TM_TRACEBACK) {
		free(filters);
		return cli_usage("tracemalloc", "cumulative mode cannot be used with key type '%s'", key_name);
	}
	hg_tm_names_init(&names);
	{
		struct hg_warnings warn[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
		struct hg_error errs[2] = { { 0, "" }, { 0, "" } };
		int got = hg_dump_tracemalloc_each((const char *const *)argv + optind, compare ? 2 : 1, cli_sysroot(sysroot),
						   &names, snap, warn, errs);

		for (int k = 0; k < 2; k++) {
			cli_print_warnings(&warn[k]);
			hg_warnings_release(&warn[k]);
		}
		if (got < 0) {
			for (int k = 0; k < (compare ? 2 : 1); k++)
				hg_tm_release(&snap[k]);
			hg_tm_names_release(&names);
			free(filters);
			return cli_fail(errs[0].code ? &errs[0] : &errs[1]);
		}
	}
	for (int k = 0; k < (compare ? 2 : 1); k++)
		hg_tm_filter(&snap[k], filters, nf, &use[k]);
	/* compare OLD NEW is NEW.compare_to(OLD) */
	n = compare ? hg_tm_compare(&use[1], &use[0], key, cumulative, &st) : hg_tm_statistics(&use[0], key, cumulative, &st);
	if (json) {
		json_t *a = json_array();

		for (long k = 0; k < n && (!limit || k < limit); k++)
			json_array_append_new(a, stat_json(&names, &st[k], compare));
		rc = hg_json_print(stdout, a) < 0 ? HG_EWRITE : 0;
	} else {
		for (long k = 0; k < n && (!limit || k < limit); k++)
			print_stat(&names, &st[k], compare);
	}
	hg_tm_stats_free(st, n > 0 ? (size_t)n : 0);
	for (int k = 0; k < (compare ? 2 : 1); k++) {
		hg_tm_release(&use[k]);
		hg_tm_release(&snap[k]);
	}
	hg_tm_names_release(&names);
	free(filters);
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = HG_EWRITE;
	return rc;
}
