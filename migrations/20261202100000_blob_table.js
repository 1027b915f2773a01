// @ts-check
/**
 * The blob store in the database (storage.blobStore: database, docs/operations.md §Blobs in the
 * database): content-addressed blobs whose bytes are kept in chunks. An upload writes its chunks
 * under a fresh upload id, then one short transaction names them by their hash (`blobs`), so a blob
 * is whole or absent, like the file store's rename. Additive only; unused with the file store.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('blob_chunks', t => {
    t.comment('Bytes of uploads, in order; an upload no blobs row names is an interrupted one (swept)');
    t.string('upload_id', 32).notNullable();
    t.integer('seq').notNullable();
    t.binary('data').notNullable();
    t.string('created_at', 32).notNullable();
    t.primary(['upload_id', 'seq']);
  });
  await knex.schema.createTable('blobs', t => {
    t.comment('Content-addressed blobs (raw mails, attachments, sealed files) kept in the database');
    t.string('sha256', 64).primary();
    t.string('upload_id', 32).notNullable().unique();
    t.bigInteger('size').notNullable();
    t.integer('chunks').notNullable();
    t.string('created_at', 32).notNullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTable('blobs');
  await knex.schema.dropTable('blob_chunks');
}
