/**
 * The hash chain over the events table (docs/hostile-input.md §Audit chain). Each row carries
 * prev_hash and hash = SHA-256(prev_hash ‖ "\n" ‖ canonicalEvent(row)); event_chain_head holds the
 * last row's id and hash. Appending locks the head by updating it first, inside the appending
 * transaction: on PostgreSQL that UPDATE takes the head row's lock (a second appender waits until
 * the first commits, then reads the new head); on SQLite it takes the database's write lock at once
 * (a read first would let two appenders read the same head, and the later write then fails with
 * SQLITE_BUSY instead of waiting). So two processes never chain onto the same head.
 */
import { createHash } from 'node:crypto';
import type { Db } from './connect.js';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

export type EventRow = { id: number; at: string; event: string; agency_code: string | null; ref_type: string | null; ref_id: number | null; data: string | null; prev_hash: string | null; hash: string | null };

/** The hashed content of a row (must match migrations/20261122000000_event_chain.js). */
export function canonicalEvent(r: Omit<EventRow, 'prev_hash' | 'hash'>): string {
  return JSON.stringify([Number(r.id), r.at, r.event, r.agency_code ?? null, r.ref_type ?? null, r.ref_id === null || r.ref_id === undefined ? null : Number(r.ref_id), r.data ?? null]);
}

/** hash of a row given its predecessor's hash. */
export function chainHash(prevHash: string, r: Omit<EventRow, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(`${prevHash}\n${canonicalEvent(r)}`).digest('hex');
}

type NewEventRow = Omit<EventRow, 'id' | 'at' | 'prev_hash' | 'hash'>;

/**
 * Insert one event chained onto the head, inside `trx` (a transaction: the head lock is held until
 * it commits). Returns the new row's id and hash.
 */
export async function insertChained(trx: Db, at: Date, row: NewEventRow): Promise<{ id: number; hash: string }> {
  const [one] = await insertChainedMany(trx, at, [row]);
  return one!;
}

/**
 * Insert events chained onto the head in the order given, inside `trx`, in four statements however
 * many there are (docs/operations.md §Throughput): lock and read the head (UPDATE … RETURNING),
 * insert the rows, set their links and hashes, move the head. Returns each row's id and hash.
 */
export async function insertChainedMany(trx: Db, at: Date, rows: NewEventRow[]): Promise<Array<{ id: number; hash: string }>> {
  if (rows.length === 0) return [];
  const now = at.toISOString();
  // Lock first (see the module comment); the same statement reads the head we now own.
  const [head] = (await trx('event_chain_head').where({ id: 1 }).update({ updated_at: now }).returning(['last_id', 'hash'])) as Array<{ last_id: number; hash: string }>;
  const inserted = (await trx('events')
    .insert(rows.map(r => ({ ...r, at: now, prev_hash: null, hash: null })))
    .returning(['id', 'event', 'agency_code', 'ref_type', 'ref_id', 'data'])) as Array<Omit<EventRow, 'at' | 'prev_hash' | 'hash'>>;
  // The chain follows the ids (verifyChain walks them in order), whatever order RETURNING gives.
  const chained: Array<{ id: number; prev: string; hash: string }> = [];
  let prev = head?.hash ?? GENESIS_HASH;
  for (const r of [...inserted].sort((a, b) => Number(a.id) - Number(b.id))) {
    const id = Number(r.id);
    const hash = chainHash(prev, { ...r, id, at: now });
    chained.push({ id, prev, hash });
    prev = hash;
  }
  const caseOf = (key: 'prev' | 'hash') => trx.raw(`case id ${chained.map(() => 'when ? then ?').join(' ')} end`, chained.flatMap(c => [c.id, c[key]]));
  await trx('events')
    .whereIn('id', chained.map(c => c.id))
    .update({ prev_hash: caseOf('prev'), hash: caseOf('hash') });
  const last = chained[chained.length - 1]!;
  if (head) await trx('event_chain_head').where({ id: 1 }).update({ last_id: last.id, hash: last.hash });
  else await trx('event_chain_head').insert({ id: 1, last_id: last.id, hash: last.hash, updated_at: now });
  // Returned in the caller's order: the rows were inserted in it, so their ids ascend with it.
  return chained.map(({ id, hash }) => ({ id, hash }));
}

/** The chain head: last row id and hash (genesis when the log is empty). */
export async function chainHead(db: Db): Promise<{ lastId: number; hash: string }> {
  const head = (await db('event_chain_head').where({ id: 1 }).first()) as { last_id: number; hash: string } | undefined;
  return head ? { lastId: Number(head.last_id), hash: head.hash } : { lastId: 0, hash: GENESIS_HASH };
}

export type ChainBreak = { rowId: number; problem: 'prev_hash' | 'hash' | 'head'; detail: string };
export type ChainReport = { ok: boolean; rows: number; head: { lastId: number; hash: string }; firstBreak: ChainBreak | null };

/** Walk the chain in id order and report the first broken link (see docs/hostile-input.md §Audit chain). */
export async function verifyChain(db: Db, opts: { batch?: number } = {}): Promise<ChainReport> {
  const head = await chainHead(db);
  let prev = GENESIS_HASH;
  let prevId = 0;
  let rows = 0;
  const report = (b: ChainBreak): ChainReport => ({ ok: false, rows, head, firstBreak: b });
  for (;;) {
    const batch = (await db('events').where('id', '>', prevId).orderBy('id').limit(opts.batch ?? 1000)) as EventRow[];
    if (batch.length === 0) break;
    for (const r of batch) {
      const id = Number(r.id);
      if (r.prev_hash !== prev) {
        const gap = id > prevId + 1 ? `; id(s) ${prevId + 1}${id - 1 > prevId + 1 ? `–${id - 1}` : ''} missing (deleted?)` : '';
        return report({ rowId: id, problem: 'prev_hash', detail: `prev_hash ${short(r.prev_hash)} is not the hash of row ${prevId || '(genesis)'} ${short(prev)}${gap}` });
      }
      const want = chainHash(prev, r);
      if (r.hash !== want) return report({ rowId: id, problem: 'hash', detail: `content does not match its hash (stored ${short(r.hash)}, computed ${short(want)}): the row was changed` });
      prev = r.hash;
      prevId = id;
      rows++;
    }
  }
  if (head.lastId !== prevId || head.hash !== prev) {
    return report({ rowId: head.lastId, problem: 'head', detail: `the head names row ${head.lastId} ${short(head.hash)}, the chain ends at row ${prevId} ${short(prev)}: rows at the end were deleted, or the head was changed` });
  }
  return { ok: true, rows, head, firstBreak: null };
}

function short(h: string | null): string {
  return h ? h.slice(0, 12) : '(none)';
}
