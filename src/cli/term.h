/* The terminal of a guided session: single keys without Enter, a clock that ticks in
 * seconds, and the terminal put back as it was on every way out. */
#ifndef PST_CLI_TERM_H
#define PST_CLI_TERM_H

#include <stdbool.h>
#include <stdint.h>

/* Keys that are not a printable byte. */
enum {
	TERM_TIMEOUT = 0,      /* no key before the time was up */
	TERM_EOF = -1,         /* the terminal closed (or standard input ended) */
	TERM_ENTER = '\n',     /* Enter or Return */
	TERM_BACKSPACE = 0x7f, /* Backspace or Delete */
	TERM_ESC = 0x1b,       /* Escape alone */
	TERM_OTHER = 0x100,    /* a function or arrow key, or a non-ASCII character */
};

struct term {
	bool fast;  /* POSTURA_FAST=1: every second passes at once (a testing aid) */
	bool utf8;  /* the locale is UTF-8: bars and ellipses may use non-ASCII */
	bool plain; /* TERM=dumb: no escape sequences, only \r */
	int64_t fast_ms; /* the clock in fast mode: advanced by waits, never by the wall */
	unsigned char pending[64]; /* bytes read but not yet returned as keys */
	int npending;
};

/*
 * Puts standard input in raw mode (no echo, no line editing; Ctrl-C and Ctrl-Z still
 * work) and hides the cursor. Until term_close, a signal that ends or stops the
 * program (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP) or exit() restores the terminal
 * first. Returns false (after printing why) when standard input is not a terminal.
 */
bool term_open(struct term *t);
/* Restores the terminal; safe to call twice. */
void term_close(struct term *t);

/* Waits at most ms milliseconds (< 0: for ever) for one key and returns it, or
 * TERM_TIMEOUT / TERM_EOF. In fast mode a wait that finds no key typed ahead passes
 * at once: the clock moves on by ms. */
int term_key(struct term *t, int ms);
/* Milliseconds on a monotonic clock (the fast clock in fast mode). */
int64_t term_now_ms(const struct term *t);
/* Columns of the terminal on standard output (80 when unknown). */
int term_columns(void);

#endif
