/*
 * fuzz-snapshot.c - libFuzzer target for the snapshot reader and, through
 * it, the writers on hostile strings: each input is a snapshot file (JSON
 * lines, plain, .gz or .zst), read as any dump is (hg_dump_load: the
 * reader, reachability, dominators); a snapshot that is accepted is read
 * whole and analysed as the commands do, and its DOT and GraphML must
 * parse back (exercise.h).  With HG_FUZZ_SEED=PATH it first writes the
 * snapshot of tests/unit/synth.h's heap to PATH.
 */
#define _GNU_SOURCE
#include "../unit/synth.h"
#include "../../formats/dump.h"
#include "../../render/snapshot.h"
#include "exercise.h"

static char dir[] = "/tmp/hg-fuzz-snapshot-XXXXXX";
static char path[sizeof(dir) + 16];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("HG_FUZZ_SEED");

	(void)argc;
	(void)argv;
	fuzz_dir(dir);
	snprintf(path, sizeof(path), "%s/x.jsonl", dir);
	if (seed) {
		struct hg_heap h;
		struct hg_warnings warn = { NULL, 0, 0 };
		struct hg_error err;

		if (synth_heap(&h, &warn) < 0 || hg_snapshot_write(&h, seed, &err) < 0)
			abort();
		hg_heap_release(&h);
		hg_warnings_release(&warn);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_dump_options opt;
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };
	struct hg_error err;

	fuzz_file(path, data, size);
	memset(&opt, 0, sizeof(opt));
	if (hg_dump_load(path, &opt, &h, &warn, &err) == 0) {
		exercise_heap(&h, dir);
		hg_heap_release(&h);
	}
	hg_warnings_release(&warn);
	unlink(path);
	return 0;
}
