/*
 * Console line editor: a state machine fed one input byte at a time, so it
 * can be tested without a terminal. Editing happens at the end of the line:
 * printable characters, Backspace/DEL, Ctrl-U (erase line), Ctrl-C (cancel
 * line), Enter, and Up/Down arrows for history.
 */
#ifndef LINED_H
#define LINED_H

#include <stddef.h>

#define LINED_MAX	128	/* bytes per line, NUL included */
#define LINED_HISTORY	16

enum lined_result {
	LINED_MORE,	/* line not finished */
	LINED_DONE,	/* Enter: the line is in lined.line */
	LINED_CANCEL,	/* Ctrl-C: the line was discarded */
};

struct lined {
	char line[LINED_MAX];
	size_t len;
	int esc;		/* 0, or 1 after ESC, 2 after ESC [ */
	char history[LINED_HISTORY][LINED_MAX];
	unsigned hist_count;	/* lines ever entered */
	unsigned hist_pos;	/* browsing: hist_count means "new line" */
	void (*echo)(const char *s, size_t n);
};

void lined_init(struct lined *ed, void (*echo)(const char *s, size_t n));
/* Starts a fresh line (after DONE or CANCEL). */
void lined_reset(struct lined *ed);
enum lined_result lined_feed(struct lined *ed, char c);

#endif
