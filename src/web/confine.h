/* Confinement of `postura serve` once it has started: Landlock for the filesystem,
 * seccomp for the system calls. */
#ifndef PST_WEB_CONFINE_H
#define PST_WEB_CONFINE_H

#include <stdbool.h>
#include <stdio.h>

/* What pst_confine managed; each false comes with a line on log saying why. */
struct pst_confined {
	bool landlock; /* the filesystem: dbdir read-write, the read-only paths, nothing else */
	bool seccomp;  /* the system calls: only those the server uses */
};

/*
 * Confines the calling thread and every thread it starts afterwards (so: call it before
 * starting any). With Landlock (Linux 5.13 and later), files can then be opened only in
 * dbdir (read, write, create, remove: the database, its -wal, -shm and journal) and read
 * only under /usr, /etc/fonts and the font caches (pango and fontconfig load fonts on
 * the first picture or PDF). With seccomp (libseccomp), system calls other than those
 * the server makes fail with EPERM; in a sanitizer build (ASan, UBSan, which make
 * system calls of their own) seccomp is skipped. Where the kernel lacks either, the
 * server runs without it. Every skip is said on log, one line each.
 */
struct pst_confined pst_confine(const char *dbdir, FILE *log);

/* The same for a PostgreSQL store: no database directory; reading /etc (host names, TLS
 * certificates), ~/.pgpass, ~/.postgresql and $PGPASSFILE; and the system calls libpq
 * makes to connect again after the server went away (socket, connect). */
struct pst_confined pst_confine_pg(FILE *log);

#endif
