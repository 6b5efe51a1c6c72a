// `./dev pack` end to end, as a user without a registry would use it: the printed line installs the apps globally
// with plain npm and they run; janitor-agent and @janitor/publisher install into an empty folder and run there.
// Third-party dependencies come from the npm registry (or npm's cache).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
/** Building, packing and two npm installs; the npm cache makes later runs faster. */
const SETUP_TIMEOUT_MS = 240_000;
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--no-update-notifier'];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The workspace's packages: their folder (`packages/store`) and manifest. */
async function workspacePackages(): Promise<{ dir: string; manifest: Manifest }[]> {
  const dirs = (
    await Promise.all(
      ['packages', 'apps'].map(async (group) => (await readdir(join(root, group))).map((name) => `${group}/${name}`)),
    )
  ).flat();
  return Promise.all(
    dirs.map(async (dir) => ({
      dir,
      manifest: JSON.parse(await readFile(join(root, dir, 'package.json'), 'utf8')) as Manifest,
    })),
  );
}

/** A tsconfig file's JSON: the build configs have line comments. */
async function readTsconfig(file: string): Promise<{ references?: { path: string }[] }> {
  return JSON.parse((await readFile(file, 'utf8')).replace(/^\s*\/\/.*$/gm, ''));
}

/** pnpm's and npm's name for a package's tarball: `@janitor/cli@0.1.0` -> `janitor-cli-0.1.0.tgz`. */
function tarballName(m: Manifest): string {
  return `${m.name.replace(/^@/, '').replace('/', '-')}-${m.version}.tgz`;
}

/** The workspace packages `names` need at run time, themselves included. */
function closure(names: string[], manifests: Manifest[]): Manifest[] {
  const byName = new Map(manifests.map((m) => [m.name, m]));
  const seen = new Set<string>();
  const visit = (name: string) => {
    const m = byName.get(name);
    if (!m || seen.has(name)) return;
    seen.add(name);
    for (const dep of Object.keys(m.dependencies ?? {})) visit(dep);
  };
  for (const name of names) visit(name);
  return manifests.filter((m) => seen.has(m.name));
}

