/*
 * pickle.c - the restricted pickle reader (see pickle.h).
 *
 * Facts: the opcodes and their operands are those of CPython's
 * Lib/pickletools.py (protocols 0-5); tracemalloc's files use the few named
 * in pickle.h.
 *
 * A reference's low two bits say what it is: 0 a cell (the rest its
 * number, from 1), 1 an int of up to 62 bits (the rest, signed), 2 None, False or
 * True (the rest 0, 1, 2), 3 a value of the caller's (the rest its number).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pickle.h"
#include "../common/util.h"

enum { TAG_CELL, TAG_INT, TAG_SPECIAL, TAG_USER };	/* TAG_INT: hg_pickle_small_int knows it too */
#define REF(tag, x)	((hg_pref)(x) << 2 | (tag))
#define TAG(v)		((unsigned)((v) & 3))
#define UNSET		0			/* a memo slot never set: no value's reference (cells start at 1) */
#define SMALL_MIN	(-((int64_t)1 << 61))
#define SMALL_MAX	(((int64_t)1 << 61) - 1)

static const char *const classes[] = { "tracemalloc.Snapshot", "tracemalloc._Traces" };

/* str: a = offset in the file, len bytes; tuple: a = first item in titems, len items;
 * list, dict: a = its container; int beyond 62 bits: a = the value; class: len = which;
 * object: len = which class, a = its state (UNSET until BUILD). */
struct cell {
	uint32_t kind;
	uint32_t len;
	uint64_t a;
};

struct cont {
	hg_pref *items;		/* list: items; dict: key, value, key, value... */
	size_t len, alloc;
};

struct hg_pickle {
	const unsigned char *data;
	struct cell *cells;
	size_t ncells, cellalloc;
	hg_pref *titems;		/* every tuple's items, one tuple after the other */
	size_t ntitems, titalloc;
	struct cont *conts;
	size_t nconts, contalloc;
	hg_pref *stack;
	size_t sp, stackalloc;
	size_t *marks;
	size_t nmark, markalloc;
	hg_pref **memo;			/* pages of MEMO_PAGE slots, made when first set (indexes may be sparse) */
	size_t nmemo;			/* pages listed */
	size_t memoized;		/* slots set: the index MEMOIZE uses next, as len(memo) */
	const struct hg_pickle_hooks *hooks;
};

static hg_pref cell(struct hg_pickle *p, enum hg_pv_kind kind, uint32_t len, uint64_t a)
{
	HG_GROW(p->cells, p->ncells + 1, p->cellalloc);
	p->cells[p->ncells].kind = kind;
	p->cells[p->ncells].len = len;
	p->cells[p->ncells].a = a;
	return REF(TAG_CELL, p->ncells++);
}

static hg_pref container(struct hg_pickle *p, enum hg_pv_kind kind)
{
	HG_GROW(p->conts, p->nconts + 1, p->contalloc);
	memset(&p->conts[p->nconts], 0, sizeof(p->conts[p->nconts]));
	return cell(p, kind, 0, p->nconts++);
}

static hg_pref integer(struct hg_pickle *p, int64_t v)
{
	return v >= SMALL_MIN && v <= SMALL_MAX ? REF(TAG_INT, (uint64_t)v) : cell(p, HG_PV_INT, 0, (uint64_t)v);
}

static const struct cell *cell_of(const struct hg_pickle *p, hg_pref v)
{
	return TAG(v) == TAG_CELL ? &p->cells[v >> 2] : NULL;
}

enum hg_pv_kind hg_pickle_kind(const struct hg_pickle *p, hg_pref v)
{
	switch (TAG(v)) {
	case TAG_CELL: return (enum hg_pv_kind)p->cells[v >> 2].kind;
	case TAG_INT: return HG_PV_INT;
	case TAG_SPECIAL: return v >> 2 ? HG_PV_BOOL : HG_PV_NONE;
	default: return HG_PV_USER;
	}
}

int64_t hg_pickle_int(const struct hg_pickle *p, hg_pref v)
{
	const struct cell *c = cell_of(p, v);

	if (c)
		return c->kind == HG_PV_INT ? (int64_t)c->a : 0;
	if (TAG(v) == TAG_INT)
		return (int64_t)v >> 2;
	if (TAG(v) == TAG_SPECIAL)
		return v >> 2 == 2;
	return (int64_t)(v >> 2);
}

