/*
 * The part of ELF64 the NPK loader reads (System V gABI, and the AArch64
 * ELF ABI for the relocation number). Written out here because the kernel
 * has no C library; names follow the specification, struct tags are ours
 * so this header can sit beside a host's <elf.h> types without a clash.
 */
#ifndef SYS_ELF_H
#define SYS_ELF_H

#include <stdint.h>

#define EI_NIDENT	16
#define EI_CLASS	4
#define EI_DATA		5
#define EI_VERSION	6
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define ET_DYN		3
#define EM_AARCH64	183

#define PT_NULL		0
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_NOTE		4
#define PT_SHLIB	5
#define PT_PHDR		6
#define PT_TLS		7
#define PT_GNU_EH_FRAME	0x6474e550
#define PT_GNU_STACK	0x6474e551
#define PT_GNU_RELRO	0x6474e552
#define PT_GNU_PROPERTY	0x6474e553

#define PF_X		1
#define PF_W		2
#define PF_R		4

#define DT_NULL		0
#define DT_NEEDED	1
#define DT_PLTRELSZ	2
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define DT_REL		17
#define DT_RELSZ	18
#define DT_TEXTREL	22
#define DT_JMPREL	23
#define DT_RELR		36

#define R_AARCH64_RELATIVE	1027
/* r_info of a RELATIVE relocation: symbol 0, type in the low 32 bits. */
#define ELF64_R_TYPE(info)	((uint32_t)(info))
#define ELF64_R_SYM(info)	((uint32_t)((info) >> 32))

struct elf64_ehdr {
	unsigned char e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};
_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header size");

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header size");

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val;
};
_Static_assert(sizeof(struct elf64_dyn) == 16, "ELF64 dynamic entry size");

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 RELA entry size");

#endif
