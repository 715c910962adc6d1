/*
 * harness.h - what the fuzz targets that read files share: a private
 * folder for the files (removed at exit) and writing an input there.
 * Include it after defining _GNU_SOURCE.
 */
#ifndef HG_FUZZ_HARNESS_H
#define HG_FUZZ_HARNESS_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char *fuzz_dir_made;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_dir(void)
{
	nftw(fuzz_dir_made, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A private folder for a target's files (and caches: $XDG_CACHE_HOME points there), removed at exit. */
static inline const char *fuzz_dir(char *tmpl)
{
	if (!mkdtemp(tmpl))
		abort();
	setenv("XDG_CACHE_HOME", tmpl, 1);
	fuzz_dir_made = tmpl;
	atexit(remove_dir);
	return tmpl;
}

/* data as the file at path */
static inline void fuzz_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
}

#endif
