import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BridgeError } from '../errors.js';
import { packagePath } from '../paths.js';

/** The mail templates we ship (templates/<name>.txt and .html). */
export const TEMPLATE_NAMES = ['status', 'refusal', 'document', 'recall', 'notice'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

/** templates/ at the package root (from src/ via tsx, or dist/src/ after tsc). */
function templatesDir(): string {
  return packagePath('templates');
}

const cache = new Map<string, string>();

async function load(file: string): Promise<string> {
  let text = cache.get(file);
  if (text === undefined) {
    try {
      text = (await readFile(file, 'utf8')).normalize('NFC');
    } catch (err) {
      throw new BridgeError('TEMPLATE_MISSING', `template ${path.basename(file)} not found in ${path.dirname(file)}`, { cause: err });
    }
    cache.set(file, text);
  }
  return text;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML (every value that goes into an HTML template or page). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, c => HTML_ESCAPES[c]!);
}

/**
 * Fill `{{name}}` placeholders; `{{#name}}…{{/name}}` keeps its block only when the value is
 * non-empty. In HTML every value is escaped. An unknown placeholder is an error, not a blank.
 */
export function fill(template: string, params: Record<string, string | null | undefined>, html: boolean): string {
  const withBlocks = template.replace(/\{\{#(\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g, (_m, key: string, block: string) => (params[key] ? block : ''));
  return withBlocks.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => {
    if (!(key in params)) throw new BridgeError('TEMPLATE_MISSING', `template placeholder {{${key}}} has no value`);
    const value = (params[key] ?? '').normalize('NFC');
    return html ? escapeHtml(value) : value;
  });
}

/** A loaded template: filling it is pure (no I/O), so it may happen inside a transaction. */
export type Template = { fill(params: Record<string, string | null | undefined>): { text: string; html: string } };

/** Load a template's text and HTML (read once per process, NFC). */
export async function loadTemplate(name: TemplateName, dir = templatesDir()): Promise<Template> {
  const [text, html] = await Promise.all([load(path.join(dir, `${name}.txt`)), load(path.join(dir, `${name}.html`))]);
  return { fill: params => ({ text: fill(text, params, false), html: fill(html, params, true) }) };
}

/** Render a template to its text and HTML bodies (both NFC). */
export async function render(name: TemplateName, params: Record<string, string | null | undefined>, dir = templatesDir()): Promise<{ text: string; html: string }> {
  return (await loadTemplate(name, dir)).fill(params);
}
