import { parseConfig } from '@janitor/config';
import { describe, expect, it } from 'vitest';
import { agentInstallCommand } from './agent-install.ts';
import { CliError } from './runtime.ts';

const TOKEN = 'pi-token-0123456789abcdef';

/** A hub's config with `app.service` as given, read as config.yaml would be (no environment). */
function hubConfig(service: Record<string, unknown>) {
  return parseConfig({ app: { service } }, { baseDir: '/tmp', env: {} });
}

const withToken = { tokens: [{ name: 'pis', token: TOKEN }] };

describe('agentInstallCommand', () => {
  it('prints the curl line for the hub and the token', () => {
    const { line, hubUrl, warnings } = agentInstallCommand({
      config: hubConfig(withToken),
      token: TOKEN,
      hub: 'http://hub.lan:5000/',
    });
    expect(line).toBe(`curl -fsSL http://hub.lan:5000/install.sh | sh -s -- --token ${TOKEN}`);
    expect(hubUrl).toBe('http://hub.lan:5000');
    expect(warnings).toEqual([]);
  });

  it.each([
    // Each case: what the config says about the hub's address, and the address the line uses.
    [
      'public_url wins over everything but --hub',
      { public_url: 'https://janitor.example.org/' },
      'https://janitor.example.org',
    ],
    ['a remote_url that other machines reach', { remote_url: 'http://192.168.1.10:5000' }, 'http://192.168.1.10:5000'],
    [
      'listening on every address: this machine by name',
      { listen: { host: '0.0.0.0', port: 5001 } },
      'http://pi-hub:5001',
    ],
    ['listening on one LAN address', { listen: { host: '192.168.1.10', port: 5000 } }, 'http://192.168.1.10:5000'],
    ['listening on an IPv6 address', { listen: { host: 'fd00::10', port: 5000 } }, 'http://[fd00::10]:5000'],
  ])('%s', (_what, service, expected) => {
    const { hubUrl, warnings } = agentInstallCommand({
      config: hubConfig({ ...withToken, ...service }),
      token: TOKEN,
      hostname: () => 'pi-hub',
    });
    expect(hubUrl).toBe(expected);
    expect(warnings).toEqual([]);
  });

  it('on the defaults (loopback only) it warns that the address works on this machine only', () => {
    const { hubUrl, warnings } = agentInstallCommand({ config: hubConfig(withToken), token: TOKEN });
    expect(hubUrl).toBe('http://127.0.0.1:5000');
    expect(warnings).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:5000 is an address of this machine only/)]);
  });

  it('warns about a token the hub does not accept, and about a hub without tokens', () => {
    const hub = 'http://hub.lan:5000';
    const unknown = agentInstallCommand({ config: hubConfig(withToken), token: 'other-token-0123456789', hub });
    expect(unknown.warnings).toEqual([expect.stringContaining('not one of app.service.tokens')]);
    const tokenless = agentInstallCommand({ config: hubConfig({}), token: TOKEN, hub });
    expect(tokenless.warnings).toEqual([expect.stringContaining('this hub has no tokens')]);
  });

  it('quotes a token that needs it for the shell', () => {
    const token = "it's-a-token-0123456789";
    const { line } = agentInstallCommand({
      config: hubConfig({ tokens: [{ name: 'x', token }] }),
      token,
      hub: 'http://h:1',
    });
    expect(line).toBe(`curl -fsSL http://h:1/install.sh | sh -s -- --token 'it'\\''s-a-token-0123456789'`);
  });

  it.each([
    ['short', 'too-short'],
    ['with a space', 'a token with spaces 0123'],
  ])('refuses a token %s (exit 2)', (_what, token) => {
    expect(() => agentInstallCommand({ config: hubConfig(withToken), token, hub: 'http://h:1' })).toThrow(CliError);
  });
});
