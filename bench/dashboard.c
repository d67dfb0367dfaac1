/* The clinician's dashboard read (pst_app_dashboard_read: the summaries of a clinician's
 * patients, their attention, the order) timed in one thread: the database's and the
 * attention's share of a dashboard page, without HTTP.
 * usage: dashboard DB FIRST_PERSON COUNT ROUNDS TODAY(YYYY-MM-DD) [STEP]
 * The people FIRST_PERSON, + STEP (1), ... COUNT of them. CPU=1 in the environment: CPU
 * time of the thread instead of the wall clock. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/clinic.h"
#include "data/builtin.h"

static double ms_now(void)
{
	struct timespec ts;
	clock_gettime(getenv("CPU") ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: dashboard DB FIRST_PERSON COUNT ROUNDS TODAY [STEP]\n");
		return 2;
	}
	char err[600];
	struct pst_db *db;
	if (pst_db_open(argv[1], PST_DB_READONLY, &db, err, sizeof err)) {
		fprintf(stderr, "dashboard: %s\n", err);
		return 1;
	}
	long first = atol(argv[2]), n = atol(argv[3]), rounds = atol(argv[4]);
	long step = argc == 7 ? atol(argv[6]) : 1;
	int64_t today;
	if (n < 1 || rounds < 1 || step < 1 || pst_day_parse(argv[5], &today)) {
		fprintf(stderr, "dashboard: bad arguments\n");
		return 2;
	}
	struct pst_app_patient *in = calloc((size_t)n, sizeof *in);
	double *t = calloc((size_t)rounds, sizeof *t), sum_db = 0;
	for (long i = 0; i < n; i++)
		in[i] = (struct pst_app_patient){.account = i + 1, .person = first + i * step, .name = "x", .email = "x@y.z"};
	size_t reasons = 0;
	for (long k = 0; k < rounds; k++) {
		double t0 = ms_now();
		struct pst_summary_set set;
		int64_t *ids = malloc((size_t)n * sizeof *ids);
		for (long i = 0; i < n; i++)
			ids[i] = first + i * step;
		if (db->ops->summaries(db, ids, (size_t)n, today, &set)) {
			fprintf(stderr, "dashboard: %s\n", db->errmsg);
			return 1;
		}
		pst_summary_set_free(&set);
		free(ids);
		double t1 = ms_now();
		sum_db += t1 - t0;
		struct pst_app_dashboard d;
		if (pst_app_dashboard_read(db, &pst_builtin_questions, &pst_builtin_catalog, in, (size_t)n, today, &d)) {
			fprintf(stderr, "dashboard: %s\n", db->errmsg);
			return 1;
		}
		t[k] = ms_now() - t1;
		for (size_t i = 0; i < d.n; i++)
			reasons += d.v[i].att.nreasons;
		pst_app_dashboard_free(&d);
	}
	qsort(t, (size_t)rounds, sizeof *t, dbl_cmp);
	printf("%ld patients: summaries alone mean %.2f ms; the whole read median %.2f ms, p99 %.2f ms "
	       "(%zu reasons a round)\n",
	       n, sum_db / rounds, t[rounds / 2], t[(rounds * 99) / 100], reasons / (size_t)rounds);
	free(t);
	free(in);
	pst_db_close(db);
	return 0;
}
