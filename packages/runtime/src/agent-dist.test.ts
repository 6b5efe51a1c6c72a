// Where the hub's agent bundle comes from: shipped, cached, or built, with a build injected (the real one is tested
// end to end in install.test.ts).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_FILE, type AgentDistStatus, type BuildAgent, createAgentDist } from './agent-dist.ts';

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

/** A logger keeping every line. */
function captureLogger(): Logger & { lines: { level: string; message: string; fields: LogFields }[] } {
  const lines: { level: string; message: string; fields: LogFields }[] = [];
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) => {
      lines.push({ level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** A fresh temporary folder. */
function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A folder with an input file, and a build that bundles it: `// built from <input text> #<n>`, manifest included. */
async function setUp() {
  const dir = tempDir('janitor-agent-dist-');
  dirs.push(dir);
  const input = join(dir.path, 'input.ts');
  await writeFile(input, 'export const version = 1;\n');
  const builds: string[] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const build: BuildAgent = async (outFile, manifestFile) => {
    builds.push(outFile);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    await mkdir(join(outFile, '..'), { recursive: true });
    await writeFile(outFile, `// built #${builds.length}\n`);
    const info = await stat(input);
    await writeFile(
      manifestFile,
      JSON.stringify({ inputs: [{ path: input, mtimeMs: info.mtimeMs, size: info.size }] }),
    );
  };
  return {
    dir: dir.path,
    input,
    builds,
    build,
    cacheDir: join(dir.path, 'cache'),
    /** The next build waits for {@link release}. */
    holdBuilds: () => {
      hold = true;
    },
    release: () => release?.(),
  };
}

/** Asks until the status is no longer `building` (the build runs on its own), at most 2 s. */
async function settled(current: () => Promise<AgentDistStatus>): Promise<AgentDistStatus> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const found = await current();
    if (found.status !== 'building' || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('createAgentDist', () => {
  it('serves the bundle shipped with a packed hub, without building', async () => {
    const t = await setUp();
    const packedFile = join(t.dir, 'dist', 'agent', AGENT_FILE);
    await mkdir(join(packedFile, '..'), { recursive: true });
    await writeFile(packedFile, '// shipped\n');
    const dist = createAgentDist({ packedFile, cacheDir: t.cacheDir, build: t.build });
    const found = await dist.current();
    expect(found.status).toBe('ready');
    expect(found.status === 'ready' && Buffer.from(found.file.body).toString()).toBe('// shipped\n');
    expect(found.status === 'ready' && found.file.sha256).toBe(sha256('// shipped\n'));
    expect(t.builds).toEqual([]);
  });

  it('in a clone, builds it once (503 meanwhile), then a later hub reuses it while its inputs are unchanged', async () => {
    const t = await setUp();
    const options = { packedFile: join(t.dir, 'none.mjs'), cacheDir: t.cacheDir, build: t.build };
    t.holdBuilds();
    const logger = captureLogger();
    const first = createAgentDist({ ...options, logger });
    expect(await first.current()).toEqual({ status: 'building', retryAfterSeconds: 2 });
    expect(await first.current()).toEqual({ status: 'building', retryAfterSeconds: 2 });
    t.release();
    const built = await settled(first.current);
    expect(built.status === 'ready' && built.file.sha256).toBe(sha256('// built #1\n'));
    expect(t.builds).toEqual([join(t.cacheDir, AGENT_FILE)]);
    expect(logger.lines.map((l) => l.message)).toEqual(['building the agent bundle', 'agent bundle ready']);

    const second = createAgentDist(options);
    const reused = await second.current();
    expect(reused.status === 'ready' && reused.file.sha256).toBe(sha256('// built #1\n'));
    expect(t.builds).toHaveLength(1);
  });

  it('builds again when an input changed since', async () => {
    const t = await setUp();
    const options = { packedFile: join(t.dir, 'none.mjs'), cacheDir: t.cacheDir, build: t.build };
    await settled(createAgentDist(options).current);
    const later = new Date(Date.now() + 60_000);
    await writeFile(t.input, 'export const version = 2;\n');
    await utimes(t.input, later, later);
    const fresh = createAgentDist(options);
    expect((await fresh.current()).status).toBe('building');
    const rebuilt = await settled(fresh.current);
    expect(rebuilt.status === 'ready' && rebuilt.file.sha256).toBe(sha256('// built #2\n'));
  });

  it('a failed build is reported (and logged) until retryFailedMs has passed, then tried again', async () => {
    const t = await setUp();
    let now = 1_000_000;
    let fail = true;
    const logger = captureLogger();
    const dist = createAgentDist({
      packedFile: join(t.dir, 'none.mjs'),
      cacheDir: t.cacheDir,
      build: async (out, manifest) => {
        if (fail) throw new Error('esbuild is not installed');
        await t.build(out, manifest);
      },
      logger,
      now: () => now,
      retryFailedMs: 30_000,
    });
    expect(await settled(dist.current)).toEqual({
      status: 'failed',
      error: 'esbuild is not installed',
      retryAfterSeconds: 30,
    });
    expect(logger.lines.at(-1)).toMatchObject({
      level: 'error',
      message: 'the agent bundle cannot be served',
      fields: { error: 'esbuild is not installed' },
    });
    now += 20_000;
    fail = false;
    expect(await dist.current()).toMatchObject({ status: 'failed', retryAfterSeconds: 10 });
    now += 10_000;
    const retried = await settled(dist.current);
    expect(retried.status).toBe('ready');
  });

  it('prepare() starts the work without waiting for it', async () => {
    const t = await setUp();
    t.holdBuilds();
    const dist = createAgentDist({ packedFile: join(t.dir, 'none.mjs'), cacheDir: t.cacheDir, build: t.build });
    dist.prepare();
    dist.prepare();
    const deadline = Date.now() + 2000;
    while (t.builds.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(t.builds).toHaveLength(1);
    t.release();
    expect((await settled(dist.current)).status).toBe('ready');
    expect(t.builds).toHaveLength(1);
  });
});
