/*
 * coredump.c - an ELF core of a live process, written without gdb (see
 * coredump.h).
 *
 * Facts: ptrace(2) (PTRACE_SEIZE and PTRACE_INTERRUPT stop a thread
 * without sending it a signal; waitpid with __WALL sees the stop; a
 * signal-delivery stop met instead is given back at PTRACE_DETACH;
 * PTRACE_GETREGSET with NT_PRSTATUS and NT_PRFPREG gives the registers in
 * the layout the notes use), proc(5) (/proc/PID/task, smaps, mem,
 * auxv, stat), Linux fs/binfmt_elf.c (note order: the first thread's
 * NT_PRSTATUS, NT_PRPSINFO, NT_AUXV, NT_FILE, its NT_FPREGSET, then each
 * other thread's NT_PRSTATUS and NT_FPREGSET; NT_FILE is a count, the page
 * size, count (start, end, offset in pages) triples and the names; more
 * than 65534 segments: e_phnum PN_XNUM and the count in section 0's
 * sh_info; what the default coredump_filter keeps: anonymous memory,
 * private file mappings that were written, the ELF header page of the
 * others).  Which private file mappings were written /proc/PID/smaps
 * tells (their "Anonymous:" pages: relocated tables, libraries' data).
 *
 * The pause.  The process is stopped while its threads' registers are
 * read and its main thread makes one system call put in its way: a clone
 * with no shared memory and no exit signal, a copy of the process whose
 * pages are shared with it until either writes (a fork's), which this
 * process traces from birth, never lets run, reads, kills, and has the
 * process reap (a second, as short stop: a wait4 put in its way the same
 * way).  Putting a call in a thread's way: its registers are saved, its
 * instruction pointer set to a syscall instruction of its own (the vDSO
 * has one), the call run to its exit stop (PTRACE_SYSCALL), and the saved
 * registers put back, a system call it was stopped in made to start again
 * as the kernel would have (ERESTART* codes).  Under seccomp, on other
 * architectures, or when asked (--no-fork), the memory is copied into
 * this process while the process is stopped, or, when it would not fit in
 * half of what the system has available, written while it is stopped.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "coredump.h"
#include "../common/output.h"
#include "../common/sink.h"
#include "../common/util.h"

#define PAGE 4096u
/* threads met while stopping the others are stopped too: so many rounds at most */
#define ATTACH_ROUNDS 100

struct mapping {
	uint64_t start, end, offset;	/* offset: into the file */
	uint32_t flags;			/* PF_R, PF_W, PF_X */
	int shared;
	char *path;			/* the file, or NULL */
	uint64_t dump;			/* bytes written: 0, the first page, or all */
	unsigned char *copy;		/* read while stopped */
};

struct thread {
	int tid;
	int sig;			/* a signal met while stopping it, given back */
	struct elf_prstatus pr;
	unsigned char fp[4096];
	size_t fplen;
};

struct dumper {
	int pid, mem;			/* /proc/PID/mem */
	struct thread *t;
	size_t nt, at;
	struct mapping *m;
	size_t nm, am;
	struct elf_prpsinfo ps;
	unsigned char *auxv;
	size_t auxv_len;
	int seccomp;			/* it runs under seccomp: no call is put in its way */
	uint64_t unreadable;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The whole of a /proc file (they say nothing of their size), NUL-terminated; NULL when unreadable. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 4096;
	char *buf;
	ssize_t got;

