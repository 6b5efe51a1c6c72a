// The import rules of ARCHITECTURE.md, made mechanical: every import in packages/ and apps/ is read and checked.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
});
