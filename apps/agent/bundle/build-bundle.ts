#!/usr/bin/env node
// janitor-agent as one file, the one a hub hands out at GET /agent/janitor-agent.mjs: everything the agent runs in
// remote mode bundled by esbuild into one ES module for Node >= 22.18, importing nothing but Node's built-ins, so a
// client needs no npm and no node_modules.
//
// Remote mode only: local mode checks and publishes on the machine itself, which needs the publisher (masto), the
// store and the alert engine, and a config with Mastodon credentials; a machine set up from its hub reports to that
// hub, which does the checking and posting. Those modules are left out (LEFT_OUT below): asking the single file for
// them fails with one line saying to install janitor-agent with npm instead.
//
// Used by `./dev pack` (through janitor-hub's `build:agent`, into the hub's dist/agent/) and, in a clone, by a hub
// that builds it the first time it is asked for it. A tool of the workspace, beside the agent's src/: not part of the
// published package.
//
//   node bundle/build-bundle.ts --out FILE [--manifest FILE]
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

/** The agent package's folder. */
const packageDir = join(import.meta.dirname, '..');

/** The oldest Node the bundle runs on (`engines` of the apps). */
export const BUNDLE_NODE_TARGET = 'node22.18';

/**
 * Modules the single-file agent leaves out, by the end of their path, each with what a user asked for when one of
 * them is loaded. Every one is only ever loaded through a dynamic `import()`, when that part runs.
 */
export const LEFT_OUT: readonly { path: RegExp; what: string }[] = [
  { path: /\/packages\/runtime\/src\/local\.ts$/, what: 'local mode (--mode local, sysinfo_local tasks)' },
  { path: /\/packages\/runtime\/src\/posting\.ts$/, what: 'posting to Mastodon (publish_queue tasks)' },
  { path: /\/packages\/store\/src\/index\.ts$/, what: 'the local store (publish_queue tasks)' },
  { path: /\/packages\/publisher\/src\/index\.ts$/, what: 'posting to Mastodon' },
  { path: /\/packages\/alerting\/src\/index\.ts$/, what: 'local checks (--mode local)' },
];

/**
 * Optional dependencies of dependencies that are not installed here (systeminformation's macOS sensors, required in a
 * `try`): in the bundle each is a module that fails to load as a missing one does.
 */
export const ABSENT_OPTIONAL: readonly string[] = ['osx-temperature-sensor', 'macos-temperature-sensor'];

/** A file that went into the bundle, as it was then: the bundle is stale once one of them changed. */
export interface BundleInput {
  path: string;
  mtimeMs: number;
  size: number;
}

/** What {@link bundleAgent} wrote. */
export interface AgentBundle {
  file: string;
  /** Hex SHA-256 of the file. */
  sha256: string;
  bytes: number;
  /** Every source file that went in (the manifest a cache checks). */
  inputs: BundleInput[];
}

export interface BundleAgentOptions {
  /** Where the bundle goes; written whole or not at all (a temporary file renamed into place). */
  outFile: string;
  /** Also write the inputs as JSON here, for a cache to tell when the bundle is stale. */
  manifestFile?: string;
}

/**
 * Builds the single-file agent: `src/main.ts` bundled for Node >= 22.18 as ESM, `node:*` built-ins external (bare
 * built-in names are rewritten to `node:`), {@link LEFT_OUT} replaced by a module that throws. The first line is
 * main.ts's `#!/usr/bin/env node`, so the file also runs as a command once executable.
 *
 * @example
 * const { file, sha256 } = await bundleAgent({ outFile: 'dist/agent/janitor-agent.mjs' });
 */
