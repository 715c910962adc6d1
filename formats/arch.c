/*
 * arch.c - what differs between CPU architectures when reading a core: the
 * size of NT_PRSTATUS and the order of registers in pr_reg.  Facts: Linux
 * <sys/user.h> user_regs_struct (x86-64) and struct user_pt_regs (aarch64);
 * pr_reg starts at byte 112 of elf_prstatus on both.
 */
#include <elf.h>
#include <stddef.h>
#include "core.h"

static const char *const x86_64_regs[] = {
	"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
	"rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags",
	"rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs"
};

static const char *const aarch64_regs[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "pstate"
};

static const struct hg_arch arches[] = {
	{ EM_X86_64, "x86-64", 336, 27, 16, 19, x86_64_regs },
	{ EM_AARCH64, "aarch64", 392, 34, 32, 31, aarch64_regs },
};

const struct hg_arch *hg_arch_find(int machine)
{
	for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
		if (arches[i].machine == machine)
			return &arches[i];
	return NULL;
}
