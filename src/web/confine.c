/*
 * `postura serve`, once started, reads its data and one database and speaks HTTP: it
 * needs nothing else, and is confined to that (docs/web.md, "Confinement").
 */
#define _GNU_SOURCE
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define PST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define PST_SANITIZED 1
#endif
#endif
#ifndef PST_SANITIZED
#define PST_SANITIZED 0
#endif

/* --- Landlock, by its system calls (no library) ------------------------------------ */

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

static int ll_create(const struct landlock_ruleset_attr *attr, size_t size, uint32_t flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static int ll_add(int fd, const char *path, uint64_t access, FILE *log, bool must)
{
	int dir = open(path, O_PATH | O_CLOEXEC);
	if (dir < 0) {
		if (must && log)
			fprintf(log, "postura: confine: landlock: cannot open %s: %s\n", path,
				strerror(errno));
		return must ? -1 : 0; /* a path that is not there needs no rule */
	}
	struct landlock_path_beneath_attr pb = {.allowed_access = access, .parent_fd = dir};
	int rc = (int)syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	int e = errno;
	close(dir);
	if (rc && log)
		fprintf(log, "postura: confine: landlock: no rule for %s: %s\n", path, strerror(e));
	return rc;
}

/* A sanitizer build: /proc, running the symbolizer under /usr, and each suppressions
 * file named in ASAN_OPTIONS, LSAN_OPTIONS or UBSAN_OPTIONS ("suppressions=PATH"). */
static bool sanitizer_rules(int fd, uint64_t read, FILE *log)
{
	if (ll_add(fd, "/proc", read, log, false) != 0 ||
	    ll_add(fd, "/usr", read | LANDLOCK_ACCESS_FS_EXECUTE, log, false) != 0)
		return false;
	static const char *const vars[] = {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *o = getenv(vars[i]), *p = o ? strstr(o, "suppressions=") : NULL;
		if (!p)
			continue;
		char path[4096];
		p += strlen("suppressions=");
		size_t n = strcspn(p, ":, ");
		if (n == 0 || n >= sizeof path)
			continue;
		memcpy(path, p, n);
		path[n] = '\0';
		if (ll_add(fd, path, LANDLOCK_ACCESS_FS_READ_FILE, log, false) != 0)
			return false;
	}
	return true;
}

static bool confine_fs(const char *dbdir, FILE *log)
{
	/* NULL: no database directory (a PostgreSQL store); libpq reads, on reconnecting,
	 * /etc (hosts, resolv.conf, nsswitch.conf, its service file, TLS certificates) and
	 * the user's ~/.pgpass and ~/.postgresql. */
	int abi = ll_create(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (log)
			fprintf(log, "postura: confine: landlock is not available here (%s; it needs "
				     "Linux 5.13 or later): the filesystem is not confined\n",
				strerror(errno));
		return false;
	}
	uint64_t all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0 to 12 */
	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	const uint64_t read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	/* The database's directory: the file, its -wal, -shm and journal, made and removed. */
	const uint64_t rw = read | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_MAKE_REG |
			    LANDLOCK_ACCESS_FS_REMOVE_FILE |
			    (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
	struct landlock_ruleset_attr attr = {.handled_access_fs = all};
	int fd = ll_create(&attr, sizeof attr, 0);
	if (fd < 0) {
		if (log)
			fprintf(log, "postura: confine: landlock: %s: the filesystem is not confined\n",
				strerror(errno));
		return false;
	}
	/* Fonts, read by pango and fontconfig on the first picture or PDF: their files and
	 * configuration, and the caches fontconfig keeps. */
	char cache[4096] = "";
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		snprintf(cache, sizeof cache, "%s/fontconfig", xdg);
	else if (home && *home)
		snprintf(cache, sizeof cache, "%s/.cache/fontconfig", home);
	const uint64_t file = LANDLOCK_ACCESS_FS_READ_FILE;
	char pgpass[4096] = "", pgdir[4096] = "";
	if (!dbdir && home && *home) {
		snprintf(pgpass, sizeof pgpass, "%s/.pgpass", home);
		snprintf(pgdir, sizeof pgdir, "%s/.postgresql", home);
	}
	const char *pgpassfile = getenv("PGPASSFILE");
	/* POSTURA_CRACKLIB_DICT names the dictionary without its endings: its directory. */
	char dict[4096] = "";
	const char *dict_env = getenv("POSTURA_CRACKLIB_DICT");
	if (dict_env && dict_env[0] == '/' && strlen(dict_env) < sizeof dict) {
		snprintf(dict, sizeof dict, "%s", dict_env);
		char *slash = strrchr(dict, '/');
		if (slash && slash != dict)
			*slash = '\0';
		else
			dict[0] = '\0';
	}
	bool ok = (dbdir ? ll_add(fd, dbdir, rw, log, true) == 0
			 : ll_add(fd, "/etc", read, log, false) == 0 &&
				   (!pgpass[0] || ll_add(fd, pgpass, file, log, false) == 0) &&
				   (!pgdir[0] || ll_add(fd, pgdir, read, log, false) == 0) &&
				   (!pgpassfile || !*pgpassfile ||
				    ll_add(fd, pgpassfile, file, log, false) == 0)) &&
		  ll_add(fd, "/usr", read, log, false) == 0 &&
		  ll_add(fd, "/etc/fonts", read, log, false) == 0 &&
		  ll_add(fd, "/var/cache/fontconfig", read, log, false) == 0 &&
		  /* cracklib's dictionary: a new password's checks (an invitation's form) */
		  ll_add(fd, "/var/cache/cracklib", read, log, false) == 0 &&
		  (!dict[0] || ll_add(fd, dict, read, log, false) == 0) &&
		  /* ... whose check looks the process's own user up (getpwuid) */
		  ll_add(fd, "/etc/passwd", file, log, false) == 0 &&
		  ll_add(fd, "/etc/nsswitch.conf", file, log, false) == 0 &&
		  (!cache[0] || ll_add(fd, cache, read, log, false) == 0) &&
		  /* the time zone (the C library reads it on first use), SQLite's randomness */
		  ll_add(fd, "/etc/localtime", file, log, false) == 0 &&
		  ll_add(fd, "/dev/urandom", file, log, false) == 0 &&
		  /* the sanitizers read the process's maps, their suppressions, and run their
		   * symbolizer, for their reports and the leak check at exit */
		  (!PST_SANITIZED || sanitizer_rules(fd, read, log));
	if (ok && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		ok = false;
	if (ok && syscall(__NR_landlock_restrict_self, fd, 0) != 0) {
		if (log)
			fprintf(log, "postura: confine: landlock: %s: the filesystem is not confined\n",
				strerror(errno));
		ok = false;
	}
	close(fd);
	return ok;
}

/* --- seccomp ------------------------------------------------------------------------- */

/* The system calls of the server once started: libmicrohttpd's threads (epoll, accept,
 * the sockets), SQLite (files, locks, sync), cairo/pango/fontconfig (files, memory),
 * libsodium (getrandom), zlib, jansson, and the C library under them. */
static const char *const allowed[] = {
	/* memory and threads */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "futex", "clone", "clone3",
	"set_robust_list", "get_robust_list", "rseq", "sched_yield", "sched_getaffinity",
	"exit", "exit_group", "gettid", "getpid", "tgkill", "membarrier",
	/* time and signals */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
	"rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "rt_sigtimedwait", "sigaltstack",
	"restart_syscall",
	/* files (Landlock says which) */
	"openat", "open", "close", "read", "write", "readv", "writev", "pread64", "pwrite64",
	"lseek", "fstat", "newfstatat", "stat", "lstat", "statx", "statfs", "fstatfs",
	"fcntl", "flock", "fsync", "fdatasync", "ftruncate", "unlink", "unlinkat", "access",
	"faccessat", "faccessat2", "getdents64", "readlink", "readlinkat", "getcwd", "umask",
	"fchmod", "fchown", "geteuid", "getuid", "getegid", "getgid", "ioctl", "uname",
	"sysinfo", "prlimit64", "getrandom",
	/* the network: the listening socket is made before; connections are accepted */
	"accept", "accept4", "recvfrom", "recvmsg", "sendto", "sendmsg", "sendfile",
	"shutdown", "setsockopt", "getsockopt", "getsockname", "getpeername",
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "poll",
	"ppoll", "select", "pselect6", "eventfd2", "pipe2", "dup", "dup3",
};

/* A PostgreSQL store: libpq connects again when the connection broke (a server
 * restarted), resolving the host name first. */
static const char *const allowed_net[] = {
	"socket", "connect", "bind", "recvmmsg", "sendmmsg", "getrandom",
};

static bool confine_calls(bool net, FILE *log)
{
	if (PST_SANITIZED) {
		if (log)
			fprintf(log, "postura: confine: seccomp is skipped in a sanitizer build (the "
				     "sanitizers make system calls of their own)\n");
		return false;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx) {
		if (log)
			fprintf(log, "postura: confine: seccomp is not available here: the system "
				     "calls are not confined\n");
		return false;
	}
	int rc = 0;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0] && rc == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	for (size_t i = 0; net && i < sizeof allowed_net / sizeof allowed_net[0] && rc == 0; i++) {
		int nr = seccomp_syscall_resolve_name(allowed_net[i]);
		if (nr != __NR_SCMP_ERROR)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		if (log)
			fprintf(log, "postura: confine: seccomp: %s: the system calls are not "
				     "confined\n", strerror(-rc));
		return false;
	}
	return true;
}

struct pst_confined pst_confine(const char *dbdir, FILE *log)
{
	struct pst_confined c;
	c.landlock = confine_fs(dbdir, log);
	c.seccomp = confine_calls(false, log);
	return c;
}

struct pst_confined pst_confine_pg(FILE *log)
{
	struct pst_confined c;
	c.landlock = confine_fs(NULL, log);
	c.seccomp = confine_calls(true, log);
	return c;
}
