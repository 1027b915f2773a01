/**
 * Citations cannot rot: code, tests, scripts and configuration never cite documents outside the
 * repository, and every `docs/<file>.md §<heading>` citation names a file and a heading that exist
 * (docs/README.md §How to cite).
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SELF = 'test/docs-citations.test.ts';

/** Folders whose files must not cite documents outside the repository. */
const SCANNED = ['src', 'test', 'scripts', 'bench', 'config', 'migrations', 'templates'];
/** Files whose docs/ citations are checked too (they may still say the spec lives elsewhere). */
const ALSO_CHECKED = ['README.md', 'CONTRIBUTING.md'];
const TEXT_FILE = /\.(?:[cm]?[jt]s|json|ya?ml|sh|txt|html|md|sql)$/u;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git']);

// This file's own patterns and fixture strings sit between the two marker lines below; the scan of
// this file leaves that region out (and only that region), so the fixtures do not flag themselves.
const REGION_START = '// docs-citations: self-test region start';
const REGION_END = '// docs-citations: self-test region end';

// docs-citations: self-test region start
/** What a citation of a document outside the repository looks like. */
export const EXTERNAL: ReadonlyArray<{ what: string; re: RegExp }> = [
  { what: 'the product spec ("SPEC §…")', re: /\bSPEC\s*§/u },
  { what: 'the domain reference notes ("domain-vn")', re: /domain-vn/u },
  { what: 'a reference note ("reference/<name>.md")', re: /\breference\/[\w.-]+\.md\b/u },
  { what: 'a reference note by its name', re: /anchors-mail|(?<![\w./-])(?:design|mailserver)\.md\b/u },
  { what: 'the shared folder ("../shared")', re: /\.\.\/shared\b/u },
];

const EXTERNAL_FIXTURES = {
  cited: [
    ' * Parse a raw mail (SPEC §2.3): mailparser',
    'verdicts of SPEC§4.',
    '// domain-vn §1.5: some systems answer',
    '(status codes: domain-vn.md §1.5)',
    '(reference/mailserver.md §3b)',
    'forge cannot (reference/signatures.md §1.1)',
    'Choices (cite: anchors-mail.md failure modes 21–26, 31):',
    'Read design.md first',
    'see mailserver.md for the recipe',
    'Read `../shared/SPEC.md` first',
  ],
  clean: [
    'USERS_SPEC=${MAILSRV_USERS:-""}',
    'the verdicts of docs/signatures.md §Verdicts',
    'RFC 5652 §5.4 and ISO 32000-1 §12.8.1',
    'bash scripts/mailserver.sh start',
    'NĐ 30 Appendix VI §III.8',
    'specification is kept outside this repository',
  ],
};

const DOCS_FIXTURE: Record<string, string[]> = { 'mail.md': ['Subjects', 'Status mail', 'Status mail headers'], 'registers.md': ['Arrival numbers'] };

const CITATION_FIXTURES = {
  good: [
    '(docs/mail.md §Subjects)',
    'docs/mail.md §Subjects and their parsers',
    ' * answer (docs/mail.md §Status\n * mail): In-Reply-To',
    '# wrapped in YAML (docs/registers.md §Arrival\n#   numbers).',
    '(docs/mail.md §Subjects, §Status mail headers; docs/registers.md §Arrival numbers)',
    'see docs/mail.md for the wire format',
  ],
  bad: [
    '(docs/mail.md §Subject)',
    '(docs/mail.md §Subjectsx)',
    '(docs/mail.md §Dedupe keys)',
    '(docs/nope.md §Subjects)',
    'see docs/nope.md',
    '(docs/mail.md §Subjects, §Nope)',
    '(docs/registers.md §arrival numbers)',
  ],
  /** Inside docs/registers.md: a bare `§Heading` names a heading of the same file. */
  sameFileGood: ['see §Arrival numbers.', 'NĐ 30 Appendix VI §III.8, RFC 3834 §2', '(docs/mail.md §Subjects, §Status mail)'],
  sameFileBad: ['see §Arrival number.', 'see §Paper documents'],
};
// docs-citations: self-test region end

