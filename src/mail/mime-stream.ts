/**
 * mailparser's streaming MailParser, read part by part (docs/hostile-input.md §Memory of one large
 * mail): what simpleParser gives, except that a decoded part is never joined in memory when it is
 * large. A part up to `store.above` bytes is kept; a larger one is written to the store as it is
 * decoded (hashed on the way) and only its address is kept. Parts past the mail's remaining budget
 * (parts, decoded bytes) are decoded and counted, never kept.
 */
import type { Readable } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MailParser, type AddressObject, type AttachmentStream, type HeaderLines, type MessageText } from 'mailparser';
import type { AttachmentStore } from './source.js';

/** One decoded part: its bytes kept (`content`), or stored (`stored`), or neither (over the budget). */
export type StreamedPart = {
  contentType: unknown;
  filename: unknown;
  contentDisposition: unknown;
  content: Buffer | null;
  stored: { sha256: string; size: number } | null;
  /** Decoded bytes, whether kept or not. */
  size: number;
};

/** What parseAt reads of a mail (simpleParser's ParsedMail fields). */
export type StreamedMail = {
  headerLines: HeaderLines;
  subject: unknown;
  from: AddressObject | undefined;
  to: AddressObject | AddressObject[] | undefined;
  cc: AddressObject | AddressObject[] | undefined;
  replyTo: AddressObject | undefined;
  text: unknown;
  html: unknown;
  attachments: StreamedPart[];
};

/** What the parts may still use: past it a part is not kept. */
export type PartBudget = { parts: number; bytes: number };

/** An error of the input or the store (an I/O fault), not of the mail: never a parse failure. */
export class SourceError extends Error {
  constructor(readonly inner: unknown) {
    super((inner as Error)?.message ?? String(inner));
  }
}

/** Parse a mail from a stream; see the module comment. */
export function parseMimeStream(input: Readable, options: ConstructorParameters<typeof MailParser>[0], left: PartBudget, store?: AttachmentStore): Promise<StreamedMail> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser(options);
    const mail: StreamedMail = { headerLines: [], subject: undefined, from: undefined, to: undefined, cc: undefined, replyTo: undefined, text: undefined, html: undefined, attachments: [] };
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      input.destroy();
      parser.destroy();
      reject(err);
    };
    // MailParser may emit a non-fatal 'error' and still end: the first error wins, as in simpleParser.
    parser.on('error', fail);
    input.once('error', err => fail(new SourceError(err)));
    parser.on('headers', () => {
      mail.headerLines = (parser as unknown as { headerLines: HeaderLines }).headerLines;
    });
    let reading = false;
    const reader = (): void => {
      reading = true;
      const data = parser.read() as (MessageText & { type: 'text' }) | AttachmentStream | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === 'text') {
        if ('text' in data) mail.text = data.text;
        if ('html' in data) mail.html = data.html;
        return reader();
      }
      const part: StreamedPart = { contentType: data.contentType, filename: data.filename, contentDisposition: data.contentDisposition, content: null, stored: null, size: 0 };
      mail.attachments.push(part);
      left.parts--;
      collect(data.content as unknown as Readable, part, left, store).then(
        () => {
          data.release();
          reader();
        },
        err => fail(err instanceof SourceError ? err : new SourceError(err)),
      );
    };
    parser.on('readable', () => {
      if (!reading) reader();
    });
    parser.on('end', () => {
      if (settled) return;
      settled = true;
      const p = parser as unknown as Record<string, unknown>;
      Object.assign(mail, { subject: p['subject'], from: p['from'], to: p['to'], cc: p['cc'], replyTo: p['replyTo'] });
      resolve(mail);
    });
    input.pipe(parser);
  });
}

/** Read one part's decoded stream into `part`: kept, stored past `store.above`, or only counted. */
async function collect(content: Readable, part: StreamedPart, left: PartBudget, store?: AttachmentStore): Promise<void> {
  let kept: Buffer[] | null = left.parts >= 0 ? [] : null;
  let spill: PassThrough | null = null;
  let stored: Promise<{ sha256: string; size: number }> | null = null;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      part.size += chunk.length;
      left.bytes -= chunk.length;
      if (left.bytes < 0) {
        // Over the mail's budget: counted, neither kept nor stored any further.
        kept = null;
        if (spill && !spill.writableEnded) spill.end();
        return done();
      }
      if (spill) return spill.write(chunk) ? done() : spill.once('drain', () => done());
      if (!kept) return done();
      kept.push(chunk);
      if (!store || part.size <= store.above) return done();
      // Too large to keep: what was kept and the rest go to the store as they are decoded.
      spill = new PassThrough();
      stored = store.put(spill);
      stored.catch(() => undefined); // awaited in final()
      for (const c of kept) spill.write(c);
      kept = [];
      return done();
    },
    final(done) {
      if (!spill) {
        if (kept) part.content = kept.length === 1 ? kept[0]! : Buffer.concat(kept, part.size);
        return done();
      }
      if (!spill.writableEnded) spill.end();
      stored!.then(ref => {
        part.stored = kept ? ref : null;
        done();
      }, done);
    },
  });
  await pipeline(content, sink);
}
