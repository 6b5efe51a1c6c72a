// The single-file agent this hub hands out (GET /agent/janitor-agent.mjs): the one shipped with a packed hub
// (dist/agent/, written by `./dev pack`), or, in a clone, the one it builds itself the first time it is asked for it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Logger, silentLogger } from '@janitor/protocol';
import { binEntryPoint } from './hub-entry.ts';

/** The bundle's file name, on the hub's routes and on disk. */
export const AGENT_FILE = 'janitor-agent.mjs';
/** Beside a built bundle: the files that went into it, as they were (see janitor-agent's build-bundle.ts). */
const MANIFEST_FILE = 'janitor-agent.inputs.json';
/** How long a client is asked to wait while the bundle builds (a build takes one to a few seconds). */
const BUILDING_RETRY_AFTER_S = 2;
/** A build that takes longer is stopped and counts as failed. */
const BUILD_DEADLINE_MS = 120_000;

/** The bundle as the routes serve it. */
export interface AgentFile {
  body: Uint8Array;
  /** Hex SHA-256 of `body`. */
  sha256: string;
}

/** What {@link AgentDist.current} finds. */
export type AgentDistStatus =
  | { status: 'ready'; file: AgentFile }
  | { status: 'building'; retryAfterSeconds: number }
  | { status: 'failed'; error: string; retryAfterSeconds: number };

/** The agent bundle a hub serves. */
export interface AgentDist {
  /** Starts finding (or building) the bundle unless that is done or under way. Returns at once. */
  prepare(): void;
  /**
   * The bundle, or why it is not there: waits for the quick part (reading a shipped or cached bundle), never for a
   * build, which runs in another process while the hub serves other requests.
   */
  current(): Promise<AgentDistStatus>;
}

/** Builds the bundle into `outFile` and the list of its inputs into `manifestFile`. */
export type BuildAgent = (outFile: string, manifestFile: string) => Promise<void>;

export interface AgentDistOptions {
  /** A bundle shipped with the hub (a packed hub's `dist/agent/janitor-agent.mjs`); it may not exist. */
  packedFile: string;
  /**
   * Where a hub without a shipped bundle keeps the one it built, reused while none of its inputs changed (the hub
   * package's `node_modules/.cache/janitor-agent`).
   */
  cacheDir: string;
  /**
   * @default janitor-agent's `janitor-agent-bundle` in a child process, found as a clone has it (the workspace root
   * depends on janitor-agent)
   */
  build?: BuildAgent;
  logger?: Logger;
  /** @default Date.now */
  now?: () => number;
  /** How long a failed build is reported before a request tries again. @default 30000 */
  retryFailedMs?: number;
}

/**
 * The agent bundle: a packed hub's `dist/agent/janitor-agent.mjs`; else, in a clone, the bundle in the cache when
 * every file that went into it is unchanged; else one built now by janitor-agent's bundler in a child process (a
 * request meanwhile gets `building`, and the routes answer 503 with Retry-After). A failed build is logged and
 * reported for `retryFailedMs`, then tried again.
 *
 * @example
 * const dist = createAgentDist({ packedFile, cacheDir, logger });
 * const found = await dist.current(); // { status: 'building', retryAfterSeconds: 2 } the first time in a clone
 */
export function createAgentDist(options: AgentDistOptions): AgentDist {
  const {
    packedFile,
    cacheDir,
    build = buildWithAgentBundler,
    logger = silentLogger,
    now = Date.now,
    retryFailedMs = 30_000,
  } = options;
  const cachedFile = join(cacheDir, AGENT_FILE);
  const manifestFile = join(cacheDir, MANIFEST_FILE);

  let phase: 'idle' | 'checking' | 'building' | 'ready' | 'failed' = 'idle';
  let file: AgentFile | undefined;
  let failure: { error: string; at: number } | undefined;
  let checked: Promise<void> = Promise.resolve();

  const ready = (body: Uint8Array, source: string) => {
    file = { body, sha256: createHash('sha256').update(body).digest('hex') };
    phase = 'ready';
    logger.info('agent bundle ready', { source, bytes: body.byteLength, sha256: file.sha256 });
  };
  const failed = (error: unknown) => {
    failure = { error: error instanceof Error ? error.message : String(error), at: now() };
    phase = 'failed';
    logger.error('the agent bundle cannot be served', { error: failure.error, retryInMs: retryFailedMs });
  };

  /** A shipped bundle, else a cached one that is still fresh. */
  async function find(): Promise<{ body: Uint8Array; source: string } | undefined> {
    const packed = await readIfThere(packedFile);
    if (packed) return { body: packed, source: packedFile };
    if (!(await isFresh(manifestFile))) return undefined;
    const cached = await readIfThere(cachedFile);
    return cached ? { body: cached, source: cachedFile } : undefined;
  }

  function buildNow(): void {
    phase = 'building';
    const started = now();
    logger.info('building the agent bundle', { file: cachedFile });
    build(cachedFile, manifestFile)
      .then(() => readFile(cachedFile))
      .then((body) => ready(body, `${cachedFile} (built in ${now() - started} ms)`), failed);
  }

  function prepare(): void {
    if (phase === 'failed' && failure && now() - failure.at >= retryFailedMs) phase = 'idle';
    if (phase !== 'idle') return;
    phase = 'checking';
    checked = find().then((found) => (found ? ready(found.body, found.source) : buildNow()), failed);
  }

  return {
    prepare,
    async current() {
      prepare();
      if (phase === 'checking') await checked;
      if (phase === 'ready' && file) return { status: 'ready', file };
      if (phase === 'failed' && failure) {
        const leftMs = Math.max(0, failure.at + retryFailedMs - now());
        return { status: 'failed', error: failure.error, retryAfterSeconds: Math.max(1, Math.ceil(leftMs / 1000)) };
      }
      return { status: 'building', retryAfterSeconds: BUILDING_RETRY_AFTER_S };
    },
  };
}

async function readIfThere(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when the manifest lists the bundle's inputs and every one is as it was when the bundle was built. */
async function isFresh(manifestFile: string): Promise<boolean> {
  let inputs: { path: string; mtimeMs: number; size: number }[];
  try {
    inputs = (JSON.parse(await readFile(manifestFile, 'utf8')) as { inputs: typeof inputs }).inputs;
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
  } catch {
    return false;
  }
  const same = await Promise.all(
    inputs.map(async (input) => {
      try {
        const now = await stat(input.path);
        return now.mtimeMs === input.mtimeMs && now.size === input.size;
      } catch {
        return false;
      }
    }),
  );
  return same.every(Boolean);
}

/**
 * janitor-agent's bundler (`janitor-agent-bundle`) in a child process. It is found from here as Node resolves a
 * package, up to the workspace root, which depends on janitor-agent in a clone; a packed hub ships its bundle instead.
 */
async function buildWithAgentBundler(outFile: string, manifestFile: string): Promise<void> {
  let bundler: string;
  try {
    bundler = binEntryPoint('janitor-agent', import.meta.url, 'janitor-agent-bundle');
  } catch (error) {
    throw new Error(
      `no agent bundle was shipped with this hub (${AGENT_FILE}), and none can be built here: ${(error as Error).message}`,
      { cause: error },
    );
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bundler, '--out', outFile, '--manifest', manifestFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: BUILD_DEADLINE_MS,
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else {
        const last = stderr.trim().split('\n').at(-1) ?? '';
        reject(new Error(`building the agent bundle failed (${signal ?? `exit ${code}`}): ${last}`));
      }
    });
  });
}
