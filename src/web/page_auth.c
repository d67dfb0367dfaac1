/*
 * The pages of accounts (clinic mode, docs/clinic.md): the login page, the invitation
 * (a patient or clinician sets a password through the one-time link and is logged in),
 * and the admin's pages: the accounts (list, add a clinician, disable) and the audit
 * log. Every form works without JavaScript and carries the CSRF token.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/password.h"
#include "authp.h"
#include "page.h"

int web_auth_login_form(struct web *w, struct req *r, const char *email, const char *pw,
			long *retry, int *err);
int web_auth_start_session(struct web *w, struct req *r, const struct pst_account *acct);

enum { LOGIN_OK, LOGIN_BAD, LOGIN_LIMITED, LOGIN_ERROR }; /* as auth.c's */

static void store_failed(struct web *w, struct req *r, int err)
{
	char msg[512];
	page_error(r, 500, "That did not work", web_store_errmsg(w, err, msg, sizeof msg));
}

/* --- login ----------------------------------------------------------------------- */

static void login_form(struct web *w, struct req *r, unsigned status, const char *email,
		       const char *next, const char *msg)
{
	struct pst_buf *b = page_begin(w, r, "Log in", NULL);
	r->reply.status = status;
	pst_html_raw(b, "<h1>Log in</h1>");
	if (msg)
		pst_html_printf(b, "<p class=\"notice error\" role=\"alert\" id=\"login-error\">%s</p>", msg);
	pst_html_raw(b, "<form method=\"post\" action=\"/login\" class=\"card login\">");
	page_csrf(r, b);
	if (next && web_next_ok(next))
		pst_html_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	pst_html_printf(b,
			"<p><label for=\"email\">Email</label><input id=\"email\" name=\"email\" "
			"type=\"email\" autocomplete=\"username\" required maxlength=\"254\" "
			"value=\"%s\"%s></p>"
			"<p><label for=\"password\">Password</label><input id=\"password\" "
			"name=\"password\" type=\"password\" autocomplete=\"current-password\" "
			"required maxlength=\"1024\"%s></p>"
			"<p><button type=\"submit\">Log in</button></p></form>",
			email ? email : "", msg ? " aria-describedby=\"login-error\"" : "",
			msg ? " aria-describedby=\"login-error\"" : "");
	pst_html_raw(b, "<p class=\"hint\">No password yet? Your clinician sends you a link to "
			"set one. Forgotten it? Ask your clinic for a new link.</p>");
	page_end(b, NULL);
}

void page_login(struct web *w, struct req *r)
{
	const char *next = r->q[0].set ? r->q[0].s : NULL;
	if (!r->auth.on) {
		web_redirect(r, "/"); /* the one-person app: nobody logs in */
		return;
	}
	if (r->auth.in) {
		web_redirect(r, next && web_next_ok(next) && web_auth_may(&r->auth, next)
					? next
					: web_home_of(&r->auth));
		return;
	}
	login_form(w, r, 200, NULL, next, NULL);
}

void page_login_post(struct web *w, struct req *r)
{
	const char *email = pst_form_get(&r->form, "email");
	const char *pw = pst_form_get(&r->form, "password");
	const char *next = pst_form_get(&r->form, "next");
	if (next && !web_next_ok(next))
		next = NULL;
	if (!r->auth.on) {
		web_redirect(r, "/");
		return;
	}
	if (!email || !*email || strlen(email) > WEB_EMAIL_MAX) {
		login_form(w, r, 422, NULL, next, "email: give the email address of your account.");
		return;
	}
	if (!pw || !*pw || strlen(pw) > WEB_PASSWORD_MAX) {
		login_form(w, r, 422, email, next, "password: give your password.");
		return;
	}
	long retry = 0;
	int err = 0;
	switch (web_auth_login_form(w, r, email, pw, &retry, &err)) {
	case LOGIN_OK:
		/* A new CSRF nonce comes with the next page; the old one was a stranger's. */
		snprintf(r->reply.location_buf, sizeof r->reply.location_buf, "%s",
			 next && web_auth_may(&r->auth, next) ? next : web_home_of(&r->auth));
		web_redirect(r, r->reply.location_buf);
		break;
	case LOGIN_BAD:
		login_form(w, r, 401, email, next, "The email or the password is wrong.");
		break;
	case LOGIN_LIMITED: {
		char msg[160];
		snprintf(msg, sizeof msg,
			 "Too many failed attempts: wait %ld minute%s, then try again.",
			 (retry + 59) / 60, (retry + 59) / 60 == 1 ? "" : "s");
		login_form(w, r, 429, email, next, msg);
		r->reply.retry_after = retry;
		break;
	}
	default:
		store_failed(w, r, err);
		break;
	}
}