	if (fd < 0)
		return NULL;
	buf = xmalloc(cap);
	while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
		n += (size_t)got;
		if (cap - n < 2)
			buf = xrealloc(buf, cap *= 2);
	}
	close(fd);
	if (got < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int attach_error(int pid, int e, struct hg_error *err)
{
	char *scope = slurp("/proc/sys/kernel/yama/ptrace_scope", NULL);
	int s = scope ? atoi(scope) : -1;

	free(scope);
	if (e == ESRCH)
		return hg_errorf(err, HG_ENOTFOUND, "no process %d", pid);
	if (e != EPERM && e != EACCES)
		return hg_errorf(err, HG_EFORMAT, "process %d: cannot attach: %s", pid, strerror(e));
	if (s >= 3)
		return hg_errorf(err, HG_EFORMAT, "process %d: cannot attach: %s (Yama's ptrace_scope is 3: no process "
				 "may be traced until reboot; use a core from the kernel or systemd-coredump)", pid, strerror(e));
	if (s >= 1 && geteuid() != 0)
		return hg_errorf(err, HG_EFORMAT, "process %d: cannot attach: %s (Yama's ptrace_scope is %d: run heapgraph "
				 "as root, or set /proc/sys/kernel/yama/ptrace_scope to 0; in a container, add CAP_SYS_PTRACE)",
				 pid, strerror(e), s);
	return hg_errorf(err, HG_EFORMAT, "process %d: cannot attach: %s (it is another user's, or this one lacks "
			 "CAP_SYS_PTRACE: run heapgraph as root or as the process's user; in a container, add "
			 "CAP_SYS_PTRACE, e.g. docker run --cap-add=SYS_PTRACE)", pid, strerror(e));
}

/* Waits for tid's stop after PTRACE_INTERRUPT: 0, or -1 when it is gone. */
static int wait_stop(struct thread *t)
{
	for (int tries = 0; tries < 64; tries++) {
		int status;

		if (waitpid(t->tid, &status, __WALL) < 0)
			return errno == EINTR ? 0 : -1;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return -1;
		if (!WIFSTOPPED(status))
			continue;
		/* a signal on its way in: the thread is stopped all the same; it gets the signal back */
		if ((status >> 16) != PTRACE_EVENT_STOP)
			t->sig = WSTOPSIG(status);
		return 0;
	}
	return -1;
}

static int known_thread(const struct dumper *d, int tid)
{
	for (size_t k = 0; k < d->nt; k++)
		if (d->t[k].tid == tid)
			return 1;
	return 0;
}

/* Stops every thread of the process; the main thread first. */
static int attach_all(struct dumper *d, struct hg_error *err)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d/task", d->pid);
	for (int round = 0; round < ATTACH_ROUNDS; round++) {
		DIR *dd = opendir(dir);
		struct dirent *de;
		int added = 0;

		if (!dd)
			return d->nt ? 0 : hg_errorf(err, HG_ENOTFOUND, "no process %d", d->pid);
		while ((de = readdir(dd))) {
			int tid = atoi(de->d_name);
			struct thread *t;

			if (tid <= 0 || known_thread(d, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0) {
				int e = errno;

				if (e == ESRCH && d->nt)
					continue;	/* a thread that just ended */
				closedir(dd);
				return attach_error(d->pid, e, err);
			}
			HG_GROW(d->t, d->nt + 1, d->at);
			t = &d->t[d->nt];
			memset(t, 0, sizeof(*t));
			t->tid = tid;
			if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0 || wait_stop(t) < 0) {
				ptrace(PTRACE_DETACH, tid, 0, 0);
				continue;
			}
			d->nt++;
			added = 1;
		}
		closedir(dd);
		if (!added)
			break;
	}
	/* the main thread first: the reader takes the first NT_PRSTATUS as the process's */
	for (size_t k = 1; k < d->nt; k++)
		if (d->t[k].tid == d->pid) {
			struct thread tmp = d->t[0];

			d->t[0] = d->t[k];
			d->t[k] = tmp;
		}
	return d->nt ? 0 : hg_errorf(err, HG_ENOTFOUND, "no process %d", d->pid);
}

static void detach_all(struct dumper *d)
{
	for (size_t k = 0; k < d->nt; k++)
		ptrace(PTRACE_DETACH, d->t[k].tid, 0, (void *)(long)d->t[k].sig);
}

