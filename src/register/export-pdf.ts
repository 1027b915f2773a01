/**
 * The printed register (NĐ 30/2020 Art. 22.3.b, 16.2.b; Appendix IV): A4 landscape, a title
 * block, the table with wrapped cells and its header repeated on every page, "Trang N/M", and the
 * clerk's signature block at the end, ready to be printed, signed for and bound.
 *
 * Vietnamese needs a Unicode font: the 14 standard PDF fonts use WinAnsi and cannot encode ạ, ế,
 * ơ, ư… So DejaVu Sans is embedded (subset: only the glyphs used), with pdf-lib's ToUnicode map,
 * so that the text can be searched and copied from the file.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { BridgeError } from '../errors.js';
import { REGISTER_TITLES, type RegisterTable } from './export-csv.js';

/** Where Debian/Ubuntu put DejaVu (package fonts-dejavu-core). */
export const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';

export type RegisterFonts = { regular: Uint8Array; bold: Uint8Array };

/** Read DejaVu Sans (and its bold, falling back to the regular face) from `dir`. */
export async function loadRegisterFonts(dir = DEJAVU_DIR): Promise<RegisterFonts> {
  const file = path.join(dir, 'DejaVuSans.ttf');
  let regular: Uint8Array;
  try {
    regular = await readFile(file);
  } catch (err) {
    throw new BridgeError('NOT_FOUND', `font ${file} not found: install fonts-dejavu-core (Vietnamese needs a Unicode font)`, { cause: err });
  }
  // No bold face installed: the titles are set in the regular one.
  const bold = await readFile(path.join(dir, 'DejaVuSans-Bold.ttf')).catch(() => regular);
  return { regular, bold };
}

/** A4 landscape in points, and the page frame. The wider left margin is the binding side. */
const PAGE = { width: 841.89, height: 595.28 };
const MARGIN = { left: 42, right: 24, top: 30, bottom: 36 };
const SIZE = { title: 15, agency: 11, subtitle: 10, running: 8, header: 7, body: 7, footer: 8 };
const LEADING = 1.25;
const PAD = { x: 2.5, y: 2.5 };
const INK = rgb(0, 0, 0);
const RULE = rgb(0.35, 0.35, 0.35);
const HEADER_FILL = rgb(0.92, 0.92, 0.92);

/** Relative column widths by header (Appendix IV names); a column not listed gets DEFAULT_WIDTH. */
const COLUMN_WIDTHS: Record<string, number> = {
  'Ngày đến': 54,
  'Số đến': 30,
  'Tác giả': 72,
  'Số, ký hiệu văn bản': 64,
  'Ngày tháng văn bản': 52,
  'Tên loại và trích yếu nội dung văn bản': 160,
  'Đơn vị hoặc người nhận': 62,
  'Ngày chuyển': 52,
  'Ký nhận': 44,
  'Ghi chú': 72,
  'Độ khẩn': 44,
  'Chữ ký số': 52,
  'Giá trị pháp lý': 44,
  'Trạng thái': 50,
  'Người ký': 80,
  'Nơi nhận văn bản': 130,
  'Đơn vị, người nhận bản lưu': 70,
  'Số lượng bản': 36,
};
const DEFAULT_WIDTH = 50;

/** Closing block (the clerk signs the printed register before it is bound). */
export const SIGNATURE_LINE = 'Người lập sổ (ký, ghi rõ họ tên)';

/** Break text into lines no wider than `width`: at spaces, and inside a word only when it alone is too wide. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').replace(/[\t\v\f]/g, ' ').split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) out.push(line);
      line = '';
      // A word wider than the cell (an address, a long code) is cut where it must be.
      let rest = word;
      while (font.widthOfTextAtSize(rest, size) > width) {
        let n = 1;
        while (n < rest.length && font.widthOfTextAtSize(rest.slice(0, n + 1), size) <= width) n++;
        out.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    out.push(line);
  }
  while (out.length > 1 && out.at(-1) === '') out.pop();
  return out;
}

type Fonts = { regular: PDFFont; bold: PDFFont };

/** Draws pages top-down; `y` is the next free baseline area (points from the bottom). */
class Layout {
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  /** Nothing but headers drawn on this page yet (a row that does not fit must then be split). */
  fresh = true;
  readonly widths: number[];
  readonly headerLines: string[][];
  readonly numbersRow: string[];

