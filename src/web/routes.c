/*
 * The route table: every path, method, body and query parameter the web app takes, in
 * one place. A handler only sees parameters declared here, validated; undeclared query
 * parameters are dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/vocab.h"
#include "render/chart.h"
#include "render/document.h"
#include "internal.h"

static const struct param p_history[] = {{"since", PT_DATE, 0, 0, NULL}, {"saved", PT_TEXT, 0, 16, NULL},
					 {NULL, 0, 0, 0, NULL}};
static const struct param p_chart[] = {{"since", PT_DATE, 0, 0, NULL},
				       {"size", PT_WORD, 0, 0, &web_chart_size_vocab},
				       {NULL, 0, 0, 0, NULL}};
static const struct pst_vocab paper_vocab = {"paper", pst_paper_names, PST_PAPER__MAX};
static const struct param p_handout[] = {{"paper", PT_WORD, 0, 0, &paper_vocab}, {NULL, 0, 0, 0, NULL}};
static const struct param p_report[] = {{"paper", PT_WORD, 0, 0, &paper_vocab},
					{"since", PT_DATE, 0, 0, NULL},
					{NULL, 0, 0, 0, NULL}};
static const struct param p_screen[] = {{"stage", PT_WORD, 0, 0, &pst_vocab_stage},
					{NULL, 0, 0, 0, NULL}};
/* relief: the relief break; before, none: back from "Check my pain first" (the pain
 * given, the stop-sign box ticked). */
static const struct param p_session[] = {{"relief", PT_INT, 0, 1, NULL},
					 {"before", PT_INT, 0, 10, NULL},
					 {"none", PT_INT, 0, 1, NULL},
					 {NULL, 0, 0, 0, NULL}};
static const struct param p_library[] = {
	{"kind", PT_WORD, 0, 0, &pst_vocab_kind},
	{"position", PT_WORD, 0, 0, &pst_vocab_position},
	{"region", PT_WORD, 0, 0, &pst_vocab_region},
	{"equipment", PT_WORD, 0, 0, &pst_vocab_equipment},
	{"q", PT_TEXT, 0, PST_SEARCH_MAX, NULL},
	{NULL, 0, 0, 0, NULL}};
static const struct param p_done[] = {{"id", PT_INT, 1, 9007199254740991L, NULL}, {NULL, 0, 0, 0, NULL}};
static const struct param p_saved[] = {{"saved", PT_INT, 0, 1, NULL}, {NULL, 0, 0, 0, NULL}};
static const struct param p_profile[] = {{"saved", PT_INT, 0, 1, NULL}, {NULL, 0, 0, 0, NULL}};

/* The clinician's view of a patient (clinic.c): the history's range; a chart's kind. */
static const struct param p_since[] = {{"since", PT_DATE, 0, 0, NULL}, {NULL, 0, 0, 0, NULL}};
static const struct pst_vocab chart_kind_vocab = {"kind", pst_chart_names, PST_CHART_ALL};
static const struct param p_clinic_chart[] = {{"kind", PT_WORD, 0, 0, &chart_kind_vocab},
					      {"size", PT_WORD, 0, 0, &web_chart_size_vocab},
					      {"since", PT_DATE, 0, 0, NULL},
					      {NULL, 0, 0, 0, NULL}};

static const struct param p_login[] = {{"next", PT_TEXT, 0, 1024, NULL}, {NULL, 0, 0, 0, NULL}};
static const struct param p_audit[] = {{"since", PT_DATE, 0, 0, NULL}, {NULL, 0, 0, 0, NULL}};

/* export formats: a vocabulary of three words (api_export tells them by index). */
static const char *const format_words[] = {"csv", "json", "fhir"};
static const struct pst_vocab format_vocab = {"format", format_words, 3};
static const struct param p_export_fmt[] = {{"format", PT_WORD, 0, 0, &format_vocab},
					    {NULL, 0, 0, 0, NULL}};