void page_logout_button(struct req *r, struct pst_buf *b)
{
	if (!r->auth.on || !r->auth.in)
		return;
	pst_html_raw(b, "<form method=\"post\" action=\"/logout\" class=\"logout\">");
	page_csrf(r, b);
	pst_html_printf(b, "<button type=\"submit\" class=\"secondary\">Log out<span class=\"who\"> "
			   "(%s)</span></button></form>",
			r->auth.acct.email);
}

/* --- invitations --------------------------------------------------------------------- */

static void invite_form(struct web *w, struct req *r, unsigned status, const char *token,
			const char *msg)
{
	struct pst_buf *b = page_begin(w, r, "Choose your password", NULL);
	r->reply.status = status;
	pst_html_raw(b, "<h1>Choose your password</h1>"
			"<p>This link works once. Choose a password of at least ");
	pst_html_printf(b, "%d", PST_PASSWORD_MIN_CHARS);
	pst_html_raw(b, " characters that you use nowhere else; a few unrelated words make a "
			"good one.</p>");
	if (msg)
		pst_html_printf(b, "<p class=\"notice error\" role=\"alert\" id=\"pw-error\">%s</p>", msg);
	pst_html_printf(b, "<form method=\"post\" action=\"/invite/%s\" class=\"card login\">", token);
	page_csrf(r, b);
	pst_html_printf(b,
			"<p><label for=\"password\">New password</label><input id=\"password\" "
			"name=\"password\" type=\"password\" autocomplete=\"new-password\" required "
			"minlength=\"%d\" maxlength=\"1024\"%s></p>"
			"<p><label for=\"confirm\">The same password again</label><input id=\"confirm\" "
			"name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required "
			"maxlength=\"1024\"></p>"
			"<p><button type=\"submit\">Set my password and log in</button></p></form>",
			PST_PASSWORD_MIN_CHARS, msg ? " aria-describedby=\"pw-error\"" : "");
	page_end(b, NULL);
}

static void invite_gone(struct req *r)
{
	page_error(r, 404, "This link does not work",
		   "This invitation link was used already, has expired, or was never made. Ask "
		   "your clinic for a new one.");
}

