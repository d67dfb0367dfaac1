/*
 * The reminders in the person's own calendar: GET /calendar.ics (the plan's session days
 * as an iCalendar file, render/ics.h), the subscription address /calendar/TOKEN.ics that
 * a phone's calendar follows (webcal://), its QR code on the profile page, and POST
 * /calendar to make, renew or revoke it. The token is 160 random bits (libsodium); it
 * opens that calendar and nothing else: no other route reads it, and its route reads
 * nothing but the token. Like every request, it must also name a Host the server
 * answers to (--host).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"
#include "render/ics.h"
#include "render/qr.h"

enum { TOKEN_BYTES = 20, TOKEN_LEN = 2 * TOKEN_BYTES };

/* The scheme the person reached us by: https behind a proxy that says so. */
static const char *scheme(struct req *r)
{
	const char *p = web_header(r, "X-Forwarded-Proto");
	return p && strcmp(p, "https") == 0 ? "https" : "http";
}

/* Writes the calendar for the person now into r->reply. */
static void reply_calendar(struct web *w, struct req *r)
{
	struct pst_saved_profile sp;
	struct pst_profile p;
	struct pst_plan *plan = NULL;
	bool found = false;
	int err = pst_app_reminder_plan(web_store(w), w->cfg.cat, w->cfg.tips, w->cfg.questions,
				     r->today, &sp, &p, &found, &plan);
	if (!err && !found) {
		page_error(r, 404, "No plan yet",
			   "The reminders follow your plan: fill in your profile first.");
		return;
	}
	if (err && err != PST_EREFERRAL) {
		char msg[512];
		page_error(r, 500, "Your records could not be read",
			   web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	const char *host = web_header(r, MHD_HTTP_HEADER_HOST);
	char url[WEB_HOST_LEN + 32];
	snprintf(url, sizeof url, "%s://%s/today", scheme(r), host ? host : "localhost");
	char person[24];
	snprintf(person, sizeof person, "%lld", (long long)web_store(w)->person);
	struct pst_ics in = {
		.plan = plan, .profile = &p, .person = person, .now = r->now,
		.start_day = r->today - pst_day_weekday(r->today), .url = url,
		/* Red flags win: no exercise reminders while the answers send the person to a
		 * professional (or ask them again). */
		.no_plan = "No reminders for now: your safety answers ask you to see a "
			   "professional, or to answer the questions again, before exercising. "
			   "Open postura to see what to do.",
	};
	char msg[256];
	pst_buf_free(&r->reply.body);
	pst_buf_init(&r->reply.body, 1 << 20);
	err = pst_ics_write(&r->reply.body, &in, msg, sizeof msg);
	pst_plan_free(plan);
	if (err) {
		char why[400];
		snprintf(why, sizeof why, "timezone: %s. Change it in your profile.", msg);
		page_error(r, err == PST_EINVAL ? 422 : 500, "The calendar could not be made",
			   err == PST_EINVAL ? why : pst_strerror(err));
		return;
	}
	r->reply.status = 200;
	r->reply.ctype = "text/calendar; charset=utf-8";
	snprintf(r->reply.disposition, sizeof r->reply.disposition,
		 "inline; filename=\"postura-reminders.ics\"");
}

void page_calendar_ics(struct web *w, struct req *r)
{
	reply_calendar(w, r);
}

/* The saved token into buf (TOKEN_LEN + 1 bytes); false when none (or the store
 * failed: then *err is set). */
static bool saved_token(struct web *w, char *buf, size_t size, int *err)
{
	bool found = false;
	*err = web_store(w)->ops->calendar_token_get(web_store(w), buf, size, &found);
	return !*err && found && strlen(buf) == TOKEN_LEN;
}

void page_calendar_token(struct web *w, struct req *r)
{
	/* r->arg is "TOKEN.ics" (the route allows one dot); in clinic mode, where a calendar
	 * app has no session, "PERSON-TOKEN.ics": whose calendar, then its token. */
	const char *arg = r->arg;
	bool ok = true;
	if (r->auth.on) {
		char *end;
		long long person = strtoll(arg, &end, 10);
		ok = arg[0] >= '1' && arg[0] <= '9' && *end == '-' && person > 0;
		r->auth.person = ok ? person : 0; /* web_store: that person's records */
		arg = ok ? end + 1 : arg;
	}
	size_t n = strlen(arg);
	char saved[TOKEN_LEN + 8];
	int err;
	ok = ok && n == TOKEN_LEN + 4 && strcmp(arg + TOKEN_LEN, ".ics") == 0 &&
	     saved_token(w, saved, sizeof saved, &err) && sodium_memcmp(saved, arg, TOKEN_LEN) == 0;
	if (!ok) {
		/* The same answer for a token never made, revoked or renewed. */
		page_error(r, 404, "No such calendar",
			   "This calendar address does not exist, or it was replaced or revoked: "
			   "open your postura profile for the current one.");
		return;
	}
	reply_calendar(w, r);
}

/* POST /calendar: action=renew (a new address; the old one stops working) or revoke. */
void page_calendar_post(struct web *w, struct req *r)
{
	const char *action = pst_form_get(&r->form, "action");
	bool renew = action && strcmp(action, "renew") == 0;
	if (!renew && !(action && strcmp(action, "revoke") == 0)) {
		page_error(r, 422, "Nothing was changed",
			   "action: must be renew (a new calendar address) or revoke (none).");
		return;
	}
	char token[TOKEN_LEN + 1] = "";
	if (renew) {
		unsigned char raw[TOKEN_BYTES];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, sizeof token, raw, sizeof raw);
	}
	int err = web_store(w)->ops->calendar_token_put(web_store(w), renew ? token : NULL, r->now);
	if (err) {
		char msg[512];
		page_error(r, 500, "The calendar address could not be saved",
			   web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	web_redirect(r, "/profile#calendar");
}

static bool loopback_host(const char *h)
{
	return !h || strncmp(h, "127.", 4) == 0 || strncmp(h, "localhost", 9) == 0 ||
	       strncmp(h, "[::1]", 5) == 0;
}

void page_calendar_section(struct web *w, struct req *r, struct pst_buf *b)
{
	char token[TOKEN_LEN + 8];
	int err;
	bool has = saved_token(w, token, sizeof token, &err);
	const char *host = web_header(r, MHD_HTTP_HEADER_HOST);
	pst_html_raw(b, "<section id=\"calendar\" aria-labelledby=\"cal-h\"><h2 id=\"cal-h\">"
			"Reminders in your calendar</h2>"
			"<p>Your session days, at the time you chose above, with a reminder 10 minutes "
			"before and the exercises in the event. <a href=\"/calendar.ics\">Add them once "
			"(a calendar file)</a>, or subscribe so that your calendar follows your plan "
			"when it changes:</p>");
	if (err) {
		pst_html_raw(b, "<p class=\"notice error\">The calendar address could not be read.</p>");
	} else if (has) {
		char path[TOKEN_LEN + 64], http[WEB_HOST_LEN + 128], webcal[WEB_HOST_LEN + 128];
		char who[24] = "";
		if (r->auth.on)
			snprintf(who, sizeof who, "%lld-", (long long)web_store(w)->person);
		snprintf(path, sizeof path, "/calendar/%s%s.ics", who, token);
		snprintf(http, sizeof http, "%s://%s%s", scheme(r), host ? host : "", path);
		snprintf(webcal, sizeof webcal, "webcal://%s%s", host ? host : "", path);
		pst_html_printf(b,
				"<p><a class=\"button\" href=\"%s\">Subscribe in this device's calendar</a></p>"
				"<p>Or scan it with your phone's camera:</p>",
				webcal);
		pst_qr_svg(b, webcal, "QR code of your calendar's subscription address");
		pst_html_printf(b,
				"<p>The address, to paste into a calendar app (Google Calendar: "
				"\"From URL\"):<br><code class=\"url\">%s</code></p>",
				http);
		if (loopback_host(host))
			pst_html_raw(b, "<p class=\"notice\">This address names this computer only "
					"(127.0.0.1 or localhost): a phone cannot reach it. Start postura "
					"with the name your phone can use, for example <code>postura serve "
					"--listen 0.0.0.0:8080 --allow-remote --host mycomputer.local</code>, "
					"and open this page by that name.</p>");
		pst_html_raw(b, "<p class=\"hint\">Anyone with this address can see your session "
				"days and exercises (nothing else). If you shared it by mistake, make a "
				"new one: the old one then stops working.</p>");
	} else {
		pst_html_raw(b, "<p>There is no subscription address yet.</p>");
	}
	pst_html_raw(b, "<form method=\"post\" action=\"/calendar\" class=\"inline\">");
	page_csrf(r, b);
	pst_html_printf(b, "<button type=\"submit\" name=\"action\" value=\"renew\">%s</button>",
			has ? "Make a new address (the old one stops working)"
			    : "Make a subscription address");
	if (has)
		pst_html_raw(b, " <button type=\"submit\" name=\"action\" value=\"revoke\">Stop "
				"sharing (remove the address)</button>");
	pst_html_raw(b, "</form></section>");
}