const struct route web_routes[] = {
	/* the JSON API */
	{M_GET, "/api/v1/catalog", api_catalog, BODY_NONE, R_API, NULL},
	{M_GET, "/api/v1/catalog/{}", api_catalog_item, BODY_NONE, R_API, NULL},
	{M_POST, "/api/v1/screen", api_screen, BODY_JSON, R_API | R_RECORDS, p_screen},
	{M_GET, "/api/v1/profile", api_profile_get, BODY_NONE, R_API | R_RECORDS, NULL},
	{M_PUT, "/api/v1/profile", api_profile_put, BODY_JSON, R_API | R_RECORDS, NULL},
	{M_GET, "/api/v1/plan", api_plan, BODY_NONE, R_API | R_RECORDS, NULL},
	{M_POST, "/api/v1/checkins", api_checkins, BODY_JSON, R_API | R_RECORDS, NULL},
	{M_GET, "/api/v1/history", api_history, BODY_NONE, R_API | R_RECORDS, p_history},
	{M_POST, "/api/v1/sessions", api_sessions, BODY_JSON, R_API | R_RECORDS, NULL},
	{M_GET, "/api/v1/export", api_export, BODY_NONE, R_API | R_RECORDS, p_export_fmt},
	/* accounts (clinic mode, auth.c) */
	{M_POST, "/api/v1/login", api_login, BODY_JSON, R_API | R_PUBLIC, NULL},
	{M_POST, "/api/v1/logout", api_logout, BODY_NONE, R_API | R_PUBLIC, NULL},
	{M_GET, "/api/v1/session", api_whoami, BODY_NONE, R_API, NULL},
	/* a clinician's patients (clinic.c): R_ARG_PATIENT, only their own (404 otherwise) */
	{M_GET, "/api/v1/patients", api_patients, BODY_NONE, R_API | R_CLINICIAN, NULL},
	{M_POST, "/api/v1/patients", api_patients_post, BODY_JSON, R_API | R_CLINICIAN, NULL},
	{M_GET, "/api/v1/patients/{}/history", api_patient_history, BODY_NONE,
	 R_API | R_CLINICIAN | R_ARG_PATIENT, p_history},
	{M_POST, "/api/v1/patients/{}/invitation", api_patient_invite, BODY_NONE,
	 R_API | R_CLINICIAN | R_ARG_PATIENT, NULL},
	/* a clinician's patient's programme (page_programme.c; docs/clinic.md) */
	{M_GET, "/api/v1/patients/{}/programme", api_programme_get, BODY_NONE,
	 R_API | R_CLINICIAN | R_ARG_PATIENT, NULL},
	{M_PUT, "/api/v1/patients/{}/programme", api_programme_put, BODY_JSON,
	 R_API | R_CLINICIAN | R_ARG_PATIENT, NULL},
	/* for a load balancer */
	{M_GET, "/healthz", web_healthz, BODY_NONE, R_API | R_PUBLIC, NULL},
	/* pages */
	{M_GET, "/", page_home, BODY_NONE, 0, NULL},
	{M_GET, "/today", page_today, BODY_NONE, R_RECORDS, NULL},
	{M_GET, "/screening", page_screening, BODY_NONE, R_RECORDS, p_screen},
	{M_POST, "/screening", page_screening_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_GET, "/referral", page_referral, BODY_NONE, R_RECORDS, NULL},
	{M_GET, "/profile", page_profile, BODY_NONE, R_RECORDS, p_profile},
	{M_POST, "/profile", page_profile_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_POST, "/checkin", page_checkin_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_GET, "/session", page_session, BODY_NONE, R_RECORDS, p_session},
	{M_POST, "/session", page_session_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_GET, "/session/done", page_session_done, BODY_NONE, R_RECORDS, p_done},
	{M_GET, "/history", page_history, BODY_NONE, R_RECORDS, p_history},
	{M_POST, "/psfs", page_psfs_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_GET, "/exercises", page_exercises, BODY_NONE, 0, p_library},
	{M_GET, "/exercises/{}", page_exercise, BODY_NONE, 0, NULL},
	{M_GET, "/tips", page_tips, BODY_NONE, 0, NULL},
	{M_GET, "/tips/{}", page_tip, BODY_NONE, 0, NULL},
	{M_GET, "/about", page_about, BODY_NONE, 0, NULL},
	{M_GET, "/sources", page_sources, BODY_NONE, 0, NULL},
	{M_GET, "/disclaimer", page_disclaimer, BODY_NONE, 0, NULL},
	{M_GET, "/stop", page_stop, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/export", api_export, BODY_NONE, R_RECORDS, p_export_fmt},
	{M_GET, "/img/{}", page_figure, BODY_NONE, R_ARG_FIGURE, NULL},
	{M_GET, "/img/pregnant/{}", page_figure_pregnant, BODY_NONE, R_ARG_FIGURE, NULL},
	{M_GET, "/chart/{}", page_chart, BODY_NONE, R_ARG_FIGURE | R_RECORDS, p_chart},
	{M_GET, "/handout.pdf", page_handout, BODY_NONE, R_RECORDS, p_handout},
	{M_GET, "/report.pdf", page_report, BODY_NONE, R_RECORDS, p_report},
	{M_GET, "/calendar.ics", page_calendar_ics, BODY_NONE, R_RECORDS, NULL},
	/* The subscription address: the token in it is what opens it (page_calendar.c). */
	{M_GET, "/calendar/{}", page_calendar_token, BODY_NONE, R_ARG_FIGURE | R_PUBLIC, NULL},
	{M_POST, "/calendar", page_calendar_post, BODY_FORM, R_CSRF | R_RECORDS, NULL},
	{M_GET, "/static/{}", page_asset, BODY_NONE, R_ARG_ASSET | R_PUBLIC, NULL},
	/* the installable, offline app (page_app.c): the manifest, icons and service worker
	 * are the login page's too */
	{M_GET, "/manifest.webmanifest", page_manifest, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/icon-192.png", page_icon, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/icon-512.png", page_icon, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/icon-maskable-512.png", page_icon, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/sw.js", page_sw, BODY_NONE, R_PUBLIC, NULL},
	{M_GET, "/offline.json", page_offline_list, BODY_NONE, R_RECORDS, NULL},
	{M_GET, "/offline", page_offline, BODY_NONE, 0, NULL},
	/* the clinician's pages (clinic.c) */
	{M_GET, "/clinic", page_clinic, BODY_NONE, R_CLINICIAN, NULL},
	{M_POST, "/clinic/patients", page_clinic_add, BODY_FORM, R_CSRF | R_CLINICIAN, NULL},
	{M_GET, "/clinic/patients/{}", page_clinic_patient, BODY_NONE, R_CLINICIAN | R_ARG_PATIENT, p_since},
	{M_POST, "/clinic/patients/{}/invitation", page_clinic_invite, BODY_FORM,
	 R_CSRF | R_CLINICIAN | R_ARG_PATIENT, NULL},
	{M_GET, "/clinic/patients/{}/chart", page_clinic_chart, BODY_NONE, R_CLINICIAN | R_ARG_PATIENT,
	 p_clinic_chart},
	{M_GET, "/clinic/patients/{}/handout.pdf", page_clinic_handout, BODY_NONE,
	 R_CLINICIAN | R_ARG_PATIENT, p_handout},
	{M_GET, "/clinic/patients/{}/report.pdf", page_clinic_report, BODY_NONE,
	 R_CLINICIAN | R_ARG_PATIENT, p_report},
	/* the clinician's editing page of a patient's programme (page_programme.c) */
	{M_GET, "/clinic/patients/{}/programme", page_programme, BODY_NONE,
	 R_CLINICIAN | R_ARG_PATIENT, p_saved},
	{M_POST, "/clinic/patients/{}/programme", page_programme_post, BODY_FORM,
	 R_CSRF | R_CLINICIAN | R_ARG_PATIENT, NULL},
	/* accounts (page_auth.c) */
	{M_GET, "/login", page_login, BODY_NONE, R_PUBLIC, p_login},
	{M_POST, "/login", page_login_post, BODY_FORM, R_CSRF | R_PUBLIC, NULL},
	{M_POST, "/logout", page_logout_post, BODY_FORM, R_CSRF | R_PUBLIC, NULL},
	{M_GET, "/invite/{}", page_invite, BODY_NONE, R_PUBLIC, NULL},
	{M_POST, "/invite/{}", page_invite_post, BODY_FORM, R_CSRF | R_PUBLIC, NULL},
	{M_GET, "/admin", page_admin, BODY_NONE, R_ADMIN, NULL},
	{M_POST, "/admin", page_admin_post, BODY_FORM, R_CSRF | R_ADMIN, NULL},
	{M_GET, "/admin/audit", page_admin_audit, BODY_NONE, R_ADMIN, p_audit},
};
const size_t web_routes_n = sizeof web_routes / sizeof *web_routes;

/* A path segment of an id: lower-case letters, digits and dashes (catalogue ids, tip
 * ids); pictures and assets add one dot-separated extension. */
static bool segment_ok(const char *s, size_t n, unsigned flags)
{
	if (n == 0 || n > WEB_PATH_ARG_MAX)
		return false;
	int dots = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			continue;
		if (c == '.' && (flags & (R_ARG_FIGURE | R_ARG_ASSET)) && i > 0 && i + 1 < n &&
		    s[i - 1] != '.' && ++dots <= 2)
			continue;
		return false;
	}
	return true;
}

