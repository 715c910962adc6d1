/*
 * json.h - small helpers around jansson for every command's --json output.
 * Strings from a dump may hold bytes that are not UTF-8; these replace them
 * (jansson refuses them) instead of dropping the field.
 */
#ifndef HG_RENDER_JSON_H
#define HG_RENDER_JSON_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

/* A JSON string of s (NULL gives null), invalid UTF-8 bytes replaced by U+FFFD. */
json_t *hg_json_str(const char *s);
/* An address as the string "0x…". */
json_t *hg_json_addr(uint64_t addr);
struct hg_heap;
/*
 * Object i's allocation traceback as Python iterates a tracemalloc
 * Traceback: [{"filename", "lineno", "function"}, ...], the oldest call
 * first (function: null when not known); null when it has none.
 */
json_t *hg_json_traceback(const struct hg_heap *h, uint32_t i);
/* Prints o (indented) and a newline on f, then releases o; -1 on a write error. */
int hg_json_print(FILE *f, json_t *o);

#endif
