/*
 * The clinician's side (clinic mode, docs/clinic.md): the patients API, the dashboard
 * sorted by who needs attention, a patient's page, and the patient's charts, handout and
 * report printed by the clinician. Who may call what is decided by the dispatcher
 * (auth.c): every route here is a clinician's, and a route with a patient's id in its
 * path (R_ARG_PATIENT) reaches its handler only for one of the clinician's own
 * patients, with web_store giving that patient's records.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/clinic.h"
#include "page.h"
#include "render/chart.h"
#include "render/document.h"
#include "render/html.h"

/* --- a cache of replies ------------------------------------------------------------------ */

/*
 * A dashboard, its JSON, or a patient's page is made once and served from memory until
 * its key changes: who asks, what (the kind, the patient, the range), the day, the
 * browser's CSRF nonce (a page carries forms), and the data. A dashboard's data is the
 * clinician's roster version (pst_db_ops.roster_version: the database moves it with
 * every write to a patient's records and every change of their accounts), read with the
 * session on a GET (session_read), else one indexed read; a patient's page's, the patient's version and a hash of their account (names,
 * emails, states). Making a dashboard reads every patient's account and summary
 * (bench/RESULTS.md).
 */
enum { CACHE_ENTRIES = 64 };
enum cache_kind { CK_DASHBOARD = 1, CK_API, CK_PATIENT };

struct cache_key {
	const struct web *w;
	int64_t account, patient, since, day, version;
	uint64_t accounts;
	int kind;
	char nonce[WEB_NONCE_LEN + 1];
};

struct cache_entry {
	struct cache_key k;
	struct web_shared *body; /* the response, made once, sent to each without a copy */
	uint64_t used;
};

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct cache_entry cache[CACHE_ENTRIES];
static uint64_t cache_tick;

/* FNV-1a over bytes, continuing from h. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t accounts_hash(const struct pst_account *a, size_t n)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		unsigned char st = (unsigned char)(a[i].disabled | a[i].has_password << 1);
		h = fnv(h, &a[i].id, sizeof a[i].id);
		h = fnv(h, &a[i].person, sizeof a[i].person);
		h = fnv(h, a[i].email, strlen(a[i].email) + 1);
		h = fnv(h, a[i].name, strlen(a[i].name) + 1);
		h = fnv(h, &st, 1);
	}
	return h;
}

/* The key of what r asks (kind, patient, since) as of version and accounts; the nonce of
 * the browser for pages. */
static void cache_key_of(struct web *w, struct req *r, int kind, int64_t patient, int64_t since,
			 int64_t version, uint64_t accounts, struct cache_key *k)
{
	memset(k, 0, sizeof *k);
	k->w = w;
	k->account = r->auth.acct.id;
	k->patient = patient;
	k->since = since;
	k->day = r->today;
	k->version = version;
	k->accounts = accounts;
	k->kind = kind;
	if (kind != CK_API)
		snprintf(k->nonce, sizeof k->nonce, "%s", web_csrf_nonce(r));
}

