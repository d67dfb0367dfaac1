/* The confinement of `postura serve` (src/web/confine.c), applied in a forked child as the
 * server applies it to itself: files open only in the database's directory (and read
 * under /usr), and system calls the server does not make fail. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "web/confine.h"

enum {
	OK_CONFINED_FS = 1 << 0,  /* Landlock was applied */
	OK_CONFINED_SC = 1 << 1,  /* seccomp was applied */
	OK_DB_WRITE = 1 << 2,     /* a file in the database's directory is made and written */
	OK_USR_READ = 1 << 3,     /* a file under /usr is read */
	DENIED_ETC = 1 << 4,      /* /etc/hostname: EACCES (/etc/passwd is read: cracklib) */
	DENIED_OTHER_DIR = 1 << 5,/* a file beside the database's directory: EACCES */
	DENIED_EXEC = 1 << 6,     /* execve: refused */
	DENIED_SOCKET = 1 << 7,   /* a new socket (to call out): EPERM */
};

static int child(const char *dir, const char *other)
{
	struct pst_confined c = pst_confine(dir, stderr);
	int got = (c.landlock ? OK_CONFINED_FS : 0) | (c.seccomp ? OK_CONFINED_SC : 0);
	char path[4096];
	snprintf(path, sizeof path, "%s/me.db-wal", dir);
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd >= 0 && write(fd, "x", 1) == 1)
		got |= OK_DB_WRITE;
	if (fd >= 0)
		close(fd);
	fd = open("/usr/share/dict/../../lib/os-release", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/usr/lib/os-release", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got |= OK_USR_READ;
		close(fd);
	}
	fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		got |= DENIED_ETC;
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof path, "%s/secret", other);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == EACCES)
		got |= DENIED_OTHER_DIR;
	if (fd >= 0)
		close(fd);
	/* A program outside the allowed paths (a sanitizer build may run its symbolizer
	 * under /usr): a copy of true in the other directory. */
	snprintf(path, sizeof path, "%s/true", other);
	char *const argv[] = {path, NULL};
	execv(path, argv); /* returns only when refused */
	got |= DENIED_EXEC;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 && errno == EPERM)
		got |= DENIED_SOCKET;
	if (s >= 0)
		close(s);
	return got;
}

static void confined_server(void **state)
{
	(void)state;
	char dir[] = "/tmp/postura-confine-XXXXXX", other[] = "/tmp/postura-other-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(other));
	char secret[4096];
	snprintf(secret, sizeof secret, "%s/secret", other);
	FILE *f = fopen(secret, "w");
	assert_non_null(f);
	fputs("not for the server\n", f);
	fclose(f);
	char prog[4096], cmd[8300];
	snprintf(prog, sizeof prog, "%s/true", other);
	snprintf(cmd, sizeof cmd, "cp /bin/true '%s' && chmod 755 '%s'", prog, prog);
	assert_int_equal(system(cmd), 0);
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		int got = child(dir, other);
		if (write(fds[1], &got, sizeof got) != sizeof got)
			_exit(2);
		_exit(0);
	}
	close(fds[1]);
	int got = -1, status = 0;
	ssize_t n = read(fds[0], &got, sizeof got);
	close(fds[0]);
	waitpid(pid, &status, 0);
	char wal[4096];
	snprintf(wal, sizeof wal, "%s/me.db-wal", dir);
	unlink(wal);
	unlink(secret);
	unlink(prog);
	rmdir(dir);
	rmdir(other);
	assert_int_equal(n, (ssize_t)sizeof got);
	assert_true(got & OK_DB_WRITE);
	assert_true(got & OK_USR_READ);
	if (got & OK_CONFINED_FS) {
		assert_true(got & DENIED_ETC);
		assert_true(got & DENIED_OTHER_DIR);
		assert_true(got & DENIED_EXEC);
	} else {
		print_message("Landlock is not available here: the filesystem checks are skipped\n");
	}
	if (got & OK_CONFINED_SC)
		assert_true(got & DENIED_SOCKET);
	else
		print_message("seccomp was not applied (a sanitizer build, or not available)\n");
	if (!(got & (OK_CONFINED_FS | OK_CONFINED_SC)))
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(confined_server)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
