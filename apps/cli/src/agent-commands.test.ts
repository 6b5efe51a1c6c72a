// `janitor agent-install-command`, end to end: the line on stdout (nothing else there, so it can be copied or piped),
// the warnings on stderr, a usage error for a weak token.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killLeftovers, runJanitor, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

/** Each test spawns Node; the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };
const TOKEN = 'pis-token-0123456789abcdef';

describe('janitor agent-install-command', () => {
  it('prints the install line for the hub of config.yaml (public_url) and the token', SPAWNING, async () => {
    await using dir = await tempDir();
    const config = { app: { service: { public_url: 'http://hub.lan:5000', tokens: [{ name: 'pis', token: TOKEN }] } } };
    await writeFile(join(dir.path, 'config.yaml'), JSON.stringify(config));
    const run = await runJanitor(['agent-install-command', '--token', TOKEN], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`curl -fsSL http://hub.lan:5000/install.sh | sh -s -- --token ${TOKEN}\n`);
    expect(run.stderr).toBe('');
  });

  it('--hub wins; on the defaults it warns on stderr that the hub takes no tokens', SPAWNING, async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['agent-install-command', '--token', TOKEN, '--hub', 'http://10.0.0.2:5000'], {
      cwd: dir.path,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`curl -fsSL http://10.0.0.2:5000/install.sh | sh -s -- --token ${TOKEN}\n`);
    expect(run.stderr).toMatch(/^warning: this hub has no tokens: /);
  });

  it('a token shorter than 16 characters is a usage error (exit 2)', SPAWNING, async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['agent-install-command', '--token', 'short', '--hub', 'http://h:1'], {
      cwd: dir.path,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('janitor: --token: expected a token of at least 16 characters\n');
  });
});
