/**
 * `npm run demo`: the channel end to end with the real CLI (bin/edoc-bridge.js) against the local
 * Postfix + Dovecot. Ủy ban nhân dân tỉnh (UBND) sends a decision to Sở Y tế: numbered in UBND's
 * outgoing register, stamped and sealed with UBND's agency certificate, mailed; Sở Y tế's gateway
 * verifies the signature, registers it and answers 03; UBND's gateway matches the receipt; Sở Y
 * tế's clerk marks it done and UBND sees 06. Demo certificates come from the test PKI generator.
 * It ends with the web app's address and its logins; with `--serve` the service keeps running.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { stringify } from 'yaml';
import { parseStatus } from '../src/edxml/status.js';
import { AGENCIES, configObject, worldEnv } from '../test/helpers/world.js';
import { makePdf } from '../test/fixtures/pdf/make-pdf.js';
import { imapClientOptions, mailServer, waitForMessages } from '../test/helpers/mailserver.js';
import { pki } from '../test/helpers/pki.js';
import { p12Of } from '../test/helpers/pki-p12.js';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'var', 'demo');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const p = pki();
writeFileSync(path.join(dir, 'ubnd.p12'), p12Of(p.agency, [p.inter, p.root], 'demo-p12')); // UBND's agency certificate, as its CA would issue it
writeFileSync(path.join(dir, 'root-ca.pem'), p.root.pem);

const srv = mailServer();
const httpPort = Number(process.env.EDOC_DEMO_HTTP_PORT ?? 8025);
const config = configObject(dir, ['soyte', 'ubnd'], {
  server: srv,
  // Demo CA without a CRL service: revocation unknown is a warning, not indeterminate.
  overrides: { trust: { anchors: ['root-ca.pem'], revocation: 'soft' }, http: { host: '127.0.0.1', port: httpPort } },
  agency: { ubnd: { certificate: { p12File: 'ubnd.p12', passwordEnv: 'UBND_P12_PASSWORD' } } },
});
const configFile = path.join(dir, 'config.yaml');
writeFileSync(configFile, stringify(config));
// Demo logins (the web app): one operator, one clerk per agency. Passwords come from the
// environment, never the command line; these are demo values, printed at the end.
const LOGINS = [
  { user: 'quantri', role: 'operator', agency: null, name: 'Quản trị viên tỉnh', password: 'demo-quan-tri' },
  { user: 'vanthu.soyte', role: 'clerk', agency: AGENCIES.soyte, name: 'Văn thư Sở Y tế', password: 'demo-van-thu-syt' },
  { user: 'vanthu.ubnd', role: 'clerk', agency: AGENCIES.ubnd, name: 'Văn thư UBND tỉnh', password: 'demo-van-thu-ubnd' },
] as const;
const env = { ...worldEnv(srv), UBND_P12_PASSWORD: 'demo-p12', EDOC_BRIDGE_CONFIG: configFile, EDOC_BRIDGE_LOG_LEVEL: 'warn', ...Object.fromEntries(LOGINS.map((l, i) => [`DEMO_PASSWORD_${i}`, l.password])) };

const bridge = (...args: string[]): string =>
  execFileSync(process.execPath, [path.join(root, 'bin/edoc-bridge.js'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const show = (...args: string[]) => {
  console.log(`$ edoc-bridge ${args.join(' ')}`);
  process.stdout.write(bridge(...args));
};
const step = (text: string) => console.log(`\n== ${text}`);

step('Văn thư UBND tỉnh soạn Quyết định (bản PDF chưa có số) và gửi qua edoc-bridge tới Sở Y tế');
const draft = path.join(dir, 'du-thao-quyet-dinh.pdf');
writeFileSync(
  draft,
  await makePdf([
    [
      'ỦY BAN NHÂN DÂN', 'TỈNH VĨNH LONG', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', '', '', '',
      'QUYẾT ĐỊNH', 'Về việc ban hành Quy chế gửi, nhận văn bản điện tử',
      'Điều 1. Ban hành kèm theo Quyết định này Quy chế gửi, nhận văn bản điện tử.',
      'Điều 2. Quyết định có hiệu lực kể từ ngày ký.', 'KT. CHỦ TỊCH', 'PHÓ CHỦ TỊCH', 'Nguyễn Văn An',
    ],
  ]),
);
show('send', '--from', AGENCIES.ubnd.code, '--to', AGENCIES.soyte.code, '--file', draft, '--type', 'Quyết định', '--notation', 'QĐ-UBND',
  '--summary', 'Về việc ban hành Quy chế gửi, nhận văn bản điện tử', '--signer-position', 'PHÓ CHỦ TỊCH', '--signer-name', 'Nguyễn Văn An');

step('edoc-bridge run --once: UBND\'s outbox sends the sealed document (DSN and read receipt requested)');
show('run', '--once');
await waitForMessages(AGENCIES.soyte.email, 1, 20_000);

step('edoc-bridge run --once: Sở Y tế verifies the signature, registers the document, answers 03');
show('run', '--once');
show('register', 'list', '--agency', AGENCIES.soyte.code);
show('register', 'show', '1');

step('edoc-bridge run --once: UBND takes in the receipt and reconciles it');
await waitForMessages(AGENCIES.ubnd.email, 1, 20_000);
show('run', '--once');
show('reconcile', 'report', '--agency', AGENCIES.ubnd.code);

step('The receipt as UBND\'s clerk sees it in the Processed folder');
const client = new ImapFlow(imapClientOptions(AGENCIES.ubnd.email));
await client.connect();
await client.mailboxOpen('Processed');
const msg = await client.fetchOne('*', { source: true });
await client.logout();
if (msg && msg.source) {
  const receipt = await simpleParser(msg.source);
  console.log(`Subject: ${receipt.subject}`);
  const packet = receipt.attachments.find(a => a.filename === 'trangthai.edxml');
  if (packet) {
    const s = parseStatus(packet.content);
    console.log(`trangthai.edxml: StatusCode ${s.statusCode}, ResponseFor ${s.responseFor?.code} (${s.responseFor?.organId}), From ${s.from?.organId} ${s.from?.organName}`);
  }
  console.log('\n' + (receipt.text ?? '').trim());
}

step('Sở Y tế\'s clerk marks the document done; UBND sees 06');
show('register', 'status', '1', 'done', '--note', 'Đã triển khai');
show('run', '--once');
await waitForMessages(AGENCIES.ubnd.email, 1, 20_000);
show('run', '--once');
show('reconcile', 'report', '--agency', AGENCIES.ubnd.code);
step('The web app: accounts for the operator and each agency\'s clerk');
LOGINS.forEach((l, i) => show('users', 'add', l.user, '--role', l.role, ...(l.agency ? ['--agency', l.agency.code] : []), '--display-name', l.name, '--password-env', `DEMO_PASSWORD_${i}`));

console.log(`\nDemo data: ${dir} (config.yaml, edoc.sqlite, blobs/)`);
const url = `http://127.0.0.1:${httpPort}`;
console.log(`\nWeb app: ${url}`);
for (const l of LOGINS) console.log(`  ${l.agency ? `clerk of ${l.agency.name}` : 'operator (every agency)'}: ${l.user} / ${l.password}`);
if (process.argv.includes('--serve')) {
  console.log(`\nThe service runs (IMAP IDLE, outbox, web app at ${url}); Ctrl-C stops it.`);
  const child = spawn(process.execPath, [path.join(root, 'bin/edoc-bridge.js'), 'start'], { env, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(resolve => child.once('exit', resolve));
} else {
  console.log(`\nTo log in, keep the service running: npm run demo -- --serve`);
}
