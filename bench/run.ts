// ./dev bench [NAME...] [-- ARGS...]: runs the named benchmarks (default: all) one after another, each with ARGS
// (`./dev bench hub-memory -- --bot`). See BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const skip = new Set(['run.ts', 'stats.ts', 'rusage-hook.ts', 'hub-harness.ts', 'paced-load.ts']);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && !skip.has(f))
  .map((f) => f.slice(0, -3));
const dashes = process.argv.indexOf('--', 2);
const wanted = process.argv.slice(2, dashes === -1 ? undefined : dashes);
const extra = dashes === -1 ? [] : process.argv.slice(dashes + 1);
const names = wanted.length > 0 ? wanted : available;
let failed = 0;
for (const name of names) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark '${name}' (available: ${available.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n## ${name}`);
  const r = spawnSync(process.execPath, [file, ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
