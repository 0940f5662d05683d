/*
 * Decoding the loads and stores a driver app makes on its device window
 * (kernel/arch/aarch64/insn.c). Encodings checked against the Arm ARM and
 * clang's assembler: `str w1, [x0, #0x50]` is 0xb9005001, and so on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "arch/aarch64/insn.h"

static void expect(uint32_t insn, unsigned size, unsigned rt, bool store)
{
	struct insn_ldst op;

	assert_true(insn_decode_ldst(insn, &op));
	assert_int_equal(op.size, size);
	assert_int_equal(op.rt, rt);
	assert_int_equal(op.store, store);
}

static void test_unsigned_offset_forms_decode(void **state)
{
	(void)state;
	expect(0xb9005001, 4, 1, true);		/* str w1, [x0, #0x50] */
	expect(0xb900001f, 4, 31, true);	/* str wzr, [x0] */
	expect(0xb9407002, 4, 2, false);	/* ldr w2, [x0, #0x70] */
	expect(0x39400003, 1, 3, false);	/* ldrb w3, [x0] */
	expect(0x79000404, 2, 4, true);		/* strh w4, [x0, #2] */
	expect(0xf9400005, 8, 5, false);	/* ldr x5, [x0] */
	expect(0xf9000006, 8, 6, true);		/* str x6, [x0] */
}

static void test_everything_else_is_refused(void **state)
{
	struct insn_ldst op;
	static const uint32_t others[] = {
		0xb9800001,	/* ldrsw x1, [x0]: sign-extending */
		0x39c00001,	/* ldrsb w1, [x0] */
		0xb8004401,	/* str w1, [x0], #4: post-index */
		0xb8000c01,	/* str w1, [x0, #0]!: pre-index */
		0xb8206801,	/* str w1, [x0, x0]: register offset */
		0xb8000001,	/* stur w1, [x0] */
		0x29000401,	/* stp w1, w1, [x0] */
		0xbd000001,	/* str s1, [x0]: SIMD&FP */
		0xd4000001,	/* svc #0 */
		0xd503201f,	/* nop */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_false(insn_decode_ldst(others[i], &op));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsigned_offset_forms_decode),
		cmocka_unit_test(test_everything_else_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
