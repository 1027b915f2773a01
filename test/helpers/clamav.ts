/** The test clamd of scripts/clamav.sh (started by scripts/test.sh): where its socket is, and a loud failure when it is down. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExecutionContext } from 'ava';
import { clamdScanner } from '../../src/io/clamav.js';

/** scripts/clamav.sh, absolute. */
export const CLAMAV_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/clamav.sh');

/** The instance directory (CLAMAV_DIR, default /tmp/edoc-clamav). */
export function clamavDir(): string {
  return process.env.CLAMAV_DIR ?? '/tmp/edoc-clamav';
}

/** The socket of the test clamd. */
export function clamavSocket(dir = clamavDir()): string {
  return path.join(dir, 'run', 'clamd.sock');
}

/** The signatures the script's database holds (clamd adds .UNOFFICIAL to names outside its official databases): a custom test string and EICAR (built from parts, so this file is no test file). */
export const TEST_SIGNATURES = {
  custom: { name: 'Edoc.Test.CustomSignature.UNOFFICIAL', text: 'EDOC-BRIDGE-CLAMAV-TEST-SIGNATURE-7F3A' },
  eicar: { name: 'Edoc.Test.EICAR.UNOFFICIAL', text: ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-', 'ANTIVIRUS-TEST-FILE!$H+H*'].join('') },
} as const;

/** The socket when clamd answers PING; otherwise fails the test (a missing scanner never passes). */
export async function requireClamd(t: ExecutionContext): Promise<string | undefined> {
  const socket = clamavSocket();
  if (await clamdScanner({ socket, timeoutMs: 3000 }).ping()) return socket;
  t.fail(`clamd not answering on ${socket}. Run \`bash scripts/clamav.sh start ${clamavDir()}\` (as root), as scripts/test.sh does.`);
  return undefined;
}

/** Run scripts/clamav.sh CMD DIR (for tests that start and stop a clamd of their own); `env` adds knobs (CLAMAV_STREAM_MAX). */
export function clamavScript(cmd: 'start' | 'stop' | 'status', dir: string, env: Record<string, string> = {}): { code: number | null; out: string } {
  const r = spawnSync('bash', [CLAMAV_SCRIPT, cmd, dir], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
