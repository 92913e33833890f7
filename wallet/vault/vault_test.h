/*
 * vault_test.h: hooks of the test build of the vault (libamana-vault-test,
 * compiled with AMANA_VAULT_TESTING). The shipped library has none of them.
 *
 * Fault points are the vault's write-path system calls (create, write, fsync,
 * rename, unlink, directory fsync), counted from 1 after each
 * amana_vault_test_fault() call.
 */
#ifndef AMANA_VAULT_TEST_H
#define AMANA_VAULT_TEST_H

#include "amana/vault.h"

#define AMANA_VAULT_FAULT_KILL 1    /* raise(SIGKILL) at point n; a write there is torn */
#define AMANA_VAULT_FAULT_NOSPACE 2 /* writes, creates and fsyncs fail with ENOSPC from n on */

/* Arms fault mode at point n (n <= 0 disarms) and resets the counter. */
void amana_vault_test_fault(long n, int mode);
/* Points passed since the last amana_vault_test_fault(). */
long amana_vault_test_points(void);
/* Argon2id parameters below MODERATE, accepted only by the test build. */
amana_vault_kdf_t amana_vault_test_kdf_fast(void);
/* Copies the opened compartment's key (for the no-plaintext scan). */
void amana_vault_test_key(const amana_vault_t *v, uint8_t key[32]);

#endif