static bool cache_serve(struct req *r, const struct cache_key *k)
{
	bool hit = false;
	pthread_mutex_lock(&cache_mu);
	for (size_t i = 0; i < CACHE_ENTRIES && !hit; i++) {
		struct cache_entry *e = &cache[i];
		if (!e->body || memcmp(&e->k, k, sizeof *k) != 0)
			continue;
		web_shared_ref(e->body);
		web_reply_share(r, e->body);
		e->used = ++cache_tick;
		hit = true;
	}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

/* Keeps the reply made for k, and sends it from there. */
static void cache_put(struct web *w, struct req *r, const struct cache_key *k)
{
	if (r->reply.status != 200 || r->reply.body.failed || !r->reply.body.s)
		return;
	struct web_shared *sh = web_shared_make(w, r);
	if (!sh)
		return;
	web_shared_ref(sh); /* one for the cache, one for this reply */
	web_reply_share(r, sh);
	pthread_mutex_lock(&cache_mu);
	struct cache_entry *slot = &cache[0];
	for (size_t i = 0; i < CACHE_ENTRIES; i++) {
		struct cache_entry *e = &cache[i];
		/* The same request's older copy (another version or day) goes first. */
		if (e->body && e->k.w == k->w && e->k.account == k->account && e->k.kind == k->kind &&
		    e->k.patient == k->patient && !strcmp(e->k.nonce, k->nonce)) {
			slot = e;
			break;
		}
		if (!e->body || e->used < slot->used)
			slot = e;
		if (!slot->body)
			break;
	}
	struct web_shared *old = slot->body;
	slot->k = *k;
	slot->body = sh;
	slot->used = ++cache_tick;
	pthread_mutex_unlock(&cache_mu);
	web_shared_unref(old);
}

/* --- the dashboard's data ------------------------------------------------------------- */

/* The clinician's patients (accounts) and their dashboard, sorted by attention. */
struct roster {
	struct pst_account *accts;
	size_t n;
	struct pst_app_patient *in;
	struct pst_app_dashboard d;
};

static void roster_free(struct roster *ro)
{
	pst_app_dashboard_free(&ro->d);
	free(ro->in);
	free(ro->accts);
	memset(ro, 0, sizeof *ro);
}

static void store_error(struct web *w, struct req *r, int err, bool page)
{
	char msg[512];
	struct pst_db *db = web_db(w);
	snprintf(msg, sizeof msg, "%s", db && db->errmsg[0] ? db->errmsg : pst_strerror(err));
	fprintf(stderr, "postura: clinic: %s\n", msg);
	if (err == PST_EUNAVAILABLE)
		r->reply.unavailable = true;
	if (page)
		page_error(r, 500, "The patients could not be read",
			   "The database did not answer as it should; try again in a moment.");
	else
		web_error(r, 500, "store", NULL, "the patients could not be read; try again in a moment");
}

/* The key of kind (CK_DASHBOARD, CK_API) for the clinician of r: the roster's version,
 * read before anything else: with the session on a GET or HEAD (web_auth.roster), else
 * (a write's page, after its write) one read of it. False with the reply set when the
 * database failed. */
static bool roster_key(struct web *w, struct req *r, int kind, struct cache_key *k, bool page)
{
	struct pst_db *db = web_db(w);
	int64_t version = r->auth.roster_version;
	int err = PST_OK;
	if (!r->auth.roster)
		err = db ? db->ops->roster_version(db, r->auth.acct.id, &version) : PST_EUNAVAILABLE;
	if (err) {
		store_error(w, r, err, page);
		return false;
	}
	cache_key_of(w, r, kind, 0, 0, version, 0, k);
	return true;
}

/* The patients and the dashboard, read after the key (so never older than it). False
 * with the reply set when the database failed. */
static bool roster_read(struct web *w, struct req *r, struct roster *ro, bool page)
{
	memset(ro, 0, sizeof *ro);
	struct pst_db *db = web_db(w);
	int err = db ? db->ops->account_list(db, PST_ROLE_PATIENT, r->auth.acct.id, &ro->accts, &ro->n)
		     : PST_EUNAVAILABLE;
	if (!err && !(ro->in = calloc(ro->n ? ro->n : 1, sizeof *ro->in)))
		err = PST_ENOMEM;
	for (size_t i = 0; !err && i < ro->n; i++)
		ro->in[i] = (struct pst_app_patient){.account = ro->accts[i].id,
						     .person = ro->accts[i].person,
						     .name = ro->accts[i].name,
						     .email = ro->accts[i].email};
	if (!err)
		err = pst_app_dashboard_read(db, w->cfg.questions, w->cfg.cat, ro->in, ro->n, r->today,
					     &ro->d);
	if (err) {
		store_error(w, r, err, page);
		roster_free(ro);
		return false;
	}
	return true;
}

/* The account of a dashboard entry. */
static const struct pst_account *account_of(const struct roster *ro, const struct pst_app_patient *p)
{
	for (size_t i = 0; i < ro->n; i++)
		if (ro->accts[i].id == p->account)
			return &ro->accts[i];
	return NULL;
}

static const char *state_word(const struct pst_account *a)
{
	return a->disabled ? "disabled" : a->has_password ? "active" : "invited";
}

/* --- the API -------------------------------------------------------------------------- */

static json_t *time_json(struct pst_time t)
{
	char buf[40];
	return json_string(pst_time_format(t, buf, sizeof buf));
}

static json_t *day_json(int64_t day)
{
	char buf[16];
	return json_string(pst_day_format(day, buf, sizeof buf));
}

/* One patient of GET /api/v1/patients. */
static json_t *patient_json(const struct pst_app_patient *p, const struct pst_account *a,
			    int64_t today)
{
	const struct pst_patient_summary *s = p->summary;
	const struct pst_attention *at = &p->att;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->account));
	json_object_set_new(o, "name", json_string(p->name ? p->name : ""));
	json_object_set_new(o, "email", json_string(p->email ? p->email : ""));
	json_object_set_new(o, "state", json_string(a ? state_word(a) : "active"));

	json_t *ad = json_object();
	json_object_set_new(ad, "week", day_json(pst_day_monday(today)));
	json_object_set_new(ad, "done", json_integer(at->done));
	json_object_set_new(ad, "planned", json_integer(at->planned));
	json_object_set_new(ad, "planned_so_far", json_integer(at->planned_so_far));
	json_object_set_new(ad, "missed", json_integer(at->missed));
	json_object_set_new(o, "adherence", ad);

	if (s->has_pain) {
		json_t *pn = json_object();
		json_object_set_new(pn, "last", json_integer(s->last_pain));
		json_object_set_new(pn, "at", time_json(s->last_pain_at));
		json_object_set_new(pn, "trend", json_string(pst_vocab_word(&pst_vocab_trend, (int)at->trend)));
		if (s->base_count > 0) {
			json_object_set_new(pn, "average_before", json_real(at->base_mean));
			json_object_set_new(pn, "readings_before", json_integer(s->base_count));
			json_object_set_new(pn, "change", json_real(at->change));
		}
		json_object_set_new(o, "pain", pn);
	} else {
		json_object_set_new(o, "pain", json_null());
	}

	json_t *sf = json_object();
	json_object_set_new(sf, "answered", at->screened ? time_json(at->screened_at) : json_null());
	json_object_set_new(sf, "outcome", at->screened ? json_string(pst_vocab_word(&pst_vocab_outcome,
										       (int)at->outcome))
							: json_null());
	json_t *flags = json_array();
	for (size_t i = 0; i < at->nflags; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "id", json_string(at->flags[i]->id));
		json_object_set_new(f, "question", json_string(at->flags[i]->question));
		json_object_set_new(f, "outcome", json_string(pst_vocab_word(&pst_vocab_outcome,
									     (int)at->flags[i]->outcome)));
		json_array_append_new(flags, f);
	}
	json_object_set_new(sf, "flags", flags);
	json_object_set_new(o, "safety", sf);

	json_t *why = json_array();
	for (size_t i = 0; i < at->nreasons; i++) {
		json_t *rr = json_object();
		json_object_set_new(rr, "kind", json_string(pst_vocab_word(&pst_vocab_attention,
									   (int)at->reasons[i].kind)));
		json_object_set_new(rr, "reason", json_string(at->reasons[i].text));
		json_array_append_new(why, rr);
	}
	json_object_set_new(o, "attention", why);
	return o;
}