const char *hg_pickle_str(const struct hg_pickle *p, hg_pref v, size_t *len)
{
	const struct cell *c = cell_of(p, v);

	if (!c || c->kind != HG_PV_STR) {
		*len = 0;
		return "";
	}
	*len = c->len;
	return (const char *)p->data + c->a;
}

size_t hg_pickle_len(const struct hg_pickle *p, hg_pref v)
{
	const struct cell *c = cell_of(p, v);

	if (!c)
		return 0;
	if (c->kind == HG_PV_TUPLE)
		return c->len;
	if (c->kind == HG_PV_LIST)
		return p->conts[c->a].len;
	if (c->kind == HG_PV_DICT)
		return p->conts[c->a].len / 2;
	return 0;
}

hg_pref hg_pickle_item(const struct hg_pickle *p, hg_pref v, size_t k)
{
	const struct cell *c = cell_of(p, v);

	if (c && c->kind == HG_PV_TUPLE && k < c->len)
		return p->titems[c->a + k];
	if (c && (c->kind == HG_PV_LIST || c->kind == HG_PV_DICT) && k < p->conts[c->a].len)
		return p->conts[c->a].items[k];
	return REF(TAG_SPECIAL, 0);
}

const char *hg_pickle_class(const struct hg_pickle *p, hg_pref v)
{
	const struct cell *c = cell_of(p, v);

	return c && (c->kind == HG_PV_CLASS || c->kind == HG_PV_OBJECT) ? classes[c->len] : "";
}

int hg_pickle_get(const struct hg_pickle *p, hg_pref d, const char *key, hg_pref *value)
{
	const struct cell *c = cell_of(p, d);
	size_t klen = strlen(key);

	if (c && c->kind == HG_PV_OBJECT) {
		if (c->a == UNSET)	/* never built */
			return 0;
		c = cell_of(p, c->a);
	}
	if (!c || c->kind != HG_PV_DICT)
		return 0;
	for (size_t k = 0; k + 1 < p->conts[c->a].len; k += 2) {
		size_t len;
		const char *s = hg_pickle_str(p, p->conts[c->a].items[k], &len);

		if (hg_pickle_kind(p, p->conts[c->a].items[k]) == HG_PV_STR && len == klen && !memcmp(s, key, len)) {
			*value = p->conts[c->a].items[k + 1];
			return 1;
		}
	}
	return 0;
}

/* A tuple of the stack's values from index from to the top, or what the caller made of it */
static int tuple(struct hg_pickle *p, size_t from, hg_pref *out)
{
	size_t n = p->sp - from;
	uint64_t number;

	if (p->hooks && p->hooks->tuple && p->hooks->tuple(p->hooks->ctx, p, p->stack + from, n, &number) == 1) {
		if (number >> 61)
			return -1;
		*out = REF(TAG_USER, number);
		return 0;
	}
	if (n > UINT32_MAX)
		return -1;
	HG_GROW(p->titems, p->ntitems + n, p->titalloc);
	for (size_t k = 0; k < n; k++)	/* a few: no call to memcpy */
		p->titems[p->ntitems + k] = p->stack[from + k];
	*out = cell(p, HG_PV_TUPLE, (uint32_t)n, p->ntitems);
	p->ntitems += n;
	return 0;
}

/* How many values lie above the last MARK: what an opcode may use (as Python's unpickler). */
static size_t avail(const struct hg_pickle *p)
{
	return p->sp - (p->nmark ? p->marks[p->nmark - 1] : 0);
}

/* at most one value is pushed per opcode, and the loop makes room for it first */
#define push(p, v)	((p)->stack[(p)->sp++] = (v))

static enum hg_pv_kind kind_at(const struct hg_pickle *p, size_t k)
{
	return hg_pickle_kind(p, p->stack[k]);
}

static void add_item(struct hg_pickle *p, hg_pref c, hg_pref item)
{
	struct cont *l = &p->conts[p->cells[c >> 2].a];

	if (p->hooks && p->hooks->append && p->cells[c >> 2].kind == HG_PV_LIST &&
	    p->hooks->append(p->hooks->ctx, p, c, item))
		return;
	HG_GROW(l->items, l->len + 1, l->alloc);
	l->items[l->len++] = item;
}

void hg_pickle_free(struct hg_pickle *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->nconts; k++)
		free(p->conts[k].items);
	free(p->conts);
	free(p->cells);
	free(p->titems);
	free(p->stack);
	free(p->marks);
	for (size_t k = 0; k < p->nmemo; k++)
		free(p->memo[k]);
	free(p->memo);
	free(p);
}

