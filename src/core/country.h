/* Countries and their numbers for help: emergency, urgent advice and a maternity line. */
#ifndef PST_COUNTRY_H
#define PST_COUNTRY_H

#include <stdbool.h>
#include <stddef.h>

struct pst_country {
	const char *code;      /* ISO 3166 alpha-2, upper case: "GB" */
	const char *name;      /* "United Kingdom" */
	const char *in_name;   /* for sentences: "in the UK" */
	const char *emergency; /* "999": ambulance, for an emergency */
	const char *emergency_also; /* another number that reaches the same ("112"), or NULL */
	const char *urgent;    /* urgent medical advice that is not an emergency, or NULL */
	const char *urgent_name;    /* "NHS 111" */
	const char *maternity; /* a national pregnancy and birth line, or NULL: the person's
				* own maternity unit is the number then */
	const char *maternity_name;
	const char *source;    /* where the numbers come from */
};

extern const struct pst_country pst_countries[];
extern const size_t pst_countries_n;

/* The country with this code (any case; "UK" is GB), or NULL. */
const struct pst_country *pst_country_find(const char *code);

/*
 * The country of a locale or an Accept-Language header: "en_GB.UTF-8", "de-DE",
 * "en-GB,en;q=0.9,fr;q=0.8". The first language tag with a known region wins; NULL when
 * none has one ("C", "POSIX", "en").
 */
const struct pst_country *pst_country_from_locale(const char *s);

/* The emergency number(s) in words: "999" for a country, or every country's
 * ("999 in the UK, 112 in the EU and India, ...") when c is NULL. Into buf; returns buf. */
char *pst_country_emergency_words(const struct pst_country *c, char *buf, size_t size);

/* The maternity line in words: the national line and its number, or "your maternity
 * unit's number" where there is none (and when c is NULL). Into buf; returns buf. */
char *pst_country_maternity_words(const struct pst_country *c, char *buf, size_t size);

/*
 * Writes text into buf with every "{emergency}" replaced by pst_country_emergency_words(c)
 * and every "{maternity}" by pst_country_maternity_words(c), for advice texts that name
 * the numbers to call. For a known country the list the screening texts spell out ("999
 * in the UK, 112 in Europe, 911 in the US and Canada", and the headline's "999/112/911")
 * becomes its number too. Returns
 * buf (truncated text stays a valid C string).
 */
char *pst_country_fill(const struct pst_country *c, const char *text, char *buf, size_t size);

/* The digits of a number for a tel: link ("1800 882 436" -> "1800882436"); returns buf. */
char *pst_country_tel(const char *number, char *buf, size_t size);

#endif
