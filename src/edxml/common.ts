/** Pieces shared by the envelope and status builders/parsers: Organ, ResponseFor, StaffInfo. */
import { formatEdxmlDate, parseEdxmlDate } from '../domain/document/dates.js';
import { el, group, text, type XNode } from './xml.js';
import type { Organ, ResponseFor, StaffInfo } from './types.js';

/** Organ children in the order of the observed skeleton. */
export function buildOrgan(name: 'From' | 'To', o: Organ, indent: string): string {
  const i = indent + '  ';
  return group(
    name,
    el('OrganId', o.organId, i) +
      el('OrganizationInCharge', o.organizationInCharge ?? '', i) +
      el('OrganName', o.organName ?? '', i) +
      el('OrganAdd', o.organAdd ?? '', i) +
      el('Email', o.email ?? '', i) +
      el('Telephone', o.telephone ?? '', i) +
      el('Fax', o.fax ?? '', i) +
      el('Website', o.website ?? '', i),
    indent,
  );
}

/** Read an Organ element; undefined when absent (OrganId '' when missing). */
export function parseOrgan(n: XNode | undefined): Organ | undefined {
  if (!n) return undefined;
  const o: Organ = {
    organId: text(n, 'OrganId') ?? '',
    organName: text(n, 'OrganName'),
    organizationInCharge: text(n, 'OrganizationInCharge'),
    organAdd: text(n, 'OrganAdd'),
    email: text(n, 'Email'),
    telephone: text(n, 'Telephone'),
    fax: text(n, 'Fax'),
    website: text(n, 'Website'),
  };
  return dropUndefined(o);
}

/** ResponseFor element (dates written yyyy/MM/dd). */
export function buildResponseFor(r: ResponseFor, indent: string): string {
  const i = indent + '  ';
  return group(
    'ResponseFor',
    el('OrganId', r.organId ?? '', i) +
      el('Code', r.code ?? '', i) +
      el('PromulgationDate', r.promulgationDate ? formatEdxmlDate(r.promulgationDate) : '', i) +
      el('DocumentId', r.documentId ?? '', i),
    indent,
  );
}

/** Read a ResponseFor element; undefined when absent or empty. */
export function parseResponseFor(n: XNode | undefined): ResponseFor | undefined {
  if (!n) return undefined;
  const r = dropUndefined({
    organId: text(n, 'OrganId'),
    code: text(n, 'Code'),
    promulgationDate: parseEdxmlDate(text(n, 'PromulgationDate')) ?? undefined,
    documentId: text(n, 'DocumentId'),
  });
  return Object.keys(r).length > 0 ? r : undefined;
}

/** StaffInfo element. */
export function buildStaff(s: StaffInfo, indent: string): string {
  const i = indent + '  ';
  return group(
    'StaffInfo',
    el('Department', s.department ?? '', i) + el('Staff', s.staff ?? '', i) + el('Mobile', s.mobile ?? '', i) + el('Email', s.email ?? '', i),
    indent,
  );
}

/** Read a StaffInfo element; undefined when absent or empty. */
export function parseStaff(n: XNode | undefined): StaffInfo | undefined {
  if (!n) return undefined;
  const s = dropUndefined({ department: text(n, 'Department'), staff: text(n, 'Staff'), mobile: text(n, 'Mobile'), email: text(n, 'Email') });
  return Object.keys(s).length > 0 ? s : undefined;
}

/** Remove keys whose value is undefined (keeps JSON and deepEqual tidy). */
export function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A non-negative integer from text, or undefined. */
export function intOf(s: string | undefined): number | undefined {
  if (s === undefined || !/^\s*\d+\s*$/u.test(s)) return undefined;
  return Number(s);
}
