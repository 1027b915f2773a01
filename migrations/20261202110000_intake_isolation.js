// @ts-check
/**
 * Per-mail isolation of the intake (docs/hostile-input.md §Per-mail isolation):
 *   content_key      SHA-256 of the mail without its trace headers: two mails with one Message-ID are
 *                    the same mail only when this matches (docs/mail.md §Dedupe keys)
 *   conflict_of      the first mail of a Message-ID this one collides with (different content)
 *   preparing_since  set when an attempt starts preparing the mail, cleared when the preparation
 *                    returns: still set on the next cycle means the process died or stalled on it
 * The state column gains `held` (a document waiting for the malware scanner). Additive only.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('received_mails', t => {
    t.string('content_key', 80).nullable().comment('sha256: of the mail without trace headers (docs/mail.md §Dedupe keys)');
    t.integer('conflict_of').nullable().comment('received_mails.id of the first mail with this Message-ID and other content');
    t.string('preparing_since', 32).nullable().comment('An attempt is preparing the mail since then; set on a later cycle: it died there');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('received_mails', t => {
    t.dropColumn('content_key');
    t.dropColumn('conflict_of');
    t.dropColumn('preparing_since');
  });
}
