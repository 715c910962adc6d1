/*
 * main.c - the command table and dispatch.  Each command lives in its own
 * cmd-NAME.c, parses its options, calls the library and prints.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../common/util.h"
#include "../formats/cpython/cpython.h"

int cmd_info(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_growth(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_tracemalloc(int argc, char **argv);
int cmd_types(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_backrefs(int argc, char **argv);
int cmd_refs(int argc, char **argv);

/* The options chain, backrefs and refs share (cli/picture.c). */
#define PICTURE_HELP \
	"  --type T        objects of type T (X, or module.X), picked as --pick says\n" \
	"  --limit K       how many objects --type picks (default 3)\n" \
	"  --pick HOW      group (default): T's objects are grouped by their chain from a\n" \
	"                  root, keys and indexes merged (MAT's merge shortest paths), and\n" \
	"                  those retaining most are picked from the group whose objects\n" \
	"                  take the most bytes themselves (where T's memory is);\n" \
	"                  largest, retained: the largest shallow or retained size; random\n" \
	"  -o, --output F  write a picture: .dot .png .svg .pdf .xdot .ps .jpg .gif (default: DOT on stdout)\n" \
	"  --max-depth N   how far from the objects to draw (default 3)\n" \
	"  --too-many N    draw at most N neighbours of an object, count the rest (default 10)\n" \
	"  --filter EXPR   leave out neighbours: type=T,type!=T,size>N,size<N,reachable,gc (! negates)\n" \
	"  --highlight T   draw objects of type T in blue\n" \
	"  --refcounts     show each object's reference count\n" \
	"  --extra-info F  more label lines: addr,size,refcount,referrers,gc,reachable,\n" \
	"                  traceback (where tracemalloc saw it allocated)\n" \
	"  --legend        explain the colours in a note\n" \
	"  --max-width PX  keep each rank of the picture under about PX pixels (default 2400;\n" \
	"                  0: no limit); the objects left out are counted in \"N more\" boxes\n" \
	"  --unfold        draw like neighbours one by one (objgraph's way) instead of folding\n" \
	"                  5 or more of one type, reached by the same attribute or as items,\n" \
	"                  into one node (\"dict × 1179 like this\")\n" \
	"  --sysroot DIR   look for the files the process mapped under DIR\n"

