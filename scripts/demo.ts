/**
 * `npm run demo`: Ủy ban nhân dân tỉnh Vĩnh Long mails a decision to the official mailbox of Sở Y
 * tế; edoc-bridge (the real CLI, bin/edoc-bridge.js) takes it in, registers it and answers; the
 * receipt is read back from UBND's mailbox. Everything runs against the local mail server.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { stringify } from 'yaml';
import { parseStatus } from '../src/edxml/status.js';
import { AGENCIES, testConfigObject, testEnv } from '../test/helpers/app.js';
import { documentPdf, sendMail } from '../test/helpers/documents.js';
import { imapClientOptions, mailServer, waitForMessages } from '../test/helpers/mailserver.js';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'var', 'demo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const srv = mailServer();
const configFile = path.join(dir, 'config.yaml');
writeFileSync(configFile, stringify(testConfigObject(srv, dir, ['soyte', 'ubnd'])));
const env = { ...testEnv(srv), EDOC_BRIDGE_CONFIG: configFile, EDOC_BRIDGE_LOG_LEVEL: 'warn' };

const bridge = (...args: string[]): string => execFileSync(process.execPath, [path.join(root, 'bin/edoc-bridge.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const step = (text: string) => console.log(`\n== ${text}`);

step(`Văn thư UBND tỉnh (${AGENCIES.ubnd.email}) gửi Quyết định 12/QĐ-UBND tới hộp thư công của Sở Y tế (${AGENCIES.soyte.email})`);
const pdf = await documentPdf();
const messageId = await sendMail(AGENCIES.ubnd.email, AGENCIES.soyte.email, {
  subject: 'Quyết định số 12/QĐ-UBND về việc ban hành Quy chế gửi, nhận văn bản điện tử',
  attachments: [{ filename: 'Quyết định 12-QĐ-UBND.pdf', content: pdf, contentType: 'application/pdf' }],
});
console.log(`sent ${messageId} (${pdf.length} bytes of PDF)`);
await waitForMessages(AGENCIES.soyte.email, 1);

step('edoc-bridge run --once (intake → register → receipt through the outbox)');
process.stdout.write(bridge('run', '--once'));

step('edoc-bridge register list --agency ' + AGENCIES.soyte.code);
process.stdout.write(bridge('register', 'list', '--agency', AGENCIES.soyte.code));
step('edoc-bridge register show 1');
process.stdout.write(bridge('register', 'show', '1'));

step(`The receipt in UBND's mailbox (${AGENCIES.ubnd.email})`);
await waitForMessages(AGENCIES.ubnd.email, 1, 15_000);
const client = new ImapFlow(imapClientOptions(AGENCIES.ubnd.email));
await client.connect();
await client.mailboxOpen('INBOX');
const msg = await client.fetchOne('*', { source: true });
await client.logout();
const receipt = await simpleParser(msg ? msg.source! : Buffer.alloc(0));
console.log(`Subject: ${receipt.subject}`);
console.log(`In-Reply-To: ${receipt.inReplyTo} (the document was ${messageId})`);
const packet = receipt.attachments.find(a => a.filename === 'trangthai.edxml');
if (packet) {
  const s = parseStatus(packet.content);
  console.log(`trangthai.edxml: StatusCode ${s.statusCode}, ResponseFor ${s.responseFor?.code} (${s.responseFor?.organId}), From ${s.from?.organId} ${s.from?.organName}`);
}
console.log('\n' + (receipt.text ?? '').trim());
console.log(`\nDemo data: ${dir} (config.yaml, edoc.sqlite, blobs/)`);
