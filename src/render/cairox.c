/* Plumbing shared by the cairo writers: buffers, stable SVG, whole files, pango text. */
#include "cairox.h"

#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

cairo_status_t pst_cairo_to_buf(void *closure, const unsigned char *data, unsigned int len)
{
	struct pst_buf *b = closure;
	pst_buf_add(b, (const char *)data, len);
	return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Puts b's bytes in place of out's from byte start on, and frees b; when b ran out of
 * memory, out is left as it was and marked failed. */
static void replace_from(struct pst_buf *out, size_t start, struct pst_buf *b)
{
	if (b->failed) {
		out->failed = true;
	} else {
		out->len = start;
		pst_buf_add(out, b->s, b->len);
	}
	pst_buf_free(b);
}

void pst_svg_renumber(struct pst_buf *out, size_t start)
{
	static const char key[] = "surface";
	enum { KEYLEN = sizeof key - 1, NMAP = 64 };
	unsigned long from[NMAP];
	int nmap = 0;
	struct pst_buf b;
	pst_buf_init(&b, out->max);
	const char *s = out->s + start, *end = out->s + out->len;
	while (s < end) {
		const char *hit = NULL;
		for (const char *q = s; q + KEYLEN < end; q++)
			if (memcmp(q, key, KEYLEN) == 0 && q[KEYLEN] >= '0' && q[KEYLEN] <= '9') {
				hit = q;
				break;
			}
		if (!hit) {
			pst_buf_add(&b, s, (size_t)(end - s));
			break;
		}
		const char *d = hit + KEYLEN;
		unsigned long n = 0;
		while (d < end && *d >= '0' && *d <= '9')
			n = n * 10 + (unsigned long)(*d++ - '0');
		int k;
		for (k = 0; k < nmap && from[k] != n; k++)
			;
		if (k == nmap && nmap < NMAP)
			from[nmap++] = n;
		pst_buf_add(&b, s, (size_t)(hit - s));
		if (k < NMAP)
			pst_buf_printf(&b, "%s%d", key, k + 1);
		else
			pst_buf_add(&b, hit, (size_t)(d - hit));
		s = d;
	}
	replace_from(out, start, &b);
}

/* Appends the number at s (n bytes: an optional '-', digits, '.', digits) rounded to two
 * decimals, without trailing zeros. */
static void trimmed(struct pst_buf *b, const char *s, size_t n)
{
	char tmp[64], out[64];
	if (n >= sizeof tmp) {
		pst_buf_add(b, s, n);
		return;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	int k = snprintf(out, sizeof out, "%.2f", strtod(tmp, NULL));
	while (k > 0 && out[k - 1] == '0')
		k--;
	if (k > 0 && out[k - 1] == '.')
		k--;
	out[k] = '\0';
	pst_buf_puts(b, strcmp(out, "-0") == 0 ? "0" : out);
}

void pst_svg_trim_numbers(struct pst_buf *out, size_t start)
{
	struct pst_buf b;
	pst_buf_init(&b, out->max);
	const char *s = out->s + start, *end = out->s + out->len;
	while (s < end) {
		const char *d = NULL;
		for (const char *q = s; q + 4 <= end; q++)
			if (memcmp(q, " d=\"", 4) == 0) {
				d = q + 4;
				break;
			}
		if (!d) {
			pst_buf_add(&b, s, (size_t)(end - s));
			break;
		}
		pst_buf_add(&b, s, (size_t)(d - s));
		s = d;
		while (s < end && *s != '"') {
			const char *n0 = s, *q = s;
			if (*q == '-')
				q++;
			const char *digits = q;
			while (q < end && *q >= '0' && *q <= '9')
				q++;
			if (q > digits && q < end && *q == '.') {
				const char *frac = ++q;
				while (q < end && *q >= '0' && *q <= '9')
					q++;
				if (q - frac > 2) {
					trimmed(&b, n0, (size_t)(q - n0));
					s = q;
					continue;
				}
			}
			if (q == n0)
				q++; /* not a number: one byte as it is */
			pst_buf_add(&b, n0, (size_t)(q - n0));
			s = q;
		}
	}
	replace_from(out, start, &b);
}

int pst_cairo_render(bool svg, int w, int h, pst_cairo_draw_fn draw, const void *ctx,
		     struct pst_buf *out)
{
	size_t start = out->len;
	cairo_surface_t *sf;
	if (svg) {
		sf = cairo_svg_surface_create_for_stream(pst_cairo_to_buf, out, w, h);
		cairo_svg_surface_set_document_unit(sf, CAIRO_SVG_UNIT_PX);
	} else {
		sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	}
	cairo_t *cr = cairo_create(sf);
	draw(cr, ctx, w, h);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (!svg && st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_write_to_png_stream(sf, pst_cairo_to_buf, out);
	cairo_surface_finish(sf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (svg && st == CAIRO_STATUS_SUCCESS && !out->failed)
		pst_svg_renumber(out, start);
	if (st != CAIRO_STATUS_SUCCESS || out->failed) {
		out->len = start;
		if (out->s)
			out->s[start] = '\0';
		return PST_ENOMEM;
	}
	return PST_OK;
}

int pst_file_write_atomic(const char *path, const char *data, size_t len)
{
	size_t tl = strlen(path) + 32;
	char *tmp = malloc(tl);
	if (!tmp)
		return PST_ENOMEM;
	snprintf(tmp, tl, "%s.tmp%ld", path, (long)getpid());
	/* 0600 whatever the umask: reports and handouts are health data. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (fd >= 0 && !f)
		close(fd);
	int err = PST_EIO;
	if (f) {
		bool ok = fwrite(data, 1, len, f) == len;
		ok &= fflush(f) == 0;
		ok &= fclose(f) == 0;
		if (ok && rename(tmp, path) == 0) {
			err = PST_OK;
		} else {
			int e = errno;
			unlink(tmp);
			errno = e;
		}
	}
	free(tmp);
	return err;
}

static const cairo_user_data_key_t context_key;

PangoLayout *pst_pango_layout(cairo_t *cr, const char *family, double px)
{
	/* One pango context per cairo_t, kept on it: a context caches the fonts it has
	 * loaded and the text it has shaped, and making one per label cost most of the
	 * time of a document (bench/RESULTS.md). */
	PangoContext *ctx = cairo_get_user_data(cr, &context_key);
	if (!ctx) {
		ctx = pango_cairo_create_context(cr);
		cairo_font_options_t *fo = cairo_font_options_create();
		/* No hinting: the same layout in SVG, PNG and PDF, and on any screen. */
		cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
		cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
		cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
		pango_cairo_context_set_font_options(ctx, fo);
		cairo_font_options_destroy(fo);
		if (cairo_set_user_data(cr, &context_key, ctx, g_object_unref) != CAIRO_STATUS_SUCCESS) {
			g_object_unref(ctx);
			return pango_cairo_create_layout(cr);
		}
	} else {
		pango_cairo_update_context(cr, ctx);
	}
	PangoLayout *l = pango_layout_new(ctx);
	PangoFontDescription *fd = pango_font_description_from_string(family);
	pango_font_description_set_absolute_size(fd, px * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	return l;
}