void api_patients(struct web *w, struct req *r)
{
	struct cache_key k;
	if (!roster_key(w, r, CK_API, &k, false) || cache_serve(r, &k))
		return;
	struct roster ro;
	if (!roster_read(w, r, &ro, false))
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < ro.d.n; i++)
		json_array_append_new(a, patient_json(&ro.d.v[i], account_of(&ro, &ro.d.v[i]), r->today));
	json_t *o = json_object();
	json_object_set_new(o, "today", day_json(r->today));
	json_object_set_new(o, "patients", a);
	web_json(r, 200, o);
	cache_put(w, r, &k);
	roster_free(&ro);
}

/* What adding a patient gives back: the account, and the invitation to send them. */
struct added {
	int64_t id;
	char email[PST_EMAIL_MAX + 1];
	char name[PST_PERSON_NAME_MAX + 1];
	char link[512]; /* the whole address of the invitation */
	const char *path; /* "/invite/TOKEN", inside link */
	int64_t expires;
};

/* Checks and adds a patient of the clinician of r with an invitation. On a problem the
 * reply is set (page or JSON) naming the field, *status its status, and false returned;
 * the message is in msg either way. */
static bool add_patient(struct web *w, struct req *r, const char *email, const char *name,
			struct added *out, unsigned *status, const char **field, char *msg,
			size_t size)
{
	memset(out, 0, sizeof *out);
	*field = NULL;
	char why[400];
	if (!email || !*email) {
		*status = 422, *field = "email";
		snprintf(msg, size, "email: needed: the patient's email address");
		return false;
	}
	if (!pst_email_normalize(email, out->email, sizeof out->email, why, sizeof why)) {
		*status = 422, *field = "email";
		snprintf(msg, size, "email: %s", why);
		return false;
	}
	if (!name)
		name = "";
	if (!pst_person_name_check(name, why, sizeof why)) {
		*status = 422, *field = "name";
		snprintf(msg, size, "name: %s", why);
		return false;
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	struct pst_db *db = web_db(w);
	if (!db) {
		*status = 503;
		r->reply.unavailable = true;
		snprintf(msg, size, "the database cannot be reached now; try again in a moment");
		return false;
	}
	struct pst_account a = {.role = PST_ROLE_PATIENT, .clinician = r->auth.acct.id};
	snprintf(a.email, sizeof a.email, "%s", out->email);
	snprintf(a.name, sizeof a.name, "%s", out->name);
	int err = db->ops->account_add(db, &a, NULL, &out->id);
	if (err == PST_EEXISTS) {
		*status = 409, *field = "email";
		snprintf(msg, size, "email: %s already has an account", out->email);
		return false;
	}
	if (err) {
		*status = err == PST_EUNAVAILABLE ? 503 : 500;
		r->reply.unavailable = err == PST_EUNAVAILABLE;
		fprintf(stderr, "postura: clinic: %s\n", db->errmsg);
		snprintf(msg, size, "the patient could not be added; try again in a moment");
		return false;
	}
	struct pst_account added;
	bool found = false;
	if (db->ops->account_get(db, out->id, &added, &found) == PST_OK && found)
		web_audit(w, r, "account-add", added.person, out->id);
	out->expires = (int64_t)time(NULL) + w->limits.invite_s; /* as auth.c stores it */
	err = web_invitation_new(w, r, out->id, out->link, sizeof out->link);
	if (err) {
		*status = err == PST_EUNAVAILABLE ? 503 : 500;
		r->reply.unavailable = err == PST_EUNAVAILABLE;
		snprintf(msg, size, "the patient was added, but the invitation could not be made; "
				    "make a new one from the patient's page");
		return false;
	}
	out->path = strstr(out->link, "/invite/");
	if (!out->path)
		out->path = out->link;
	return true;
}

void api_patients_post(struct web *w, struct req *r)
{
	json_error_t je;
	json_t *j = json_loadb(r->body.s ? r->body.s : "", r->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		web_error(r, 400, "malformed", NULL, "malformed JSON at line %d, column %d: %s", je.line,
			  je.column, je.text);
		return;
	}
	const char *key;
	json_t *v;
	if (!json_is_object(j)) {
		web_error(r, 422, "invalid", NULL, "the body must be a JSON object: {\"email\": ..., \"name\": ...}");
		goto out;
	}
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, "email") && strcmp(key, "name")) {
			web_error(r, 422, "invalid", key, "%.60s: not a field (email, name)", key);
			goto out;
		}
		if (!json_is_string(v)) {
			web_error(r, 422, "invalid", key, "%s: must be a string", key);
			goto out;
		}
	}
	struct added ad;
	unsigned status;
	const char *field;
	char msg[600];
	if (!add_patient(w, r, json_string_value(json_object_get(j, "email")),
			 json_string_value(json_object_get(j, "name")), &ad, &status, &field, msg,
			 sizeof msg)) {
		web_error(r, status, status == 409 ? "exists" : status == 422 ? "invalid" : "store", field,
			  "%s", msg);
		goto out;
	}
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(ad.id));
	json_object_set_new(o, "email", json_string(ad.email));
	json_object_set_new(o, "name", json_string(ad.name));
	json_t *inv = json_object();
	json_object_set_new(inv, "link", json_string(ad.path));
	json_object_set_new(inv, "url", json_string(ad.link));
	json_object_set_new(inv, "expires", time_json((struct pst_time){ad.expires, 0}));
	json_object_set_new(o, "invitation", inv);
	web_json(r, 201, o);
	snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "/api/v1/patients/%lld/history",
		 (long long)ad.id);
	r->reply.location = r->reply.location_buf;
