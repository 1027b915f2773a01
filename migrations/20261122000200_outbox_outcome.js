// @ts-check
/**
 * The outbox keeps the outcome of a failed attempt as columns: the category of the SMTP reply
 * policy (config/smtp-responses.txt) and its action (retry | fail), beside the server's words.
 * Before, last_error carried "category: reply" and reconciliation parsed it back. Rows written
 * that way are converted here, once: the prefix becomes last_category; the action of a row is
 * what the policy file says of its category (4xx and no reply: retry; 5xx: fail).
 */
import { readFileSync } from 'node:fs';

/** Categories whose rule (or class fallback) says retry. */
function retryCategories() {
  const out = new Set(['transient', 'network']);
  try {
    const text = readFileSync(new URL('../config/smtp-responses.txt', import.meta.url), 'utf8');
    for (const line of text.split(/\r?\n/)) {
      const m = /^(.+?),(retry|fail),([a-z][a-z0-9-]*),/.exec(line.trim());
      if (m && m[2] === 'retry') out.add(m[3]);
    }
  } catch {
    /* no policy file next to the migrations: the class fallbacks above are enough */
  }
  return out;
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('outbox', t => {
    t.string('last_category', 40).nullable().comment('Category of the last failure (SMTP reply policy), e.g. transient, network, mailbox-unknown');
    t.string('last_action', 8).nullable().comment('What the policy said of the last failure: retry | fail');
  });
  const retry = retryCategories();
  /** @type {Array<{ id: number, last_error: string }>} */
  const rows = await knex('outbox').whereNotNull('last_error').whereIn('state', ['deferred', 'failed']).select('id', 'last_error');
  for (const r of rows) {
    const m = /^([a-z][a-z0-9-]*):\s*([\s\S]*)$/.exec(r.last_error);
    if (!m) continue;
    await knex('outbox').where({ id: r.id }).update({ last_category: m[1], last_action: retry.has(m[1]) ? 'retry' : 'fail', last_error: m[2] });
  }
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('outbox', t => {
    t.dropColumn('last_category');
    t.dropColumn('last_action');
  });
}
