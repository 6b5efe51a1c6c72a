// `janitor login` and `janitor create-app` end to end against the fake server: tokens, OAuth with PKCE, the
// password grant, and the credential files they write.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCOPES, registerApp, verifyCredentials } from '@janitor/publisher';
import { type FakeMastodon, OOB_REDIRECT_URI, pkceChallenge, startFakeMastodon } from '@janitor/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  hasStackTrace,
  JANITOR,
  killLeftovers,
  linesOf,
  runJanitor,
  startNode,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

/** Each test spawns Node (one to three times); the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };

const TOKEN = 'tok-Lq52-static';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

async function configFor(dir: string, fake: FakeMastodon): Promise<void> {
  await writeFile(
    join(dir, 'config.yaml'),
    JSON.stringify({
      mastodon: { api_base_url: fake.url, instance_type: fake.flavour },
      logger: { loglevel: 'debug' },
    }),
  );
}

describe.concurrent('janitor login --token', SPAWNING, () => {
  it('checks the token, saves it 0600 in the original format, prints the account', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const run = await runJanitor(['login', '--token', TOKEN], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    const file = join(dir.path, 'user.secret');
    expect(run.stdout).toContain(`logged in as @janitor on ${fake.url}; token saved to ${file}`);
    expect(await readFile(file, 'utf8')).toBe(`${TOKEN}\n${fake.url}\n`);
    expect(await modeOf(file)).toBe(0o600);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.responseStatus}`)).toContain(
      'GET /api/v1/accounts/verify_credentials 200',
    );
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  it('a wrong token: exit 4, one line, no file written', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const run = await runJanitor(['login', '--token', 'not-the-token'], { cwd: dir.path });
    expect(run.code).toBe(4);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^janitor: verify credentials failed: .*401/);
    expect(existsSync(join(dir.path, 'user.secret'))).toBe(false);
  });

  it('an unreachable server is a failed job, not a credentials problem: exit 1, one line', async () => {
    const port = await closedPort();
    await using dir = await tempDir();
    await writeFile(
      join(dir.path, 'config.yaml'),
      JSON.stringify({ mastodon: { api_base_url: `http://127.0.0.1:${port}` } }),
    );
    const run = await runJanitor(['login', '--token', TOKEN], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(linesOf(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(/^janitor: verify credentials failed: .*ECONNREFUSED/);
    expect(existsSync(join(dir.path, 'user.secret'))).toBe(false);
  });

  it('reads the token from stdin when --token has no value', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon', accessTokens: [TOKEN] });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const run = await runJanitor(['login', '--token'], { cwd: dir.path, input: `${TOKEN}\n` });
    expect(run.code, run.stderr).toBe(0);
    expect((await readFile(join(dir.path, 'user.secret'), 'utf8')).split('\n')[0]).toBe(TOKEN);
    expect(run.stdout).toContain('logged in as @janitor');
  });
});

describe.concurrent('janitor login --oauth', SPAWNING, () => {
  it('prints the authorization address, reads the code, saves app and token 0600; the token works', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon' });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const cli = startNode(JANITOR, ['login', '--oauth'], { cwd: dir.path });
    const [link] = await cli.waitForStdout(/^http:\S+\/oauth\/authorize\?\S+$/m);
    const query = new URL(link).searchParams;
    expect(query.get('redirect_uri')).toBe(OOB_REDIRECT_URI);
    expect(query.get('code_challenge_method')).toBe('S256');
    const code = fake.authorize({
      clientId: query.get('client_id')!,
      redirectUri: OOB_REDIRECT_URI,
      scope: query.get('scope')!,
      codeChallenge: query.get('code_challenge')!,
      codeChallengeMethod: 'S256',
    });
    cli.child.stdin.end(`${code}\n`);
    const run = await cli.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('logged in as @janitor');

    const clientFile = join(dir.path, 'client.secret');
    const userFile = join(dir.path, 'user.secret');
    expect(await modeOf(clientFile)).toBe(0o600);
    expect(await modeOf(userFile)).toBe(0o600);
    expect(fake.apps).toHaveLength(1);
    const app = fake.apps[0]!;
    expect(app.clientId).toBe(query.get('client_id'));
    expect(await readFile(clientFile, 'utf8')).toBe(`${app.clientId}\n${app.clientSecret}\n${fake.url}\n`);
    const token = (await readFile(userFile, 'utf8')).split('\n')[0]!;
    expect(fake.tokens.find((t) => t.accessToken === token)?.grantType).toBe('authorization_code');
    expect((await verifyCredentials({ url: fake.url, accessToken: token })).acct).toBe('janitor');
  });

  it('--code that does not match the PKCE challenge is refused: exit 4, no token saved', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon' });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const app = await registerApp({ url: fake.url, appName: 'Janitor', scopes: DEFAULT_SCOPES });
    await writeFile(join(dir.path, 'client.secret'), `${app.clientId}\n${app.clientSecret}\n${fake.url}\n`, {
      mode: 0o600,
    });
    // A code bound to another verifier than the one the command makes for itself.
    const code = fake.authorize({
      clientId: app.clientId,
      redirectUri: OOB_REDIRECT_URI,
      scope: DEFAULT_SCOPES.join(' '),
      codeChallenge: pkceChallenge('a-verifier-that-janitor-does-not-know-0123456789'),
      codeChallengeMethod: 'S256',
    });
    const run = await runJanitor(['login', '--oauth', '--code', code], { cwd: dir.path });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^janitor: exchange code failed: POST \S+\/oauth\/token: 400/m);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(fake.apps).toHaveLength(1);
    expect(fake.requests.find((r) => r.path === '/oauth/token')?.body).toMatchObject({ code });
    expect(existsSync(join(dir.path, 'user.secret'))).toBe(false);
  });
});

describe.concurrent('janitor login --password', SPAWNING, () => {
  it('logs in on Pleroma with user name and password', async () => {
    await using fake = await startFakeMastodon({
      flavour: 'pleroma',
      users: [{ username: 'bot', password: 'pw-Hx71-secret' }],
    });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const run = await runJanitor(['login', '--password', 'pw-Hx71-secret', '--username', 'bot'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('logged in as @bot');
    const userFile = join(dir.path, 'user.secret');
    expect(await modeOf(userFile)).toBe(0o600);
    const token = (await readFile(userFile, 'utf8')).split('\n')[0]!;
    expect(fake.tokens.find((t) => t.accessToken === token)?.grantType).toBe('password');
    expect(run.stdout + run.stderr).not.toContain('pw-Hx71-secret');
  });

  it('on Mastodon: exit 4, says the server no longer allows it and what to do instead', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon' });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const run = await runJanitor(['login', '--password', 'pw', '--username', 'bot'], { cwd: dir.path });
    expect(run.code).toBe(4);
    const errors = linesOf(run.stderr).filter((l) => l.startsWith('janitor: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('no longer allows logging in with a password');
    expect(errors[0]).toContain("'janitor login --token'");
    expect(errors[0]).toContain("'janitor login --oauth'");
    expect(existsSync(join(dir.path, 'user.secret'))).toBe(false);
  });
});

describe('janitor create-app', SPAWNING, () => {
  it('registers once, saves the client file 0600, registers again only with --force', async () => {
    await using fake = await startFakeMastodon({ flavour: 'mastodon' });
    await using dir = await tempDir();
    await configFor(dir.path, fake);
    const file = join(dir.path, 'client.secret');

    const first = await runJanitor(['create-app'], { cwd: dir.path });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`app registered; credentials saved to ${file}`);
    expect(fake.apps).toHaveLength(1);
    expect(fake.apps[0]).toMatchObject({ name: 'Janitor', redirectUris: [OOB_REDIRECT_URI] });
    const written = `${fake.apps[0]!.clientId}\n${fake.apps[0]!.clientSecret}\n${fake.url}\n`;
    expect(await readFile(file, 'utf8')).toBe(written);
    expect(await modeOf(file)).toBe(0o600);

    const second = await runJanitor(['create-app'], { cwd: dir.path });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('app already registered');
    expect(fake.apps).toHaveLength(1);
    expect(await readFile(file, 'utf8')).toBe(written);

    const forced = await runJanitor(['create-app', '--force'], { cwd: dir.path });
    expect(forced.code, forced.stderr).toBe(0);
    expect(fake.apps).toHaveLength(2);
    expect(await readFile(file, 'utf8')).toBe(
      `${fake.apps[1]!.clientId}\n${fake.apps[1]!.clientSecret}\n${fake.url}\n`,
    );
    expect(await modeOf(file)).toBe(0o600);
  });
});
