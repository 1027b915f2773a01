import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HostedAgency } from '../config/schema.js';
import { BridgeError, describeError, isRetryable } from '../errors.js';
import type { Deps } from '../ports.js';
import { submissionFromEdxml } from './edxml-package.js';
import { parseSubmissionMeta, type Submission } from './submission.js';
import { submitDocument, type SubmitDeps, type SubmitResult } from './submit.js';

/**
 * The watched drop folder (agencies[].dropFolder): a clerk's tool or a scanner workflow drops
 *   - `NAME.pdf` (+ annexes) and then `NAME.json` = {"to": [...], "annexes": [...], ...meta} — the
 *     JSON is the trigger, written last, so a half-copied PDF is never taken; or
 *   - `NAME.edxml`, an edXML package with its files in AttachmentEncoded.
 * Each trigger is submitted with a key (SHA-256 of every byte involved), so a crash between the
 * register commit and the move below resubmits nothing; then its files move to `sent/` (with a
 * `NAME.result.json`) or, when refused, to `failed/` with `NAME.error.txt` saying why.
 */
export type DropResult = { file: string; outcome: 'submitted' | 'failed'; result?: SubmitResult; error?: string };

/** Folder of an agency's drop folder (relative paths are relative to the config file). */
function dropFolderOf(deps: Pick<Deps, 'config'>, agency: HostedAgency): string | null {
  return agency.dropFolder ? path.resolve(deps.config.baseDir, agency.dropFolder) : null;
}

/** Scan every agency's drop folder once. */
export async function scanDropFolders(deps: SubmitDeps): Promise<DropResult[]> {
  const out: DropResult[] = [];
  for (const agency of deps.config.agencies) {
    const dir = dropFolderOf(deps, agency);
    if (dir) out.push(...(await scanDropFolder(deps, agency, dir)));
  }
  return out;
}

/** Scan one drop folder: submit each complete trigger, oldest name first. */
export async function scanDropFolder(deps: SubmitDeps, agency: HostedAgency, dir: string): Promise<DropResult[]> {
  await mkdir(dir, { recursive: true });
  const names = (await readdir(dir, { withFileTypes: true })).filter(e => e.isFile()).map(e => e.name).sort();
  const results: DropResult[] = [];
  for (const name of names.filter(n => /\.(json|edxml)$/iu.test(n))) {
    let files = [name];
    try {
      const { submission, inputs } = await readTrigger(dir, name, agency);
      files = inputs;
      const result = await submitDocument(deps, { ...submission, submissionKey: await keyOf(dir, inputs, agency) });
      await moveAll(dir, files, 'sent');
      await writeFile(path.join(dir, 'sent', `${stem(name)}.result.json`), JSON.stringify(result, null, 2));
      deps.ports.log.info('DROP_SUBMITTED', { agency: agency.code, file: name, document: result.documentId, numberNotation: result.numberNotation });
      results.push({ file: name, outcome: 'submitted', result });
    } catch (err) {
      if (isRetryable(err)) throw err; // transient or ours (src/errors.ts): the file waits for the next scan
      await moveAll(dir, files, 'failed');
      await writeFile(path.join(dir, 'failed', `${stem(name)}.error.txt`), `${describeError(err)}\n`);
      deps.ports.log.warn('DROP_FAILED', { agency: agency.code, file: name, error: describeError(err) });
      results.push({ file: name, outcome: 'failed', error: describeError(err) });
    }
  }
  return results;
}

/** Read a trigger file: the submission and every file it involves. */
async function readTrigger(dir: string, name: string, agency: HostedAgency): Promise<{ submission: Submission; inputs: string[] }> {
  const bytes = await readFile(path.join(dir, name));
  if (/\.edxml$/iu.test(name)) return { submission: { ...submissionFromEdxml(bytes, agency.code), source: 'edxml' }, inputs: [name] };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new BridgeError('USAGE', `${name} is not valid JSON`, { cause });
  }
  const { to, file, annexes, ...meta } = json;
  const main = typeof file === 'string' ? file : `${stem(name)}.pdf`;
  const annexNames = Array.isArray(annexes) ? annexes.map(String) : [];
  const inputs = [name, main, ...annexNames];
  const files = [];
  for (const [f, role] of [[main, 'main'] as const, ...annexNames.map(a => [a, 'annex'] as const)]) {
    if (path.basename(f) !== f) throw new BridgeError('USAGE', `${name}: ${f} must be a file name in the drop folder`);
    let content: Buffer;
    try {
      content = await readFile(path.join(dir, f));
    } catch (cause) {
      throw new BridgeError('USAGE', `${name}: ${f} is missing`, { cause });
    }
    files.push({ name: f.normalize('NFC'), content, role });
  }
  const recipients = Array.isArray(to) ? to.map(String) : typeof to === 'string' ? to.split(',') : [];
  return { submission: { agencyCode: agency.code, to: recipients, files, meta: parseSubmissionMeta(meta), source: 'drop' }, inputs };
}

/** The idempotency key: agency + every input's name and bytes. */
async function keyOf(dir: string, inputs: string[], agency: HostedAgency): Promise<string> {
  const h = createHash('sha256').update(`drop\0${agency.code}\0`);
  for (const f of inputs) h.update(`${f}\0`).update(await readFile(path.join(dir, f))).update('\0');
  return `drop:${h.digest('hex')}`;
}

async function moveAll(dir: string, files: string[], to: 'sent' | 'failed'): Promise<void> {
  await mkdir(path.join(dir, to), { recursive: true });
  for (const f of files) {
    // A file the trigger names but that is not there (the reason it failed, perhaps) has nothing to move.
    await rename(path.join(dir, f), path.join(dir, to, f)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

function stem(name: string): string {
  return name.replace(/\.[^.]+$/u, '');
}

/**
 * Watch the drop folders (fs.watch) and call `scan` on change, debounced and single-flight (the
 * service passes a cycle of the `submissions` stage); the send schedule scans anyway, so a missed
 * event only delays a submission. Returns a stop function.
 */
export function watchDropFolders(deps: Pick<Deps, 'config' | 'ports'>, scan: () => Promise<unknown>): () => void {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const onChange = (): void => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (running) return onChange();
      running = true;
      try {
        await scan();
      } catch (err) {
        deps.ports.log.error('DROP_FAILED', { error: describeError(err) });
      } finally {
        running = false;
      }
    }, 500);
  };
  for (const agency of deps.config.agencies) {
    const dir = dropFolderOf(deps, agency);
    if (dir) watchers.push(watch(dir, { persistent: false }, onChange));
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
