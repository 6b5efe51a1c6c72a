// janitor-agent end to end: spawned as cron or systemd runs it, against the fake Mastodon server on loopback.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MESSAGE_ICONS } from '@janitor/protocol';
import { startFakeMastodon } from '@janitor/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const AGENT = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Each test spawns Node (one to three times); the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };

const TOKEN = 'tok-agent-5530';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const live = new Set<ChildProcessWithoutNullStreams>();
afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts janitor-agent in `cwd` without the parent's JANITOR_* variables; `exited` rejects after `timeoutMs`. */
function startAgent(args: readonly string[], cwd: string, timeoutMs = 15_000) {
  const env: Record<string, string> = { HOME: cwd, NODE_COMPILE_CACHE: join(tmpdir(), 'node-compile-cache') };
  for (const [key, value] of Object.entries(process.env)) {
    if (
      value !== undefined &&
      !key.startsWith('JANITOR_') &&
      !key.startsWith('XDG_') &&
      key !== 'NODE_OPTIONS' &&
      !(key in env)
    ) {
      env[key] = value;
    }
  }
  const child = spawn(process.execPath, [AGENT, ...args], { cwd, env, stdio: 'pipe' });
  live.add(child);
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Finished>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`janitor-agent ${args.join(' ')}: still running after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  exited.catch(() => {});
  return { child, exited };
}

async function tempDir() {
  const path = await mkdtemp(join(tmpdir(), 'janitor-agent-test-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Pleroma, Markdown, a CPU limit every machine crosses, the token in user.secret ("token\nurl\n"), and these
 * `alerting` settings.
 */
async function setUp(dir: string, url: string, file = 'config.yaml', alerting: object = {}): Promise<string> {
  const path = join(dir, file);
  await writeFile(
    path,
    JSON.stringify({
      // Posting for real: left out, dry_run is true (what config.yaml.dist shows).
      app: { run_control: { dry_run: false } },
      mastodon: { api_base_url: url, instance_type: 'pleroma', status_post: { content_type: 'text/markdown' } },
      system_info: { thresholds: { cpu_percent: { value: 0, operator: '>=' } } },
      alerting,
    }),
  );
  await writeFile(join(dir, 'user.secret'), `${TOKEN}\n${url}\n`, { mode: 0o600 });
  return path;
}

const spoiler = `${MESSAGE_ICONS.warning} ${hostname()}`;

describe.concurrent('janitor-agent', SPAWNING, () => {
  it('--mode local --once: one check, one report posted', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await setUp(dir.path, fake.url);
    const run = await startAgent(['--mode', 'local', '--once'], dir.path).exited;
    expect(run.code, run.stderr).toBe(0);
    expect(fake.statuses).toHaveLength(1);
    expect(fake.statuses[0]).toMatchObject({ contentType: 'text/markdown', spoilerText: spoiler, accessToken: TOKEN });
    expect(fake.statuses[0]!.status).toMatch(/^- \*\*CPU %\*\*: \S+ ❗️\n- \*\*CPU count\*\*: \d+\n/);
  });

  it('--mode local --once without credentials: a dry run said once, the post printed, nobody contacted', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await setUp(dir.path, fake.url);
    await rm(join(dir.path, 'user.secret'));
    const run = await startAgent(['--mode', 'local', '--once'], dir.path).exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/dry run: no Mastodon credentials yet \(run 'janitor login'\)/g)).toHaveLength(1);
    expect(run.stdout).toContain('--- dry run: this post was not made ---');
    expect(fake.requests).toEqual([]);
  });

  it('--help does not claim an --interval default: without it, the schedule runs', async () => {
    await using dir = await tempDir();
    const run = await startAgent(['--help'], dir.path).exited;
    expect(run.code).toBe(0);
    const help = run.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--interval <duration> .*app\.schedules/);
    expect(help).not.toMatch(/\(default: 60\)/);
  });

  it('--once --dry-run --config PATH: prints the post, contacts nobody', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    const config = await setUp(dir.path, fake.url, 'agent.yaml');
    const elsewhere = join(dir.path, 'elsewhere');
    await mkdir(elsewhere);
    const run = await startAgent(['--once', '--dry-run', '--config', config], elsewhere).exited;
    expect(run.code, run.stderr).toBe(0);
    expect(fake.requests).toEqual([]);
    expect(run.stdout).toContain('--- dry run: this post was not made ---');
    expect(run.stdout).toContain(`content warning: ${spoiler}`);
    expect(run.stdout).toMatch(/^- \*\*Disk %\*\*: /m);
  });

  it('--interval 1: checks every second until SIGTERM, then exits 0', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    // every_report: each check posts (the lifecycle would post the lasting crossing once).
    await setUp(dir.path, fake.url, 'config.yaml', { mode: 'every_report' });
    const agent = startAgent(['--interval', '1'], dir.path);
    await fake.waitFor(() => fake.statuses.length >= 2, { timeoutMs: 10_000 });
    agent.child.kill('SIGTERM');
    const run = await agent.exited;
    expect(run).toMatchObject({ code: 0, signal: null });
    expect(run.stderr).toContain('agent stopped');
  });

  it('a SIGTERM while it waits for the next check ends it at once, not at the end of the interval', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await setUp(dir.path, fake.url);
    // The deadline (10 s) is far shorter than the interval: only an interrupted wait can meet it.
    const agent = startAgent(['--interval', '1h'], dir.path, 10_000);
    await fake.waitFor(() => fake.statuses.length >= 1, { timeoutMs: 10_000 });
    agent.child.kill('SIGTERM');
    const run = await agent.exited;
    expect(run).toMatchObject({ code: 0, signal: null });
    expect(fake.statuses).toHaveLength(1);
  });
});
