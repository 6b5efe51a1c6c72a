// `./dev pack [--out DIR]`: builds every publishable package and app to its dist/ (and the single-file agent into the
// hub's dist/agent/), packs each into one folder (default dist-pack/ at the root), then prints the one
// `npm install -g` line that installs the apps from there. Every tarball is on that line: the apps' @janitor/*
// dependencies are on no registry yet, so an app's tarball alone does not install. `pnpm pack` turns `workspace:*`
// into the real versions and applies `publishConfig`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = join(import.meta.dirname, '..');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  publishConfig?: { bin?: Record<string, string> };
}

interface PackResult {
  name: string;
  filename: string;
}

/** The workspace's packages that get published: those under packages/ and apps/ that are not private. */
function publishable(): { dir: string; manifest: Manifest }[] {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => join(root, group, name))
      .filter((dir) => existsSync(join(dir, 'package.json')))
      .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
      .filter(({ manifest }) => manifest.private !== true),
  );
}

function run(command: string, args: string[], options: { capture?: boolean } = {}): string {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
  });
  if (result.error) {
    const hint = command === 'pnpm' ? ' (run it through ./dev pack, which puts pnpm on the PATH)' : '';
    throw new Error(`${command}: ${result.error.message}${hint}`);
  }
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result.stdout ?? '';
}

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const outDir = resolve(values.out ?? join(root, 'dist-pack'));
  const packages = publishable();

  // One `tsc -b` over every package's build config: project references build each dependency first, once.
  process.stderr.write(`pack: building ${packages.length} packages\n`);
  run(join(root, 'node_modules', '.bin', 'tsc'), [
    '-b',
    ...packages.map(({ dir }) => join(dir, 'tsconfig.build.json')),
  ]);
  // build:agent: the single-file agent a packed hub hands out (GET /agent/janitor-agent.mjs), in its dist/agent/.
  process.stderr.write('pack: bundling the agent into the hub\n');
  run('pnpm', ['run', '--silent', 'build:agent']);
  // An app's command runs straight from its tarball: it needs its shebang line, and the mode a clone runs it with.
  for (const { dir, manifest } of packages) {
    for (const [command, file] of Object.entries(manifest.publishConfig?.bin ?? {})) {
      const path = join(dir, file);
      if (!readFileSync(path, 'utf8').startsWith('#!')) throw new Error(`${command}: ${path} has no #! line`);
      chmodSync(path, 0o755);
    }
  }

  mkdirSync(outDir, { recursive: true });
  const filters = packages.flatMap(({ manifest }) => ['--filter', manifest.name]);
  const output = run('pnpm', ['-r', ...filters, 'pack', '--json', '--pack-destination', outDir], { capture: true });
  const parsed = JSON.parse(output) as PackResult | PackResult[];
  const packed = Array.isArray(parsed) ? parsed : [parsed];
  const missing = packages.filter(({ manifest }) => !packed.some((p) => p.name === manifest.name));
  if (missing.length > 0) throw new Error(`not packed: ${missing.map(({ manifest }) => manifest.name).join(', ')}`);

  const tarballs = packed.map((p) => p.filename).sort();
  process.stderr.write(`pack: ${tarballs.length} tarballs in ${outDir}; install the apps with:\n`);
  process.stdout.write(`npm install -g ${tarballs.map(shellQuote).join(' ')}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`pack: ${(error as Error).message}\n`);
  process.exit(1);
}
