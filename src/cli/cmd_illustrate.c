/* postura illustrate: pictures of an exercise's movement, as SVG or PNG. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "core/catalog.h"
#include "render/cairox.h"
#include "render/figure.h"

const char cmd_illustrate_usage[] =
	"usage: postura illustrate ID [--pose P | --animate] [--format svg|png] [--size WxH]\n"
	"                          [--pregnant] [--out FILE]\n"
	"\n"
	"Pictures of an exercise's movement: a simple figure in each pose, with the props it\n"
	"needs. Without --pose, every pose is drawn side by side, start to end, each\n"
	"numbered and named under it.\n"
	"\n"
	"options:\n"
	"  --pose P       only one pose: start, end, its number from 1 or its name\n"
	"                 ('postura catalog show ID --json' lists them)\n"
	"  --animate      one picture that moves from pose to pose and back, looping (SVG;\n"
	"                 a viewer that does not animate shows the first pose)\n"
	"  --format F     svg (the default) or png; --out FILE.png alone also means png\n"
	"  --size WxH     the picture's size in pixels, 32-4096 each (default: 360x360\n"
	"                 for each pose side by side, 480x480 for one pose or --animate)\n"
	"  --out FILE     write to FILE instead of standard output\n"
	"  --no-labels    leave out the words under the poses\n"
	"  --pregnant     draw the figure pregnant (with a bump); without it, not\n"
	"  -h, --help     show this help\n"
	"\n"
	"PNG is not written to a terminal: give --out FILE or redirect the output.\n";

static const struct option opts[] = {
	{"pose", required_argument, NULL, 'p'},
	{"format", required_argument, NULL, 'f'},
	{"size", required_argument, NULL, 's'},
	{"out", required_argument, NULL, 'o'},
	{"no-labels", no_argument, NULL, 'L'},
	{"animate", no_argument, NULL, 'a'},
	{"pregnant", no_argument, NULL, 'P'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parses "WxH" with both sides in the allowed range. */
