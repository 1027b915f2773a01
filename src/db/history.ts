import type { Db } from './connect.js';

/** What status_history records about one state change (or one report kept without a change). */
export type Transition = {
  subject: 'entry' | 'recipient';
  id: number;
  from: string | null;
  to: string;
  /** edXML status code when there is one (at most 4 characters; longer codes are not stored). */
  code?: string | null;
  note?: string | null;
  /** The raw mail (or scan) that caused it. */
  evidenceSha256?: string | null;
};

/** Append one row to status_history: every state change of a register entry or an outgoing recipient goes here. */
export async function recordTransition(db: Db, t: Transition, now: Date): Promise<void> {
  await db('status_history').insert({
    subject_type: t.subject,
    subject_id: t.id,
    from_state: t.from,
    to_state: t.to,
    code: t.code && t.code.length <= 4 ? t.code : null,
    note: t.note ? t.note.slice(0, 2000) : null,
    evidence_sha256: t.evidenceSha256 ?? null,
    at: now.toISOString(),
  });
}

/** The history of one entry or recipient, oldest first. */
export async function historyOf(db: Db, subject: Transition['subject'], id: number): Promise<Array<{ from: string | null; to: string; code: string | null; note: string | null; at: string }>> {
  return db('status_history').where({ subject_type: subject, subject_id: id }).orderBy('id').select('from_state as from', 'to_state as to', 'code', 'note', 'at');
}
