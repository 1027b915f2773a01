/**
 * Document-level verification (SPEC §4): every signature, then the incremental updates after each one
 * (xref audit + object diff), then the policy that lets a later signature cover annotations and form
 * filling (Decree 30/2020 flow: leader signs, clerk numbers, agency signs).
 */
import { PdfFile } from './pdf-file.js';
import { PdfDict, PdfStream } from './pdf-lexer.js';
import { findSignatureFields, countRawByteRanges } from './byte-range.js';
import { checkSignature, type Checked } from './signature-check.js';
import { trustStore, type TrustConfig } from './chain.js';
import { auditRevision, trailingGarbage } from './xref-audit.js';
import { diffRevision, maxLevel, LEVEL_RANK, type Change, type ModLevel } from './object-diff.js';
import { verdictOf, type ReasonCode, type WarningCode } from './reasons.js';
import type { DocumentVerification, VerifyOptions, Verdict } from './types.js';

const DOCMDP_CAP = { 1: -1, 2: LEVEL_RANK['form-filling'], 3: LEVEL_RANK.annotations } as const;

/** Modification analysis of one revision (computed once, shared by all signatures). */
type RevisionAnalysis = { level: ModLevel; changes: Change[]; warnings: string[] };

function analyseRevision(file: PdfFile, r: number): RevisionAnalysis {
  const audit = auditRevision(file, r);
  let diff: { changes: Change[]; warnings: string[] } = { changes: [], warnings: [] };
  try { diff = diffRevision(file, r); } catch (e) { diff.changes.push({ object: -1, level: 'other', what: `update unreadable: ${(e as Error).message}` }); }
  const changes = [...audit.map(f => ({ object: f.object ?? -1, level: 'other' as const, what: f.why })), ...diff.changes];
  return { level: maxLevel(changes), changes: changes.filter(c => c.level !== 'none'), warnings: diff.warnings };
}

const empty = (verdict: Verdict, reasons: ReasonCode[], now: Date, problems: string[] = [], revisions = 0): DocumentVerification => ({
  verdict, reasons, warnings: [], signatures: [], revisions, lastRevisionSigned: false, validationTime: now.toISOString(), problems,
});

/** CRLs from the document security store /DSS /CRLs (ETSI EN 319 142-1 §5.4, PAdES LTV). */
function dssCrls(file: PdfFile): Buffer[] {
  try {
    const root = file.resolve(file.trailer.get('Root'));
    const dss = root instanceof PdfDict ? file.resolve(root.get('DSS')) : undefined;
    const list = dss instanceof PdfDict ? file.resolve(dss.get('CRLs')) : undefined;
    if (!Array.isArray(list)) return [];
    return list.flatMap(v => { const s = file.resolve(v); return s instanceof PdfStream ? [file.decode(s)] : []; });
  } catch {
    return [];
  }
}

/** Verify every signature in a PDF. Never throws on bad input: a non-PDF gives invalid/FORMAT_FAILURE. */
export async function verifyPdf(pdf: Buffer, trust: TrustConfig, opts: VerifyOptions): Promise<DocumentVerification> {
  const now = opts.now;
  try {
    return await verifyInner(pdf, trust, opts, now);
  } catch (e) {
    return empty('invalid', ['FORMAT_FAILURE'], now, [`internal: ${(e as Error).message}`]);
  }
}

async function verifyInner(pdf: Buffer, trust: TrustConfig, opts: VerifyOptions, now: Date): Promise<DocumentVerification> {
  let file: PdfFile;
  try {
    file = new PdfFile(pdf);
  } catch (e) {
    const isPdf = pdf.subarray(0, 1024).includes('%PDF-');
    // A damaged PDF with no signature dictionary at all is simply unsigned; anything else is malformed.
    if (isPdf && countRawByteRanges(pdf) === 0) return empty('unsigned', ['NO_SIGNATURE_FOUND'], now, [`damaged PDF: ${(e as Error).message}`]);
    return empty('invalid', ['FORMAT_FAILURE'], now, [isPdf ? `unreadable PDF: ${(e as Error).message}` : 'not a PDF file']);
  }
  const fields = findSignatureFields(file);
  const raw = countRawByteRanges(pdf);
  if (fields.length === 0) {
    if (raw > 0) return empty('invalid', ['FORMAT_FAILURE'], now, ['signature dictionaries not reachable from the form'], file.revisions.length);
    return empty('unsigned', ['NO_SIGNATURE_FOUND'], now, [], file.revisions.length);
  }
  const store = trustStore(trust);
  const checked: Checked[] = [];
  const docCrls = dssCrls(file);
  for (const f of fields) checked.push(await checkSignature(pdf, f, store, { now, fetch: opts.fetch }, docCrls));
  const warnings = new Set<WarningCode>();
  if (raw > fields.length) warnings.add('ORPHAN_SIGNATURE_DICTIONARY');
  applyModificationPolicy(file, checked, opts, warnings);
  const sigs = checked.map(c => c.report);
  sigs.sort((a, b) => (a.byteRange?.[2] ?? 0) + (a.byteRange?.[3] ?? 0) - ((b.byteRange?.[2] ?? 0) + (b.byteRange?.[3] ?? 0)));
  for (const s of sigs) for (const w of s.warnings) warnings.add(w);
  const reasons = [...new Set(sigs.flatMap(s => s.reasons))];
  const lastRevisionSigned = sigs.some(s => s.coversWholeDocument && s.integrity === 'intact');
  return {
    verdict: verdictOf(reasons), reasons, warnings: [...warnings], signatures: sigs, revisions: file.revisions.length,
    lastRevisionSigned, validationTime: now.toISOString(), problems: [...file.problems],
  };
}

