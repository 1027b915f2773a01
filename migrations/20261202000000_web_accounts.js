// @ts-check
/**
 * The web app (docs/security.md): accounts with a role and the agencies they serve, browser
 * sessions, per-agency API tokens (hashed), login failure counters for lockout, the drafts of
 * outgoing documents being composed, the history of fields a clerk completed on an entry, a
 * tone-free search column on the incoming register, and each mailbox's last success and error.
 * Additive only.
 */

/**
 * Tone-free, case-free search text ("Quyết định" → "quyet dinh"): the same rule as
 * src/db/search-text.ts, written out here because a migration must not change when the code does.
 * @param {(string | null | undefined)[]} parts
 */
function searchText(parts) {
  return parts
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('accounts', t => {
    t.comment('People who log in to the web app: operator (every agency), clerk (listed agencies), viewer (read-only)');
    t.increments('id');
    t.string('username', 64).notNullable().unique().comment('Lower-case login name');
    t.string('display_name', 200).notNullable();
    t.string('role', 16).notNullable().comment('operator | clerk | viewer');
    t.string('password_hash', 300).notNullable().comment('scrypt$N$r$p$salt$hash (node:crypto)');
    t.string('created_at', 32).notNullable();
    t.string('password_changed_at', 32).notNullable();
    t.string('disabled_at', 32).nullable();
  });
  await knex.schema.createTable('account_agencies', t => {
    t.comment('The hosted agencies a clerk or viewer works for');
    t.integer('account_id').notNullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.primary(['account_id', 'agency_code']);
  });
  await knex.schema.createTable('web_sessions', t => {
    t.comment('Browser sessions; the key is the SHA-256 of the session id (the id itself is only in the cookie)');
    t.string('id_hash', 64).primary();
    t.integer('account_id').nullable().references('id').inTable('accounts').onDelete('CASCADE');
    t.text('data').notNullable().comment('JSON session (CSRF secret, account id)');
    t.string('address', 64).nullable();
    t.string('created_at', 32).notNullable();
    t.string('expires_at', 32).notNullable();
    t.index(['expires_at']);
    t.index(['account_id']);
  });
  await knex.schema.createTable('api_tokens', t => {
    t.comment('Per-agency API bearer tokens; only a SHA-256 of the token is kept (it is shown once)');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.string('name', 100).notNullable();
    t.string('prefix', 16).notNullable().comment('First characters, to recognise a token in a list');
    t.string('token_hash', 64).notNullable().unique();
    t.string('created_by', 100).nullable();
    t.string('created_at', 32).notNullable();
    t.string('last_used_at', 32).nullable();
    t.string('revoked_at', 32).nullable();
  });
  await knex.schema.createTable('login_attempts', t => {
    t.comment('Failed logins per account and per client address: backoff and lockout');
    t.string('scope', 10).notNullable().comment('account | address');
    t.string('key', 200).notNullable();
    t.integer('failures').notNullable().defaultTo(0);
    t.string('first_failure_at', 32).nullable();
    t.string('last_failure_at', 32).nullable();
    t.string('locked_until', 32).nullable();
    t.integer('lockouts').notNullable().defaultTo(0).comment('How many times locked in a row (the lock doubles)');
    t.primary(['scope', 'key']);
  });
  await knex.schema.createTable('web_settings', t => {
    t.comment('Installation-wide web settings kept in the database (the session signing secret)');
    t.string('key', 64).primary();
    t.text('value').notNullable();
  });
  await knex.schema.createTable('web_drafts', t => {
    t.comment('An outgoing document being composed: uploaded files (blobs) and the form, until confirmed');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.integer('account_id').notNullable().references('id').inTable('accounts');
    t.text('files').notNullable().comment('JSON: [{name, role, sha256, size}]');
    t.text('form').notNullable().comment('JSON: recipients and metadata as typed');
    t.string('created_at', 32).notNullable();
    t.integer('document_id').nullable().comment('Set once sent: the outgoing document');
  });
  await knex.schema.createTable('entry_field_changes', t => {
    t.comment('Who completed or corrected which field of an incoming entry, from what to what');
    t.increments('id');
    t.integer('entry_id').notNullable().references('id').inTable('register_entries');
    t.string('field', 40).notNullable();
    t.text('old_value').nullable();
    t.text('new_value').nullable();
    t.string('actor', 200).notNullable();
    t.string('at', 32).notNullable();
    t.index(['entry_id']);
  });
  await knex.schema.alterTable('register_entries', t => {
    t.text('search_text').nullable().comment('Tone-free, lower-case number, notation, issuer, type, summary, sender (search)');
    t.index(['agency_code', 'arrival_at'], 'register_entries_agency_arrival');
  });
  await knex.schema.alterTable('mailbox_state', t => {
    t.string('last_success_at', 32).nullable().comment('End of the last intake cycle that finished without an error');
    t.text('last_error').nullable();
    t.string('last_error_at', 32).nullable();
  });
  // Entries written before this migration get their search text now.
  const rows = await knex('register_entries').select('id', 'number_notation', 'issuer_name', 'issuer_code', 'doc_type', 'summary', 'sender_address');
  for (const r of rows) {
    await knex('register_entries')
      .where({ id: r.id })
      .update({ search_text: searchText([r.number_notation, r.issuer_name, r.issuer_code, r.doc_type, r.summary, r.sender_address]) });
  }
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('mailbox_state', t => {
    t.dropColumn('last_success_at');
    t.dropColumn('last_error');
    t.dropColumn('last_error_at');
  });
  await knex.schema.alterTable('register_entries', t => {
    t.dropIndex(['agency_code', 'arrival_at'], 'register_entries_agency_arrival');
    t.dropColumn('search_text');
  });
  for (const table of ['entry_field_changes', 'web_drafts', 'web_settings', 'login_attempts', 'api_tokens', 'web_sessions', 'account_agencies', 'accounts']) {
    await knex.schema.dropTableIfExists(table);
  }
}
