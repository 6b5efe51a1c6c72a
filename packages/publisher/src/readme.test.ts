// The README's first example, run as a user copies it: without a token it is a dry run that prints the status.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = join(import.meta.dirname, '..');

/** The first ```ts block after `heading` in the README. */
function example(heading: string): string {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error(`no ts example after ${heading}`);
  return code;
}

/** Runs ESM code in the package's folder (so that it imports '@janitor/publisher' by name); resolves with its output. */
async function runModule(code: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: PACKAGE_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example did not finish within 15 s: ${stderr}`));
    }, 15_000);
    child.on('exit', (status) => {
      clearTimeout(deadline);
      resolve(status);
    });
  });
  return { code: exitCode, stdout, stderr };
}

describe('README', () => {
  it('the first example, without a token, prints the status it would post and contacts nobody', async () => {
    const { MASTODON_TOKEN: _token, ...env } = process.env;
    const run = await runModule(example('## Example: post an alert from a script'), env);
    expect(run).toEqual({
      code: 0,
      stderr: '',
      stdout: `dry run, would post (unlisted):\n[content warning] 🚨 ${hostname()}:\n\nDisk almost full\n/ is at 97 %\n`,
    });
  });
});
