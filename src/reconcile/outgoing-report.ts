import { recordTransition } from '../db/history.js';
import { outboxByMessageIds } from '../db/outbox.js';
import { applyToRecipient } from '../db/recipient-events.js';
import { appendReconcileLog, finishReport, type PendingReport } from '../db/reconcile.js';
import type { EventEffect } from '../domain/outgoing/recipient-state.js';
import type { ParsedMail } from '../mail/types.js';
import type { Deps } from '../ports.js';
import { matchReport } from './match.js';
import { observeReport, type Observation, type Observed } from './observe.js';

export type ReportOutcome = { state: 'matched' | 'orphan' | 'duplicate'; method: string | null; effects: EventEffect[] };

/**
 * One report about our outgoing documents (its raw mail parsed again by the pipeline): observe
 * (keys + events) → match (in the order of match.ts: docs/status-codes.md §Matching reports) → apply each event to its recipient. A report
 * that matches nothing is an orphan: kept, logged, listed by `reconcile report`, never dropped.
 */
export async function reconcileReport(deps: Deps, report: PendingReport, mail: ParsedMail): Promise<ReportOutcome> {
  const obs = observeReport(report.kind, mail);
  const hints = obs.observed.map(o => o.address).filter((a): a is string => !!a);
  const match = await matchReport(deps.db, obs.keys, report.agency_code, hints);
  const now = deps.ports.clock.now();
  // A report about one of our status answers or notices (a DSN, an MDN, a human reply to a receipt)
  // is about that mail, not about a document recipient; a subject guess must not override that.
  const ours = !match || match.guess ? await outboxByMessageIds(deps.db, reportedIds(obs.keys)) : undefined;
  if (!match || ours) {
    if (ours) {
      await appendReconcileLog(deps.db, now, { reportId: report.id, agencyCode: report.agency_code, method: 'message-id', event: obs.summary, effect: 'noted', detail: `about our ${ours.kind} mail #${ours.id} to ${ours.to_address}: ${obs.observed.map(o => [o.code, o.note].filter(Boolean).join(' ')).join('; ')}`, evidenceSha256: report.raw_sha256 });
      await finishReport(deps.db, report.id, 'matched', 'message-id', now);
      return { state: 'matched', method: 'message-id', effects: [] };
    }
    await appendReconcileLog(deps.db, now, { reportId: report.id, agencyCode: report.agency_code, effect: 'orphan', event: obs.summary, detail: `${mail.subject} (${mail.from?.address ?? 'no sender'})`, evidenceSha256: report.raw_sha256 });
    await finishReport(deps.db, report.id, 'orphan', null, now);
    deps.ports.log.warn('RECONCILE_ORPHAN', { report: report.id, agency: report.agency_code, kind: report.kind, subject: mail.subject });
    return { state: 'orphan', method: null, effects: [] };
  }
  const effects: EventEffect[] = [];
  if (obs.observed.length === 0) {
    // A reply without a clear intent, an unreadable status: matched and kept, nothing moves.
    for (const r of match.recipients) {
      await appendReconcileLog(deps.db, now, { reportId: report.id, agencyCode: report.agency_code, documentId: match.document.id, recipientId: r.id, method: match.method, guess: match.guess, event: obs.summary, effect: 'noted', fromStatus: r.status, toStatus: r.status, detail: mail.subject, evidenceSha256: report.raw_sha256 });
      await recordTransition(deps.db, { subject: 'recipient', id: r.id, from: r.status, to: r.status, note: `noted; ${report.kind}: ${mail.subject}`, evidenceSha256: report.raw_sha256 }, now);
    }
  }
  for (const r of match.recipients) {
    for (const o of eventsFor(obs.observed, r.address)) {
      const applied = await applyToRecipient(
        deps.db,
        r.id,
        o.event,
        { reportId: report.id, method: match.method, guess: match.guess || o.guess, label: o.label, code: o.code, note: o.note, sha256: report.raw_sha256, agencyCode: report.agency_code },
        deps.ports.clock.now(),
      );
      effects.push(applied.effect);
      const event = applied.effect === 'moved' ? 'RECONCILE_MATCHED' : applied.effect === 'duplicate' ? 'RECONCILE_DUPLICATE' : 'RECONCILE_OUT_OF_ORDER';
      deps.ports.log.info(event, { report: report.id, recipient: r.id, document: match.document.id, method: match.method, guess: match.guess || o.guess, event: o.label, from: applied.from, to: applied.to, effect: applied.effect });
    }
  }
  const state = effects.length > 0 && effects.every(e => e === 'duplicate') ? 'duplicate' : 'matched';
  await finishReport(deps.db, report.id, state, match.method, deps.ports.clock.now());
  return { state, method: match.method, effects };
}

/** Every Message-ID a report names (DSN, MDN, In-Reply-To): one of them may be an outbox mail of ours (a status answer, a notice). */
function reportedIds(keys: Observation['keys']): string[] {
  return [...keys.messageIds, ...(keys.originalMessageId ? [keys.originalMessageId] : []), ...keys.replyIds];
}

/** The events for one recipient: those naming its address, else (a DSN about a forwarded copy, a status) all of them. */
export function eventsFor(observed: Observed[], address: string): Observed[] {
  const own = observed.filter(o => o.address === address);
  if (own.length) return own;
  const unnamed = observed.filter(o => o.address === null);
  return unnamed.length ? unnamed : observed.slice(0, 1);
}