/* ppid, pgrp and sid from /proc/PID/stat; the name too */
static void proc_stat(int pid, int *ppid, int *pgrp, int *sid, char *state, char *name, size_t name_len)
{
	char path[64], *s, *open_paren, *close_paren;

	*ppid = *pgrp = *sid = 0;
	*state = 'R';
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(s = slurp(path, NULL)))
		return;
	open_paren = strchr(s, '(');
	close_paren = strrchr(s, ')');
	if (open_paren && close_paren && close_paren > open_paren) {
		if (name)
			snprintf(name, name_len, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
		sscanf(close_paren + 1, " %c %d %d %d", state, ppid, pgrp, sid);
	}
	free(s);
}

static void thread_state(struct dumper *d, struct thread *t)
{
	unsigned char regs[1024];
	struct iovec iov = { regs, sizeof(regs) };

	memset(&t->pr, 0, sizeof(t->pr));
	if (ptrace(PTRACE_GETREGSET, t->tid, NT_PRSTATUS, &iov) == 0)
		memcpy(&t->pr.pr_reg, regs, iov.iov_len < sizeof(t->pr.pr_reg) ? iov.iov_len : sizeof(t->pr.pr_reg));
	t->pr.pr_pid = t->tid;
	t->pr.pr_ppid = d->ps.pr_ppid;
	t->pr.pr_pgrp = d->ps.pr_pgrp;
	t->pr.pr_sid = d->ps.pr_sid;
	t->pr.pr_cursig = (short)t->sig;
	t->pr.pr_info.si_signo = t->sig;
	iov.iov_base = t->fp;
	iov.iov_len = sizeof(t->fp);
	if (ptrace(PTRACE_GETREGSET, t->tid, NT_PRFPREG, &iov) == 0) {
		t->fplen = iov.iov_len;
		t->pr.pr_fpvalid = 1;
	}
}

/* Whether the process runs under seccomp: a filter may kill it for a call it did not expect, so none is made. */
static int under_seccomp(int pid)
{
	char path[64], *status, *p;
	int mode = 1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((status = slurp(path, NULL)) && (p = strstr(status, "\nSeccomp:")))
		mode = atoi(p + 9);
	free(status);
	return mode != 0;
}

