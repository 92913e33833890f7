/* vault_slots.c: `amana vault slots`: list the key slots, add a passphrase,
 * duress, recovery or token slot, remove one. Every action opens the vault
 * first with an existing secret (vault_cli_open). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "amana/vault.h"
#include "cli.h"
#include "vault_cli.h"

static const char *slot_type_name(amana_vault_slot_type_t t)
{
	switch (t) {
	case AMANA_VAULT_SLOT_PASSPHRASE: return "passphrase";
	case AMANA_VAULT_SLOT_RECOVERY: return "recovery";
	case AMANA_VAULT_SLOT_TOKEN: return "token";
	case AMANA_VAULT_SLOT_DURESS: return "duress";
	default: return "free";
	}
}

int vault_cmd_slots(int argc, char **argv)
{
	vopts_t o;
	amana_vault_t *v = NULL;
	int rc = vault_cli_parse(argc, argv, &o);
	if (rc != CLI_EXIT_OK)
		return rc;
	const char *act = o.npos >= 2 ? o.pos[1] : "list";
	if (o.npos < 1 || o.npos > 3)
		return cli_usage_error("vault slots: give the vault directory [and an action]");
	int err = vault_cli_open(&o, o.pos[0], &v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault %s", o.pos[0]);
	amana_vault_kdf_t kdf = vault_cli_kdf();
	char *np = sodium_malloc(SECRET_MAX);
	uint8_t *rk = sodium_malloc(32);
	size_t nl = 0;
	unsigned idx = 0;
	if (np == NULL || rk == NULL) {
		err = AMANA_ERR_NOMEM;
	} else if (strcmp(act, "list") == 0) {
		cli_json_t j;
		if (o.json) {
			cli_json_begin(&j, stdout);
			cli_json_key(&j, "slots");
			cli_json_array(&j);
		}
		for (unsigned i = 0; i < AMANA_VAULT_NSLOTS; i++) {
			amana_vault_slot_info_t si;
			if (amana_vault_slot_info(v, i, &si) != AMANA_OK || si.type == AMANA_VAULT_SLOT_FREE ||
			    si.type == AMANA_VAULT_SLOT_HIDDEN)
				continue;
			if (o.json) {
				cli_json_object(&j);
				cli_json_key(&j, "slot");
				cli_json_int(&j, i);
				cli_json_key(&j, "type");
				cli_json_str(&j, slot_type_name(si.type));
				cli_json_key(&j, "opened");
				cli_json_bool(&j, i == amana_vault_slot_opened(v));
				cli_json_key(&j, "argon2id_ops");
				cli_json_int(&j, (int64_t)si.kdf.opslimit);
				cli_json_key(&j, "argon2id_mem");
				cli_json_int(&j, (int64_t)si.kdf.memlimit);
				cli_json_close(&j);
			} else {
				printf("slot %u  %-10s%s", i, slot_type_name(si.type),
				    i == amana_vault_slot_opened(v) ? "  (opened this session)" : "");
				if (si.kdf.opslimit > 0)
					printf("  argon2id ops %llu mem %zu MiB", (unsigned long long)si.kdf.opslimit,
					    si.kdf.memlimit >> 20);
				printf("\n");
			}
		}
		if (o.json) {
			cli_json_close(&j);
			cli_json_end(&j);
		}
	} else if (strcmp(act, "add-passphrase") == 0 || strcmp(act, "add-duress") == 0) {
		bool duress = strcmp(act, "add-duress") == 0;
		err = vault_unlock_get_pass(o.newpass_fd, NULL, duress ? "Duress passphrase: " : "New passphrase: ", np, &nl);
		if (err == AMANA_OK)
			err = duress ? amana_vault_slot_add_duress(v, (const uint8_t *)np, nl, &kdf, &idx)
			             : amana_vault_slot_add_passphrase(v, (const uint8_t *)np, nl, &kdf, &idx);
		if (err == AMANA_OK)
			printf("added slot %u\n", idx);
	} else if (strcmp(act, "add-token") == 0) {
		const char *tok = o.npos == 3 ? o.pos[2] : NULL;
		vopts_t po = o;
		po.pin_fd = o.newpass_fd; /* the PIN for enrolment */
		const char *pin = vault_cli_token_pin(&po, np, &err);
		if (tok == NULL)
			err = AMANA_ERR_ARG;
		if (err == AMANA_OK)
			err = amana_vault_token_enrol(v, tok, pin, &idx);
		if (err == AMANA_OK)
			printf("added slot %u\n", idx);
	} else if (strcmp(act, "add-recovery") == 0) {
		err = amana_vault_slot_add_recovery(v, rk, &idx);
		if (err == AMANA_OK)
			err = vault_cli_show_recovery(rk, o.png);
	} else if (strcmp(act, "remove") == 0 && o.npos == 3) {
		uint64_t n;
		if (!cli_parse_u64(o.pos[2], AMANA_VAULT_NSLOTS - 1u, &n))
			err = AMANA_ERR_ARG;
		else
			err = amana_vault_slot_remove(v, (unsigned)n);
	} else {
		err = AMANA_ERR_ARG;
	}
	if (np != NULL)
		sodium_free(np);
	if (rk != NULL)
		sodium_free(rk);
	amana_vault_free(&v);
	if (err != AMANA_OK)
		return cli_fail(err, "vault slots %s", act);
	return CLI_EXIT_OK;
}
