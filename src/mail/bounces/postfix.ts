/**
 * Postfix (bounce(8) templates): "This is the mail system at host …" (older releases: "This is the
 * Postfix program at host …"), one `<address>: reason` paragraph per recipient, the reply wrapped on
 * indented lines. Delay notices carry the "THIS IS A WARNING ONLY" banner and the subject
 * "Delayed Mail (still being retried)".
 */
import { ADDR, scan, unfoldLines } from './text.js';
import type { Recogniser } from './types.js';

export const postfix: Recogniser = {
  id: 'postfix',
  family: 'Postfix',
  match: v => /This is the (?:mail system|Postfix program) at host/iu.test(v.text) || /I'm sorry to have to inform you that your message could not\s+be delivered/iu.test(v.text),
  recipients: v => scan(unfoldLines(v.text), new RegExp(String.raw`^<(${ADDR})>(?: \(expanded from <[^>]*>\))?:[ \t]*(.*)$`, 'gmu')),
  delayed: v => /THIS IS A WARNING ONLY/iu.test(v.text) || /^Delayed Mail\b/iu.test(v.subject),
};
