// @ts-check
/**
 * Outgoing documents and reconciliation (docs/registers.md §Outgoing register and numbering, docs/status-codes.md §Recipient states): the outgoing register (sổ văn bản đi, NĐ 30
 * Art. 15, numbered from register_counters with register = 'outgoing'), one row per (document,
 * recipient) with its state machine (src/domain/outgoing/recipient-state.ts), and the operator's
 * reconciliation log (append-only). Additive only: inbound_reports gains the reconciliation result.
 */

/** @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('outgoing_documents', t => {
    t.comment('Sổ văn bản đi: one row per outgoing document of a hosted agency (NĐ 30 App. IV)');
    t.increments('id');
    t.string('agency_code', 35).notNullable().references('code').inTable('agencies');
    t.integer('year').notNullable().comment('Vietnam calendar year of the number series');
    t.integer('number').notNullable().comment('Số: gapless per agency and year');
    t.string('notation', 60).notNullable().comment('Ký hiệu, e.g. QĐ-SYT or SYT-VP');
    t.string('number_notation', 80).notNullable().comment('Số, ký hiệu as printed, e.g. 05/QĐ-SYT');
    t.string('doc_date', 10).notNullable().comment('Ngày ban hành (YYYY-MM-DD, Vietnam)');
    t.string('doc_type', 100).notNullable();
    t.text('summary').notNullable().comment('Trích yếu');
    t.string('signer_position', 100).nullable();
    t.string('signer_name', 50).nullable();
    t.string('urgency', 16).notNullable().defaultTo('normal').comment('normal | khan | thuong-khan | hoa-toc');
    t.string('due_date', 10).nullable().comment('Hạn xử lý (working days, calendar module)');
    t.string('document_id', 200).notNullable().comment('edXML DocumentId: OrganId,yyyy/MM/dd,Số/Ký hiệu');
    t.string('state', 20).notNullable().comment('queued | sent | recalled');
    t.string('source', 10).notNullable().comment('cli | http | drop | edxml');
    t.text('files').notNullable().comment('JSON: [{name, role: main|annex, originalSha256, sha256, size, sealed}]');
    t.boolean('sealed').notNullable().defaultTo(false).comment('Agency signature applied (PAdES)');
    t.string('signed_at', 32).notNullable().comment('When it was numbered, stamped and sealed');
    t.string('send_deadline', 32).notNullable().comment('NĐ 30 Art. 18.1: same day, at the latest next working morning');
    t.string('late_alerted_at', 32).nullable();
    t.text('recall_reason').nullable();
    t.string('recalled_at', 32).nullable();
    t.string('created_at', 32).notNullable();
    t.unique(['agency_code', 'year', 'number']);
    t.index(['document_id']);
    t.index(['agency_code', 'number_notation', 'doc_date']);
  });

  await knex.schema.createTable('outgoing_recipients', t => {
    t.comment('Per (document, recipient): the tracked state, its Message-ID/ENVID and last evidence');
    t.increments('id');
    t.integer('document_id').notNullable().references('id').inTable('outgoing_documents');
    t.string('agency_code', 35).nullable().comment('Recipient agency code when known in the directory');
    t.string('address', 254).notNullable().comment('Lower-cased recipient address');
    t.string('name', 200).nullable();
    t.string('status', 20).notNullable().comment('RecipientStatus (recipient-state.ts)');
    t.string('progress', 20).notNullable().comment('Furthest proved point on the main line');
    t.string('message_id', 998).notNullable().unique();
    t.string('envid', 100).notNullable().unique().comment('RFC 3461 ENVID');
    t.integer('outbox_id').nullable();
    t.string('recall_message_id', 998).nullable().unique();
    t.integer('recall_outbox_id').nullable();
    t.string('sent_at', 32).nullable().comment('Set once the outbox result is recorded (sent or failed)');
    t.string('deadline', 32).nullable().comment('Receipt expected by (NĐ 30 Art. 21.2.c: same day)');
    t.string('overdue_alerted_at', 32).nullable();
    t.string('last_code', 8).nullable().comment('Last edXML status code or RFC 3463 status (5.1.1)');
    t.text('last_note').nullable().comment("Last evidence in words (the server diagnostic, a refusal reason)");
    t.string('last_evidence_sha256', 64).nullable();
    t.string('last_evidence_at', 32).nullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['document_id', 'address']);
    t.index(['status']);
  });

  await knex.schema.createTable('reconcile_log', t => {
    t.comment("The operator reconciliation log: append-only, one row per report (or send result) applied");
    t.increments('id');
    t.integer('report_id').nullable().comment('inbound_reports.id; null for send results and deadline checks');
    t.string('agency_code', 35).nullable();
    t.integer('document_id').nullable();
    t.integer('recipient_id').nullable();
    t.string('method', 24).nullable().comment("message-id | envid | original-message-id | in-reply-to | response-for | subject-guess | outbox | deadline; null = orphan");
    t.boolean('guess').notNullable().defaultTo(false);
    t.string('event', 40).nullable().comment('The recipient event, e.g. status:03, dsn:failed');
    t.string('effect', 20).notNullable().comment('moved | duplicate | out-of-order | illegal | noted | orphan | cancelled');
    t.string('from_status', 20).nullable();
    t.string('to_status', 20).nullable();
    t.text('detail').nullable();
    t.string('evidence_sha256', 64).nullable();
    t.string('at', 32).notNullable();
    t.index(['report_id']);
    t.index(['recipient_id']);
  });

  await knex.schema.alterTable('inbound_reports', t => {
    t.string('reconciled_at', 32).nullable();
    t.string('method', 24).nullable().comment('How it was matched (first method that found something)');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
  });
}

/** @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('inbound_reports', t => {
    t.dropColumn('reconciled_at');
    t.dropColumn('method');
    t.dropColumn('attempts');
    t.dropColumn('last_error');
  });
  for (const table of ['reconcile_log', 'outgoing_recipients', 'outgoing_documents']) await knex.schema.dropTableIfExists(table);
}