out:
	json_decref(j);
}

/* GET /api/v1/patients/{id}/history: the patient's history, as GET /api/v1/history gives
 * a patient their own (web_store gives the patient's records here). */
void api_patient_history(struct web *w, struct req *r)
{
	api_history(w, r);
}

/* --- the dashboard page ---------------------------------------------------------------- */

static void week_words(struct pst_buf *b, const struct pst_attention *at)
{
	if (!at->planned) {
		pst_html_printf(b, "%d session%s this week (no plan yet)", at->done, at->done == 1 ? "" : "s");
		return;
	}
	pst_html_printf(b, "%d of %d session%s this week (%d planned so far)", at->done, at->planned,
			at->planned == 1 ? "" : "s", at->planned_so_far);
}

static void pain_words(struct pst_buf *b, const struct pst_patient_summary *s,
		       const struct pst_attention *at)
{
	if (!s->has_pain) {
		pst_html_raw(b, "none recorded");
		return;
	}
	char d[16];
	pst_day_format(pst_time_day(s->last_pain_at), d, sizeof d);
	pst_html_printf(b, "%d/10 on %s", s->last_pain, d);
	if (at->trend == PST_TREND_UNKNOWN)
		pst_html_raw(b, " (nothing to compare it with in the 14 days before)");
	else
		pst_html_printf(b, ", %s from an average of %.1f over the 14 days before",
				at->trend == PST_TREND_UP     ? "up"
				: at->trend == PST_TREND_DOWN ? "down"
							      : "steady",
				at->base_mean);
}

static void safety_words(struct pst_buf *b, const struct pst_attention *at)
{
	if (!at->screened) {
		pst_html_raw(b, "not answered yet");
		return;
	}
	char d[16];
	pst_day_format(pst_time_day(at->screened_at), d, sizeof d);
	if (at->nflags)
		pst_html_printf(b, "%zu open flag%s (answered %s)", at->nflags, at->nflags == 1 ? "" : "s", d);
	else
		pst_html_printf(b, "%s (answered %s)", pst_attention_outcome_words(at->outcome), d);
}

/* The form to add a patient (with the values given, after a problem). */
static void add_form(struct req *r, struct pst_buf *b, const char *email, const char *name,
		     const char *field, const char *msg)
{
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"add-h\"><h2 id=\"add-h\">Add a patient</h2>"
			"<p>postura makes their account and a link, valid for 7 days and usable once, "
			"where they choose a password. Send it to them yourself; it is shown only "
			"once.</p>");
	if (msg)
		pst_html_printf(b, "<p class=\"notice error\" role=\"alert\" id=\"add-error\">%s</p>", msg);
	pst_html_raw(b, "<form method=\"post\" action=\"/clinic/patients\">");
	page_csrf(r, b);
	static const char *const invalid = " aria-invalid=\"true\" aria-describedby=\"add-error\"";
	pst_html_printf(b, "<p><label for=\"email\">Their email</label><input type=\"email\" id=\"email\" "
			   "name=\"email\" required maxlength=\"%d\" autocomplete=\"off\" value=\"%s\"",
			PST_EMAIL_MAX, email ? email : "");
	pst_html_raw(b, field && !strcmp(field, "email") ? invalid : ""); /* markup, not text */
	pst_html_printf(b, "></p><p><label for=\"name\">Their name</label><input type=\"text\" id=\"name\" "
			   "name=\"name\" maxlength=\"%d\" autocomplete=\"off\" value=\"%s\"",
			PST_PERSON_NAME_MAX, name ? name : "");
	pst_html_raw(b, field && !strcmp(field, "name") ? invalid : "");
	pst_html_raw(b, "></p>");
	pst_html_raw(b, "<p><button type=\"submit\">Add and make the invitation link</button></p></form></section>");
}

