/*
 * mem.h - a process's memory behind one small interface: a source answers
 * "which span of the process's memory holds this address" and nothing
 * else.  A core is one source (its regions, core.c); the CPython reader's
 * unit tests and fuzzers build others from plain buffers.  Every read of
 * dump memory goes through the functions below, so every read is
 * bounds-checked: a bad pointer in the dump reads as "not there", never
 * outside a buffer.
 */
#ifndef HG_MEM_H
#define HG_MEM_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of the process: [start, end) at data.  Spans of one source do not overlap. */
struct hg_span {
	uint64_t start, end;
	const unsigned char *data;
};

struct hg_mem {
	/*
	 * The span holding addr (after == 0), or the first span that starts
	 * above addr (after != 0): 0 and *out filled, or -1 when there is none.
	 * The bytes stay valid as long as the source does.
	 */
	int (*span)(void *ctx, uint64_t addr, int after, struct hg_span *out);
	void *ctx;
	struct hg_span last;	/* the span the last read used (a cache; zero at first) */
};

/* n bytes at addr when one span holds them all, else NULL. */
const unsigned char *hg_mem_ptr(struct hg_mem *m, uint64_t addr, size_t n);
/* Copies n bytes at addr (they may cross spans that touch); 0, or -1 when any is missing. */
int hg_mem_read(struct hg_mem *m, uint64_t addr, void *buf, size_t n);
/* The word at addr, 0 when missing; hg_mem_u64 tells the two apart. */
uint64_t hg_mem_word(struct hg_mem *m, uint64_t addr);
int hg_mem_u64(struct hg_mem *m, uint64_t addr, uint64_t *v);
uint32_t hg_mem_u32(struct hg_mem *m, uint64_t addr);
uint8_t hg_mem_u8(struct hg_mem *m, uint64_t addr);
/* The NUL-terminated string at addr into buf (at most max bytes with the NUL): its length, or -1. */
long hg_mem_cstr(struct hg_mem *m, uint64_t addr, char *buf, size_t max);

#endif
