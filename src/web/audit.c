/*
 * The audit log's group commit (docs/clinic.md, "The audit log"). Every read of a
 * patient's records by a clinician is recorded before the records are sent, so each
 * such request writes an entry: one write transaction each made 64 connections queue
 * for the one writer (SQLite: one fsync each; PostgreSQL: one WAL flush each), which was
 * most of what a cached dashboard or patient page cost (bench/RESULTS.md, issue 14).
 *
 * Here the requests that want an entry written put it in one queue. While no write is
 * under way, the first of them becomes the committer: it takes every entry queued (its
 * own and those of the requests waiting) and writes them all in one transaction
 * (audit_add_many), in the order they were queued, then wakes each request whose entry
 * that transaction held, with its result. Entries queued meanwhile wait for the next
 * group, written by the first of their requests. So each entry is still durable before
 * its request's reply is sent, and a failed write fails every request of its group; only
 * the number of transactions falls.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* At most this many entries a transaction (so a group's wait stays short). */
enum { GROUP_MAX = 256 };

struct web_audit_wait {
	struct pst_audit e;
	struct web_audit_wait *next;
	bool done;
	int err;
	char errmsg[200];
};

void web_audit_group_init(struct web_audit_group *g)
{
	memset(g, 0, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
}

void web_audit_group_destroy(struct web_audit_group *g)
{
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
}

/* Writes the group (a list taken off the queue) in one transaction on this request's
 * connection; the result goes to every entry of it. Called without the lock. */
static void write_group(struct web *w, struct web_audit_wait *first, size_t n)
{
	struct pst_audit buf[GROUP_MAX];
	size_t i = 0;
	for (struct web_audit_wait *x = first; x && i < n; x = x->next)
		buf[i++] = x->e;
	struct pst_db *db = web_db(w);
	int err = db ? db->ops->audit_add_many(db, buf, i) : PST_EUNAVAILABLE;
	char msg[200] = "";
	if (err)
		snprintf(msg, sizeof msg, "%.199s", db && db->errmsg[0] ? db->errmsg : pst_strerror(err));
	if (err)
		fprintf(stderr, "postura: audit: %s (a group of %zu entries)\n", msg, i);
	struct web_audit_group *g = &w->audit;
	pthread_mutex_lock(&g->mu);
	struct web_audit_wait *x = first;
	for (size_t k = 0; k < i; k++, x = x->next) {
		x->err = err;
		snprintf(x->errmsg, sizeof x->errmsg, "%s", msg);
		x->done = true;
	}
	g->busy = false;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

int web_audit_write(struct web *w, const struct pst_audit *e, bool last_use, char *errmsg,
		    size_t size)
{
	struct web_audit_group *g = &w->audit;
	struct web_audit_wait me;
	memset(&me, 0, sizeof me);
	me.e = *e;
	pthread_mutex_lock(&g->mu);
	/* Entries are written in the order they queue, and their ids rise in that order: so
	 * must their times. A request that read the clock just before another, but queued
	 * just after it, takes the other's time (a second's tick between the two made the
	 * log say the later entry came first). */
	if (me.e.at_epoch < g->last_at)
		me.e.at_epoch = g->last_at;
	g->last_at = me.e.at_epoch;
	if (g->tail)
		g->tail->next = &me;
	else
		g->head = &me;
	g->tail = &me;
	/* A request whose entry is its last use of the database gives its connection back
	 * while another writes: the committer has one, and the pool serves more requests
	 * meanwhile (whose entries join the next group). */
	bool released = false;
	while (!me.done) {
		if (!g->busy && released) {
			/* To write a group it takes a connection first, before it claims the
			 * write: waiting for the pool while claiming it would keep the requests
			 * that hold the pool's connections (queued here too) from writing. */
			pthread_mutex_unlock(&g->mu);
			(void)web_db(w);
			released = false;
			pthread_mutex_lock(&g->mu);
			continue;
		}
		if (!g->busy) {
			/* The committer: takes what is queued, up to GROUP_MAX. */
			g->busy = true;
			struct web_audit_wait *first = g->head, *x = first;
			size_t n = 1;
			while (x->next && n < GROUP_MAX)
				x = x->next, n++;
			g->head = x->next;
			if (!g->head)
				g->tail = NULL;
			x->next = NULL;
			pthread_mutex_unlock(&g->mu);
			write_group(w, first, n);
			pthread_mutex_lock(&g->mu);
			continue;
		}
		if (last_use && !released) {
			pthread_mutex_unlock(&g->mu);
			web_db_release(w);
			released = true;
			pthread_mutex_lock(&g->mu);
			continue;
		}
		pthread_cond_wait(&g->cv, &g->mu);
	}
	pthread_mutex_unlock(&g->mu);
	if (me.err && errmsg && size)
		snprintf(errmsg, size, "%s", me.errmsg);
	return me.err;
}