static void dashboard(struct web *w, struct req *r, unsigned status, const struct added *ad,
		      const char *email, const char *name, const char *field, const char *msg)
{
	/* The page as it is for everyone coming back to it; never one showing an invitation
	 * link or a form's problem. */
	bool plain = status == 200 && !ad && !msg;
	struct cache_key k;
	if (!roster_key(w, r, CK_DASHBOARD, &k, true) || (plain && cache_serve(r, &k)))
		return;
	struct roster ro;
	if (!roster_read(w, r, &ro, true))
		return;
	struct pst_buf *b = page_begin(w, r, "Your patients", "/clinic");
	r->reply.status = status;
	pst_html_printf(b, "<h1>Your patients <span class=\"sub\">%zu</span></h1>", ro.d.n);
	if (ad) {
		pst_html_printf(b, "<section class=\"notice ok\" role=\"status\" aria-labelledby=\"inv-h\">"
				   "<h2 id=\"inv-h\">Added %s</h2><p>Send this link to %s; it works once, "
				   "until ",
				ad->name[0] ? ad->name : ad->email, ad->email);
		char exp[40];
		page_day_words(exp, sizeof exp, pst_time_day((struct pst_time){ad->expires, r->now.offset_min}));
		pst_html_printf(b, "%s. It is not shown again.</p><p><code class=\"url\" id=\"invite-link\">%s</code></p></section>",
				exp, ad->link);
	}
	size_t need = 0;
	for (size_t i = 0; i < ro.d.n; i++)
		need += ro.d.v[i].att.nreasons > 0;
	if (!ro.d.n)
		pst_html_raw(b, "<p>No patients yet: add the first one below.</p>");
	else
		pst_html_printf(b, "<p class=\"lead\">%zu of %zu need%s a look, most urgent first.</p>", need,
				ro.d.n, need == 1 ? "s" : "");
	if (ro.d.n)
		pst_html_raw(b, "<ol class=\"patients\">");
	for (size_t i = 0; i < ro.d.n; i++) {
		const struct pst_app_patient *p = &ro.d.v[i];
		const struct pst_account *a = account_of(&ro, p);
		const struct pst_attention *at = &p->att;
		/* A referral (emergency, same day, see a provider) in red, any other reason in
		 * amber. */
		const char *tone = !at->nreasons ? "" : at->rank <= PST_OUT_SEE_PROVIDER ? " bad" : " warn";
		pst_html_printf(b, "<li class=\"card patient%s\"><h2><a href=\"/clinic/patients/%lld\">%s</a></h2>"
				   "<p class=\"meta\">%s",
				tone, (long long)p->account, p->name && p->name[0] ? p->name : p->email,
				p->email);
		if (a && !a->has_password && !a->disabled)
			pst_html_raw(b, " · invitation not used yet");
		if (a && a->disabled)
			pst_html_raw(b, " · account disabled");
		pst_html_raw(b, "</p>");
		if (at->nreasons) {
			pst_html_raw(b, "<ul class=\"reasons\">");
			for (size_t j = 0; j < at->nreasons; j++)
				pst_html_printf(b, "<li>%s</li>", at->reasons[j].text);
			pst_html_raw(b, "</ul>");
		} else {
			pst_html_raw(b, "<p>Nothing needs a look now.</p>");
		}
		pst_html_raw(b, "<dl class=\"facts\"><dt>This week</dt><dd>");
		week_words(b, at);
		pst_html_raw(b, "</dd><dt>Last pain</dt><dd>");
		pain_words(b, p->summary, at);
		pst_html_raw(b, "</dd><dt>Safety answers</dt><dd>");
		safety_words(b, at);
		pst_html_raw(b, "</dd></dl></li>");
	}
	if (ro.d.n)
		pst_html_raw(b, "</ol>");
	add_form(r, b, email, name, field, msg);
	page_end(b, NULL);
	if (plain)
		cache_put(w, r, &k);
	roster_free(&ro);
}

/* GET /clinic: the clinician's patients, who needs attention first, with why. */
void page_clinic(struct web *w, struct req *r)
{
	dashboard(w, r, 200, NULL, NULL, NULL, NULL, NULL);
}

/* POST /clinic/patients: adds a patient; the page again with the invitation link, once. */
void page_clinic_add(struct web *w, struct req *r)
{
	const char *email = pst_form_get(&r->form, "email"), *name = pst_form_get(&r->form, "name");
	struct added ad;
	unsigned status;
	const char *field;
	char msg[600];
	if (!add_patient(w, r, email, name, &ad, &status, &field, msg, sizeof msg)) {
		if (status >= 500 && !field) {
			page_error(r, status, "The patient was not added", msg);
			return;
		}
		dashboard(w, r, status, NULL, email, name, field, msg);
		return;
	}
	dashboard(w, r, 200, &ad, NULL, NULL, NULL, NULL);
}

/* --- a patient's page ------------------------------------------------------------------ */