/* What does not change while it runs, read before it is stopped: its ids, command line, auxv, seccomp. */
static void process_info(struct dumper *d)
{
	char path[64], state, *cmd;
	int ppid, pgrp, sid;
	size_t n;
	struct stat st;

	memset(&d->ps, 0, sizeof(d->ps));
	proc_stat(d->pid, &ppid, &pgrp, &sid, &state, d->ps.pr_fname, sizeof(d->ps.pr_fname));
	d->ps.pr_state = 0;
	d->ps.pr_sname = state;
	d->ps.pr_pid = d->pid;
	d->ps.pr_ppid = ppid;
	d->ps.pr_pgrp = pgrp;
	d->ps.pr_sid = sid;
	snprintf(path, sizeof(path), "/proc/%d", d->pid);
	if (stat(path, &st) == 0) {
		d->ps.pr_uid = st.st_uid;
		d->ps.pr_gid = st.st_gid;
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", d->pid);
	if ((cmd = slurp(path, &n))) {
		for (size_t k = 0; k + 1 < n; k++)
			if (!cmd[k])
				cmd[k] = ' ';
		snprintf(d->ps.pr_psargs, sizeof(d->ps.pr_psargs), "%s", cmd);
		free(cmd);
	}
	snprintf(path, sizeof(path), "/proc/%d/auxv", d->pid);
	d->auxv = (unsigned char *)slurp(path, &d->auxv_len);
	d->seccomp = under_seccomp(d->pid);
}

/* Shared memory that is anonymous in all but name (the kernel dumps it as anonymous). */
static int anonymous_shared(const char *path)
{
	return !strncmp(path, "/dev/zero", 9) || !strncmp(path, "/SYSV", 5) || !strncmp(path, "/memfd:", 7) ||
	       !strncmp(path, "/dev/shm/", 9);
}

/*
 * The mappings from /proc/PID/smaps, with what of each to write: smaps is
 * maps with each mapping's figures after it, among them "Anonymous:", the
 * pages of a private file mapping that were written (copied from the file).
 */
static int read_maps(struct dumper *d, int pid, struct hg_error *err)
{
	char path[64], *text, *line, *next;
	struct mapping *m = NULL;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if (!(text = slurp(path, NULL)))
		return hg_errorf(err, HG_EFORMAT, "process %d: cannot read its memory map: %s", d->pid, strerror(errno));
	for (line = text; *line; line = next) {
		unsigned long long start, end, off, kb;
		char perms[8];
		int name_at = 0;
		const char *name;

		next = strchr(line, '\n');
		next = next ? (*next = '\0', next + 1) : line + strlen(line);
		if (m && sscanf(line, "Anonymous: %llu kB", &kb) == 1) {
			/* a private file mapping written to (relocations, data): the kernel keeps it whole too */
			if (kb && m->path && !m->shared && (m->flags & PF_R))
				m->dump = m->end - m->start;
			continue;
		}
		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &name_at) < 4 || end <= start)
			continue;
		m = NULL;
		name = name_at ? line + name_at : "";
		if (!strcmp(name, "[vvar]") || !strcmp(name, "[vvar_vclock]") || !strcmp(name, "[vsyscall]"))
			continue;
		HG_GROW(d->m, d->nm + 1, d->am);
		m = &d->m[d->nm++];
		memset(m, 0, sizeof(*m));
		m->start = start;
		m->end = end;
		m->offset = off;
		m->flags = (perms[0] == 'r' ? PF_R : 0) | (perms[1] == 'w' ? PF_W : 0) | (perms[2] == 'x' ? PF_X : 0);
		m->shared = perms[3] == 's';
		m->path = name[0] == '/' ? xstrdup(name) : NULL;
		/* anonymous memory whole; a file's as its Anonymous: line says, or its ELF header page */
		m->dump = (m->flags & PF_R) && (!m->path || anonymous_shared(m->path)) ? end - start : 0;
	}
	free(text);
	return 0;
}

/* Reads n bytes of the process at addr into buf, zeros for pages it cannot read. */
static void read_memory(struct dumper *d, uint64_t addr, unsigned char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t got = pread(d->mem, buf + done, n - done, (off_t)(addr + done));

		if (got > 0) {
			done += (size_t)got;
			continue;
		}
		/* a page that cannot be read (an unbacked mapping of a file past its end, a guard) */
		{
			size_t k = PAGE - ((addr + done) % PAGE);

			if (k > n - done)
				k = n - done;
			memset(buf + done, 0, k);
			d->unreadable += k;
			done += k;
		}
	}
}

/* The first page of read-only file mappings at offset 0 that hold an ELF header (the reader finds build-ids there). */
static void header_pages(struct dumper *d)
{
	for (size_t k = 0; k < d->nm; k++) {
		struct mapping *m = &d->m[k];
		unsigned char magic[SELFMAG];

		if (m->dump || !m->path || m->offset || !(m->flags & PF_R) || anonymous_shared(m->path))
			continue;
		if (pread(d->mem, magic, SELFMAG, (off_t)m->start) == SELFMAG && !memcmp(magic, ELFMAG, SELFMAG))
			m->dump = PAGE;
	}
}

/* ---- a copy of the process to read at leisure (x86-64) ---- */

#if defined(__x86_64__)
#include <sys/user.h>

#define NR_CLONE 56
#define NR_WAIT4 61
#define NR_RESTART_SYSCALL 219
#define WALL_FLAG 0x40000000	/* __WALL */
/* the copy shares the process's open files: it holds none of them open on its own (a socket closes when the process closes it) */
#define CLONE_FILES_FLAG 0x400

