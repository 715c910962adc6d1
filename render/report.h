/*
 * report.h - the one-page HTML report people attach to a bug report: one
 * self-contained file (styles inline, pictures inline as SVG, no scripts,
 * nothing fetched), built as a libxml2 HTML tree so that every string from
 * the dump is text, never markup.
 *
 * What it shows comes in as JSON (the CLI's analyze, top, types and growth
 * output), so that the page says exactly what the commands say:
 *
 *   {"version": "0.1.0",
 *    "dump": analyze --json (with "dump"),
 *    "types": [{type, count, bytes, retained}], the biggest types,
 *    "retainers": top --json,
 *    "suspects": analyze's suspects, each with "svg": its backrefs picture,
 *    "growth": growth --json (when two dumps were given)}
 */
#ifndef HG_REPORT_H
#define HG_REPORT_H

#include <jansson.h>
#include "../common/error.h"

/* Writes the report of doc to path ("-" or NULL: standard output), atomically.  HG_EWRITE on failure. */
int hg_report_write(const json_t *doc, const char *path, struct hg_error *err);

#endif