const struct cmd hg_commands[] = {
	{ "info", cmd_info, "DUMP [--json] [--sysroot DIR]",
	  "what the dump is: format, process, threads, mapped files, Python version",
	  "  --json          one JSON object instead of text\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n" },
	{ "analyze", cmd_analyze, "[DUMP] [--json] [--sysroot DIR]",
	  "summary: objects, bytes, top types, roots, unreachable objects, biggest retainers, leak suspects",
	  "  --json          one JSON object instead of text\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n"
	  "Leak suspects follow two rules: an object retaining 10% of the heap or more is\n"
	  "followed down the dominator tree, into the child retaining the most while it keeps\n"
	  "80% of its parent's, to where the memory spreads out (Eclipse MAT's accumulation\n"
	  "point); and a container holding 500 or more items, most of one type, retaining 1%\n"
	  "of the heap or more.  Each says what it is, how much it retains, the chain that\n"
	  "holds it and what it holds (a dict's keys, else its items' reprs).\n"
	  "Writes an index beside the dump (DUMP.hgi) so that later commands need not\n"
	  "read the dump again, and remembers DUMP as the default for later commands.\n" },
	{ "types", cmd_types, "[DUMP] [--gc-only] [--by-line] [--sort bytes|count] [--limit N] [--json]",
	  "histogram: objects, shallow and retained bytes per type",
	  "  --gc-only       count only what gc.get_objects() returns (objgraph's typestats)\n"
	  "  --by-line       one row per type and line that allocated the objects (the dump of\n"
	  "                  a process tracing with tracemalloc); JSON rows add filename,\n"
	  "                  lineno and function\n"
	  "Retained is what freeing every object of the type would free: the retained sizes\n"
	  "of those no other object of the type holds alone (MAT's minimum retained size).\n"
	  "  --sort KEY      order by 'bytes' (default) or 'count'\n"
	  "  --limit N       print the first N types only\n"
	  "  --json          one JSON object instead of text\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n" },
	{ "top", cmd_top, "[DUMP] [--by-line] [--limit N] [--json]",
	  "what holds the memory: the objects that retain the most, with their chains",
	  "  --limit N       the first N objects (default 20)\n"
	  "  --json          an array sorted by retained size: {addr, type, repr, shallow,\n"
	  "                  retained, path}\n"
	  "  --by-line       the lines that allocated the objects (tracemalloc), by what\n"
	  "                  freeing all of a line's objects would free; JSON: {filename,\n"
	  "                  lineno, function, at, retained, shallow, objects, type}\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n"
	  "An object's retained size is what freeing it would free: the shallow sizes of the\n"
	  "objects every chain from a root to them passes through it (weak references never\n"
	  "retain).  The biggest are the roots of what holds the memory.\n" },
	{ "show", cmd_show, "[DUMP] ADDR... [--limit N] [--json]",
	  "one object: type, size, repr, what it refers to and what refers to it, labeled",
	  "  --limit N       list at most N referents and referrers (default 50; 0: all)\n"
	  "  --json          a JSON array, one object per address\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n"
	  "When the process was tracing with tracemalloc, where the object was allocated:\n"
	  "its traceback, oldest call first, each line with the function that holds it.\n" },
	{ "chain", cmd_chain, "[DUMP] ADDR...|--type T [--all N] [--weak] [--json] [-o F.png]",
	  "why is it alive: the shortest chain of references from a root",
	  "  --all N         up to N chains that start at different roots\n"
	  "  --weak          follow weak references too\n"
	  "  --json          an array, one {target, found, traceback, root, steps, path} per\n"
	  "                  object (with --all, chains too)\n"
	  "  -o FILE         draws the chains (the picture options below apply to it)\n"
	PICTURE_HELP },
	{ "backrefs", cmd_backrefs, "[DUMP] ADDR...|--type T [-o F.png] [options]",
	  "picture of what refers to the objects (objgraph's show_backrefs)",
	PICTURE_HELP },
	{ "refs", cmd_refs, "[DUMP] ADDR...|--type T [-o F.png] [options]",
	  "picture of what the objects refer to (objgraph's show_refs)",
	PICTURE_HELP },
	{ "growth", cmd_growth, "OLD NEW [NEWER...] [--gc-only] [--limit N] [--json]",
	  "what grew between dumps of one process, the new objects and where they hang",
	  "  --gc-only       count only what gc.get_objects() returns (objgraph's show_growth)\n"
	  "  --limit N       the first N types that grew and N paths (default 10; 0: all)\n"
	  "  --json          {dumps, pid, python, types [{type, count_old, count_new,\n"
	  "                  count_delta, bytes_old, bytes_new, bytes_delta, retained_old,\n"
	  "                  retained_new, new_count, new_bytes}], new_objects {count, bytes},\n"
	  "                  paths [{path, count, bytes, example}], leak_set}\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n"
	  "Types are sorted as show_growth sorts them: the largest count increase first.\n"
	  "An object is new when the oldest dump has no object of its type at its address\n"
	  "(CPython objects never move).  The new objects are merged by where they hang: each\n"
	  "counts under the first new object on its shortest chain from a root, and those\n"
	  "chains are grouped with keys and indexes merged (Eclipse MAT's merge shortest\n"
	  "paths).  With three dumps or more, the leak set too (memlab's): the objects new\n"
	  "in the second dump that every later dump still has.  The dumps must be of one\n"
	  "process (same pid and Python), else exit 2.\n" },
	{ "report", cmd_report, "[DUMP | OLD NEW [NEWER...]] -o F.html [--gc-only] [--sysroot DIR]",
	  "the page to attach to a bug report: one self-contained HTML file",
	  "  -o, --output F  write the page to F.html (default standard output)\n"
	  "  --gc-only       with two dumps or more: count growth as gc.get_objects() would\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n"
	  "What the dump is, the summary, the leak suspects with their chains and a backrefs\n"
	  "picture of each (inline SVG), the biggest retainers, the top types with their\n"
	  "retained sizes, and, given two dumps or more (oldest first, the page is about the\n"
	  "last), what grew and where the new objects hang.  No scripts, nothing fetched:\n"
	  "it opens from an e-mail attachment; every string from the dump is text.\n" },
	{ "tracemalloc", cmd_tracemalloc, "top SNAP | compare OLD NEW [--key-type K] [--cumulative] [--limit N] [--json]",
	  "Snapshot.statistics() and compare_to(): of Snapshot.dump() files, or of cores",
	  "  --key-type K    lineno (default), filename or traceback, as statistics(key_type)\n"
	  "  --cumulative    count every frame of a traceback, not only the most recent one\n"
	  "  --limit N       the first N statistics (default: all)\n"
	  "  --include GLOB  keep the traces whose most recent frame's file matches GLOB\n"
	  "                  (tracemalloc.Filter(True, GLOB)); may be given again\n"
	  "  --exclude GLOB  drop those (tracemalloc.Filter(False, GLOB)); may be given again\n"
	  "  --all-frames    the filters look at every frame of a traceback (all_frames=True)\n"
	  "  --json          an array of {traceback [{filename, lineno}], size, count} (compare:\n"
	  "                  size_diff, count_diff too), frames oldest first\n"
	  "  --sysroot DIR   (cores) look for the files the process mapped under DIR\n"
	  "compare OLD NEW is NEW.compare_to(OLD).  The output is Python's: the same sizes,\n"
	  "counts and order, a line as print(statistic) writes it.  The file is read by a\n"
	  "pickle reader that knows only what these files hold: nothing in it is run.  A core\n"
	  "of a process that was tracing (PYTHONTRACEMALLOC=25, tracemalloc.start()) is read\n"
	  "as take_snapshot() would have seen it then: its traces, every domain.\n" },
	{ "export", cmd_export, "[DUMP] [-o FILE.jsonl[.gz|.zst]|FILE.graphml] [--sysroot DIR]",
	  "the whole graph as heapgraph JSONL or GraphML: objects, labeled references, roots",
	  "  -o, --output F  write to F: .jsonl, .jsonl.gz or .jsonl.zst (compressed), or .graphml\n"
	  "                  (GraphML for networkx, Gephi, yEd); default JSONL on standard output\n"
	  "  --sysroot DIR   look for the files the process mapped under DIR\n" },
	{ "dump", cmd_dump, "PID [-o FILE[.gz|.zst]] [--no-fork]",
	  "a core of a running process, without gdb, for the other commands (stops it briefly)",
	  "  -o, --output F  write to F (default core.PID); .gz or .zst compress it\n"
	  "  --no-fork       copy its memory while it is stopped: no call is made in it, but\n"
	  "                  it stands still longer\n"
	  "The process's threads are stopped (ptrace) while their registers are read and it\n"
	  "forks a copy of itself that never runs (a call put in its way); it then runs on\n"
	  "while the core is written from the copy, which is then ended.  Memory the files\n"
	  "it mapped hold is left to them (the core names them, as a kernel core does).\n"
	  "Needs the right to trace the process: its user, or root, as Yama's ptrace_scope\n"
	  "allows; in a container, CAP_SYS_PTRACE.  gdb reads the core too.\n" },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct cmd *cli_find_command(const char *name)
{
	for (const struct cmd *c = hg_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* a failure to write was said (the end of main says one no one said) */
static int write_failure_said;

int cli_fail(const struct hg_error *err)
{
	write_failure_said |= err->code == HG_EWRITE;
	fprintf(stderr, "heapgraph: %s\n", err->msg[0] ? err->msg : "failed");
	return err->code ? err->code : HG_EFORMAT;
}

int cli_usage(const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "heapgraph %s: ", name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see 'heapgraph help %s')\n", name);
	return HG_EUSAGE;
}

int cli_bad_option(const char *cmd, int ch, char **argv)
{
	if (ch == ':')
		return cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
	return cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
}

int cli_number(const char *cmd, const char *opt, const char *arg, long min, long *out)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*end || !*arg || v < min)
		return cli_usage(cmd, "%s takes a whole number (at least %ld), not '%s'", opt, min, arg);
	*out = v;
	return 0;
}

