import { BridgeError } from '../errors.js';
import { scanOutcome, type FileScan, type ScanOutcome } from '../domain/malware-scan.js';
import type { MailAttachment } from '../mail/types.js';
import type { Deps } from '../ports.js';

/**
 * Scan a document's files before it is registered (docs/hostile-input.md §Scanning): every
 * attachment of the mail and every file decoded from its edXML envelope, through the scanner port
 * (clamd). The policy table (domain/malware-scan.ts) turns the results into pass, quarantine or
 * hold. A file larger than the scanner accepts is `too-large` (quarantined, not held). Once the scanner is unavailable the remaining files are not tried: the mail is held anyway.
 */
export async function scanFiles(deps: Deps, files: MailAttachment[]): Promise<ScanOutcome> {
  const mode = deps.config.scan.mode;
  if (mode === 'off') return scanOutcome(mode, []);
  const scans: FileScan[] = [];
  let down: string | undefined;
  for (const f of files) {
    const file = f.filename || f.sha256.slice(0, 12);
    if (down) {
      scans.push({ file, status: 'unavailable', error: down });
      continue;
    }
    try {
      const r = await deps.ports.scanner.scan(f.content);
      scans.push(r.infected ? { file, status: 'infected', signature: r.signature } : { file, status: 'clean' });
    } catch (err) {
      // Too large for the scanner: it will never be scanned there, so the other files still are.
      if (err instanceof BridgeError && err.code === 'SCANNER_SIZE_LIMIT') {
        scans.push({ file, status: 'too-large', error: `${err.code}: ${err.message} (${f.content.length} bytes)` });
        continue;
      }
      // Unreachable, or another error answer: either way the file is not known clean.
      if (!(err instanceof BridgeError) || (err.code !== 'SCANNER_UNAVAILABLE' && err.code !== 'SCANNER_FAILED')) throw err;
      down = `${err.code}: ${err.message}`;
      scans.push({ file, status: 'unavailable', error: down });
    }
  }
  return scanOutcome(mode, scans);
}