  constructor(
    readonly doc: PDFDocument,
    readonly fonts: Fonts,
    readonly table: RegisterTable,
  ) {
    const usable = PAGE.width - MARGIN.left - MARGIN.right;
    const raw = table.columns.map(c => COLUMN_WIDTHS[c] ?? DEFAULT_WIDTH);
    const total = raw.reduce((a, b) => a + b, 0);
    this.widths = raw.map(w => (w / total) * usable);
    this.headerLines = table.columns.map((c, i) => wrapText(c, fonts.bold, SIZE.header, this.widths[i]! - 2 * PAD.x));
    this.numbersRow = table.columns.map((_, i) => `(${i + 1})`);
  }

  /** Height of the running title plus the table header on a continuation page. */
  get freshRoom(): number {
    const header = Math.max(...this.headerLines.map(l => l.length)) * this.lineHeight(SIZE.header) + 2 * PAD.y;
    const numbers = this.lineHeight(SIZE.header) + 2 * PAD.y;
    return PAGE.height - MARGIN.top - MARGIN.bottom - (this.lineHeight(SIZE.running) + 4) - header - numbers;
  }

  lineHeight(size: number): number {
    return size * LEADING;
  }

  /** A new page, with the running title (after the first) and the table header. */
  newPage(first: boolean): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.pages.push(this.page);
    this.y = PAGE.height - MARGIN.top;
    if (first) this.titleBlock();
    else {
      const t = this.table;
      this.text(`${REGISTER_TITLES[t.kind]} – ${t.agency.name} – Năm ${t.year}`, MARGIN.left, this.y - SIZE.running, SIZE.running, this.fonts.regular);
      this.y -= this.lineHeight(SIZE.running) + 4;
    }
    this.tableHeader();
    this.fresh = true;
  }

  private titleBlock(): void {
    const t = this.table;
    const centre = (s: string, size: number, font: PDFFont) => {
      for (const line of wrapText(s, font, size, PAGE.width - MARGIN.left - MARGIN.right)) {
        this.y -= size;
        this.text(line, MARGIN.left + (PAGE.width - MARGIN.left - MARGIN.right - font.widthOfTextAtSize(line, size)) / 2, this.y, size, font);
        this.y -= size * (LEADING - 1) + 2;
      }
    };
    centre(t.agency.name.toLocaleUpperCase('vi'), SIZE.agency, this.fonts.bold);
    this.y -= 6;
    centre(REGISTER_TITLES[t.kind], SIZE.title, this.fonts.bold);
    centre(`Năm ${t.year}`, SIZE.subtitle, this.fonts.bold);
    const span = [
      t.dates ? `Từ ngày ${t.dates.first} đến ngày ${t.dates.last}` : null,
      t.numbers ? `Từ số ${t.numbers.first} đến số ${t.numbers.last}` : null,
      `Mã định danh: ${t.agency.code}`,
    ].filter(Boolean);
    centre(span.join(' – '), SIZE.subtitle - 1, this.fonts.regular);
    this.y -= 8;
  }

  private tableHeader(): void {
    const lh = this.lineHeight(SIZE.header);
    const h = Math.max(...this.headerLines.map(l => l.length)) * lh + 2 * PAD.y;
    this.cells(this.headerLines, 0, Math.max(...this.headerLines.map(l => l.length)), h, this.fonts.bold, SIZE.header, { fill: true, centre: true });
    this.cells(
      this.numbersRow.map(n => [n]),
      0,
      1,
      lh + 2 * PAD.y,
      this.fonts.regular,
      SIZE.header - 1,
      { centre: true },
    );
  }

  /** Draw lines [from, from+count) of each cell as one table row of height h at the current y. */
  cells(lines: string[][], from: number, count: number, h: number, font: PDFFont, size: number, opts: { fill?: boolean; centre?: boolean } = {}): void {
    let x = MARGIN.left;
    const top = this.y;
    const lh = this.lineHeight(size);
    for (let c = 0; c < lines.length; c++) {
      const w = this.widths[c]!;
      this.page.drawRectangle({ x, y: top - h, width: w, height: h, borderColor: RULE, borderWidth: 0.5, ...(opts.fill ? { color: HEADER_FILL } : {}) });
      const part = lines[c]!.slice(from, from + count);
      part.forEach((line, i) => {
        const tx = opts.centre ? x + (w - font.widthOfTextAtSize(line, size)) / 2 : x + PAD.x;
        if (line) this.text(line, tx, top - PAD.y - size - i * lh + (lh - size) / 2, size, font);
      });
      x += w;
    }
    this.y = top - h;
    this.fresh = false;
  }

  text(s: string, x: number, y: number, size: number, font: PDFFont): void {
    this.page.drawText(s, { x, y, size, font, color: INK });
  }

  /** Space left above the bottom margin. */
  get room(): number {
    return this.y - MARGIN.bottom;
  }
}

