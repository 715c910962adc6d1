/*
 * detect.c - locating _PyRuntime and the Python version in a core: the
 * exported symbol or the .PyRuntime section, then the version from the
 * _Py_DebugOffsets cookie at &_PyRuntime (3.13+), Py_Version (3.11+), the
 * text Py_GetVersion() leaves in .bss, or the file name
 * (docs/cpython-versions.md, "Finding the interpreter").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpython.h"
#include "layout.h"
#include "../../common/util.h"

const char *hg_cpython_supported(void)
{
	static char range[32];

	if (!range[0])
		snprintf(range, sizeof(range), "3.%d to 3.%d", HG_PY_MINOR_FIRST, HG_PY_MINOR_LAST);
	return range;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void set_version(struct hg_python *py, uint32_t hex, const char *source)
{
	py->version_hex = hex;
	py->major = (int)(hex >> 24) & 0xff;
	py->minor = (int)(hex >> 16) & 0xff;
	py->micro = (int)(hex >> 8) & 0xff;
	py->version_source = source;
	snprintf(py->version, sizeof(py->version), "%d.%d.%d", py->major, py->minor, py->micro);
	/* Release level: 0xA alpha, 0xB beta, 0xC candidate, 0xF final. */
	switch ((hex >> 4) & 0xf) {
	case 0xa: case 0xb: case 0xc: {
		size_t n = strlen(py->version);

		snprintf(py->version + n, sizeof(py->version) - n, "%s%u",
			 ((hex >> 4) & 0xf) == 0xa ? "a" : ((hex >> 4) & 0xf) == 0xb ? "b" : "rc",
			 hex & 0xf);
		break;
	}
	}
}

/*
 * Parses "3.11.2 (main, ...": the version Py_GetVersion() leaves in .bss (3.8+).
 * s[0..n) is dump memory with no terminating NUL: sscanf reads a
 * NUL-terminated copy of at most 47 bytes, never past the end of s.
 */
static int parse_version_string(const char *s, size_t n, uint32_t *hex)
{
	for (size_t i = 0; i + 6 < n; i++) {
		unsigned maj, min, mic;
		int used = 0;
		char win[48];
		size_t w = n - i < sizeof(win) - 1 ? n - i : sizeof(win) - 1;
		const char *p;

		if (s[i] != '3' || s[i + 1] != '.' || (i && isdigit((unsigned char)s[i - 1])))
			continue;
		memcpy(win, s + i, w);
		win[w] = '\0';
		if (sscanf(win, "%u.%u.%u%n", &maj, &min, &mic, &used) != 3 || min > 99 || mic > 99)
			continue;
		/* " (" must follow within 20 characters, as in "3.8.18 (default, ...". */
		p = memchr(win + used, '(', w - (size_t)used < 22 ? w - (size_t)used : 22);
		if (!p || p[-1] != ' ')
			continue;
		*hex = (maj << 24) | (min << 16) | (mic << 8) | 0xf0;
		return 0;
	}
	return -1;
}

static int version_from_bss(struct hg_core *c, struct hg_core_file *f, uint32_t *hex)
{
	const Elf64_Shdr *bss = f->is_elf ? hg_elf_section(&f->elf, ".bss") : NULL;
	uint64_t a, end;

	if (!bss)
		return -1;
	a = bss->sh_addr + f->bias;
	if (hg_add_ok(a, bss->sh_size, &end) < 0)
		end = UINT64_MAX;
	/*
	 * Region by region, so a hole in the dump does not hide the rest; a hole
	 * is jumped over in one step, as sh_size comes from a file and may be huge.
	 */
	while (a < end) {
		const struct hg_core_region *r = hg_core_region_at(c, a);
		uint64_t n;

		if (!r) {
			r = hg_core_region_after(c, a);
			if (!r || r->start >= end)
				break;
			a = r->start;
		}
		n = (r->end < end ? r->end : end) - a;
		if (parse_version_string((const char *)r->data + (a - r->start), (size_t)n, hex) == 0)
			return 0;
		a += n;
	}
	return -1;
}

static int version_from_name(const char *path, uint32_t *hex)
{
	const char *b = base_name(path), *p = strstr(b, "python3.");
	unsigned min;

	if (!p || sscanf(p + 8, "%u", &min) != 1)
		return -1;
	*hex = (3u << 24) | (min << 16);
	return 0;
}

int hg_cpython_detect(struct hg_core *c, struct hg_python *py, struct hg_error *err)
{
	struct hg_core_file *f = NULL;
	char cookie[8];
	uint64_t v;
	uint32_t hex;

	memset(py, 0, sizeof(*py));
	for (size_t i = 0; i < c->nfiles && !f; i++) {
		struct hg_core_file *cand = &c->files[i];
		const Elf64_Shdr *s;

		if (!cand->is_elf || cand->status == HG_FILE_MISMATCH || cand->status == HG_FILE_MISSING)
			continue;
		if (hg_core_file_symbol(c, i, "_PyRuntime", &py->runtime) == 0 ||
		    ((s = hg_elf_section(&cand->elf, ".PyRuntime")) && (py->runtime = s->sh_addr + cand->bias))) {
			f = cand;
			py->image = i;
		}
	}
	if (!f) {
		for (size_t i = 0; i < c->nfiles; i++) {
			const char *b = base_name(c->files[i].path);

			if (strstr(b, "python") && (c->files[i].status == HG_FILE_MISSING ||
						    c->files[i].status == HG_FILE_MISMATCH))
				return hg_errorf(err, HG_ENOTFOUND,
						 "%s: no CPython runtime found: the interpreter image %s is %s "
						 "(pass --sysroot DIR with the files the process used)",
						 c->path, c->files[i].path,
						 c->files[i].status == HG_FILE_MISSING ? "missing" : "another build");
		}
		return hg_errorf(err, HG_ENOTFOUND,
				 "%s: no CPython runtime found (is this a Python process?)", c->path);
	}
	py->image_path = f->path;
	py->shared = c->executable ? strcmp(c->executable, f->path) != 0 : strstr(base_name(f->path), ".so") != NULL;

	if (hg_core_read(c, py->runtime, cookie, 8) == 0 && !memcmp(cookie, HG_PY_DEBUG_COOKIE, 8) &&
	    hg_core_read_u64(c, py->runtime + HG_PY_DEBUG_VERSION, &v) == 0 && (v >> 24) == 3)
		set_version(py, (uint32_t)v, "_Py_DebugOffsets");
	else if (hg_core_file_symbol(c, py->image, "Py_Version", &v) == 0 &&
		 hg_core_read(c, v, &hex, 4) == 0 && (hex >> 24) == 3)
		set_version(py, hex, "Py_Version");
	else if (version_from_bss(c, f, &hex) == 0)
		set_version(py, hex, "version string");
	else if (version_from_name(f->path, &hex) == 0) {
		set_version(py, hex, "file name");
		snprintf(py->version, sizeof(py->version), "%d.%d", py->major, py->minor);
	} else
		return hg_errorf(err, HG_ENOTFOUND, "%s: found _PyRuntime in %s but not the Python version",
				 c->path, f->path);
	/* _Py_DebugOffsets.free_threaded (3.13+): a build without the GIL lays objects out differently */
	if (!strcmp(py->version_source, "_Py_DebugOffsets") && hg_core_read_u64(c, py->runtime + HG_PY_DEBUG_FREE_THREADED, &v) == 0 && v)
		py->free_threaded = 1;
	py->supported = py->major == 3 && py->minor >= HG_PY_MINOR_FIRST && py->minor <= HG_PY_MINOR_LAST &&
			!py->free_threaded;
	return 0;
}
