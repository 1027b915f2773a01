import anyTest, { type TestFn } from 'ava';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildEnvelope } from '../../src/edxml/envelope.js';
import { scanDropFolder } from '../../src/outbound/drop-folder.js';
import { A, B, C, openWorld, pdf, stepClock, type World } from '../helpers/world.js';

const test = anyTest as TestFn<{ u: World; dir: string }>;
test.beforeEach(async t => {
  t.context.u = await openWorld(['soyte', 'ubnd'], { clock: stepClock('2026-11-20T03:00:00Z') });
  t.context.dir = path.join(t.context.u.app.config.baseDir, 'drop');
  await mkdir(t.context.dir, { recursive: true });
});
test.afterEach.always(async t => t.context.u?.close());

const agencyA = (u: World) => u.app.config.agencies.find(a => a.code === A.code)!;

test('PDF + JSON trigger: submitted once, files moved to sent/ with the result; a half-copied PDF waits for its JSON', async t => {
  const { u, dir } = t.context;
  await writeFile(path.join(dir, 'cv-01.pdf'), await pdf());
  await writeFile(path.join(dir, 'phu-luc.pdf'), await pdf('Phụ lục'));
  await writeFile(path.join(dir, 'cho.pdf'), await pdf()); // no JSON yet: not taken
  const trigger = JSON.stringify({ to: [B.code, C.email], annexes: ['phu-luc.pdf'], type: 'Công văn', summary: 'V/v gửi qua thư mục' });
  await writeFile(path.join(dir, 'cv-01.json'), trigger);
  const results = await scanDropFolder(u.app, agencyA(u), dir);
  t.deepEqual(results.map(r => [r.file, r.outcome, r.result?.numberNotation]), [['cv-01.json', 'submitted', '01/SYT']]);
  t.deepEqual((await readdir(dir)).sort(), ['cho.pdf', 'sent']);
  t.deepEqual((await readdir(path.join(dir, 'sent'))).sort(), ['cv-01.json', 'cv-01.pdf', 'cv-01.result.json', 'phu-luc.pdf']);
  const doc = await u.app.db('outgoing_documents').first();
  t.is(doc.source, 'drop');
  t.is(JSON.parse(doc.files).length, 2);

  // A crash after the commit and before the move: the same files again give the same document.
  for (const f of ['cv-01.pdf', 'phu-luc.pdf']) await writeFile(path.join(dir, f), await readFile(path.join(dir, 'sent', f)));
  await writeFile(path.join(dir, 'cv-01.json'), trigger);
  const again = await scanDropFolder(u.app, agencyA(u), dir);
  t.is(again[0]!.result?.documentId, doc.id);
  t.is(Number((await u.app.db('outgoing_documents').count('* as n'))[0]!.n), 1);
  t.is(Number((await u.app.db('outbox').count('* as n'))[0]!.n), 2);
});

test('an edXML package is a submission; a bad trigger goes to failed/ with the reason', async t => {
  const { u, dir } = t.context;
  const main = await pdf();
  const xml = buildEnvelope({
    from: { organId: A.code, organName: A.name }, to: [{ organId: B.code }], codeNumber: '0', codeNotation: 'TB-SYT', promulgationDate: '2026-11-20',
    typeName: 'Thông báo', subject: 'Thông báo lịch trực', priority: 3, documentId: 'draft', attachments: [{ name: 'tb.pdf', contentType: 'application/pdf' }],
  }).replace('</edXML>\n', `  <AttachmentEncoded><Attachment><ContentType>application/pdf</ContentType><AttachmentName>tb.pdf</AttachmentName><ContentTransferEncoded>${main.toString('base64')}</ContentTransferEncoded></Attachment></AttachmentEncoded>\n</edXML>\n`);
  await writeFile(path.join(dir, 'goi-tin.edxml'), xml);
  await writeFile(path.join(dir, 'sai.json'), JSON.stringify({ to: ['000.99.99.H62'], summary: 'x' }));
  await writeFile(path.join(dir, 'sai.pdf'), await pdf());
  const results = await scanDropFolder(u.app, agencyA(u), dir);
  t.deepEqual(results.map(r => [r.file, r.outcome]), [['goi-tin.edxml', 'submitted'], ['sai.json', 'failed']]);
  const doc = await u.app.db('outgoing_documents').first();
  t.deepEqual([doc.number_notation, doc.doc_type, doc.urgency, doc.source], ['01/TB-SYT', 'Thông báo', 'hoa-toc', 'edxml']);
  t.regex(await readFile(path.join(dir, 'failed', 'sai.error.txt'), 'utf8'), /not in the directory/);
  t.deepEqual((await readdir(path.join(dir, 'failed'))).sort(), ['sai.error.txt', 'sai.json', 'sai.pdf']);
});
