/**
 * OpenSMTPD: "Hi! This is the MAILER-DAEMON, please DO NOT REPLY to this email.", then "An error has
 * occurred while attempting to deliver a message for the following list of recipients:" and one
 * `a@b: reason` line each. Delay warnings: "A message is delayed for more than … for the following
 * list of recipients" / "this is only a temporary failure report"; subject "Delivery status
 * notification: warning" (newer releases add an RFC 3464 part).
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const opensmtpd: Recogniser = {
  id: 'opensmtpd',
  family: 'OpenSMTPD',
  match: v => /This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail/iu.test(v.text),
  recipients: v => scan(v.text, new RegExp(String.raw`^[ \t]*<?(${ADDR})>?:[ \t]+(\S.*)$`, 'gmu')),
  delayed: v => /A message is delayed for more than/iu.test(v.text) || /only a temporary failure report/iu.test(v.text) || /^Delivery status notification:\s*(?:warning|delay)/iu.test(v.subject),
};
