/*
 * text.c - text from the dump: the characters of str objects (compact ASCII,
 * compact and legacy strs; 1-, 2- and 4-byte kinds: docs/cpython-versions.md),
 * labels made of them, and the pieces of Python's reprs (quoting, ints of any
 * size, floats, bytes) that the kinds' reprs are made of.  Everything here
 * reads memory only: no object is added to the heap.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walker.h"
#include "../../common/util.h"


static size_t put_utf8(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		if (cp >= 0xd800 && cp < 0xe000)
			cp = 0xfffd;	/* lone surrogates cannot be UTF-8 */
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x10000)
		return put_utf8(out, cp);
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

long text_str(struct walker *w, uint64_t addr, char *buf, size_t max, int *truncated)
{
	const struct hg_pylayout *L = w->L;
	unsigned char hdr[40];
	uint64_t len, data;
	uint32_t state;
	unsigned kind, compact, ascii;
	size_t o = 0, n;

	*truncated = 0;
	if (max < 8 || !addr || hg_mem_read(w->m, addr, hdr, sizeof(hdr)) < 0)
		return -1;
	len = hg_le64(hdr + STR_LENGTH);
	state = hg_le32(hdr + STR_STATE);
	kind = STR_KIND(state);
	compact = STR_COMPACT(state);
	ascii = STR_ASCII(state);
	if (kind != 1 && kind != 2 && kind != 4)
		return -1;
	if (len > ((uint64_t)1 << 40))
		return -1;
	if (compact)
		data = addr + (uint64_t)(ascii ? L->ascii_size : L->compact_size);
	else
		data = rd_ptr(w, addr + (uint64_t)L->unicode_data);
	if (!data)
		return -1;
	n = (size_t)len;
	{
		/* the characters we may use, in one piece when the dump has them so */
		size_t want = n < max ? n : max;
		const unsigned char *p = hg_mem_ptr(w->m, data, want * kind);

		for (size_t k = 0; k < n; k++) {
			unsigned char c[4];
			const unsigned char *cp_at = c;
			uint32_t cp;

			if (o + 5 >= max) {
				*truncated = 1;
				break;
			}
			if (p && k < want)
				cp_at = p + k * kind;
			else if (hg_mem_read(w->m, data + k * kind, c, kind) < 0)
				return -1;
			cp = kind == 1 ? cp_at[0] : kind == 2 ? hg_le16(cp_at) : hg_le32(cp_at);
			if (kind == 1 && cp < 0x80) {
				buf[o++] = (char)cp;
				continue;
			}
			o += put_utf8(buf + o, cp);
		}
	}
	buf[o] = '\0';
	return (long)len;
}

void text_sanitize(char *s)
{
	hg_printable(s);
}

/* prefix, v in decimal and suffix into out (at most max bytes with the NUL): no printf on the walk's hot path */
void text_u64(char *out, size_t max, const char *prefix, uint64_t v, const char *suffix)
{
	char d[24];
	size_t n = 0, o = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (; *prefix && o + 1 < max; prefix++)
		out[o++] = *prefix;
	while (n && o + 1 < max)
		out[o++] = d[--n];
	for (; *suffix && o + 1 < max; suffix++)
		out[o++] = *suffix;
	if (max)
		out[o] = '\0';
}

