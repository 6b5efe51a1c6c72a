// The import rules of ARCHITECTURE.md, made mechanical: every import in packages/ and apps/ is read and checked.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(folder: string): Import[] {
  const files = sourceFiles(join(root, folder));
  const re = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(re)].map((m) => ({ file: relative(root, file), specifier: (m[1] ?? m[2])! }));
  });
}

const isTest = (i: Import) => /\.test\.ts$/.test(i.file) || i.file.includes('/bench/');
const packages = readdirSync(join(root, 'packages'));
const apps = readdirSync(join(root, 'apps'));
const all = [...packages.map((p) => `packages/${p}`), ...apps.map((a) => `apps/${a}`)].flatMap(importsOf);

function offenders(filter: (i: Import) => boolean): string[] {
  return all.filter(filter).map((i) => `${i.file} imports ${i.specifier}`);
}

describe('import boundaries', () => {
  it('reads a sane number of imports (the scanner works)', () => {
    expect(all.filter((i) => i.specifier === '@janitor/protocol').length).toBeGreaterThan(3);
  });

  it('packages never import apps', () => {
    expect(
      offenders(
        (i) => i.file.startsWith('packages/') && /^(janitor-agent|janitor-hub|@janitor\/cli)/.test(i.specifier),
      ),
    ).toEqual([]);
  });

  it('protocol imports no other Janitor package', () => {
    expect(offenders((i) => i.file.startsWith('packages/protocol/') && i.specifier.startsWith('@janitor/'))).toEqual(
      [],
    );
  });

  it('only metrics imports systeminformation', () => {
    expect(
      offenders(
        (i) =>
          i.specifier === 'systeminformation' &&
          !i.file.startsWith('packages/metrics/') &&
          !i.file.startsWith('bench/'),
      ),
    ).toEqual([]);
  });

  it('only publisher imports masto (tests of the testkit may drive the real client)', () => {
    expect(
      offenders(
        (i) =>
          /^masto(\/|$)/.test(i.specifier) &&
          !i.file.startsWith('packages/publisher/') &&
          !(i.file.startsWith('packages/testkit/') && isTest(i)),
      ),
    ).toEqual([]);
  });

  it('only store touches SQLite (a test may open the file to check what was written)', () => {
    expect(
      offenders((i) => i.specifier === 'node:sqlite' && !i.file.startsWith('packages/store/') && !isTest(i)),
    ).toEqual([]);
  });

  it('only the hub entry point imports @hono/node-server', () => {
    expect(
      offenders((i) => i.specifier.startsWith('@hono/node-server') && i.file !== 'apps/hub/src/main.ts' && !isTest(i)),
    ).toEqual([]);
  });

  it('thresholds is pure: no I/O, no timers, no clock', () => {
    const files = sourceFiles(join(root, 'packages/thresholds/src')).filter((f) => !f.endsWith('.test.ts'));
    const impure = files.flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return [/from ['"]node:/, /Date\.now\(/, /new Date\(\)/, /setTimeout|setInterval/, /\bprocess\./]
        .filter((re) => re.test(text))
        .map((re) => `${relative(root, f)}: ${re.source}`);
    });
    expect(impure).toEqual([]);
  });

  it('packages import each other only through their public entry point', () => {
    expect(offenders((i) => /^@janitor\/[^/]+\/src/.test(i.specifier))).toEqual([]);
  });

  it('no app imports another app (tests included: an app is started through its installed bin)', () => {
    const appPackages: Record<string, string> = { agent: 'janitor-agent', hub: 'janitor-hub', cli: '@janitor/cli' };
    expect(
      offenders((i) => {
        const own = /^apps\/([^/]+)\//.exec(i.file)?.[1];
        if (own === undefined) return false;
        return Object.entries(appPackages).some(
          ([app, name]) => app !== own && (i.specifier === name || i.specifier.startsWith(`${name}/`)),
        );
      }),
    ).toEqual([]);
  });

  it('no relative import or file URL leaves its package', () => {
    expect(
      [...all, ...fileUrls]
        .filter((i) => {
          if (!i.specifier.startsWith('.')) return false;
          // The repository's config.yaml.dist is the documented template: its tests check that it loads and is what
          // `janitor init` writes (the packed CLI ships a copy).
          if (isTest(i) && i.specifier.endsWith('/config.yaml.dist')) return false;
          const target = relative(packageOf(i.file), relative(root, resolve(root, dirname(i.file), i.specifier)));
          return target.startsWith('..');
        })
        .map((i) => `${i.file} reaches ${i.specifier}`),
    ).toEqual([]);
  });

  it('no import cycle between source files', () => {
    expect(cycles()).toEqual([]);
  });

  it('the checks above see what they look for', () => {
    // A relative path out of a package and a cycle, in files that do not exist: the helpers must flag them.
    expect(relative('packages/a', 'packages/b/src/x.ts').startsWith('..')).toBe(true);
    expect(
      findCycles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', ['c.ts']],
          ['c.ts', ['a.ts']],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});

/** `packages/x` or `apps/x` of a file. */
function packageOf(file: string): string {
  return file.split('/').slice(0, 2).join('/');
}

/** `new URL('../x', import.meta.url)`: a path reached from a file, as an import would. */
const fileUrls: Import[] = [...packages.map((p) => `packages/${p}`), ...apps.map((a) => `apps/${a}`)].flatMap(
  (folder) =>
    sourceFiles(join(root, folder)).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/new URL\(\s*['"](\.[^'"]*)['"]\s*,\s*import\.meta\.url/g)].map((m) => ({
        file: relative(root, file),
        specifier: m[1]!,
      })),
    ),
);

/** The cycles among the static relative imports of non-test source files (type-only imports included). */
function cycles(): string[][] {
  const graph = new Map<string, string[]>();
  for (const folder of [...packages.map((p) => `packages/${p}`), ...apps.map((a) => `apps/${a}`)]) {
    for (const file of sourceFiles(join(root, folder))) {
      if (/\.test(-support)?\.ts$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      const targets = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g)].map((m) =>
        relative(root, resolve(dirname(file), m[1]!)),
      );
      graph.set(relative(root, file), targets);
    }
  }
  return findCycles(graph);
}

/** Each elementary cycle found by a depth-first search, once, as the path that closes it. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (node: string) => {
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (onStack.has(next)) found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!done.has(next)) visit(next);
    }
    stack.pop();
    onStack.delete(node);
    done.add(node);
  };
  for (const node of graph.keys()) if (!done.has(node)) visit(node);
  return found;
}
