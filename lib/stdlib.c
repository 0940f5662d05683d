/* The part of <stdlib.h> freestanding code needs (lib/include/stdlib.h). */
#include <limits.h>
#include <stdlib.h>

static int is_blank(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

int atoi(const char *s)
{
	long long v = 0;
	int neg = 0;

	while (is_blank(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > (long long)INT_MAX + 1)
			v = (long long)INT_MAX + 1;
	}
	if (neg)
		return v > INT_MAX ? INT_MIN : (int)-v;
	return v > INT_MAX ? INT_MAX : (int)v;
}
