/*
 * pickle.c - the restricted pickle reader (see pickle.h).
 *
 * Facts: the opcodes and their operands are those of CPython's
 * Lib/pickletools.py (protocols 0-5); tracemalloc's files use the few named
 * in pickle.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pickle.h"
#include "../common/util.h"

/*
 * Values, tuples' items and strings come from an arena (a file of a million
 * traces is four million values: a malloc each cost more than the rest);
 * lists and dicts grow with realloc and are listed to be freed.
 */
struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

#define CHUNK_SIZE	(8 * 1024 * 1024)	/* big: in huge pages (util.c) */

struct hg_pickle {
	struct hg_pvalue small[256];	/* the ints 0-255, one value each (a trace's domain and frame count) */
	struct chunk *chunks;
	struct hg_pvalue **grown;	/* lists and dicts: their items are malloc'd */
	size_t ngrown, grownalloc;
	struct hg_pvalue **stack;
	size_t sp, stackalloc;
	size_t *marks;
	size_t nmark, markalloc;
	struct hg_pvalue **memo;
	size_t nmemo;			/* memo slots allocated (indexes may be sparse) */
	size_t memoized;		/* slots set: the index MEMOIZE uses next, as len(memo) */
};

/* n bytes from the arena, aligned for any value, zeroed */
static void *arena(struct hg_pickle *p, size_t n)
{
	struct chunk *c = p->chunks;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		c = xcalloc(1, sizeof(*c) + size);
		c->size = size;
		c->next = p->chunks;
		p->chunks = c;
	}
	c->used += n;
	return (char *)c->data + c->used - n;
}

static struct hg_pvalue *make(struct hg_pickle *p, enum hg_pv_kind kind)
{
	struct hg_pvalue *v = arena(p, sizeof(*v));

	v->kind = kind;
	if (kind == HG_PV_LIST || kind == HG_PV_DICT) {
		HG_GROW(p->grown, p->ngrown + 1, p->grownalloc);
		p->grown[p->ngrown++] = v;
	}
	return v;
}

/* A list's next item (tuples are made whole, dicts' items go in pairs) */
static void add_item(struct hg_pvalue *c, struct hg_pvalue *item)
{
	HG_GROW(c->items, c->len + 1, c->alloc);
	c->items[c->len++] = item;
}

/* A tuple of the stack's values from index from to the top */
static struct hg_pvalue *tuple(struct hg_pickle *p, size_t from)
{
	struct hg_pvalue *v = make(p, HG_PV_TUPLE);

	v->len = v->alloc = p->sp - from;
	if (v->len) {
		v->items = arena(p, v->len * sizeof(*v->items));
		memcpy(v->items, p->stack + from, v->len * sizeof(*v->items));
	}
	return v;
}

/* How many values lie above the last MARK: what an opcode may use (as Python's unpickler). */
static size_t avail(const struct hg_pickle *p)
{
	return p->sp - (p->nmark ? p->marks[p->nmark - 1] : 0);
}

static void push(struct hg_pickle *p, struct hg_pvalue *v)
{
	HG_GROW(p->stack, p->sp + 1, p->stackalloc);
	p->stack[p->sp++] = v;
}

void hg_pickle_free(struct hg_pickle *p)
{
	if (!p)
		return;
	for (size_t k = 0; k < p->ngrown; k++)
		free(p->grown[k]->items);
	while (p->chunks) {
		struct chunk *next = p->chunks->next;

		free(p->chunks);
		p->chunks = next;
	}
	free(p->grown);
	free(p->stack);
	free(p->marks);
	free(p->memo);
	free(p);
}

struct hg_pvalue *hg_pickle_get(const struct hg_pvalue *d, const char *key)
{
	if (!d || d->kind != HG_PV_DICT)
		return NULL;
	for (size_t k = 0; k + 1 < d->len * 2; k += 2) {
		const struct hg_pvalue *kv = d->items[k];

		if (kv->kind == HG_PV_STR && kv->len == strlen(key) && !memcmp(kv->s, key, kv->len))
			return d->items[k + 1];
	}
	return NULL;
}

