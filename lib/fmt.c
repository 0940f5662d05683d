/*
 * The one formatter behind kprintf and fmt_snprintf. It works on an output
 * callback so that the console needs no buffer and cannot overflow one.
 */
#include <stdbool.h>
#include <stdint.h>

#include "fmt.h"

struct spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	int width;
	int prec;		/* -1: none */
	int len;		/* 0 int, 1 long, 2 long long/size_t/intmax */
	int half;		/* 1 short, 2 char */
};

struct out {
	fmt_sink_fn *sink;
	void *ctx;
	size_t n;
};

static void put(struct out *o, char c)
{
	o->sink(o->ctx, c);
	o->n++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_num(struct out *o, const struct spec *sp, uint64_t v,
		    bool neg, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int nd = 0, plen = 0, zeros, total;

	do {
		tmp[nd++] = digits[v % base];
		v /= base;
	} while (v);
	if (sp->prec == 0 && nd == 1 && tmp[0] == '0')
		nd = 0;		/* "%.0d" of zero prints nothing */
	if (neg)
		plen++;
	for (const char *p = prefix; p && *p; p++)
		plen++;
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	total = plen + zeros + nd;
	if (sp->zero && !sp->left && sp->prec < 0 && sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!sp->left)
		pad(o, ' ', sp->width - total);
	if (neg)
		put(o, '-');
	for (const char *p = prefix; p && *p; p++)
		put(o, *p);
	pad(o, '0', zeros);
	while (nd)
		put(o, tmp[--nd]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	uint64_t v = sp->len == 2 ? va_arg(*ap, unsigned long long)
		   : sp->len == 1 ? va_arg(*ap, unsigned long)
		   : va_arg(*ap, unsigned int);

	if (sp->half == 1)
		v = (unsigned short)v;
	else if (sp->half == 2)
		v = (unsigned char)v;
	return v;
}

static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	int64_t v = sp->len == 2 ? va_arg(*ap, long long)
		  : sp->len == 1 ? va_arg(*ap, long)
		  : va_arg(*ap, int);

	if (sp->half == 1)
		v = (short)v;
	else if (sp->half == 2)
		v = (signed char)v;
	return v;
}

/* Parses flags, width, precision and length; returns the conversion. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->left = true;
			sp->width = -sp->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->len++;
		else if (*f == 'z' || *f == 'j' || *f == 't')
			sp->len = 2;
		else if (*f == 'h')
			sp->half++;
		else
			break;
	}
	return f;
}

static void convert(struct out *o, char conv, struct spec *sp, va_list *ap)
{
	char c;

	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(sp, ap);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

		put_num(o, sp, mag, v < 0, 10, false, NULL);
		break;
	}
	case 'u':
		put_num(o, sp, arg_unsigned(sp, ap), false, 10, false, NULL);
		break;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(sp, ap), false, 16, conv == 'X', NULL);
		break;
	case 'o':
		put_num(o, sp, arg_unsigned(sp, ap), false, 8, false, NULL);
		break;
	case 'p':
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, "0x");
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		sp->prec = -1;
		put_str(o, sp, (char[2]){ c, 0 });
		break;
	default:	/* '%%' and unknown conversions are printed as they are */
		put(o, '%');
		if (conv != '%')
			put(o, conv);
		break;
	}
}

size_t fmt_vformat(fmt_sink_fn *sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &aq);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &sp, &aq);
	}
	va_end(aq);
	return o.n;
}

struct buf {
	char *p;
	size_t left;	/* room for characters, the NUL excluded */
};

static void buf_sink(void *ctx, char c)
{
	struct buf *b = ctx;

	if (b->left) {
		*b->p++ = c;
		b->left--;
	}
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf b = { buf, size ? size - 1 : 0 };
	size_t n = fmt_vformat(buf_sink, &b, fmt, ap);

	if (size)
		*b.p = '\0';
	return n;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
