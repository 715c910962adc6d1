/*
 * tracemalloc.h - tracemalloc snapshots, offline: the traces of a file
 * written by tracemalloc.Snapshot.dump() (read by formats/pickle.h), and
 * Snapshot.statistics() and compare_to() computed exactly as Python does,
 * with tracemalloc.Filter's rules (docs/tracemalloc.md says how, in detail).
 *
 * A traceback is kept as tracemalloc keeps it: the most recent frame first.
 * Python's Traceback shows it the other way (oldest first), and sorts and
 * prints by that order; hg_tm_frames_oldest_first gives that order.
 */
#ifndef HG_TRACEMALLOC_H
#define HG_TRACEMALLOC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

struct hg_tm_frame {
	uint32_t file;		/* index into the shared names */
	uint32_t lineno;
};

/* File names, shared by the snapshots compared, so that equal names are equal numbers. */
struct hg_tm_names {
	char **name;
	size_t *len;
	size_t n, alloc;
	uint32_t *table;	/* open addressing */
	size_t table_size;
	pthread_mutex_t lock;	/* two files may be read at once (hg_dump_tracemalloc_each) */
};

struct hg_tm_trace {
	uint64_t size;
	uint64_t domain;
	uint64_t ptr;		/* the block's address (read from a core; 0 from a file) */
	uint64_t count;		/* traces this entry stands for: 1 in a core; a file's equal traces are one */
	uint32_t tb;		/* index into tracebacks */
};

struct hg_tm_snapshot {
	struct hg_tm_names *names;
	struct hg_tm_frame *frames;	/* every traceback's frames, one after the other */
	size_t nframes, frames_alloc;
	uint32_t *tb_first, *tb_len;	/* tracebacks: frames[tb_first[t] .. + tb_len[t]) */
	size_t ntb, tb_alloc;
	struct hg_tm_trace *traces;
	size_t ntraces;
	int64_t traceback_limit;
	int borrowed;			/* frames and tracebacks belong to another snapshot (hg_tm_filter) */
};

void hg_tm_names_init(struct hg_tm_names *n);
void hg_tm_names_release(struct hg_tm_names *n);
/* The number of name s[0..len), added when new; any thread may ask. */
uint32_t hg_tm_name(struct hg_tm_names *n, const char *s, size_t len);

/*
 * Reads a Snapshot.dump() file (3.8's 3-tuples and 3.9+'s 4-tuples alike)
 * into s, its file names in names.  -1 with HG_EFORMAT (naming what was
 * wrong) for anything else.  (formats/tmfile.c)
 */
int hg_tm_load(const char *path, struct hg_tm_names *names, struct hg_tm_snapshot *s, struct hg_error *err);
void hg_tm_release(struct hg_tm_snapshot *s);

enum hg_tm_key { HG_TM_LINENO, HG_TM_FILENAME, HG_TM_TRACEBACK };

/* tracemalloc.Filter(inclusive, pattern, all_frames=all_frames): fnmatch on file names */
struct hg_tm_filter {
	int inclusive, all_frames;
	const char *pattern;
};

/* Snapshot.filter_traces(filters): the traces kept, as a new snapshot sharing names. */
void hg_tm_filter(const struct hg_tm_snapshot *s, const struct hg_tm_filter *f, size_t nf, struct hg_tm_snapshot *out);

struct hg_tm_stat {
	struct hg_tm_frame *frames;	/* the key, most recent first */
	size_t nframes;
	uint64_t size, count;
	int64_t size_diff, count_diff;	/* compare only */
};

/*
 * Snapshot.statistics(key, cumulative): sorted as Python sorts them.
 * Returns the number; *out is freed with hg_tm_stats_free.  cumulative with
 * HG_TM_TRACEBACK is refused (-1), as Python refuses it.
 */
long hg_tm_statistics(const struct hg_tm_snapshot *s, enum hg_tm_key key, int cumulative, struct hg_tm_stat **out);
/* NEW.compare_to(OLD, key, cumulative), sorted as Python sorts StatisticDiffs. */
long hg_tm_compare(const struct hg_tm_snapshot *new_, const struct hg_tm_snapshot *old, enum hg_tm_key key,
		   int cumulative, struct hg_tm_stat **out);
void hg_tm_stats_free(struct hg_tm_stat *st, size_t n);

/* tracemalloc's _format_size: "12.3 KiB", "+512 B" (sign) */
void hg_tm_format_size(double size, int sign, char *buf, size_t len);

#endif
