/* Benchmark baseline: a program that only starts and exits, linked to the same shared
 * libraries as postura (each is referenced so that --as-needed keeps it). */
#include <cairo.h>
#include <jansson.h>
#include <md4c-html.h>
#include <md4c.h>
#include <pango/pangocairo.h>
#include <sqlite3.h>
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	(void)argv;
	/* Never true in the benchmark; keeps one symbol of each library referenced. */
	if (argc > 99) {
		printf("%s %s %d %d %s %s %p\n", yaml_get_version_string(), jansson_version_str(),
		       md_parse("", 0, NULL, NULL), md_html("", 0, NULL, NULL, 0, 0),
		       sqlite3_libversion(), cairo_version_string(),
		       (void *)pango_cairo_font_map_get_default());
	}
	return 0;
}
