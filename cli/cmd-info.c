/*
 * cmd-info.c - "heapgraph info DUMP": what the dump is.  Builds one JSON
 * object (jansson) and prints it, or prints the same facts as text.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <jansson.h>
#include <string.h>
#include "cli.h"
#include "../formats/core.h"
#include "../formats/cpython/cpython.h"
#include "../render/json.h"

static json_t *describe(struct hg_core *c, struct hg_python *py, int have_py, const char *py_msg)
{
	json_t *o = json_object(), *threads = json_array(), *files = json_array(), *w = json_array();

	json_object_set_new(o, "file", hg_json_str(c->path));
	json_object_set_new(o, "format", json_string("elf-core"));
	json_object_set_new(o, "compression", json_string(hg_compression_name(c->in.compression)));
	json_object_set_new(o, "size", json_integer((json_int_t)c->in.file_size));
	json_object_set_new(o, "uncompressed_size", json_integer((json_int_t)c->in.size));
	json_object_set_new(o, "arch", json_string(c->arch->name));
	json_object_set_new(o, "pid", c->have_prpsinfo ? json_integer(c->pid) :
			    c->nthreads ? json_integer(c->threads[0].tid) : json_null());
	json_object_set_new(o, "ppid", c->have_prpsinfo ? json_integer(c->ppid) : json_null());
	json_object_set_new(o, "command", c->have_prpsinfo ? hg_json_str(c->psargs) : json_null());
	json_object_set_new(o, "executable", c->executable ? hg_json_str(c->executable) : json_null());
	json_object_set_new(o, "signal", json_integer(c->signo));
	for (size_t i = 0; i < c->nthreads; i++) {
		json_t *t = json_object();

		json_object_set_new(t, "tid", json_integer(c->threads[i].tid));
		json_object_set_new(t, "pc", hg_json_addr(c->threads[i].pc));
		json_object_set_new(t, "sp", hg_json_addr(c->threads[i].sp));
		json_array_append_new(threads, t);
	}
	json_object_set_new(o, "threads", threads);
	json_object_set_new(o, "segments", json_integer((json_int_t)c->nsegments));
	json_object_set_new(o, "mappings", json_integer((json_int_t)c->nmappings));
	for (size_t i = 0; i < c->nfiles; i++) {
		json_t *f = json_object();

		json_object_set_new(f, "path", hg_json_str(c->files[i].path));
		json_object_set_new(f, "status", json_string(hg_file_status_name(c->files[i].status)));
		json_object_set_new(f, "build_id", c->files[i].build_id[0] ?
				    json_string(c->files[i].build_id) : json_null());
		if (c->files[i].disk_path && strcmp(c->files[i].disk_path, c->files[i].path))
			json_object_set_new(f, "found_at", hg_json_str(c->files[i].disk_path));
		json_array_append_new(files, f);
	}
	json_object_set_new(o, "files", files);
	if (have_py) {
		json_t *p = json_object();

		json_object_set_new(p, "version", json_string(py->version));
		json_object_set_new(p, "version_hex", hg_json_addr(py->version_hex));
		json_object_set_new(p, "version_source", json_string(py->version_source));
		json_object_set_new(p, "runtime", hg_json_addr(py->runtime));
		json_object_set_new(p, "image", hg_json_str(py->image_path));
		json_object_set_new(p, "build", json_string(py->shared ? "shared" : "static"));
		json_object_set_new(p, "supported", json_boolean(py->supported));
		json_object_set_new(p, "free_threaded", json_boolean(py->free_threaded));
		json_object_set_new(o, "python", p);
	} else {
		json_object_set_new(o, "python", json_null());
		json_object_set_new(o, "python_message", hg_json_str(py_msg));
	}
	json_object_set_new(o, "incomplete", json_boolean(c->incomplete));
	for (size_t i = 0; i < c->warnings.nr; i++)
		json_array_append_new(w, hg_json_str(c->warnings.line[i]));
	json_object_set_new(o, "warnings", w);
	return o;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

static void print_text(json_t *o, struct hg_core *c)
{
	json_t *py = json_object_get(o, "python"), *v;
	size_t i, counts[4] = { 0, 0, 0, 0 };
	const char *sig;

	printf("%s: ELF core, %s, %lld bytes", jstr(o, "file"), jstr(o, "arch"),
	       (long long)json_integer_value(json_object_get(o, "size")));
	if (c->in.compression != HG_COMP_NONE)
		printf(" (%s, %lld uncompressed)", jstr(o, "compression"),
		       (long long)json_integer_value(json_object_get(o, "uncompressed_size")));
	printf("%s\n", c->incomplete ? " [incomplete]" : "");
	if (c->have_prpsinfo)
		printf("pid         %d (ppid %d)\ncommand     %s\n", c->pid, c->ppid, jstr(o, "command"));
	printf("executable  %s\n", c->executable ? jstr(o, "executable") : "(unknown)");
	sig = c->signo ? sigabbrev_np(c->signo) : NULL;
	if (c->signo)
		printf("signal      %d%s%s\n", c->signo, sig ? " SIG" : "", sig ? sig : "");
	printf("threads     %zu\n", c->nthreads);
	json_array_foreach(json_object_get(o, "threads"), i, v)
		printf("  tid %-8lld pc %-18s sp %s\n", (long long)json_integer_value(json_object_get(v, "tid")),
		       jstr(v, "pc"), jstr(v, "sp"));
	for (i = 0; i < c->nfiles; i++)
		counts[c->files[i].status]++;
	printf("mappings    %zu segments, %zu file mappings of %zu files (%zu ok, %zu unverified, %zu missing, %zu mismatch)\n",
	       c->nsegments, c->nmappings, c->nfiles, counts[HG_FILE_OK], counts[HG_FILE_UNVERIFIED],
	       counts[HG_FILE_MISSING], counts[HG_FILE_MISMATCH]);
	json_array_foreach(json_object_get(o, "files"), i, v)
		if (c->files[i].status != HG_FILE_OK)
			printf("  %-10s %s\n", jstr(v, "status"), jstr(v, "path"));
	if (json_is_null(py)) {
		printf("python      none: %s\n", jstr(o, "python_message"));
		return;
	}
	printf("python      %s (%s build, from %s)", jstr(py, "version"), jstr(py, "build"),
	       jstr(py, "version_source"));
	if (json_is_true(json_object_get(py, "free_threaded")))
		printf(" [free-threaded: not supported]");
	else if (!json_is_true(json_object_get(py, "supported")))
		printf(" [not supported: %s only]", hg_cpython_supported());
	printf("\n");
	printf("_PyRuntime  %s in %s\n", jstr(py, "runtime"), jstr(py, "image"));
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysroot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct hg_core_options copt = { NULL };
	struct hg_error err = { 0, "" }, pyerr = { 0, "" };
	struct hg_core core;
	struct hg_python py;
	int json = 0, ch, have_py;
	json_t *o;

	opterr = 0;
	/* The leading ':' makes a missing option value ':' instead of '?'. */
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': json = 1; break;
		case 's': copt.sysroot = optarg; break;
		case 'h': cli_command_help(stdout, cli_find_command("info")); return 0;
		default: return cli_bad_option("info", ch, argv);
		}
	}
	if (optind != argc - 1)
		return cli_usage("info", optind == argc ? "which dump? (heapgraph info DUMP)" : "one dump at a time");
	copt.sysroot = cli_sysroot(copt.sysroot);
	if (hg_core_open(&core, argv[optind], &copt, &err) < 0) {
		hg_core_release(&core);
		return cli_fail(&err);
	}
	have_py = hg_cpython_detect(&core, &py, &pyerr) == 0;
	o = describe(&core, &py, have_py, pyerr.msg);
	if (json) {
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);

		puts(s);
		free(s);
	} else {
		print_text(o, &core);
	}
	cli_print_warnings(&core.warnings);
	json_decref(o);
	hg_core_release(&core);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : HG_EWRITE;
}
