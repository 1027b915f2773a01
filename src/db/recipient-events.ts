import type { Db } from './connect.js';
import { recordTransition } from './history.js';
import { casRecipientState, getRecipient, type OutgoingRecipientRow } from './outgoing.js';
import { appendReconcileLog, type MatchMethod, type ReconcileEffect } from './reconcile.js';
import { inTransaction } from './transaction.js';
import { applyEvent, type EventEffect, type RecipientEvent } from '../domain/outgoing/recipient-state.js';
import { BridgeError } from '../errors.js';

/*
 * Recipient tracking: every event about an outgoing recipient (the outbox's result, a report, a
 * deadline, the clerk's recall) goes through applyToRecipient. It lives with the SQL because it is
 * one compare-and-set transaction; the decision itself is the pure table of recipient-state.ts.
 */

/** Where an event comes from: the report (or send result) and what it said. */
export type Evidence = {
  reportId: number | null;
  method: MatchMethod;
  guess: boolean;
  label: string;
  code: string | null;
  note: string | null;
  sha256: string | null;
  agencyCode: string;
};

export type Applied = { effect: EventEffect; from: string; to: string; recipient: OutgoingRecipientRow };

/**
 * Apply one event to one recipient, in one transaction: the state machine decides
 * (recipient-state.ts), the row moves by compare-and-set on (status, progress) and is re-read and
 * re-decided when another worker moved it first; status_history gets every move and every
 * out-of-order or illegal report (kept, never moving backwards); duplicates are no-ops that only
 * the reconciliation log records.
 */
export async function applyToRecipient(db: Db, recipientId: number, event: RecipientEvent, ev: Evidence, now: Date): Promise<Applied> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const result = await inTransaction(db, async trx => {
      const row = await getRecipient(trx, recipientId);
      const from = { status: row.status, progress: row.progress };
      const { next, effect } = applyEvent(from, event);
      const evidenceCols = {
        last_code: ev.code ?? row.last_code,
        last_note: ev.note ?? row.last_note,
        last_evidence_sha256: ev.sha256 ?? row.last_evidence_sha256,
        last_evidence_at: now.toISOString(),
      };
      if (effect === 'moved') {
        if (!(await casRecipientState(trx, recipientId, from, next, evidenceCols, now))) return null; // lost the race: re-decide
      }
      if (effect !== 'duplicate') {
        const note = [effect === 'moved' ? null : effect, ev.guess ? 'guess' : null, ev.label, ev.note].filter(Boolean).join('; ');
        await recordTransition(trx, { subject: 'recipient', id: recipientId, from: from.status, to: next.status, code: ev.code, note, evidenceSha256: ev.sha256 }, now);
      }
      await appendReconcileLog(trx, now, {
        reportId: ev.reportId,
        agencyCode: ev.agencyCode,
        documentId: row.document_id,
        recipientId,
        method: ev.method,
        guess: ev.guess,
        event: ev.label,
        effect: effect as ReconcileEffect,
        fromStatus: from.status,
        toStatus: next.status,
        detail: [ev.code, ev.note].filter(Boolean).join(' ') || null,
        evidenceSha256: ev.sha256,
      });
      return { effect, from: from.status, to: next.status, recipient: { ...row, ...(effect === 'moved' ? { ...evidenceCols, status: next.status, progress: next.progress } : {}) } };
    });
    if (result) return result;
  }
  throw new BridgeError('DB_CONFLICT', `recipient ${recipientId} kept changing while applying ${ev.label}`);
}
