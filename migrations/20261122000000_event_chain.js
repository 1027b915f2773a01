// @ts-check
/**
 * Tamper-evident event log (docs/hostile-input.md §Audit chain): every events row carries
 * prev_hash and hash = SHA-256(prev_hash ‖ "\n" ‖ canonical content), one chain per installation,
 * and event_chain_head keeps the chain's last row and hash (the row appenders lock).
 * Existing rows are hashed here, in id order. The canonical form must stay the one of
 * src/db/event-chain.ts (`canonicalEvent`): JSON of [id, at, event, agency_code, ref_type, ref_id, data].
 */
import { createHash } from 'node:crypto';

const GENESIS = '0'.repeat(64);

/** @param {any} r */
function canonical(r) {
  return JSON.stringify([Number(r.id), r.at, r.event, r.agency_code ?? null, r.ref_type ?? null, r.ref_id === null || r.ref_id === undefined ? null : Number(r.ref_id), r.data ?? null]);
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('events', t => {
    t.string('prev_hash', 64).nullable().comment('hash of the previous row (genesis: 64 zeros)');
    t.string('hash', 64).nullable().comment('SHA-256(prev_hash || "\\n" || canonical content)');
  });
  await knex.schema.createTable('event_chain_head', t => {
    t.comment('The one head of the event chain: appenders update it first (row lock / write lock)');
    t.integer('id').primary();
    t.integer('last_id').notNullable();
    t.string('hash', 64).notNullable();
    t.string('updated_at', 32).notNullable();
  });
  let prev = GENESIS;
  let lastId = 0;
  for (let after = 0; ; ) {
    const rows = await knex('events').where('id', '>', after).orderBy('id').limit(1000);
    if (rows.length === 0) break;
    for (const r of rows) {
      const hash = createHash('sha256').update(`${prev}\n${canonical(r)}`).digest('hex');
      await knex('events').where({ id: r.id }).update({ prev_hash: prev, hash });
      prev = hash;
      lastId = Number(r.id);
    }
    after = lastId;
  }
  await knex('event_chain_head').insert({ id: 1, last_id: lastId, hash: prev, updated_at: new Date().toISOString() });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('event_chain_head');
  await knex.schema.alterTable('events', t => {
    t.dropColumn('prev_hash');
    t.dropColumn('hash');
  });
}
