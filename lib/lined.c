#include <string.h>

#include "lined.h"

#define CTRL(c)	((c) & 0x1f)

static void echo(struct lined *ed, const char *s)
{
	ed->echo(s, strlen(s));
}

void lined_init(struct lined *ed, void (*echo_fn)(const char *s, size_t n))
{
	memset(ed, 0, sizeof(*ed));
	ed->echo = echo_fn;
}

void lined_reset(struct lined *ed)
{
	ed->len = 0;
	ed->line[0] = '\0';
	ed->esc = 0;
	ed->hist_pos = ed->hist_count;
}

static void erase_all(struct lined *ed)
{
	while (ed->len) {
		echo(ed, "\b \b");
		ed->len--;
	}
	ed->line[0] = '\0';
}

static void replace_line(struct lined *ed, const char *s)
{
	erase_all(ed);
	ed->len = strlen(s);
	memcpy(ed->line, s, ed->len + 1);
	echo(ed, ed->line);
}

/* Up (-1) or down (+1) through the remembered lines. */
static void browse(struct lined *ed, int dir)
{
	unsigned oldest = ed->hist_count > LINED_HISTORY ?
			  ed->hist_count - LINED_HISTORY : 0;

	if (dir < 0 && ed->hist_pos > oldest)
		ed->hist_pos--;
	else if (dir > 0 && ed->hist_pos < ed->hist_count)
		ed->hist_pos++;
	else
		return;
	if (ed->hist_pos == ed->hist_count)
		replace_line(ed, "");
	else
		replace_line(ed, ed->history[ed->hist_pos % LINED_HISTORY]);
}

static void remember(struct lined *ed)
{
	unsigned last = (ed->hist_count - 1) % LINED_HISTORY;

	if (ed->len == 0 ||
	    (ed->hist_count && !strcmp(ed->history[last], ed->line)))
		return;
	memcpy(ed->history[ed->hist_count % LINED_HISTORY], ed->line,
	       ed->len + 1);
	ed->hist_count++;
}

static enum lined_result feed_escape(struct lined *ed, char c)
{
	if (ed->esc == 1) {
		ed->esc = c == '[' ? 2 : 0;
		return LINED_MORE;
	}
	ed->esc = 0;
	if (c == 'A')
		browse(ed, -1);
	else if (c == 'B')
		browse(ed, 1);
	return LINED_MORE;
}

enum lined_result lined_feed(struct lined *ed, char c)
{
	if (ed->esc)
		return feed_escape(ed, c);

	switch (c) {
	case '\r':
	case '\n':
		echo(ed, "\r\n");
		remember(ed);
		return LINED_DONE;
	case CTRL('C'):
		echo(ed, "^C\r\n");
		ed->len = 0;
		ed->line[0] = '\0';
		return LINED_CANCEL;
	case CTRL('U'):
		erase_all(ed);
		return LINED_MORE;
	case 0x7f:
	case '\b':
		if (ed->len) {
			ed->line[--ed->len] = '\0';
			echo(ed, "\b \b");
		}
		return LINED_MORE;
	case 0x1b:
		ed->esc = 1;
		return LINED_MORE;
	}
	if ((unsigned char)c < ' ')
		return LINED_MORE;
	if (ed->len + 1 >= LINED_MAX) {
		echo(ed, "\a");		/* full: refuse rather than truncate */
		return LINED_MORE;
	}
	ed->line[ed->len++] = c;
	ed->line[ed->len] = '\0';
	ed->echo(&c, 1);
	return LINED_MORE;
}
