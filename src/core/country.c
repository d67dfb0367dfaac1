/* The numbers to call, by country. A table in code like the rules: a wrong number here is
 * a safety fault, so every row names where its numbers come from. */
#include "country.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define EU_SOURCE                                                                              \
	"European Commission: 112, the European emergency number (European Electronic "          \
	"Communications Code, Directive (EU) 2018/1972, art. 109)"
#define EU(code_, name_, in_)                                                                  \
	{code_, name_, in_, "112", NULL, NULL, NULL, NULL, NULL, EU_SOURCE}

/* Sorted by name, as a person looks for their country in a list. */
const struct pst_country pst_countries[] = {
	{"AU", "Australia", "in Australia", "000", "112", "1800 022 222", "healthdirect",
	 "1800 882 436", "Pregnancy, Birth and Baby",
	 "Australian Government, Triple Zero (000); healthdirect Australia helpline; Pregnancy, "
	 "Birth and Baby helpline (healthdirect)"},
	EU("AT", "Austria", "in Austria"),
	EU("BE", "Belgium", "in Belgium"),
	EU("BG", "Bulgaria", "in Bulgaria"),
	{"CA", "Canada", "in Canada", "911", NULL, "811", "811 health advice line (most provinces)",
	 NULL, NULL,
	 "Canadian Radio-television and Telecommunications Commission: 9-1-1; provincial 811 "
	 "health lines"},
	EU("HR", "Croatia", "in Croatia"),
	EU("CY", "Cyprus", "in Cyprus"),
	EU("CZ", "Czechia", "in Czechia"),
	EU("DK", "Denmark", "in Denmark"),
	EU("EE", "Estonia", "in Estonia"),
	EU("FI", "Finland", "in Finland"),
	EU("FR", "France", "in France"),
	{"DE", "Germany", "in Germany", "112", NULL, "116 117",
	 "116 117 (medical on-call service)", NULL, NULL,
	 EU_SOURCE "; Kassenärztliche Bundesvereinigung: 116 117"},
	EU("GR", "Greece", "in Greece"),
	EU("HU", "Hungary", "in Hungary"),
	{"IN", "India", "in India", "112", NULL, NULL, NULL, "102",
	 "the 102 ambulance for pregnancy and birth (most states)",
	 "Ministry of Home Affairs: Emergency Response Support System (112); National Health "
	 "Mission: Janani Shishu Suraksha Karyakram (102 ambulance)"},
	{"IE", "Ireland", "in Ireland", "112", "999", NULL, NULL, NULL, NULL, EU_SOURCE},
	EU("IT", "Italy", "in Italy"),
	EU("LV", "Latvia", "in Latvia"),
	EU("LT", "Lithuania", "in Lithuania"),
	EU("LU", "Luxembourg", "in Luxembourg"),
	EU("MT", "Malta", "in Malta"),
	EU("NL", "Netherlands", "in the Netherlands"),
	{"NZ", "New Zealand", "in New Zealand", "111", NULL, "0800 611 116", "Healthline", NULL,
	 NULL, "New Zealand Police and Health New Zealand Te Whatu Ora: 111; Healthline"},
	EU("PL", "Poland", "in Poland"),
	EU("PT", "Portugal", "in Portugal"),
	EU("RO", "Romania", "in Romania"),
	EU("SK", "Slovakia", "in Slovakia"),
	EU("SI", "Slovenia", "in Slovenia"),
	EU("ES", "Spain", "in Spain"),
	EU("SE", "Sweden", "in Sweden"),
	{"GB", "United Kingdom", "in the UK", "999", "112", "111", "NHS 111", NULL, NULL,
	 "NHS: when to call 999, and NHS 111 for urgent advice"},
	{"US", "United States", "in the US", "911", NULL, NULL, NULL, NULL, NULL,
	 "Federal Communications Commission: 911"},
};

const size_t pst_countries_n = sizeof pst_countries / sizeof *pst_countries;

