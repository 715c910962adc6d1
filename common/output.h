/*
 * output.h - writing output files atomically: into a temporary file beside
 * the target, renamed over it only when everything was written.  A failure
 * leaves no half-written file.
 */
#ifndef HG_OUTPUT_H
#define HG_OUTPUT_H

#include <stdio.h>
#include "error.h"

struct hg_out {
	FILE *f;		/* write here */
	char *path, *tmp;
	int to_stdout;
	/*
	 * Set after open for a file that need not survive a crash: commit
	 * then renames without waiting for the data to reach the disk (the
	 * index: its user voids it across reboots, index.c).
	 */
	int no_sync;
};

/* Opens path for writing ("-" or NULL: standard output).  Fails with HG_EWRITE. */
int hg_out_open(struct hg_out *o, const char *path, struct hg_error *err);
/* Flushes, checks for write errors and renames into place; HG_EWRITE on failure. */
int hg_out_commit(struct hg_out *o, struct hg_error *err);
/* Drops a failed output: removes the temporary file. */
void hg_out_abort(struct hg_out *o);
/*
 * The same after a write into o->f failed: HG_EWRITE, "PATH: write failed"
 * with the reason when the system gave one (errno then, or what flushing
 * what is left says); returns -1.
 */
int hg_out_fail(struct hg_out *o, struct hg_error *err);

#endif