/*
 * The memo: a slot per index, up to the number of values the file can hold,
 * in pages of 4 MiB (huge pages, util.c) the system zeroes as they are
 * first written: no fill, no copy as it grows.  Indexes are below the
 * file's length, so its pages take at most eight bytes per byte of file.
 */
#define MEMO_PAGE	((size_t)1 << 19)

static hg_pref memo_get(const struct hg_pickle *p, uint64_t idx)
{
	return idx / MEMO_PAGE < p->nmemo && p->memo[idx / MEMO_PAGE] ? p->memo[idx / MEMO_PAGE][idx % MEMO_PAGE] : UNSET;
}

static inline int memo_put(struct hg_pickle *p, uint64_t idx, hg_pref v, size_t limit)
{
	size_t page = idx / MEMO_PAGE;
	hg_pref *slot;

	if (idx >= limit)
		return -1;
	if (page >= p->nmemo) {
		size_t n = p->nmemo ? p->nmemo : 16;

		while (n <= page)
			n *= 2;
		p->memo = xrealloc(p->memo, n * sizeof(*p->memo));
		memset(p->memo + p->nmemo, 0, (n - p->nmemo) * sizeof(*p->memo));
		p->nmemo = n;
	}
	if (!p->memo[page])
		p->memo[page] = xcalloc(MEMO_PAGE, sizeof(**p->memo));
	slot = &p->memo[page][idx % MEMO_PAGE];
	if (*slot == UNSET)
		p->memoized++;
	*slot = v;
	return 0;
}

static uint64_t le(const unsigned char *b, size_t n)
{
	uint64_t v = 0;

	for (size_t k = n; k-- > 0;)
		v = v << 8 | b[k];
	return v;
}

#define FAIL(...) do { hg_errorf(err, HG_EFORMAT, __VA_ARGS__); goto bad; } while (0)
/* the next n bytes of the file, or fail */
#define NEED(n) do { if ((uint64_t)(n) > len - pos) FAIL("pickle: truncated at byte %zu", pos); } while (0)

