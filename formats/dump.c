/*
 * dump.c - the table of dump readers (see dump.h).
 */
#include <string.h>
#include "dump.h"
#include "core.h"
#include "cpython.h"
#include "input.h"
#include "../common/util.h"

static int load_core(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		     struct hg_warnings *w, struct hg_error *err)
{
	struct hg_core_options copt = { opt ? opt->sysroot : NULL };
	struct hg_core core;
	struct hg_python py;
	int rc = -1;

	if (hg_core_open(&core, path, &copt, err) < 0)
		goto out;
	if (hg_cpython_detect(&core, &py, err) < 0)
		goto out;
	if (!py.supported) {
		hg_errorf(err, HG_EUNSUPPORTED, "%s: Python %s is not supported (3.8 to 3.13 are)", path, py.version);
		goto out;
	}
	rc = hg_cpython_load(&core, &py, h, err);
out:
	for (size_t i = 0; i < core.warnings.nr; i++)
		hg_warnf(w, "%s", core.warnings.line[i]);
	hg_core_release(&core);
	return rc;
}

static int probe_elf(const unsigned char *head, size_t n)
{
	return n >= 4 && !memcmp(head, "\177ELF", 4);
}

static const struct reader {
	const char *name;
	int (*probe)(const unsigned char *head, size_t n);
	int (*load)(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		    struct hg_warnings *w, struct hg_error *err);
} readers[] = {
	{ "elf-core", probe_elf, load_core },
};

int hg_dump_load(const char *path, const struct hg_dump_options *opt, struct hg_heap *h,
		 struct hg_warnings *w, struct hg_error *err)
{
	struct hg_input in;
	unsigned char head[64];
	size_t n;

	hg_heap_init(h);
	/* Probe on the uncompressed bytes: a .zst core is still an ELF core. */
	if (hg_input_open(&in, path, NULL, err) < 0) {
		hg_heap_release(h);
		return -1;
	}
	n = in.size < sizeof(head) ? in.size : sizeof(head);
	memcpy(head, in.data, n);
	hg_input_release(&in);
	for (size_t i = 0; i < HG_ARRAY_SIZE(readers); i++)
		if (readers[i].probe(head, n)) {
			if (readers[i].load(path, opt, h, w, err) == 0)
				return 0;
			hg_heap_release(h);
			return -1;
		}
	hg_heap_release(h);
	return hg_errorf(err, HG_EFORMAT, "%s: not a dump heapgraph can read (an ELF core file, plain, .gz or .zst)", path);
}
