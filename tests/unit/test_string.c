/*
 * lib/string.c is the kernel's own copy of the C string functions. To
 * test it beside the C library's, it is compiled into this file under
 * other names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define memcpy nx_memcpy
#define memmove nx_memmove
#define memset nx_memset
#define memcmp nx_memcmp
#define memchr nx_memchr
#define strlen nx_strlen
#define strnlen nx_strnlen
#define strcmp nx_strcmp
#define strncmp nx_strncmp
#define strchr nx_strchr
#define strrchr nx_strrchr
#include "../../lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

static void test_copy_and_set(void **state)
{
	unsigned char a[64], b[64];

	(void)state;
	for (int i = 0; i < 64; i++)
		a[i] = (unsigned char)(i * 7);
	assert_ptr_equal(nx_memcpy(b, a, 64), b);
	assert_memory_equal(a, b, 64);
	assert_ptr_equal(nx_memset(b + 3, 0xab, 10), b + 3);
	for (int i = 0; i < 64; i++)
		assert_int_equal(b[i], i >= 3 && i < 13 ? 0xab : a[i]);
	nx_memcpy(b, a, 0);
}

/* Every alignment of both ends and every short length, word paths included. */
static void test_alignments(void **state)
{
	_Alignas(8) unsigned char src[64], ours[64], ref[64];

	(void)state;
	for (int i = 0; i < 64; i++)
		src[i] = (unsigned char)(i * 13 + 1);
	for (int so = 0; so < 9; so++)
		for (int dof = 0; dof < 9; dof++)
			for (int n = 0; n <= 40; n++) {
				memset(ours, 0xee, sizeof(ours));
				memset(ref, 0xee, sizeof(ref));
				nx_memcpy(ours + dof, src + so, (size_t)n);
				memcpy(ref + dof, src + so, (size_t)n);
				assert_memory_equal(ours, ref, sizeof(ours));
				nx_memset(ours + dof, so, (size_t)n);
				memset(ref + dof, so, (size_t)n);
				assert_memory_equal(ours, ref, sizeof(ours));
			}
}

/* Overlap both ways, against the C library on a twin buffer. */
static void test_memmove_overlap(void **state)
{
	char ours[32], ref[32];

	(void)state;
	for (int shift = -5; shift <= 5; shift++) {
		for (int i = 0; i < 32; i++)
			ours[i] = ref[i] = (char)('a' + i % 26);
		nx_memmove(ours + 10 + shift, ours + 10, 12);
		memmove(ref + 10 + shift, ref + 10, 12);
		assert_memory_equal(ours, ref, 32);
	}
}

static void test_compare(void **state)
{
	(void)state;
	assert_int_equal(sign(nx_memcmp("abc", "abd", 3)), -1);
	assert_int_equal(sign(nx_memcmp("abd", "abc", 3)), 1);
	assert_int_equal(nx_memcmp("abc", "abd", 2), 0);
	assert_int_equal(sign(nx_memcmp("\xff", "\x01", 1)), 1);
	assert_int_equal(sign(nx_strcmp("abc", "abcd")), -1);
	assert_int_equal(sign(nx_strcmp("b", "abc")), 1);
	assert_int_equal(nx_strcmp("same", "same"), 0);
	assert_int_equal(sign(nx_strcmp("\xe9", "e")), 1);
	assert_int_equal(nx_strncmp("abcX", "abcY", 3), 0);
	assert_int_equal(sign(nx_strncmp("abcX", "abcY", 4)), -1);
	assert_int_equal(nx_strncmp("ab", "ab", 10), 0);
}

static void test_search(void **state)
{
	const char *s = "hello, world";

	(void)state;
	assert_int_equal(nx_strlen(""), 0);
	assert_int_equal(nx_strlen(s), 12);
	assert_int_equal(nx_strnlen(s, 5), 5);
	assert_int_equal(nx_strnlen(s, 100), 12);
	assert_ptr_equal(nx_strchr(s, 'o'), s + 4);
	assert_ptr_equal(nx_strrchr(s, 'o'), s + 8);
	assert_ptr_equal(nx_strchr(s, '\0'), s + 12);
	assert_null(nx_strchr(s, 'z'));
	assert_null(nx_strrchr(s, 'z'));
	assert_ptr_equal(nx_memchr(s, 'w', 12), s + 7);
	assert_null(nx_memchr(s, 'w', 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_and_set),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