/* Matches path against pattern; a "{}" takes one segment into arg (what follows it in
 * the pattern must follow in the path). */
static bool match(const char *pattern, const char *path, char *arg, unsigned flags)
{
	const char *brace = strstr(pattern, "{}");
	if (!brace)
		return strcmp(pattern, path) == 0;
	size_t pre = (size_t)(brace - pattern);
	if (strncmp(pattern, path, pre) != 0)
		return false;
	/* What follows the {} must follow the segment as it is ("/{}/history"). */
	const char *seg = path + pre;
	size_t n = strcspn(seg, "/");
	if (strcmp(seg + n, brace + 2) != 0 || !segment_ok(seg, n, flags))
		return false;
	memcpy(arg, seg, n);
	arg[n] = '\0';
	return true;
}

static const char *method_word(enum web_method m)
{
	return m == M_GET ? "GET, HEAD" : m == M_POST ? "POST" : m == M_PUT ? "PUT" : "";
}

const struct route *web_route_find(struct req *r, char *allowed, size_t size)
{
	char arg[WEB_PATH_ARG_MAX + 1];
	allowed[0] = '\0';
	enum web_method m = r->method == M_HEAD ? M_GET : r->method;
	for (size_t i = 0; i < web_routes_n; i++) {
		const struct route *rt = &web_routes[i];
		if (!match(rt->pattern, r->path, arg, rt->flags))
			continue;
		if (rt->method == m) {
			memcpy(r->arg, arg, sizeof arg);
			return rt;
		}
		size_t used = strlen(allowed);
		snprintf(allowed + used, size - used, "%s%s", used ? ", " : "", method_word(rt->method));
	}
	return NULL;
}

