/*
 * check.h: the tests' assertions. A failed CHECK prints where and why and
 * makes the test exit 1 at the end (all checks still run); SKIP exits 77,
 * which meson reports as skipped, after printing the reason.
 */
#ifndef AMANA_CHECK_H
#define AMANA_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                              \
	do {                                                                     \
		check_count++;                                                   \
		if (!(cond)) {                                                   \
			check_failures++;                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,   \
			    __LINE__, #cond);                                    \
		}                                                                \
	} while (0)

/* CHECK_EQ for integers, printing both values. */
#define CHECK_EQ(a, b)                                                           \
	do {                                                                     \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);  \
		check_count++;                                                   \
		if (check_a_ != check_b_) {                                      \
			check_failures++;                                        \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s "      \
			    "(%lld != %lld)\n", __FILE__, __LINE__, #a, #b,      \
			    check_a_, check_b_);                                 \
		}                                                                \
	} while (0)

#define SKIP(...)                                                                \
	do {                                                                     \
		printf("SKIP: ");                                                \
		printf(__VA_ARGS__);                                             \
		printf("\n");                                                    \
		exit(77);                                                        \
	} while (0)

/* Ends a test: prints the tally and returns the exit code. */
static inline int check_done(void)
{
	printf("%d checks, %d failed\n", check_count, check_failures);
	if (check_count == 0) {
		fprintf(stderr, "no checks ran: a test must assert something\n");
		return 1;
	}
	return check_failures == 0 ? 0 : 1;
}

/* The shared test data directory (AMANA_DATA, set by meson), or NULL. */
static inline const char *check_data_dir(void)
{
	const char *d = getenv("AMANA_DATA");
	return (d != NULL && d[0] != '\0') ? d : NULL;
}

#endif /* AMANA_CHECK_H */
