/**
 * RFC 3161 client over HTTP (§3.4): POST application/timestamp-query, then the protocol checks of
 * `signature/seal/tsa-protocol.ts`. The I/O half of sealing with a timestamp (signature/ stays pure).
 */
import crypto from 'node:crypto';
import { BridgeError } from '../errors.js';
import { timeStampRequest, tokenFromResponse } from '../signature/seal/tsa-protocol.js';
import type { TsaClient } from '../signature/index.js';

/** Sends a DER TimeStampReq to a URL and returns the DER TimeStampResp. */
export type TsaTransport = (url: string, body: Buffer) => Promise<Buffer>;

/** The HTTP transport over a `fetch` (the Ports fetch in the service; a fake in tests). */
export function fetchTransport(fetchImpl: typeof globalThis.fetch): TsaTransport {
  return async (url, body) => {
    const res = await fetchImpl(url, { method: 'POST', body, headers: { 'content-type': 'application/timestamp-query' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new BridgeError('SIGNING_FAILED', `TSA HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
}

/** A TsaClient that asks the TSA at `url` (transport replaceable for tests; default: global fetch). */
export function httpTsa(url: string, transport: TsaTransport = fetchTransport(globalThis.fetch)): TsaClient {
  return async (data: Buffer) => {
    // A random nonce binds the answer to this request (RFC 3161 §2.4.1); positive INTEGER.
    const nonce = crypto.randomBytes(8);
    nonce[0]! &= 0x7f;
    return tokenFromResponse(await transport(url, timeStampRequest(data, nonce)), data, nonce);
  };
}
