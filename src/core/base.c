/* Shared basics: error strings, the arena, diagnostics, buffers, reading data files. */
#include "base.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *pst_strerror(int err)
{
	static const char *const msg[PST_ERR__MAX] = {
		[PST_OK] = "success",
		[PST_ENOMEM] = "out of memory",
		[PST_EIO] = "input/output error",
		[PST_EDATA] = "invalid data",
		[PST_EINVAL] = "invalid argument",
		[PST_ENOTFOUND] = "not found",
		[PST_EREFERRAL] = "referred to a professional",
		[PST_EUNAVAILABLE] = "the database cannot be reached",
		[PST_EREPLAY] = "already saved (the same idempotency key)",
		[PST_EEXISTS] = "already exists",
	};
	if (err < 0 || err >= PST_ERR__MAX)
		return "unknown error";
	return msg[err];
}

/* --- arena --------------------------------------------------------------- */

/*
 * Under AddressSanitizer every allocation is followed by a poisoned red zone and the
 * unused rest of a chunk stays poisoned, so that writing past the end of an array taken
 * from an arena is caught like a heap overflow (the fuzzers and `make check` rely on
 * it). Without ASan this costs nothing.
 */
#if defined(__SANITIZE_ADDRESS__)
#define PST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PST_ASAN 1
#endif
#endif
#ifdef PST_ASAN
#include <sanitizer/asan_interface.h>
enum { ARENA_REDZONE = 32 };
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
enum { ARENA_REDZONE = 0 };
#endif

struct chunk {
	struct chunk *next;
	size_t used, size;
	max_align_t data[];
};

/* An array of pst_arena_grow: a block of its own, reallocated as it grows. */
struct grown {
	struct grown *prev, *next;
	max_align_t data[];
};

struct pst_arena {
	struct chunk *head;
	struct grown *grown;
};

/* The first chunk; each next one twice the last, up to ARENA_CHUNK_MAX. An arena that
 * holds a large record (a person's whole history, replayed for a page) is then a few big
 * chunks, which malloc maps on their own and gives back to the kernel when the arena is
 * freed, rather than hundreds of 16 KiB ones left as holes in its heap between other
 * requests' blocks (RSS climbing under load: bench/RESULTS.md, the soak). */
enum { ARENA_CHUNK = 16 * 1024, ARENA_CHUNK_MAX = 1024 * 1024 };

struct pst_arena *pst_arena_new(void)
{
	return calloc(1, sizeof(struct pst_arena));
}

void pst_arena_free(struct pst_arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *next = c->next;
		ASAN_UNPOISON_MEMORY_REGION(c->data, c->size);
		free(c);
		c = next;
	}
	for (struct grown *g = a->grown, *next; g; g = next) {
		next = g->next;
		free(g);
	}
	free(a);
}

void *pst_arena_grow(struct pst_arena *a, void *v, size_t n, size_t *cap, size_t size,
		     size_t first)
{
	if (v && n < *cap)
		return v;
	/* no room yet: a new array (a v without room stays the arena's, as it was) */
	bool fresh = !v || !*cap;
	size_t ncap = fresh ? (first ? first : 1) : *cap * 2;
	if (size == 0 || (!fresh && ncap < *cap) || ncap > (SIZE_MAX - sizeof(struct grown)) / size)
		return NULL;
	struct grown *g = fresh ? NULL : (struct grown *)((char *)v - offsetof(struct grown, data));
	struct grown *ng = realloc(g, sizeof(*ng) + ncap * size);
	if (!ng)
		return NULL;
	if (!g) {
		ng->prev = NULL;
		ng->next = a->grown;
		if (a->grown)
			a->grown->prev = ng;
		a->grown = ng;
	} else {
		/* moved: its neighbours point at the new place */
		if (ng->prev)
			ng->prev->next = ng;
		else
			a->grown = ng;
		if (ng->next)
			ng->next->prev = ng;
	}
	size_t old = fresh ? 0 : *cap;
	memset((char *)ng->data + old * size, 0, (ncap - old) * size);
	*cap = ncap;
	return ng->data;
}

