/*
 * damage-trials.c - damages a core's heap in memory, many times over, and
 * reads it each time as analyze does (the object walk, reachability,
 * dominators, suspects): "damage-trials CORE TRIALS SEED".  The core's
 * memory is copied once into writable memory that its regions then point
 * to; each trial changes 1 to 8 random bytes in each of 6 objects (the
 * object's own bytes and its GC header, the header words more often), of
 * types taken in turn so that every type's objects are hit, reads the heap,
 * and puts the bytes back.  It fails (exit 1) when a trial takes more than
 * 10 s, or builds a heap larger than the dump's memory could hold (more
 * objects than 16-byte blocks, more references than words plus two per
 * object); crashes are the sanitizers' and the caller's to see.  Prints a
 * line of figures.  $HEAPGRAPH_SYSROOT is the sysroot, as for heapgraph.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../../analyzer/dom.h"
#include "../../analyzer/heap.h"
#include "../../analyzer/suspects.h"
#include "../../formats/core.h"
#include "../../formats/cpython/cpython.h"
#include "../../common/util.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64: reproducible from the seed */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The writable byte of the core's memory at addr, or NULL. */
static unsigned char *byte_at(struct hg_core *c, uint64_t addr)
{
	for (size_t r = 0; r < c->nregions; r++)
		if (addr >= c->regions[r].start && addr < c->regions[r].end)
			return (unsigned char *)c->regions[r].data + (addr - c->regions[r].start);
	return NULL;
}

struct change { unsigned char *p; unsigned char old; };

