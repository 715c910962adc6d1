/*
 * fuzz-walk.c - libFuzzer target for the CPython walker on synthetic
 * memory: each input is the memory image of tests/unit/synth.h's
 * interpreter (its types, GC list, objects, deques) as mutated by the
 * fuzzer, served at the same address through struct hg_mem with the same
 * symbols, and walked into a heap.  No core file is involved, so every byte
 * the fuzzer changes is a field the walker reads.  With HG_FUZZ_SEED=PATH
 * it first writes the unmutated image to PATH (the seed "make fuzz" uses).
 */
#include "../unit/synth.h"

static struct world W;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seed = getenv("HG_FUZZ_SEED");

	(void)argc;
	(void)argv;
	synth_build(&W, 5);
	W.f.len = (size_t)(W.f.next - SYNTH_BASE);
	if (seed) {
		FILE *f = fopen(seed, "wb");

		if (!f || fwrite(W.f.mem, 1, W.f.len, f) != W.f.len || fclose(f))
			abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_heap h;
	struct hg_warnings warn = { NULL, 0, 0 };

	if (size > SYNTH_SIZE)
		return 0;
	memset(W.f.mem, 0, SYNTH_SIZE);
	memcpy(W.f.mem, data, size);
	W.f.len = size;
	synth_walk(&W, &h, &warn);
	hg_heap_release(&h);
	hg_warnings_release(&warn);
	return 0;
}