/**
 * For each signature, classify the updates after its revision. OTHER always fails; up to ANNOTATIONS
 * passes when a later signature that is not invalid covers the update, or when `allowedModification`
 * allows it (pyHanko's whitelist model; EN 319 102-1 FORMAT_FAILURE for disallowed changes).
 */
function applyModificationPolicy(file: PdfFile, checked: Checked[], opts: VerifyOptions, warnings: Set<WarningCode>): void {
  const cache = new Map<number, RevisionAnalysis>();
  const analysis = (r: number) => { let a = cache.get(r); if (!a) { a = analyseRevision(file, r); cache.set(r, a); } return a; };
  const allowed = LEVEL_RANK[opts.allowedModification ?? 'none'];
  const last = file.revisions.length - 1;
  const garbage = trailingGarbage(file);
  const revOf = (c: Checked) => (c.signedEnd === null ? -1 : c.signedEnd === file.buf.length ? last : file.revisionEndingAt(c.signedEnd));
  // Newest first, so that a later signature's final verdict is known when an earlier one asks for cover.
  // A covering signature must be intact, not invalid, and chain to a trust anchor (a rogue signer cannot bless changes).
  const covers = (o: Checked) => o.report.integrity === 'intact' && o.report.verdict !== 'invalid' && o.report.chain !== 'untrusted' && o.report.chain !== 'not-checked';
  const order = [...checked].sort((a, b) => (b.signedEnd ?? -1) - (a.signedEnd ?? -1));
  for (const c of order) {
    const rep = c.report;
    if (c.signedEnd === null) continue;
    const k = revOf(c);
    const fail = (why: string) => { rep.reasons = [...new Set([...rep.reasons, 'FORMAT_FAILURE' as ReasonCode])]; rep.problems.push(why); };
    if (k < 0) { fail('the signed bytes are not a revision of this file'); rep.modification = 'other'; }
    else {
      const coveredUpTo = Math.max(-1, ...checked.filter(o => o !== c && covers(o) && revOf(o) > k).map(revOf));
      for (let r = k + 1; r <= last; r++) {
        const a = analysis(r);
        rep.modifications.push(...a.changes);
        for (const w of a.warnings) warnings.add(w as WarningCode);
        if (LEVEL_RANK[a.level] > LEVEL_RANK[rep.modification]) rep.modification = a.level;
        // DocMDP caps what any later signature may cover (ISO 32000-1 §12.8.2.2).
        if (rep.docMdp === 1) fail(`revision ${r + 1}: the certification signature (DocMDP P=1) forbids any change`);
        else if (rep.docMdp && LEVEL_RANK[a.level] > DOCMDP_CAP[rep.docMdp]) fail(`revision ${r + 1}: ${a.level} exceeds DocMDP P=${rep.docMdp}`);
        if (a.level === 'other') fail(`revision ${r + 1}: ${a.changes.filter(x => x.level === 'other').map(x => x.what).join('; ')}`);
        else if (LEVEL_RANK[a.level] > allowed && r > coveredUpTo) fail(`revision ${r + 1}: ${a.level} not covered by a later signature`);
        else if (LEVEL_RANK[a.level] > 0) rep.warnings.push('MODIFIED_COVERED_BY_LATER_SIGNATURE');
      }
      if (garbage && !rep.coversWholeDocument) { fail('data after the last %%EOF'); rep.modification = 'other'; }
    }
    rep.warnings = [...new Set(rep.warnings)];
    rep.verdict = verdictOf(rep.reasons);
  }
}
