/*
 * HTTPS: the certificate and key of `serve --tls-cert FILE --tls-key FILE`, read and
 * checked with GnuTLS (the library libmicrohttpd serves TLS with) before the server
 * starts, so that a wrong file is named, with what is wrong with it, instead of
 * libmicrohttpd's "cannot start".
 */
#include <errno.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

enum { TLS_FILE_MAX = 1024 * 1024 }; /* a chain of a few certificates is a few KiB */

/* The whole file, NUL-terminated, into *out (freed by the caller). */
static int read_file(const char *flag, const char *path, char **out, char *errmsg, size_t size)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(errmsg, size, "%s %s: cannot read it: %s", flag, path, strerror(errno));
		return PST_EIO;
	}
	char *buf = malloc(TLS_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, TLS_FILE_MAX + 1, f) : 0;
	bool failed = ferror(f) != 0;
	fclose(f);
	if (!buf) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	if (failed || n == 0 || n > TLS_FILE_MAX) {
		free(buf);
		snprintf(errmsg, size, "%s %s: %s", flag, path,
			 failed ? "cannot read it" : n == 0 ? "the file is empty"
							    : "the file is larger than 1 MiB: not a PEM file");
		return PST_EINVAL;
	}
	buf[n] = '\0';
	*out = buf;
	return PST_OK;
}

static void day_of(time_t t, char *buf, size_t size)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
}

/* The certificate chain: PEM, the server's own certificate first, in force now. */
static int check_cert(const char *path, const char *pem, FILE *log, char *errmsg, size_t size)
{
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem)};
	gnutls_x509_crt_t *crts = NULL;
	unsigned n = 0;
	int rc = gnutls_x509_crt_list_import2(&crts, &n, &d, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0 || n == 0) {
		snprintf(errmsg, size,
			 "--tls-cert %s: not a certificate in PEM form (-----BEGIN CERTIFICATE-----): %s",
			 path, rc < 0 ? gnutls_strerror(rc) : "none in the file");
		return PST_EINVAL;
	}
	int err = PST_OK;
	time_t now = time(NULL);
	time_t until = gnutls_x509_crt_get_expiration_time(crts[0]);
	time_t from = gnutls_x509_crt_get_activation_time(crts[0]);
	char when[64];
	if (until != (time_t)-1 && until < now) {
		day_of(until, when, sizeof when);
		snprintf(errmsg, size, "--tls-cert %s: the certificate expired on %s: browsers refuse it",
			 path, when);
		err = PST_EINVAL;
	} else if (from != (time_t)-1 && from > now) {
		day_of(from, when, sizeof when);
		snprintf(errmsg, size, "--tls-cert %s: the certificate is not valid before %s", path,
			 when);
		err = PST_EINVAL;
	} else if (until != (time_t)-1 && until - now < 14 * 86400 && log) {
		day_of(until, when, sizeof when);
		fprintf(log, "postura: warning: --tls-cert %s: the certificate expires on %s\n", path,
			when);
	}
	for (unsigned i = 0; i < n; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	return err;
}

static int check_key(const char *path, const char *pem, FILE *log, char *errmsg, size_t size)
{
	gnutls_x509_privkey_t key;
	if (gnutls_x509_privkey_init(&key) < 0) {
		snprintf(errmsg, size, "out of memory");
		return PST_ENOMEM;
	}
	gnutls_datum_t d = {(unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem)};
	int rc = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL,
					     GNUTLS_PKCS_PLAIN);
	gnutls_x509_privkey_deinit(key);
	if (rc == GNUTLS_E_DECRYPTION_FAILED ||
	    (rc < 0 && strstr(pem, "ENCRYPTED"))) {
		snprintf(errmsg, size,
			 "--tls-key %s: the key is protected by a passphrase, which postura cannot "
			 "ask for: give it the key unencrypted (openssl pkey -in KEY -out PLAIN), "
			 "readable by the server's user only",
			 path);
		return PST_EINVAL;
	}
	if (rc < 0) {
		snprintf(errmsg, size,
			 "--tls-key %s: not a private key in PEM form (-----BEGIN PRIVATE KEY-----): %s",
			 path, gnutls_strerror(rc));
		return PST_EINVAL;
	}
	struct stat st;
	if (log && stat(path, &st) == 0 && (st.st_mode & 0077))
		fprintf(log,
			"postura: warning: --tls-key %s: others than its owner can read the private "
			"key (chmod 600 it)\n",
			path);
	return PST_OK;
}

int web_tls_load(const char *cert_path, const char *key_path, char **cert, char **key, FILE *log,
		 char *errmsg, size_t size)
{
	*cert = *key = NULL;
	int err = read_file("--tls-cert", cert_path, cert, errmsg, size);
	if (!err)
		err = check_cert(cert_path, *cert, log, errmsg, size);
	if (!err)
		err = read_file("--tls-key", key_path, key, errmsg, size);
	if (!err)
		err = check_key(key_path, *key, log, errmsg, size);
	if (!err) {
		/* The two belong together: the key is the certificate's. */
		gnutls_certificate_credentials_t cred;
		if (gnutls_certificate_allocate_credentials(&cred) < 0) {
			snprintf(errmsg, size, "out of memory");
			err = PST_ENOMEM;
		} else {
			gnutls_datum_t c = {(unsigned char *)*cert, (unsigned)strlen(*cert)};
			gnutls_datum_t k = {(unsigned char *)*key, (unsigned)strlen(*key)};
			int rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k,
								      GNUTLS_X509_FMT_PEM, NULL,
								      GNUTLS_PKCS_PLAIN);
			gnutls_certificate_free_credentials(cred);
			if (rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH) {
				snprintf(errmsg, size,
					 "--tls-key %s is not the key of the certificate in "
					 "--tls-cert %s (the first certificate of the file must be "
					 "the server's own)",
					 key_path, cert_path);
				err = PST_EINVAL;
			} else if (rc < 0) {
				snprintf(errmsg, size, "--tls-cert %s with --tls-key %s: %s", cert_path,
					 key_path, gnutls_strerror(rc));
				err = PST_EINVAL;
			}
		}
	}
	if (err) {
		free(*cert);
		if (*key) {
			memset(*key, 0, strlen(*key));
			free(*key);
		}
		*cert = *key = NULL;
	}
	return err;
}