export async function bundleAgent(options: BundleAgentOptions): Promise<AgentBundle> {
  const outFile = resolve(options.outFile);
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: [join(packageDir, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: BUNDLE_NODE_TARGET,
    format: 'esm',
    write: false,
    outfile: outFile,
    metafile: true,
    // Whitespace only: names stay, so a stack trace from a client still reads.
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'silent',
    banner: {
      // CommonJS dependencies (systeminformation, commander) require Node's modules: in an ES module that needs a
      // real `require`.
      js: [
        '// janitor-agent in one file (remote mode), built from the Janitor sources by esbuild; see --help.',
        "import { createRequire as __janitorCreateRequire } from 'node:module';",
        'const require = __janitorCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    plugins: [nodeBuiltins(), absentOptional(), leftOut(), lazyRequires()],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild wrote no output');
  const contents = output.contents;
  const inputs = await Promise.all(
    Object.keys(result.metafile.inputs)
      .filter((path) => !path.includes(':'))
      .map(async (path) => {
        const absolute = resolve(packageDir, path);
        const info = await stat(absolute);
        return { path: absolute, mtimeMs: info.mtimeMs, size: info.size };
      }),
  );
  await writeWhole(outFile, contents);
  if (options.manifestFile) await writeWhole(options.manifestFile, `${JSON.stringify({ inputs }, null, 1)}\n`);
  return {
    file: outFile,
    sha256: createHash('sha256').update(contents).digest('hex'),
    bytes: contents.byteLength,
    inputs,
  };
}

/** Node's built-ins stay imports of `node:*`, whatever name a dependency required them by. */
function nodeBuiltins(): Plugin {
  const names = new Set(builtinModules.filter((name) => !name.startsWith('_')));
  return {
    name: 'node-builtins',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.replace(/^node:/, '');
        if (!args.path.startsWith('node:') && !names.has(name) && !names.has(name.split('/')[0] ?? '')) {
          return undefined;
        }
        return { path: `node:${name}`, external: true };
      });
    },
  };
}

/** The {@link ABSENT_OPTIONAL} modules, each throwing what Node throws for a module it cannot find. */
function absentOptional(): Plugin {
  const names = new Set(ABSENT_OPTIONAL);
  return {
    name: 'absent-optional',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) =>
        names.has(args.path) ? { path: args.path, namespace: 'absent-optional' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'absent-optional' }, (args) => ({
        contents: `throw Object.assign(new Error(${JSON.stringify(`Cannot find module '${args.path}'`)}), { code: 'MODULE_NOT_FOUND' });\n`,
        loader: 'js',
      }));
    },
  };
}

/** The {@link LEFT_OUT} modules, each replaced by one that throws `leftOut(what)` when loaded. */
function leftOut(): Plugin {
  const thrower = join(import.meta.dirname, 'left-out.ts');
  return {
    name: 'left-out',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const match = LEFT_OUT.find((m) => m.path.test(args.path.replaceAll('\\', '/')));
        if (!match) return undefined;
        return {
          contents: `import { leftOut } from ${JSON.stringify(thrower)};\nleftOut(${JSON.stringify(match.what)});\n`,
          loader: 'ts',
          resolveDir: dirname(thrower),
        };
      });
    },
  };
}

/**
 * The packages load some dependencies on first use through `const require = createRequire(import.meta.url)`, which
 * esbuild cannot follow. Without that line their `require('x')` is the one esbuild bundles, still evaluated on first
 * use.
 */
function lazyRequires(): Plugin {
  const line = /^const require = createRequire\(import\.meta\.url\);$/m;
  return {
    name: 'lazy-requires',
    setup(b) {
      b.onLoad({ filter: /\/packages\/[^/]+\/src\/[^/]+\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!line.test(text)) return undefined;
        return { contents: text.replace(line, ''), loader: 'ts' };
      });
    },
  };
}

async function writeWhole(file: string, contents: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, contents, { mode: 0o644 });
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, manifest: { type: 'string' } } });
  if (!values.out) {
    process.stderr.write('usage: build-bundle.ts --out FILE [--manifest FILE]\n');
    process.exit(2);
  }
  try {
    const bundle = await bundleAgent({
      outFile: values.out,
      ...(values.manifest ? { manifestFile: values.manifest } : {}),
    });
    const size = `${(bundle.bytes / 1024 / 1024).toFixed(1)} MB`;
    process.stderr.write(`janitor-agent bundle: ${bundle.file} (${size}, sha256 ${bundle.sha256})\n`);
  } catch (error) {
    process.stderr.write(`janitor-agent bundle: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
