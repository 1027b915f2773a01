/**
 * Minimal XML plumbing for edXML: escaping for the builders, and a lenient reader over
 * fast-xml-parser that ignores namespace prefixes (peers send `edXML:`-prefixed and prefix-less
 * elements, docs/edxml.md §Elements we read) and never throws.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Escape text or attribute content. */
export function esc(s: string | number | boolean): string {
  return String(s)
    .normalize('NFC')
    // XML 1.0 forbids most C0 controls even as character references.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/gu, '')
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/"/gu, '&quot;');
}

/** `<edXML:name>value</edXML:name>`, or '' when value is undefined/null. */
export function el(name: string, value: string | number | boolean | null | undefined, indent = ''): string {
  if (value === undefined || value === null) return '';
  return `${indent}<edXML:${name}>${esc(value)}</edXML:${name}>\n`;
}

/** `<edXML:name>children</edXML:name>`, or '' when children is empty and `keepEmpty` is false. */
export function group(name: string, children: string, indent = '', keepEmpty = false, attrs = ''): string {
  if (!children && !keepEmpty) return '';
  if (!children) return `${indent}<edXML:${name}${attrs}/>\n`;
  return `${indent}<edXML:${name}${attrs}>\n${children}${indent}</edXML:${name}>\n`;
}

/** A parsed element: every child is an array (fast-xml-parser isArray), text in '#text', attributes '@_x'. */
export type XNode = Record<string, unknown>;

/** Parse XML leniently; returns the root object or an error message. */
export function readXml(input: string | Buffer): { root: XNode; error?: undefined } | { root?: undefined; error: string } {
  let text = Buffer.isBuffer(input) ? decodeXmlBytes(input) : input;
  text = text.replace(/^\uFEFF/u, '').normalize('NFC');
  if (!text.trim()) return { error: 'empty document' };
  try {
    const valid = XMLValidator.validate(text);
    if (valid !== true) return { error: `not well-formed XML: ${valid.err.msg} (line ${valid.err.line})` };
    const parser = new XMLParser({
      removeNSPrefix: true,
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      // Numeric character references (&#7873;) are decoded only with htmlEntities.
      htmlEntities: true,
      ignorePiTags: true,
      isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
    });
    return { root: parser.parse(text) as XNode };
  } catch (err) {
    return { error: `XML parse failed: ${(err as Error).message}` };
  }
}

/**
 * Take the text of every `name` element (any prefix) out of an XML string before parsing, leaving
 * `@N` in its place: fast-xml-parser holds ~36 bytes per byte of a large text node (a 10 MB base64
 * attachment cost 385 MB), and these texts need no parsing (docs/hostile-input.md §Limits).
 */
export function liftElementText(xml: string, name: string): { xml: string; texts: string[] } {
  const texts: string[] = [];
  const open = new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>`, 'gu');
  const close = new RegExp(`^</(?:[\\w.-]+:)?${name}\\s*>`, 'u');
  const parts: string[] = [];
  let from = 0;
  for (let m = open.exec(xml); m; m = open.exec(xml)) {
    if (m[0].endsWith('/>')) continue;
    const start = m.index + m[0].length;
    const end = xml.indexOf('<', start);
    if (end < 0 || !close.test(xml.slice(end, end + name.length + 64))) continue;
    parts.push(xml.slice(from, start), `@${texts.push(xml.slice(start, end)) - 1}`);
    from = end;
    open.lastIndex = end;
  }
  parts.push(xml.slice(from));
  return { xml: parts.join(''), texts };
}

/** The characters of an XML document: UTF-8 unless a BOM says UTF-16. */
export function decodeXmlBytes(b: Buffer): string {
  if (b[0] === 0xff && b[1] === 0xfe) return b.subarray(2).toString('utf16le');
  return b.toString('utf8');
}

/** The first child element `name` (local name) of a node. */
export function child(node: unknown, name: string): XNode | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as XNode)[name];
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return (typeof first === 'object' ? first : { '#text': first }) as XNode;
}

/** All child elements `name`. */
export function kids(node: unknown, name: string): XNode[] {
  if (!node || typeof node !== 'object') return [];
  const v = (node as XNode)[name];
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return arr.map(x => (typeof x === 'object' && x !== null ? x : { '#text': x }) as XNode);
}

/** Text of the first child `name` (trimmed, NFC), or undefined when missing or empty. */
export function text(node: unknown, name?: string): string | undefined {
  const n = name === undefined ? (node as XNode | undefined) : child(node, name);
  if (n === undefined) return undefined;
  const t = n['#text'];
  const s = Array.isArray(t) ? t.join('') : t;
  if (s === undefined || s === null) return undefined;
  const v = String(s).trim().normalize('NFC');
  return v === '' ? undefined : v;
}

/** Follow a path of local names through first children. */
export function path(node: unknown, ...names: string[]): XNode | undefined {
  let cur: unknown = node;
  for (const n of names) {
    cur = child(cur, n);
    if (cur === undefined) return undefined;
  }
  return cur as XNode;
}

/** Depth-first search for the first element with local name `name`. */
export function find(node: unknown, name: string, depth = 0): XNode | undefined {
  if (!node || typeof node !== 'object' || depth > 12) return undefined;
  const direct = child(node, name);
  if (direct) return direct;
  for (const [k, v] of Object.entries(node as XNode)) {
    if (k.startsWith('@_') || k === '#text') continue;
    for (const item of Array.isArray(v) ? v : [v]) {
      const hit = find(item, name, depth + 1);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Local names of the top-level elements of a parsed document. */
export function rootNames(root: XNode): string[] {
  return Object.keys(root).filter(k => !k.startsWith('@_') && k !== '#text' && !k.startsWith('?'));
}
