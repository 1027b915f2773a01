// @ts-check
/**
 * Look-ups that run on every intake commit: the duplicate-document warning (NĐ 30 App. VI
 * §III.1.h) searches an agency's register by number and notation + date, whatever the issuer
 * column it matches on; without this index it scanned the agency's whole register.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('register_entries', t => {
    t.index(['agency_code', 'number_notation', 'doc_date'], 'register_entries_number_date');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('register_entries', t => {
    t.dropIndex(['agency_code', 'number_notation', 'doc_date'], 'register_entries_number_date');
  });
}
