/**
 * The edXML Status packet `trangthai.edxml` (docs/edxml.md §The status packet). We emit a bare `edXML:Status` root in
 * the QCVN namespace; the parser also accepts the SOAP-wrapped form seen from a C# peer
 * (`SOAP-ENV:Envelope/SOAP-ENV:Header/edXML:Status`), with either namespace on the prefix.
 */
import { formatEdxmlTimestamp, parseEdxmlTimestamp } from '../domain/document/dates.js';
import { EDXML_NS, normalizeStatusCode } from './codes.js';
import { buildOrgan, buildResponseFor, buildStaff, dropUndefined, parseOrgan, parseResponseFor, parseStaff } from './common.js';
import { child, el, find, readXml, text } from './xml.js';
import type { StatusInput, StatusParse } from './types.js';

/** Build `trangthai.edxml` from plain data. */
export function buildStatus(s: StatusInput): string {
  const i = '  ';
  return (
    `<?xml version="1.0" encoding="utf-8"?>\n` +
    `<edXML:Status xmlns:edXML="${EDXML_NS}">\n` +
    buildResponseFor(s.responseFor, i) +
    buildOrgan('From', s.from, i) +
    el('StatusCode', s.statusCode, i) +
    el('Description', s.description ?? '', i) +
    el('Timestamp', formatEdxmlTimestamp(s.timestamp), i) +
    (s.staff ? buildStaff(s.staff, i) : '') +
    `</edXML:Status>\n`
  );
}

/** Parse a Status packet leniently: never throws; `ok` is false when there is no usable status code. */
export function parseStatus(xml: string | Buffer): StatusParse {
  const out: StatusParse = { ok: false, errors: [], warnings: [], statusCode: null };
  const r = readXml(xml);
  if (!r.root) {
    out.errors.push(r.error);
    return out;
  }
  const st = find(r.root, 'Status');
  if (!st) {
    out.errors.push('no Status element');
    return out;
  }
  out.responseFor = parseResponseFor(child(st, 'ResponseFor'));
  out.from = parseOrgan(child(st, 'From'));
  const raw = text(st, 'StatusCode');
  out.rawStatusCode = raw;
  out.statusCode = normalizeStatusCode(raw);
  if (raw === undefined) out.errors.push('no StatusCode');
  else if (out.statusCode === null) out.errors.push(`unknown StatusCode ${raw}`);
  out.description = text(st, 'Description');
  const ts = text(st, 'Timestamp');
  out.timestamp = parseEdxmlTimestamp(ts) ?? undefined;
  if (ts && !out.timestamp) out.warnings.push(`unreadable Timestamp ${ts}`);
  out.staff = parseStaff(child(st, 'StaffInfo'));
  dropUndefined(out);
  out.ok = out.errors.length === 0;
  return out;
}
