// The single-file agent: what it imports, what it leaves out, and that it runs on a plain Node with nothing installed
// beside it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentBundle, bundleAgent } from './build-bundle.ts';

/** esbuild and a cold Node on a busy 2-core machine. */
const BUILDING = 60_000;

let dir: string;
let bundle: AgentBundle;
let text: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'janitor-agent-bundle-'));
  bundle = await bundleAgent({ outFile: join(dir, 'janitor-agent.mjs'), manifestFile: join(dir, 'inputs.json') });
  text = await readFile(bundle.file, 'utf8');
}, BUILDING);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the bundle with this Node, in a folder with no node_modules, without the caller's JANITOR_* variables. */
function runBundle(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('JANITOR_') && key !== 'NODE_OPTIONS'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle.file, ...args], {
      cwd: dir,
      env: { ...env, HOME: dir, XDG_STATE_HOME: join(dir, 'state') },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 20_000,
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

/**
 * Every module specifier the bundle loads: static `import … from "x"` and `import "x"`, `import("x")`, and
 * `require("x")` / esbuild's `__require("x")`.
 */
function loadedSpecifiers(source: string): string[] {
  const patterns = [
    /(?:^|[;\n}])\s*import\s*(?:[\w$*{},\s]+?\s*from\s*)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\b(?:__)?require\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!));
}

describe('the single-file agent', () => {
  it('is one ES module that starts with a #! line, and its SHA-256 is the file’s', async () => {
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const bytes = await readFile(bundle.file);
    expect(bundle.bytes).toBe(bytes.byteLength);
    expect(bundle.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('imports nothing but Node’s built-ins, each as node:*', () => {
    const specifiers = loadedSpecifiers(text);
    // The scanner sees the bundle's own imports (node:module for require, the built-ins systeminformation requires).
    expect(specifiers).toContain('node:module');
    expect(specifiers).toContain('node:child_process');
    const outside = specifiers.filter((s) => !s.startsWith('node:'));
    expect(outside).toEqual([]);
    const unknown = specifiers.filter((s) => !builtinModules.includes(s.slice('node:'.length)));
    expect(unknown).toEqual([]);
  });

  it('the scanner flags what the bundle must not do', () => {
    expect(loadedSpecifiers('import { a } from "hono";\nconst x = __require("masto"); await import("tslog")')).toEqual([
      'hono',
      'tslog',
      'masto',
    ]);
  });

  it('leaves out what remote mode does not run: no masto, no hono, no publisher, store or alert engine', () => {
    const inputs = bundle.inputs.map((i) => i.path);
    expect(inputs.some((p) => p.includes('/systeminformation/'))).toBe(true);
    expect(inputs.filter((p) => /\/(masto|hono|@hono\/node-server)\//.test(p))).toEqual([]);
    expect(inputs.filter((p) => /\/packages\/(publisher|store|alerting)\/src\/(?!index\.ts$)/.test(p))).toEqual([]);
  });

  it('node janitor-agent.mjs --help exits 0 with the usage, and --version prints the version', async () => {
    const help = await runBundle(['--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: janitor-agent \[options\]/);
    expect(help.stdout).toContain('--token-file <path>');
    const version = await runBundle(['--version']);
    expect(version.code, version.stderr).toBe(0);
    const pkg = JSON.parse(await readFile(join(import.meta.dirname, '..', 'package.json'), 'utf8'));
    expect(version.stdout.trim()).toBe(pkg.version);
  }, 30_000);

  it('local mode says it is not in the single file, in one line, exit 2', async () => {
    const ran = await runBundle(['--mode', 'local', '--once']);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toBe(
      'janitor-agent: local mode (--mode local, sysinfo_local tasks) is not in this single-file agent, which only ' +
        'reports to a hub (--hub URL); for it, install janitor-agent with npm (or from the tarballs of ./dev pack)\n',
    );
  }, 30_000);

  it('writes the manifest of its inputs, each with its size and time', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'inputs.json'), 'utf8')) as { inputs: unknown[] };
    expect(manifest.inputs).toEqual(bundle.inputs);
    expect(bundle.inputs.some((i) => i.path.endsWith('/apps/agent/src/program.ts') && i.size > 0)).toBe(true);
  });
});
