// @ts-check
/**
 * Foundation schema: agencies and directory, mailbox sync state and leases, received mails,
 * the incoming register with its gapless counters, attachments and signature results, status
 * history, quarantine, the outbox, and the append-only event log.
 * Timestamps are ISO-8601 UTC strings (portable between SQLite and PostgreSQL).
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('agencies', t => {
    t.comment('Hosted agencies and the directory of agencies we exchange with');
    t.string('code', 35).primary().comment('Mã định danh (QCVN 102:2016 or QĐ 20/2020)');
    t.string('name', 200).notNullable();
    t.string('kind', 16).notNullable().comment('hosted | edoc-bridge | edxml | mailbox');
    t.string('updated_at', 32).notNullable();
  });
  await knex.schema.createTable('agency_emails', t => {
    t.string('address', 254).primary().comment('Lower-cased official address');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies').onDelete('CASCADE');
  });

  await knex.schema.createTable('mailbox_state', t => {
    t.comment('One row per hosted mailbox folder: IMAP sync state and the single-worker lease');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.string('folder', 200).notNullable();
    t.bigInteger('uidvalidity').nullable();
    t.bigInteger('last_uid').notNullable().defaultTo(0).comment('Highest UID seen (a locator only; dedupe is by Message-ID)');
    t.string('lease_owner', 100).nullable().comment('Worker id holding the lease (host:pid:random)');
    t.string('lease_until', 32).nullable();
    t.string('last_cycle_at', 32).nullable();
    t.primary(['agency_code', 'folder']);
  });

  await knex.schema.createTable('received_mails', t => {
    t.comment('Every mail taken from a hosted mailbox; committed before anything else is done with it');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.string('message_key', 300).notNullable().comment('Message-ID, or sha256: of the mail without trace headers');
    t.string('message_id', 998).nullable();
    t.string('raw_sha256', 64).notNullable().comment('Raw RFC 5322 bytes in the blob store');
    t.bigInteger('raw_size').notNullable();
    t.bigInteger('uidvalidity').nullable();
    t.bigInteger('uid').nullable();
    t.string('state', 16).notNullable().comment('stored | failed | done | quarantined');
    t.string('kind', 20).nullable().comment('Classifier result (docs/mail.md §Classification)');
    t.string('outcome', 20).nullable().comment('registered | refused | report | auto-reply | held | released | discarded | duplicate');
    t.string('from_address', 254).nullable();
    t.string('subject', 998).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.string('target_folder', 200).nullable().comment('Where the IMAP message goes after the commit');
    t.string('received_at', 32).notNullable();
    t.string('processed_at', 32).nullable();
    t.string('moved_at', 32).nullable();
    t.unique(['agency_code', 'message_key']);
    t.index(['state']);
    t.index(['raw_sha256']);
  });

  await knex.schema.createTable('register_counters', t => {
    t.comment('Gapless number series: one per agency, register and calendar year (Asia/Ho_Chi_Minh)');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.string('register', 16).notNullable().comment('incoming | outgoing');
    t.integer('year').notNullable();
    t.integer('last_number').notNullable();
    t.primary(['agency_code', 'register', 'year']);
  });

  await knex.schema.createTable('register_entries', t => {
    t.comment('Sổ văn bản đến: one row per incoming document per receiving agency (NĐ 30 App. IV, VI)');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.integer('year').notNullable();
    t.integer('arrival_number').notNullable().comment('Số đến');
    t.string('arrival_at', 32).notNullable().comment('Ngày đến (UTC instant)');
    t.integer('received_mail_id').nullable().references('id').inTable('received_mails').comment('Null for scanned paper documents');
    t.string('source', 10).notNullable().defaultTo('email').comment('email | paper');
    t.string('issuer_code', 35).nullable();
    t.string('issuer_name', 200).nullable();
    t.string('number_notation', 60).nullable();
    t.string('number', 11).nullable();
    t.string('notation', 40).nullable();
    t.string('doc_date', 10).nullable();
    t.string('doc_type', 100).nullable();
    t.text('summary').nullable();
    t.string('signer_position', 100).nullable();
    t.string('signer_name', 50).nullable();
    t.string('urgency', 16).notNullable().defaultTo('normal');
    t.string('due_date', 10).nullable();
    t.text('recipients').nullable();
    t.string('document_id', 200).nullable().comment('edXML DocumentId when given');
    t.string('legal_value', 10).notNullable().comment('legal | reference');
    t.string('signature_verdict', 16).notNullable().comment('valid | invalid | indeterminate | unsigned | found | none');
    t.string('status', 16).notNullable().comment('registered | held | assigned | processing | done | cancelled');
    t.text('missing').nullable().comment('JSON array of fields for the clerk to complete');
    t.text('warnings').nullable().comment('JSON array');
    t.string('sender_address', 254).nullable();
    t.string('sender_message_id', 998).nullable();
    t.string('created_at', 32).notNullable();
    t.unique(['agency_code', 'year', 'arrival_number']);
    t.unique(['received_mail_id']);
    t.index(['agency_code', 'issuer_code', 'number_notation', 'doc_date']);
    t.index(['document_id']);
  });

  await knex.schema.createTable('attachments', t => {
    t.comment('Files of a received mail (and of its register entry); bytes in the blob store');
    t.increments('id');
    t.integer('received_mail_id').notNullable().references('id').inTable('received_mails');
    t.integer('entry_id').nullable().references('id').inTable('register_entries');
    t.string('name', 255).notNullable();
    t.string('content_type', 255).notNullable();
    t.bigInteger('size').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('pages').nullable();
    t.boolean('is_pdf').notNullable();
    t.boolean('forwarded').notNullable().defaultTo(false);
    t.integer('signatures_found').nullable();
    t.string('signature_verdict', 16).nullable();
    t.index(['entry_id']);
  });

  await knex.schema.createTable('signature_results', t => {
    t.comment('Verification report per PDF attachment (docs/signatures.md §Verdicts)');
    t.increments('id');
    t.integer('attachment_id').notNullable().references('id').inTable('attachments');
    t.string('verdict', 16).notNullable();
    t.text('reasons').notNullable().comment('JSON array of ETSI-style codes');
    t.text('report').notNullable().comment('Full JSON report');
    t.text('summary_vi').nullable();
    t.string('verified_at', 32).notNullable();
  });

  await knex.schema.createTable('status_history', t => {
    t.comment('Every state change of a register entry or an outgoing recipient, with its evidence');
    t.increments('id');
    t.string('subject_type', 20).notNullable().comment('entry | recipient');
    t.integer('subject_id').notNullable();
    t.string('from_state', 20).nullable();
    t.string('to_state', 20).notNullable();
    t.string('code', 4).nullable().comment('edXML status code when there is one');
    t.text('note').nullable();
    t.string('evidence_sha256', 64).nullable().comment('Raw mail that caused it');
    t.string('at', 32).notNullable();
    t.index(['subject_type', 'subject_id']);
  });

  await knex.schema.createTable('quarantine', t => {
    t.comment('Mails that could not be handled automatically; raw kept; operator decides');
    t.increments('id');
    t.integer('received_mail_id').notNullable().references('id').inTable('received_mails');
    t.string('agency_code', 35).notNullable();
    t.string('reason_code', 40).notNullable();
    t.text('reason').notNullable().comment('Vietnamese, for the clerk');
    t.text('detail').nullable().comment('English technical detail for the operator');
    t.string('state', 12).notNullable().comment('open | retried | released | discarded');
    t.string('created_at', 32).notNullable();
    t.string('resolved_at', 32).nullable();
    t.index(['state']);
  });

  await knex.schema.createTable('outbox', t => {
    t.comment('Durable outbox: every mail we send, rendered once, sent with retries, same Message-ID on resend');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.string('kind', 16).notNullable().comment('receipt | refusal | status | document | recall | notice');
    t.string('dedupe_key', 300).notNullable().unique().comment('One answer per cause (e.g. status:03:mail:12)');
    t.string('message_id', 998).notNullable().unique();
    t.string('to_address', 254).notNullable();
    t.string('subject', 998).notNullable();
    t.text('message').notNullable().comment('JSON: text, html, headers, attachments (blob refs), dsn');
    t.integer('priority').notNullable().defaultTo(0).comment('Higher first: hỏa tốc 3 … thường 0');
    t.string('state', 12).notNullable().comment('queued | sending | sent | deferred | failed');
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 32).notNullable();
    t.string('first_attempt_at', 32).nullable();
    t.string('claimed_until', 32).nullable();
    t.text('last_error').nullable();
    t.text('last_response').nullable();
    t.string('sent_at', 32).nullable();
    t.string('created_at', 32).notNullable();
    t.integer('entry_id').nullable();
    t.integer('received_mail_id').nullable();
    t.index(['state', 'next_attempt_at']);
  });

  await knex.schema.createTable('inbound_reports', t => {
    t.comment('Status packets, DSNs, MDNs, replies, recalls taken in: the input of reconciliation');
    t.increments('id');
    t.integer('received_mail_id').notNullable().references('id').inTable('received_mails').unique();
    t.string('agency_code', 35).notNullable();
    t.string('kind', 20).notNullable();
    t.text('data').notNullable().comment('JSON: what inspect extracted');
    t.string('state', 12).notNullable().comment('pending | matched | orphan | duplicate');
    t.string('created_at', 32).notNullable();
  });

  await knex.schema.createTable('events', t => {
    t.comment('Append-only event log (operator and reconciliation log)');
    t.increments('id');
    t.string('at', 32).notNullable();
    t.string('event', 40).notNullable();
    t.string('agency_code', 35).nullable();
    t.string('ref_type', 20).nullable();
    t.integer('ref_id').nullable();
    t.text('data').nullable();
    t.index(['event']);
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  for (const table of [
    'events', 'inbound_reports', 'outbox', 'quarantine', 'status_history', 'signature_results', 'attachments',
    'register_entries', 'register_counters', 'received_mails', 'mailbox_state', 'agency_emails', 'agencies',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
