// Test support (not a test) for the hub's suites: a hub over a real store in a temporary folder, its config built
// from a plain object as config.yaml would give it, the sender's address injected per request, and a logger that
// keeps every line.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AlertEngine,
  type CheckEngine,
  createAlertEngine,
  createCheckEngine,
  createForeignAlertEngine,
} from '@janitor/alerting';
import type { AppLogger, LoadedConfig } from '@janitor/config';
import { parseConfig } from '@janitor/config';
import type { LogFields } from '@janitor/protocol';
import { createAccessPolicy, createHostForgetter, createHubMetrics, type HubMetrics } from '@janitor/runtime/hub';
import { createReadModel } from '@janitor/runtime/read';
import { openStore, type Store } from '@janitor/store';
import type { Context } from 'hono';
import { createHub, type HubDeps } from './create-hub.ts';
import type { HubApp } from './http/hub-env.ts';

/** One line a {@link captureLogger} kept. */
export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields;
}

/** A logger that keeps every line, and its text as one string for "never appears in the logs" checks. */
export function captureLogger(): AppLogger & { lines: LogLine[]; text(): string } {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine['level']) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: async () => {},
    text: () => lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields)}`).join('\n'),
  };
}

/** A temporary folder, removed by `remove()`. */
export function tempDir(prefix = 'janitor-hub-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The original's shipped defaults that the goldens were measured with, plus `state_dir` in `dir`. */
export function goldenConfigData(dir: string, mastodonUrl = 'http://127.0.0.1:9'): Record<string, unknown> {
  return {
    app: { state_dir: join(dir, 'state') },
    mastodon: {
      api_base_url: mastodonUrl,
      instance_type: 'pleroma',
      credentials: { user_file: join(dir, 'user.secret'), client_file: join(dir, 'client.secret') },
      status_post: { content_type: 'text/markdown', visibility: 'public' },
    },
  };
}

/** Validates `raw` as config.yaml would be, with an empty environment (no JANITOR_* leaks in from the shell). */
export function hubConfig(raw: Record<string, unknown>, dir: string, env: Record<string, string> = {}): LoadedConfig {
  return parseConfig(raw, { baseDir: dir, env });
}

/** The sender's address of a request made with {@link HubFixture.request}: `app.request(path, init, { remote })`. */
export const remoteFromEnv = (c: Context): string | undefined => (c.env as { remote?: string } | undefined)?.remote;

export interface HubFixture {
  app: HubApp;
  store: Store;
  alerts: AlertEngine;
  /** Job check-ins, from the config's `checks` and `checks_auto_create`. */
  checks: CheckEngine;
  config: LoadedConfig;
  logger: ReturnType<typeof captureLogger>;
  /** What `/metrics` serves (createHubMetrics over the store and the engine, or `deps.metrics`). */
  metrics: HubMetrics;
  /** `app.request` from `remote` (default 127.0.0.1). */
  request(path: string, init?: RequestInit, remote?: string): Promise<Response>;
  close(): void;
}

export interface HubFixtureOptions {
  /** config.yaml's `app.service` (tokens, allow_networks). */
  service?: Record<string, unknown>;
  /** The environment the config is read with (JANITOR_HUB_TOKEN...). @default {} */
  env?: Record<string, string>;
  /** Extra dependencies of createHub (publisherState, storeWritable...). */
  deps?: Partial<HubDeps>;
  /** More top-level config.yaml sections (`alerting`, `system_info`...), replacing the golden defaults' ones. */
  config?: Record<string, unknown>;
  /** The alert lifecycle's clock. @default Date.now */
  now?: () => number;
}

/** createHub over a real store in a temporary folder; nothing publishes (the outbox only fills). */
export function startHub(options: HubFixtureOptions = {}): HubFixture {
  const dir = tempDir();
  const raw = goldenConfigData(dir.path);
  if (options.service) raw.app = { ...(raw.app as object), service: options.service };
  Object.assign(raw, options.config);
  const config = hubConfig(raw, dir.path, options.env);
  const store = openStore({ path: join(dir.path, 'janitor.db'), synchronous: 'NORMAL' });
  const logger = captureLogger();
  const { tokens, allow_networks, trusted_proxies } = config.data.app.service;
  const alerts = createAlertEngine({ config, store, logger, ...(options.now ? { now: options.now } : {}) });
  const now = options.now ?? Date.now;
  const checks = createCheckEngine({ checks: config.checks, store, logger, now });
  const metrics = options.deps?.metrics ?? createHubMetrics({ store, alerts, now });
  const app = createHub({
    config,
    outbox: store.outbox,
    logs: store,
    alerts,
    foreign: createForeignAlertEngine({ store, logger, now }),
    access: createAccessPolicy({ tokens, allowNetworks: allow_networks, trustedProxies: trusted_proxies }),
    remoteAddress: remoteFromEnv,
    logger,
    now,
    ...(config.history.enabled ? { history: store.history } : {}),
    read: createReadModel({ store, alerts, reportFormat: config.reportFormat, now }),
    checks,
    forgetHost: createHostForgetter({ alerts, history: store.history }),
    metrics,
    ...options.deps,
  });
  return {
    app,
    store,
    alerts,
    checks,
    config,
    logger,
    metrics,
    request: async (path, init, remote = '127.0.0.1') => app.request(path, init, { remote }),
    close() {
      store.close();
      dir.remove();
    },
  };
}

/** A form body as curl `-d` and Python's requests send it. */
export function form(fields: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  };
}

/** A JSON body. */
export function json(value: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** A /message form that the hub accepts. */
export const GOOD_MESSAGE = form({ hostname: 'web1', message: 'backup done', message_type: 'info' });

/** Reads a response body as JSON, failing the test with the raw text when it is not JSON. */
export async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (${res.status} ${res.headers.get('content-type')}): ${text.slice(0, 200)}`);
  }
}