type Problem = { at: string; why: string };

/** Text with comment line breaks joined: a newline, its indent and a `*`, `//` or `#` marker become one space. */
function joinLines(s: string): string {
  return s.replace(/[ \t]*\r?\n[ \t]*(?:\*(?!\/)|\/\/+|#+)?[ \t]*/gu, ' ');
}

/** `## ` (to `###### `) heading texts of a Markdown text, outside code fences. */
export function headings(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split(/\r?\n/u)) {
    if (/^\s*```/u.test(line)) fenced = !fenced;
    const m = !fenced && /^#{2,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/u.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/**
 * Problems of the `docs/<file>.md [§<heading>[, §<heading>…]]` citations in `text`. A heading is
 * cited when the text after `§` starts with it and the next character is not a letter or digit;
 * `docsHeadings(file)` gives a file's headings, or null when the file does not exist.
 */
export function citationProblems(text: string, docsHeadings: (file: string) => string[] | null): Problem[] {
  const problems: Problem[] = [];
  for (const m of text.matchAll(/(?<![\w/.-])docs\/([\w.-]+\.md)\b/gu)) {
    const file = m[1]!;
    const line = text.slice(0, m.index).split('\n').length;
    const found = docsHeadings(file);
    if (found === null) {
      problems.push({ at: `line ${line}: ${m[0]}`, why: `docs/${file} does not exist` });
      continue;
    }
    let rest = joinLines(text.slice(m.index + m[0].length, m.index + m[0].length + 300));
    let sep = /^\s*§/u.exec(rest);
    while (sep) {
      rest = rest.slice(sep[0].length);
      const heading = found.filter(h => rest.startsWith(h) && !/^[\p{L}\p{N}]/u.test(rest.slice(h.length))).sort((a, b) => b.length - a.length)[0];
      if (heading === undefined) {
        problems.push({ at: `line ${line}`, why: `docs/${file} has no heading that starts "§${rest.slice(0, 40)}"` });
        break;
      }
      rest = rest.slice(heading.length);
      sep = /^\s*(?:,|;|and)\s*§/u.exec(rest);
    }
  }
  return problems;
}

/**
 * Problems of the bare `§<Heading>` references inside a docs/ file (a capital then a small letter:
 * "§Arrival numbers", not "§III.8" or "§5.4"), which name a heading of that same file. A `§` right
 * after a file name or a `,` / `;` / `and` belongs to a docs/ citation or a list and is skipped.
 */
export function sameFileProblems(text: string, own: string[]): Problem[] {
  const problems: Problem[] = [];
  for (const m of text.matchAll(/§(?=\p{Lu}\p{Ll})/gu)) {
    if (/(?:\.md|,|;|\band)\s*$/u.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
    const rest = joinLines(text.slice(m.index + 1, m.index + 200));
    if (own.some(h => rest.startsWith(h) && !/^[\p{L}\p{N}]/u.test(rest.slice(h.length)))) continue;
    problems.push({ at: `line ${text.slice(0, m.index).split('\n').length}: §${rest.slice(0, 40)}`, why: 'no such heading in this file' });
  }
  return problems;
}

/** The external citations in `text`, one per matching line. */
export function externalCitations(text: string): Problem[] {
  const out: Problem[] = [];
  text.split(/\r?\n/u).forEach((line, i) => {
    for (const e of EXTERNAL) if (e.re.test(line)) out.push({ at: `line ${i + 1}: ${line.trim().slice(0, 100)}`, why: e.what });
  });
  return out;
}

/** Text files under `dir` (relative to the repository), recursively. */
function filesUnder(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { withFileTypes: true }).flatMap(e => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : filesUnder(rel);
    return e.isFile() && TEXT_FILE.test(e.name) ? [rel] : [];
  });
}

/** A file's text as scanned: this file without its self-test region. */
function scannedText(rel: string): string {
  const text = readFileSync(path.join(ROOT, rel), 'utf8');
  if (rel !== SELF) return text;
  const start = text.indexOf(`\n${REGION_START}\n`);
  const end = text.indexOf(`\n${REGION_END}\n`);
  if (start < 0 || end < start) throw new Error(`${SELF}: self-test region markers not found`);
  // Keep the line count, so line numbers stay right.
  return text.slice(0, start) + '\n'.repeat(text.slice(start, end).split('\n').length - 1) + text.slice(end);
}

const docsCache = new Map<string, string[] | null>();
/** Headings of a file of the repository's docs/, or null when it does not exist. */
function repoDocs(file: string): string[] | null {
  if (!docsCache.has(file)) {
    const abs = path.join(ROOT, 'docs', file);
    docsCache.set(file, existsSync(abs) ? headings(readFileSync(abs, 'utf8')) : null);
  }
  return docsCache.get(file)!;
}

const scanned = SCANNED.flatMap(filesUnder);

test('the matchers find citations of documents outside the repository, and leave ours alone', t => {
  for (const s of EXTERNAL_FIXTURES.cited) t.true(externalCitations(s).length > 0, `not caught: ${s}`);
  for (const s of EXTERNAL_FIXTURES.clean) t.deepEqual(externalCitations(s), [], `wrongly caught: ${s}`);
});

test('the citation check accepts real headings (also wrapped and chained) and rejects missing files, missing headings and partial words', t => {
  const fixtureDocs = (file: string) => DOCS_FIXTURE[file] ?? null;
  for (const s of CITATION_FIXTURES.good) t.deepEqual(citationProblems(s, fixtureDocs), [], `wrongly rejected: ${s}`);
  for (const s of CITATION_FIXTURES.bad) t.is(citationProblems(s, fixtureDocs).length, 1, `not rejected once: ${s}`);
  const own = DOCS_FIXTURE['registers.md']!.concat(['Paper documents x']);
  for (const s of CITATION_FIXTURES.sameFileGood) t.deepEqual(sameFileProblems(s, own), [], `wrongly rejected: ${s}`);
  for (const s of CITATION_FIXTURES.sameFileBad) t.is(sameFileProblems(s, own).length, 1, `not rejected once: ${s}`);
  t.deepEqual(headings('# Title\n## Arrival numbers\n```\n## not a heading\n```\n### Sub part ##\n'), ['Arrival numbers', 'Sub part']);
});

test('the scan covers code, tests, scripts, configuration and migrations, this file included', t => {
  for (const f of ['src/mail/parse.ts', 'test/readme.test.ts', 'scripts/mailserver.sh', 'config/holidays.yaml', SELF]) t.true(scanned.includes(f), `${f} is not scanned`);
  t.true(scanned.some(f => f.startsWith('migrations/')), 'no migration scanned');
  t.true(scanned.some(f => f.startsWith('templates/')), 'no template scanned');
  // Only the self-test region of this file is left out of the scan.
  t.true(scannedText(SELF).includes("const SELF = 'test/docs-citations.test.ts';"));
  t.notRegex(scannedText(SELF), /const EXTERNAL_FIXTURES = \{/u);
});

test('no file under src/, test/, scripts/, bench/, config/, migrations/ or templates/ cites a document outside the repository', t => {
  const found = scanned.flatMap(f => externalCitations(scannedText(f)).map(p => `${f} ${p.at} — ${p.why}`));
  t.deepEqual(found, [], 'cite the docs/ section instead (docs/README.md §How to cite)');
});

test('every docs/<file>.md §<heading> citation, and every §<Heading> inside docs/, names an existing file and heading', t => {
  const files = [...scanned, ...ALSO_CHECKED.filter(f => existsSync(path.join(ROOT, f))), ...filesUnder('docs')];
  const found = files.flatMap(f => citationProblems(scannedText(f), repoDocs).map(p => `${f} ${p.at} — ${p.why}`));
  for (const f of filesUnder('docs')) {
    found.push(...sameFileProblems(scannedText(f), repoDocs(path.posix.basename(f))!).map(p => `${f} ${p.at} — ${p.why}`));
  }
  t.deepEqual(found, []);
});