/* The saved safety answers: when, the outcome, each question answered. */
static void answers_section(struct web *w, struct req *r, struct pst_buf *b,
			    const struct pst_attention *at)
{
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"safety-h\"><h2 id=\"safety-h\">Safety answers</h2>");
	struct pst_store *st = web_store(w);
	struct pst_saved_screening sc = {0};
	bool found = false;
	int err = st->ops->screening_get(st, &sc, &found);
	if (err || !found) {
		pst_html_raw(b, err ? "<p>The answers could not be read.</p></section>"
				    : "<p>Not answered yet: the patient is asked before their first plan.</p></section>");
		return;
	}
	char when[48];
	page_day_words(when, sizeof when, pst_time_day(sc.at));
	pst_html_printf(b, "<p>Answered on <strong>%s</strong>: %s.</p>", when,
			pst_attention_outcome_words(at->outcome));
	struct pst_answers a = {0};
	struct pst_diags d = {0};
	err = pst_answers_parse_json(w->cfg.questions, "screening", sc.answers, strlen(sc.answers), &a, &d);
	pst_diags_clear(&d);
	free(sc.answers);
	if (err) {
		pst_html_raw(b, "<p>The questions have changed since: the patient is asked again.</p></section>");
		return;
	}
	if (at->nflags) {
		pst_html_raw(b, "<h3>Answered yes</h3><ul class=\"reasons\">");
		for (size_t i = 0; i < at->nflags; i++)
			pst_html_printf(b, "<li><strong>%s</strong> — %s</li>", at->flags[i]->question,
					pst_attention_outcome_words(at->flags[i]->outcome));
		pst_html_raw(b, "</ul>");
	}
	pst_html_raw(b, "<details><summary>Every answer</summary><table><thead><tr><th scope=\"col\">Question</th>"
			"<th scope=\"col\">Answer</th></tr></thead><tbody>");
	for (size_t i = 0; i < w->cfg.questions->n && i < a.n; i++) {
		if (a.v[i] == PST_ANS_UNANSWERED)
			continue;
		pst_html_printf(b, "<tr><td>%s</td><td>%s</td></tr>", w->cfg.questions->v[i].question,
				a.v[i] == PST_ANS_YES ? "yes" : "no");
	}
	pst_html_raw(b, "</tbody></table></details></section>");
	pst_answers_free(&a);
}

/* Today's plan as the patient's Today page gives it. */
static void plan_section(struct web *w, struct req *r, struct pst_buf *b)
{
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"plan-h\"><h2 id=\"plan-h\">The plan</h2>");
	struct pst_plan *plan = NULL;
	int err = pst_app_saved_plan(web_store(w), w->cfg.cat, w->cfg.tips, w->cfg.questions, r->today, &plan);
	if (err || !plan) {
		pst_html_raw(b, err ? "<p>The plan could not be made.</p>"
				    : "<p>No plan now: the patient has not saved a profile or answered the "
				      "safety questions, or the answers send them to a professional first.</p>");
		pst_html_printf(b, "<p><a href=\"/clinic/patients/%lld/programme\">The programme</a></p>",
				(long long)r->auth.patient.id);
		pst_html_raw(b, "</section>");
		pst_plan_free(plan);
		return;
	}
	if (plan->assigned) /* the clinician's programme (page_programme.c) */
		pst_html_raw(b, "<p>The programme you assigned.</p>");
	pst_html_printf(b, "<p>%d session%s a week, about %d minutes each, on ", plan->sessions_per_week,
			plan->sessions_per_week == 1 ? "" : "s", (plan->estimated_s + 59) / 60);
	static const char *const days[PST_DAYS] = {"Monday", "Tuesday", "Wednesday", "Thursday",
						   "Friday", "Saturday", "Sunday"};
	for (int d = 0, k = 0; d < PST_DAYS; d++)
		if (plan->session_days[d])
			pst_html_printf(b, "%s%s", k++ ? ", " : "", days[d]);
	pst_html_raw(b, ".</p><ol class=\"routine-list\">");
	for (size_t i = 0; i < plan->nitems; i++) {
		pst_html_printf(b, "<li><a href=\"/exercises/%s\">%s</a> <span class=\"dose\">",
				plan->items[i].ex->id, plan->items[i].ex->name);
		page_dose(b, &plan->items[i].dose);
		pst_html_raw(b, "</span></li>");
	}
	pst_html_printf(b, "</ol><p><a href=\"/clinic/patients/%lld/programme\">%s</a></p></section>",
			(long long)r->auth.patient.id,
			plan->assigned ? "Change the programme" : "Change the plan: assign a programme");
	pst_plan_free(plan);
}

