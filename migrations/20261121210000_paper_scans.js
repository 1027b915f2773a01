// @ts-check
/**
 * Paper documents scanned by the clerk go into the same incoming series as e-mailed ones
 * (NĐ 30/2020 Art. 22.2). Their scan is not an attachment of a received mail, so the entry
 * refers to it directly (blob store).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('register_entries', t => {
    t.string('scan_sha256', 64).nullable().comment('Scanned paper original (PDF) in the blob store');
    t.string('scan_name', 255).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('register_entries', t => {
    t.dropColumn('scan_sha256');
    t.dropColumn('scan_name');
  });
}