/* The address of a syscall instruction (0f 05) the process can run: in the vDSO, else in its code. */
static uint64_t find_syscall(struct dumper *d)
{
	char maps[64], mem_path[64], *text, *line, *next;
	uint64_t found = 0;
	int mem;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", d->pid);
	snprintf(mem_path, sizeof(mem_path), "/proc/%d/mem", d->pid);
	if (!(text = slurp(maps, NULL)))
		return 0;
	if ((mem = open(mem_path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(text);
		return 0;
	}
	for (int pass = 0; pass < 2 && !found; pass++)
		for (line = text; *line && !found; line = next) {
			unsigned long long start, end;
			char perms[8];
			int name_at = 0;

			next = strchr(line, '\n');
			next = next ? next + 1 : line + strlen(line);
			if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %n", &start, &end, perms, &name_at) < 3 ||
			    perms[0] != 'r' || perms[2] != 'x' || (pass == 0) != !strncmp(line + name_at, "[vdso]", 6))
				continue;
			for (uint64_t a = start; a < end && a - start < (16u << 20) && !found; a += 65536 - 1) {
				unsigned char buf[65536];
				ssize_t got = pread(mem, buf, end - a < sizeof(buf) ? end - a : sizeof(buf), (off_t)a);

				for (ssize_t k = 0; k + 1 < got; k++)
					if (buf[k] == 0x0f && buf[k + 1] == 0x05) {
						found = a + (uint64_t)k;
						break;
					}
				if (got <= 0)
					break;
			}
		}
	close(mem);
	free(text);
	return found;
}

/*
 * regs as the thread would have gone on from them: a system call it was
 * stopped in is made to start again, as the kernel would have on its way
 * out of the stop (it will not: the thread leaves from another stop now).
 */
static void restartable(struct user_regs_struct *r)
{
	long rc = (long)r->rax;

	if ((long)r->orig_rax < 0)
		return;
	if (rc == -512 || rc == -513 || rc == -514) {	/* ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND */
		r->rax = r->orig_rax;
		r->rip -= 2;
	} else if (rc == -516) {			/* ERESTART_RESTARTBLOCK */
		r->rax = NR_RESTART_SYSCALL;
		r->rip -= 2;
	}
	r->orig_rax = (unsigned long long)-1;
}

/*
 * Has the stopped thread tid make system call nr (args a, b, c, d) at the
 * instruction at sys, then puts its registers back: the call's result, or
 * -1 when it could not be made.  *child gets the process a clone made.
 */
static long inject(int tid, uint64_t sys, long nr, long a, long b, long c, long d4, int *child, int *pending)
{
	struct user_regs_struct saved, r;
	int status, traps = 0;
	long ret = -1;

	if (ptrace(PTRACE_GETREGS, tid, 0, &saved) < 0 ||
	    ptrace(PTRACE_SETOPTIONS, tid, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK) < 0)
		return -1;
	r = saved;
	r.rip = sys;
	r.rax = (unsigned long long)nr;
	r.orig_rax = (unsigned long long)-1;
	r.rdi = (unsigned long long)a;
	r.rsi = (unsigned long long)b;
	r.rdx = (unsigned long long)c;
	r.r10 = (unsigned long long)d4;
	r.r8 = r.r9 = 0;
	if (ptrace(PTRACE_SETREGS, tid, 0, &r) < 0)
		return -1;
	/* entry, (a clone's event), exit: bounded, a stray signal is kept for later */
	for (int step = 0; step < 16 && traps < 2; step++) {
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0 || waitpid(tid, &status, __WALL) < 0)
			break;
		if (!WIFSTOPPED(status))
			return -1;	/* gone: nothing to put back */
		if (WSTOPSIG(status) == (SIGTRAP | 0x80))
			traps++;
		else if ((status >> 8) == (SIGTRAP | (PTRACE_EVENT_CLONE << 8)) ||
			 (status >> 8) == (SIGTRAP | (PTRACE_EVENT_FORK << 8))) {
			unsigned long msg = 0;

			if (child && ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0)
				*child = (int)msg;
		} else if ((status >> 16) == 0 && WSTOPSIG(status) != SIGTRAP && pending && !*pending)
			*pending = WSTOPSIG(status);
	}
	if (traps == 2 && ptrace(PTRACE_GETREGS, tid, 0, &r) == 0)
		ret = (long)r.rax;
	restartable(&saved);
	ptrace(PTRACE_SETREGS, tid, 0, &saved);
	ptrace(PTRACE_SETOPTIONS, tid, 0, 0);
	return traps == 2 ? ret : -1;
}