/** Runs a command to its end (or kills it at the deadline), collecting its output. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function mustSucceed(what: string, ran: Ran): Ran {
  if (ran.code !== 0) throw new Error(`${what} exited with ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

/** The environment without what a caller (pnpm, ./dev, a developer's shell) set for npm or Janitor. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|janitor_)/i.test(key)));
  // The commands' `#!/usr/bin/env node` must find this Node, not an older one of the machine.
  return { ...env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}` };
}

describe('the build configs', () => {
  it('reference the build config of every workspace package a package depends on (tsc -b builds those first)', async () => {
    const packages = await workspacePackages();
    const dirOf = new Map(packages.map(({ dir, manifest }) => [manifest.name, dir]));
    const mismatches: string[] = [];
    for (const { dir, manifest } of packages.filter(({ manifest }) => manifest.private !== true)) {
      const config = await readTsconfig(join(root, dir, 'tsconfig.build.json'));
      const referenced = (config.references ?? []).map((r) => join(dir, r.path)).sort();
      const wanted = Object.keys(manifest.dependencies ?? {})
        .filter((dep) => dirOf.has(dep))
        .map((dep) => join(dirOf.get(dep)!, 'tsconfig.build.json'))
        .sort();
      if (referenced.join() !== wanted.join()) {
        mismatches.push(`${dir}/tsconfig.build.json references [${referenced}]; its dependencies need [${wanted}]`);
      }
    }
    expect(packages.length).toBeGreaterThan(5);
    expect(mismatches).toEqual([]);
  });
});

describe('packed with ./dev pack', () => {
  let tmp: string;
  let manifests: Manifest[];
  let installLine: string;
  let tarballs: string[];
  let globalBin: string;
  let localDir: string;
  /** For the installed apps: their state, compile cache and home in the temporary folder. */
  let appEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'janitor-pack-'));
    manifests = (await workspacePackages()).map(({ manifest }) => manifest);
    const outDir = join(tmp, 'tarballs');
    const packed = mustSucceed(
      'scripts/pack.ts',
      await run(process.execPath, [join(root, 'scripts', 'pack.ts'), '--out', outDir], {
        cwd: root,
        env: baseEnv(),
        timeoutMs: 120_000,
      }),
    );
    installLine = packed.stdout.trim();
    tarballs = installLine.replace(/^npm install -g /, '').split(' ');

    const prefix = join(tmp, 'global');
    globalBin = join(prefix, 'bin');
    localDir = join(tmp, 'local');
    await mkdir(localDir);
    const needed = closure(['janitor-agent', '@janitor/publisher'], manifests).map((m) => join(outDir, tarballName(m)));
    const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: baseEnv(), timeoutMs: 180_000 });
    const [global, local] = await Promise.all([
      npm(['install', '-g', '--prefix', prefix, ...NPM_FLAGS, ...tarballs], tmp),
      npm(['install', ...NPM_FLAGS, ...needed], localDir),
    ]);
    mustSucceed('npm install -g (every tarball)', global);
    mustSucceed('npm install (janitor-agent and @janitor/publisher) into an empty folder', local);

    const home = join(tmp, 'home');
    await mkdir(home);
    appEnv = {
      ...baseEnv(),
      HOME: home,
      XDG_STATE_HOME: join(home, 'state'),
      NODE_COMPILE_CACHE: join(tmp, 'compile-cache'),
    };
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('prints one npm install -g line with a tarball of every publishable package, the private testkit left out', () => {
    expect(installLine).toMatch(/^npm install -g \S/);
    const publishable = manifests.filter((m) => m.private !== true);
    expect(publishable.length).toBeGreaterThan(5);
    expect(tarballs.map((t) => basename(t)).sort()).toEqual(publishable.map(tarballName).sort());
    expect(installLine).not.toContain('testkit');
  });

  describe('installed globally from the tarballs', () => {
    it('the Janitor packages hold no build state, tests or test helpers', async () => {
      const modules = join(dirname(globalBin), 'lib', 'node_modules');
      const ours = [
        ...(await readdir(join(modules, '@janitor'))).map((name) => join(modules, '@janitor', name)),
        ...(await readdir(modules)).filter((name) => name.startsWith('janitor-')).map((name) => join(modules, name)),
      ];
      expect(ours).toHaveLength(tarballs.length);
      const files: string[] = [];
      for (const dir of ours) {
        for (const file of await readdir(dir, { recursive: true })) {
          if (!file.startsWith('node_modules')) files.push(join(dir, file));
        }
      }
      expect(files.filter((f) => f.endsWith('dist/main.js')).length).toBeGreaterThan(0);
      expect(files.filter((f) => /\.tsbuildinfo$|\.test\.|\.test-support\./.test(f))).toEqual([]);
    });

    it('janitor --help exits 0 and prints the usage', async () => {
      const ran = await run(join(globalBin, 'janitor'), ['--help'], { cwd: tmp, env: appEnv });
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^Usage: janitor \[options\] \[command\]/);
      expect(ran.stdout).toContain('init');
    });

    it('janitor-hub --version exits 0 and prints its version', async () => {
      const ran = await run(join(globalBin, 'janitor-hub'), ['--version'], { cwd: tmp, env: appEnv });
      const hub = manifests.find((m) => m.name === 'janitor-hub')!;
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout.trim()).toBe(hub.version);
    });

    it('janitor-hub hands out the agent bundled at pack time, at once (nothing is built where it is installed)', async () => {
      const hubDir = join(dirname(globalBin), 'lib', 'node_modules', 'janitor-hub');
      const bundled = await readFile(join(hubDir, 'dist', 'agent', 'janitor-agent.mjs'));
      expect((await stat(join(hubDir, 'assets', 'install.sh'))).isFile()).toBe(true);
      const dir = join(tmp, 'hub');
      await mkdir(dir);
      const config = { app: { state_dir: join(dir, 'state') }, logger: { style: 'json' } };
      await writeFile(join(dir, 'config.yaml'), JSON.stringify(config));
      const child = spawn(join(globalBin, 'janitor-hub'), ['--config', join(dir, 'config.yaml'), '--port', '0'], {
        cwd: dir,
        env: appEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        const url = await new Promise<string>((resolve, reject) => {
          let text = '';
          const timer = setTimeout(() => reject(new Error(`janitor-hub did not start:\n${text}`)), 15_000);
          const onData = (chunk: Buffer) => {
            text += chunk.toString('utf8');
            const listening = /"message":"hub listening".*?"url":"([^"]+)"/.exec(text);
            if (listening) {
              clearTimeout(timer);
              resolve(listening[1]!);
            }
          };
          child.stdout.on('data', onData);
          child.stderr.on('data', onData);
          child.once('close', () => reject(new Error(`janitor-hub ended:\n${text}`)));
        });
        const res = await fetch(`${url}/agent/janitor-agent.mjs.sha256`);
        expect(res.status).toBe(200);
        const sha256 = createHash('sha256').update(bundled).digest('hex');
        expect(await res.text()).toBe(`${sha256}  janitor-agent.mjs\n`);
        expect(await (await fetch(`${url}/install.sh`)).text()).toContain(`\nhub='${url}'\n`);
      } finally {
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise((resolve) => {
            child.once('close', resolve);
            child.kill('SIGTERM');
          });
        }
      }
    });

    it('an unknown flag exits 2 with a usage error', async () => {
      const ran = await run(join(globalBin, 'janitor'), ['--no-such-flag'], { cwd: tmp, env: appEnv });
      expect(ran.code, ran.stderr).toBe(2);
      expect(ran.stderr).toContain("unknown option '--no-such-flag'");
    });

    it('janitor-agent --help exits 0 and prints the usage', async () => {
      const ran = await run(join(globalBin, 'janitor-agent'), ['--help'], { cwd: tmp, env: appEnv });
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^Usage: janitor-agent/);
    });

    it('janitor init writes config.yaml from the config.yaml.dist shipped in the package', async () => {
      const dir = join(tmp, 'init');
      await mkdir(dir);
      const ran = await run(join(globalBin, 'janitor'), ['init'], { cwd: dir, env: appEnv });
      expect(ran.code, ran.stderr).toBe(0);
      const written = await readFile(join(dir, 'config.yaml'), 'utf8');
      expect(written).toBe(await readFile(join(root, 'config.yaml.dist'), 'utf8'));
      expect((await stat(join(dir, 'config.yaml'))).mode & 0o777).toBe(0o600);
    });
  });

  describe('janitor-agent and @janitor/publisher installed with plain npm into an empty folder', () => {
    it('an ESM script imports createPublisher and makes a dry-run publish', async () => {
      const script = join(localDir, 'publish.mjs');
      await writeFile(
        script,
        [
          "import { createPublisher } from '@janitor/publisher';",
          'const logged = [];',
          'const logger = { debug() {}, info: (message) => logged.push(message), warn() {}, error() {} };',
          "const publisher = createPublisher({ url: 'https://mastodon.example', dryRun: true, hostname: 'pi1', logger });",
          "const result = await publisher.publish({ type: 'warning', summary: 'Disk almost full', text: '/ is at 97 %' });",
          'process.stdout.write(JSON.stringify({ result, logged }));',
        ].join('\n'),
      );
      const ran = mustSucceed('publish.mjs', await run(process.execPath, [script], { cwd: localDir, env: appEnv }));
      const { result, logged } = JSON.parse(ran.stdout) as {
        result: { dryRun: boolean; draft: { status: string; spoilerText?: string } };
        logged: string[];
      };
      expect(result.dryRun).toBe(true);
      expect(result.draft.status).toBe('/ is at 97 %');
      expect(result.draft.spoilerText).toBe('⚠️ pi1:\n\nDisk almost full');
      expect(logged).toEqual(['dry run: status not posted']);
    });

    it('janitor-agent --once sends a v2 report to a hub', async () => {
      const token = 'pack-test-token-0123456789abcdef';
      const received: { method?: string; url?: string; authorization?: string; body: string }[] = [];
      const hub = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.setEncoding('utf8').on('data', (chunk: string) => {
          body += chunk;
        });
        req.on('end', () => {
          received.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        });
      });
      await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
        const agent = join(localDir, 'node_modules', '.bin', 'janitor-agent');
        const ran = await run(agent, ['--hub', url, '--token', token, '--once'], { cwd: localDir, env: appEnv });
        expect(ran.code, ran.stderr).toBe(0);
        expect(received).toHaveLength(1);
        const [request] = received;
        expect(request).toMatchObject({ method: 'POST', url: '/sysinfo', authorization: `Bearer ${token}` });
        const report = JSON.parse(request!.body) as { version: number; sample: { hostname: string } };
        expect(report.version).toBe(2);
        expect(report.sample.hostname).toMatch(/\S/);
      } finally {
        await new Promise<void>((resolve) => hub.close(() => resolve()));
      }
    });
  });
});