/* The patient's page; link: a new invitation's address to show once (then never kept). */
static void patient_page(struct web *w, struct req *r, const char *link)
{
	const struct pst_account *pa = &r->auth.patient;
	long long id = (long long)pa->id;
	struct pst_db *db = web_db(w);
	struct pst_summary_set set = {0};
	struct pst_attention at = {0};
	struct pst_app_report rep = {0};
	int64_t since = r->q[0].set ? r->q[0].n : PST_HISTORY_ALL;
	if (since != PST_HISTORY_ALL && since > r->today)
		since = r->today;
	/* From memory while the patient's records and account are as they were. The
	 * version came with the session's read (auth.c web_patient_for), or is read now;
	 * when it cannot be, the page is made (or its reads fail) and not kept. */
	uint64_t version = web_version(w);
	bool cacheable = version != WEB_NO_VERSION && !link;
	struct cache_key k;
	cache_key_of(w, r, CK_PATIENT, pa->id, since, (int64_t)version, accounts_hash(pa, 1), &k);
	if (cacheable && cache_serve(r, &k))
		return;
	int err = db ? db->ops->summaries(db, &pa->person, 1, r->today, &set) : PST_EUNAVAILABLE;
	if (!err)
		err = pst_attention_build(w->cfg.questions, w->cfg.cat, &set.v[0], r->today, NULL, &at);
	if (!err)
		err = web_report(w, since, r->today, false, &rep);
	if (err) {
		store_error(w, r, err, true);
		goto out;
	}
	const char *shown = pa->name[0] ? pa->name : pa->email;
	struct pst_buf *b = page_begin(w, r, shown, "/clinic");
	pst_html_printf(b, "<p><a href=\"/clinic\">← Your patients</a></p><h1>%s <span class=\"sub\">%s</span></h1>",
			shown, pa->email);
	if (link) {
		pst_html_printf(b, "<section class=\"notice ok\" role=\"status\" aria-labelledby=\"inv-h\">"
				   "<h2 id=\"inv-h\">A new invitation</h2><p>Send this link to %s; it works once, "
				   "for %lld days. It is not shown again.</p><p><code class=\"url\" "
				   "id=\"invite-link\">%s</code></p></section>",
				pa->email, (long long)(w->limits.invite_s + 86399) / 86400, link);
	} else if (!pa->has_password && !pa->disabled) {
		pst_html_printf(b, "<form method=\"post\" action=\"/clinic/patients/%lld/invitation\" "
				   "class=\"notice\"><p>The invitation has not been used yet. Lost or too "
				   "old?</p>",
				id);
		page_csrf(r, b);
		pst_html_raw(b, "<p><button type=\"submit\" class=\"secondary\">Make a new invitation "
				"link</button></p></form>");
	}
	if (at.nreasons) {
		pst_html_raw(b, "<section class=\"notice warn\" aria-labelledby=\"att-h\"><h2 id=\"att-h\">Needs a look</h2><ul>");
		for (size_t i = 0; i < at.nreasons; i++)
			pst_html_printf(b, "<li>%s</li>", at.reasons[i].text);
		pst_html_raw(b, "</ul></section>");
	} else {
		pst_html_raw(b, "<p class=\"notice ok\">Nothing needs a look now.</p>");
	}
	pst_html_raw(b, "<dl class=\"facts\"><dt>This week</dt><dd>");
	week_words(b, &at);
	pst_html_raw(b, "</dd><dt>Last pain</dt><dd>");
	pain_words(b, &set.v[0], &at);
	pst_html_raw(b, "</dd></dl>");
	answers_section(w, r, b, &at);
	plan_section(w, r, b);

	const struct pst_history *h = rep.h;
	char base[80], q[32] = "";
	snprintf(base, sizeof base, "/clinic/patients/%lld/chart", id);
	if (since != PST_HISTORY_ALL) {
		char d[16];
		snprintf(q, sizeof q, "&since=%s", pst_day_format(since, d, sizeof d));
	}
	pst_html_printf(b, "<section aria-labelledby=\"hist-h\"><h2 id=\"hist-h\">History</h2>"
			   "<p class=\"statement%s\">%s</p><p>%s</p>",
			h->pain.meaningful ? " good" : h->pain.worse ? " bad" : "", h->pain.statement,
			h->adherence.statement);
	if (h->psfs.n)
		pst_html_printf(b, "<p>%s</p>", h->psfs.statement);
	pst_html_raw(b, "<h3>Pain over time</h3>");
	page_history_chart(b, PST_CHART_PAIN, h, &rep.rs, since,
			   "Pain (0-10) each day and its weekly mean; a mark under a day with a "
			   "session. The green band is where the weekly mean has fallen enough to matter.",
			   base);
	pst_html_raw(b, "<h3>Sessions each week</h3>");
	page_history_chart(b, PST_CHART_SESSIONS, h, &rep.rs, since,
			   "Sessions done each week against the sessions the plan asked for.", base);
	if (h->psfs.n) {
		pst_html_raw(b, "<h3>Activities</h3>");
		page_history_chart(b, PST_CHART_PSFS, h, &rep.rs, since,
				   "Each activity's first score and its latest, 0 (unable) to 10 (as before).",
				   base);
	}
	pst_html_raw(b, "</section>");
	pst_html_printf(b, "<section class=\"card print\" aria-labelledby=\"print-h\"><h2 id=\"print-h\">To print</h2><ul>"
			   "<li><a href=\"/clinic/patients/%lld/handout.pdf\" type=\"application/pdf\">The plan "
			   "as a handout (PDF, A4)</a> · <a href=\"/clinic/patients/%lld/handout.pdf?paper=letter\" "
			   "type=\"application/pdf\">US Letter</a></li>"
			   "<li><a href=\"/clinic/patients/%lld/report.pdf%s%s\" type=\"application/pdf\">The "
			   "progress report (PDF, A4)</a> · <a href=\"/clinic/patients/%lld/report.pdf?paper=letter%s\" "
			   "type=\"application/pdf\">US Letter</a></li></ul></section>",
			id, id, id, q[0] ? "?" : "", q[0] ? q + 1 : "", id, q);
	page_end(b, NULL);
	if (cacheable)
		cache_put(w, r, &k);
out:
	pst_app_report_free(&rep);
	pst_attention_free(&at);
	pst_summary_set_free(&set);
}

