/**
 * Gmail and Google Workspace, the current format: a heading between asterisks ("** Address not
 * found **", "** Message not delivered **", "** Message blocked **", "** Delivery incomplete **"),
 * a sentence naming the recipient, then "The response was:" / "The response from the remote server
 * was:" and the reply. "Delivery incomplete" is a delay notice ("Gmail will retry for N more hours").
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

const SENTENCE = new RegExp(
  String.raw`(?:wasn't delivered to|problem delivering your message to|Your message to|couldn't be delivered to)\s+<?(${ADDR})>?[\s,.]([\s\S]*?)(?=\n[ \t]*\n[ \t]*\n|$)`,
  'giu',
);

export const gmail: Recogniser = {
  id: 'gmail',
  family: 'Gmail / Google Workspace',
  match: v =>
    /^\s*\*\*\s*(?:Address not found|Message not delivered|Message blocked|Delivery incomplete|Message delayed|Domain not found|Recipient inbox full)\s*\*\*/imu.test(v.text) ||
    (/google(?:mail)?\.com$/iu.test(v.from) && /(?:wasn't delivered to|problem delivering your message to)/iu.test(v.text)),
  recipients: v => scan(v.text, SENTENCE),
  delayed: v => /\*\*\s*(?:Delivery incomplete|Message delayed)\s*\*\*/iu.test(v.text) || /\bwill retry for\b/iu.test(v.text) || /\(Delay\)/iu.test(v.subject),
};
