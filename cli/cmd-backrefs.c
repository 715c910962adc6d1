/*
 * cmd-backrefs.c - "heapgraph backrefs" and "heapgraph refs": pictures of
 * what refers to the objects, or what they refer to (objgraph's
 * show_backrefs and show_refs).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include "cli.h"
#include "picture.h"

static int run(int argc, char **argv, const char *cmd, int backrefs)
{
	static const struct option opts[] = {
		PICTURE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct picture_opts po;
	struct hg_heap h;
	uint32_t *targets;
	size_t n;
	int ch, rc;

	picture_opts_init(&po, cmd);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1)
		if ((rc = picture_opt(&po, ch, argv)) != 0)
			return rc < 0 ? 0 : rc;
	if ((rc = picture_targets(&po, argc, argv, optind, &h, &targets, &n)))
		return rc;
	rc = picture_write(&po, &h, targets, n, backrefs);
	free(targets);
	hg_heap_release(&h);
	return rc;
}

int cmd_backrefs(int argc, char **argv)
{
	return run(argc, argv, "backrefs", 1);
}

int cmd_refs(int argc, char **argv)
{
	return run(argc, argv, "refs", 0);
}