void *pst_arena_alloc(struct pst_arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size_t asked = size;
	if (size > SIZE_MAX - align - ARENA_REDZONE)
		return NULL;
	size = (size + align - 1) / align * align + ARENA_REDZONE;
	if (size == 0)
		size = align;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t next = !c ? ARENA_CHUNK : c->size < ARENA_CHUNK_MAX / 2 ? 2 * c->size : ARENA_CHUNK_MAX;
		size_t cap = size > next ? size : next;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		ASAN_POISON_MEMORY_REGION(c->data, cap);
		c->used = 0;
		c->size = cap;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	ASAN_UNPOISON_MEMORY_REGION(p, asked ? asked : 1);
	memset(p, 0, asked);
	return p;
}

char *pst_arena_strndup(struct pst_arena *a, const char *s, size_t len)
{
	char *p = pst_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *pst_arena_strdup(struct pst_arena *a, const char *s)
{
	return pst_arena_strndup(a, s, strlen(s));
}

char *pst_arena_printf(struct pst_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = pst_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

bool pst_strv_has(const struct pst_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return true;
	return false;
}

/* --- diagnostics ---------------------------------------------------------- */

__attribute__((format(printf, 1, 0))) static char *xvasprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *p = malloc((size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

/* The sentinel for a diagnostic lost to out-of-memory. */
static struct pst_diag oom_diag = {NULL, 0, 0, (char *)"out of memory"};

void pst_diag_vadd(struct pst_diags *d, const char *file, int line, int col,
		   const char *fmt, va_list ap)
{
	if (d->n == d->cap) {
		if (d->v == &oom_diag)
			return;
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct pst_diag *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			goto oom;
		d->v = v;
		d->cap = cap;
	}
	struct pst_diag *dg = &d->v[d->n];
	dg->file = file ? strdup(file) : NULL;
	dg->msg = xvasprintf(fmt, ap);
	dg->line = line;
	dg->col = col;
	if ((file && !dg->file) || !dg->msg) {
		free(dg->file);
		free(dg->msg);
		goto oom;
	}
	d->n++;
	return;
oom:
	/* Keep what was collected; the caller still sees a failure. */
	if (d->n == 0) {
		free(d->v);
		d->v = &oom_diag;
		d->n = 1;
		d->cap = 1;
	}
}

void pst_diag_add(struct pst_diags *d, const char *file, int line, int col,
		  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pst_diag_vadd(d, file, line, col, fmt, ap);
	va_end(ap);
}

char *pst_diag_format(const struct pst_diag *dg)
{
	struct pst_buf b;
	pst_buf_init(&b, 1 << 16);
	if (dg->file) {
		pst_buf_puts(&b, dg->file);
		if (dg->line > 0)
			pst_buf_printf(&b, ":%d:%d", dg->line, dg->col > 0 ? dg->col : 1);
		pst_buf_puts(&b, ": ");
	}
	pst_buf_puts(&b, dg->msg);
	if (b.failed) {
		pst_buf_free(&b);
		return NULL;
	}
	return b.s;
}

void pst_diags_clear(struct pst_diags *d)
{
	if (d->v == &oom_diag) {
		d->v = NULL;
	} else {
		for (size_t i = 0; i < d->n; i++) {
			free(d->v[i].file);
			free(d->v[i].msg);
		}
		free(d->v);
	}
	d->v = NULL;
	d->n = d->cap = 0;
}

static int diag_cmp(const void *pa, const void *pb)
{
	const struct pst_diag *a = pa, *b = pb;
	int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
	if (c)
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return strcmp(a->msg, b->msg);
}

void pst_diags_sort(struct pst_diags *d)
{
	if (d->n > 1 && d->v != &oom_diag)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
}

/* --- buffers -------------------------------------------------------------- */

void pst_buf_init(struct pst_buf *b, size_t max)
{
	b->s = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->failed = false;
	pst_buf_add(b, "", 0);
}

void pst_buf_free(struct pst_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

static bool buf_reserve(struct pst_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > b->max || b->len + extra + 1 > b->max) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	char *s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void pst_buf_add(struct pst_buf *b, const char *s, size_t len)
{
	if (!buf_reserve(b, len))
		return;
	if (len)
		memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void pst_buf_puts(struct pst_buf *b, const char *s)
{
	pst_buf_add(b, s, strlen(s));
}

void pst_buf_printf(struct pst_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

int pst_edit_distance(const char *a, const char *b)
{
	enum { M = 64 };
	size_t la = strnlen(a, M), lb = strnlen(b, M);
	int prev[M + 1], cur[M + 1];
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] == b[j - 1] ? 0 : 1;
			int best = prev[j - 1] + cost;
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			cur[j] = best;
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb];
}

/* --- reading data files ---------------------------------------------------- */

/* Data files are small; a cap keeps a wrong path (a device, a huge file) harmless. */
enum { BLOB_MAX = 4 * 1024 * 1024 };

static int read_whole(const char *path, struct pst_arena *a, struct pst_blob *out,
		      struct pst_diags *d)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		pst_diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return PST_EIO;
	}
	struct pst_buf b;
	pst_buf_init(&b, BLOB_MAX);
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		pst_buf_add(&b, tmp, n);
	int rerr = ferror(f);
	fclose(f);
	if (rerr || b.failed) {
		pst_diag_add(d, path, 0, 0, "%s", rerr ? "read error" : "file too large (over 4 MiB)");
		pst_buf_free(&b);
		return PST_EIO;
	}
	char *name = pst_arena_strdup(a, path);
	size_t len = b.len;
	unsigned char *data = (unsigned char *)pst_arena_strndup(a, b.s, len);
	pst_buf_free(&b);
	if (!name || !data)
		return PST_ENOMEM;
	out->name = name;
	out->data = data;
	out->len = len;
	return PST_OK;
}

static int name_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

int pst_blobset_read_dir(const char *dir, const char *suffix, struct pst_blobset *out,
			 struct pst_diags *d)
{
	memset(out, 0, sizeof(*out));
	DIR *dh = opendir(dir);
	if (!dh) {
		pst_diag_add(d, dir, 0, 0, "cannot open directory: %s", strerror(errno));
		return PST_EIO;
	}
	int err = PST_OK;
	char **names = NULL;
	size_t n = 0, cap = 0;
	size_t sl = strlen(suffix);
	struct dirent *de;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				err = PST_ENOMEM;
				goto out;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			err = PST_ENOMEM;
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	out->arena = pst_arena_new();
	out->v = out->arena ? pst_arena_alloc(out->arena, (n ? n : 1) * sizeof(*out->v)) : NULL;
	if (!out->v) {
		err = PST_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *path = pst_arena_printf(out->arena, "%s/%s", dir, names[i]);
		if (!path) {
			err = PST_ENOMEM;
			goto out;
		}
		struct stat st;
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			continue;
		int e = read_whole(path, out->arena, &out->v[out->n], d);
		if (e == PST_OK)
			out->n++;
		else if (!err)
			err = e;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dh);
	if (err == PST_ENOMEM)
		pst_diag_add(d, dir, 0, 0, "out of memory");
	if (err)
		pst_blobset_free(out);
	return err;
}

int pst_blobset_read_file(const char *path, struct pst_blobset *out, struct pst_diags *d)
{
	memset(out, 0, sizeof(*out));
	out->arena = pst_arena_new();
	out->v = out->arena ? pst_arena_alloc(out->arena, sizeof(*out->v)) : NULL;
	if (!out->v) {
		pst_blobset_free(out);
		return PST_ENOMEM;
	}
	int err = read_whole(path, out->arena, &out->v[0], d);
	if (err) {
		pst_blobset_free(out);
		return err;
	}
	out->n = 1;
	return PST_OK;
}

void pst_blobset_free(struct pst_blobset *bs)
{
	pst_arena_free(bs->arena);
	memset(bs, 0, sizeof(*bs));
}
