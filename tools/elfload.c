/*
 * ELF64 AArch64 -> one flat image (see elfload.h). Every offset and size
 * read from the file is checked against the file's length before use,
 * and sums are checked for wrap-around: the input is untrusted.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfload.h"
#include "nexus/errno.h"

#define ERR(code, ...) (snprintf(err, errlen, __VA_ARGS__), -(code))

bool elfload_is_elf(const void *buf, size_t len)
{
	return len >= SELFMAG && memcmp(buf, ELFMAG, SELFMAG) == 0;
}

static int elfload_header(const unsigned char *b, size_t len, Elf64_Ehdr *eh,
			  char *err, size_t errlen)
{
	if (!elfload_is_elf(b, len))
		return ERR(NX_EINVAL, "not an ELF file");
	if (len < sizeof(*eh))
		return ERR(NX_EINVAL, "truncated ELF header (%zu bytes)", len);
	memcpy(eh, b, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return ERR(NX_EINVAL, "not a 64-bit little-endian ELF");
	if (eh->e_machine != EM_AARCH64)
		return ERR(NX_EINVAL, "not an AArch64 ELF (e_machine %u)",
			   eh->e_machine);
	if (eh->e_type != ET_EXEC)
		return ERR(NX_EINVAL, "not an executable ELF (e_type %u)",
			   eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return ERR(NX_EINVAL, "no usable program header table");
	if (eh->e_phoff > len ||
	    (len - eh->e_phoff) / sizeof(Elf64_Phdr) < eh->e_phnum)
		return ERR(NX_EINVAL, "program header table runs past the end of the file");
	return 0;
}

/* Collects the PT_LOAD headers with bytes in memory, sorted by p_paddr. */
static int elfload_loads(const unsigned char *b, size_t len,
			 const Elf64_Ehdr *eh, Elf64_Phdr *ph, int *n,
			 char *err, size_t errlen)
{
	*n = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr p;

		memcpy(&p, b + eh->e_phoff + (size_t)i * sizeof(p), sizeof(p));
		if (p.p_type != PT_LOAD || p.p_memsz == 0)
			continue;
		if (p.p_filesz > p.p_memsz)
			return ERR(NX_EINVAL, "segment %d: file size 0x%llx above memory size 0x%llx",
				   i, (unsigned long long)p.p_filesz,
				   (unsigned long long)p.p_memsz);
		if (p.p_offset > len || p.p_filesz > len - p.p_offset)
			return ERR(NX_EINVAL, "segment %d runs past the end of the file (truncated?)", i);
		if (p.p_memsz > ELFLOAD_MAX_SPAN ||
		    p.p_paddr + p.p_memsz < p.p_paddr)
			return ERR(NX_E2BIG, "segment %d: absurd size 0x%llx at 0x%llx",
				   i, (unsigned long long)p.p_memsz,
				   (unsigned long long)p.p_paddr);
		if (*n == ELFLOAD_MAX_LOADS)
			return ERR(NX_E2BIG, "more than %d PT_LOAD segments",
				   ELFLOAD_MAX_LOADS);
		int j = (*n)++;
		for (; j > 0 && ph[j - 1].p_paddr > p.p_paddr; j--)
			ph[j] = ph[j - 1];
		ph[j] = p;
	}
	if (*n == 0)
		return ERR(NX_EINVAL, "no PT_LOAD segment");
	for (int i = 1; i < *n; i++)
		if (ph[i - 1].p_paddr + ph[i - 1].p_memsz > ph[i].p_paddr)
			return ERR(NX_EINVAL, "segments at 0x%llx and 0x%llx overlap",
				   (unsigned long long)ph[i - 1].p_paddr,
				   (unsigned long long)ph[i].p_paddr);
	return 0;
}

int elfload_flatten(const void *buf, size_t len, struct elfload_image *out,
		    char *err, size_t errlen)
{
	const unsigned char *b = buf;
	Elf64_Phdr ph[ELFLOAD_MAX_LOADS];
	Elf64_Ehdr eh;
	uint64_t base, end = 0, fend = 0;
	int n, r;

	memset(out, 0, sizeof(*out));
	if ((r = elfload_header(b, len, &eh, err, errlen)) ||
	    (r = elfload_loads(b, len, &eh, ph, &n, err, errlen)))
		return r;
	base = ph[0].p_paddr;
	for (int i = 0; i < n; i++) {
		end = ph[i].p_paddr + ph[i].p_memsz;
		if (ph[i].p_filesz)
			fend = ph[i].p_paddr + ph[i].p_filesz;
	}
	if (end - base > ELFLOAD_MAX_SPAN)
		return ERR(NX_E2BIG, "image spans 0x%llx bytes, more than 0x%x",
			   (unsigned long long)(end - base), ELFLOAD_MAX_SPAN);
	if (eh.e_entry < base || eh.e_entry >= end)
		return ERR(NX_EINVAL, "entry 0x%llx lies outside the image [0x%llx, 0x%llx)",
			   (unsigned long long)eh.e_entry,
			   (unsigned long long)base, (unsigned long long)end);
	if (fend < base)
		fend = base;
	out->data = calloc(1, fend - base ? fend - base : 1);
	if (!out->data)
		return ERR(NX_ENOMEM, "out of memory");
	for (int i = 0; i < n; i++)
		memcpy(out->data + (ph[i].p_paddr - base), b + ph[i].p_offset,
		       ph[i].p_filesz);
	out->load_addr = base;
	out->entry = eh.e_entry;
	out->size = fend - base;
	out->mem_size = end - base;
	return 0;
}

void elfload_free(struct elfload_image *img)
{
	free(img->data);
	img->data = NULL;
}
