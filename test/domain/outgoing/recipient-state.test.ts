import test from 'ava';
import {
  INITIAL_RECIPIENT_STATE,
  PROGRESS,
  RECIPIENT_STATUSES,
  RECIPIENT_STATUS_LABEL,
  applyEvent,
  isTerminal,
  type EventEffect,
  type Progress,
  type RecipientEvent,
  type RecipientState,
  type RecipientStatus,
} from '../../../src/domain/outgoing/recipient-state.js';

const S = (status: RecipientStatus, progress: Progress = status as Progress): RecipientState => ({ status, progress });
const st = (code: string): RecipientEvent => ({ type: 'status', code });
const dsn = (action: 'delivered' | 'failed' | 'delayed' | 'relayed' | 'expanded'): RecipientEvent => ({ type: 'dsn', action });
const SENT: RecipientEvent = { type: 'sent' };
const RECALL: RecipientEvent = { type: 'recall-sent' };
const LATE: RecipientEvent = { type: 'deadline-passed' };
const MDN: RecipientEvent = { type: 'mdn', disposition: 'displayed' };

const cases: Array<[string, RecipientState, RecipientEvent, RecipientState, EventEffect]> = [
  // --- main line
  ['queued + sent', S('queued'), SENT, S('sent'), 'moved'],
  ['sent + DSN delivered', S('sent'), dsn('delivered'), S('delivered'), 'moved'],
  ['sent + 01', S('sent'), st('01'), S('delivered'), 'moved'],
  ['delivered + 03', S('delivered'), st('03'), S('received'), 'moved'],
  ['received + 04', S('received'), st('04'), S('assigned'), 'moved'],
  ['assigned + 05', S('assigned'), st('05'), S('processing'), 'moved'],
  ['processing + 06', S('processing'), st('06'), S('done'), 'moved'],
  ['sent + 03 skips 01', S('sent'), st('03'), S('received'), 'moved'],
  ['queued + 03 (crash after SMTP accept, before recording sent)', S('queued'), st('03'), S('received'), 'moved'],
  ['one-digit code 3', S('sent'), st('3'), S('received'), 'moved'],
  // --- duplicates
  ['sent + sent (resend)', S('sent'), SENT, S('sent'), 'duplicate'],
  ['delivered + 01 after DSN delivered', S('delivered'), st('01'), S('delivered'), 'duplicate'],
  ['received + 03 again', S('received'), st('03'), S('received'), 'duplicate'],
  ['sent + DSN delayed', S('sent'), dsn('delayed'), S('sent'), 'duplicate'],
  ['sent + DSN relayed', S('sent'), dsn('relayed'), S('sent'), 'duplicate'],
  ['done + 06 again', S('done'), st('06'), S('done'), 'duplicate'],
  ['bounced + DSN failed again', S('bounced', 'sent'), dsn('failed'), S('bounced', 'sent'), 'duplicate'],
  ['refused + 02 again', S('refused', 'delivered'), st('02'), S('refused', 'delivered'), 'duplicate'],
  // --- out of order: kept in history, state not moved backwards
  ['received + 01 (03 then 01)', S('received'), st('01'), S('received'), 'out-of-order'],
  ['received + DSN delivered', S('received'), dsn('delivered'), S('received'), 'out-of-order'],
  ['delivered + sent', S('delivered'), SENT, S('delivered'), 'out-of-order'],
  ['processing + 04', S('processing'), st('04'), S('processing'), 'out-of-order'],
  ['received + late DSN failure', S('received'), dsn('failed'), S('received'), 'out-of-order'],
  ['delivered + late DSN failure', S('delivered'), dsn('failed'), S('delivered'), 'out-of-order'],
  ['sent + expired (retry raced a success)', S('sent'), { type: 'expired' }, S('sent'), 'out-of-order'],
  ['done + 02', S('done'), st('02'), S('done'), 'out-of-order'],
  ['bounced + 01 (contradicting evidence after the end)', S('bounced', 'sent'), st('01'), S('bounced', 'sent'), 'out-of-order'],
  ['refused + 03', S('refused', 'delivered'), st('03'), S('refused', 'delivered'), 'out-of-order'],
  ['recalled + 16 late', S('recalled', 'received'), st('16'), S('recalled', 'received'), 'out-of-order'],
  ['received + deadline check computed earlier', S('received'), LATE, S('received'), 'out-of-order'],
  ['recall-requested + deadline check', S('recall-requested', 'sent'), LATE, S('recall-requested', 'sent'), 'out-of-order'],
  // --- MDN: evidence of arrival, never more
  ['sent + MDN', S('sent'), MDN, S('delivered'), 'moved'],
  ['delivered + MDN', S('delivered'), MDN, S('delivered'), 'duplicate'],
  ['received + MDN', S('received'), MDN, S('received'), 'out-of-order'],
  ['overdue(sent) + MDN leaves overdue', S('overdue', 'sent'), MDN, S('delivered'), 'moved'],
  // --- failures
  ['queued + send-failed (5xx)', S('queued'), { type: 'send-failed' }, S('bounced', 'queued'), 'moved'],
  ['sent + DSN failed', S('sent'), dsn('failed'), S('bounced', 'sent'), 'moved'],
  ['queued + expired', S('queued'), { type: 'expired' }, S('expired', 'queued'), 'moved'],
  ['sent + 02', S('sent'), st('02'), S('refused', 'sent'), 'moved'],
  ['received + 02 (returned after registration)', S('received'), st('02'), S('refused', 'received'), 'moved'],
  // --- overdue
  ['sent + deadline', S('sent'), LATE, S('overdue', 'sent'), 'moved'],
  ['delivered + deadline', S('delivered'), LATE, S('overdue', 'delivered'), 'moved'],
  ['overdue + deadline again', S('overdue', 'sent'), LATE, S('overdue', 'sent'), 'duplicate'],
  ['queued + deadline (never sent: not their fault)', S('queued'), LATE, S('queued'), 'illegal'],
  ['overdue(delivered) + 03', S('overdue', 'delivered'), st('03'), S('received'), 'moved'],
  ['overdue(sent) + 01', S('overdue', 'sent'), st('01'), S('delivered'), 'moved'],
  ['overdue(delivered) + DSN delivered again', S('overdue', 'delivered'), dsn('delivered'), S('overdue', 'delivered'), 'duplicate'],
  ['overdue(sent) + DSN failed', S('overdue', 'sent'), dsn('failed'), S('bounced', 'sent'), 'moved'],
  ['overdue(delivered) + 02', S('overdue', 'delivered'), st('02'), S('refused', 'delivered'), 'moved'],
  // --- recall
  ['queued + recall (cancel the outbox row instead)', S('queued'), RECALL, S('queued'), 'illegal'],
  ['sent + recall', S('sent'), RECALL, S('recall-requested', 'sent'), 'moved'],
  ['processing + recall', S('processing'), RECALL, S('recall-requested', 'processing'), 'moved'],
  ['done + recall', S('done'), RECALL, S('recall-requested', 'done'), 'moved'],
  ['overdue + recall', S('overdue', 'delivered'), RECALL, S('recall-requested', 'delivered'), 'moved'],
  ['recall-requested + recall again', S('recall-requested', 'sent'), RECALL, S('recall-requested', 'sent'), 'duplicate'],
  ['recall-requested + 15', S('recall-requested', 'received'), st('15'), S('recalled', 'received'), 'moved'],
  ['recall-requested + 03 means agreed', S('recall-requested', 'received'), st('03'), S('recalled', 'received'), 'moved'],
  ['recall-requested + 16', S('recall-requested', 'received'), st('16'), S('recall-refused', 'received'), 'moved'],
  ['recall-requested + 02 means refused recall', S('recall-requested', 'received'), st('02'), S('recall-refused', 'received'), 'moved'],
  ['recall-requested + 04 records progress, keeps status', S('recall-requested', 'received'), st('04'), S('recall-requested', 'assigned'), 'moved'],
  ['recall-requested + 01 (older)', S('recall-requested', 'received'), st('01'), S('recall-requested', 'received'), 'out-of-order'],
  ['recall-requested(sent) + DSN failed', S('recall-requested', 'sent'), dsn('failed'), S('bounced', 'sent'), 'moved'],
  ['recall-refused + 05 resumes the main line', S('recall-refused', 'received'), st('05'), S('processing'), 'moved'],
  ['recall-refused + 03 (older)', S('recall-refused', 'received'), st('03'), S('recall-refused', 'received'), 'duplicate'],
  ['recall-refused + 15 (changed their mind)', S('recall-refused', 'received'), st('15'), S('recalled', 'received'), 'moved'],
  ['recall-refused + recall again', S('recall-refused', 'received'), RECALL, S('recall-requested', 'received'), 'moved'],
  ['recall-refused + 16 again', S('recall-refused', 'received'), st('16'), S('recall-refused', 'received'), 'duplicate'],
  ['recall-refused + 02 repeats the refusal of the recall', S('recall-refused', 'received'), st('02'), S('recall-refused', 'received'), 'duplicate'],
  ['recalled + 03 repeats the agreement', S('recalled', 'received'), st('03'), S('recalled', 'received'), 'duplicate'],
  ['recalled + 15 again', S('recalled', 'received'), st('15'), S('recalled', 'received'), 'duplicate'],
  ['recalled + 06', S('recalled', 'received'), st('06'), S('recalled', 'received'), 'out-of-order'],
  // --- illegal
  ['sent + 15 without a recall', S('sent'), st('15'), S('sent'), 'illegal'],
  ['received + 16 without a recall', S('received'), st('16'), S('received'), 'illegal'],
  ['13 is the sender\'s code', S('received'), st('13'), S('received'), 'illegal'],
  ['unknown code 07', S('sent'), st('07'), S('sent'), 'illegal'],
  ['garbage code', S('sent'), st('x'), S('sent'), 'illegal'],
];

