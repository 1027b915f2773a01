/**
 * 1&1 / IONOS (kundenserver.de): the GMX layout (gmx.ts) with the address unquoted (`a@b:`) and the
 * reply on one line: "SMTP error from remote server for RCPT TO command, host: … reason: 550 …".
 */
import { addressBlocks, UNITED_INTERNET_ORIGINAL, unitedInternet } from './gmx.js';
import type { Recogniser } from './types.js';

export const oneAndOne: Recogniser = {
  id: 'one-and-one',
  family: '1&1 / IONOS',
  match: v => unitedInternet(v, /(?:^|\.)(?:kundenserver\.de|1and1\.[a-z.]+|1und1\.de|ionos\.[a-z.]+|online\.de|schlund\.de)$/iu) || UNITED_INTERNET_ORIGINAL.test(v.full),
  recipients: addressBlocks,
};