void text_int(struct walker *w, uint64_t a, char *out, size_t max)
{
	int64_t sz = (int64_t)rd_ptr(w, a + OB_SIZE);
	uint64_t nd;
	int neg;

	if (w->L->long_lv_tag) {
		nd = (uint64_t)sz >> 3;
		neg = (sz & 3) == 2;
	} else {
		neg = sz < 0;
		nd = (uint64_t)(neg ? -sz : sz);
	}
	if (nd <= 2) {
		uint64_t v = 0;

		for (uint64_t k = 0; k < nd; k++) {
			uint32_t d = 0;

			hg_mem_read(w->m, a + LONG_DIGITS + 4 * k, &d, 4);
			v |= (uint64_t)(d & 0x3fffffff) << (30 * k);
		}
		text_u64(out, max, neg && v ? "-" : "", v, "");
	} else {
		/* Big ints: convert base 2^30 digits to decimal, bounded. */
		uint32_t dig[64], dec[128];
		size_t nd32 = nd > 64 ? 64 : (size_t)nd, ndec = 0;
		char tmp[1200];
		size_t o = 0;

		for (size_t k = 0; k < nd32; k++) {
			dig[k] = 0;
			hg_mem_read(w->m, a + LONG_DIGITS + 4 * k, &dig[k], 4);
			dig[k] &= 0x3fffffff;
		}
		/* dec[] holds base 10^9 limbs, little-endian */
		for (size_t k = nd32; k-- > 0;) {
			uint64_t carry = dig[k];

			for (size_t j = 0; j < ndec; j++) {
				uint64_t x = ((uint64_t)dec[j] << 30) + carry;

				dec[j] = (uint32_t)(x % 1000000000u);
				carry = x / 1000000000u;
			}
			while (carry && ndec < 128) {
				dec[ndec++] = (uint32_t)(carry % 1000000000u);
				carry /= 1000000000u;
			}
		}
		if (neg)
			tmp[o++] = '-';
		o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, "%u", ndec ? dec[ndec - 1] : 0);
		for (size_t j = ndec - 1; j-- > 0 && o + 10 < sizeof(tmp);)
			o += (size_t)snprintf(tmp + o, sizeof(tmp) - o, "%09u", dec[j]);
		snprintf(out, max, "%s%s", tmp, nd > 64 ? "..." : "");
	}
}

/* Python's float repr: the shortest text that reads back as the same double. */
void text_float(double d, char *out, size_t max)
{
	if (isnan(d)) {
		snprintf(out, max, "nan");
		return;
	}
	if (isinf(d)) {
		snprintf(out, max, d < 0 ? "-inf" : "inf");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(out, max, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	/* repr(1.0) is "1.0", and 1e16 prints as "1e+16" in both. */
	if (!strpbrk(out, ".eni"))
		strncat(out, ".0", max - strlen(out) - 1);
}

/*
 * prefix + the first bytes at data, escaped as Python's repr of bytes does,
 * + "'", into out (at most max bytes; a repr is cut at 40 characters anyway).
 */
void text_bytes(struct walker *w, uint64_t data, uint64_t n, const char *prefix, char *out, size_t max)
{
	size_t o = (size_t)snprintf(out, max, "%s", prefix);

	for (uint64_t k = 0; k < n && k < VALUE_MAX && o + 6 < max; k++) {
		unsigned c = rd_u8(w, data + k);

		if (c == '\'' || c == '\\')
			o += (size_t)snprintf(out + o, max - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	snprintf(out + o, max - o, "'");
}


uint32_t str_label(struct walker *w, uint64_t s, const char *pfx, const char *sfx)
{
	char buf[200];
	int trunc = 0;
	size_t n = strlen(pfx);

	memcpy(buf, pfx, n);
	if (text_str(w, s, buf + n, sizeof(buf) - n - 8, &trunc) < 0)
		return 0;
	text_sanitize(buf);
	n = strlen(buf);
	if (trunc)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "...");
	snprintf(buf + n, sizeof(buf) - n, "%s", sfx);
	return hg_heap_cstr(w->h, buf);
}

struct dict_get { const char *name; uint64_t found; };

static int dict_get_cb(struct walker *w, uint64_t key, uint64_t value, void *arg)
{
	struct dict_get *g = arg;
	char buf[256];
	int trunc = 0;

	if (text_str(w, key, buf, sizeof(buf), &trunc) >= 0 && !trunc && !strcmp(buf, g->name)) {
		g->found = value;
		return 1;
	}
	return 0;
}

uint64_t dict_get(struct walker *w, uint64_t dict, const char *name)
{
	struct dict_get g = { name, 0 };

	dict_items(w, dict, dict_get_cb, &g);
	return g.found;
}
