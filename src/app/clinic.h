/*
 * The clinician's dashboard as both front ends could show it: a clinician's patients,
 * each with the summary of their records (the store's summaries op, a few queries for
 * all of them) and the reasons to look at them (core/attention.h), sorted by who needs
 * attention first.
 */
#ifndef PST_APP_CLINIC_H
#define PST_APP_CLINIC_H

#include "core/attention.h"
#include "store/store.h"

/* One patient of the dashboard. The caller gives account, person, name and email (the
 * strings stay the caller's); the read fills summary and att. */
struct pst_app_patient {
	int64_t account, person;
	const char *name, *email;
	const struct pst_patient_summary *summary;
	struct pst_attention att;
};

struct pst_app_dashboard {
	struct pst_summary_set set; /* the summaries, which v points into */
	struct pst_app_patient *v;  /* most in need of attention first; then by name, id */
	size_t n;
	int64_t today;
};

/*
 * Reads the summaries of the n patients in (in one read transaction of db) as of the
 * local day today, decides each one's attention (q evaluates the safety answers, c names
 * exercises) and sorts them. Returns PST_OK, the store's error (its message in
 * db->errmsg) or PST_ENOMEM; free out with pst_app_dashboard_free either way.
 */
int pst_app_dashboard_read(struct pst_db *db, const struct pst_questions *q,
			   const struct pst_catalog *c, const struct pst_app_patient *in, size_t n,
			   int64_t today, struct pst_app_dashboard *out);
void pst_app_dashboard_free(struct pst_app_dashboard *d);

#endif
