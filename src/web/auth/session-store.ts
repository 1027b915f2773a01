/**
 * The @fastify/session store, in the database (db/sessions.ts): sessions survive a restart, are
 * shared by every process, and end at once on logout, when the account is disabled or its
 * password changes. Only a SHA-256 of the session id is stored: a copy of the database does not
 * give anyone a live session.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/connect.js';
import { deleteSession, getSession, putSession } from '../../db/sessions.js';
import type { Clock } from '../../io/clock.js';

import type { SessionStore } from '@fastify/session';

type StoredSession = { accountId?: number; address?: string; expiresAt?: string };

function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/**
 * A session store for @fastify/session on our database. A logged-in session carries its own
 * `expiresAt` (set at login from the app's clock: an absolute lifetime); an anonymous one (the
 * login form's CSRF secret) lives `maxAgeMs`.
 */
export function databaseSessionStore(db: Db, clock: Clock, maxAgeMs: number): SessionStore {
  return {
    set(id, value, cb) {
      const session = value as unknown as StoredSession;
      const now = clock.now();
      const exp = session.expiresAt ? new Date(session.expiresAt) : new Date(now.getTime() + maxAgeMs);
      putSession(db, { idHash: hashId(id), accountId: session.accountId ?? null, data: JSON.stringify(session), address: session.address ?? null, expiresAt: exp.toISOString() }, now).then(() => cb(), cb);
    },
    get(id, cb) {
      getSession(db, hashId(id), clock.now()).then(row => cb(null, row ? JSON.parse(row.data) : null), err => cb(err));
    },
    destroy(id, cb) {
      deleteSession(db, hashId(id)).then(() => cb(), cb);
    },
  };
}
