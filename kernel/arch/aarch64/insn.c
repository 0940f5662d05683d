/* A64 load/store decoding for device window emulation (insn.h). */
#include "insn.h"

/*
 * size:2 111 V:1 01 opc:2 imm12 Rn Rt (Arm ARM C4.1.4, "Load/store
 * register (unsigned immediate)"); V = 0 for general registers, opc 00
 * STR, 01 LDR.
 */
bool insn_decode_ldst(uint32_t insn, struct insn_ldst *out)
{
	unsigned opc = insn >> 22 & 3;

	if ((insn & 0x3f000000u) != 0x39000000u || opc > 1)
		return false;
	out->size = 1u << (insn >> 30);
	out->rt = insn & 31;
	out->store = opc == 0;
	return true;
}
