/**
 * `edoc-bridge verify FILE.pdf [--trust CA.pem]... [--crl FILE]... [--json]` (docs/signatures.md §The verify JSON): the signature
 * verdicts of docs/signatures.md §Verdicts. `--trust` replaces the configured anchors; without it the configured trust
 * (if any config is given) is used, else no anchors (chains are then indeterminate).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliContext, Command } from '../command.js';
import { println, printJson } from '../command.js';
import { BridgeError } from '../../errors.js';
import { verifyPdf, summarizeVi, type TrustConfig, type DocumentVerification } from '../../signature/index.js';
import { splitPem, parseCert } from '../../signature/cert.js';
import { systemClock } from '../../io/clock.js';

const USAGE = 'verify FILE.pdf [--trust CA.pem]... [--crl FILE]... [--intermediate CA.pem]... [--ocsp] [--allow none|form-filling|annotations] [--json]';

/** Read a list of files given on the command line or in the config; a missing file is a usage error. */
async function readAll(ctx: CliContext, files: string[], what: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const f of files) {
    try {
      out.push(await readFile(path.resolve(ctx.cwd, f)));
    } catch (err) {
      throw new BridgeError('USAGE', `cannot read ${what} ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return out;
}

/** Anchors from --trust must hold at least one certificate each. */
function checkCerts(bufs: Buffer[], files: string[]): void {
  bufs.forEach((b, i) => {
    // A block that does not parse as a certificate is just not one (the file may hold a key or a CRL too).
    const ok = splitPem(b).some(d => { try { parseCert(d); return true; } catch { return false; } });
    if (!ok) throw new BridgeError('USAGE', `no certificate in ${files[i]}`);
  });
}

/** The trust configuration: --trust wins; otherwise the config's `trust` when a config is given. */
async function trustFor(ctx: CliContext, v: { trust: string[]; crl: string[]; intermediate: string[]; ocsp: boolean }): Promise<TrustConfig> {
  const extraCrls = await readAll(ctx, v.crl, 'CRL');
  const extraInter = await readAll(ctx, v.intermediate, 'intermediate');
  if (v.trust.length) {
    const anchors = await readAll(ctx, v.trust, 'trust anchor');
    checkCerts(anchors, v.trust);
    return { anchors, intermediates: extraInter, crls: extraCrls, ocsp: v.ocsp };
  }
  let cfg;
  try {
    cfg = await ctx.loadConfig();
  } catch (err) {
    // No config named at all: verify without anchors (docs/signatures.md §Trust anchors); a named but broken config is an error.
    if (err instanceof BridgeError && err.code === 'CONFIG_NOT_FOUND' && /^no configuration/.test(err.message)) {
      return { anchors: [], intermediates: extraInter, crls: extraCrls, ocsp: v.ocsp };
    }
    throw err;
  }
  const t = cfg.trust;
  return {
    anchors: await readAll(ctx, t.anchors, 'trust anchor'),
    intermediates: [...(await readAll(ctx, t.intermediates, 'intermediate')), ...extraInter],
    crls: [...(await readAll(ctx, t.crls, 'CRL')), ...extraCrls],
    ocsp: v.ocsp || t.ocsp,
  };
}

/** Human-readable lines (English keys), then the Vietnamese summary for clerks. */
export function formatVerification(file: string, r: DocumentVerification): string[] {
  const out = [`file: ${file}`, `verdict: ${r.verdict}`];
  if (r.reasons.length) out.push(`reasons: ${r.reasons.join(', ')}`);
  if (r.warnings.length) out.push(`warnings: ${r.warnings.join(', ')}`);
  r.signatures.forEach((s, i) => {
    out.push(`signature ${i + 1}: ${s.verdict}${s.reasons.length ? ` (${s.reasons.join(', ')})` : ''}`);
    out.push(`  signer: ${s.signer ?? '?'}${s.organization ? `, ${s.organization}` : ''}`);
    if (s.signingTime) out.push(`  signing time: ${s.signingTime} (${s.signingTimeSource})`);
    out.push(`  coverage: ${s.coverage}; modification after signing: ${s.modification}`);
    out.push(`  integrity: ${s.integrity}; chain: ${s.chain}; revocation: ${s.revocation}`);
    for (const pr of s.problems) out.push(`  problem: ${pr}`);
  });
  for (const pr of r.problems) out.push(`problem: ${pr}`);
  out.push('', summarizeVi(r));
  return out;
}

/** The `verify` command. */
export const verifyCommand: Command = {
  path: ['verify'],
  summary: 'Verify the digital signatures of a PDF (verdict per signature and per document)',
  usage: USAGE,
  async run(ctx, argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv, allowPositionals: true, strict: true,
        options: {
          trust: { type: 'string', multiple: true, default: [] },
          crl: { type: 'string', multiple: true, default: [] },
          intermediate: { type: 'string', multiple: true, default: [] },
          ocsp: { type: 'boolean', default: false },
          allow: { type: 'string' },
          json: { type: 'boolean', default: false },
        },
      });
    } catch (err) {
      println(ctx.stderr, `error: ${(err as Error).message} (usage: edoc-bridge ${USAGE})`);
      return 2;
    }
    const v = parsed.values;
    if (parsed.positionals.length !== 1) {
      println(ctx.stderr, `error: expected one FILE.pdf (usage: edoc-bridge ${USAGE})`);
      return 2;
    }
    const allow = v.allow ?? 'none';
    if (!['none', 'form-filling', 'annotations'].includes(allow)) {
      println(ctx.stderr, `error: --allow must be none, form-filling or annotations`);
      return 2;
    }
    const file = parsed.positionals[0]!;
    let pdf: Buffer;
    try {
      pdf = await readFile(path.resolve(ctx.cwd, file));
    } catch (err) {
      println(ctx.stderr, `error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return 1;
    }
    const trust = await trustFor(ctx, { trust: v.trust!, crl: v.crl!, intermediate: v.intermediate!, ocsp: v.ocsp! });
    const result = await verifyPdf(pdf, trust, { now: systemClock.now(), fetch: globalThis.fetch, allowedModification: allow as 'none' });
    if (v.json) printJson(ctx, { file, ...result, summaryVi: summarizeVi(result) });
    else for (const line of formatVerification(file, result)) println(ctx.stdout, line);
    return 0;
  },
};
