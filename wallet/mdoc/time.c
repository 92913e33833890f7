/* time.c: RFC 3339 dates for tdate and full-date, in UTC, without the C
 * library's locale or time zone (timegm-free arithmetic: days from civil). */
#include <stdio.h>
#include <string.h>

#include "amana/err.h"
#include "amana/mdoc.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the four-digit years. */
#define TIME_MIN (-62167219200LL)
#define TIME_MAX 253402300799LL

void amana_mdoc_time_format(int64_t t, char out[21])
{
	/* Out of range first: the day arithmetic below overflows near the
	 * ends of int64 (a status list's uint64 exp arrives here cast). */
	if (t < TIME_MIN || t > TIME_MAX) {
		memcpy(out, "0000-01-01T00:00:00Z", 21);
		return;
	}
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	int64_t y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	unsigned hms = (unsigned)secs; /* 0 .. 86399 */
	char buf[64];
	snprintf(buf, sizeof(buf), "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)y,
	    m % 100, d % 100, hms / 3600 % 100, hms / 60 % 60, hms % 60);
	memcpy(out, buf, 21);
}

static bool digits(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t k = 0; k < n; k++) {
		if (s[k] < '0' || s[k] > '9')
			return false;
		*v = *v * 10 + (unsigned)(s[k] - '0');
	}
	return true;
}

static bool leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int date_part(const char *s, int64_t *days)
{
	static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) ||
	    s[7] != '-' || !digits(s + 8, 2, &d))
		return AMANA_ERR_MDOC_DATE;
	if (m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y) ? 1u : 0u))
		return AMANA_ERR_MDOC_DATE;
	*days = days_from_civil(y, m, d);
	return AMANA_OK;
}

int amana_mdoc_date_parse(const char *s, size_t n, int64_t *t)
{
	int64_t days;
	if (s == NULL || n != 10 || date_part(s, &days) != AMANA_OK)
		return AMANA_ERR_MDOC_DATE;
	*t = days * 86400;
	return AMANA_OK;
}

int amana_mdoc_time_parse(const char *s, size_t n, int64_t *t)
{
	int64_t days;
	unsigned hh, mm, ss;
	if (s == NULL || n < 20 || n > 40 || date_part(s, &days) != AMANA_OK ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &hh) ||
	    s[13] != ':' || !digits(s + 14, 2, &mm) || s[16] != ':' ||
	    !digits(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return AMANA_ERR_MDOC_DATE;
	size_t k = 19;
	if (s[k] == '.') { /* fraction: dropped */
		k++;
		size_t start = k;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == start)
			return AMANA_ERR_MDOC_DATE;
	}
	int64_t off = 0;
	if (k + 1 == n && (s[k] == 'Z' || s[k] == 'z')) {
		off = 0;
	} else if (k + 6 == n && (s[k] == '+' || s[k] == '-') && s[k + 3] == ':') {
		unsigned oh, om;
		if (!digits(s + k + 1, 2, &oh) || !digits(s + k + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return AMANA_ERR_MDOC_DATE;
		off = (int64_t)(oh * 3600 + om * 60) * (s[k] == '+' ? 1 : -1);
	} else {
		return AMANA_ERR_MDOC_DATE;
	}
	*t = days * 86400 + hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss) - off;
	return AMANA_OK;
}
