/*
 * coredump.h - writing an ELF core of a live process without gdb
 * ("heapgraph dump PID").
 */
#ifndef HG_COREDUMP_H
#define HG_COREDUMP_H

#include <stdint.h>
#include "../common/error.h"

struct hg_coredump_stats {
	double pause_s;		/* how long the process was stopped */
	double total_s;		/* attach to the file in place */
	unsigned threads, segments;
	uint64_t bytes;		/* process memory written */
	uint64_t unreadable;	/* bytes of it that could not be read (written as zeros) */
	int snapshot;		/* read from a copy the process made of itself (fork) */
	int streamed;		/* written while stopped: too big to copy first */
};

/*
 * Stops every thread of process pid (ptrace), has it fork a copy of itself
 * that never runs (x86-64; not under seccomp, nor with no_fork: then its
 * memory is copied while it is stopped), resumes it, and writes path (.gz,
 * .zst: compressed) atomically from the copy: an ELF core with
 * NT_PRSTATUS (and NT_FPREGSET) per thread, NT_PRPSINFO, NT_AUXV, NT_FILE
 * and a PT_LOAD per mapping.  Read-only file mappings are left to the
 * files NT_FILE names (their first page kept when it is an ELF header, for
 * its build-id), as the kernel does.  Errors: HG_ENOTFOUND no such
 * process, HG_EFORMAT (with what to do) when it cannot be attached or
 * read, HG_EWRITE.  Warnings (memory that could not be read) go to w.
 */
int hg_coredump(int pid, const char *path, int no_fork, struct hg_coredump_stats *st, struct hg_warnings *w,
		struct hg_error *err);

#endif
