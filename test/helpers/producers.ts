/**
 * Independent signature producers for interoperability fixtures, all driven from tests:
 * - OpenSSL: `openssl cms -sign` over the byte ranges of a placeholder written by our raw writer;
 * - @signpdf: its plain placeholder and its P12 signer (node-forge PKCS#7);
 * - a long-term extension written by hand: /DSS with certificates, CRLs and VRI, /Extensions
 *   (ESIC), and an RFC 3161 document timestamp, in one incremental update (ETSI EN 319 142-1 §5.4, §5.5).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import forge from 'node-forge';
import { RawUpdate, appendAnnot, appendField, firstPage, parse, pdfText, stream } from './raw-pdf.js';
import type { TestCert } from './pki.js';
import { readDer } from '../../src/signature/der.js';
import { PdfDict, PdfRef, PdfString } from '../../src/signature/pdf-lexer.js';

const MARK = '/ByteRange [0 /********** /********** /**********]';

/** A PDF date (UTC). */
const pdfDate = (d: Date) => `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

/** Append a signature field with an empty /Contents hole; `fill(content)` returns the CMS (or token) for the signed bytes. */
export async function signRaw(pdf: Buffer, o: { subFilter: string; timestamp?: boolean; reserve?: number; now: Date; rect?: number[]; name?: string; sigExtra?: string; widgetExtra?: string; extra?: (u: RawUpdate) => void }, fill: (content: Buffer) => Promise<Buffer>): Promise<Buffer> {
  const u = new RawUpdate(pdf);
  const page = firstPage(u);
  const reserve = o.reserve ?? 12000;
  const sig = u.add(`<< /Type /${o.timestamp ? 'DocTimeStamp' : 'Sig'} /Filter /Adobe.PPKLite /SubFilter /${o.subFilter} ${MARK} /Contents <${'0'.repeat(reserve * 2)}>${o.timestamp ? '' : ` /M (${pdfDate(o.now)})`}${o.sigExtra ?? ''} >>`);
  const widget = u.add(`<< /Type /Annot /Subtype /Widget /FT /Sig /Rect [${(o.rect ?? [0, 0, 0, 0]).join(' ')}] /F 132 /P ${page} 0 R /T ${pdfText(o.name ?? `Sig${sig}`)} /V ${sig} 0 R${o.widgetExtra ?? ''} >>`);
  appendAnnot(u, page, widget);
  appendField(u, widget, true);
  o.extra?.(u);
  const out = u.finish();
  const mark = out.indexOf(MARK, pdf.length, 'latin1');
  const holeStart = out.indexOf('/Contents <', mark, 'latin1') + 10;
  const holeEnd = out.indexOf('>', holeStart) + 1;
  const br = [0, holeStart, holeEnd, out.length - holeEnd];
  out.write(`/ByteRange [${br.join(' ')}]`.padEnd(MARK.length, ' '), mark, 'latin1');
  const cms = await fill(Buffer.concat([out.subarray(0, holeStart), out.subarray(holeEnd)]));
  if (cms.length * 2 > holeEnd - holeStart - 2) throw new Error('CMS larger than the placeholder');
  out.write(cms.toString('hex'), holeStart + 1, 'latin1');
  return out;
}

/** `openssl cms -sign` (detached, DER) over `content`; `cades` adds ESS signing-certificate-v2. */
export function opensslCms(content: Buffer, cert: TestCert, chain: TestCert[], o: { md?: string; cades?: boolean; noattr?: boolean; nodetach?: boolean; cosigner?: TestCert } = {}): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-openssl-'));
  try {
    const f = (n: string, b: Buffer | string) => { const q = path.join(dir, n); fs.writeFileSync(q, b); return q; };
    const args = ['cms', '-sign', '-binary', '-outform', 'DER', '-in', f('content.bin', content), '-signer', f('cert.pem', cert.pem),
      '-inkey', f('key.pem', cert.key.export({ format: 'pem', type: 'pkcs8' }) as string), '-md', o.md ?? 'sha256', '-nosmimecap',
      ...(chain.length ? ['-certfile', f('chain.pem', chain.map(c => c.pem).join(''))] : []),
      ...(o.cosigner ? ['-signer', f('co.pem', o.cosigner.pem), '-inkey', f('co.key', o.cosigner.key.export({ format: 'pem', type: 'pkcs8' }) as string)] : []),
      ...(o.cades ? ['-cades'] : []), ...(o.noattr ? ['-noattr'] : []), ...(o.nodetach ? ['-nodetach'] : []), '-out', path.join(dir, 'out.p7s')];
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl cms -sign: ${r.stderr}`);
    return fs.readFileSync(path.join(dir, 'out.p7s'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl dgst -sign` (RSA PKCS#1 v1.5) of `content` with `md`. */
export function opensslRawSign(content: Buffer, cert: TestCert, md = 'sha1'): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edoc-openssl-'));
  try {
    fs.writeFileSync(path.join(dir, 'in.bin'), content);
    fs.writeFileSync(path.join(dir, 'key.pem'), cert.key.export({ format: 'pem', type: 'pkcs8' }) as string);
    const r = spawnSync('openssl', ['dgst', `-${md}`, '-sign', path.join(dir, 'key.pem'), '-out', path.join(dir, 'sig.bin'), path.join(dir, 'in.bin')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl dgst: ${r.stderr}`);
    return fs.readFileSync(path.join(dir, 'sig.bin'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Sign with OpenSSL: adbe.pkcs7.detached, or ETSI.CAdES.detached with `cades`. */
export function signWithOpenssl(pdf: Buffer, cert: TestCert, chain: TestCert[], o: { now: Date; md?: string; cades?: boolean; rect?: number[]; widgetExtra?: string }): Promise<Buffer> {
  return signRaw(pdf, { subFilter: o.cades ? 'ETSI.CAdES.detached' : 'adbe.pkcs7.detached', now: o.now, rect: o.rect, widgetExtra: o.widgetExtra }, async content => opensslCms(content, cert, chain, o));
}

/** A PKCS#12 of `cert` with `chain` (node-forge, 3DES), as a user's token export would be. */
export function p12Of(cert: TestCert, chain: TestCert[], password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(cert.key.export({ format: 'pem', type: 'pkcs8' }) as string);
  const certs = [cert, ...chain].map(c => forge.pki.certificateFromPem(c.pem));
  return Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(key, certs, password, { algorithm: '3des' })).getBytes(), 'binary');
}

/** Sign with @signpdf 3.3.0: plainAddPlaceholder + P12Signer (adbe.pkcs7.detached). */
export async function signWithSignpdf(pdf: Buffer, cert: TestCert, chain: TestCert[], now: Date): Promise<Buffer> {
  const { plainAddPlaceholder } = await import('@signpdf/placeholder-plain');
  const { P12Signer } = await import('@signpdf/signer-p12');
  type Signpdf = { sign(pdf: Buffer, signer: unknown, at?: Date): Promise<Buffer> };
  // The package is CommonJS with an `exports.default` instance: ESM interop may wrap it once more.
  const mod = await import('@signpdf/signpdf') as unknown as { default: Signpdf & { default?: Signpdf } };
  const signpdf: Signpdf = typeof mod.default.sign === 'function' ? mod.default : mod.default.default!;
  const withPlaceholder = plainAddPlaceholder({ pdfBuffer: pdf, reason: 'Ky thu nghiem', contactInfo: 'vanthu@vbdt.test', name: 'Test', location: 'Ha Noi', signingTime: now });
  return Buffer.from(await signpdf.sign(withPlaceholder, new P12Signer(p12Of(cert, chain, 'pw'), { passphrase: 'pw' }), now));
}

/** The /Contents of every signature dictionary in the file (for VRI keys). */
function signatureValues(u: RawUpdate): Buffer[] {
  const out: Buffer[] = [];
  const text = u.pdf.toString('latin1');
  for (const m of text.matchAll(/\/ByteRange\s*\[/g)) {
    const start = text.lastIndexOf('obj', m.index!);
    const num = Number(text.slice(Math.max(0, start - 20), start).trim().split(/\s+/).slice(-2)[0]);
    const d = u.obj(num);
    const c = d instanceof PdfDict ? d.get('Contents') : undefined;
    if (c instanceof PdfString && c.bytes.length) out.push(c.bytes.subarray(0, readDer(c.bytes).end));
  }
  return out;
}

/**
 * The long-term extension: /DSS (Certs, CRLs, VRI per signature keyed by the SHA-1 of its
 * /Contents, ETSI EN 319 142-1 §5.4.2), /Extensions /ESIC, then a document timestamp over it all.
 */
export async function addLtv(pdf: Buffer, o: { certs: Buffer[]; crls: Buffer[]; token: (data: Buffer) => Promise<Buffer>; now: Date; timestamp?: boolean }): Promise<Buffer> {
  const extra = (u: RawUpdate) => {
    const certs = o.certs.map(c => u.add(stream(c)));
    const crls = o.crls.map(c => u.add(stream(c)));
    const refs = (l: number[]) => `[${l.map(n => `${n} 0 R`).join(' ')}]`;
    const vri = signatureValues(u).map(v => `/${crypto.createHash('sha1').update(v).digest('hex').toUpperCase()} << /Cert ${refs(certs)} /CRL ${refs(crls)} >>`);
    const dss = u.add(`<< /Certs ${refs(certs)} /CRLs ${refs(crls)} /VRI << ${vri.join(' ')} >> >>`);
    const cat = u.dict(u.root);
    cat.map.set('DSS', new PdfRef(dss, 0));
    cat.map.set('Extensions', parse('<< /ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >> >>'));
    u.put(u.root, cat);
  };
  if (o.timestamp === false) {
    const u = new RawUpdate(pdf);
    extra(u);
    return u.finish();
  }
  return signRaw(pdf, { subFilter: 'ETSI.RFC3161', timestamp: true, now: o.now, extra }, o.token);
}