void page_invite(struct web *w, struct req *r)
{
	unsigned char raw[WEB_TOKEN_BYTES];
	if (!r->auth.on || !web_token_parse(r->arg, strlen(r->arg), raw)) {
		invite_gone(r);
		return;
	}
	/* The link is not taken by looking at it (a mail scanner may open it): only by
	 * setting the password. But one used, expired or never made says so at once, before
	 * a password is chosen for nothing. */
	unsigned char hash[32];
	crypto_hash_sha256(hash, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	struct pst_db *db = web_db(w);
	if (!db) {
		store_failed(w, r, PST_EUNAVAILABLE);
		return;
	}
	int64_t account = 0;
	bool found = false;
	int err = db->ops->invitation_peek(db, hash, (int64_t)time(NULL), &account, &found);
	if (err) {
		store_failed(w, r, err);
		return;
	}
	if (!found) {
		invite_gone(r);
		return;
	}
	invite_form(w, r, 200, r->arg, NULL);
}

void page_invite_post(struct web *w, struct req *r)
{
	unsigned char raw[WEB_TOKEN_BYTES], hash[32];
	if (!r->auth.on || !web_token_parse(r->arg, strlen(r->arg), raw)) {
		invite_gone(r);
		return;
	}
	const char *pw = pst_form_get(&r->form, "password");
	const char *confirm = pst_form_get(&r->form, "confirm");
	char why[256];
	if (!pw || !*pw) {
		invite_form(w, r, 422, r->arg, "password: choose a password.");
		return;
	}
	if (strlen(pw) > WEB_PASSWORD_MAX) {
		invite_form(w, r, 422, r->arg, "password: longer than 1024 bytes.");
		return;
	}
	if (!confirm || strcmp(pw, confirm) != 0) {
		invite_form(w, r, 422, r->arg, "confirm: the two passwords are not the same.");
		return;
	}
	/* What can be checked before the link is used up. */
	if (!pst_password_check(pw, "", "", why, sizeof why)) {
		char msg[300];
		snprintf(msg, sizeof msg, "password: %s", why);
		invite_form(w, r, 422, r->arg, msg);
		return;
	}
	struct pst_db *db = web_db(w);
	if (!db) {
		store_failed(w, r, PST_EUNAVAILABLE);
		return;
	}
	crypto_hash_sha256(hash, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
	int64_t account = 0;
	bool found = false;
	int err = db->ops->invitation_take(db, hash, (int64_t)time(NULL), &account, &found);
	if (err) {
		store_failed(w, r, err);
		return;
	}
	struct pst_account acct;
	bool has = false;
	if (found && (err = db->ops->account_get(db, account, &acct, &has))) {
		store_failed(w, r, err);
		return;
	}
	if (!found || !has || acct.disabled) {
		invite_gone(r);
		return;
	}
	if (!pst_password_check(pw, acct.email, acct.name, why, sizeof why)) {
		/* The link is used up: the form goes on with a new one, so that the person
		 * can choose again. */
		char link[512], msg[300];
		if ((err = web_invitation_new(w, r, acct.id, link, sizeof link))) {
			store_failed(w, r, err);
			return;
		}
		const char *token = strrchr(link, '/');
		snprintf(msg, sizeof msg, "password: %s", why);
		invite_form(w, r, 422, token ? token + 1 : "", msg);
		sodium_memzero(link, sizeof link);
		return;
	}
	char phash[PST_PASSWORD_HASH_SIZE];
	if (pst_password_hash(pw, phash) != PST_OK) {
		page_error(r, 500, "That did not work", "the password could not be hashed");
		return;
	}
	err = db->ops->account_set_password(db, acct.id, phash);
	sodium_memzero(phash, sizeof phash);
	if (err) {
		store_failed(w, r, err);
		return;
	}
	web_audit(w, r, "password-set", 0, acct.id);
	if ((err = web_auth_start_session(w, r, &acct))) {
		store_failed(w, r, err);
		return;
	}
	web_redirect(r, "/");
}

/* --- admin ----------------------------------------------------------------------------- */

static void format_epoch(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

static const char *email_of(const struct pst_account *all, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id)
			return all[i].email;
	return NULL;
}

static void admin_page(struct web *w, struct req *r, unsigned status, const char *msg, bool ok,
		       const char *link)
{
	struct pst_db *db = web_db(w);
	struct pst_account *all = NULL;
	size_t n = 0;
	int err = db ? db->ops->account_list(db, -1, 0, &all, &n) : PST_EUNAVAILABLE;
	if (err) {
		store_failed(w, r, err);
		return;
	}
	struct pst_buf *b = page_begin(w, r, "Accounts", "/admin");
	r->reply.status = status;
	pst_html_raw(b, "<h1>Accounts</h1>");
	if (msg)
		pst_html_printf(b, "<p class=\"notice%s\" role=\"%s\">%s</p>", ok ? " ok" : " error",
				ok ? "status" : "alert", msg);
	if (link)
		pst_html_printf(b, "<p>The invitation link (it works once; send it to them yourself):"
				   "<br><code class=\"url\">%s</code></p>",
				link);
	pst_html_raw(b, "<section class=\"card\" aria-labelledby=\"add-h\"><h2 id=\"add-h\">Add a "
			"clinician</h2><form method=\"post\" action=\"/admin\">");
	page_csrf(r, b);
	pst_html_raw(b, "<input type=\"hidden\" name=\"action\" value=\"add-clinician\">"
			"<p><label for=\"email\">Email</label><input id=\"email\" name=\"email\" "
			"type=\"email\" required maxlength=\"254\" autocomplete=\"off\"></p>"
			"<p><label for=\"name\">Name</label><input id=\"name\" name=\"name\" "
			"type=\"text\" maxlength=\"120\" autocomplete=\"off\"></p>"
			"<p><button type=\"submit\">Add and make an invitation link</button></p>"
			"</form></section>");
	pst_html_printf(b, "<h2 id=\"all-h\">Every account (%zu)</h2><div class=\"table-wrap\" "
			   "tabindex=\"0\" role=\"region\" aria-labelledby=\"all-h\"><table><thead><tr>"
			   "<th scope=\"col\">Email</th><th scope=\"col\">Name</th><th scope=\"col\">"
			   "Role</th><th scope=\"col\">Clinician</th><th scope=\"col\">State</th>"
			   "<th scope=\"col\"><span class=\"visually-hidden\">Change</span></th>"
			   "</tr></thead><tbody>",
			n);
	for (size_t i = 0; i < n; i++) {
		const struct pst_account *a = &all[i];
		const char *cl = a->clinician ? email_of(all, n, a->clinician) : NULL;
		pst_html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>",
				a->email, a->name, pst_role_name(a->role), cl ? cl : "",
				a->disabled	    ? "disabled"
				: !a->has_password ? "invited (no password yet)"
						   : "active");
		if (a->id != r->auth.acct.id) {
			pst_html_raw(b, "<form method=\"post\" action=\"/admin\" class=\"inline\">");
			page_csrf(r, b);
			pst_html_printf(b,
					"<input type=\"hidden\" name=\"id\" value=\"%lld\">"
					"<button type=\"submit\" class=\"secondary\" name=\"action\" "
					"value=\"%s\">%s<span class=\"visually-hidden\"> %s</span></button></form>",
					(long long)a->id, a->disabled ? "enable" : "disable",
					a->disabled ? "Enable" : "Disable", a->email);
		}
		pst_html_raw(b, "</td></tr>");
	}
	pst_html_raw(b, "</tbody></table></div><p><a href=\"/admin/audit\">The audit log</a></p>");
	free(all);
	page_end(b, NULL);
}

void page_admin(struct web *w, struct req *r)
{
	admin_page(w, r, 200, NULL, false, NULL);
}

void page_admin_post(struct web *w, struct req *r)
{
	const char *action = pst_form_get(&r->form, "action");
	struct pst_db *db = web_db(w);
	if (!db) {
		store_failed(w, r, PST_EUNAVAILABLE);
		return;
	}
	char msg[400];
	if (action && strcmp(action, "add-clinician") == 0) {
		const char *email = pst_form_get(&r->form, "email");
		const char *name = pst_form_get(&r->form, "name");
		struct pst_account a;
		memset(&a, 0, sizeof a);
		char why[200];
		if (!email || !pst_email_normalize(email, a.email, sizeof a.email, why, sizeof why)) {
			snprintf(msg, sizeof msg, "email: %s", email ? why : "give an email address");
			admin_page(w, r, 422, msg, false, NULL);
			return;
		}
		if (name && !pst_person_name_check(name, why, sizeof why)) {
			snprintf(msg, sizeof msg, "name: %s", why);
			admin_page(w, r, 422, msg, false, NULL);
			return;
		}
		snprintf(a.name, sizeof a.name, "%s", name ? name : "");
		a.role = PST_ROLE_CLINICIAN;
		int64_t id = 0;
		int err = db->ops->account_add(db, &a, NULL, &id);
		if (err == PST_EEXISTS) {
			snprintf(msg, sizeof msg, "email: an account with %s exists already", a.email);
			admin_page(w, r, 422, msg, false, NULL);
			return;
		}
		if (err) {
			store_failed(w, r, err);
			return;
		}
		web_audit(w, r, "account-add", 0, id);
		char link[512];
		if ((err = web_invitation_new(w, r, id, link, sizeof link))) {
			store_failed(w, r, err);
			return;
		}
		snprintf(msg, sizeof msg, "Clinician %s added.", a.email);
		admin_page(w, r, 200, msg, true, link);
		return;
	}
	bool disable = action && strcmp(action, "disable") == 0;
	if (disable || (action && strcmp(action, "enable") == 0)) {
		const char *ids = pst_form_get(&r->form, "id");
		char *end = NULL;
		long long id = ids ? strtoll(ids, &end, 10) : 0;
		if (!ids || *end || id < 1 || id == r->auth.acct.id) {
			admin_page(w, r, 422, "id: not an account you can change here", false, NULL);
			return;
		}
		int err = db->ops->account_set_disabled(db, id, disable);
		if (err == PST_ENOTFOUND) {
			admin_page(w, r, 404, "id: there is no such account", false, NULL);
			return;
		}
		if (err) {
			store_failed(w, r, err);
			return;
		}
		web_audit(w, r, disable ? "account-disable" : "account-enable", 0, id);
		web_redirect(r, "/admin");
		return;
	}
	admin_page(w, r, 422, "action: must be add-clinician, disable or enable", false, NULL);
}

void page_admin_audit(struct web *w, struct req *r)
{
	struct pst_db *db = web_db(w);
	int64_t since = r->q[0].set ? r->q[0].n * 86400 : 0;
	struct pst_audit *log = NULL;
	struct pst_account *all = NULL;
	size_t n = 0, na = 0;
	enum { SHOWN = 500 };
	int err = db ? db->ops->audit_list(db, since, SHOWN, &log, &n) : PST_EUNAVAILABLE;
	if (!err)
		err = db->ops->account_list(db, -1, 0, &all, &na);
	if (err) {
		free(log);
		store_failed(w, r, err);
		return;
	}
	struct pst_buf *b = page_begin(w, r, "Audit log", "/admin/audit");
	pst_html_raw(b, "<h1>Audit log</h1><p>Who logged in, and who read or changed which "
			"patient's records, when and from where: newest first. It holds no health "
			"data.</p><form method=\"get\" action=\"/admin/audit\" class=\"filters\"><p>"
			"<label for=\"since\">Since</label><input id=\"since\" name=\"since\" "
			"type=\"date\"");
	if (r->q[0].set)
		pst_html_attr(b, "value", r->q[0].s);
	pst_html_raw(b, "></p><p><button type=\"submit\">Show</button></p></form>");
	if (n == SHOWN)
		pst_html_printf(b, "<p class=\"notice\">The newest %d entries; choose a later day for "
				   "the ones before.</p>",
				SHOWN);
	pst_html_raw(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
			"aria-label=\"The entries\"><table><thead><tr><th scope=\"col\">When</th>"
			"<th scope=\"col\">What</th><th scope=\"col\">Who</th><th scope=\"col\">"
			"From</th><th scope=\"col\">Patient</th><th scope=\"col\">Account</th></tr>"
			"</thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		const struct pst_audit *e = &log[i];
		char when[40], patient[300] = "", actor[300], account[300] = "";
		format_epoch(e->at_epoch, when, sizeof when);
		const char *ae = e->actor ? email_of(all, na, e->actor) : NULL;
		snprintf(actor, sizeof actor, "%s", ae ? ae : e->actor ? "(account gone)" : "-");
		if (e->patient) {
			const char *pe = NULL;
			for (size_t k = 0; k < na; k++)
				if (all[k].role == PST_ROLE_PATIENT && all[k].person == e->patient)
					pe = all[k].email;
			snprintf(patient, sizeof patient, "%s (person %lld)", pe ? pe : "",
				 (long long)e->patient);
		}
		if (e->account) {
			const char *ce = email_of(all, na, e->account);
			snprintf(account, sizeof account, "%s", ce ? ce : "");
		}
		pst_html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
				when, e->action, actor, e->address, patient, account);
	}
	if (!n)
		pst_html_raw(b, "<tr><td colspan=\"6\">Nothing yet.</td></tr>");
	pst_html_raw(b, "</tbody></table></div><p><a href=\"/admin\">The accounts</a></p>");
	free(log);
	free(all);
	page_end(b, NULL);
}
