/*
 * The installable, offline app (issue 15): the web app manifest and its icons (drawn by
 * render/icon.c), the service worker (data/web/sw.js, served from the root so that its
 * scope is the whole site), the list of what it keeps for offline use (the shell, today's
 * plan and session player with their pictures, the stop signs, the tips) and the page it
 * shows for a page it does not have.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "page.h"
#include "render/icon.h"

static const struct {
	const char *path;
	int size;
	bool maskable;
} icons[WEB_ICONS] = {
	{"/icon-192.png", 192, false},
	{"/icon-512.png", 512, false},
	{"/icon-maskable-512.png", 512, true},
};

static const char *asset(const char *name)
{
	const struct web_asset *a = web_asset_named(name);
	return a ? a->hashed : name;
}

int web_app_setup(struct web *w)
{
	for (int i = 0; i < WEB_ICONS; i++) {
		struct pst_buf b;
		pst_buf_init(&b, 1u << 20);
		int err = pst_icon_png(icons[i].size, icons[i].maskable, &b);
		if (err || b.failed) {
			pst_buf_free(&b);
			return err ? err : PST_ENOMEM;
		}
		w->icons[i].data = b.s;
		w->icons[i].len = b.len;
	}
	/* The manifest: the same for everyone, built once. Colours for both schemes: the
	 * manifest's own are the light ones (what every browser reads); user_preferences
	 * gives the dark ones to a browser that reads it. */
	json_t *ic = json_array();
	for (int i = 0; i < WEB_ICONS; i++) {
		char sizes[16];
		snprintf(sizes, sizeof sizes, "%dx%d", icons[i].size, icons[i].size);
		json_array_append_new(ic, json_pack("{s:s, s:s, s:s, s:s}", "src", icons[i].path, "sizes", sizes,
						    "type", "image/png", "purpose",
						    icons[i].maskable ? "maskable" : "any"));
	}
	char svg[96];
	snprintf(svg, sizeof svg, "/static/%s", asset("icon.svg"));
	json_array_append_new(ic, json_pack("{s:s, s:s, s:s, s:s}", "src", svg, "sizes", "any", "type",
					    "image/svg+xml", "purpose", "any"));
	json_t *m = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:{s:s, s:s}}}", "id", "/today",
		"name", "postura: back exercises for pregnancy and after birth", "short_name", "postura",
		"description",
		"A safe routine for upper and mid back pain in pregnancy and after birth, with the "
		"source of every exercise. It works offline once visited.",
		"lang", "en", "dir", "ltr", "start_url", "/today", "scope", "/", "display", "standalone",
		"theme_color", PST_THEME_LIGHT, "background_color", PST_BACKGROUND_LIGHT, "icons", ic,
		"user_preferences", "color_scheme_dark", "theme_color", PST_THEME_DARK, "background_color",
		PST_BACKGROUND_DARK);
	char *s = m ? json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(m);
	if (!s)
		return PST_ENOMEM;
	w->manifest.data = s;
	w->manifest.len = strlen(s);
	struct pst_buf z;
	pst_buf_init(&z, w->manifest.len + 1024);
	if (web_gzip(w->manifest.data, w->manifest.len, &z)) {
		w->manifest.gz = z.s;
		w->manifest.gz_len = z.len;
	} else {
		pst_buf_free(&z);
	}
	return PST_OK;
}

void web_app_teardown(struct web *w)
{
	for (int i = 0; i < WEB_ICONS; i++)
		free(w->icons[i].data);
	free(w->manifest.data);
	free(w->manifest.gz);
}

/* In the head of every page: the manifest, the icons and the theme colours. */
void page_app_head(struct pst_buf *b)
{
	pst_html_printf(b,
			"<link rel=\"manifest\" href=\"/manifest.webmanifest\">"
			"<link rel=\"apple-touch-icon\" href=\"/icon-192.png\">"
			"<meta name=\"theme-color\" content=\"%s\" media=\"(prefers-color-scheme: light)\">"
			"<meta name=\"theme-color\" content=\"%s\" media=\"(prefers-color-scheme: dark)\">",
			PST_THEME_LIGHT, PST_THEME_DARK);
}

void page_manifest(struct web *w, struct req *r)
{
	r->reply.status = 200;
	r->reply.ctype = "application/manifest+json";
	r->reply.cache = "no-cache";
	r->reply.static_data = w->manifest.data;
	r->reply.static_len = w->manifest.len;
	r->reply.static_gz = w->manifest.gz;
	r->reply.static_gz_len = w->manifest.gz_len;
}

void page_icon(struct web *w, struct req *r)
{
	for (int i = 0; i < WEB_ICONS; i++)
		if (strcmp(r->path, icons[i].path) == 0) {
			r->reply.status = 200;
			r->reply.ctype = "image/png";
			r->reply.cache = "public, max-age=86400";
			r->reply.static_data = w->icons[i].data;
			r->reply.static_len = w->icons[i].len;
			return;
		}
	page_error(r, 404, "Not found", "No such file.");
}

/* GET /sw.js: the service worker, from the site's root (its scope is where it is
 * served from). Checked for a new version on every visit: no-cache. */
