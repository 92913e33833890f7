/* The error table: every code has a description and the documented class,
 * and unknown codes are handled. */
#include "amana/err.h"
#include "check.h"

int main(void)
{
	CHECK(strcmp(amana_strerr(AMANA_OK), "success") == 0);
	CHECK(strcmp(amana_strerr(12345), "unknown error") == 0);
	CHECK_EQ(amana_err_class(AMANA_OK), AMANA_ERRCLASS_OK);
	CHECK_EQ(amana_err_class(AMANA_ERR_VERIFY), AMANA_ERRCLASS_CHECK);
	CHECK_EQ(amana_err_class(AMANA_ERR_NO_MATCH), AMANA_ERRCLASS_CHECK);
	CHECK_EQ(amana_err_class(AMANA_ERR_ARG), AMANA_ERRCLASS_USAGE);
	CHECK_EQ(amana_err_class(AMANA_ERR_IO), AMANA_ERRCLASS_SYSTEM);
	CHECK_EQ(amana_err_class(AMANA_ERR_FORMAT), AMANA_ERRCLASS_DATA);
	CHECK_EQ(amana_err_class(-799), AMANA_ERRCLASS_SYSTEM);

	/* Every code in the enum's range that has a row has a distinct,
	 * non-empty text (a copy-paste row would show up as a duplicate). */
	const char *seen[1000] = {0};
	int rows = 0;
	for (int code = 0; code > AMANA_ERR_MIN_; code--) {
		const char *t = amana_strerr(code);
		if (strcmp(t, "unknown error") == 0)
			continue;
		rows++;
		CHECK(t[0] != '\0');
		for (int k = 0; k < 1000 && seen[k] != NULL; k++)
			if (strcmp(seen[k], t) == 0) {
				fprintf(stderr, "duplicate text for %d: %s\n", code, t);
				CHECK(0);
			}
		for (int k = 0; k < 1000; k++)
			if (seen[k] == NULL) {
				seen[k] = t;
				break;
			}
	}
	CHECK(rows >= 21);
	return check_done();
}
