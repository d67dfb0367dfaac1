/* UTF-8 validation and the control characters free text may not hold. */
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Decodes the character at s[i]; returns its length (1-4) and sets *cp, or 0 when the
 * byte at s[i] does not start a valid sequence (overlong, surrogate, past U+10FFFF,
 * truncated, a stray continuation byte). */
static size_t decode(const unsigned char *s, size_t len, size_t i, uint32_t *cp)
{
	unsigned c = s[i];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (len - i <= n)
		return 0;
	for (size_t k = 1; k <= n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i + k] & 0x3f);
	}
	if ((n == 2 && v < 0x800) || (n == 3 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n + 1;
}

bool pst_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = decode(s, len, i, &cp)) || cp == 0)
			return false;
	return true;
}

/* A character free text may not hold: it moves the cursor, rings, retitles or clears a
 * terminal, or reorders the text around it. */
static bool refused(uint32_t cp, unsigned flags)
{
	if (cp == '\n' || cp == '\r')
		return !(flags & PST_TEXT_LINES);
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static const char *char_name(uint32_t cp)
{
	switch (cp) {
	case 0x09: return " TAB";
	case 0x0a: return " LINE FEED";
	case 0x0d: return " CARRIAGE RETURN";
	case 0x07: return " BELL";
	case 0x1b: return " ESCAPE";
	case 0x7f: return " DELETE";
	case 0x202e: return " RIGHT-TO-LEFT OVERRIDE";
	case 0x202d: return " LEFT-TO-RIGHT OVERRIDE";
	default: return "";
	}
}

bool pst_text_check(const char *str, size_t len, unsigned flags, char *msg, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t chars = 0;
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n) {
		chars++;
		if (!(n = decode(s, len, i, &cp))) {
			snprintf(msg, size, "is not valid UTF-8 text (byte %zu, 0x%02X); save it as UTF-8",
				 i + 1, s[i]);
			return false;
		}
		if (cp == 0 || refused(cp, flags)) {
			snprintf(msg, size,
				 "holds a control character (U+%04X%s) at character %zu; type plain text%s",
				 (unsigned)cp, char_name(cp), chars,
				 (cp == '\n' || cp == '\r') ? " on one line" : "");
			return false;
		}
	}
	return true;
}

bool pst_text_needs_clean(const char *str, size_t len, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n)
		if (!(n = decode(s, len, i, &cp)) || cp == 0 || refused(cp, flags))
			return true;
	return false;
}

size_t pst_text_clean(const char *str, size_t len, unsigned flags, char *out, size_t size)
{
	static const char repl[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, fit = 0;
	bool full = false;
	uint32_t cp;
	for (size_t i = 0, n; i < len; i += n) {
		const char *piece = str + i;
		size_t plen;
		if (!(n = decode(s, len, i, &cp))) {
			n = 1;
			piece = repl;
			plen = 3;
		} else if (cp == 0 || refused(cp, flags)) {
			piece = repl;
			plen = 3;
		} else {
			plen = n;
		}
		if (!full && o + plen < size) {
			memcpy(out + o, piece, plen);
			fit = o + plen;
		} else {
			full = true;
		}
		o += plen;
	}
	if (size)
		out[fit] = '\0';
	return o;
}
