import { pino, destination, type Logger } from 'pino';
import type { EventCode } from './events.js';

/**
 * Structured JSON logs on stderr, one event code per line (zone-mta's GELF codes habit).
 * stdout stays free for command output (`--json`, CSV). Credentials never reach a log line:
 * the redact paths below drop them even if a caller passes a config object by mistake.
 */
export type Log = {
  info(event: EventCode, fields?: Record<string, unknown>, msg?: string): void;
  warn(event: EventCode, fields?: Record<string, unknown>, msg?: string): void;
  error(event: EventCode, fields?: Record<string, unknown>, msg?: string): void;
  debug(event: EventCode, fields?: Record<string, unknown>, msg?: string): void;
  child(bindings: Record<string, unknown>): Log;
};

const REDACT = ['password', 'pass', '*.password', '*.pass', '*.auth.pass', 'auth.pass', '*.*.password', 'secret', '*.secret'];

/** Wrap a pino logger so that every line must name its event code. */
function wrap(logger: Logger): Log {
  const at =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (event: EventCode, fields: Record<string, unknown> = {}, msg?: string) =>
      logger[level]({ event, ...fields }, msg ?? event);
  return {
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    child: bindings => wrap(logger.child(bindings)),
  };
}

/** The process logger; level from EDOC_BRIDGE_LOG_LEVEL (default info, `silent` in tests). */
export function createLog(level = process.env.EDOC_BRIDGE_LOG_LEVEL ?? 'info'): Log {
  return wrap(pino({ level, base: undefined, redact: { paths: REDACT, censor: '[redacted]' } }, destination(2)));
}

/** A logger that keeps lines in memory, for tests that assert on events. */
export function memoryLog(): Log & { lines: Array<{ level: string; event: EventCode } & Record<string, unknown>> } {
  const lines: Array<{ level: string; event: EventCode } & Record<string, unknown>> = [];
  const make = (bindings: Record<string, unknown>): Log => {
    const at = (level: string) => (event: EventCode, fields: Record<string, unknown> = {}) => {
      lines.push({ level, event, ...bindings, ...fields });
    };
    return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug'), child: b => make({ ...bindings, ...b }) };
  };
  return Object.assign(make({}), { lines });
}