bool web_param_check(const struct param *p, const char *text, struct web_arg *out,
		     const char **msg)
{
	memset(out, 0, sizeof(*out));
	switch (p->type) {
	case PT_INT: {
		char *end;
		long long v = strtoll(text, &end, 10);
		if (!*text || *end || v < p->lo || v > p->hi) {
			*msg = "must be a whole number in range";
			return false;
		}
		out->n = v;
		break;
	}
	case PT_WORD:
		out->word = pst_vocab_find(p->vocab, text);
		if (out->word < 0) {
			*msg = "is not one of the allowed words";
			return false;
		}
		break;
	case PT_DATE: {
		int64_t day;
		if (pst_day_parse(text, &day) != PST_OK) {
			*msg = "must be a date like 2026-11-21";
			return false;
		}
		out->n = day;
		break;
	}
	case PT_TEXT:
		if ((long)strlen(text) > p->hi) {
			*msg = "is too long";
			return false;
		}
		break;
	}
	out->set = true;
	out->s = text;
	return true;
}

bool web_route_args(struct req *r)
{
	const struct param *ps = r->route->params;
	for (size_t i = 0; ps && ps[i].name && i < WEB_ARGS_MAX; i++) {
		const char *text = pst_form_get(&r->query, ps[i].name);
		const char *msg;
		if (!text || (!*text && ps[i].type != PT_TEXT))
			continue; /* an empty select ("any kind") is no filter */
		if (!web_param_check(&ps[i], text, &r->q[i], &msg)) {
			char allowed[256] = "";
			if (ps[i].type == PT_WORD)
				pst_vocab_list(ps[i].vocab, allowed, sizeof allowed);
			web_error(r, 422, "invalid", ps[i].name, "%s: '%.60s' %s%s%s", ps[i].name, text, msg,
				  allowed[0] ? ": " : "", allowed);
			return false;
		}
	}
	return true;
}
