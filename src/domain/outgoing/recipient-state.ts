/**
 * Per-recipient tracking of an outgoing document (docs/status-codes.md §Recipient states): queued → sent → delivered (01) →
 * received (03) → assigned (04) → processing (05) → done (06), plus refused (02), bounced, expired,
 * overdue and the recall branch 13 → 15 | 16 (status codes: docs/status-codes.md §Status codes).
 *
 * Reports arrive late, twice and out of order (mail is store-and-forward; a DSN can trail the
 * recipient's own 03). So the state is two values:
 *   - `progress`: the furthest point on the main line that any evidence has proved. It only moves
 *     forward (rank order), which makes duplicates no-ops and older reports harmless;
 *   - `status`: what the clerk sees. Usually equal to progress; differs on the detours (overdue, the
 *     recall branch) and the failure ends (refused, bounced, expired), which keep progress as it was,
 *     so leaving a detour returns to the right place without replaying history.
 * Every event is recorded in history by the caller whatever the effect; only 'moved' changes the row
 * (compare-and-set on the old status, CONTRIBUTING).
 */

/** The furthest proved point on the main line, in rank order. */
export const PROGRESS = ['queued', 'sent', 'delivered', 'received', 'assigned', 'processing', 'done'] as const;
export type Progress = (typeof PROGRESS)[number];

/** Every status a recipient can show (docs/status-codes.md §Recipient states). */
export const RECIPIENT_STATUSES = [
  ...PROGRESS,
  'refused',
  'bounced',
  'recall-requested',
  'recalled',
  'recall-refused',
  'overdue',
  'expired',
] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];

/** Status plus the progress it rests on; store both. */
export type RecipientState = { status: RecipientStatus; progress: Progress };

/** A new recipient row. */
export const INITIAL_RECIPIENT_STATE: RecipientState = { status: 'queued', progress: 'queued' };

/** Evidence about one (document, recipient). */
export type RecipientEvent =
  | { type: 'sent' } // SMTP accepted the message (250 after DATA)
  | { type: 'send-failed' } // smtp-response.ts said `fail` (5xx): the message never left
  | { type: 'expired' } // retry.ts gave up (max age) before any successful send
  | { type: 'dsn'; action: 'delivered' | 'failed' | 'delayed' | 'relayed' | 'expanded' } // RFC 3464 Action
  | { type: 'mdn'; disposition?: string } // RFC 8098 read receipt (displayed, deleted, …)
  | { type: 'status'; code: string } // a status packet / status mail from the recipient (01…16)
  | { type: 'recall-sent' } // we sent status 13 (thu hồi) to this recipient
  | { type: 'deadline-passed' }; // the receipt deadline (calendar/deadlines.ts) passed without 03

/** What applyEvent did. Only 'moved' changes the stored state; all four are kept in history. */
export type EventEffect = 'moved' | 'duplicate' | 'out-of-order' | 'illegal';

type Outcome = Exclude<RecipientStatus, Progress>;
type Signal = Progress | Outcome;

/** Status codes from the recipient → signal. 13 is ours (the sender's), so receiving it is illegal. */
export const STATUS_CODE_SIGNAL: Readonly<Record<string, Signal>> = {
  '01': 'delivered', // Đã đến
  '02': 'refused', // Từ chối tiếp nhận
  '03': 'received', // Đã tiếp nhận
  '04': 'assigned', // Đã phân công
  '05': 'processing', // Đang xử lý
  '06': 'done', // Hoàn thành
  '15': 'recalled', // Đồng ý thu hồi
  '16': 'recall-refused', // Từ chối thu hồi
};

// docs/status-codes.md §Recall: some systems answer a recall with 03 (agree) or 02 (refuse) instead of 15/16.
// Read that way while a recall is pending, and afterwards for a repeat of the same answer (a second
// 02 after a refused recall is not a refusal of the document; a late 03 on the main line is
// indistinguishable from it, and its progress is already known).
const RECALL_CONTEXT: Partial<Record<RecipientStatus, Readonly<Record<string, Outcome>>>> = {
  'recall-requested': { '02': 'recall-refused', '03': 'recalled' },
  'recall-refused': { '02': 'recall-refused' },
  recalled: { '03': 'recalled' },
};

const DSN_SIGNAL: Readonly<Record<Extract<RecipientEvent, { type: 'dsn' }>['action'], Signal>> = {
  delivered: 'delivered', // RFC 3464 §2.3.3: delivered to the recipient's mailbox = arrived (like 01)
  failed: 'bounced',
  delayed: 'sent', // still in transit: no new information
  relayed: 'sent', // passed to a system that gives no DSN: no new information
  expanded: 'sent',
};

/**
 * Per status: what main-line evidence does (`advance`: status follows progress; `hold`: progress is
 * recorded but the status stays, during a pending recall; `closed`: nothing moves) and which
 * outcomes are legal moves.
 */
