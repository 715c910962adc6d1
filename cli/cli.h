/*
 * cli.h - what the command files share: the one place that prints errors
 * and warnings, and option helpers.  Only cli/ prints or exits.
 */
#ifndef HG_CLI_H
#define HG_CLI_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include "../common/error.h"

#define HG_VERSION "0.1.0"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;	/* after "heapgraph NAME " */
	const char *summary;
	const char *help;	/* the options, one per line */
};

extern const struct cmd hg_commands[];

/* Prints "heapgraph: MSG" on stderr and returns the exit code for err. */
int cli_fail(const struct hg_error *err);
/* Prints a usage error for command name and returns 2. */
int cli_usage(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_print_warnings(const struct hg_warnings *w);
/* Parses a whole number >= min for option opt; 0, or 2 after a usage message. */
int cli_number(const char *cmd, const char *opt, const char *arg, long min, long *out);
/*
 * What every command's getopt_long loop does with what it does not know:
 * ch ':' (an option without its value) or anything else (an unknown
 * option, argv[optind - 1]); prints the usage error and returns 2.  Every
 * option string starts with ':' so that getopt reports a missing value.
 */
int cli_bad_option(const char *cmd, int ch, char **argv);
/* Prints the help of one command on f. */
void cli_command_help(FILE *f, const struct cmd *c);
const struct cmd *cli_find_command(const char *name);

/* dumparg.c: a dump named on the command line, or the default one (NULL after a usage message). */
int cli_is_dump(const char *arg);
char *cli_default_dump(const char *cmd);
void cli_remember_dump(const char *path);
/* The sysroot to read a dump's files under: --sysroot when given, else $HEAPGRAPH_SYSROOT, else NULL. */
const char *cli_sysroot(const char *given);
struct hg_heap;
struct hg_warnings;
/*
 * Opens the dump arg (or the default one) as a heap, through its index.
 * Prints warnings.  Returns 0, or the exit code after printing why not.
 * *used (if not NULL) receives the path, which the caller frees.
 */
/* Shows long work's steps on a terminal and times them for $HEAPGRAPH_TIMES (main calls it). */
void cli_steps(void);
int cli_load(const char *cmd, const char *arg, const char *sysroot, struct hg_heap *h, char **used);

/* {addr, type, repr, shallow, retained, path} of object i: what top and analyze list (cmd-top.c). */
json_t *cli_retainer_json(const struct hg_heap *h, uint32_t i);
/* The n objects retaining most, as cli_retainer_json (cmd-top.c). */
json_t *cli_top_json(const struct hg_heap *h, size_t n);

/*
 * The summary an index keeps, so that analyze and top answer without
 * mapping the heap: {"analyze": what analyze --json says but "dump",
 * "top": the first CLI_SUMMARY_TOP of top --json, "complete": whether those
 * are all the heap's objects}.  cli_index_summary makes it (cmd-analyze.c,
 * JSON text for hg_index_write); cli_summary_load reads it from the valid
 * index of the dump at path, with the warnings recorded there (NULL when
 * there is none: then cli_load makes it).
 */
#define CLI_SUMMARY_TOP 20
char *cli_index_summary(const struct hg_heap *h, size_t *len);
/* What analyze --json says of h, but "dump" (cmd-analyze.c). */
json_t *cli_analysis(const struct hg_heap *h);

/*
 * growth --json of dumps[0..ndump), oldest first (cmd-growth.c): limit paths,
 * type_limit types (0: all).  NULL with *rc the exit code, printed, when a
 * dump cannot be read or the dumps are of different processes.
 */
json_t *cli_growth_json(const char *cmd, char **dumps, int ndump, const char *sysroot, int gc_only, size_t limit,
			size_t type_limit, int *rc);
json_t *cli_summary_load(const char *path, struct hg_warnings *w);

/* For qsort, biggest first: by x1 against y1, then x2 against y2. */
static inline int cli_desc(uint64_t x1, uint64_t y1, uint64_t x2, uint64_t y2)
{
	if (x1 != y1)
		return x1 < y1 ? 1 : -1;
	return x2 < y2 ? 1 : x2 > y2 ? -1 : 0;
}

struct hg_site;
/* An allocation site (analyzer/sites.h) as JSON fields of o, and as text ("(not traced)" for none). */
void cli_site_json(const struct hg_heap *h, const struct hg_site *s, json_t *o);
const char *cli_site_text(const struct hg_heap *h, const struct hg_site *s, char *buf, size_t n);
/*
 * Allocation sites as JSON, the limit with the largest retained (or with
 * by_shallow, shallow) sizes first (sorts rows): {filename, lineno,
 * function, at, retained, shallow, objects, type}.
 */
json_t *cli_sites_json(const struct hg_heap *h, struct hg_site *rows, size_t n, size_t limit, int by_shallow);
/* 0 when the heap has allocation tracebacks; else says why not and returns the exit code. */
int cli_need_tracebacks(const char *cmd, const struct hg_heap *h);

#endif
