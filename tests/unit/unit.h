/*
 * unit.h - a header-only test framework for tests/unit/test-*.c.
 *
 * A test file defines functions with TEST(name) and runs them from main():
 *
 *	TEST(reads_across_segments) { CHECK_EQ_INT(hg_core_read(...), 0); }
 *	int main(void) { RUN(reads_across_segments); return UNIT_DONE(); }
 *
 * Every CHECK counts one pass or one failure; a failure prints
 * "file:line: test: what was expected" and the test goes on, so one run shows
 * every broken check.  The checks are expressions that yield 1 on success,
 * so "if (!CHECK(p)) return;" stops a test whose later checks would crash.
 * UNIT_DONE() prints "test-NAME: N passed, N failed" and gives the exit status.
 */
#ifndef HG_UNIT_H
#define HG_UNIT_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;
static const char *unit_test = "?";

static int unit_report(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), unused));

static int unit_report(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		unit_passed++;
		return 1;
	}
	unit_failed++;
	fprintf(stderr, "%s:%d: %s: ", file, line, unit_test);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 0;
}

static inline int unit_eq_int(long long a, long long b, const char *ea, const char *eb,
			      const char *file, int line)
{
	return unit_report(a == b, file, line, "expected %s == %s, got %lld and %lld", ea, eb, a, b);
}

static inline int unit_eq_u64(uint64_t a, uint64_t b, const char *ea, const char *eb,
			      const char *file, int line)
{
	return unit_report(a == b, file, line, "expected %s == %s, got 0x%" PRIx64 " and 0x%" PRIx64,
			   ea, eb, a, b);
}

static inline int unit_eq_str(const char *a, const char *b, const char *ea, const char *eb,
			      const char *file, int line)
{
	int ok = a && b ? strcmp(a, b) == 0 : a == b;

	return unit_report(ok, file, line, "expected %s == %s, got \"%s\" and \"%s\"", ea, eb,
			   a ? a : "(null)", b ? b : "(null)");
}

#define CHECK(cond) unit_report(!!(cond), __FILE__, __LINE__, "check failed: %s", #cond)
#define CHECK_EQ_INT(a, b) unit_eq_int((long long)(a), (long long)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_EQ_U64(a, b) unit_eq_u64((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)
#define CHECK_EQ_STR(a, b) unit_eq_str((a), (b), #a, #b, __FILE__, __LINE__)
/* Memory equality: prints the first differing offset. */
#define CHECK_EQ_MEM(a, b, n) unit_eq_mem((a), (b), (n), #a, #b, __FILE__, __LINE__)

static inline int unit_eq_mem(const void *a, const void *b, size_t n, const char *ea,
			      const char *eb, const char *file, int line)
{
	const unsigned char *x = a, *y = b;
	size_t i = 0;

	if (a && b)
		while (i < n && x[i] == y[i])
			i++;
	return unit_report(a && b && i == n, file, line,
			   "expected %zu equal bytes at %s and %s, first difference at byte %zu",
			   n, ea, eb, i);
}

#define TEST(name) static void name(void)
#define RUN(name) (unit_test = #name, name())

/* Prints the summary line named after the test file; the exit status of main. */
#define UNIT_DONE() unit_done(__FILE__)

static inline int unit_done(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	len = strlen(base);
	if (len > 2 && !strcmp(base + len - 2, ".c"))
		len -= 2;
	printf("%.*s: %d passed, %d failed\n", (int)len, base, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
