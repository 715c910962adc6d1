/*
 * elf.h - reading ELF64 little-endian images: headers, sections, notes,
 * symbols and build-ids.  Used for the core file itself and for the
 * executables and libraries it maps.  Every offset taken from the file is
 * checked against the buffer before use.
 */
#ifndef HG_ELF_H
#define HG_ELF_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include "../common/error.h"

struct hg_elf_sym {
	const char *name;	/* points into the image's string table */
	uint64_t value, size;
};

struct hg_elf {
	const unsigned char *data;
	size_t size;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;		/* copies, nph entries (PN_XNUM resolved) */
	size_t nph;
	Elf64_Shdr *sh;		/* copies, nsh entries; NULL when absent or out of bounds */
	size_t nsh;
	const char *shstr;	/* section name table, shstr_size bytes */
	size_t shstr_size;
	struct hg_elf_sym *syms;	/* .dynsym + .symtab, sorted by name; built on first lookup */
	size_t nsyms;
	int syms_built;
};

/*
 * Parses the header and program header table of data[0..size).  Fails with
 * HG_EFORMAT (not ELF, tables out of bounds) or HG_EUNSUPPORTED (32-bit,
 * big-endian).  A section header table that lies outside the buffer is
 * ignored (cores often have none).  The buffer must outlive e.
 */
int hg_elf_parse(struct hg_elf *e, const unsigned char *data, size_t size,
		 const char *what, struct hg_error *err);
void hg_elf_release(struct hg_elf *e);

/* The section called name, or NULL. */
const Elf64_Shdr *hg_elf_section(const struct hg_elf *e, const char *name);

/* Looks name up in .dynsym then .symtab (defined symbols only); 0 when found. */
int hg_elf_symbol(struct hg_elf *e, const char *name, uint64_t *value, uint64_t *size);

/* The GNU build-id as lowercase hex in out (at least 41 bytes); 0 when found. */
int hg_elf_build_id(const struct hg_elf *e, char *out, size_t outlen);

/* Lowest PT_LOAD p_vaddr rounded down to the page: the image's link base. */
uint64_t hg_elf_link_base(const struct hg_elf *e);

/* One note of a note area; desc points into the area. */
struct hg_note {
	const char *name;	/* namesz bytes, usually NUL-terminated */
	uint32_t namesz, descsz, type;
	const unsigned char *desc;
};

/*
 * Iterates the notes of buf[0..size): call with *pos = 0, returns 1 and fills
 * n while there is a note, 0 at the end, -1 when a note's sizes run past the
 * end (the rest of the area is then unusable).
 */
int hg_note_next(const unsigned char *buf, size_t size, size_t *pos, struct hg_note *n);

/* The GNU build-id among the notes of buf[0..size), as hex; 0 when found. */
int hg_note_build_id(const unsigned char *buf, size_t size, char *out, size_t outlen);

/* Renders a build-id descriptor as hex. */
void hg_hex(const unsigned char *p, size_t n, char *out, size_t outlen);

#endif
