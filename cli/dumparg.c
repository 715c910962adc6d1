/*
 * dumparg.c - which dump a command works on (README, "What it does"): the one
 * named, else $HEAPGRAPH_DUMP, else the dump analyzed last in this folder,
 * recorded per folder under $XDG_STATE_HOME/heapgraph/last-dump/ (so that
 * work in another folder, or another program's, never changes the answer
 * here).  Says on stderr which one it used.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "../common/output.h"
#include "../common/util.h"
#include "../formats/dump.h"

/* The record for the current folder: last-dump/<FNV-1a of its absolute path>; *cwd gets the path. */
static char *state_file(char **cwd)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	uint64_t hash = 0xcbf29ce484222325ull;

	*cwd = getcwd(NULL, 0);
	if (!*cwd)
		*cwd = xstrdup("/");
	for (const char *p = *cwd; *p; p++)
		hash = (hash ^ (unsigned char)*p) * 0x100000001b3ull;
	if (xdg && *xdg)
		return xasprintf("%s/heapgraph/last-dump/%016" PRIx64, xdg, hash);
	return xasprintf("%s/.local/state/heapgraph/last-dump/%016" PRIx64, home && *home ? home : "/tmp", hash);
}

void cli_remember_dump(const char *path)
{
	char *cwd, *file = state_file(&cwd), *abs = realpath(path, NULL);
	struct hg_out out;

	hg_make_parents(file);
	if (abs && hg_out_open(&out, file, NULL) == 0) {
		/* the folder, then the dump: the folder line guards against a hash collision */
		if (fprintf(out.f, "%s\n%s\n", cwd, abs) >= 0)
			hg_out_commit(&out, NULL);
		else
			hg_out_abort(&out);
	}
	free(abs);
	free(file);
	free(cwd);
}

int cli_is_dump(const char *arg)
{
	struct stat st;

	return arg && stat(arg, &st) == 0 && S_ISREG(st.st_mode);
}

char *cli_default_dump(const char *cmd)
{
	const char *env = getenv("HEAPGRAPH_DUMP");
	char *file, *cwd, folder[4096], line[4096];
	FILE *f;

	if (env && *env) {
		fprintf(stderr, "heapgraph: using %s (from $HEAPGRAPH_DUMP)\n", env);
		return xstrdup(env);
	}
	file = state_file(&cwd);
	f = fopen(file, "r");
	free(file);
	if (f && fgets(folder, sizeof(folder), f) && fgets(line, sizeof(line), f)) {
		fclose(f);
		folder[strcspn(folder, "\n")] = '\0';
		line[strcspn(line, "\n")] = '\0';
		if (*line && !strcmp(folder, cwd)) {
			fprintf(stderr, "heapgraph: using %s (the dump analyzed last in this folder)\n", line);
			free(cwd);
			return xstrdup(line);
		}
	} else if (f) {
		fclose(f);
	}
	free(cwd);
	cli_usage(cmd, "which dump? name it, set $HEAPGRAPH_DUMP, or run 'heapgraph analyze DUMP' first");
	return NULL;
}

/* A progress line on a terminal: long reads should not look like hangs. */
static void progress(void *arg, uint64_t done, uint64_t found)
{
	const char *path = arg;

	if (done < found)
		fprintf(stderr, "\rheapgraph: reading %s: %" PRIu64 " of %" PRIu64 " objects found so far...", path, done, found);
	else
		fprintf(stderr, "\r\033[K");
}

/*
 * The steps of long work: on a terminal, the step under way; with
 * $HEAPGRAPH_TIMES set, each step's wall time when it ends.
 */
static int step_tty;
static const char *step_what;
static double step_t0;
static long step_faults;

static long faults(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt + ru.ru_majflt : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void step(const char *what)
{
	double t = now();
	long f = faults();

	if (step_what && getenv("HEAPGRAPH_TIMES"))
		fprintf(stderr, "%sheapgraph: %-28s %8.3f s %8ld page faults\n", step_tty ? "\r\033[K" : "",
			step_what, t - step_t0, f - step_faults);
	if (step_tty)
		fprintf(stderr, what ? "\rheapgraph: %s...\033[K" : "\r\033[K", what);
	step_what = what;
	step_t0 = t;
	step_faults = f;
}

void cli_steps(void)
{
	step_tty = isatty(2);
	if (step_tty || getenv("HEAPGRAPH_TIMES"))
		hg_step_hook = step;
}

const char *cli_sysroot(const char *given)
{
	const char *env = getenv("HEAPGRAPH_SYSROOT");

	return given ? given : env && *env ? env : NULL;
}

int cli_load(const char *cmd, const char *arg, const char *sysroot, struct hg_heap *h, char **used)
{
	struct hg_dump_options opt = { cli_sysroot(sysroot), NULL, NULL, cli_index_summary };
	struct hg_warnings warn = { NULL, 0, 0 };
	struct hg_error err = { 0, "" };
	char *path = arg ? xstrdup(arg) : cli_default_dump(cmd);
	int from_index, rc;

	if (!path)
		return HG_EUSAGE;
	if (isatty(2)) {
		opt.progress = progress;
		opt.progress_arg = path;
	}
	rc = hg_dump_open(path, &opt, h, &warn, &from_index, &err);
	cli_print_warnings(&warn);
	hg_warnings_release(&warn);
	if (rc < 0) {
		free(path);
		return cli_fail(&err);
	}
	if (used)
		*used = path;
	else
		free(path);
	return 0;
}

json_t *cli_summary_load(const char *path, struct hg_warnings *w)
{
	char *text;
	size_t len;
	json_t *o;

	if (hg_dump_summary(path, &text, &len, w) < 0)
		return NULL;
	o = json_loadb(text, len, 0, NULL);
	free(text);
	if (!json_is_object(o) || !json_is_object(json_object_get(o, "analyze")) ||
	    !json_is_array(json_object_get(o, "top"))) {
		json_decref(o);
		hg_warnings_release(w);
		return NULL;
	}
	return o;
}