void cli_print_warnings(const struct hg_warnings *w)
{
	for (size_t i = 0; i < w->nr; i++)
		fprintf(stderr, "heapgraph: warning: %s\n", w->line[i]);
}

void cli_command_help(FILE *f, const struct cmd *c)
{
	fprintf(f, "usage: heapgraph %s %s\n\n%s\n\n%s", c->name, c->usage, c->summary, c->help);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: heapgraph COMMAND [DUMP] [options]\n"
		"       heapgraph help [COMMAND]\n"
		"       heapgraph --version\n\n"
		"heapgraph reads a core dump (or a snapshot) of a CPython %s process offline.\n\n"
		"commands:\n", hg_cpython_supported());
	for (const struct cmd *c = hg_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nstart with: heapgraph analyze DUMP   (then the DUMP argument may be left out)\n"
		"            heapgraph chain --type T   /   heapgraph backrefs --type T -o out.png\n");
	fprintf(f, "\nexit codes: 0 success, 1 not found, 2 usage error, 3 unreadable or malformed input,\n"
		"            4 unsupported, 5 failure while writing output\n");
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int rc;

	hg_alloc_setup();
	cli_steps();
	if (argc < 2) {
		usage(stderr);
		return HG_EUSAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("heapgraph %s\n", HG_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc > 2) {
			c = cli_find_command(argv[2]);
			if (!c) {
				fprintf(stderr, "heapgraph: no command '%s' (see 'heapgraph help')\n", argv[2]);
				return HG_EUSAGE;
			}
			cli_command_help(stdout, c);
			return 0;
		}
		usage(stdout);
		return 0;
	}
	c = cli_find_command(argv[1]);
	if (!c) {
		fprintf(stderr, "heapgraph: no command '%s' (see 'heapgraph help')\n", argv[1]);
		return HG_EUSAGE;
	}
	rc = c->fn(argc - 1, argv + 1);
	/* what could not be written to standard output (a full disk, a closed pipe) fails the command, said once */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno;

		if (!write_failure_said)
			fprintf(stderr, "heapgraph: standard output: write failed%s%s\n", e ? ": " : "", e ? strerror(e) : "");
		rc = HG_EWRITE;
	}
	return rc;
}
