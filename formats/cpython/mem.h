/*
 * mem.h - the memory the CPython reader walks, behind one small interface:
 * a source answers "which span of the process's memory holds this address"
 * and nothing else.  A core is one source (hg_pymem_core); the unit tests
 * and fuzzers build others from plain buffers.  Every read the reader makes
 * goes through the functions below, so every read is bounds-checked: a bad
 * pointer in the dump reads as "not there", never outside a buffer.
 */
#ifndef HG_CPYTHON_MEM_H
#define HG_CPYTHON_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the process: [start, end) at data.  Spans of one source do not overlap. */
struct hg_pyspan {
	uint64_t start, end;
	const unsigned char *data;
};

struct hg_pymem {
	/*
	 * The span holding addr (after == 0), or the first span that starts
	 * above addr (after != 0): 0 and *out filled, or -1 when there is none.
	 * The bytes stay valid as long as the source does.
	 */
	int (*span)(void *ctx, uint64_t addr, int after, struct hg_pyspan *out);
	void *ctx;
	struct hg_pyspan last;	/* the span the last read used (a cache; zero at first) */
};

/* n bytes at addr when one span holds them all, else NULL. */
const unsigned char *hg_pymem_ptr(struct hg_pymem *m, uint64_t addr, size_t n);
/* Copies n bytes at addr (they may cross spans that touch); 0, or -1 when any is missing. */
int hg_pymem_read(struct hg_pymem *m, uint64_t addr, void *buf, size_t n);
/* The word at addr, 0 when missing; hg_pymem_u64 tells the two apart. */
uint64_t hg_pymem_word(struct hg_pymem *m, uint64_t addr);
int hg_pymem_u64(struct hg_pymem *m, uint64_t addr, uint64_t *v);
uint32_t hg_pymem_u32(struct hg_pymem *m, uint64_t addr);
uint8_t hg_pymem_u8(struct hg_pymem *m, uint64_t addr);
/* The NUL-terminated string at addr into buf (at most max bytes with the NUL): its length, or -1. */
long hg_pymem_cstr(struct hg_pymem *m, uint64_t addr, char *buf, size_t max);

struct hg_core;
/* m reads the memory of core c (its PT_LOAD segments and the file pages it left out). */
void hg_pymem_core(struct hg_pymem *m, struct hg_core *c);

#endif
