/** Test helpers for the mail layer: fixture bytes and composed messages. */
import { readFileSync, readdirSync } from 'node:fs';
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
