/*
 * core.h - an ELF core dump: its threads, process facts, mapped files, and
 * one bounds-checked accessor for the process's memory.
 *
 * Memory comes from the core's PT_LOAD segments and, where the core left a
 * file-backed page out (kernel cores keep only the first page of read-only
 * file mappings, gcore may keep none), from the file on disk named in the
 * NT_FILE note, once its build-id matched the one recorded in the core.
 */
#ifndef HG_CORE_H
#define HG_CORE_H

#include <stdint.h>
#include <stddef.h>
#include "elf.h"
#include "input.h"
#include "mem.h"

struct hg_arch;

struct hg_core_thread {
	int tid;
	int signo;		/* pr_cursig */
	uint64_t pc, sp;
	uint64_t regs[40];	/* general registers in the architecture's order */
	size_t nregs;
};

enum hg_file_status {
	HG_FILE_OK,		/* found on disk, build-id matches the core */
	HG_FILE_UNVERIFIED,	/* found, but the core holds no build-id to compare */
	HG_FILE_MISSING,	/* not found on disk (or not readable) */
	HG_FILE_MISMATCH	/* found, but another build: not used */
};

struct hg_core_file {
	char *path;		/* as recorded in the core */
	char *disk_path;	/* where it was read from, or NULL */
	enum hg_file_status status;
	char build_id[129];	/* from the core's copy of the headers, or "" */
	char disk_build_id[129];
	const unsigned char *data;	/* the file mapped read-only, size bytes */
	size_t size;
	struct hg_elf elf;	/* parsed when the file is an ELF image */
	int is_elf;
	uint64_t base;		/* address of its offset-0 mapping, or 0 */
	uint64_t bias;		/* load bias: runtime address - link address */
};

/* One entry of NT_FILE: [start, end) maps file_ofs.. of files[file]. */
struct hg_core_mapping {
	uint64_t start, end, file_ofs;
	size_t file;
};

/* A contiguous readable range of the process: data[0 .. end-start). */
struct hg_core_region {
	uint64_t start, end;
	const unsigned char *data;
	int from_file;
	int writable;
};

struct hg_core_options {
	const char *sysroot;	/* look for mapped files under this folder first */
};

struct hg_core {
	const char *path;
	struct hg_input in;
	struct hg_elf elf;
	const struct hg_arch *arch;

	int pid, ppid, uid;
	char fname[17];		/* NT_PRPSINFO pr_fname */
	char psargs[81];	/* NT_PRPSINFO pr_psargs: the command line, cut at 80 bytes */
	int have_prpsinfo;
	int signo, sig_code;	/* NT_SIGINFO, else the first thread's cursig */
	uint64_t sig_addr;
	char *execfn;		/* AT_EXECFN string, if readable */
	char *executable;	/* path of the mapping holding AT_ENTRY, or NULL */
	uint64_t *auxv;		/* pairs, nauxv of them */
	size_t nauxv;

	struct hg_core_thread *threads;
	size_t nthreads;
	struct hg_core_file *files;
	size_t nfiles;
	struct hg_core_mapping *mappings;
	size_t nmappings;
	size_t nsegments;	/* PT_LOAD count */

	struct hg_core_region *regions;	/* sorted by start, disjoint */
	size_t nregions;
	size_t last_region;	/* lookup cache */

	int incomplete;		/* truncated or damaged: results may be partial */
	struct hg_warnings warnings;
};

/*
 * Opens a core (plain, .gz or .zst).  Fails with HG_EFORMAT when the file is
 * not an ELF core or its headers are unreadable, HG_EUNSUPPORTED for 32-bit,
 * big-endian or unknown architectures.  Damage past the headers (truncated
 * segments, bad notes, missing files) is not a failure: c->incomplete is set
 * and c->warnings says what.  Release with hg_core_release even on failure.
 */
int hg_core_open(struct hg_core *c, const char *path, const struct hg_core_options *opt,
		 struct hg_error *err);
void hg_core_release(struct hg_core *c);

/* Copies len bytes at addr into buf; 0 when every byte is present, else -1. */
int hg_core_read(struct hg_core *c, uint64_t addr, void *buf, size_t len);
int hg_core_read_u64(struct hg_core *c, uint64_t addr, uint64_t *v);
/*
 * A pointer to len contiguous bytes at addr inside the dump, valid while the
 * core is open, or NULL when they are not all present in one region.
 */
const void *hg_core_ptr(struct hg_core *c, uint64_t addr, size_t len);
/* The region holding addr, or NULL. */
const struct hg_core_region *hg_core_region_at(struct hg_core *c, uint64_t addr);
/* m reads the memory of c (its segments and the file pages it left out) through mem.h. */
void hg_core_mem(struct hg_core *c, struct hg_mem *m);
/* The first region that starts above addr, or NULL: how a scan jumps over a hole. */
const struct hg_core_region *hg_core_region_after(const struct hg_core *c, uint64_t addr);
/* Reads a NUL-terminated string of at most max-1 bytes; its length, or -1. */
long hg_core_read_cstr(struct hg_core *c, uint64_t addr, char *buf, size_t max);

/* Runtime address of a symbol of a mapped ELF file; 0 when found. */
int hg_core_file_symbol(struct hg_core *c, size_t file, const char *name, uint64_t *addr);

const char *hg_file_status_name(enum hg_file_status s);

/* Architecture facts, one table entry per machine (arch.c). */
struct hg_arch {
	int machine;		/* e_machine */
	const char *name;
	size_t prstatus_size;	/* sizeof(struct elf_prstatus) */
	size_t nregs;		/* general registers in pr_reg */
	int pc, sp;		/* their indexes in pr_reg */
	const char *const *reg_names;
};

const struct hg_arch *hg_arch_find(int machine);

#endif
