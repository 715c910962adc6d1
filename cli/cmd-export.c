/*
 * cmd-export.c - "heapgraph export DUMP -o F.jsonl[.gz]|F.graphml": the whole graph.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <string.h>
#include "cli.h"
#include "../formats/dump.h"
#include "../render/graphml.h"
#include "../render/snapshot.h"

static int ends_with(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && !strcmp(s + n - m, sfx);
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *sysroot = NULL;
	struct hg_error err = { 0, "" };
	struct hg_heap h;
	const char *out = NULL;
	int ch, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 's': sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("export")); return 0;
		default: return cli_bad_option("export", ch, argv);
		}
	}
	if (optind < argc - 1)
		return cli_usage("export", "one dump at a time");
	if (out && !ends_with(out, ".jsonl") && !ends_with(out, ".jsonl.gz") && !ends_with(out, ".jsonl.zst") &&
	    !ends_with(out, ".graphml"))
		return cli_usage("export", "-o takes a .jsonl, .jsonl.gz, .jsonl.zst or .graphml file");
	if ((ch = cli_load("export", optind < argc ? argv[optind] : NULL, sysroot, &h, NULL)))
		return ch;
	if (out && ends_with(out, ".graphml"))
		rc = hg_graphml_write(&h, out, &err);
	else
		rc = hg_snapshot_write(&h, out, &err);
	hg_heap_release(&h);
	return rc < 0 ? cli_fail(&err) : 0;
}
