import test from 'ava';
import { checkManifest } from '../../src/mail/manifest.js';
import { findEdxml } from '../../src/mail/edxml-parts.js';
import { parseMail } from '../../src/mail/parse.js';
import type { MailAttachment } from '../../src/mail/types.js';
import { eml } from './helpers.js';

const att = (filename: string, sha256: string): MailAttachment => ({ filename, contentType: 'application/pdf', size: 1, sha256, content: Buffer.alloc(1), isPdf: true, inline: false, forwarded: false });
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

test('our own document mail matches its manifest', async t => {
  const m = await parseMail(eml('doc-ours-edxml.eml'));
  const env = findEdxml(m).envelope!.parse;
  t.deepEqual(checkManifest(env, m.attachments), { ok: true, missing: [], digestMismatch: [], unlisted: [] });
});

const cases: Array<[string, Array<{ name: string; sha256?: string }>, MailAttachment[], { ok: boolean; missing: string[]; mismatch: string[]; unlisted: string[] }]> = [
  ['renamed by a client: digest wins', [{ name: 'qd.pdf', sha256: A }], [att('QD (1).pdf', A)], { ok: true, missing: [], mismatch: [], unlisted: [] }],
  ['modified file', [{ name: 'qd.pdf', sha256: A }], [att('qd.pdf', B)], { ok: false, missing: [], mismatch: ['qd.pdf'], unlisted: [] }],
  ['missing annex', [{ name: 'qd.pdf', sha256: A }, { name: 'pl.pdf', sha256: B }], [att('qd.pdf', A)], { ok: false, missing: ['pl.pdf'], mismatch: [], unlisted: [] }],
  ['extra file', [{ name: 'qd.pdf', sha256: A }], [att('qd.pdf', A), att('x.pdf', B)], { ok: true, missing: [], mismatch: [], unlisted: ['x.pdf'] }],
  ['no digest: name only', [{ name: 'Quyết định.pdf' }], [att('quyết định.pdf', B)], { ok: true, missing: [], mismatch: [], unlisted: [] }],
];
for (const [name, entries, attachments, e] of cases) {
  test(`manifest: ${name}`, t => {
    const r = checkManifest({ attachments: entries.map(x => ({ contentType: 'application/pdf', ...x })) }, attachments);
    t.is(r.ok, e.ok);
    t.deepEqual(r.missing, e.missing);
    t.deepEqual(r.digestMismatch.map(x => x.name), e.mismatch);
    t.deepEqual(r.unlisted, e.unlisted);
  });
}

test('the older SOAP envelope goes through the same manifest check (MIME part by cid, and file in the Body)', async t => {
  const { parseMail } = await import('../../src/mail/parse.js');
  const { findEdxml, envelopeAttachments } = await import('../../src/mail/edxml-parts.js');
  const { eml } = await import('./helpers.js');
  for (const name of ['doc-soap-edxml.eml', 'doc-soap-edxml-embedded.eml']) {
    const mail = await parseMail(eml(name));
    const env = findEdxml(mail).envelope!.parse;
    t.is(env.form, 'soap', name);
    t.true(env.attachments.every(a => /^[0-9a-f]{64}$/u.test(a.sha256 ?? '')), name);
    const files = [...mail.attachments, ...envelopeAttachments(env)];
    t.deepEqual(checkManifest(env, files), { ok: true, missing: [], digestMismatch: [], unlisted: [] }, name);
    // The same envelope with the PDF changed: the declared digest no longer matches.
    const tampered = files.map(f => (f.isPdf ? { ...f, sha256: 'f'.repeat(64) } : f));
    const check = checkManifest(env, tampered);
    t.false(check.ok, name);
    t.deepEqual(check.digestMismatch.map(m => m.name), ['cv07.pdf'], name);
  }
});