/* GET /clinic/patients/{id}: the patient's attention, safety answers, plan and history. */
void page_clinic_patient(struct web *w, struct req *r)
{
	patient_page(w, r, NULL);
}

/* A new invitation for the patient of the path, who has not set a password yet: false
 * with *status and msg when not (409: a password is set, or the account is disabled). */
static bool new_invitation(struct web *w, struct req *r, char *link, size_t size, int64_t *expires,
			   unsigned *status, char *msg, size_t msize)
{
	const struct pst_account *pa = &r->auth.patient;
	if (pa->has_password || pa->disabled) {
		*status = 409;
		snprintf(msg, msize, "%s", pa->disabled ? "the patient's account is disabled"
							 : "the patient has set a password already: an "
							   "invitation would let whoever holds it change it");
		return false;
	}
	*expires = (int64_t)time(NULL) + w->limits.invite_s; /* as auth.c stores it */
	int err = web_invitation_new(w, r, pa->id, link, size);
	if (err) {
		*status = err == PST_EUNAVAILABLE ? 503 : 500;
		r->reply.unavailable = err == PST_EUNAVAILABLE;
		snprintf(msg, msize, "the invitation could not be made; try again in a moment");
		return false;
	}
	web_audit(w, r, "invitation", pa->person, pa->id);
	return true;
}

/* POST /clinic/patients/{id}/invitation: a new link for a patient who has not used theirs,
 * shown once on their page. */
void page_clinic_invite(struct web *w, struct req *r)
{
	char link[512], msg[200];
	int64_t expires;
	unsigned status;
	if (!new_invitation(w, r, link, sizeof link, &expires, &status, msg, sizeof msg)) {
		page_error(r, status, "No new invitation", msg);
		return;
	}
	patient_page(w, r, link);
}

/* POST /api/v1/patients/{id}/invitation: the same, as JSON (201). */
void api_patient_invite(struct web *w, struct req *r)
{
	char link[512], msg[200];
	int64_t expires;
	unsigned status;
	if (!new_invitation(w, r, link, sizeof link, &expires, &status, msg, sizeof msg)) {
		web_error(r, status, status == 409 ? "conflict" : "store", NULL, "%s", msg);
		return;
	}
	const char *path = strstr(link, "/invite/");
	json_t *inv = json_object();
	json_object_set_new(inv, "link", json_string(path ? path : link));
	json_object_set_new(inv, "url", json_string(link));
	json_object_set_new(inv, "expires", time_json((struct pst_time){expires, 0}));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->auth.patient.id));
	json_object_set_new(o, "invitation", inv);
	web_json(r, 201, o);
}

/* GET /clinic/patients/{id}/chart?kind=pain|sessions|psfs&size=narrow|wide&since=DAY: one of
 * the patient's history charts, as /chart/KIND.svg gives it to the patient (kind: pain
 * when not given). */
void page_clinic_chart(struct web *w, struct req *r)
{
	page_chart_reply(w, r, r->q[0].set ? r->q[0].word : PST_CHART_PAIN, &r->q[2], &r->q[1]);
}

/* GET /clinic/patients/{id}/handout.pdf?paper=a4|letter: the patient's plan on paper. */
void page_clinic_handout(struct web *w, struct req *r)
{
	struct pst_plan *plan = NULL;
	int err = pst_app_saved_plan(web_store(w), w->cfg.cat, w->cfg.tips, w->cfg.questions, r->today, &plan);
	if (err) {
		char msg[512];
		page_error(r, 500, "The plan could not be made", web_store_errmsg(w, err, msg, sizeof msg));
		return;
	}
	if (!plan) {
		page_error(r, 409, "No plan to print",
			   "The patient has no plan now: no profile saved, safety answers to give "
			   "again, or answers that send them to a professional first.");
		return;
	}
	enum pst_paper paper = r->q[0].set ? (enum pst_paper)r->q[0].word : PST_PAPER_A4;
	pst_buf_free(&r->reply.body);
	pst_buf_init(&r->reply.body, PST_DOC_MAX_BYTES);
	err = pst_handout_pdf(plan, w->cfg.questions, paper, r->now, &r->reply.body);
	pst_plan_free(plan);
	if (err) {
		page_error(r, 500, "The document could not be made", pst_strerror(err));
		return;
	}
	char day[16];
	r->reply.status = 200;
	r->reply.ctype = "application/pdf";
	snprintf(r->reply.disposition, sizeof r->reply.disposition,
		 "inline; filename=\"postura-plan-%lld-%s.pdf\"", (long long)r->auth.patient.id,
		 pst_day_format(r->today, day, sizeof day));
}

/* GET /clinic/patients/{id}/report.pdf?paper=a4|letter&since=DAY: the patient's report,
 * the same as theirs (/report.pdf). */
void page_clinic_report(struct web *w, struct req *r)
{
	page_report(w, r);
}
