import { BridgeError } from '../../errors.js';

/**
 * SMTP failure → retry or fail. The policy is data (config/smtp-responses.txt, zone-mta bounces.txt
 * habit); this module only parses it (never eval) and applies it. docs/mail.md §Sending and retries: 4xx retry, 5xx fail,
 * with named exceptions in the table.
 */

/** What nodemailer tells us about a failed send (err.responseCode, err.response, err.code, err.command). */
export type SmtpFailure = { responseCode?: number; response?: string; code?: string; command?: string };

/** The verdict for the outbox. */
export type SmtpClassification = {
  action: 'retry' | 'fail';
  category: string;
  /** RFC 3463 enhanced status code (`5.1.1`) when the reply carries one. */
  status?: string;
  message: string;
  /** 1-based line of the matching rule; undefined when the class fallback decided. */
  line?: number;
};

/** One parsed rule. */
export type SmtpRule = { re: RegExp; action: 'retry' | 'fail'; category: string; message: string; line: number };

/** A parsed policy table. */
export type SmtpPolicy = { rules: readonly SmtpRule[]; classify(failure: SmtpFailure): SmtpClassification };

const RULE_RE = /^(.+?),(retry|fail),([a-z][a-z0-9-]*),(.*)$/;
// RFC 3463 §2: class.subject.detail; subject and detail are 1–3 digits.
const ENHANCED_RE = /(?:^|\s)([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$|[,;:])/;

/** Parse the rules text (`regex,action,category,message` per line); throws CONFIG_INVALID naming the line. */
export function parseSmtpRules(text: string, source = 'smtp-responses.txt'): SmtpRule[] {
  const rules: SmtpRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = RULE_RE.exec(line);
    if (!m) throw new BridgeError('CONFIG_INVALID', `${source}:${i + 1}: expected regex,action,category,message`);
    let re: RegExp;
    try {
      re = new RegExp(m[1]!, 'i');
    } catch (cause) {
      throw new BridgeError('CONFIG_INVALID', `${source}:${i + 1}: bad regex: ${(cause as Error).message}`, { cause });
    }
    rules.push({ re, action: m[2] as 'retry' | 'fail', category: m[3]!, message: m[4]!.trim(), line: i + 1 });
  });
  return rules;
}

/** The policy from the rules text (config/smtp-responses.txt, read by src/config/policies.ts). */
export function loadSmtpPolicy(text: string, source?: string): SmtpPolicy {
  const rules = parseSmtpRules(text, source);
  return { rules, classify: (failure) => classifySmtpFailure(rules, failure) };
}

/** The one line the rules are matched against: the reply with its code, else the nodemailer code. */
export function failureLine(f: SmtpFailure): string {
  // Multi-line replies (RFC 5321 §4.2.1) mark continuation lines "550-": read them as one line.
  const reply = (f.response ?? '').replace(/(^|\n)(\d{3})-/g, '$1$2 ').replace(/\s+/g, ' ').trim();
  if (reply !== '') {
    if (f.responseCode !== undefined && !reply.startsWith(String(f.responseCode))) return `${f.responseCode} ${reply}`;
    return reply;
  }
  if (f.responseCode !== undefined) return String(f.responseCode);
  return f.code ?? 'EUNKNOWN';
}

/** RFC 3463 enhanced status code in a reply (`5.1.1`), if any. */
export function enhancedStatus(line: string): string | undefined {
  const m = ENHANCED_RE.exec(line);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : undefined;
}

/** Classify a failure with a rule list: first matching rule, else by the reply class (RFC 5321 §4.2.1). */
function classifySmtpFailure(rules: readonly SmtpRule[], failure: SmtpFailure): SmtpClassification {
  const line = failureLine(failure);
  const status = enhancedStatus(line);
  const base = status === undefined ? {} : { status };
  for (const rule of rules) {
    if (rule.re.test(line)) return { action: rule.action, category: rule.category, message: rule.message, line: rule.line, ...base };
  }
  const code = failure.responseCode ?? (/^([2-5])\d\d\b/.test(line) ? Number(line.slice(0, 3)) : undefined);
  // RFC 5321 §4.2.1: 4yz is a transient negative completion, 5yz a permanent one. A failure without
  // any reply (connection, DNS, socket) is retried: giving up is the retry schedule's job.
  if (code !== undefined && code >= 500) return { action: 'fail', category: 'permanent', message: 'Permanent SMTP failure', ...base };
  if (code !== undefined && code >= 400) return { action: 'retry', category: 'transient', message: 'Temporary SMTP failure', ...base };
  return { action: 'retry', category: 'network', message: 'No SMTP reply; network or client error', ...base };
}