/** Resolves once `probe()` holds, looking every 10 ms; rejects naming `what` at the deadline. */
export async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** `sh -c 'PREFIX; exec node ARGV...'`, each argument quoted. */
function shellCommand(prefix: string, argv: readonly string[]): [string, string[]] {
  const quoted = [process.execPath, ...argv].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return ['/bin/sh', ['-c', `${prefix}; exec ${quoted}`]];
}

/** The hub's entry point, run as a user runs it. */
export const HUB_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** One JSON log line of a hub process (`logger.style: json`). */
export type ProcessLogLine = { level: string; message: string } & Record<string, unknown>;

export interface HubProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:PORT`, from the "hub listening" line. */
  readonly url: string;
  /** The JSON log lines so far (stderr), and anything else it printed. */
  lines(): ProcessLogLine[];
  output(): string;
  /** Resolves with the first log line that `match` accepts; rejects at the deadline or when the process ends. */
  waitForLine(match: (line: ProcessLogLine) => boolean, timeoutMs?: number): Promise<ProcessLogLine>;
  /** Resolves when the process has ended (or rejects, after SIGKILL, at `timeoutMs`). */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
}

const children = new Set<ChildProcess>();

/** Kills (SIGKILL) every hub process a test started and left running. */
export function killLeftoverHubs(): void {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
}

/**
 * Starts `node main.ts --config <dir>/config.yaml --port 0 ...args` with `config` written as the file (JSON is YAML),
 * JSON log lines on stderr, an environment free of JANITOR_* plus `env`, and waits for "hub listening".
 */
export async function startHubProcess(options: {
  dir: string;
  config: Record<string, unknown>;
  args?: readonly string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** A shell command run before the hub, which then replaces the shell (`ulimit -f 8192`). */
  shell?: string;
}): Promise<HubProcess> {
  const { dir, args = [], env = {}, timeoutMs = 10_000 } = options;
  const configPath = join(dir, 'config.yaml');
  const config = {
    ...options.config,
    logger: { style: 'json', loglevel: 'info', ...(options.config.logger as object) },
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('JANITOR_') && k !== 'NODE_OPTIONS'),
  );
  const argv = [HUB_MAIN, '--config', configPath, '--port', '0', ...args];
  const [file, fileArgs] = options.shell === undefined ? [process.execPath, argv] : shellCommand(options.shell, argv);
  const child = spawn(file, fileArgs, {
    cwd: dir,
    env: { ...base, HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let text = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const started = performance.now();
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, afterMs: performance.now() - started });
      for (const l of listeners) l();
    });
  });
  const lines = () =>
    text.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as ProcessLogLine];
      } catch {
        return [];
      }
    });
  const waitForLine = (match: (line: ProcessLogLine) => boolean, wait = timeoutMs) =>
    new Promise<ProcessLogLine>((resolve, reject) => {
      const check = () => {
        const found = lines().find(match);
        if (found) {
          done();
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`the hub ended without the expected line:\n${text}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no expected line within ${wait} ms:\n${text}`));
      }, wait);
      const done = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });
  const listening = await waitForLine((l) => l.message === 'hub listening');
  return {
    child,
    url: String(listening.url),
    lines,
    output: () => text,
    waitForLine,
    exited: (wait = timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`the hub was still running after ${wait} ms:\n${text}`));
        }, wait);
        ended.then((result) => {
          clearTimeout(timer);
          resolve(result);
        });
      }),
  };
}
