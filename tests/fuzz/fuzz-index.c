/*
 * fuzz-index.c - libFuzzer target for the index reader: each input is
 * planted as an index file and mapped (hg_index_load), its summary read
 * (hg_index_summary); an index that is accepted is then read whole and
 * analysed as the commands do (exercise.h).  The fuzzer's build skips the
 * checksums, the build and dump identity and the trust records (index.c,
 * FORGED): it stands for a forger who computes them, and only the range
 * checks stand between its index and the readers.  With HG_FUZZ_SEED=PATH
 * it first writes the index of tests/unit/synth.h's heap to PATH.
 */
#define _GNU_SOURCE
#include "../unit/synth.h"
#include "../../analyzer/index.h"
#include "exercise.h"

static char dir[] = "/tmp/hg-fuzz-index-XXXXXX";
static char path[sizeof(dir) + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("HG_FUZZ_SEED");

	(void)argc;
	(void)argv;
	fuzz_dir(dir);
	snprintf(path, sizeof(path), "%s/x.hgi", dir);
	if (seed) {
		struct hg_heap h;
		struct hg_warnings warn = { NULL, 0, 0 };
		struct hg_dump_id id = { 0, 0, 0 };
		struct hg_error err;
		static const char summary[] = "{\"objects\": 3}";

		if (synth_heap(&h, &warn) < 0 || hg_dom_compute(&h) < 0 ||
		    hg_index_write(&h, &warn, summary, sizeof(summary) - 1, &id, seed, &err) < 0)
			abort();
		hg_heap_release(&h);
		hg_warnings_release(&warn);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_dump_id id = { 0, 0, 0 };
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	struct hg_error err;
	char *summary;
	size_t len;

	fuzz_file(path, data, size);
	if (hg_index_summary(&id, path, &summary, &len, &warn, &err) == 0)
		free(summary);
	if (hg_index_load(&h, &warn, &id, path, &err) == 0) {
		exercise_heap(&h, dir);
		hg_heap_release(&h);
	}
	hg_warnings_release(&warn);
	unlink(path);
	return 0;
}
