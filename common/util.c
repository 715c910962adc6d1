/*
 * util.c - the allocation wrappers and struct strbuf (see util.h).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "util.h"

/*
 * Big arrays (a heap of millions of objects has dozens of 100 MB ones) ask
 * for transparent huge pages: with 4 KiB pages, faulting them in cost a
 * third of analyze on a 10-million-object core (and the TLB misses more).
 * Only advice: systems that do not have them ignore it.
 */
#define HUGE_ADVICE_MIN (4u << 20)

static void die_oom(size_t n)
{
	fprintf(stderr, "heapgraph: out of memory (%zu bytes)\n", n);
	abort();
}

void hg_alloc_setup(void)
{
	/*
	 * glibc raises its mmap threshold as big blocks are freed, after which
	 * big arrays come from the brk heap, which is not advised: keep it.
	 */
	mallopt(M_MMAP_THRESHOLD, HUGE_ADVICE_MIN / 4);
}

static void *advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	if (n >= HUGE_ADVICE_MIN) {
		/*
		 * The whole block, its header page and its last page too: advice
		 * on part of a mapping splits it, and glibc can then no longer
		 * grow it in place (mremap) but copies it at every realloc.
		 */
		uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;
		uintptr_t e = ((uintptr_t)p + malloc_usable_size(p) + 4095) & ~(uintptr_t)4095;

		madvise((void *)a, e - a, MADV_HUGEPAGE);
	}
#endif
	return p;
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom(n);
	return advise_huge(p, n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(nmemb * size);
	return advise_huge(p, nmemb * size);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom(n);
	return advise_huge(p, n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char tmp[256], *p;
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, cp);
	va_end(cp);
	if (n < 0)
		return xstrdup("");
	if ((size_t)n < sizeof(tmp))
		return xstrdup(tmp);
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void strbuf_init(struct strbuf *sb)
{
	sb->alloc = 64;
	sb->len = 0;
	sb->buf = xmalloc(sb->alloc);
	sb->buf[0] = '\0';
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

static void strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 > sb->alloc) {
		size_t n = sb->alloc * 2;

		if (n < sb->len + extra + 1)
			n = sb->len + extra + 1;
		sb->buf = xrealloc(sb->buf, n);
		sb->alloc = n;
	}
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	strbuf_add(sb, &ch, 1);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf;

	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

void hg_human_bytes(uint64_t n, int short_unit, char *buf, size_t len)
{
	if (n < 10240)
		snprintf(buf, len, "%llu %s", (unsigned long long)n, short_unit ? "B" : "bytes");
	else if (n < 1048576ull)
		snprintf(buf, len, "%.1f KiB", (double)n / 1024.0);
	else
		snprintf(buf, len, "%.1f MiB", (double)n / 1048576.0);
}

size_t hg_utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) { n = 2; cp = s[0] & 0x1f; }
	else if ((s[0] & 0xf0) == 0xe0) { n = 3; cp = s[0] & 0x0f; }
	else if ((s[0] & 0xf8) == 0xf0) { n = 4; cp = s[0] & 0x07; }
	else return 0;
	for (size_t k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000))
		return 0;
	return n;
}

static size_t u64map_home(uint64_t key, size_t size)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (size - 1);
}

uint32_t *hg_u64map_slot(struct hg_u64map *m, uint64_t key)
{
	size_t i;

	if (2 * (m->used + 1) > m->size) {
		struct hg_u64map n = { NULL, NULL, m->size ? 2 * m->size : 1024, 0 };

		n.key = xcalloc(n.size, sizeof(*n.key));
		n.val = xmalloc(n.size * sizeof(*n.val));
		for (size_t j = 0; j < m->size; j++)
			if (m->key[j])
				*hg_u64map_slot(&n, m->key[j]) = m->val[j];
		free(m->key);
		free(m->val);
		*m = n;
	}
	for (i = u64map_home(key, m->size); m->key[i] && m->key[i] != key; i = (i + 1) & (m->size - 1))
		;
	if (!m->key[i]) {
		m->key[i] = key;
		m->val[i] = UINT32_MAX;
		m->used++;
	}
	return &m->val[i];
}

uint32_t hg_u64map_get(const struct hg_u64map *m, uint64_t key)
{
	if (!m->size || !key)
		return UINT32_MAX;
	for (size_t i = u64map_home(key, m->size); m->key[i]; i = (i + 1) & (m->size - 1))
		if (m->key[i] == key)
			return m->val[i];
	return UINT32_MAX;
}

void hg_u64map_free(struct hg_u64map *m)
{
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

char *hg_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return xasprintf("%s/heapgraph", xdg);
	return xasprintf("%s/.cache/heapgraph", home && *home ? home : "/tmp");
}

void hg_make_parents(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	free(p);
}

char *hg_printable(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}
