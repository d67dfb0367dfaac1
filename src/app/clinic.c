/* The clinician's dashboard: summaries, attention, the order (clinic.h). */
#include "clinic.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int patient_cmp(const void *pa, const void *pb)
{
	const struct pst_app_patient *a = pa, *b = pb;
	int c = pst_attention_cmp(&a->att, &b->att);
	if (c)
		return c;
	c = strcasecmp(a->name ? a->name : "", b->name ? b->name : "");
	if (c)
		return c;
	return a->account < b->account ? -1 : a->account > b->account;
}

int pst_app_dashboard_read(struct pst_db *db, const struct pst_questions *q,
			   const struct pst_catalog *c, const struct pst_app_patient *in, size_t n,
			   int64_t today, struct pst_app_dashboard *out)
{
	memset(out, 0, sizeof *out);
	out->today = today;
	int64_t *people = calloc(n ? n : 1, sizeof *people);
	out->v = calloc(n ? n : 1, sizeof *out->v);
	if (!people || !out->v) {
		free(people);
		return PST_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		people[i] = in[i].person;
	int err = db->ops->summaries(db, people, n, today, &out->set);
	free(people);
	if (err)
		return err;
	/* Most patients give the same safety answers: each set is evaluated once. */
	struct pst_attention_memo *memo = pst_attention_memo_new();
	if (!memo)
		return PST_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		out->v[i] = in[i];
		out->v[i].summary = &out->set.v[i];
		memset(&out->v[i].att, 0, sizeof out->v[i].att);
		out->n = i + 1;
		if ((err = pst_attention_build(q, c, &out->set.v[i], today, memo, &out->v[i].att)))
			break;
	}
	pst_attention_memo_free(memo);
	if (err)
		return err;
	qsort(out->v, out->n, sizeof *out->v, patient_cmp);
	return PST_OK;
}

void pst_app_dashboard_free(struct pst_app_dashboard *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		pst_attention_free(&d->v[i].att);
	free(d->v);
	pst_summary_set_free(&d->set);
	memset(d, 0, sizeof *d);
}
