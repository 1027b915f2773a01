/**
 * Stream filters we need for verification (ISO 32000-1 §7.4): FlateDecode with PNG predictors,
 * under the file's decompression budget (docs/hostile-input.md §PDF signature verification limits).
 */
import zlib from 'node:zlib';
import { PdfDict, PdfSyntaxError, type PdfValue } from './pdf-lexer.js';
import { PdfLimitError, type PdfBudget } from './pdf-limits.js';

/** Inflate one FlateDecode stream within the budget; a truncated stream yields what it holds (as readers do). */
export function inflateWithin(data: Buffer, budget: PdfBudget): Buffer {
  const cap = budget.inflateCap(data.length);
  const attempt = (opts: zlib.ZlibOptions): Buffer => zlib.inflateSync(data, { ...opts, maxOutputLength: cap + 1 });
  let out: Buffer;
  try {
    out = attempt({});
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) throw overLimit(data.length, cap);
    try {
      out = attempt({ finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e2 instanceof RangeError) throw overLimit(data.length, cap);
      throw new PdfSyntaxError(`FlateDecode: ${(e2 as Error).message}`);
    }
  }
  if (out.length > cap) throw overLimit(data.length, cap);
  budget.chargeInflate(out.length);
  return out;
}

function overLimit(input: number, cap: number): PdfLimitError {
  return new PdfLimitError('decompression', `a ${input}-byte stream inflates beyond ${cap} bytes (total, per-stream or ratio limit)`);
}

/** Apply the filter chain of a stream dictionary (already resolved values). */
export function decodeFilters(data: Buffer, filters: Array<string | null>, parms: PdfValue[], budget: PdfBudget): Buffer {
  let out = data;
  filters.forEach((name, i) => {
    if (name !== 'FlateDecode' && name !== 'Fl') throw new PdfSyntaxError(`unsupported filter ${name}`);
    out = inflateWithin(out, budget);
    const p = parms[i];
    if (p instanceof PdfDict) out = unpredict(out, p, budget);
  });
  return out;
}

/** Undo PNG predictors (§7.4.4.4). */
function unpredict(data: Buffer, parms: PdfDict, budget: PdfBudget): Buffer {
  const pred = parms.get('Predictor');
  if (typeof pred !== 'number' || pred < 10) return data;
  const num = (k: string, dflt: number) => { const v = parms.get(k); return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 1 << 20 ? v : dflt; };
  const colors = num('Colors', 1);
  const bpc = num('BitsPerComponent', 8);
  const columns = num('Columns', 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLen = Math.ceil((colors * bpc * columns) / 8);
  const rows = Math.floor(data.length / (rowLen + 1));
  budget.chargeWork(data.length);
  const out = Buffer.alloc(rows * rowLen);
  for (let r = 0; r < rows; r++) {
    const ft = data[r * (rowLen + 1)]!;
    for (let i = 0; i < rowLen; i++) {
      const x = data[r * (rowLen + 1) + 1 + i]!;
      const left = i >= bpp ? out[r * rowLen + i - bpp]! : 0;
      const up = r > 0 ? out[(r - 1) * rowLen + i]! : 0;
      const ul = r > 0 && i >= bpp ? out[(r - 1) * rowLen + i - bpp]! : 0;
      let v = x;
      if (ft === 1) v = x + left;
      else if (ft === 2) v = x + up;
      else if (ft === 3) v = x + ((left + up) >> 1);
      else if (ft === 4) {
        const pa = Math.abs(up - ul), pb = Math.abs(left - ul), pc = Math.abs(left + up - 2 * ul);
        v = x + (pa <= pb && pa <= pc ? left : pb <= pc ? up : ul);
      }
      out[r * rowLen + i] = v & 0xff;
    }
  }
  return out;
}