struct hg_pickle *hg_pickle_read(const unsigned char *data, size_t len, const struct hg_pickle_hooks *hooks,
				 hg_pref *out, struct hg_error *err)
{
	struct hg_pickle *p = xcalloc(1, sizeof(*p));
	size_t pos = 0;

	p->data = data;
	p->hooks = hooks;
	cell(p, HG_PV_NONE, 0, 0);	/* cells are numbered from 1: no value's reference is 0 */
	*out = REF(TAG_SPECIAL, 0);
	while (pos < len) {
		size_t at = pos;
		unsigned char op = data[pos++];
		hg_pref v;
		uint64_t n;

		HG_GROW(p->stack, p->sp + 1, p->stackalloc);
		switch (op) {
		case 0x80:	/* PROTO */
			NEED(1);
			if (data[pos] < 2 || data[pos] > 5)
				FAIL("pickle: protocol %u at byte %zu is not one tracemalloc writes", data[pos], at);
			pos++;
			break;
		case 0x95:	/* FRAME: a length, advisory */
			NEED(8);
			pos += 8;
			break;
		case '.':	/* STOP */
			if (p->sp != 1 || p->nmark)
				FAIL("pickle: STOP at byte %zu with %zu values on the stack", at, p->sp);
			*out = p->stack[0];
			return p;
		case '(':	/* MARK */
			HG_GROW(p->marks, p->nmark + 1, p->markalloc);
			p->marks[p->nmark++] = p->sp;
			break;
		case '0':	/* POP: a value, or the last MARK when nothing lies above it */
			if (avail(p))
				p->sp--;
			else if (p->nmark)
				p->nmark--;
			else
				FAIL("pickle: POP of an empty stack at byte %zu", at);
			break;
		case 'N': push(p, REF(TAG_SPECIAL, 0)); break;
		case 0x88: case 0x89:	/* NEWTRUE, NEWFALSE */
			push(p, REF(TAG_SPECIAL, op == 0x88 ? 2 : 1));
			break;
		case ')':
			if (tuple(p, p->sp, &v) < 0)
				FAIL("pickle: a tuple at byte %zu too long, or refused", at);
			push(p, v);
			break;
		case ']': push(p, container(p, HG_PV_LIST)); break;
		case '}': push(p, container(p, HG_PV_DICT)); break;
		case 0x85: case 0x86: case 0x87:	/* TUPLE1, TUPLE2, TUPLE3 */
			n = (uint64_t)(op - 0x84);
			if (avail(p) < n)
				FAIL("pickle: TUPLE%u with %zu values at byte %zu", (unsigned)n, avail(p), at);
			if (tuple(p, p->sp - (size_t)n, &v) < 0)
				FAIL("pickle: a tuple at byte %zu too long, or refused", at);
			p->sp -= n;
			push(p, v);
			break;
		case 't':	/* TUPLE: from the last MARK */
			if (!p->nmark)
				FAIL("pickle: TUPLE without MARK at byte %zu", at);
			if (tuple(p, p->marks[p->nmark - 1], &v) < 0)
				FAIL("pickle: a tuple at byte %zu too long, or refused", at);
			p->sp = p->marks[--p->nmark];
			push(p, v);
			break;
		case 'a':	/* APPEND */
			if (avail(p) < 2 || kind_at(p, p->sp - 2) != HG_PV_LIST)
				FAIL("pickle: APPEND to no list at byte %zu", at);
			add_item(p, p->stack[p->sp - 2], p->stack[p->sp - 1]);
			p->sp--;
			break;
		case 'e': {	/* APPENDS */
			size_t m = p->nmark ? p->marks[p->nmark - 1] : 0;

			if (!p->nmark || m < 1 || kind_at(p, m - 1) != HG_PV_LIST)
				FAIL("pickle: APPENDS to no list at byte %zu", at);
			for (size_t k = m; k < p->sp; k++)
				add_item(p, p->stack[m - 1], p->stack[k]);
			p->sp = m;
			p->nmark--;
			break;
		}
		case 's':	/* SETITEM */
			if (avail(p) < 3 || kind_at(p, p->sp - 3) != HG_PV_DICT)
				FAIL("pickle: SETITEM to no dict at byte %zu", at);
			add_item(p, p->stack[p->sp - 3], p->stack[p->sp - 2]);
			add_item(p, p->stack[p->sp - 3], p->stack[p->sp - 1]);
			p->sp -= 2;
			break;
		case 'u': {	/* SETITEMS */
			size_t m = p->nmark ? p->marks[p->nmark - 1] : 0;

			if (!p->nmark || m < 1 || kind_at(p, m - 1) != HG_PV_DICT || (p->sp - m) % 2)
				FAIL("pickle: SETITEMS to no dict at byte %zu", at);
			for (size_t k = m; k < p->sp; k++)
				add_item(p, p->stack[m - 1], p->stack[k]);
			p->sp = m;
			p->nmark--;
			break;
		}
		case 0x93: case 'c': {	/* STACK_GLOBAL, GLOBAL: only tracemalloc's two classes */
			char name[128];

			if (op == 0x93) {
				size_t lm, ln;
				const char *m, *s;

				if (avail(p) < 2 || kind_at(p, p->sp - 2) != HG_PV_STR || kind_at(p, p->sp - 1) != HG_PV_STR)
					FAIL("pickle: STACK_GLOBAL without a module and a name at byte %zu", at);
				m = hg_pickle_str(p, p->stack[p->sp - 2], &lm);
				s = hg_pickle_str(p, p->stack[p->sp - 1], &ln);
				if (memchr(m, '\0', lm) || memchr(s, '\0', ln) || lm + ln > 100)
					FAIL("pickle: STACK_GLOBAL without a module and a name at byte %zu", at);
				snprintf(name, sizeof(name), "%.*s.%.*s", (int)lm, m, (int)ln, s);
				p->sp -= 2;
			} else {
				const unsigned char *nl1 = memchr(data + pos, '\n', len - pos), *nl2;

				if (!nl1 || !(nl2 = memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - data))) ||
				    nl2 - (data + pos) > 100 || memchr(data + pos, '\0', (size_t)(nl2 - (data + pos))))
					FAIL("pickle: GLOBAL without its two lines at byte %zu", at);
				snprintf(name, sizeof(name), "%.*s.%.*s", (int)(nl1 - (data + pos)), (const char *)data + pos,
					 (int)(nl2 - nl1 - 1), (const char *)nl1 + 1);
				pos = (size_t)(nl2 + 1 - data);
			}
			if (strcmp(name, classes[0]) && strcmp(name, classes[1]))
				FAIL("pickle: refusing global '%s' at byte %zu: a tracemalloc snapshot holds only "
				     "tracemalloc.Snapshot and tracemalloc._Traces, and nothing in a file is run", name, at);
			push(p, cell(p, HG_PV_CLASS, strcmp(name, classes[0]) != 0, 0));
			break;
		}
		case 0x81:	/* NEWOBJ: cls.__new__(cls, *()) */
			if (avail(p) < 2 || kind_at(p, p->sp - 2) != HG_PV_CLASS || kind_at(p, p->sp - 1) != HG_PV_TUPLE ||
			    hg_pickle_len(p, p->stack[p->sp - 1]))
				FAIL("pickle: NEWOBJ of no allowed class at byte %zu", at);
			v = cell(p, HG_PV_OBJECT, p->cells[p->stack[p->sp - 2] >> 2].len, UNSET);
			p->sp -= 2;
			push(p, v);
			break;
		case 'b': {	/* BUILD: the object's __dict__ */
			struct cell *o;

			if (avail(p) < 2 || kind_at(p, p->sp - 2) != HG_PV_OBJECT || kind_at(p, p->sp - 1) != HG_PV_DICT ||
			    p->cells[p->stack[p->sp - 2] >> 2].a != UNSET)
				FAIL("pickle: BUILD of no object at byte %zu", at);
			o = &p->cells[p->stack[p->sp - 2] >> 2];
			o->a = p->stack[p->sp - 1];
			p->sp--;
			break;
		}
		case 0x94:	/* MEMOIZE */
			if (!avail(p) || memo_put(p, p->memoized, p->stack[p->sp - 1], len) < 0)
				FAIL("pickle: MEMOIZE at byte %zu", at);
			break;
		case 'q': case 'r':	/* BINPUT, LONG_BINPUT */
			NEED(op == 'q' ? 1 : 4);
			n = le(data + pos, op == 'q' ? 1 : 4);
			pos += op == 'q' ? 1 : 4;
			if (!avail(p) || memo_put(p, n, p->stack[p->sp - 1], len) < 0)
				FAIL("pickle: memo index %llu at byte %zu", (unsigned long long)n, at);
			break;
		case 'h': case 'j':	/* BINGET, LONG_BINGET */
			NEED(op == 'h' ? 1 : 4);
			n = le(data + pos, op == 'h' ? 1 : 4);
			pos += op == 'h' ? 1 : 4;
			v = memo_get(p, n);
			if (v == UNSET)
				FAIL("pickle: memo index %llu at byte %zu was never set", (unsigned long long)n, at);
			push(p, v);
			break;
		case 'J':	/* BININT: signed, 4 bytes */
			NEED(4);
			push(p, REF(TAG_INT, (uint64_t)(int64_t)(int32_t)le(data + pos, 4)));
			pos += 4;
			break;
		case 'K':	/* BININT1 */
			NEED(1);
			push(p, REF(TAG_INT, data[pos]));
			pos++;
			break;
		case 'M':	/* BININT2 */
			NEED(2);
			push(p, REF(TAG_INT, le(data + pos, 2)));
			pos += 2;
			break;
		case 0x8a: case 0x8b: {	/* LONG1, LONG4: little-endian two's complement */
			int64_t i;

			NEED(op == 0x8a ? 1 : 4);
			n = le(data + pos, op == 0x8a ? 1 : 4);
			pos += op == 0x8a ? 1 : 4;
			if (n > 8)
				FAIL("pickle: an integer of %llu bytes at byte %zu", (unsigned long long)n, at);
			NEED(n);
			i = (int64_t)le(data + pos, (size_t)n);
			if (n && n < 8 && (data[pos + n - 1] & 0x80))
				i -= (int64_t)1 << (8 * n);
			pos += (size_t)n;
			push(p, integer(p, i));
			break;
		}
		case 0x8c: case 'X': case 0x8d: {	/* SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 */
			size_t w = op == 0x8c ? 1 : op == 'X' ? 4 : 8;

			NEED(w);
			n = le(data + pos, w);
			pos += w;
			NEED(n);
			if (n > UINT32_MAX)
				FAIL("pickle: a string of %llu bytes at byte %zu", (unsigned long long)n, at);
			push(p, cell(p, HG_PV_STR, (uint32_t)n, pos));
			pos += (size_t)n;
			break;
		}
		default:
			FAIL("pickle: opcode 0x%02x at byte %zu is not one a tracemalloc snapshot uses: refused", op, at);
		}
	}
	hg_errorf(err, HG_EFORMAT, "pickle: truncated (no STOP in %zu bytes)", len);
bad:
	hg_pickle_free(p);
	return NULL;
}
