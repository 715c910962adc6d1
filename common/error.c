/*
 * error.c - filling struct hg_error and collecting warnings (see error.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "error.h"
#include "util.h"

int hg_errorf(struct hg_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void hg_warnf(struct hg_warnings *w, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!w)
		return;
	/* A damaged dump can produce one warning per object; keep the first ones. */
	if (w->nr >= 1000)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	HG_GROW(w->line, w->nr + 1, w->alloc);
	w->line[w->nr++] = xstrdup(buf);
}

void hg_warnings_release(struct hg_warnings *w)
{
	for (size_t i = 0; i < w->nr; i++)
		free(w->line[i]);
	free(w->line);
	w->line = NULL;
	w->nr = w->alloc = 0;
}

void (*hg_step_hook)(const char *what);
