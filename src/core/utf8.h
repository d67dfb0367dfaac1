/*
 * The one check of the free text a person types (a check-in's note, a functional-scale
 * activity), used by every entry: the command line, the web app, import. Text must be
 * valid UTF-8 (no overlong forms, no surrogates, no NUL) without control characters:
 * C0 (but for line breaks in a note), DEL, C1, and the bidirectional controls that
 * reorder what a terminal or a PDF shows (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069) and the line and paragraph separators U+2028, U+2029. Text stored
 * before these checks is shown neutralised (pst_text_clean): every invalid byte and
 * every such character becomes U+FFFD.
 */
#ifndef PST_UTF8_H
#define PST_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s (len bytes) is valid UTF-8 without NUL bytes. */
bool pst_utf8_valid(const char *s, size_t len);

enum {
	PST_TEXT_LINES = 1 << 0, /* line breaks (LF, CR) are allowed: a note */
};

/*
 * Checks free text against the rules above. Returns true, or false with the problem in
 * msg (size bytes), without the field's name: "is not valid UTF-8 (byte 4)", "holds a
 * control character (U+001B) at character 3: type plain text".
 */
bool pst_text_check(const char *s, size_t len, unsigned flags, char *msg, size_t size);

/* True when pst_text_clean would change s. */
bool pst_text_needs_clean(const char *s, size_t len, unsigned flags);

/*
 * Writes s with every invalid byte and every refused character replaced by U+FFFD to
 * out (size bytes; 3 * len + 1 always suffices). Returns the length written, or the
 * length needed when size is too small (then out holds as much as fits).
 */
size_t pst_text_clean(const char *s, size_t len, unsigned flags, char *out, size_t size);

#endif
