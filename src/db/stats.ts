import type { Db } from './connect.js';

/** `count(*)` of a query, as a number on SQLite and PostgreSQL (which returns a string). */
async function count(q: ReturnType<Db>): Promise<number> {
  return Number(((await q.count('* as n')) as Array<{ n: number | string }>)[0]?.n ?? 0);
}

/** How many of an agency's outgoing recipients are in each status (documents created in [from, to) when given). */
async function recipientsByStatus(db: Db, agencyCode: string, opts: { exclude?: string[]; from?: string; to?: string }): Promise<Array<{ status: string; count: number }>> {
  const q = db('outgoing_recipients')
    .join('outgoing_documents', 'outgoing_documents.id', 'outgoing_recipients.document_id')
    .where('outgoing_documents.agency_code', agencyCode)
    .groupBy('outgoing_recipients.status')
    .orderBy('outgoing_recipients.status')
    .select('outgoing_recipients.status as status')
    .count('* as n');
  if (opts.exclude?.length) q.whereNotIn('outgoing_recipients.status', opts.exclude);
  if (opts.from) q.where('outgoing_documents.created_at', '>=', opts.from);
  if (opts.to) q.where('outgoing_documents.created_at', '<', opts.to);
  const rows = (await q) as Array<{ status: string; n: number | string }>;
  return rows.map(r => ({ status: r.status, count: Number(r.n) }));
}

/** The day's figures of one hosted agency since `since` (ISO instant; the daily digest). */
export async function dayCounts(db: Db, agencyCode: string, since: string, finished: readonly string[]) {
  return {
    registered: await count(db('register_entries').where({ agency_code: agencyCode, status: 'registered' }).where('arrival_at', '>=', since)),
    held: await count(db('register_entries').where({ agency_code: agencyCode, status: 'held' })),
    refused: await count(db('received_mails').where({ agency_code: agencyCode, outcome: 'refused' }).where('processed_at', '>=', since)),
    quarantineOpen: await count(db('quarantine').where({ agency_code: agencyCode, state: 'open' })),
    outgoingToday: await count(db('outgoing_documents').where({ agency_code: agencyCode }).where('created_at', '>=', since)),
    waiting: await recipientsByStatus(db, agencyCode, { exclude: [...finished] }),
  };
}

/** The figures of one agency over [fromIso, toIso) (the six-monthly report, QĐ 1123 Art. 24). */
export async function periodCounts(db: Db, agencyCode: string, fromIso: string, toIso: string) {
  const entries = () => db('register_entries').where({ agency_code: agencyCode }).where('arrival_at', '>=', fromIso).where('arrival_at', '<', toIso);
  const received = () => db('received_mails').where({ agency_code: agencyCode }).where('received_at', '>=', fromIso).where('received_at', '<', toIso);
  const documents = () => db('outgoing_documents').where({ agency_code: agencyCode }).where('created_at', '>=', fromIso).where('created_at', '<', toIso);
  return {
    incoming: {
      registered: await count(entries()),
      legal: await count(entries().where({ legal_value: 'legal' })),
      reference: await count(entries().where({ legal_value: 'reference' })),
      paper: await count(entries().where({ source: 'paper' })),
      refused: await count(received().where({ outcome: 'refused' })),
      quarantined: await count(received().where({ state: 'quarantined' })),
      cancelled: await count(entries().where({ status: 'cancelled' })),
    },
    outgoing: { documents: await count(documents()), recipients: await recipientsByStatus(db, agencyCode, { from: fromIso, to: toIso }) },
  };
}