/* The memo: an index per slot, up to the number of values the file can hold. */
static int memo_put(struct hg_pickle *p, uint64_t idx, struct hg_pvalue *v, size_t limit)
{
	if (idx >= limit)
		return -1;
	if (idx >= p->nmemo) {
		size_t n = p->nmemo ? p->nmemo : 64;

		while (n <= idx)
			n *= 2;
		if (n > limit)
			n = limit;
		p->memo = xrealloc(p->memo, n * sizeof(*p->memo));
		memset(p->memo + p->nmemo, 0, (n - p->nmemo) * sizeof(*p->memo));
		p->nmemo = n;
	}
	if (!p->memo[idx])
		p->memoized++;
	p->memo[idx] = v;
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

struct hg_pickle *hg_pickle_read(const unsigned char *data, size_t len, struct hg_pvalue **out, struct hg_error *err)
{
	struct hg_pickle *p = xcalloc(1, sizeof(*p));
	size_t pos = 0;

	*out = NULL;
	while (pos < len) {
		size_t at = pos;
		unsigned char op = data[pos++];
		struct hg_pvalue *v, *c;
		uint64_t n;

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
		case 'N': push(p, make(p, HG_PV_NONE)); break;
		case 0x88: case 0x89:	/* NEWTRUE, NEWFALSE */
			v = make(p, HG_PV_BOOL);
			v->i = op == 0x88;
			push(p, v);
			break;
		case ')': push(p, make(p, HG_PV_TUPLE)); break;
		case ']': push(p, make(p, HG_PV_LIST)); break;
		case '}': push(p, make(p, HG_PV_DICT)); break;
		case 0x85: case 0x86: case 0x87:	/* TUPLE1, TUPLE2, TUPLE3 */
			n = (uint64_t)(op - 0x84);
			if (avail(p) < n)
				FAIL("pickle: TUPLE%u with %zu values at byte %zu", (unsigned)n, avail(p), at);
			v = tuple(p, p->sp - (size_t)n);
			p->sp -= n;
			push(p, v);
			break;
		case 't':	/* TUPLE: from the last MARK */
			if (!p->nmark)
				FAIL("pickle: TUPLE without MARK at byte %zu", at);
			v = tuple(p, p->marks[p->nmark - 1]);
			p->sp = p->marks[--p->nmark];
			push(p, v);
			break;
		case 'a':	/* APPEND */
			if (avail(p) < 2 || p->stack[p->sp - 2]->kind != HG_PV_LIST)
				FAIL("pickle: APPEND to no list at byte %zu", at);
			add_item(p->stack[p->sp - 2], p->stack[p->sp - 1]);
			p->sp--;
			break;
		case 'e':	/* APPENDS */
			if (!p->nmark || p->marks[p->nmark - 1] < 1 ||
			    p->stack[p->marks[p->nmark - 1] - 1]->kind != HG_PV_LIST)
				FAIL("pickle: APPENDS to no list at byte %zu", at);
			c = p->stack[p->marks[p->nmark - 1] - 1];
			for (size_t k = p->marks[p->nmark - 1]; k < p->sp; k++)
				add_item(c, p->stack[k]);
			p->sp = p->marks[--p->nmark];
			break;
		case 's':	/* SETITEM */
			if (avail(p) < 3 || p->stack[p->sp - 3]->kind != HG_PV_DICT)
				FAIL("pickle: SETITEM to no dict at byte %zu", at);
			c = p->stack[p->sp - 3];
			HG_GROW(c->items, 2 * c->len + 2, c->alloc);
			c->items[2 * c->len] = p->stack[p->sp - 2];
			c->items[2 * c->len + 1] = p->stack[p->sp - 1];
			c->len++;
			p->sp -= 2;
			break;
		case 'u':	/* SETITEMS */
			if (!p->nmark || p->marks[p->nmark - 1] < 1 ||
			    p->stack[p->marks[p->nmark - 1] - 1]->kind != HG_PV_DICT ||
			    (p->sp - p->marks[p->nmark - 1]) % 2)
				FAIL("pickle: SETITEMS to no dict at byte %zu", at);
			c = p->stack[p->marks[p->nmark - 1] - 1];
			for (size_t k = p->marks[p->nmark - 1]; k < p->sp; k += 2) {
				HG_GROW(c->items, 2 * c->len + 2, c->alloc);
				c->items[2 * c->len] = p->stack[k];
				c->items[2 * c->len + 1] = p->stack[k + 1];
				c->len++;
			}
			p->sp = p->marks[--p->nmark];
			break;
		case 0x93: case 'c': {	/* STACK_GLOBAL, GLOBAL: only tracemalloc's two classes */
			char name[128];

			if (op == 0x93) {
				if (avail(p) < 2 || p->stack[p->sp - 2]->kind != HG_PV_STR || p->stack[p->sp - 1]->kind != HG_PV_STR ||
				    strlen(p->stack[p->sp - 2]->s) != p->stack[p->sp - 2]->len ||
				    strlen(p->stack[p->sp - 1]->s) != p->stack[p->sp - 1]->len ||
				    p->stack[p->sp - 2]->len + p->stack[p->sp - 1]->len > 100)
					FAIL("pickle: STACK_GLOBAL without a module and a name at byte %zu", at);
				snprintf(name, sizeof(name), "%s.%s", p->stack[p->sp - 2]->s, p->stack[p->sp - 1]->s);
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
			if (strcmp(name, "tracemalloc.Snapshot") && strcmp(name, "tracemalloc._Traces"))
				FAIL("pickle: refusing global '%s' at byte %zu: a tracemalloc snapshot holds only "
				     "tracemalloc.Snapshot and tracemalloc._Traces, and nothing in a file is run", name, at);
			v = make(p, HG_PV_CLASS);
			v->cls = strcmp(name, "tracemalloc.Snapshot") ? "tracemalloc._Traces" : "tracemalloc.Snapshot";
			push(p, v);
			break;
		}
		case 0x81:	/* NEWOBJ: cls.__new__(cls, *()) */
			if (avail(p) < 2 || p->stack[p->sp - 2]->kind != HG_PV_CLASS || p->stack[p->sp - 1]->kind != HG_PV_TUPLE ||
			    p->stack[p->sp - 1]->len)
				FAIL("pickle: NEWOBJ of no allowed class at byte %zu", at);
			v = make(p, HG_PV_OBJECT);
			v->cls = p->stack[p->sp - 2]->cls;
			p->sp -= 2;
			push(p, v);
			break;
		case 'b':	/* BUILD: the object's __dict__ */
			if (avail(p) < 2 || p->stack[p->sp - 2]->kind != HG_PV_OBJECT || p->stack[p->sp - 1]->kind != HG_PV_DICT ||
			    p->stack[p->sp - 2]->state)
				FAIL("pickle: BUILD of no object at byte %zu", at);
			p->stack[p->sp - 2]->state = p->stack[p->sp - 1];
			p->sp--;
			break;
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
			if (n >= p->nmemo || !p->memo[n])
				FAIL("pickle: memo index %llu at byte %zu was never set", (unsigned long long)n, at);
			push(p, p->memo[n]);
			break;
		case 'J': case 'K': case 'M':	/* BININT (signed 4), BININT1, BININT2 */
			NEED(op == 'J' ? 4 : op == 'K' ? 1 : 2);
			if (op == 'K') {	/* values are never changed once made: small ones are shared */
				v = &p->small[data[pos]];
				v->kind = HG_PV_INT;
				v->i = data[pos++];
				push(p, v);
				break;
			}
			v = make(p, HG_PV_INT);
			v->i = op == 'J' ? (int32_t)le(data + pos, 4) : (int64_t)le(data + pos, 2);
			pos += op == 'J' ? 4 : op == 'K' ? 1 : 2;
			push(p, v);
			break;
		case 0x8a: case 0x8b:	/* LONG1, LONG4: little-endian two's complement */
			NEED(op == 0x8a ? 1 : 4);
			n = le(data + pos, op == 0x8a ? 1 : 4);
			pos += op == 0x8a ? 1 : 4;
			if (n > 8)
				FAIL("pickle: an integer of %llu bytes at byte %zu", (unsigned long long)n, at);
			NEED(n);
			v = make(p, HG_PV_INT);
			v->i = (int64_t)le(data + pos, (size_t)n);
			if (n && n < 8 && (data[pos + n - 1] & 0x80))
				v->i -= (int64_t)1 << (8 * n);
			pos += (size_t)n;
			push(p, v);
			break;
		case 0x8c: case 'X': case 0x8d: {	/* SHORT_BINUNICODE, BINUNICODE, BINUNICODE8 */
			size_t w = op == 0x8c ? 1 : op == 'X' ? 4 : 8;
			char *s;

			NEED(w);
			n = le(data + pos, w);
			pos += w;
			NEED(n);
			s = arena(p, (size_t)n + 1);
			memcpy(s, data + pos, (size_t)n);
			pos += (size_t)n;
			v = make(p, HG_PV_STR);
			v->s = s;
			v->len = (size_t)n;
			push(p, v);
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
