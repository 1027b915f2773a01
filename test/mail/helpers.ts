/** Test helpers for the mail layer: fixture bytes and composed messages. */
import { readFileSync, readdirSync } from 'node:fs';
import iconv from 'iconv-lite';
import MailComposer from 'nodemailer/lib/mail-composer';

export const EML_DIR = new URL('../fixtures/eml/', import.meta.url);

/** Raw bytes of test/fixtures/eml/<name>. */
export function eml(name: string): Buffer {
  return readFileSync(new URL(name, EML_DIR));
}

/** All fixture names. */
export function emlNames(): string[] {
  return readdirSync(EML_DIR).filter(n => n.endsWith('.eml')).sort();
}

/** Compose a message with nodemailer (fixed date). */
export async function compose(mail: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ date: new Date('2019-05-15T03:00:00Z'), ...mail }).compile().build();
}

/** windows-1258 keeps tone marks as combining characters after a precomposed base (CP1258). */
export function encode1258(s: string): Buffer {
  const out: Buffer[] = [];
  for (const ch of s.normalize('NFC')) {
    const direct = iconv.encode(ch, 'windows-1258');
    if (ch === '?' || !direct.includes(0x3f)) {
      out.push(direct);
      continue;
    }
    const d = [...ch.normalize('NFD')];
    const isTone = (c: string) => /[\u0300\u0301\u0303\u0309\u0323]/u.test(c);
    out.push(iconv.encode(d.filter(c => !isTone(c)).join('').normalize('NFC') + d.filter(isTone).join(''), 'windows-1258'));
  }
  return Buffer.concat(out);
}
