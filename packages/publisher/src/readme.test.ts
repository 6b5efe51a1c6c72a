// The README's first example, run as a user copies it: without a token it is a dry run that prints the status.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { runToEnd } from '@janitor/testkit';
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
function runModule(code: string, env: NodeJS.ProcessEnv) {
  return runToEnd(process.execPath, ['--input-type=module', '-e', code], {
    what: 'the example',
    cwd: PACKAGE_DIR,
    env,
  });
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
