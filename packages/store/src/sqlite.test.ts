// Node 22 prints an ExperimentalWarning when node:sqlite loads (Node 24 does not): the store loads it with that one
// warning dropped. What is tested is the mechanism, on whatever Node runs the tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseSync, isSqliteWarning, withoutSqliteWarning } from './sqlite.ts';

const NODE22_TEXT = 'SQLite is an experimental feature and might change at any time';

/** Collects the warnings the process emits until the next ticks have run. */
function recordWarnings() {
  const seen: string[] = [];
  const listener = (warning: Error) => seen.push(`${warning.name}: ${warning.message}`);
  process.on('warning', listener);
  return {
    async settle() {
      // emitWarning emits on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      process.off('warning', listener);
      return seen;
    },
  };
}

const original = process.emitWarning;
afterEach(() => {
  process.emitWarning = original;
});

describe('withoutSqliteWarning', () => {
  it('drops node:sqlite’s ExperimentalWarning while it loads; other warnings pass, and nothing is kept patched', async () => {
    const recorder = recordWarnings();
    const result = withoutSqliteWarning(() => {
      // What Node 22's lib/sqlite.js does when it loads, then what must not be hidden.
      process.emitWarning(NODE22_TEXT, 'ExperimentalWarning');
      process.emitWarning(NODE22_TEXT, { type: 'ExperimentalWarning' });
      process.emitWarning('WASI is an experimental feature and might change at any time', 'ExperimentalWarning');
      process.emitWarning(NODE22_TEXT, 'DeprecationWarning');
      return 'loaded';
    });
    expect(result).toBe('loaded');
    expect(process.emitWarning).toBe(original);
    // After the load the same warning is not hidden any more.
    process.emitWarning(NODE22_TEXT, 'ExperimentalWarning');
    expect(await recorder.settle()).toEqual([
      'ExperimentalWarning: WASI is an experimental feature and might change at any time',
      `DeprecationWarning: ${NODE22_TEXT}`,
      `ExperimentalWarning: ${NODE22_TEXT}`,
    ]);
  });

  it('restores process.emitWarning when the load throws', () => {
    expect(() =>
      withoutSqliteWarning(() => {
        throw new Error('no sqlite');
      }),
    ).toThrow('no sqlite');
    expect(process.emitWarning).toBe(original);
  });

  it.each([
    [NODE22_TEXT, 'ExperimentalWarning', true],
    [NODE22_TEXT, { type: 'ExperimentalWarning' }, true],
    [Object.assign(new Error(NODE22_TEXT), { name: 'ExperimentalWarning' }), undefined, true],
    [NODE22_TEXT, undefined, false],
    ['The Fetch API is an experimental feature', 'ExperimentalWarning', false],
  ])('isSqliteWarning(%j, %j) is %s', (warning, type, expected) => {
    expect(isSqliteWarning(warning, type)).toBe(expected);
  });

  it('gives the real DatabaseSync', () => {
    const db = new DatabaseSync(':memory:');
    expect((db.prepare('SELECT 1 AS one').get() as { one: number }).one).toBe(1);
    db.close();
  });

  it('no file of the store loads node:sqlite other than through it (a static import would load it first)', () => {
    const sources = readdirSync(import.meta.dirname).filter((name) => name.endsWith('.ts') && !name.includes('.test'));
    const loading = sources.filter((name) =>
      /^\s*import\s+(?!type\b)[^;]*from\s+['"]node:sqlite['"]/m.test(
        readFileSync(join(import.meta.dirname, name), 'utf8'),
      ),
    );
    expect(loading).toEqual([]);
    expect(readFileSync(join(import.meta.dirname, 'sqlite.ts'), 'utf8')).toContain(
      "withoutSqliteWarning(() => createRequire(import.meta.url)('node:sqlite')",
    );
  });
});