export const TRANSITIONS: Readonly<Record<RecipientStatus, { progress: 'advance' | 'hold' | 'closed'; moves: Partial<Record<Outcome, RecipientStatus>> }>> = {
  queued: { progress: 'advance', moves: { bounced: 'bounced', expired: 'expired', refused: 'refused' } },
  sent: { progress: 'advance', moves: { bounced: 'bounced', refused: 'refused', overdue: 'overdue', 'recall-requested': 'recall-requested' } },
  delivered: { progress: 'advance', moves: { refused: 'refused', overdue: 'overdue', 'recall-requested': 'recall-requested' } },
  overdue: { progress: 'advance', moves: { bounced: 'bounced', refused: 'refused', 'recall-requested': 'recall-requested' } },
  received: { progress: 'advance', moves: { refused: 'refused', 'recall-requested': 'recall-requested' } },
  assigned: { progress: 'advance', moves: { refused: 'refused', 'recall-requested': 'recall-requested' } },
  processing: { progress: 'advance', moves: { refused: 'refused', 'recall-requested': 'recall-requested' } },
  // Done ends the recipient's work, but a document can still be recalled afterwards (NĐ 30 Art. 18.4).
  done: { progress: 'closed', moves: { 'recall-requested': 'recall-requested' } },
  'recall-requested': { progress: 'hold', moves: { recalled: 'recalled', 'recall-refused': 'recall-refused', bounced: 'bounced' } },
  // The recall was refused: the document stands, the recipient's work goes on; we may ask again.
  'recall-refused': { progress: 'advance', moves: { recalled: 'recalled', 'recall-requested': 'recall-requested', refused: 'refused' } },
  refused: { progress: 'closed', moves: {} },
  bounced: { progress: 'closed', moves: {} },
  expired: { progress: 'closed', moves: {} },
  recalled: { progress: 'closed', moves: {} },
};

/**
 * Progress bounds for an outcome: evidence of a later point makes the outcome stale (out-of-order),
 * e.g. a DSN failure after the recipient's 03, or an overdue check computed before a report landed.
 */
const OUTCOME_BOUNDS: Partial<Record<Outcome, { min?: Progress; max?: Progress }>> = {
  bounced: { max: 'sent' },
  expired: { max: 'queued' },
  overdue: { min: 'sent', max: 'delivered' },
  refused: { max: 'processing' },
  'recall-requested': { min: 'sent' },
};

/** Statuses that no report moves any more (done still accepts our recall). */
export const TERMINAL_STATUSES: ReadonlySet<RecipientStatus> = new Set(['done', 'refused', 'bounced', 'expired', 'recalled']);

const rank = (p: Progress): number => PROGRESS.indexOf(p);
const isProgress = (s: Signal): s is Progress => (PROGRESS as readonly string[]).includes(s);

/** The signal an event carries in the current status; null when it means nothing for us. */
export function eventSignal(event: RecipientEvent, status: RecipientStatus): Signal | null {
  switch (event.type) {
    case 'sent':
      return 'sent';
    case 'send-failed':
      return 'bounced';
    case 'expired':
      return 'expired';
    case 'dsn':
      return DSN_SIGNAL[event.action] ?? null;
    case 'mdn':
      // RFC 8098: any disposition (displayed, deleted, …) proves the mail reached the mailbox. A read
      // is not a registration (03), so it never counts as more than `delivered`.
      return 'delivered';
    case 'status': {
      const code = /^\d{1,2}$/.test(event.code.trim()) ? event.code.trim().padStart(2, '0') : event.code;
      const recallAnswer = RECALL_CONTEXT[status]?.[code];
      if (recallAnswer !== undefined) return recallAnswer;
      return STATUS_CODE_SIGNAL[code] ?? null;
    }
    case 'recall-sent':
      return 'recall-requested';
    case 'deadline-passed':
      return 'overdue';
  }
}

/** Apply one event: the next state and whether it moved, was a duplicate, out of order, or illegal. */
export function applyEvent(current: RecipientState, event: RecipientEvent): { next: RecipientState; effect: EventEffect } {
  const stay = (effect: EventEffect) => ({ next: current, effect });
  const signal = eventSignal(event, current.status);
  if (signal === null) return stay('illegal');
  const row = TRANSITIONS[current.status];

  if (isProgress(signal)) {
    const [r, p] = [rank(signal), rank(current.progress)];
    if (r === p) return stay('duplicate');
    if (r < p || row.progress === 'closed') return stay('out-of-order'); // kept in history only
    if (row.progress === 'hold') return { next: { status: current.status, progress: signal }, effect: 'moved' };
    return { next: { status: signal, progress: signal }, effect: 'moved' };
  }

  if (signal === current.status) return stay('duplicate');
  const bounds = OUTCOME_BOUNDS[signal];
  if (bounds?.max !== undefined && rank(current.progress) > rank(bounds.max)) return stay('out-of-order');
  if (bounds?.min !== undefined && rank(current.progress) < rank(bounds.min)) return stay('illegal');
  const to = row.moves[signal];
  if (to !== undefined) return { next: { status: to, progress: current.progress }, effect: 'moved' };
  // A late outcome after the end, or an overdue check that raced a recall: stale, not a bug.
  if (TERMINAL_STATUSES.has(current.status) || signal === 'overdue') return stay('out-of-order');
  return stay('illegal');
}

/** True when no report can move the status any more. */
export function isTerminal(status: RecipientStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** Vietnamese label of a status, for the clerk's tracking page. */
export const RECIPIENT_STATUS_LABEL: Readonly<Record<RecipientStatus, string>> = {
  queued: 'Chờ gửi',
  sent: 'Đã gửi',
  delivered: 'Đã đến',
  received: 'Đã tiếp nhận',
  assigned: 'Đã phân công',
  processing: 'Đang xử lý',
  done: 'Hoàn thành',
  refused: 'Từ chối tiếp nhận',
  bounced: 'Không chuyển được',
  'recall-requested': 'Đang yêu cầu thu hồi',
  recalled: 'Đã thu hồi',
  'recall-refused': 'Từ chối thu hồi',
  overdue: 'Quá hạn chưa tiếp nhận',
  expired: 'Hết thời gian gửi lại',
};
