/*
 * error.h - one error type for the whole library: a code and a message.
 *
 * The library never prints and never exits.  A function that can fail takes a
 * struct hg_error *, fills it with hg_errorf() and returns -1 (or NULL); only
 * cli/ prints the message and turns the code into the process exit status.
 * Warnings (partial results) are collected in a struct hg_warnings owned by
 * whoever produced them, and printed by cli/ as well.
 */
#ifndef HG_ERROR_H
#define HG_ERROR_H

#include <stddef.h>

/* Exit codes, documented in the man page (EXIT STATUS) and the README. */
enum hg_code {
	HG_OK = 0,
	HG_ENOTFOUND = 1,	/* the answer is "not found" */
	HG_EUSAGE = 2,		/* bad command line */
	HG_EFORMAT = 3,		/* unreadable or malformed input */
	HG_EUNSUPPORTED = 4,	/* architecture, Python version, ... */
	HG_EWRITE = 5		/* failure while writing output */
};

struct hg_error {
	int code;
	char msg[1024];
};

/* Fills err (which may be NULL) and returns -1, so callers can write
 * "return hg_errorf(err, HG_EFORMAT, "%s: bad header", path);". */
int hg_errorf(struct hg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A growing list of warning lines; the owner frees it with hg_warnings_release. */
struct hg_warnings {
	char **line;
	size_t nr, alloc;
};

void hg_warnf(struct hg_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void hg_warnings_release(struct hg_warnings *w);

/*
 * Long work (reading a big dump, dominators, writing the index) names each
 * step as it starts, through this hook when cli/ set one: it shows them on
 * a terminal, and times them for $HEAPGRAPH_TIMES.  NULL: the work is done.
 */
extern void (*hg_step_hook)(const char *what);

static inline void hg_step(const char *what)
{
	if (hg_step_hook)
		hg_step_hook(what);
}

#endif
