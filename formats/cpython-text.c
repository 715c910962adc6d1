/*
 * cpython-text.c - strings and short reprs of objects in a core.
 *
 * str layouts: reference/cpython-layouts.md section 3.6 (compact ASCII,
 * compact, legacy; kinds 1/2/4).  Reprs follow objgraph's _short_repr:
 * names for types, modules and builtin functions; "N items" for tuple, list,
 * dict and set; otherwise repr(obj) cut at 40 characters.  Values (kept for
 * export) are the str text, the int in decimal, the float, the bytes.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpython-walk.h"
#include "../common/util.h"

#define REPR_MAX 40
#define VALUE_MAX 200

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
	if (max < 8 || !addr || hg_core_read(w->c, addr, hdr, sizeof(hdr)) < 0)
		return -1;
	len = hg_le64(hdr + 16);
	state = hg_le32(hdr + 32);
	kind = (state >> 2) & 7;
	compact = (state >> 5) & 1;
	ascii = (state >> 6) & 1;
	if (kind != 1 && kind != 2 && kind != 4)
		return -1;
	if (len > ((uint64_t)1 << 40))
		return -1;
	if (compact)
		data = addr + (uint64_t)(ascii ? L->ascii_size : L->compact_size);
	else
		data = walk_ptr(w, addr + (uint64_t)L->unicode_data);
	if (!data)
		return -1;
	n = (size_t)len;
	{
		/* the characters we may use, in one piece when the dump has them so */
		size_t want = n < max ? n : max;
		const unsigned char *p = hg_core_ptr(w->c, data, want * kind);

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
			else if (hg_core_read(w->c, data + k * kind, c, kind) < 0)
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
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Python's repr quoting of str text (already UTF-8) into out, at most max bytes. */
static void quote(const char *s, char q, char *out, size_t max)
{
	size_t o = 0;

	if (max < 4)
		return;
	out[o++] = q;
	for (; *s && o + 5 < max; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == (unsigned char)q || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n') {
			out[o++] = '\\'; out[o++] = 'n';
		} else if (c == '\r') {
			out[o++] = '\\'; out[o++] = 'r';
		} else if (c == '\t') {
			out[o++] = '\\'; out[o++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
		} else {
			out[o++] = (char)c;
		}
	}
	if (o + 1 < max)
		out[o++] = q;
	out[o] = '\0';
}

/* Cuts s to REPR_MAX code points, as repr(obj)[:40] would. */
static void cut40(char *s)
{
	size_t cps = 0;

	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && cps++ == REPR_MAX) {
			*p = '\0';
			return;
		}
	}
}

