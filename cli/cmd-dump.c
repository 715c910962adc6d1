/*
 * cmd-dump.c - "heapgraph dump PID [-o FILE]": a core of a live process,
 * taken without gdb (formats/coredump.c), for the other commands to read.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "../common/util.h"
#include "../formats/coredump.h"

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "no-fork", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct hg_coredump_stats st;
	struct hg_warnings warn = { NULL, 0, 0 };
	struct hg_error err = { 0, "" };
	const char *out = NULL;
	char *def = NULL, *end;
	long pid;
	int ch, rc, no_fork = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'n': no_fork = 1; break;
		case 'h': cli_command_help(stdout, cli_find_command("dump")); return 0;
		default: return cli_bad_option("dump", ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage("dump", "which process? give one PID");
	pid = strtol(argv[optind], &end, 10);
	if (*end || end == argv[optind] || pid <= 0 || pid > 0x3fffffff)
		return cli_usage("dump", "a PID is a positive whole number, not '%s'", argv[optind]);
	if (!out || !strcmp(out, "-")) {
		if (out)
			return cli_usage("dump", "-o: a core goes to a file, not to standard output");
		out = def = xasprintf("core.%ld", pid);
	}
	rc = hg_coredump((int)pid, out, no_fork, &st, &warn, &err);
	cli_print_warnings(&warn);
	hg_warnings_release(&warn);
	if (rc < 0) {
		free(def);
		return cli_fail(&err);
	}
	fprintf(stderr, "heapgraph: wrote %s: %u thread%s, %u segments, %.1f MiB of memory; the process was stopped "
		"for %.0f ms%s\n", out, st.threads, st.threads == 1 ? "" : "s", st.segments, st.bytes / 1048576.0,
		st.pause_s * 1000, st.streamed ? " (written while stopped: too big to copy first)" : "");
	free(def);
	return 0;
}
