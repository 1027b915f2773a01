import { BridgeError } from '../../src/errors.js';
import { parseScanReply, type Scanner } from '../../src/io/clamav.js';

/**
 * A malware scanner for unit tests (the scanner port, src/ports.ts): a file is infected when it
 * contains one of the `signatures` texts; `down` makes every call fail as an unreachable clamd.
 * `maxBytes` answers larger files as clamd does past its StreamMaxLength. `scanned` counts the files
 * it was asked about.
 */
export class FakeScanner implements Scanner {
  down = false;
  scanned = 0;
  maxBytes = Infinity;
  constructor(readonly signatures: Record<string, string> = { 'FAKE-MALWARE-MARKER': 'Fake.Test.Malware' }) {}

  async scan(content: Buffer): ReturnType<Scanner['scan']> {
    if (this.down) throw new BridgeError('SCANNER_UNAVAILABLE', 'clamd at /fake unreachable: ECONNREFUSED');
    this.scanned++;
    if (content.length > this.maxBytes) return parseScanReply('INSTREAM size limit exceeded. ERROR');
    for (const [text, signature] of Object.entries(this.signatures)) if (content.includes(text)) return { infected: true, signature };
    return { infected: false };
  }

  async ping(): Promise<boolean> {
    return !this.down;
  }
}
