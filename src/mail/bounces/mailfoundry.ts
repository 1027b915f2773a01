/**
 * MailFoundry (gateway appliance): subject "Message delivery has failed", "Unable to deliver message
 * to: <a>", "Delivery failed for the following reason:" and "Server … failed with: 550 …".
 */
import { ADDR, scan } from './text.js';
import type { Recogniser } from './types.js';

export const mailfoundry: Recogniser = {
  id: 'mailfoundry',
  family: 'MailFoundry',
  match: v => /Unable to deliver message to:\s*<?[^\s<>]+@/iu.test(v.text) && /Delivery failed for the following reason/iu.test(v.text),
  recipients: v => scan(v.text, new RegExp(String.raw`Unable to deliver message to:\s*<?(${ADDR})>?[^\n]*\n([\s\S]*?)(?=\nUnable to deliver message to|$)`, 'giu')),
  delayed: () => false,
};