/*
 * A copy of the stopped process made by its own main thread: clone with no
 * exit signal and no shared memory (a fork its other code cannot see:
 * waitpid without __WALL skips it) sharing its table of open files, traced
 * by us from its first instruction and never run.  Its memory is the process's at this moment,
 * copied only where the process writes later.  The pid, or -1.
 */
static int snapshot(struct dumper *d)
{
	struct thread *t = &d->t[0];
	int child = -1, status;
	uint64_t sys;
	long ret;

	if (t->tid != d->pid || t->sig || d->seccomp || !(sys = find_syscall(d)))
		return -1;
	ret = inject(t->tid, sys, NR_CLONE, CLONE_FILES_FLAG, 0, 0, 0, &child, &t->sig);
	if (ret <= 0 || child <= 0 || ret != child)
		return -1;
	/* its first stop (it starts traced, stopped) */
	for (int k = 0; k < 8; k++)
		if (waitpid(child, &status, __WALL) < 0 || WIFSTOPPED(status))
			break;
	return child;
}

/* Ends the copy, and has the process reap it (one more short stop). */
static int end_snapshot(struct dumper *d, int child)
{
	struct thread t;
	int status, ok = 0;
	uint64_t sys;

	kill(child, SIGKILL);
	for (int k = 0; k < 8; k++)
		if (waitpid(child, &status, __WALL) < 0 || WIFEXITED(status) || WIFSIGNALED(status))
			break;
	memset(&t, 0, sizeof(t));
	t.tid = d->pid;
	if (ptrace(PTRACE_SEIZE, t.tid, 0, 0) < 0)
		return -1;
	/* the syscall instruction found anew: the process may have run execve since */
	if (ptrace(PTRACE_INTERRUPT, t.tid, 0, 0) == 0 && wait_stop(&t) == 0 && !t.sig && (sys = find_syscall(d)))
		ok = inject(t.tid, sys, NR_WAIT4, child, 0, WALL_FLAG, 0, NULL, &t.sig) == child;
	ptrace(PTRACE_DETACH, t.tid, 0, (void *)(long)t.sig);
	return ok ? 0 : -1;
}
#else
static int snapshot(struct dumper *d)
{
	(void)d;
	return -1;
}

static int end_snapshot(struct dumper *d, int child)
{
	(void)d;
	(void)child;
	return -1;
}
#endif

/* ---- notes ---- */

static void note(struct strbuf *sb, const char *name, uint32_t type, const void *desc, size_t len)
{
	Elf64_Nhdr nh;
	static const char pad[4];
	size_t nlen = strlen(name) + 1;

	nh.n_namesz = (uint32_t)nlen;
	nh.n_descsz = (uint32_t)len;
	nh.n_type = type;
	strbuf_add(sb, &nh, sizeof(nh));
	strbuf_add(sb, name, nlen);
	strbuf_add(sb, pad, (4 - nlen % 4) % 4);
	strbuf_add(sb, desc, len);
	strbuf_add(sb, pad, (4 - len % 4) % 4);
}

static void nt_file(struct dumper *d, struct strbuf *sb)
{
	struct strbuf f;
	uint64_t count = 0, page = PAGE;

	strbuf_init(&f);
	for (size_t k = 0; k < d->nm; k++)
		count += d->m[k].path != NULL;
	strbuf_add(&f, &count, 8);
	strbuf_add(&f, &page, 8);
	for (size_t k = 0; k < d->nm; k++)
		if (d->m[k].path) {
			uint64_t v[3] = { d->m[k].start, d->m[k].end, d->m[k].offset / PAGE };

			strbuf_add(&f, v, sizeof(v));
		}
	for (size_t k = 0; k < d->nm; k++)
		if (d->m[k].path)
			strbuf_add(&f, d->m[k].path, strlen(d->m[k].path) + 1);
	note(sb, "CORE", NT_FILE, f.buf, f.len);
	strbuf_release(&f);
}

