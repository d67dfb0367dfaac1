/* libFuzzer harness for the catalogue parser: any bytes, as one or two exercise files. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A NUL splits the input into two files, so cross-file checks run too. */
	struct pst_blob files[2] = {{"f/a.yaml", data, size}, {"f/b.yaml", NULL, 0}};
	size_t n = 1;
	const uint8_t *nul = memchr(data, 0, size);
	if (nul) {
		files[0].len = (size_t)(nul - data);
		files[1].data = nul + 1;
		files[1].len = size - files[0].len - 1;
		n = 2;
	}
	struct pst_catalog *cat = NULL;
	struct pst_diags d = {0};
	int err = pst_catalog_load(files, n, &cat, &d);
	/* The contract: all or nothing, and a reason for nothing. */
	if ((err == PST_OK) != (cat != NULL) || (err && d.n == 0))
		__builtin_trap();
	for (size_t i = 0; i < d.n; i++) {
		char *s = pst_diag_format(&d.v[i]);
		free(s);
	}
	pst_catalog_free(cat);
	pst_diags_clear(&d);
	return 0;
}
