/**
 * What the updates after each signature mean for it (docs/signatures.md §What may change after
 * signing): every change of every later update, classified by the decision table, is allowed,
 * allowed only under cover, or forbidden according to PERMISSIONS for the signature's permission —
 * its own DocMDP P, the certification signature's P, or approval — and its FieldMDP locks.
 * Allowed changes become warnings; forbidden ones FORMAT_FAILURE (EN 319 102-1 for a disallowed change).
 */
import type { PdfFile } from './pdf-file.js';
import { rethrowLimit } from './pdf-limits.js';
import { CHANGE_TABLE, CLASS_LEVEL, LEVEL_RANK, PERMISSIONS, type ChangeClass, type ChangeRule, type Permission } from './change-table.js';
import { diffRevision, maxLevel, type UpdateDiff } from './object-diff.js';
import { revisionRoles, type Roles } from './revision-roles.js';
import { trailingGarbage } from './xref-audit.js';
import { isLocked } from './signature-facts.js';
import { finish } from './check-env.js';
import type { Checked } from './signature-check.js';
import type { ReasonCode, WarningCode } from './reasons.js';

/** Options of the policy. */
export type PolicyOptions = { allowedModification?: 'none' | 'form-filling' | 'annotations'; changeTable?: ChangeRule[] };

/** The warning an allowed change of each class gives (none for 'none' and 'signing'). */
const CLASS_WARNING: Partial<Record<ChangeClass, WarningCode>> = {
  ltv: 'LTV_DATA_ADDED', bookkeeping: 'BOOKKEEPING_AFTER_SIGNING', 'form-filling': 'FORM_FILLED_AFTER_SIGNING',
  appearance: 'APPEARANCE_REGENERATED', annotation: 'ANNOTATIONS_CHANGED_AFTER_SIGNING',
};

/** Analyse every update once and judge each signature against the updates after it. */
export function applyModificationPolicy(file: PdfFile, checked: Checked[], opts: PolicyOptions, docWarnings: Set<WarningCode>): void {
  const table = opts.changeTable ?? CHANGE_TABLE;
  const roles = new Map<number, Roles>();
  const diffs = new Map<number, UpdateDiff>();
  const diffOf = (r: number): UpdateDiff => {
    let d = diffs.get(r);
    if (d) return d;
    try {
      let ro = roles.get(r - 1);
      if (!ro) { ro = revisionRoles(file, r - 1); roles.set(r - 1, ro); }
      d = diffRevision(file, r, ro, table);
    } catch (e) {
      rethrowLimit(e);
      d = { changes: [{ object: -1, level: 'other', class: 'forbidden', what: `update unreadable: ${(e as Error).message}` }], warnings: [] };
    }
    diffs.set(r, d);
    return d;
  };
  const allowedRank = LEVEL_RANK[opts.allowedModification === 'annotations' ? 'annotations' : 'none'];
  const last = file.revisions.length - 1;
  const garbage = trailingGarbage(file);
  const revOf = (c: Checked) => (c.signedEnd === null ? -1 : c.signedEnd === file.buf.length ? last : file.revisionEndingAt(c.signedEnd));
  // The certification signature's DocMDP applies to every signature after it (ISO 32000-2 §12.8.2.2).
  const cert = checked.filter(c => c.report.docMdp !== null && c.signedEnd !== null).sort((a, b) => revOf(a) - revOf(b))[0];
  // A covering signature (not a document timestamp) must be intact, not invalid, and chain to a trust
  // anchor (a rogue signer cannot bless changes).
  const covers = (o: Checked) => o.report.kind === 'signature' && o.report.integrity === 'intact' && o.report.verdict !== 'invalid' && o.report.chain !== 'untrusted' && o.report.chain !== 'not-checked';
  // Newest first, so that a later signature's final verdict is known when an earlier one asks for cover.
  for (const c of [...checked].sort((a, b) => (b.signedEnd ?? -1) - (a.signedEnd ?? -1))) {
    const rep = c.report;
    if (c.signedEnd === null) continue;
    const k = revOf(c);
    const reasons: ReasonCode[] = [];
    const fail = (why: string) => { reasons.push('FORMAT_FAILURE'); rep.problems.push(why); };
    if (k < 0) { fail('the signed bytes are not a revision of this file'); rep.modification = 'other'; finish(rep, reasons); continue; }
    const own = rep.docMdp ?? (cert && revOf(cert) <= k ? cert.report.docMdp : null);
    const perm: Permission = own ? (`P${own}` as Permission) : 'approval';
    const coveredUpTo = Math.max(-1, ...checked.filter(o => o !== c && covers(o) && revOf(o) > k).map(revOf));
    for (let r = k + 1; r <= last; r++) {
      const d = diffOf(r);
      for (const w of d.warnings) docWarnings.add(w as WarningCode);
      rep.modifications.push(...d.changes);
      for (const ch of d.changes) {
        const allowance = PERMISSIONS[ch.class][perm];
        if (ch.field && (ch.class === 'form-filling' || ch.class === 'appearance') && isLocked(c.locks, ch.field)) fail(`revision ${r + 1}: field ${ch.field} is locked by this signature (FieldMDP)`);
        else if (allowance === 'no') fail(`revision ${r + 1}: ${ch.what}${ch.class === 'forbidden' ? '' : ` (not allowed under ${perm === 'approval' ? 'an approval signature' : `DocMDP ${perm.replace('P', 'P=')}`})`}`);
        else if (allowance === 'cover') {
          if (r <= coveredUpTo) rep.warnings.push('MODIFIED_COVERED_BY_LATER_SIGNATURE');
          else if (LEVEL_RANK[CLASS_LEVEL[ch.class]] <= allowedRank) rep.warnings.push(CLASS_WARNING[ch.class]!);
          else fail(`revision ${r + 1}: ${ch.what} not covered by a later signature`);
        } else if (CLASS_WARNING[ch.class]) rep.warnings.push(CLASS_WARNING[ch.class]!);
      }
    }
    rep.modification = maxLevel(rep.modifications, LEVEL_RANK);
    if (garbage && !rep.coversWholeDocument) { fail('data after the last %%EOF'); rep.modification = 'other'; }
    finish(rep, reasons);
  }
}
