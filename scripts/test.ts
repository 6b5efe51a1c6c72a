// The whole check, as `./dev test` and CI run it: lint, typecheck, then every vitest project.
// Ends with a plain "N passed, N failed" line (lint and typecheck count as one check each).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const results = join(root, '.vitest-results.json');

function run(label: string, command: string, args: string[]): boolean {
  process.stdout.write(`\n== ${label}\n`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status === 0;
}

let passed = 0;
let failed = 0;
const count = (ok: boolean) => (ok ? passed++ : failed++);

count(run('lint (biome)', bin('biome'), ['check', '.']));
count(run('typecheck (tsc)', bin('tsc'), ['-p', 'tsconfig.json']));

rmSync(results, { force: true });
const extra = process.argv.slice(2);
run('tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
  ...extra,
]);
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numTotalTestSuites: number;
    testResults: { status: string; message?: string; name: string }[];
  };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A test file that fails to load has no tests to count: count it as a failure.
  failed += report.testResults.filter((f) => f.status === 'failed' && f.message).length;
} else {
  failed++;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
