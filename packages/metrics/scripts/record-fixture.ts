// Records this machine's metric sources into packages/metrics/fixtures/<name>/ so tests can replay them:
//   node packages/metrics/scripts/record-fixture.ts <name> [busyMs]
// proc/ holds the first snapshot (stat, meminfo, net/dev, self/mounts), later/ the second snapshot of the counters
// (stat, net/dev) taken about one second later with `busyMs` of CPU work in between, statfs.json the statfs(2)
// result of every mount point listed, os.json what node:os said, sys/ any thermal zone or hwmon sensor found.
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';

const name = process.argv[2];
if (!name || !/^[\w.-]+$/.test(name)) {
  process.stderr.write('usage: record-fixture.ts <name> [busyMs]\n');
  process.exit(2);
}
const busyMs = Number(process.argv[3] ?? 300);
const out = join(import.meta.dirname, '..', 'fixtures', name);

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  // /proc files report size 0: read them fully instead of copyFileSync, which would copy nothing.
  writeFileSync(to, readFileSync(from));
}

const firstAtMs = Date.now();
copy('/proc/stat', join(out, 'proc/stat'));
copy('/proc/net/dev', join(out, 'proc/net/dev'));
copy('/proc/meminfo', join(out, 'proc/meminfo'));
copy('/proc/self/mounts', join(out, 'proc/self/mounts'));

// Burn some CPU so the interval between the two snapshots has a visible busy share, then let the rest idle.
const busyUntil = Date.now() + busyMs;
while (Date.now() < busyUntil) Math.sqrt(Math.random());
const idleUntil = firstAtMs + 1000;
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, idleUntil - Date.now()));

const laterAtMs = Date.now();
copy('/proc/stat', join(out, 'later/stat'));
copy('/proc/net/dev', join(out, 'later/net/dev'));

const statfs: Record<string, unknown> = {};
for (const line of readFileSync(join(out, 'proc/self/mounts'), 'utf8').split('\n')) {
  const mount = line
    .split(' ')[1]
    ?.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  if (!mount || mount in statfs) continue;
  try {
    const s = statfsSync(mount);
    statfs[mount] = {
      type: s.type,
      bsize: s.bsize,
      frsize: s.frsize,
      blocks: s.blocks,
      bfree: s.bfree,
      bavail: s.bavail,
      files: s.files,
      ffree: s.ffree,
    };
  } catch (error) {
    statfs[mount] = { error: (error as NodeJS.ErrnoException).code };
  }
}
writeFileSync(join(out, 'statfs.json'), `${JSON.stringify(statfs, null, 2)}\n`);

writeFileSync(
  join(out, 'os.json'),
  `${JSON.stringify({ hostname: os.hostname(), loadavg: os.loadavg(), uptime: os.uptime(), firstAtMs, laterAtMs, arch: process.arch, release: os.release() }, null, 2)}\n`,
);

for (const [dir, prefix, files] of [
  ['/sys/class/thermal', 'thermal_zone', ['type', 'temp']],
  ['/sys/class/hwmon', 'hwmon', ['name', 'temp1_input']],
] as const) {
  if (!existsSync(dir)) continue;
  for (const entry of readdirSync(dir).filter((e) => e.startsWith(prefix))) {
    for (const file of files) {
      const from = join(dir, entry, file);
      if (existsSync(from)) copy(from, join(out, 'sys', dir.slice('/sys/'.length), entry, file));
    }
  }
}
process.stdout.write(`recorded ${out} (${laterAtMs - firstAtMs} ms between snapshots)\n`);