static void notes(struct dumper *d, struct strbuf *sb)
{
	for (size_t k = 0; k < d->nt; k++) {
		note(sb, "CORE", NT_PRSTATUS, &d->t[k].pr, sizeof(d->t[k].pr));
		if (k == 0) {
			note(sb, "CORE", NT_PRPSINFO, &d->ps, sizeof(d->ps));
			if (d->auxv)
				note(sb, "CORE", NT_AUXV, d->auxv, d->auxv_len);
			nt_file(d, sb);
		}
		if (d->t[k].fplen)
			note(sb, "CORE", NT_FPREGSET, d->t[k].fp, d->t[k].fplen);
	}
}

/* ---- the file ---- */

static int write_core(struct dumper *d, const char *path, int streamed, struct hg_coredump_stats *st,
		      struct hg_error *err)
{
	struct strbuf nb;
	struct hg_out out;
	struct hg_sink *s;
	Elf64_Ehdr eh;
	size_t nph = 1 + d->nm;
	int xnum = nph >= PN_XNUM;
	uint64_t off, data_at;

	strbuf_init(&nb);
	notes(d, &nb);
	if (hg_out_open(&out, path, err) < 0) {
		strbuf_release(&nb);
		return -1;
	}
	if (!(s = hg_sink_new(out.f, hg_sink_comp_of(path)))) {
		strbuf_release(&nb);
		hg_out_abort(&out);
		return hg_errorf(err, HG_EWRITE, "%s: cannot start the compressor", path);
	}
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
#if defined(__aarch64__)
	eh.e_machine = EM_AARCH64;
#else
	eh.e_machine = EM_X86_64;
#endif
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)nph;
	off = sizeof(eh) + nph * sizeof(Elf64_Phdr);
	if (xnum) {
		eh.e_shoff = off;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
		off += sizeof(Elf64_Shdr);
	}
	hg_sink_write(s, &eh, sizeof(eh));
	data_at = (off + nb.len + PAGE - 1) / PAGE * PAGE;
	{
		Elf64_Phdr ph = { .p_type = PT_NOTE, .p_offset = off, .p_filesz = nb.len, .p_align = 4 };
		uint64_t at = data_at;

		hg_sink_write(s, &ph, sizeof(ph));
		for (size_t k = 0; k < d->nm; k++) {
			Elf64_Phdr lp = { .p_type = PT_LOAD, .p_flags = d->m[k].flags, .p_offset = d->m[k].dump ? at : 0,
					  .p_vaddr = d->m[k].start, .p_filesz = d->m[k].dump,
					  .p_memsz = d->m[k].end - d->m[k].start, .p_align = PAGE };

			hg_sink_write(s, &lp, sizeof(lp));
			at += d->m[k].dump;
		}
	}
	if (xnum) {
		Elf64_Shdr sh = { .sh_info = (Elf64_Word)nph };

		hg_sink_write(s, &sh, sizeof(sh));
	}
	hg_sink_write(s, nb.buf, nb.len);
	hg_sink_zeros(s, data_at - off - nb.len);
	strbuf_release(&nb);
	for (size_t k = 0; k < d->nm; k++) {
		struct mapping *m = &d->m[k];

		if (!m->dump)
			continue;
		if (streamed) {
			unsigned char *buf = xmalloc(1 << 20);

			for (uint64_t done = 0; done < m->dump; done += 1 << 20) {
				size_t n = m->dump - done < (1 << 20) ? (size_t)(m->dump - done) : 1 << 20;

				read_memory(d, m->start + done, buf, n);
				hg_sink_write(s, buf, n);
			}
			free(buf);
		} else {
			hg_sink_write(s, m->copy, m->dump);
		}
		st->bytes += m->dump;
		st->segments++;
	}
	if (hg_sink_finish(s) < 0)
		return hg_out_fail(&out, err);
	return hg_out_commit(&out, err);
}

