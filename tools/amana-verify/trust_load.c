/* trust_load.c: the verifier's trust anchors from the command line, shared
 * by `check` and `status load` so both accept exactly the same anchors. */
#include <stdlib.h>

#include "amana/err.h"
#include "amana/trust.h"
#include "cli.h"
#include "credio.h"
#include "verify_cmds.h"

int verify_trust_load(const char *trust, const char *trust_key,
    const char *const *roots, size_t nroots, int64_t now, amana_trust_t **t)
{
	int r;
	if (trust != NULL) {
		uint8_t pk[32], *buf = NULL;
		size_t n;
		if ((r = credio_read_pk(trust_key, pk)) != AMANA_OK)
			return cli_fail(r, "trust key %s", trust_key);
		if ((r = credio_read(trust, CREDIO_MAX_FILE, &buf, &n)) != AMANA_OK)
			return cli_fail(r, "%s", trust);
		r = amana_trust_list_load(buf, n, pk, now, t);
		free(buf);
		return r == AMANA_OK ? CLI_EXIT_OK : cli_fail(r, "trust list %s", trust);
	}
	if ((r = amana_trust_new(t)) != AMANA_OK)
		return cli_fail(r, "trust");
	for (size_t k = 0; k < nroots; k++) {
		uint8_t *der = NULL;
		size_t n;
		if ((r = credio_read(roots[k], 65536, &der, &n)) == AMANA_OK)
			r = amana_trust_add_root(*t, der, n, roots[k]);
		free(der);
		if (r != AMANA_OK)
			return cli_fail(r, "root %s", roots[k]);
	}
	return CLI_EXIT_OK;
}
