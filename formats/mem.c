/*
 * mem.c - reading a process's memory through struct hg_mem: pointers into
 * one span, copies across spans that touch, words, C strings.
 */
#include <string.h>
#include "mem.h"

/* The span holding addr, from the cache when it does. */
static const struct hg_span *span_at(struct hg_mem *m, uint64_t addr)
{
	if (addr >= m->last.start && addr < m->last.end)
		return &m->last;
	if (m->span(m->ctx, addr, 0, &m->last) < 0) {
		memset(&m->last, 0, sizeof(m->last));
		return NULL;
	}
	return &m->last;
}

const unsigned char *hg_mem_ptr(struct hg_mem *m, uint64_t addr, size_t n)
{
	const struct hg_span *s = span_at(m, addr);

	if (!s || s->end - addr < n)
		return NULL;
	return s->data + (addr - s->start);
}

int hg_mem_read(struct hg_mem *m, uint64_t addr, void *buf, size_t n)
{
	unsigned char *out = buf;

	while (n) {
		const struct hg_span *s = span_at(m, addr);
		uint64_t k;

		if (!s)
			return -1;
		k = s->end - addr < n ? s->end - addr : n;
		memcpy(out, s->data + (addr - s->start), (size_t)k);
		out += k;
		n -= (size_t)k;
		addr += k;
		if (n && addr == 0)
			return -1;	/* wrapped around */
	}
	return 0;
}

int hg_mem_u64(struct hg_mem *m, uint64_t addr, uint64_t *v)
{
	const unsigned char *p = hg_mem_ptr(m, addr, 8);

	if (p) {
		memcpy(v, p, 8);
		return 0;
	}
	return hg_mem_read(m, addr, v, 8);
}

uint64_t hg_mem_word(struct hg_mem *m, uint64_t addr)
{
	uint64_t v;

	return hg_mem_u64(m, addr, &v) == 0 ? v : 0;
}

uint32_t hg_mem_u32(struct hg_mem *m, uint64_t addr)
{
	const unsigned char *p = hg_mem_ptr(m, addr, 4);
	uint32_t v = 0;

	if (p)
		memcpy(&v, p, 4);	/* (a fixed size: no call) */
	else
		hg_mem_read(m, addr, &v, 4);
	return v;
}

uint8_t hg_mem_u8(struct hg_mem *m, uint64_t addr)
{
	const unsigned char *p = hg_mem_ptr(m, addr, 1);
	uint8_t v = 0;

	if (p)
		v = *p;
	else
		hg_mem_read(m, addr, &v, 1);
	return v;
}

long hg_mem_cstr(struct hg_mem *m, uint64_t addr, char *buf, size_t max)
{
	size_t i = 0;

	if (!max)
		return -1;
	/* up to max bytes are examined: a string of max-1 bytes has its NUL at max-1 */
	while (i < max) {
		const struct hg_span *s;
		const unsigned char *p, *nul;
		size_t n, k;

		if (addr + i < addr || !(s = span_at(m, addr + i)))
			break;
		p = s->data + (addr + i - s->start);
		n = s->end - (addr + i) < max - i ? (size_t)(s->end - (addr + i)) : max - i;
		nul = memchr(p, '\0', n);
		if (nul) {
			k = (size_t)(nul - p);
			memcpy(buf + i, p, k);
			buf[i + k] = '\0';
			return (long)(i + k);
		}
		k = i + n < max ? n : max - 1 - i;
		memcpy(buf + i, p, k);
		i += n;
	}
	buf[i < max ? i : max - 1] = '\0';
	return -1;
}