int main(int argc, char **argv)
{
	struct hg_core_options opt = { getenv("HEAPGRAPH_SYSROOT") };
	struct hg_core c;
	struct hg_python py;
	struct hg_error err;
	struct hg_heap base;
	uint64_t mem_bytes = 0, (*objs_of)[2], total_obj = 0;
	uint32_t *order, ntyped = 0;
	unsigned char *arena;
	size_t at = 0;
	long trials;
	double worst = 0, sum = 0;
	unsigned incomplete = 0, failed = 0, bad = 0;
	uint64_t min_obj = UINT64_MAX, max_obj = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: damage-trials CORE TRIALS SEED\n");
		return 2;
	}
	trials = atol(argv[2]);
	rng_state = strtoull(argv[3], NULL, 0);
	if (hg_core_open(&c, argv[1], &opt, &err) < 0 || hg_cpython_detect(&c, &py, &err) < 0) {
		fprintf(stderr, "damage-trials: %s\n", err.msg);
		return 1;
	}
	/* every region's bytes, writable */
	for (size_t r = 0; r < c.nregions; r++)
		mem_bytes += c.regions[r].end - c.regions[r].start;
	arena = xmalloc(mem_bytes ? mem_bytes : 1);
	for (size_t r = 0; r < c.nregions; r++) {
		size_t n = c.regions[r].end - c.regions[r].start;

		memcpy(arena + at, c.regions[r].data, n);
		c.regions[r].data = arena + at;
		at += n;
	}
	hg_heap_init(&base);
	if (hg_cpython_load(&c, &py, &base, NULL, NULL, &err) < 0) {
		fprintf(stderr, "damage-trials: the undamaged core: %s\n", err.msg);
		return 1;
	}
	/* objects grouped by type: objs_of[t] = { first in order, count } */
	objs_of = xcalloc(base.ntype + 1, sizeof(*objs_of));
	order = xmalloc((base.nobj ? base.nobj : 1) * sizeof(*order));
	for (uint32_t i = 0; i < base.nobj; i++)
		if (hg_heap_type(&base, i) < base.ntype)
			objs_of[hg_heap_type(&base, i)][1]++;
	for (uint32_t t = 0; t < base.ntype; t++) {
		objs_of[t][0] = total_obj;
		total_obj += objs_of[t][1];
		ntyped += objs_of[t][1] > 0;
		objs_of[t][1] = 0;
	}
	for (uint32_t i = 0; i < base.nobj; i++) {
		uint32_t t = hg_heap_type(&base, i);

		if (t < base.ntype)
			order[objs_of[t][0] + objs_of[t][1]++] = i;
	}
	if (!ntyped) {
		fprintf(stderr, "damage-trials: no objects in the core\n");
		return 1;
	}
	hg_warnings_release(&c.warnings);	/* the undamaged core's: each trial counts its own */

	for (long k = 0; k < trials; k++) {
		struct change ch[6 * 8];
		size_t nch = 0;
		struct hg_heap h;
		struct hg_warnings warn = { NULL, 0, 0 };
		struct hg_suspect sus[8];
		double t0, dt;
		int rc;

		for (int o = 0; o < 6; o++) {
			/* the type: each in turn, over the trials */
			uint32_t t = 0, want = (uint32_t)((k * 6 + o) % ntyped);

			for (uint32_t seen = 0; t < base.ntype; t++)
				if (objs_of[t][1] && seen++ == want)
					break;
			uint32_t i = order[objs_of[t][0] + rnd() % objs_of[t][1]];
			uint64_t a = hg_heap_addr(&base, i), size = hg_heap_size(&base, i);
			int nbytes = 1 + (int)(rnd() % 8);

			if (size < 16)
				size = 16;
			for (int b = 0; b < nbytes; b++) {
				/* half the changes in the GC header and the first four words */
				uint64_t off = rnd() % 2 ? rnd() % 48 : 16 + rnd() % size;
				unsigned char *p = byte_at(&c, a - 16 + off);

				if (!p)
					continue;
				ch[nch].p = p;
				ch[nch++].old = *p;
				*p = (unsigned char)(rnd() % 4 ? rnd() : *p ^ (1u << (rnd() % 8)));
			}
		}
		c.incomplete = 0;
		hg_heap_init(&h);
		t0 = now();
		rc = hg_cpython_load(&c, &py, &h, NULL, NULL, &err);
		if (rc == 0) {
			hg_dom_compute(&h);
			hg_suspects(&h, 1 << 20, sus, 8);
		}
		dt = now() - t0;
		if (rc < 0) {
			failed++;
		} else {
			incomplete += h.meta.incomplete || c.warnings.nr > 0;
			if (h.nobj < min_obj)
				min_obj = h.nobj;
			if (h.nobj > max_obj)
				max_obj = h.nobj;
			if ((uint64_t)h.nobj > mem_bytes / 16 || h.nedge > mem_bytes / 8 + 2 * (uint64_t)h.nobj) {
				fprintf(stderr, "damage-trials: trial %ld: %zu objects and %llu references from %llu bytes\n",
					k, h.nobj, (unsigned long long)h.nedge, (unsigned long long)mem_bytes);
				bad++;
			}
		}
		if (dt > 10) {
			fprintf(stderr, "damage-trials: trial %ld took %.1f s\n", k, dt);
			bad++;
		}
		worst = dt > worst ? dt : worst;
		sum += dt;
		hg_heap_release(&h);
		hg_warnings_release(&warn);
		hg_warnings_release(&c.warnings);
		for (size_t j = nch; j-- > 0;)	/* the last change first: a byte changed twice gets its first value */
			*ch[j].p = ch[j].old;
	}
	printf("%ld trials over %u types: %u refused, %u flagged, objects %llu..%llu of %zu, "
	       "time mean %.0f ms, worst %.0f ms\n", trials, ntyped, failed, incomplete,
	       (unsigned long long)(min_obj == UINT64_MAX ? 0 : min_obj), (unsigned long long)max_obj, base.nobj,
	       trials ? sum / trials * 1000 : 0, worst * 1000);
	free(order);
	free(objs_of);
	hg_heap_release(&base);
	hg_core_release(&c);
	free(arena);
	return bad ? 1 : 0;
}
