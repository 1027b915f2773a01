// @ts-check
/**
 * Idempotent submissions: a drop-folder file (or an API client retrying) carries a key, and a
 * second submission with the same key returns the document already registered instead of taking
 * a new number (a crash between the register commit and moving the dropped file must not number
 * the same document twice).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outgoing_documents', t => {
    t.string('submission_key', 100).nullable().unique().comment('sha256 of what was submitted (drop folder, API Idempotency-Key)');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('outgoing_documents', t => {
    t.dropUnique(['submission_key']);
    t.dropColumn('submission_key');
  });
}
