// @ts-check
/**
 * An outgoing document is numbered in one transaction and sealed outside it (sealing is CPU and
 * file work; a transaction holds the database's write lock). Between the two it is in state
 * `sealing`, with its unsealed originals in `files` and the resolved recipients in `submitted_to`,
 * so a crash between is finished by the next cycle and the number series stays gapless.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outgoing_documents', t => {
    t.text('submitted_to').nullable().comment('JSON: the recipients as resolved at submission, and ToPlaces (finishes a document left in state sealing)');
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('outgoing_documents', t => {
    t.dropColumn('submitted_to');
  });
}
