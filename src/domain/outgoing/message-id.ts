import { BridgeError } from '../../errors.js';

/**
 * Deterministic Message-IDs on our domain (docs/mail.md §Message-IDs): derived from (document, recipient) so a
 * resend after a crash or a retry reuses the same id, and every DSN (Original-Message-ID, ENVID),
 * MDN or reply (In-Reply-To, References) leads back to the pair. RFC 5322 §3.6.4: msg-id is
 * "<" dot-atom-text "@" domain ">"; each part is encoded into atext so the id stays reversible.
 */

/** Kinds of mail we originate. */
export type MessageIdKind = 'document' | 'status' | 'recall' | 'notice';

/** The ids each kind is derived from. */
export type MessageIdParts =
  | { kind: 'document'; docId: string; recipient: string }
  | { kind: 'status'; docId: string; recipient: string; code: string }
  | { kind: 'recall'; docId: string; recipient: string; round: string }
  | { kind: 'notice'; docId: string };

type Ids<K extends MessageIdKind> = Omit<Extract<MessageIdParts, { kind: K }>, 'kind'>;

// Local-part prefix and field order per kind. Changing these breaks matching of mails already sent.
const LAYOUT: { readonly [K in MessageIdKind]: { prefix: string; fields: ReadonlyArray<keyof Ids<K>> } } = {
  document: { prefix: 'doc', fields: ['docId', 'recipient'] },
  status: { prefix: 'st', fields: ['docId', 'recipient', 'code'] },
  recall: { prefix: 'recall', fields: ['docId', 'recipient', 'round'] },
  notice: { prefix: 'notice', fields: ['docId'] },
};
const DOMAIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Where our ids come from: our Message-ID domain and this installation's random id (docs/mail.md §Message-IDs). */
export type IdOrigin = { domain: string; installation: string };

/** An installation id as it stands in a Message-ID: `i` + 16 lowercase hex digits (never an encoded field: those are uppercase or contain `-`/`=`). */
const INSTALLATION_RE = /^i[0-9a-f]{16}$/;

/**
 * `<doc.{docId}.{recipient}.i{installation}@{domain}>` and siblings; same inputs, same id. The
 * installation id (random, made at the first start and kept in the database) makes ids unique
 * across databases: the derived parts (a register number, a row id) start again in a new database.
 */
export function messageIdFor<K extends MessageIdKind>(kind: K, ids: Ids<K>, origin: IdOrigin): string {
  const { domain, installation } = origin;
  if (!/^[0-9a-f]{16}$/.test(installation)) throw new BridgeError('INTERNAL', `messageIdFor(${kind}): installation id ${JSON.stringify(installation)} is not 16 hex digits`);
  if (!DOMAIN_RE.test(domain)) throw new BridgeError('CONFIG_INVALID', `Not a mail domain: ${JSON.stringify(domain)}`);
  const layout = LAYOUT[kind] as { prefix: string; fields: ReadonlyArray<string> };
  const values = layout.fields.map((f) => {
    const v = String((ids as Record<string, unknown>)[f] ?? '');
    if (v === '') throw new BridgeError('INTERNAL', `messageIdFor(${kind}): ${f} is empty`);
    return encodePart(v);
  });
  return `<${[layout.prefix, ...values, `i${installation}`].join('.')}@${domain.toLowerCase()}>`;
}

/** The parts of one of our Message-IDs on `domain` (angle brackets optional), or null. */
export function parseOurMessageId(id: string, domain: string): MessageIdParts | null {
  const m = /^<?\s*([^<>@\s]+)@([^<>@\s]+?)\s*>?$/.exec(id.trim());
  if (!m || m[2]!.toLowerCase() !== domain.toLowerCase()) return null;
  const [prefix, ...rest] = m[1]!.split('.');
  // Ids made before installation ids existed have no such last part; both parse.
  const encoded = rest.length > 0 && INSTALLATION_RE.test(rest.at(-1)!) ? rest.slice(0, -1) : rest;
  for (const [kind, layout] of Object.entries(LAYOUT) as Array<[MessageIdKind, { prefix: string; fields: readonly string[] }]>) {
    if (layout.prefix !== prefix?.toLowerCase() || layout.fields.length !== encoded.length) continue;
    const out: Record<string, string> = { kind };
    for (let i = 0; i < encoded.length; i++) {
      const v = decodePart(encoded[i]!);
      if (v === null) return null;
      out[layout.fields[i]!] = v;
    }
    return out as MessageIdParts;
  }
  return null;
}

/** Letters, digits and '-' stay; '.' (frequent in agency codes 000.00.31.H62) becomes '_'; other bytes =HH. */
export function encodePart(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value.normalize('NFC'), 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9-]/.test(c)) out += c;
    else if (c === '.') out += '_';
    else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Inverse of encodePart; null when the text is not a valid encoding. */
export function decodePart(encoded: string): string | null {
  if (encoded === '' || !/^(?:[A-Za-z0-9_-]|=[0-9A-Fa-f]{2})+$/.test(encoded)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded[i]!;
    if (c === '=') {
      bytes.push(parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c === '_' ? 0x2e : c.charCodeAt(0));
  }
  const text = Buffer.from(bytes).toString('utf8');
  return encodePart(text) === encoded.replace(/=([0-9a-f]{2})/g, (_, h: string) => `=${h.toUpperCase()}`) ? text : null;
}
