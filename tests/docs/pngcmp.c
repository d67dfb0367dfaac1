/* A small helper of tests/docs/documents.sh, reading PNG through cairo:
 *   pngcmp size FILE            prints WIDTHxHEIGHT
 *   pngcmp cmp GOT WANT [PM]    exit 0 when the sizes match and at most PM per mille
 *                               (default 15) of the pixels differ by more than 48 in a
 *                               channel: other cairo, pango, poppler or freetype
 *                               versions round a little differently. */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_surface_t *load(const char *path)
{
	cairo_surface_t *s = cairo_image_surface_create_from_png(path);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "pngcmp: cannot read %s as PNG\n", path);
		cairo_surface_destroy(s);
		return NULL;
	}
	return s;
}

/* The pixel at x, y as 0xAARRGGBB, whatever the surface's format. */
static unsigned long pixel(cairo_surface_t *s, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(s) + y * cairo_image_surface_get_stride(s);
	switch (cairo_image_surface_get_format(s)) {
	case CAIRO_FORMAT_ARGB32:
	case CAIRO_FORMAT_RGB24: {
		unsigned long v;
		memcpy(&v, d + 4 * x, 4);
		v &= 0xffffffffUL;
		return cairo_image_surface_get_format(s) == CAIRO_FORMAT_RGB24 ? v | 0xff000000UL : v;
	}
	case CAIRO_FORMAT_A8: return (unsigned long)d[x] << 24;
	default: return 0;
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "size") == 0) {
		cairo_surface_t *s = load(argv[2]);
		if (!s)
			return 1;
		printf("%dx%d\n", cairo_image_surface_get_width(s), cairo_image_surface_get_height(s));
		cairo_surface_destroy(s);
		return 0;
	}
	if ((argc == 4 || argc == 5) && strcmp(argv[1], "cmp") == 0) {
		long pm = argc == 5 ? atol(argv[4]) : 15;
		cairo_surface_t *a = load(argv[2]), *b = load(argv[3]);
		int rc = 1;
		if (a && b) {
			int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
			if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
				fprintf(stderr, "pngcmp: %s is %dx%d, %s is %dx%d\n", argv[2], w, h, argv[3],
					cairo_image_surface_get_width(b), cairo_image_surface_get_height(b));
			} else {
				cairo_surface_flush(a);
				cairo_surface_flush(b);
				long bad = 0;
				for (int y = 0; y < h; y++)
					for (int x = 0; x < w; x++) {
						unsigned long p = pixel(a, x, y), q = pixel(b, x, y);
						for (int c = 0; c < 32; c += 8) {
							long d = (long)(p >> c & 255) - (long)(q >> c & 255);
							if (d > 48 || d < -48) {
								bad++;
								break;
							}
						}
					}
				printf("%ld of %ld pixels differ (limit %ld per mille)\n", bad, (long)w * h, pm);
				rc = bad * 1000 <= (long)w * h * pm ? 0 : 1;
			}
		}
		if (a)
			cairo_surface_destroy(a);
		if (b)
			cairo_surface_destroy(b);
		return rc;
	}
	fprintf(stderr, "usage: pngcmp size FILE | pngcmp cmp GOT WANT [PER_MILLE]\n");
	return 2;
}
