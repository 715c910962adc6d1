/*
 * output.c - atomic output files (see output.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "output.h"
#include "util.h"

int hg_out_open(struct hg_out *o, const char *path, struct hg_error *err)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		o->to_stdout = 1;
		return 0;
	}
	o->path = xstrdup(path);
	o->tmp = xasprintf("%s.tmp-XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd < 0 || !(o->f = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		hg_errorf(err, HG_EWRITE, "%s: cannot write: %s", path, strerror(e));
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof(*o));
		return -1;
	}
	fchmod(fd, 0644);
	return 0;
}

int hg_out_commit(struct hg_out *o, struct hg_error *err)
{
	int bad;

	if (o->to_stdout) {
		bad = fflush(stdout) != 0 || ferror(stdout);
		return bad ? hg_errorf(err, HG_EWRITE, "standard output: write failed: %s", strerror(errno)) : 0;
	}
	bad = fflush(o->f) != 0 || ferror(o->f);
	bad |= !o->no_sync && fsync(fileno(o->f)) != 0 && errno != EINVAL;
	bad |= fclose(o->f) != 0;
	o->f = NULL;
	if (bad || rename(o->tmp, o->path) != 0) {
		int e = errno;

		unlink(o->tmp);
		hg_errorf(err, HG_EWRITE, "%s: write failed: %s", o->path, strerror(e));
		free(o->path);
		free(o->tmp);
		return -1;
	}
	free(o->path);
	free(o->tmp);
	return 0;
}

int hg_out_fail(struct hg_out *o, struct hg_error *err)
{
	int e = errno;

	if (o->f && fflush(o->f) != 0)
		e = errno;
	hg_errorf(err, HG_EWRITE, "%s: write failed%s%s", o->to_stdout ? "standard output" : o->path,
		  e ? ": " : "", e ? strerror(e) : "");
	hg_out_abort(o);
	return -1;
}

void hg_out_abort(struct hg_out *o)
{
	if (o->to_stdout)
		return;
	if (o->f)
		fclose(o->f);
	unlink(o->tmp);
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}
