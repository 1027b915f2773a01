/**
 * One connection per mailbox (docs/mail.md §IDLE and polling): a `start` process of the real CLI
 * with one mailbox on the test Dovecot, reached through a small TCP relay that counts every
 * connection the process makes. Mail comes in several bursts, each taken in by a cycle on the
 * IDLE listener's connection: every mail is registered, and the server has seen one connection
 * for the mailbox the whole time (never closed and reopened for a cycle, never a second one).
 */
import anyTest from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { documentPdf, sendMail } from '../helpers/documents.js';
import { imapRelay } from '../helpers/imap-relay.js';
import { countMessages, mailServer, mailServerTest, requireMailServer, resetMailboxes, waitForMessages } from '../helpers/mailserver.js';
import { startServiceProcess } from '../helpers/service-process.js';
import { AGENCIES, configObject, worldEnv } from '../helpers/world.js';

const test = await mailServerTest(anyTest);

test.before(async t => {
  await requireMailServer(t);
});

/** Wait until a condition holds, at most a generous while (the test then asserts it). */
async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end && !(await cond()); ) await new Promise(r => setTimeout(r, 200));
}

test.serial('a start process with one mailbox: mail in several bursts, all registered, one connection to the server the whole time', async t => {
  await resetMailboxes();
  const srv = mailServer();
  const relay = await imapRelay();
  const dir = await mkdtemp(path.join(tmpdir(), 'edoc-idleconn-'));
  const configFile = path.join(dir, 'config.yaml');
  const soyte = AGENCIES.soyte;
  await writeFile(
    configFile,
    stringify(
      configObject(dir, ['soyte'], {
        server: srv,
        overrides: { http: { port: 0 } },
        agency: { soyte: { imap: { host: '127.0.0.1', port: relay.port, secure: false, starttls: false, allowCleartext: true, user: soyte.email, passwordEnv: soyte.env } } },
      }),
    ),
  );
  const env = { ...worldEnv(srv), EDOC_BRIDGE_CONFIG: configFile };
  const worker = startServiceProcess(env);
  const processed = () => worker.lines.filter(l => l.event === 'INTAKE_CYCLE').reduce((n, l) => n + Number(l.processed ?? 0), 0);
  const cycles = () => worker.lines.filter(l => l.event === 'INTAKE_CYCLE').length;
  try {
    await until(() => worker.lines.some(l => l.event === 'IDLE_START') && cycles() >= 1, 60_000);
    t.true(worker.lines.some(l => l.event === 'IDLE_START'), 'the mailbox is watched with IDLE');
    const notations: string[] = [];
    for (let burst = 1; burst <= 3; burst++) {
      const before = cycles();
      for (let i = 1; i <= 2; i++) {
        const n = `${burst * 10 + i}/QĐ-UBND`;
        notations.push(n);
        await sendMail(AGENCIES.ubnd.email, soyte.email, { subject: `Quyết định số ${n}`, attachments: [{ filename: `qd${burst}${i}.pdf`, content: await documentPdf({ numberNotation: n }) }] });
      }
      await until(() => processed() === notations.length, 60_000);
      t.is(processed(), notations.length, `burst ${burst}: taken in`);
      t.true(cycles() > before, `burst ${burst}: by a cycle of its own`);
      t.is(relay.open(), 1, `burst ${burst}: the IDLE connection is still there`);
    }
    const entries = JSON.parse((await runCli(['register', 'list', '--json'], env)).stdout) as Array<{ numberNotation: string }>;
    t.deepEqual(entries.map(e => e.numberNotation).sort(), [...notations].sort(), 'every mail registered');
    await waitForMessages(AGENCIES.ubnd.email, notations.length, 30_000);
    t.is(await countMessages(soyte.email, 'INBOX'), 0, 'all moved out of the inbox');
    t.is(relay.accepted(), 1, 'one connection to the server for the mailbox, for the whole run');
    t.is(relay.peak(), 1, 'never two at once');
    t.false(worker.lines.some(l => l.event === 'IDLE_ERROR'), 'the listener never failed');
  } finally {
    if (worker.child.exitCode === null && worker.child.signalCode === null) {
      worker.child.kill('SIGTERM');
      await new Promise(r => worker.child.once('exit', r));
    }
    await relay.close();
    await rm(dir, { recursive: true, force: true });
  }
});
