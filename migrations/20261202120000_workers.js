// @ts-check
/**
 * Province scale (docs/operations.md §Workers): several `start` processes share the hosted
 * mailboxes. Each process heartbeats its row in `workers`; each mailbox has one owner in
 * `mailbox_owners`, whose claim the owner renews with every heartbeat. A worker that stops
 * heartbeating loses its mailboxes when its claims run out. Additive only.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('workers', t => {
    t.comment('Running gateway processes (start: role service; run --once: role once), with their heartbeat');
    t.string('id', 100).primary().comment('host:pid:random, as the mailbox lease owner');
    t.string('host', 200).notNullable();
    t.integer('pid').notNullable();
    t.string('role', 16).notNullable().comment('service | once');
    t.string('started_at', 32).notNullable();
    t.string('heartbeat_at', 32).notNullable();
    t.string('expires_at', 32).notNullable().comment('Past this instant the worker counts as dead');
    t.index(['expires_at']);
  });
  await knex.schema.createTable('mailbox_owners', t => {
    t.comment('Which service process serves (IDLE, cycles) each hosted mailbox; renewed by its heartbeat');
    t.string('agency_code', 35).primary().references('code').inTable('agencies');
    t.string('owner', 100).nullable();
    t.string('owner_until', 32).nullable();
    t.string('claimed_at', 32).nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('mailbox_owners');
  await knex.schema.dropTableIfExists('workers');
}