for (const [title, from, event, next, effect] of cases) {
  test(`${title} → ${next.status}/${next.progress} (${effect})`, (t) => {
    const r = applyEvent(from, event);
    t.deepEqual(r, { next, effect });
  });
}

const ALL_EVENTS: RecipientEvent[] = [
  SENT, RECALL, LATE, MDN, { type: 'send-failed' }, { type: 'expired' },
  dsn('delivered'), dsn('failed'), dsn('delayed'), dsn('relayed'), dsn('expanded'),
  ...['01', '02', '03', '04', '05', '06', '13', '15', '16', '99'].map(st),
];
const ALL_STATES: RecipientState[] = RECIPIENT_STATUSES.flatMap((status) =>
  (PROGRESS as readonly Progress[]).map((progress) => ({ status, progress })),
);

test('invariants over every (state, event): progress never goes back; only moved changes state; terminal ends hold', (t) => {
  for (const from of ALL_STATES) {
    for (const event of ALL_EVENTS) {
      const { next, effect } = applyEvent(from, event);
      const label = `${from.status}/${from.progress} + ${JSON.stringify(event)}`;
      t.true(PROGRESS.indexOf(next.progress) >= PROGRESS.indexOf(from.progress), label);
      if (effect !== 'moved') t.is(next, from, label);
      else t.notDeepEqual(next, from, label);
      if (['refused', 'bounced', 'expired', 'recalled'].includes(from.status)) t.not(effect, 'moved', label);
      // A second application of the same event never moves again.
      if (effect === 'moved') t.not(applyEvent(next, event).effect, 'moved', `${label} twice`);
    }
  }
});

test('a realistic out-of-order sequence ends at the furthest evidence', (t) => {
  const events = [SENT, st('03'), dsn('delivered'), st('01'), MDN, st('03'), st('05'), st('04'), dsn('failed')];
  let s = INITIAL_RECIPIENT_STATE;
  const effects = events.map((e) => {
    const r = applyEvent(s, e);
    s = r.next;
    return r.effect;
  });
  t.deepEqual(s, S('processing'));
  t.deepEqual(effects, ['moved', 'moved', 'out-of-order', 'out-of-order', 'out-of-order', 'duplicate', 'moved', 'out-of-order', 'out-of-order']);
});

test('labels and terminal set', (t) => {
  for (const s of RECIPIENT_STATUSES) t.true(RECIPIENT_STATUS_LABEL[s].length > 0);
  t.true(isTerminal('done'));
  t.true(isTerminal('recalled'));
  t.false(isTerminal('recall-refused'));
  t.false(isTerminal('overdue'));
});
