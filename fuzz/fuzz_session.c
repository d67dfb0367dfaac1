/* libFuzzer harness for the session parser: any bytes as the body of `postura session
 * log` (and POST /api/v1/sessions), against the built-in catalogue; what parses must
 * keep the contract of tracking.h and read back the same from its own JSON. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/tracking.h"
#include "data/builtin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A session log as the JSON the parser reads, to parse it again. */
static char *to_json(const struct pst_session_log *l)
{
	char at[40];
	json_t *ex = json_array();
	for (size_t i = 0; i < l->nex; i++) {
		json_t *o = json_pack("{s:s, s:s}", "id", l->ex[i].id, "feedback",
				      pst_vocab_word(&pst_vocab_feedback, (int)l->ex[i].feedback));
		if (l->ex[i].pain >= 0)
			json_object_set_new(o, "pain", json_integer(l->ex[i].pain));
		json_array_append_new(ex, o);
	}
	json_t *root = json_pack("{s:s, s:i, s:i, s:o}", "at", pst_time_format(l->at, at, sizeof at),
				 "pain_before", l->pain_before, "pain_after", l->pain_after,
				 "exercises", ex);
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return s;
}

static bool same(const struct pst_session_log *a, const struct pst_session_log *b)
{
	if (a->at.epoch != b->at.epoch || a->at.offset_min != b->at.offset_min ||
	    a->pain_before != b->pain_before || a->pain_after != b->pain_after || a->nex != b->nex)
		return false;
	for (size_t i = 0; i < a->nex; i++)
		if (strcmp(a->ex[i].id, b->ex[i].id) != 0 || a->ex[i].feedback != b->ex[i].feedback ||
		    a->ex[i].pain != b->ex[i].pain)
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pst_catalog *cat = &pst_builtin_catalog;
	struct pst_arena *a = pst_arena_new();
	if (!a)
		return 0;
	struct pst_diags d = {0};
	struct pst_session_log log, untouched;
	memset(&log, 0x5a, sizeof log);
	untouched = log;
	/* 2026-11-21T08:30:00+01:00 */
	const struct pst_time now = {.epoch = 1795246200, .offset_min = 60};
	int err = pst_session_parse_json(cat, "fuzz", (const char *)data, size, now, a, &log, &d);
	/* The contract: all or nothing, and a reason for nothing. */
	if (err != PST_OK && err != PST_EINVAL)
		__builtin_trap();
	if (err && (d.n == 0 || memcmp(&log, &untouched, sizeof log) != 0))
		__builtin_trap();
	if (!err) {
		if (d.n || log.nex < 1 || log.nex > PST_SESSION_MAX_EXERCISES || log.pain_before < 0 ||
		    log.pain_before > 10 || log.pain_after < 0 || log.pain_after > 10 ||
		    log.at.offset_min < -14 * 60 || log.at.offset_min > 14 * 60)
			__builtin_trap();
		for (size_t i = 0; i < log.nex; i++)
			if (!log.ex[i].id || !pst_catalog_find(cat, log.ex[i].id) ||
			    (unsigned)log.ex[i].feedback >= PST_FB__MAX || log.ex[i].pain < -1 ||
			    log.ex[i].pain > 10)
				__builtin_trap();
		/* What was read, written out and read again, is the same session. */
		char *again = to_json(&log);
		struct pst_session_log back;
		if (!again || pst_session_parse_json(cat, "again", again, strlen(again), now, a, &back,
						     &d) != PST_OK ||
		    !same(&log, &back))
			__builtin_trap();
		free(again);
	}
	for (size_t i = 0; i < d.n; i++)
		free(pst_diag_format(&d.v[i]));
	pst_diags_clear(&d);
	pst_arena_free(a);
	return 0;
}
