/*
 * util.h - allocation that cannot fail (it aborts), a growable string buffer,
 * and little-endian loads.  Every module uses these; none of them knows what
 * a core or a Python object is.
 */
#ifndef HG_UTIL_H
#define HG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

/* Called first by main: how big allocations are made (util.c). */
void hg_alloc_setup(void);
/* Out of memory is not an error the caller can handle: these abort with a message. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grow array p (of nr used, alloc allocated elements) so that it holds at least n. */
#define HG_GROW(p, n, alloc) do { \
		if ((size_t)(n) > (alloc)) { \
			size_t hg_new_ = (alloc) ? (alloc) * 2 : 16; \
			if (hg_new_ < (size_t)(n)) \
				hg_new_ = (n); \
			(p) = xrealloc((p), hg_new_ * sizeof(*(p))); \
			(alloc) = hg_new_; \
		} \
	} while (0)

#define HG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* qsort, for arrays that may be empty (and NULL then: qsort's pointer must not be, even for none). */
static inline void hg_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* A NUL-terminated string that grows; buf is never NULL after strbuf_init. */
struct strbuf {
	char *buf;
	size_t len, alloc;
};

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_reset(struct strbuf *sb);
/* Hands the buffer to the caller, who frees it; sb must be initialised again before reuse. */
char *strbuf_detach(struct strbuf *sb);

static inline uint16_t hg_le16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t hg_le32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t hg_le64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/*
 * A byte count for people: "512 bytes" (short: "512 B"), "12.3 KiB" from
 * 10 KiB, "4.5 MiB" from 1 MiB.
 */
void hg_human_bytes(uint64_t n, int short_unit, char *buf, size_t len);

/* Length of the valid UTF-8 sequence at s (NUL-terminated), or 0 when it is not valid UTF-8. */
size_t hg_utf8_len(const unsigned char *s);

/*
 * A map from nonzero 64-bit keys (addresses) to 32-bit values, open
 * addressing; zero-initialise it.  hg_u64map_slot gives the value's slot,
 * UINT32_MAX when the key is new (valid until the next call); _get gives
 * the value or UINT32_MAX.
 */
struct hg_u64map {
	uint64_t *key;
	uint32_t *val;
	size_t size, used;
};
uint32_t *hg_u64map_slot(struct hg_u64map *m, uint64_t key);
uint32_t hg_u64map_get(const struct hg_u64map *m, uint64_t key);
void hg_u64map_free(struct hg_u64map *m);

/* Control characters of s made '?' in place (text from a dump, for a terminal); returns s. */
char *hg_printable(char *s);

/* heapgraph's cache folder: $XDG_CACHE_HOME/heapgraph, else ~/.cache/heapgraph (caller frees). */
char *hg_cache_dir(void);
/* Makes the folders above path (mode 0755); errors are left to whoever writes there. */
void hg_make_parents(const char *path);

/* a + b without wrapping: returns 0 and stores the sum, or -1 on overflow. */
static inline int hg_add_ok(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum) ? -1 : 0;
}

#endif
