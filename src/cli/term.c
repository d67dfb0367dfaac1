/* Raw keys and a seconds clock for the guided session; the terminal is always restored. */
#include "term.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* What a signal handler needs to put the terminal back: only plain data, written
 * before the handlers are installed. */
static struct termios saved_tio, raw_tio;
static volatile sig_atomic_t raw_on, cursor_hidden, handlers_on;

static const char show_cursor[] = "\033[?25h";
static const char hide_cursor[] = "\033[?25l";

/* Async-signal-safe: tcsetattr and write only. */
static void restore_now(void)
{
	if (raw_on) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tio);
		raw_on = 0;
	}
	if (cursor_hidden) {
		ssize_t w = write(STDOUT_FILENO, show_cursor, sizeof show_cursor - 1);
		(void)w;
		cursor_hidden = 0;
	}
}

static void enter_raw(bool cursor)
{
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_tio) == 0)
		raw_on = 1;
	if (cursor) {
		ssize_t w = write(STDOUT_FILENO, hide_cursor, sizeof hide_cursor - 1);
		(void)w;
		cursor_hidden = 1;
	}
}

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT: restore, then die of the same signal (the handler
 * is installed with SA_RESETHAND | SA_NODEFER, so raise() delivers the default). */
static void on_fatal(int sig)
{
	int e = errno;
	bool cursor = cursor_hidden;
	restore_now();
	if (cursor) {
		ssize_t w = write(STDOUT_FILENO, "\r\n", 2);
		(void)w;
	}
	raise(sig);
	errno = e;
}

static void install_tstp(void);

/* Ctrl-Z: give the shell a normal terminal while stopped, and take raw mode back on fg. */
static void on_tstp(int sig)
{
	int e = errno;
	bool cursor = cursor_hidden;
	restore_now();
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig); /* stops here until SIGCONT */
	sigprocmask(SIG_BLOCK, &set, NULL);
	install_tstp();
	enter_raw(cursor);
	errno = e;
}

static void install_tstp(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_tstp;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
}

static void at_exit(void)
{
	restore_now();
}

static bool env_utf8(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
		const char *v = getenv(vars[i]);
		if (!v || !*v)
			continue;
		char low[64];
		size_t n = 0;
		for (; v[n] && n + 1 < sizeof low; n++)
			low[n] = (char)tolower((unsigned char)v[n]);
		low[n] = '\0';
		return strstr(low, "utf-8") || strstr(low, "utf8");
	}
	return false;
}

bool term_open(struct term *t)
{
	memset(t, 0, sizeof(*t));
	const char *fast = getenv("POSTURA_FAST");
	t->fast = fast && strcmp(fast, "1") == 0;
	t->utf8 = env_utf8();
	const char *term = getenv("TERM");
	t->plain = !term || !*term || strcmp(term, "dumb") == 0;
	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0) {
		cli_error("standard input is not a terminal");
		return false;
	}
	raw_tio = saved_tio;
	/* Keys one at a time, not echoed; ISIG stays on so Ctrl-C and Ctrl-Z still work,
	 * and IXON goes so that Ctrl-S cannot freeze the screen mid-countdown. */
	raw_tio.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw_tio.c_iflag &= ~(tcflag_t)IXON;
	raw_tio.c_cc[VMIN] = 1;
	raw_tio.c_cc[VTIME] = 0;
	if (!handlers_on) {
		atexit(at_exit);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal;
		sa.sa_flags = SA_RESETHAND | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		static const int fatal[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
		for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++)
			sigaction(fatal[i], &sa, NULL);
		install_tstp();
		handlers_on = 1;
	}
	fflush(stdout);
	enter_raw(!t->plain);
	if (!raw_on) {
		cli_error("cannot set up the terminal: %s", strerror(errno));
		restore_now();
		return false;
	}
	return true;
}

void term_close(struct term *t)
{
	(void)t;
	fflush(stdout);
	restore_now();
}

int64_t term_now_ms(const struct term *t)
{
	if (t->fast)
		return t->fast_ms;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int term_columns(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Takes one key off the bytes read: escape sequences and multi-byte characters are one
 * key each (TERM_OTHER), so an arrow key never reads as three separate keys. */
static int take_key(struct term *t)
{
	unsigned char *p = t->pending;
	int used = 1, key = p[0];
	if (p[0] == 0x1b) {
		key = TERM_ESC;
		if (t->npending > 1 && (p[1] == '[' || p[1] == 'O')) {
			used = 2;
			while (used < t->npending && !(p[used] >= 0x40 && p[used] <= 0x7e))
				used++;
			if (used < t->npending)
				used++;
			key = TERM_OTHER;
		}
	} else if (p[0] == '\r' || p[0] == '\n') {
		key = TERM_ENTER;
	} else if (p[0] == 0x08 || p[0] == 0x7f) {
		key = TERM_BACKSPACE;
	} else if (p[0] >= 0x80) {
		while (used < t->npending && (p[used] & 0xc0) == 0x80)
			used++;
		key = TERM_OTHER;
	}
	t->npending -= used;
	memmove(p, p + used, (size_t)t->npending);
	return key;
}

int term_key(struct term *t, int ms)
{
	if (t->npending)
		return take_key(t);
	fflush(stdout);
	int64_t start = term_now_ms(t);
	for (;;) {
		int timeout = -1;
		if (ms >= 0 && !t->fast) {
			int64_t left = start + ms - term_now_ms(t);
			timeout = left > 0 ? (int)left : 0;
		} else if (ms >= 0) {
			timeout = 0;
		}
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		int r = poll(&pfd, 1, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return TERM_EOF;
		}
		if (r == 0) {
			if (t->fast)
				t->fast_ms += ms;
			return TERM_TIMEOUT;
		}
		ssize_t n = read(STDIN_FILENO, t->pending, sizeof t->pending);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return TERM_EOF;
		t->npending = (int)n;
		return take_key(t);
	}
}
