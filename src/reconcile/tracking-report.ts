import type { Db } from '../db/connect.js';
import { trackingRows } from '../db/outgoing.js';
import { listOrphans } from '../db/reconcile.js';
import { RECIPIENT_STATUS_LABEL, type RecipientStatus } from '../domain/outgoing/recipient-state.js';

/** One line of `reconcile report`: a (document, recipient) pair. */
export type ReportLine = {
  agency: string;
  documentId: number;
  numberNotation: string;
  date: string;
  summary: string;
  documentState: string;
  recipientId: number;
  recipient: string;
  recipientCode: string | null;
  state: RecipientStatus;
  label: string;
  lastCode: string | null;
  lastNote: string | null;
  lastEvidenceSha256: string | null;
  lastEvidenceAt: string | null;
  ageHours: number;
  deadline: string | null;
  overdue: boolean;
};

export type ReconcileReport = {
  generatedAt: string;
  lines: ReportLine[];
  totals: Array<{ agency: string; state: string; count: number }>;
  orphans: Array<{ id: number; agency: string; kind: string; subject: string | null; from: string | null; at: string }>;
};

/** States in which a receipt is still awaited (an overdue flag makes sense). */
const AWAITING: ReadonlySet<string> = new Set(['queued', 'sent', 'delivered', 'overdue']);

/**
 * Per document and recipient: state, last evidence, age, overdue flag; totals per agency and
 * state; and the orphans (reports that matched nothing). `since` filters documents by creation.
 */
export async function buildReconcileReport(db: Db, now: Date, opts: { since?: string; agencyCode?: string } = {}): Promise<ReconcileReport> {
  const rows = (await trackingRows(db, opts)) as unknown as Array<Record<string, unknown>>;
  const lines: ReportLine[] = rows.map(r => {
    const state = r.status as RecipientStatus;
    const deadline = (r.deadline as string | null) ?? null;
    return {
      agency: String(r.agency),
      documentId: Number(r.document_id),
      numberNotation: String(r.number_notation),
      date: String(r.doc_date),
      summary: String(r.summary),
      documentState: String(r.document_state),
      recipientId: Number(r.id),
      recipient: String(r.address),
      recipientCode: (r.agency_code as string | null) ?? null,
      state,
      label: RECIPIENT_STATUS_LABEL[state] ?? state,
      lastCode: (r.last_code as string | null) ?? null,
      lastNote: (r.last_note as string | null) ?? null,
      lastEvidenceSha256: (r.last_evidence_sha256 as string | null) ?? null,
      lastEvidenceAt: (r.last_evidence_at as string | null) ?? null,
      ageHours: Math.round(((now.getTime() - new Date(String(r.doc_created_at)).getTime()) / 3_600_000) * 10) / 10,
      deadline,
      overdue: state === 'overdue' || (AWAITING.has(state) && deadline !== null && deadline < now.toISOString()),
    };
  });
  const totals = new Map<string, { agency: string; state: string; count: number }>();
  for (const l of lines) {
    const k = `${l.agency}\u0000${l.state}`;
    const t = totals.get(k) ?? { agency: l.agency, state: l.state, count: 0 };
    t.count++;
    totals.set(k, t);
  }
  const orphans = (await listOrphans(db, { agencyCode: opts.agencyCode })).map(o => {
    const data = JSON.parse(o.data) as { subject?: string; from?: string };
    return { id: o.id, agency: o.agency_code, kind: o.kind, subject: data.subject ?? null, from: data.from ?? null, at: o.created_at };
  });
  return { generatedAt: now.toISOString(), lines, totals: [...totals.values()].sort((a, b) => a.agency.localeCompare(b.agency) || a.state.localeCompare(b.state)), orphans };
}
