/** The additive migrations of this version: down and up again, and old outbox rows converted once. */
import test from 'ava';
import { migrate } from '../../src/db/connect.js';
import { createTestDb, seedAgencies } from '../helpers/db.js';

test('outbox rows written as "category: reply" get their category and action as columns; down and up again work', async t => {
  const { db, close } = await createTestDb();
  try {
    const dir = { directory: new URL('../../migrations/', import.meta.url).pathname, loadExtensions: ['.js'] };
    // Back to before the outbox outcome columns (and the sealing state, and the web app's tables after them).
    await db.migrate.down(dir);
    await db.migrate.down(dir);
    await db.migrate.down(dir);
    await db.migrate.down(dir);
    t.false(await db.schema.hasColumn('outbox', 'last_category'));
    t.false(await db.schema.hasColumn('outgoing_documents', 'submitted_to'));
    await seedAgencies(db, ['000.00.31.H62']);
    const row = (key: string, state: string, lastError: string | null) => ({
      agency_code: '000.00.31.H62', kind: 'document', dedupe_key: key, message_id: `<${key}@x>`, to_address: 'a@b.vn', subject: 's', message: '{}', priority: 0,
      state, attempts: 1, next_attempt_at: '2026-11-20T03:00:00Z', created_at: '2026-11-20T03:00:00Z', last_error: lastError,
    });
    await db('outbox').insert([
      row('bounced', 'failed', 'recipient: 550 5.1.1 <a@b.vn>: User unknown'),
      row('expired', 'failed', 'transient: 451 4.3.0 try later'),
      row('policy-retry', 'deferred', 'mailbox-full: 552 5.2.2 Mailbox full'),
      row('network', 'deferred', 'network: Connection timeout'),
      row('plain', 'failed', 'agency X is no longer configured'),
      row('sent', 'sent', null),
    ]);
    t.deepEqual(await migrate(db), ['20261122000200_outbox_outcome.js', '20261122000300_outgoing_sealing.js', '20261202000000_web_accounts.js', '20261202100000_intake_isolation.js']);
    const got = await db('outbox').orderBy('id').select('dedupe_key', 'last_category', 'last_action', 'last_error');
    t.deepEqual(
      got.map(r => [r.dedupe_key, r.last_category, r.last_action, r.last_error]),
      [
        ['bounced', 'recipient', 'fail', '550 5.1.1 <a@b.vn>: User unknown'],
        ['expired', 'transient', 'retry', '451 4.3.0 try later'],
        ['policy-retry', 'mailbox-full', 'retry', '552 5.2.2 Mailbox full'],
        ['network', 'network', 'retry', 'Connection timeout'],
        ['plain', null, null, 'agency X is no longer configured'],
        ['sent', null, null, null],
      ],
    );
  } finally {
    await close();
  }
});