static void int_text(struct walker *w, uint64_t a, char *out, size_t max)
{
	int64_t sz = (int64_t)walk_ptr(w, a + 16);
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

			hg_core_read(w->c, a + 24 + 4 * k, &d, 4);
			v |= (uint64_t)(d & 0x3fffffff) << (30 * k);
		}
		snprintf(out, max, "%s%" PRIu64, neg && v ? "-" : "", v);
	} else {
		/* Big ints: convert base 2^30 digits to decimal, bounded. */
		uint32_t dig[64], dec[128];
		size_t nd32 = nd > 64 ? 64 : (size_t)nd, ndec = 0;
		char tmp[1200];
		size_t o = 0;

		for (size_t k = 0; k < nd32; k++) {
			dig[k] = 0;
			hg_core_read(w->c, a + 24 + 4 * k, &dig[k], 4);
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
static void float_text(double d, char *out, size_t max)
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
static void bytes_repr(struct walker *w, uint64_t data, uint64_t n, const char *prefix, char *out, size_t max)
{
	size_t o = (size_t)snprintf(out, max, "%s", prefix);

	for (uint64_t k = 0; k < n && k < VALUE_MAX && o + 6 < max; k++) {
		unsigned c = walk_u8(w, data + k);

		if (c == '\'' || c == '\\')
			o += (size_t)snprintf(out + o, max - o, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	snprintf(out + o, max - o, "'");
}

static const char *tname(struct walker *w, uint32_t i)
{
	return hg_heap_s(w->h, w->h->types[w->h->type[i]].name);
}

void text_repr(struct walker *w, uint32_t i)
{
	struct hg_heap *h = w->h;
	uint64_t a = h->addr[i];
	struct tinfo *t;
	char r[512], v[VALUE_MAX + 64];
	int trunc = 0;

	if (h->type[i] >= h->ntype)
		return;
	t = &w->ti[h->type[i]];
	r[0] = v[0] = '\0';
	switch (t->kind) {
	case K_STR:
		if (text_str(w, a, v, VALUE_MAX, &trunc) >= 0) {
			quote(v, strchr(v, '\'') && !strchr(v, '"') ? '"' : '\'', r, sizeof(r));
		}
		break;
	case K_INT:
		if (w->h->types[h->type[i]].addr == w->t_bool)
			snprintf(r, sizeof(r), "%s", walk_u32(w, a + 24) ? "True" : "False");
		else
			int_text(w, a, r, sizeof(r));
		snprintf(v, sizeof(v), "%s", r);
		break;
	case K_FLOAT: {
		double d = 0;

		hg_core_read(w->c, a + 16, &d, 8);
		float_text(d, r, sizeof(r));
		snprintf(v, sizeof(v), "%s", r);
		break;
	}
	case K_BYTES: {
		int64_t n = (int64_t)walk_ptr(w, a + 16);

		if (n < 0)
			break;
		bytes_repr(w, a + 32, (uint64_t)n, "b'", r, sizeof(r));
		snprintf(v, sizeof(v), "%s", r);
		break;
	}
	case K_TUPLE:
	case K_LIST:
		snprintf(r, sizeof(r), "%lld items", (long long)walk_ptr(w, a + 16));
		break;
	case K_DICT:
	case K_ODICT:
	case K_SET:
	case K_FROZENSET:
		snprintf(r, sizeof(r), "%lld items", (long long)walk_ptr(w, a + (t->kind == K_SET || t->kind == K_FROZENSET ? 24 : 16)));
		break;
	case K_TYPE: {
		uint32_t ti = walk_type_index(w, a);

		if (ti != HG_NONE)
			snprintf(r, sizeof(r), "%s", hg_heap_s(h, h->types[ti].name));
		break;
	}
	case K_MODULE:
		if (text_str(w, walk_ptr(w, a + 48), r, sizeof(r), &trunc) < 0)
			snprintf(r, sizeof(r), "<module>");
		break;
	case K_CFUNCTION: {
		uint64_t ml = walk_ptr(w, a + 16);

		if (!ml || hg_core_read_cstr(w->c, walk_ptr(w, ml), r, sizeof(r)) < 0)
			snprintf(r, sizeof(r), "<builtin>");
		break;
	}
	case K_FUNCTION: {
		char name[256], q[256];

		if (text_str(w, walk_ptr(w, a + (uint64_t)w->L->fn_name), name, sizeof(name), &trunc) < 0)
			snprintf(name, sizeof(name), "?");
		if (!strcmp(name, "<lambda>")) {
			uint64_t code = walk_ptr(w, a + (uint64_t)w->L->fn_code);
			char file[256];
			const char *base;

			if (text_str(w, walk_ptr(w, code + (uint64_t)w->L->co_filename), file, sizeof(file), &trunc) < 0)
				snprintf(file, sizeof(file), "?");
			base = strrchr(file, '/');
			snprintf(r, sizeof(r), "lambda: %s:%u", base ? base + 1 : file,
				 (unsigned)(walk_ptr(w, code + (uint64_t)w->L->co_firstlineno) & 0xffffffff));
		} else {
			if (text_str(w, walk_ptr(w, a + (uint64_t)w->L->fn_qualname), q, sizeof(q), &trunc) < 0)
				snprintf(q, sizeof(q), "%s", name);
			snprintf(r, sizeof(r), "<function %s at 0x%" PRIx64 ">", q, a);
		}
		break;
	}
	case K_METHOD: {
		uint64_t fn = walk_ptr(w, a + 16);
		char name[256];

		if (text_str(w, walk_ptr(w, fn + (uint64_t)w->L->fn_name), name, sizeof(name), &trunc) < 0)
			snprintf(name, sizeof(name), "?");
		snprintf(r, sizeof(r), "%s%s", name, walk_ptr(w, a + 24) ? " (bound)" : "");
		break;
	}
	case K_CODE: {
		char name[256], file[256];

		if (text_str(w, walk_ptr(w, a + (uint64_t)w->L->co_name), name, sizeof(name), &trunc) < 0)
			snprintf(name, sizeof(name), "?");
		if (text_str(w, walk_ptr(w, a + (uint64_t)w->L->co_filename), file, sizeof(file), &trunc) < 0)
			snprintf(file, sizeof(file), "?");
		snprintf(r, sizeof(r), "<code object %.100s at 0x%" PRIx64 ", file \"%.100s\", line %u>", name, a, file,
			 walk_u32(w, a + (uint64_t)w->L->co_firstlineno));
		break;
	}
	case K_NONE:
		snprintf(r, sizeof(r), "None");
		break;
	case K_NOTIMPL:
		snprintf(r, sizeof(r), "NotImplemented");
		break;
	case K_ELLIPSIS:
		snprintf(r, sizeof(r), "Ellipsis");
		break;
	case K_CELL:
		snprintf(r, sizeof(r), "<cell at 0x%" PRIx64 ">", a);
		break;
	case K_WEAKREF: {
		/* repr(weakref): "<weakref at 0x...; to 'T' at 0x...>" or "; dead>" */
		uint64_t target = walk_ptr(w, a + 16);
		uint32_t ti = target && target != w->none ? walk_ref(w, target) : HG_NONE;

		if (ti == HG_NONE)
			snprintf(r, sizeof(r), "<weakref at 0x%" PRIx64 "; dead>", a);
		else
			snprintf(r, sizeof(r), "<weakref at 0x%" PRIx64 "; to '%.100s' at 0x%" PRIx64 ">", a,
				 tname(w, ti), target);
		break;
	}
	case K_BYTEARRAY: {
		/* repr(bytearray): bytearray(b'...') */
		uint64_t n = walk_ptr(w, a + 16), start = walk_ptr(w, a + 40);

		/* one byte kept free for the closing parenthesis */
		bytes_repr(w, start, start ? n : 0, "bytearray(b'", r, sizeof(r) - 1);
		strcat(r, ")");
		break;
	}
	default: {
		const struct hg_type *T = &h->types[h->type[i]];
		const char *mod = hg_heap_s(h, T->module);

		if (t->heap && strcmp(mod, "builtins"))
			snprintf(r, sizeof(r), "<%s.%s object at 0x%" PRIx64 ">", mod, hg_heap_s(h, T->qualname), a);
		else
			snprintf(r, sizeof(r), "<%s object at 0x%" PRIx64 ">", tname(w, i), a);
		break;
	}
	}
	/* containers' "N items" repeat; other reprs and values seldom do */
	if (r[0]) {
		cut40(r);
		h->repr[i] = t->kind >= K_TUPLE && t->kind <= K_FROZENSET ? hg_heap_cstr(h, r)
									 : hg_heap_str_unique(h, r, strlen(r));
	}
	if (v[0])
		h->value[i] = hg_heap_str_unique(h, v, strlen(v));
	(void)trunc;
}
