/*
 * picture.h - what chain, backrefs and refs share: their options (objgraph's
 * show_backrefs parameters), picking the objects, and writing a picture by
 * the output file's extension.
 */
#ifndef HG_CLI_PICTURE_H
#define HG_CLI_PICTURE_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include "../analyzer/chain.h"
#include "../analyzer/heap.h"
#include "../analyzer/select.h"

struct picture_opts {
	const char *cmd;
	const char *output;	/* -o FILE */
	const char *type;	/* --type T */
	long limit;		/* objects --type picks */
	enum hg_pick pick;	/* and how (--pick) */
	long max_depth, too_many;
	const char *filter, *highlight, *extra_info, *sysroot;
	int refcounts, legend;
	int unfold;		/* --unfold: every sibling drawn, none folded (objgraph's way) */
	long max_width;		/* --max-width: pixels a rank of the picture may take */
};

#define PICTURE_FOLD 5		/* like siblings folded into one node from this many on */
#define PICTURE_MAX_WIDTH 2400

#define PICTURE_LONG_OPTIONS \
	{ "type", required_argument, NULL, 't' }, \
	{ "limit", required_argument, NULL, 'l' }, \
	{ "pick", required_argument, NULL, 'p' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "max-depth", required_argument, NULL, 'd' }, \
	{ "too-many", required_argument, NULL, 'm' }, \
	{ "filter", required_argument, NULL, 'f' }, \
	{ "highlight", required_argument, NULL, 'H' }, \
	{ "refcounts", no_argument, NULL, 'r' }, \
	{ "extra-info", required_argument, NULL, 'x' }, \
	{ "legend", no_argument, NULL, 'L' }, \
	{ "unfold", no_argument, NULL, 'U' }, \
	{ "max-width", required_argument, NULL, 'W' }, \
	{ "sysroot", required_argument, NULL, 's' }, \
	{ "help", no_argument, NULL, 'h' }

void picture_opts_init(struct picture_opts *po, const char *cmd);
/* Handles one of PICTURE_LONG_OPTIONS: 0 handled, -1 help printed (exit 0), else an exit code. */
int picture_opt(struct picture_opts *po, int ch, char **argv);
/*
 * Loads the dump ([DUMP] before the addresses, or the default one) and
 * resolves the objects: ADDR... or --type T (--limit of them, picked as
 * --pick says, saying which and why on stderr).  Returns 0 or an exit code (printed).
 */
int picture_targets(struct picture_opts *po, int argc, char **argv, int optind_,
		    struct hg_heap *h, uint32_t **targets, size_t *n);
/* show_backrefs / show_refs: the picture around the targets, to -o or DOT on stdout. */
int picture_write(struct picture_opts *po, struct hg_heap *h, const uint32_t *targets, size_t n, int backrefs);
/* show_chain: the chains drawn. */
int picture_write_chains(struct picture_opts *po, struct hg_heap *h, struct hg_chain **chains,
			 const size_t *nchains, size_t ntargets);

#endif
