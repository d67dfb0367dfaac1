/* A test helper: writes check-ins through postura's store in a loop and prints the id of
 * each one as soon as its transaction has committed. The reliability tests kill it with
 * SIGKILL at random moments and then check that every printed id is in the database.
 *
 * usage: writer DB COUNT [PAIN]
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/store.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: writer DB COUNT [PAIN]\n");
		return 2;
	}
	char err[600];
	struct pst_store *s;
	if (pst_store_open(argv[1], 0, PST_PERSON_DEFAULT, &s, err, sizeof err) != PST_OK) {
		fprintf(stderr, "writer: %s\n", err);
		return 1;
	}
	long n = strtol(argv[2], NULL, 10);
	int pain = argc > 3 ? atoi(argv[3]) : 3;
	setvbuf(stdout, NULL, _IOLBF, 0);
	int rc = 0;
	for (long i = 0; i < n; i++) {
		struct pst_checkin c = {.at = {1795000000 + i * 60, 60}, .pain = pain, .note = "writer"};
		int64_t id;
		int e = s->ops->checkin_add(s, &c, &id);
		if (e) {
			fprintf(stderr, "writer: %s\n", s->errmsg);
			rc = 1;
			break;
		}
		printf("saved %lld\n", (long long)id);
	}
	pst_store_close(s);
	return rc;
}
