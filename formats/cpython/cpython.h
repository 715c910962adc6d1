/*
 * cpython.h - finding the CPython interpreter inside a core: the image that
 * holds _PyRuntime, its address, and the Python version.
 */
#ifndef HG_CPYTHON_H
#define HG_CPYTHON_H

#include <stdint.h>
#include "../core.h"

struct hg_python {
	uint32_t version_hex;	/* PY_VERSION_HEX, e.g. 0x030b02f0 */
	int major, minor, micro;
	char version[32];	/* "3.11.2" */
	const char *version_source;	/* "Py_Version", "_Py_DebugOffsets", "version string", "file name" */
	uint64_t runtime;	/* &_PyRuntime in the process */
	size_t image;		/* index into core->files */
	const char *image_path;
	int shared;		/* libpython is a shared library (else linked into the executable) */
	int free_threaded;	/* a 3.13t build (no GIL): other object layouts */
	int supported;		/* a version with a layout column, with the GIL */
};

/*
 * Looks for the interpreter.  Returns 0 and fills py when found; otherwise
 * -1 with HG_ENOTFOUND and a message saying why (not a Python process, or
 * the interpreter image is missing from disk).
 */
int hg_cpython_detect(struct hg_core *c, struct hg_python *py, struct hg_error *err);

/*
 * The versions heapgraph reads, as text for messages ("3.8 to 3.15"): the
 * first and last columns of the layout table.
 */
const char *hg_cpython_supported(void);

struct hg_heap;

/*
 * Rebuilds the object graph of the interpreter found by hg_cpython_detect
 * into h (initialised by the caller with hg_heap_init).  Damage met on the
 * way stops that part of the walk with a warning in c->warnings; fails only
 * when nothing can be read (HG_EFORMAT) or the version has no layout table
 * (HG_EUNSUPPORTED).
 */
int hg_cpython_load(struct hg_core *c, const struct hg_python *py, struct hg_heap *h,
		    void (*progress)(void *, uint64_t, uint64_t), void *progress_arg,
		    struct hg_error *err);

struct hg_tm_names;
struct hg_tm_snapshot;

/*
 * tracemalloc's traces in the core (what tracemalloc.take_snapshot() would
 * have given at that moment), into s with its file names in names: 0, or
 * -1 with HG_ENOTFOUND when the process was not tracing or its tables are
 * not found.  (tracemalloc.c)
 */
int hg_cpython_tracemalloc(struct hg_core *c, const struct hg_python *py, struct hg_tm_names *names,
			   struct hg_tm_snapshot *s, struct hg_error *err);

#endif
