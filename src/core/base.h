/* Shared basics of the postura core: error codes, an arena, diagnostics, string lists. */
#ifndef PST_BASE_H
#define PST_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum pst_err {
	PST_OK = 0,
	PST_ENOMEM,  /* out of memory */
	PST_EIO,     /* a file could not be read or written */
	PST_EDATA,   /* a data file is invalid; details are in the diagnostics */
	PST_EINVAL,  /* an argument or an input value is invalid */
	PST_ENOTFOUND,
	PST_EREFERRAL, /* screening sent the person to a professional: no plan */
	PST_EUNAVAILABLE, /* the database cannot be reached now (a server is down): try again later */
	PST_EREPLAY,   /* a write whose idempotency key was already used: nothing written,
			* the id returned is the record the first one wrote */
	PST_EEXISTS,   /* what would be added is there already (an account's email) */
	PST_ERR__MAX
};

/* Returns a static, human-readable description of err. */
const char *pst_strerror(int err);

/*
 * An arena: every allocation lives until pst_arena_free. Objects built from data
 * files (catalogue, questions, tips) own one, so freeing them is one call.
 */
struct pst_arena;

struct pst_arena *pst_arena_new(void);
void pst_arena_free(struct pst_arena *a); /* NULL is a no-op */
/* Returns zeroed memory owned by the arena, or NULL when out of memory. */
void *pst_arena_alloc(struct pst_arena *a, size_t size);
/* An array of n elements of size bytes, with room for *cap, made room for one more:
 * v itself while n < *cap, else the array with twice the room (first when *cap is 0,
 * v then NULL), the new room zeroed; NULL when out of memory (v is then unchanged).
 * v is NULL or what this function last returned for the array, in the same arena. The
 * array lives until pst_arena_free, and grows in place where malloc can (realloc), not
 * by copying into the arena, where every smaller copy would stay until the arena goes:
 * the arrays of a long history are most of a request's memory. */
void *pst_arena_grow(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size,
		     size_t first);
/* Returns a copy of s (len bytes, NUL added) owned by the arena, or NULL. */
char *pst_arena_strndup(struct pst_arena *a, const char *s, size_t len);
char *pst_arena_strdup(struct pst_arena *a, const char *s);
char *pst_arena_printf(struct pst_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* An inclusive range of whole numbers; {0, 0} means "not given". */
struct pst_range {
	int lo, hi;
};

/* A list of strings; the strings belong to whoever owns the list (usually an arena). */
struct pst_strv {
	const char **v;
	size_t n;
};

bool pst_strv_has(const struct pst_strv *sv, const char *s);

/*
 * Diagnostics: problems found in data or input, collected as data and printed once by
 * the caller. file may be NULL (then only the message is printed); line and col are
 * 1-based, 0 when unknown.
 */
struct pst_diag {
	char *file;
	int line, col;
	char *msg;
};

struct pst_diags {
	struct pst_diag *v;
	size_t n, cap;
};

/* Adds one diagnostic; copies file and the formatted message. Out of memory drops it
 * and sets n to at least 1 so that the caller still sees a failure. */
void pst_diag_add(struct pst_diags *d, const char *file, int line, int col,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void pst_diag_vadd(struct pst_diags *d, const char *file, int line, int col,
		   const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Formats diagnostic i as "FILE:LINE:COL: message" into a new malloc'd string. */
char *pst_diag_format(const struct pst_diag *dg);
void pst_diags_clear(struct pst_diags *d);
/* Sorts by file, line, column so that output is stable. */
void pst_diags_sort(struct pst_diags *d);

/* A growable byte buffer with a hard cap; always NUL-terminated. */
struct pst_buf {
	char *s;
	size_t len, cap, max;
	bool failed; /* an append hit the cap or ran out of memory */
};

void pst_buf_init(struct pst_buf *b, size_t max);
void pst_buf_free(struct pst_buf *b);
void pst_buf_add(struct pst_buf *b, const char *s, size_t len);
void pst_buf_puts(struct pst_buf *b, const char *s);
void pst_buf_printf(struct pst_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Edit distance between two short strings (ids), capped at 64 characters each. */
int pst_edit_distance(const char *a, const char *b);

/* A named chunk of bytes: a data file, embedded or read from disk. */
struct pst_blob {
	const char *name;
	const unsigned char *data;
	size_t len;
};

struct pst_blobset {
	struct pst_arena *arena;
	struct pst_blob *v;
	size_t n;
};

/*
 * Reads every regular file in dir whose name ends in suffix, sorted by name, into out
 * (names are "dir/file"). Returns 0, or PST_EIO with a diagnostic naming the path.
 * The caller frees out with pst_blobset_free.
 */
int pst_blobset_read_dir(const char *dir, const char *suffix, struct pst_blobset *out,
			 struct pst_diags *d);
/* Reads one file into out as a set of one blob. */
int pst_blobset_read_file(const char *path, struct pst_blobset *out, struct pst_diags *d);
void pst_blobset_free(struct pst_blobset *bs);

#endif