static bool parse_size(const char *s, int *w, int *h)
{
	char *end;
	errno = 0;
	long a = strtol(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X') || errno)
		return false;
	const char *t = end + 1;
	long b = strtol(t, &end, 10);
	if (end == t || *end || errno || *s == '-' || *s == '+' || *t == '-' || *t == '+')
		return false;
	if (a < PST_FIG_MIN_PX || a > PST_FIG_MAX_PX || b < PST_FIG_MIN_PX || b > PST_FIG_MAX_PX)
		return false;
	*w = (int)a;
	*h = (int)b;
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* What the picture shows, in words (its SVG <title>): the exercise and the pose's
 * caption, every pose's in turn, or the movement. Returns a malloc'd string or NULL. */
static char *figure_title(const struct pst_exercise *e, const struct pst_scene *sc, int which,
			  bool moving)
{
	struct pst_buf t;
	pst_buf_init(&t, 4096);
	if (moving)
		pst_buf_printf(&t, "%s: the movement, from %s to %s%s", e->name, sc->poses[0].caption,
			       sc->poses[sc->n - 1].caption, sc->n > 1 ? " and back" : "");
	else if (which >= 0)
		pst_buf_printf(&t, "%s: %s", e->name, sc->poses[which].caption);
	else
		for (size_t i = 0; i < sc->n; i++)
			pst_buf_printf(&t, "%s%zu %s", i ? ", " : "", i + 1, sc->poses[i].caption);
	if (!moving && which < 0) {
		struct pst_buf u;
		pst_buf_init(&u, 4096);
		pst_buf_printf(&u, "%s: %s", e->name, t.s ? t.s : "");
		pst_buf_free(&t);
		t = u;
	}
	if (t.failed) {
		pst_buf_free(&t);
		return NULL;
	}
	return t.s;
}

int cmd_illustrate(struct cli *c, int argc, char **argv)
{
	const char *pose = NULL, *format = NULL, *size = NULL, *out = NULL;
	bool labels = true, animate = false, pregnant = false;
	int o;
	while ((o = cli_getopt(argc, argv, ":h", opts, "illustrate")) != -1) {
		switch (o) {
		case 'p': pose = optarg; break;
		case 'f': format = optarg; break;
		case 's': size = optarg; break;
		case 'o': out = optarg; break;
		case 'L': labels = false; break;
		case 'a': animate = true; break;
		case 'P': pregnant = true; break;
		case 'h': return cli_help(cmd_illustrate_usage);
		default: return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cli_error("illustrate needs an exercise id (see 'postura catalog list')");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return cli_extra_arg("illustrate", argv[optind + 1]);
	enum pst_fig_format fmt = PST_FIG_SVG;
	if (format) {
		if (strcmp(format, "png") == 0)
			fmt = PST_FIG_PNG;
		else if (strcmp(format, "svg") != 0) {
			cli_error("--format must be svg or png, not '%s'", format);
			return EXIT_USAGE;
		}
	} else if (out && ends_with(out, ".png")) {
		fmt = PST_FIG_PNG;
	}
	if (animate && (pose || fmt == PST_FIG_PNG)) {
		cli_error(pose ? "--animate draws every pose; leave out --pose"
			       : "--animate makes SVG only (a PNG cannot move)");
		return EXIT_USAGE;
	}
	int w = 0, h = 0;
	if (size && !parse_size(size, &w, &h)) {
		cli_error("--size must be WIDTHxHEIGHT in pixels, each %d-%d, like 800x400; not '%s'",
			  PST_FIG_MIN_PX, PST_FIG_MAX_PX, size);
		return EXIT_USAGE;
	}
	if (fmt == PST_FIG_PNG && !out && isatty(STDOUT_FILENO)) {
		cli_error("will not write PNG to a terminal; give --out FILE or redirect the output");
		return EXIT_USAGE;
	}
	const char *id = argv[optind];
	bool usage;
	const struct pst_exercise *e = cli_exercise(c, id, &usage);
	if (!e)
		return usage ? EXIT_USAGE : EXIT_FAIL;
	struct pst_pose dressed[PST_POSES_MAX];
	struct pst_scene scene;
	pst_scene_dress(&e->scene, pregnant, dressed, &scene);
	const struct pst_scene *sc = &scene;
	if (sc->n == 0) {
		cli_error("exercise '%s' has no poses to draw", id);
		return EXIT_FAIL;
	}
	int which = -1;
	if (pose) {
		which = pst_scene_pick(sc, pose);
		if (which < 0) {
			char names[512];
			size_t used = 0;
			names[0] = '\0';
			for (size_t i = 0; i < sc->n && used < sizeof names; i++) {
				int k = snprintf(names + used, sizeof names - used, "%s%s (%s)", i ? ", " : "",
						 sc->poses[i].name, sc->poses[i].caption);
				used += k > 0 ? (size_t)k : 0;
			}
			cli_error("exercise '%s' has no pose '%s' (its poses: %s; or a number 1-%zu)", id,
				  pose, names, sc->n);
			return EXIT_USAGE;
		}
	}
	if (!size) {
		size_t n = which < 0 && !animate ? sc->n : 1;
		w = which < 0 && !animate ? (int)(360 * n) : 480;
		h = which < 0 && !animate ? 360 : 480;
		if (w > PST_FIG_MAX_PX)
			w = PST_FIG_MAX_PX;
	}
	if (animate) {
		struct pst_buf b;
		pst_buf_init(&b, PST_FIG_MAX_BYTES);
		int err = pst_figure_animate(sc, w, h, &b);
		if (!err) {
			char *t = figure_title(e, sc, -1, true);
			err = t ? pst_svg_title(&b, 0, t) : PST_ENOMEM;
			free(t);
		}
		if (!err && out && (err = pst_file_write_atomic(out, b.s, b.len)) == PST_EIO)
			cli_error("cannot write %s: %s", out, strerror(errno));
		else if (err)
			cli_error("cannot draw the picture: %s", pst_strerror(err));
		else if (!out)
			cli_write(b.s, b.len);
		pst_buf_free(&b);
		return err ? EXIT_FAIL : out ? EXIT_OK : cli_finish(EXIT_OK);
	}
	struct pst_buf b;
	pst_buf_init(&b, PST_FIG_MAX_BYTES);
	int err = pst_figure_render(sc, which, labels && which < 0, fmt, w, h, &b);
	if (!err && fmt == PST_FIG_SVG) {
		char *t = figure_title(e, sc, which, false);
		err = t ? pst_svg_title(&b, 0, t) : PST_ENOMEM;
		free(t);
	}
	if (err) {
		pst_buf_free(&b);
		cli_error("cannot draw the picture: %s", pst_strerror(err));
		return EXIT_FAIL;
	}
	if (out) {
		/* through a temporary file renamed into place: a failure leaves no half picture */
		err = pst_file_write_atomic(out, b.s, b.len);
		pst_buf_free(&b);
		if (err == PST_EIO) {
			cli_error("cannot write %s: %s", out, strerror(errno));
			return EXIT_FAIL;
		}
		if (err) {
			cli_error("cannot draw the picture: %s", pst_strerror(err));
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	cli_write(b.s, b.len);
	pst_buf_free(&b);
	return cli_finish(EXIT_OK);
}
