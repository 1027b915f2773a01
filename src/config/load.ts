import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodIssue } from 'zod';
import { BridgeError } from '../errors.js';
import { configSchema, type Config, type ConfigFile } from './schema.js';

/** `agencies[0].imap.port` from a zod issue path. */
function keyPath(p: ReadonlyArray<string | number>): string {
  return p.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function describeIssues(issues: ZodIssue[]): string {
  return issues.map(i => `${keyPath(i.path) || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Read a secret named by an env var: `NAME` itself, or the file whose path is in `NAME_FILE`
 * (trailing newline dropped). Missing → SECRET_MISSING naming the config key.
 */
export function readSecret(name: string, key: string, env: NodeJS.ProcessEnv): string {
  const direct = env[name];
  if (direct !== undefined && direct !== '') return direct;
  const file = env[`${name}_FILE`];
  if (file) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new BridgeError('SECRET_MISSING', `${key}: cannot read ${name}_FILE (${file}): ${(err as Error).message}`, { cause: err });
    }
  }
  throw new BridgeError('SECRET_MISSING', `${key}: environment variable ${name} (or ${name}_FILE) is not set`);
}

/** Validate an already-parsed config object; throws CONFIG_INVALID naming every bad key. */
export function validateConfig(raw: unknown, opts: { env?: NodeJS.ProcessEnv; source?: string; baseDir?: string } = {}): Config {
  const env = opts.env ?? process.env;
  const source = opts.source ?? '(inline)';
  const baseDir = opts.baseDir ?? process.cwd();
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BridgeError('CONFIG_INVALID', `${source}: ${describeIssues(parsed.error.issues)}`, {
      details: { issues: parsed.error.issues.map(i => ({ key: keyPath(i.path), message: i.message })) },
    });
  }
  const cfg: ConfigFile = parsed.data;
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.resolve(baseDir, p));
  const db = cfg.storage.database;
  return {
    ...cfg,
    storage: {
      ...cfg.storage,
      database: { ...db, filename: db.filename === undefined || db.filename === ':memory:' ? db.filename : abs(db.filename) },
      blobs: abs(cfg.storage.blobs),
    },
    trust: {
      ...cfg.trust,
      anchors: cfg.trust.anchors.map(abs),
      intermediates: cfg.trust.intermediates.map(abs),
      crls: cfg.trust.crls.map(abs),
    },
    directoryCsv: cfg.directoryCsv === undefined ? undefined : abs(cfg.directoryCsv),
    holidays: cfg.holidays === undefined ? undefined : abs(cfg.holidays),
    agencies: cfg.agencies.map((a, i) => ({
      ...a,
      imap: { ...a.imap, tls: { ...a.imap.tls, caFile: a.imap.tls.caFile && abs(a.imap.tls.caFile) } },
      smtp: { ...a.smtp, tls: { ...a.smtp.tls, caFile: a.smtp.tls.caFile && abs(a.smtp.tls.caFile) } },
      certificate: a.certificate && { ...a.certificate, p12File: abs(a.certificate.p12File) },
      imapPassword: readSecret(a.imap.passwordEnv, `agencies[${i}].imap.passwordEnv`, env),
      smtpPassword: a.smtp.passwordEnv ? readSecret(a.smtp.passwordEnv, `agencies[${i}].smtp.passwordEnv`, env) : undefined,
      certificatePassword: a.certificate ? readSecret(a.certificate.passwordEnv, `agencies[${i}].certificate.passwordEnv`, env) : undefined,
    })),
    source,
    baseDir,
    installation: '',
  };
}

/** Load, parse and validate the YAML config at `file` (from --config or EDOC_BRIDGE_CONFIG). */
export async function loadConfig(file: string | undefined, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Config> {
  if (!file) throw new BridgeError('CONFIG_NOT_FOUND', 'no configuration: pass --config FILE or set EDOC_BRIDGE_CONFIG');
  const source = path.resolve(opts.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (err) {
    throw new BridgeError('CONFIG_NOT_FOUND', `cannot read configuration ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new BridgeError('CONFIG_INVALID', `${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  return validateConfig(raw, { env: opts.env, source, baseDir: path.dirname(source) });
}
