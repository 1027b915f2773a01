/**
 * Checks of the code's shape (docs/architecture.md §Rules the tests keep), on source text parsed
 * with the TypeScript parser (syntax only: fast, no type checking):
 *   - queryViolations   a knex query built outside src/db/ (calling the Db, `.raw`, `.transaction`,
 *                       importing knex)
 *   - portsInTransactions  the outside world (a port, the blob store, sealing, rendering, fetch)
 *                       reached inside an inTransaction callback: transactions do database work only
 *   - importCycles      cycles of imports between src/ top-level folders, and between files
 * Files are given as a map path → text, so the tests can feed fixtures as well as the real tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type SourceFiles = Map<string, string>;

/** Every .ts file under `root`, keyed by its path relative to `base` (posix separators). */
export function readTree(base: string, root = 'src'): SourceFiles {
  const out: SourceFiles = new Map();
  const walk = (dir: string): void => {
    for (const e of readdirSync(path.join(base, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.set(rel, readFileSync(path.join(base, rel), 'utf8'));
    }
  };
  walk(root);
  return out;
}

function parse(file: string, text: string): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function visit(node: ts.Node, fn: (n: ts.Node) => void): void {
  fn(node);
  ts.forEachChild(node, child => visit(child, fn));
}

function where(sf: ts.SourceFile, node: ts.Node): string {
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  return `${sf.fileName}:${line + 1}`;
}

/** A database handle by name: `db`, `trx`, `knex`, or a property ending in `.db` (`app.db`, `deps.db`). */
const DB_HANDLE = /(?:^|\.)(?:db|trx|knex)$/u;
/** Knex members that build or run SQL without a table call. */
const KNEX_MEMBERS = new Set(['raw', 'transaction', 'transactionProvider', 'schema', 'migrate', 'seed', 'queryBuilder']);

/** Places outside src/db/ that build a query. `allow`: path prefixes exempted (each with its reason in the caller). */
export function queryViolations(files: SourceFiles, allow: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    if (file.startsWith('src/db/') || allow.some(a => file.startsWith(a))) continue;
    const sf = parse(file, text);
    visit(sf, n => {
      if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text === 'knex') {
        out.push(`${where(sf, n)} imports knex`);
      }
      if (!ts.isCallExpression(n)) return;
      const callee = n.expression;
      const text = callee.getText(sf);
      if ((ts.isIdentifier(callee) || ts.isPropertyAccessExpression(callee)) && DB_HANDLE.test(text)) out.push(`${where(sf, n)} queries the database: ${text}(…)`);
      else if (ts.isPropertyAccessExpression(callee) && KNEX_MEMBERS.has(callee.name.text) && DB_HANDLE.test(callee.expression.getText(sf))) out.push(`${where(sf, n)} uses knex: ${text}(…)`);
    });
  }
  return out;
}

/** What a transaction must not reach: the ports and the I/O behind them. */
const OUTSIDE_WORLD = /(?:^|\.)(?:ports|blobs|sealer|mailbox|mailer)(?:\.|$)|^(?:render|loadTemplate|prepareStatusAnswer|fetch|readFile|writeFile|sealPdf|stampPdf)$/u;

/** Calls that reach outside the database inside an `inTransaction(db, async trx => …)` callback. */
export function portsInTransactions(files: SourceFiles): string[] {
  const out: string[] = [];
  for (const [file, text] of files) {
    const sf = parse(file, text);
    visit(sf, n => {
      if (!ts.isCallExpression(n) || n.expression.getText(sf) !== 'inTransaction') return;
      const work = n.arguments[1];
      if (!work) return;
      visit(work, inner => {
        if (ts.isCallExpression(inner) && OUTSIDE_WORLD.test(inner.expression.getText(sf))) out.push(`${where(sf, inner)} inside a transaction: ${inner.expression.getText(sf)}(…)`);
      });
    });
  }
  return out;
}

/** Relative imports of each file (static, re-exports, dynamic, type-only alike), resolved to the files given. */
export function importGraph(files: SourceFiles): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const deps = new Set<string>();
    const add = (spec: string): void => {
      if (!spec.startsWith('.')) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/u, '.ts');
      if (files.has(target)) deps.add(target);
      else if (files.has(target.replace(/\.ts$/u, '/index.ts'))) deps.add(target.replace(/\.ts$/u, '/index.ts'));
    };
    visit(parse(file, text), n => {
      if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) add(n.moduleSpecifier.text);
      if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) add(n.arguments[0].text);
    });
    graph.set(file, deps);
  }
  return graph;
}

/** The strongly connected components of more than one node (Tarjan): each is a cycle. */
function cyclesOf(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) connect(v);
  return out;
}

/** The top-level unit of a file under src/: its folder, or the file itself (app, cycle, errors…). */
export function unitOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/u, '');
}

/** Import cycles between top-level units of src/ (with one import of each edge as evidence), and between files. */
export function importCycles(files: SourceFiles): { units: string[]; files: string[] } {
  const graph = importGraph(files);
  const unitEdges = new Map<string, Map<string, string>>();
  for (const [from, deps] of graph) {
    for (const to of deps) {
      const a = unitOf(from);
      const b = unitOf(to);
      if (a === b) continue;
      if (!unitEdges.has(a)) unitEdges.set(a, new Map());
      if (!unitEdges.get(a)!.has(b)) unitEdges.get(a)!.set(b, `${from} → ${to}`);
    }
  }
  const units = cyclesOf(new Set([...graph.keys()].map(unitOf)), u => unitEdges.get(u)?.keys() ?? []).map(c => {
    const evidence = c.flatMap(a => c.map(b => unitEdges.get(a)?.get(b)).filter((e): e is string => !!e));
    return `${c.join(' ↔ ')} (${evidence.join('; ')})`;
  });
  const fileCycles = cyclesOf(graph.keys(), f => graph.get(f) ?? []).map(c => c.join(' ↔ '));
  return { units, files: fileCycles };
}