/* Half of MemAvailable: what copying the memory first may take. */
static uint64_t copy_budget(void)
{
	char *info = slurp("/proc/meminfo", NULL), *p;
	unsigned long long kb = 0;

	if (info && (p = strstr(info, "MemAvailable:")))
		sscanf(p + 13, "%llu", &kb);
	free(info);
	return kb * 1024 / 2;
}

static void release(struct dumper *d)
{
	for (size_t k = 0; k < d->nm; k++) {
		free(d->m[k].path);
		free(d->m[k].copy);
	}
	free(d->m);
	free(d->t);
	free(d->auxv);
	if (d->mem >= 0)
		close(d->mem);
}

int hg_coredump(int pid, const char *path, int no_fork, struct hg_coredump_stats *st, struct hg_warnings *w,
		struct hg_error *err)
{
	struct dumper d;
	char mem_path[64];
	double t0 = now(), t_resume = 0;
	uint64_t total = 0;
	int rc, child;

	memset(st, 0, sizeof(*st));
	memset(&d, 0, sizeof(d));
	d.pid = pid;
	d.mem = -1;
	if (pid <= 0 || pid == getpid())
		return hg_errorf(err, HG_EFORMAT, "process %d: heapgraph cannot dump %s", pid,
				 pid <= 0 ? "that" : "itself");
	process_info(&d);
	if (attach_all(&d, err) < 0) {
		detach_all(&d);
		release(&d);
		return -1;
	}
	for (size_t k = 0; k < d.nt; k++)
		thread_state(&d, &d.t[k]);
	/* a copy to read while the process runs on; else it is read while stopped */
	child = no_fork ? -1 : snapshot(&d);
	if (child > 0) {
		detach_all(&d);
		t_resume = now();
		st->snapshot = 1;
	}
	snprintf(mem_path, sizeof(mem_path), "/proc/%d/mem", child > 0 ? child : pid);
	d.mem = open(mem_path, O_RDONLY | O_CLOEXEC);
	if (d.mem < 0 || read_maps(&d, child > 0 ? child : pid, err) < 0) {
		if (d.mem < 0)
			hg_errorf(err, HG_EFORMAT, "process %d: cannot read its memory: %s", pid, strerror(errno));
		if (child > 0)
			end_snapshot(&d, child);
		else
			detach_all(&d);
		release(&d);
		return -1;
	}
	header_pages(&d);
	for (size_t k = 0; k < d.nm; k++)
		total += d.m[k].dump;
	if (child > 0) {
		rc = write_core(&d, path, 1, st, err);
		if (end_snapshot(&d, child) < 0)
			hg_warnf(w, "process %d: its copy (process %d) could not be reaped: it stays a zombie until "
				 "the process waits for it", pid, child);
	} else if (!(st->streamed = total > copy_budget())) {
		for (size_t k = 0; k < d.nm; k++)
			if (d.m[k].dump) {
				d.m[k].copy = xmalloc(d.m[k].dump);
				read_memory(&d, d.m[k].start, d.m[k].copy, d.m[k].dump);
			}
		detach_all(&d);
		t_resume = now();
		rc = write_core(&d, path, 0, st, err);
	} else {
		rc = write_core(&d, path, 1, st, err);
		detach_all(&d);
		t_resume = now();
	}
	st->pause_s = t_resume - t0;
	st->threads = (unsigned)d.nt;
	st->unreadable = d.unreadable;
	if (d.unreadable && rc == 0)
		hg_warnf(w, "process %d: %llu bytes of its memory could not be read; the core holds zeros there", pid,
			 (unsigned long long)d.unreadable);
	release(&d);
	st->total_s = now() - t0;
	return rc;
}
