/** A content-stream tokenizer (ISO 32000-2 §7.8.2): operands and operators, inline images skipped. */
import { Lexer, PdfSyntaxError, type PdfValue, type WorkMeter } from './pdf-lexer.js';

/** One operator with its operands. */
export type ContentOp = { op: string; args: PdfValue[] };

const MAX_OPS = 200_000;

/** Tokenize `data`; throws PdfSyntaxError on malformed content or above MAX_OPS operators. */
export function contentOps(data: Buffer, meter?: WorkMeter): ContentOp[] {
  const lx = new Lexer(data, 0, meter);
  const ops: ContentOp[] = [];
  let args: PdfValue[] = [];
  for (;;) {
    lx.skipWs();
    if (lx.pos >= data.length) break;
    const c = data[lx.pos]!;
    // Operands start with a delimiter or a number; anything else is an operator keyword.
    if (c === 0x2f || c === 0x28 || c === 0x3c || c === 0x5b || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      args.push(lx.value());
      continue;
    }
    const start = lx.pos;
    const op = lx.token();
    if (op === '') { lx.pos++; throw new PdfSyntaxError(`unexpected byte ${c} in content at ${start}`); }
    if (op === 'true' || op === 'false' || op === 'null') { args.push(op === 'null' ? null : op === 'true'); continue; }
    if (op === 'BI') {
      // Inline image (§8.9.7): skip to the EI that follows whitespace after ID.
      const id = data.indexOf('ID', lx.pos, 'latin1');
      const ei = id < 0 ? -1 : data.indexOf('EI', id + 3, 'latin1');
      if (ei < 0) throw new PdfSyntaxError('unterminated inline image');
      meter?.chargeWork(ei - lx.pos);
      ops.push({ op: 'BI', args: [data.subarray(id + 3, ei).length] });
      lx.pos = ei + 2;
      args = [];
      continue;
    }
    ops.push({ op, args });
    args = [];
    if (ops.length > MAX_OPS) throw new PdfSyntaxError('too many content operators');
  }
  return ops;
}
