/**
 * What the web app adds to Fastify's types: each route's access rule (its `config`), and the
 * actor a request acts as once the guard has checked it (docs/security.md §Layers).
 */
import type { Account } from '../db/accounts.js';
import type { TokenRow } from '../db/tokens.js';

/**
 * How a route is reached. `session` (the default when a route says nothing, so no route is left
 * open by mistake): a logged-in account, CSRF token and same origin on state changes. `bearer`:
 * an API token. `public`: login page, probes, assets, the OpenAPI document.
 */
export type RouteAccess = {
  auth?: 'session' | 'bearer' | 'public';
  /** Only operators; anyone else gets 404 (the page does not exist for them). */
  operatorOnly?: boolean;
  /** Changes something: viewers are refused (403). Implied for POST routes; `false` for one a viewer may use (logout, own password). */
  write?: boolean;
  /** A multipart route: how many files it takes (a body announcing more than that many maximal files is refused unread). */
  uploadFiles?: number;
};

/** Who acts: an account (web) or a token (API), and from where. */
export type Actor = { kind: 'account'; id: number; name: string; address: string } | { kind: 'token'; id: number; name: string; agency: string; address: string };

declare module 'fastify' {
  interface FastifyContextConfig extends RouteAccess {}
  interface FastifyRequest {
    account?: Account;
    token?: TokenRow;
    actor?: Actor;
  }
}

declare module '@fastify/session' {
  interface FastifySessionObject {
    accountId?: number;
    expiresAt?: string;
    address?: string;
    flash?: string;
  }
}

/** "Nguyễn Văn A (nva)" or "token 3 (hệ thống QLVB)": how the actor is written in histories. */
export function actorLabel(a: Actor): string {
  return a.kind === 'account' ? a.name : `API: ${a.name} (#${a.id})`;
}