const struct pst_country *pst_country_find(const char *code)
{
	if (!code)
		return NULL;
	if (strcasecmp(code, "UK") == 0)
		code = "GB";
	for (size_t i = 0; i < pst_countries_n; i++)
		if (strcasecmp(pst_countries[i].code, code) == 0)
			return &pst_countries[i];
	return NULL;
}

const struct pst_country *pst_country_from_locale(const char *s)
{
	if (!s)
		return NULL;
	while (*s) {
		/* One tag: letters, then '_' or '-', then the region, up to , ; . @ or the end. */
		size_t len = strcspn(s, ",;");
		const char *tag = s, *end = s + len;
		const char *sep = tag;
		while (sep < end && isalpha((unsigned char)*sep))
			sep++;
		if (sep < end && (*sep == '_' || *sep == '-') && end - sep >= 3 &&
		    isalpha((unsigned char)sep[1]) && isalpha((unsigned char)sep[2]) &&
		    (sep + 3 == end || !isalnum((unsigned char)sep[3]))) {
			char code[3] = {sep[1], sep[2], '\0'};
			const struct pst_country *c = pst_country_find(code);
			if (c)
				return c;
		}
		s = end;
		while (*s == ',' || *s == ';') {
			/* Skip ";q=0.9" parameters up to the next tag. */
			if (*s == ';')
				s += strcspn(s, ",");
			else
				s++;
		}
		while (*s == ' ')
			s++;
	}
	return NULL;
}

char *pst_country_emergency_words(const struct pst_country *c, char *buf, size_t size)
{
	if (c)
		snprintf(buf, size, "%s", c->emergency);
	else
		snprintf(buf, size, "999 in the UK, 112 in the EU and India, 911 in the US and "
				    "Canada, 000 in Australia, 111 in New Zealand");
	return buf;
}

char *pst_country_maternity_words(const struct pst_country *c, char *buf, size_t size)
{
	if (c && c->maternity)
		snprintf(buf, size, "%s (%s)", c->maternity, c->maternity_name);
	else
		snprintf(buf, size, "your maternity unit's number");
	return buf;
}

/* The list of numbers the screening texts were written with: for a known country it
 * becomes that country's number, as "{emergency}" does. */
static const char LEGACY[] = "999 in the UK, 112 in Europe, 911 in the US and Canada";
static const char LEGACY_SHORT[] = "999/112/911"; /* the emergency headline's */

char *pst_country_fill(const struct pst_country *c, const char *text, char *buf, size_t size)
{
	static const char EM[] = "{emergency}", MAT[] = "{maternity}";
	size_t used = 0;
	if (!size)
		return buf;
	buf[0] = '\0';
	for (const char *s = text; *s && used + 1 < size;) {
		char words[160];
		const char *put = NULL;
		size_t skip = 1;
		if (strncmp(s, EM, sizeof EM - 1) == 0) {
			put = pst_country_emergency_words(c, words, sizeof words);
			skip = sizeof EM - 1;
		} else if (c && strncmp(s, LEGACY, sizeof LEGACY - 1) == 0) {
			put = pst_country_emergency_words(c, words, sizeof words);
			skip = sizeof LEGACY - 1;
		} else if (c && strncmp(s, LEGACY_SHORT, sizeof LEGACY_SHORT - 1) == 0) {
			put = pst_country_emergency_words(c, words, sizeof words);
			skip = sizeof LEGACY_SHORT - 1;
		} else if (strncmp(s, MAT, sizeof MAT - 1) == 0) {
			put = pst_country_maternity_words(c, words, sizeof words);
			skip = sizeof MAT - 1;
		}
		if (put) {
			int w = snprintf(buf + used, size - used, "%s", put);
			used = w < 0 || (size_t)w >= size - used ? size - 1 : used + (size_t)w;
		} else {
			buf[used++] = *s;
			buf[used] = '\0';
		}
		s += skip;
	}
	return buf;
}

char *pst_country_tel(const char *number, char *buf, size_t size)
{
	size_t used = 0;
	if (!size)
		return buf;
	for (const char *s = number; *s && used + 1 < size; s++)
		if (isdigit((unsigned char)*s) || (*s == '+' && used == 0))
			buf[used++] = *s;
	buf[used] = '\0';
	return buf;
}
