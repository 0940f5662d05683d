/* Dotted quads and /etc/hosts lines (hosts.h). */
#include <string.h>

#include "fmt.h"
#include "hosts.h"

bool hosts_parse_ipv4_n(const char *s, size_t len, uint32_t *ip)
{
	uint32_t out = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		uint32_t v = 0;
		size_t start;

		if (part && (i >= len || s[i++] != '.'))
			return false;
		start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (uint32_t)(s[i++] - '0');
		/* "01" could mean octal elsewhere: refuse it rather than guess. */
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		out = out << 8 | v;
	}
	if (i != len)
		return false;
	*ip = out;
	return true;
}

bool hosts_parse_ipv4(const char *s, uint32_t *ip)
{
	return hosts_parse_ipv4_n(s, strlen(s), ip);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool same_name(const char *word, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n && name[i]; i++)
		if (lower(word[i]) != lower(name[i]))
			return false;
	return i == n && !name[i];
}

/* One line, without its newline: "ADDR NAME..." or a comment. */
static bool line_lookup(const char *s, size_t len, const char *name, uint32_t *ip)
{
	const char *hash = memchr(s, '#', len);
	size_t i = 0, start;
	uint32_t addr;

	if (hash)
		len = (size_t)(hash - s);
	while (i < len && is_blank(s[i]))
		i++;
	start = i;
	while (i < len && !is_blank(s[i]))
		i++;
	if (!hosts_parse_ipv4_n(s + start, i - start, &addr))
		return false;
	while (i < len) {
		while (i < len && is_blank(s[i]))
			i++;
		start = i;
		while (i < len && !is_blank(s[i]))
			i++;
		if (i > start && same_name(s + start, i - start, name)) {
			*ip = addr;
			return true;
		}
	}
	return false;
}

bool hosts_lookup(const char *text, size_t len, const char *name, uint32_t *ip)
{
	size_t i = 0;

	if (!name[0])
		return false;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (line_lookup(text + i, end - i, name, ip))
			return true;
		i = end + 1;
	}
	return false;
}

char *hosts_format_ipv4(uint32_t ip, char *buf, size_t size)
{
	fmt_snprintf(buf, size, "%u.%u.%u.%u", ip >> 24, ip >> 16 & 0xff,
		     ip >> 8 & 0xff, ip & 0xff);
	return buf;
}
