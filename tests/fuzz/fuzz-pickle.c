/*
 * fuzz-pickle.c - libFuzzer target for the tracemalloc snapshot reader
 * (the pickle reader under it): each input is a Snapshot.dump() file,
 * plain, .gz or .zst; one that is accepted goes through what the
 * tracemalloc commands do: statistics by every key, cumulative or not, a
 * filter, and a comparison with itself, whose differences must all be 0.
 * Seeds: files Python's tracemalloc writes ("make fuzz" makes them).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "harness.h"
#include "../../analyzer/tracemalloc.h"

static char dir[] = "/tmp/hg-fuzz-pickle-XXXXXX";
static char path[sizeof(dir) + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_dir(dir);
	snprintf(path, sizeof(path), "%s/x.pickle", dir);
	return 0;
}

static void statistics(const struct hg_tm_snapshot *s)
{
	static const struct hg_tm_filter keep = { 0, 1, "*/lib*" };

	for (int key = HG_TM_LINENO; key <= HG_TM_TRACEBACK; key++)
		for (int cum = 0; cum < 2; cum++) {
			struct hg_tm_stat *st = NULL, *d = NULL;
			long n = hg_tm_statistics(s, key, cum, &st), nd = hg_tm_compare(s, s, key, cum, &d);
			char buf[64];

			for (long k = 0; k < n; k++)
				hg_tm_format_size((double)st[k].size, 0, buf, sizeof(buf));
			for (long k = 0; k < nd; k++)
				if (d[k].size_diff || d[k].count_diff) {
					fprintf(stderr, "fuzz-pickle: a snapshot compared with itself differs\n");
					abort();
				}
			if (n > 0)
				hg_tm_stats_free(st, (size_t)n);
			if (nd > 0)
				hg_tm_stats_free(d, (size_t)nd);
		}
	{
		struct hg_tm_snapshot f;

		hg_tm_filter(s, &keep, 1, &f);
		hg_tm_release(&f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_tm_names names;
	struct hg_tm_snapshot s;
	struct hg_error err;

	fuzz_file(path, data, size);
	hg_tm_names_init(&names);
	if (hg_tm_load(path, &names, &s, &err) == 0) {
		statistics(&s);
		hg_tm_release(&s);
	}
	hg_tm_names_release(&names);
	unlink(path);
	return 0;
}
