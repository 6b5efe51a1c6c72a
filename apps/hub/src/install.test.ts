// The hub hands out its agent, end to end as a user runs it: `curl -fsSL HUB/install.sh | sh -s -- --token T` against
// a real janitor-hub on loopback (which builds the bundle itself, as a clone's hub does), into a temporary prefix with
// --no-service; then the installed agent, run as its crontab line would run it, reports to that hub. Also: the script
// refuses a bundle whose checksum is wrong, and a missing or too old Node.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { serve } from '@hono/node-server';
import type { AgentDistStatus } from '@janitor/runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type HubProcess,
  killLeftoverHubs,
  type ProcessLogLine,
  startHub,
  startHubProcess,
  tempDir,
} from './hub.test-support.ts';

const TOKEN = 'pis-token-0123456789abcdef';
/** The hub may build the bundle first (esbuild, a second or more on a busy machine); curl waits meanwhile. */
const INSTALLING = { timeout: 90_000 };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `/bin/sh -c line`, with `env` only (no JANITOR_* from the caller), stdin from `input`; killed after 60 s. */
function sh(line: string, env: Record<string, string>, input = ''): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', line], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
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
    child.stdin.end(input);
  });
}

/** A client machine's environment: this Node first on the PATH (the machine's own may be older), its own HOME. */
function clientEnv(home: string): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}${delimiter}/usr/local/bin${delimiter}/usr/bin${delimiter}/bin`,
    HOME: home,
    LANG: 'C.UTF-8',
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => killLeftoverHubs());

describe('curl -fsSL HUB/install.sh | sh -s -- --token T, against a janitor-hub on loopback', () => {
  let dir: { path: string; remove(): void };
  let hub: HubProcess;
  let install: Ran;
  let prefix: string;

  const reports = () =>
    hub.lines().filter((l: ProcessLogLine) => l.message === 'request' && l.path === '/sysinfo' && l.status === 200);

  beforeAll(async () => {
    dir = tempDir('janitor-install-');
    hub = await startHubProcess({
      dir: dir.path,
      config: { app: { state_dir: join(dir.path, 'hub-state'), service: { tokens: [{ name: 'pis', token: TOKEN }] } } },
      args: ['--dry-run'],
    });
    prefix = join(dir.path, 'client', 'janitor-agent');
    const home = join(dir.path, 'client', 'home');
    await mkdir(home, { recursive: true });
    install = await sh(
      `curl -fsSL ${hub.url}/install.sh | sh -s -- --token ${TOKEN} --prefix ${prefix} --no-service`,
      clientEnv(home),
    );
  }, INSTALLING.timeout);

  afterAll(async () => {
    hub?.child.kill('SIGTERM');
    await hub?.exited().catch(() => {});
    dir?.remove();
  });

  it('installs the agent whose SHA-256 the hub announces, and prints what it did', async () => {
    expect(install.code, `${install.stdout}\n${install.stderr}\n${hub.output()}`).toBe(0);
    const announced = await (await fetch(`${hub.url}/agent/janitor-agent.mjs.sha256`)).text();
    const bytes = await readFile(join(prefix, 'janitor-agent.mjs'));
    const installed = createHash('sha256').update(bytes).digest('hex');
    expect(announced).toBe(`${installed}  janitor-agent.mjs\n`);
    expect(install.stdout).toContain(`janitor-agent install: Node ${process.version}: ${process.execPath}\n`);
    expect(install.stdout).toContain(`janitor-agent install: downloading the agent from ${hub.url} (`);
    expect(install.stdout).toContain(
      `janitor-agent install: downloaded ${bytes.byteLength} bytes, SHA-256 ${installed} checked\n`,
    );
    expect(install.stdout).toContain(`janitor-agent install: installed ${prefix}/janitor-agent.mjs\n`);
    expect(install.stdout).toContain(`janitor-agent install: first report sent to ${hub.url}\n`);
    expect(install.stdout).toContain('janitor-agent install: no service set up (--no-service)');
  });

  it('keeps the token in a file of mode 0600, and off every command line it prints', async () => {
    const token = join(prefix, 'token');
    expect(await readFile(token, 'utf8')).toBe(`${TOKEN}\n`);
    expect((await stat(token)).mode & 0o777).toBe(0o600);
    const command = install.stdout.match(/^janitor-agent install: command: (.*)$/m)?.[1];
    expect(command).toContain(`--token-file '${prefix}/token'`);
    expect(install.stdout.replaceAll(TOKEN, '')).toBe(install.stdout);
  });

  it('the installed agent, run as its crontab line runs it, reports to the hub with the token', async () => {
    const command = install.stdout.match(/^janitor-agent install: command: (.*)$/m)?.[1];
    expect(command).toMatch(/ --once$/);
    const before = reports().length;
    const ran = await sh(command!, clientEnv(join(dir.path, 'client', 'home')));
    expect(ran.code, ran.stderr).toBe(0);
    await hub.waitForLine(() => reports().length > before);
    const report = reports().at(-1)!;
    expect(report).toMatchObject({ method: 'POST', path: '/sysinfo', status: 200, tokenName: 'pis' });
    expect(report.from).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    // Its state (counters, spool) stays in the prefix.
    expect((await stat(join(prefix, 'state', 'metrics-state.json'))).isFile()).toBe(true);
  });
});

describe('with --cron (a fake crontab command on the PATH records the table)', () => {
  let dir: { path: string; remove(): void };
  let hub: HubProcess;

  beforeAll(async () => {
    dir = tempDir('janitor-install-cron-');
    hub = await startHubProcess({
      dir: dir.path,
      config: { app: { state_dir: join(dir.path, 'hub-state'), service: { tokens: [{ name: 'pis', token: TOKEN }] } } },
      args: ['--dry-run'],
    });
  }, INSTALLING.timeout);

  afterAll(async () => {
    hub?.child.kill('SIGTERM');
    await hub?.exited().catch(() => {});
    dir?.remove();
  });

  it('adds one crontab line, keeps the others, and replaces its own when run again', INSTALLING, async () => {
    const bin = join(dir.path, 'bin');
    const table = join(dir.path, 'crontab.txt');
    await mkdir(bin);
    // Like the real one, `crontab -` reads the whole new table before it replaces the old one.
    await writeFile(
      join(bin, 'crontab'),
      [
        '#!/bin/sh',
        'case "$1" in',
        `  -l) cat '${table}' 2>/dev/null || { echo 'no crontab for you' >&2; exit 1; } ;;`,
        `  -) new=$(cat) && printf '%s\\n' "$new" >'${table}' ;;`,
        '  *) exit 2 ;;',
        'esac',
        '',
      ].join('\n'),
    );
    await chmod(join(bin, 'crontab'), 0o755);
    await writeFile(table, '30 2 * * * /usr/local/bin/backup # nightly\n');
    const env = clientEnv(join(dir.path, 'home'));
    env.PATH = `${bin}${delimiter}${env.PATH}`;
    const prefix = join(dir.path, 'janitor-agent');
    const line = `curl -fsSL ${hub.url}/install.sh | sh -s -- --token ${TOKEN} --prefix ${prefix} --cron --no-check`;
    for (let run = 1; run <= 2; run++) {
      const ran = await sh(line, env);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toMatch(/^janitor-agent install: crontab line added for \S+: a report every minute/m);
    }
    const lines = (await readFile(table, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('30 2 * * * /usr/local/bin/backup # nightly');
    expect(lines[1]).toMatch(/^\* \* \* \* \* cd '.*' --once # janitor-agent \(install\.sh\)$/);
    expect(lines[1]).not.toContain(TOKEN);
    // Run by cron (sh -c with the fields after the schedule): it reports, and only problems are printed.
    const config = await readFile(join(prefix, 'config.yaml'), 'utf8');
    expect(config).toContain('loglevel: "warning"');
    const ran = await sh(lines[1]!.replace(/^(\S+ ){5}/, ''), env);
    expect(ran).toMatchObject({ code: 0, stdout: '', stderr: '' });
    await hub.waitForLine((l) => l.message === 'request' && l.path === '/sysinfo' && l.tokenName === 'pis');
  });
});

describe('the install script refuses', () => {
  /** createHub on 127.0.0.1 (port 0), handing out `BODY` announced with `sha256`. */
  async function servedHub(sha256: string): Promise<string> {
    const body = new TextEncoder().encode('#!/usr/bin/env node\nconsole.log("agent")\n');
    const ready: AgentDistStatus = { status: 'ready', file: { body, sha256 } };
    const fixture = startHub({ deps: { agentDist: { prepare() {}, current: async () => ready } } });
    cleanups.push(() => fixture.close());
    const server = await new Promise<Server>((resolve) => {
      const s = serve(
        {
          fetch: (req, env) =>
            fixture.app.fetch(req, { ...env, remote: (env.incoming as IncomingMessage).socket.remoteAddress }),
          hostname: '127.0.0.1',
          port: 0,
        },
        () => resolve(s as Server),
      );
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function scriptFrom(url: string): Promise<string> {
    const res = await fetch(`${url}/install.sh`);
    expect(res.status).toBe(200);
    return res.text();
  }

  it('an agent whose SHA-256 is not the one announced: exit 1, nothing installed', INSTALLING, async () => {
    const dir = tempDir('janitor-install-');
    cleanups.push(() => dir.remove());
    const url = await servedHub('0'.repeat(64));
    const prefix = join(dir.path, 'janitor-agent');
    const ran = await sh(
      `curl -fsSL ${url}/install.sh | sh -s -- --token ${TOKEN} --prefix ${prefix} --no-service`,
      clientEnv(dir.path),
    );
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/has SHA-256 [0-9a-f]{64}, not the 0{64} the hub announced: nothing installed\n$/);
    await expect(stat(prefix)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    ['v20.11.0', 'Node.js v20.11.0 (NODE) is too old: janitor-agent needs 22.18 or newer.'],
    ['v22.17.1', 'Node.js v22.17.1 (NODE) is too old: janitor-agent needs 22.18 or newer.'],
    ['not a version', "cannot tell which version NODE is (it printed 'not a version')"],
  ])('a node that prints %s', async (version, message) => {
    const dir = tempDir('janitor-install-');
    cleanups.push(() => dir.remove());
    const script = await scriptFrom(await servedHub('0'.repeat(64)));
    const bin = join(dir.path, 'bin');
    await mkdir(bin);
    const node = join(bin, 'node');
    await writeFile(node, `#!/bin/sh\necho '${version}'\n`);
    await chmod(node, 0o755);
    const prefix = join(dir.path, 'janitor-agent');
    const ran = await sh(`/bin/sh -s -- --token ${TOKEN} --prefix ${prefix}`, { PATH: bin, HOME: dir.path }, script);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(`janitor-agent install: ${message.replace('NODE', node)}`);
    expect(ran.stdout).toBe('');
    await expect(stat(prefix)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a node that is recent enough passes the check (then this PATH has no curl)', async () => {
    const dir = tempDir('janitor-install-');
    cleanups.push(() => dir.remove());
    const script = await scriptFrom(await servedHub('0'.repeat(64)));
    const bin = join(dir.path, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'node'), "#!/bin/sh\necho 'v22.18.0'\n");
    await chmod(join(bin, 'node'), 0o755);
    const ran = await sh(`/bin/sh -s -- --token ${TOKEN}`, { PATH: bin, HOME: dir.path }, script);
    expect(ran.stdout).toBe(`janitor-agent install: Node v22.18.0: ${join(bin, 'node')}\n`);
    expect(ran.stderr).toBe('janitor-agent install: curl is needed to download the agent\n');
    expect(ran.code).toBe(1);
  });

  it('no node on the PATH: says so, with where to get one', async () => {
    const dir = tempDir('janitor-install-');
    cleanups.push(() => dir.remove());
    const script = await scriptFrom(await servedHub('0'.repeat(64)));
    const ran = await sh(`/bin/sh -s -- --token ${TOKEN}`, { PATH: join(dir.path, 'empty'), HOME: dir.path }, script);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toContain(
      "janitor-agent install: janitor-agent needs Node.js 22.18 or newer, and there is no 'node' on the PATH.",
    );
  });

  it('a token shorter than a hub accepts', async () => {
    const dir = tempDir('janitor-install-');
    cleanups.push(() => dir.remove());
    const script = await scriptFrom(await servedHub('0'.repeat(64)));
    const ran = await sh('/bin/sh -s -- --token short', clientEnv(dir.path), script);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toBe('janitor-agent install: the token is 5 characters long; hub tokens have at least 16\n');
  });
});
