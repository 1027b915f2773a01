/** `edoc-bridge start` of the real CLI in a child process, its JSON log lines (stderr) kept for the test to read and wait on. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'cli-entry.ts');

export type ServiceProcess = {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** The first logged line that matches; rejects after `ms` naming the last lines. */
  waitFor(pred: (l: Record<string, unknown>) => boolean, ms: number): Promise<Record<string, unknown>>;
};

export function startServiceProcess(env: NodeJS.ProcessEnv): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'start'], { env: { ...env, EDOC_BRIDGE_LOG_LEVEL: 'debug' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  child.stderr!.on('data', d => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ raw: line });
      }
      waiters.splice(0).forEach(w => w());
    }
  });
  const waitFor: ServiceProcess['waitFor'] = (pred, ms) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not logged within ${ms} ms; last lines: ${JSON.stringify(lines.slice(-5))}`)), ms);
      const check = () => {
        const hit = lines.find(pred);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else waiters.push(check);
      };
      check();
    });
  return { child, lines, waitFor };
}