void page_sw(struct web *w, struct req *r)
{
	const struct web_asset *a = web_asset_named("sw.js");
	if (!a) {
		page_error(r, 404, "Not found", "No such file.");
		return;
	}
	size_t i = (size_t)(a - web_assets);
	r->reply.status = 200;
	r->reply.ctype = a->ctype;
	r->reply.cache = "no-cache";
	r->reply.static_data = a->data;
	r->reply.static_len = a->len;
	r->reply.static_gz = w->assets[i].gz;
	r->reply.static_gz_len = w->assets[i].gz_len;
}

static void url_add(json_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void url_add(json_t *a, const char *fmt, ...)
{
	char u[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u, sizeof u, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < json_array_size(a); i++)
		if (strcmp(json_string_value(json_array_get(a, i)), u) == 0)
			return;
	json_array_append_new(a, json_string(u));
}

/* The pictures the player shows of a list of exercises: the two stills and the movement
 * of each into a, and each movement into m too, with the still that stands for it (its
 * first pose, what a viewer that does not animate shows: the worker answers a movement
 * it could not keep with it). */
static void pictures(json_t *a, json_t *m, const struct pst_plan_item *items, size_t n, bool pregnant)
{
	const char *dir = pregnant ? "/img/pregnant/" : "/img/";
	for (size_t i = 0; i < n; i++) {
		const struct pst_exercise *e = items[i].ex;
		char first[160], anim[160];
		snprintf(first, sizeof first, "%s%s-%s.svg", dir, e->id, e->scene.poses[0].name);
		snprintf(anim, sizeof anim, "%s%s.anim.svg", dir, e->id);
		url_add(a, "%s", first);
		url_add(a, "%s", anim);
		if (e->scene.n > 1)
			url_add(a, "%s%s-%s.svg", dir, e->id, e->scene.poses[e->scene.n - 1].name);
		json_object_set_new(m, anim, json_string(first));
	}
}

/*
 * GET /offline.json: what the service worker keeps so that, after one visit, the session
 * can be done with the network off: {"version", "shell": [...], "pages": [...],
 * "pictures": [...], "movements": {movement: still}}: the budget of a first visit is
 * 100 KB (bench/RESULTS.md). The shell (scripts, the small icon,
 * the manifest, the offline page) and the pictures do not change under their names; the
 * pages do, with the person's data and the day: "version" changes with both, so the
 * worker fetches the pages again only then. The movements are kept on the first visit
 * too (each about 2 KB gzipped, the body's paths animated rather than every frame
 * drawn again: src/render/figure.c); a movement the worker could not keep is answered,
 * offline, with its still.
 */
void page_offline_list(struct web *w, struct req *r)
{
	json_t *shell = json_array(), *pages = json_array(), *pics = json_array(), *moves = json_object();
	url_add(shell, "/offline");
	url_add(shell, "/manifest.webmanifest");
	url_add(shell, "%s", icons[0].path); /* the big ones: the browser fetches them to install */
	url_add(shell, "/static/%s", asset("icon.svg"));
	url_add(shell, "/static/%s", asset("app.js"));
	url_add(shell, "/static/%s", asset("player.js"));
	url_add(pages, "/stop");
	url_add(pages, "/tips");
	struct person pe;
	int err = person_read(w, r, &pe);
	if (!err && !person_next(&pe)) {
		struct pst_plan *plan = NULL;
		err = pst_app_plan(web_store(w), w->cfg.cat, w->cfg.tips, &pe.p, &pe.res, &plan);
		if (!err) {
			bool pregnant = pe.p.has_stage && pe.p.stage == PST_STAGE_PREGNANCY;
			url_add(pages, "/today");
			url_add(pages, "/session");
			pictures(pics, moves, plan->items, plan->nitems, pregnant);
			/* The tip of the day is on Today; the others' pages (5.5 KB each) are kept
			 * when read online. */
		}
		pst_plan_free(plan);
		err = err == PST_EREFERRAL ? PST_OK : err;
	}
	person_free(&pe);
	if (err) {
		json_decref(shell);
		json_decref(pages);
		json_decref(pics);
		json_decref(moves);
		char msg[512];
		web_error(r, 500, "store", NULL, "%s", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	char version[64];
	snprintf(version, sizeof version, "%llu-%lld", (unsigned long long)web_version(w),
		 (long long)r->today);
	web_json(r, 200, json_pack("{s:s, s:o, s:o, s:o, s:o}", "version", version, "shell", shell, "pages",
				   pages, "pictures", pics, "movements", moves));
}

/* GET /offline: what the service worker shows for a page it has not kept. */
void page_offline(struct web *w, struct req *r)
{
	struct pst_buf *b = page_begin(w, r, "Offline", NULL);
	r->reply.cache = "no-cache";
	pst_html_raw(b, "<h1>You are offline</h1><p class=\"lead\">This page is not saved on this "
			"phone yet. These work without the network once you have opened postura online:</p>"
			"<ul class=\"links\"><li><a href=\"/today\">Today's routine</a></li>"
			"<li><a href=\"/session\">The session player</a></li>"
			"<li><a href=\"/stop\">Stop signs: when to stop and get help</a></li>"
			"<li><a href=\"/tips\">Everyday tips</a></li></ul>"
			"<p>A session or a check-in you save while offline is kept on this phone and sent "
			"when the network is back.</p>");
	page_numbers(b, NULL);
	page_end(b, NULL);
}