/**
 * Render the register. Rows never split unless one alone is taller than a page; then it
 * continues on the next page under the repeated header. Returns the bytes and the page count.
 */
export async function registerPdf(table: RegisterTable, fontBytes: RegisterFonts, opts: { now: Date }): Promise<{ bytes: Uint8Array; pages: number }> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit((await import('@pdf-lib/fontkit')).default); // ~1.5 s to load: only when exporting
  const regular = await doc.embedFont(fontBytes.regular, { subset: true });
  const bold = fontBytes.bold === fontBytes.regular ? regular : await doc.embedFont(fontBytes.bold, { subset: true });
  const title = `${REGISTER_TITLES[table.kind]} – ${table.agency.name} – Năm ${table.year}`;
  doc.setTitle(title);
  doc.setAuthor(table.agency.name);
  doc.setSubject(`${table.agency.code} ${table.year}`);
  doc.setLanguage('vi-VN');
  doc.setCreator('edoc-bridge');
  doc.setProducer('edoc-bridge (pdf-lib)');
  doc.setCreationDate(opts.now);
  doc.setModificationDate(opts.now);

  const L = new Layout(doc, { regular, bold }, table);
  L.newPage(true);
  const lh = L.lineHeight(SIZE.body);
  for (const row of table.rows) {
    const lines = row.map((cell, i) => wrapText(cell, regular, SIZE.body, L.widths[i]! - 2 * PAD.x));
    const total = Math.max(1, ...lines.map(l => l.length));
    let done = 0;
    while (done < total) {
      const fit = Math.floor((L.room - 2 * PAD.y) / lh);
      const left = total - done;
      // Move the whole row to a new page when it fits there; split only rows longer than a page.
      const fullPage = Math.floor((L.freshRoom - 2 * PAD.y) / lh);
      if (fit < left && !L.fresh && (left <= fullPage || fit < 3)) {
        L.newPage(false);
        continue;
      }
      const n = Math.max(1, Math.min(fit, left));
      L.cells(lines, done, n, n * lh + 2 * PAD.y, regular, SIZE.body);
      done += n;
    }
  }
  if (table.rows.length === 0) {
    L.y -= 14;
    L.text('(Không có văn bản nào trong năm)', MARGIN.left + PAD.x, L.y, SIZE.body + 1, regular);
  }

  // Closing block: place and date left blank for the clerk, then the signature.
  const closing = 3 * L.lineHeight(SIZE.subtitle) + 60;
  if (L.room < closing + 16) L.newPage(false);
  L.y -= 16;
  const blockX = PAGE.width - MARGIN.right - 260;
  const centreIn = (s: string, size: number, font: PDFFont) => {
    L.y -= size;
    L.text(s, blockX + (260 - font.widthOfTextAtSize(s, size)) / 2, L.y, size, font);
    L.y -= size * (LEADING - 1) + 2;
  };
  const summaryPage = L.page;
  const summaryY = L.y - SIZE.subtitle;
  centreIn(`${table.agency.place ? table.agency.place + ', ' : ''}ngày ..... tháng ..... năm .........`, SIZE.subtitle, regular);
  centreIn(SIGNATURE_LINE, SIZE.subtitle, bold);

  const pages = doc.getPageCount();
  summaryPage.drawText(`Sổ gồm ${pages} trang, ${table.rows.length} văn bản.`, { x: MARGIN.left, y: summaryY, size: SIZE.subtitle - 1, font: regular, color: INK });
  L.pages.forEach((page, i) => {
    const label = `Trang ${i + 1}/${pages}`;
    page.drawText(label, { x: (PAGE.width - regular.widthOfTextAtSize(label, SIZE.footer)) / 2, y: MARGIN.bottom / 2 - 2, size: SIZE.footer, font: regular, color: INK });
  });
  return { bytes: await doc.save(), pages };
}
