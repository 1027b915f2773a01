import { appendEvent } from '../db/events.js';
import { claimDue, markDeferred, markFailed, markSent, type OutboxMessage, type OutboxRow } from '../db/outbox.js';
import { nextAttempt } from '../domain/outgoing/retry.js';
import type { SmtpFailure, SmtpPolicy } from '../domain/outgoing/smtp-response.js';
import { describeError } from '../errors.js';
import type { Mailer } from '../io/smtp.js';
import type { Deps } from '../ports.js';

/** What the outbox needs besides the database and the ports: the SMTP reply policy (config/smtp-responses.txt). */
export type OutboxDeps = Deps & { smtpPolicy: SmtpPolicy };

export type OutboxRunReport = { sent: number; deferred: number; failed: number };

/**
 * Parallel senders per outbox run, at most; fewer when the SMTP budget is smaller (docs/operations.md
 * §Workers, §Many mailboxes): each send holds one pooled connection, so the budget, not this, is
 * what bounds the connections; 3 senders left most of a 10-connection budget unused while 600
 * receipts of 300 agencies each waited for a fresh STARTTLS + AUTH.
 */
const SENDERS = 16;

/** How long a claimed row stays ours: past it a crashed worker's row is claimed again. */
const CLAIM_MS = 10 * 60 * 1000;

/**
 * Send what is due, urgent first (docs/mail.md §Sending and retries):
 *   1. claim      compare-and-set queued|deferred → sending (a crashed worker's claim expires)
 *   2. compose    the stored rendering + attachment bytes from the blob store; same Message-ID
 *   3. send       SMTP through the sending agency's mailbox, DSN requested when asked
 *   4. record     sent | deferred (retry table) | failed (5xx, or retries exhausted)
 */
export async function runOutbox(deps: OutboxDeps, opts: { limit?: number; agencyCode?: string } = {}): Promise<OutboxRunReport> {
  const report: OutboxRunReport = { sent: 0, deferred: 0, failed: 0 };
  const policy = deps.smtpPolicy;
  const { clock } = deps.ports;
  const mailers = new Map<string, Mailer>();
  try {
    for (;;) {
      const batch = await claimDue(deps.db, clock.now(), { limit: opts.limit ?? 50, claimMs: CLAIM_MS, agencyCode: opts.agencyCode });
      if (batch.length === 0) break;
      // The batch is already in priority order; a few senders take from its head in parallel
      // (each send borrows a connection of the app's SMTP pool, within the host's budget), so
      // urgent mail still leaves first.
      const queue = [...batch];
      const sender = async () => {
        for (let row = queue.shift(); row; row = queue.shift()) {
          const agency = deps.config.agencies.find(a => a.code === row!.agency_code);
          if (!agency) {
            await markFailed(deps.db, row.id, { error: `agency ${row.agency_code} is no longer configured`, category: 'configuration', action: 'fail' }, clock.now());
            report.failed++;
            continue;
          }
          let mailer = mailers.get(agency.code);
          if (!mailer) mailers.set(agency.code, (mailer = deps.ports.mailerFor(agency)));
          report[await sendOne(deps, policy, mailer, row)]++;
        }
      };
      await Promise.all(Array.from({ length: Math.min(SENDERS, deps.config.connections.smtpPerHost) }, sender));
      if (batch.length < (opts.limit ?? 50)) break;
    }
  } finally {
    for (const m of mailers.values()) m.close();
  }
  return report;
}

/** Send one claimed row and record the result. */
async function sendOne(deps: OutboxDeps, policy: SmtpPolicy, mailer: Mailer, row: OutboxRow): Promise<keyof OutboxRunReport> {
  const message = JSON.parse(row.message) as OutboxMessage;
  try {
    const attachments = await Promise.all(message.attachments.map(async a => ({ filename: a.filename, contentType: a.contentType, content: await deps.ports.blobs.get(a.sha256), ...(a.description ? { description: a.description } : {}) })));
    const result = await mailer.send({
      from: message.from,
      to: row.to_address,
      subject: row.subject,
      messageId: row.message_id,
      date: new Date(row.created_at),
      text: message.text,
      html: message.html,
      headers: message.headers,
      inReplyTo: message.inReplyTo,
      references: message.references,
      attachments,
      dsn: message.dsn,
      requestReadReceipt: message.requestReadReceipt,
    });
    deps.ports.failpoint('after-smtp-accept');
    const now = deps.ports.clock.now();
    await markSent(deps.db, row.id, result.response, now);
    await appendEvent(deps.db, now, { event: 'OUTBOX_SENT', agencyCode: row.agency_code, refType: 'outbox', refId: row.id, data: { to: row.to_address, response: result.response } });
    deps.ports.log.info('OUTBOX_SENT', { outbox: row.id, kind: row.kind, to: row.to_address, messageId: row.message_id });
    return 'sent';
  } catch (err) {
    const now = deps.ports.clock.now();
    const failure = err as SmtpFailure;
    const verdict = policy.classify({ responseCode: failure.responseCode, response: failure.response, code: failure.code, command: failure.command });
    const outcome = { error: failure.response ?? describeError(err), category: verdict.category, action: verdict.action };
    const next = verdict.action === 'retry' ? nextAttempt(row.attempts + 1, new Date(row.first_attempt_at ?? now), now) : null;
    if (next) {
      await markDeferred(deps.db, row.id, outcome, next, now);
      deps.ports.log.warn('OUTBOX_DEFERRED', { outbox: row.id, to: row.to_address, ...outcome, next: next.toISOString() });
      return 'deferred';
    }
    await markFailed(deps.db, row.id, outcome, now);
    await appendEvent(deps.db, now, { event: 'OUTBOX_FAILED', agencyCode: row.agency_code, refType: 'outbox', refId: row.id, data: { to: row.to_address, ...outcome, status: verdict.status } });
    deps.ports.log.error('OUTBOX_FAILED', { outbox: row.id, to: row.to_address, ...outcome });
    return 'failed';
  }
}
