// GET /install.sh and /agent/janitor-agent.mjs(.sha256) through createHub, with the bundle injected.
import { createHash } from 'node:crypto';
import type { AgentDist, AgentDistStatus } from '@janitor/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubFixture, jsonOf, startHub } from '../hub.test-support.ts';

const BODY = '#!/usr/bin/env node\n// the agent\n';
const SHA = createHash('sha256').update(BODY).digest('hex');
const READY: AgentDistStatus = { status: 'ready', file: { body: new TextEncoder().encode(BODY), sha256: SHA } };
const TOKEN = 'agents-token-0123456789';

const hubs: HubFixture[] = [];
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close();
});

/** A bundle that is in the given state, counting the calls to prepare(). */
function fakeDist(status: AgentDistStatus): AgentDist & { prepared: number } {
  const dist = {
    prepared: 0,
    prepare() {
      dist.prepared += 1;
    },
    current: async () => status,
  };
  return dist;
}

function hub(options: { service?: Record<string, unknown>; dist?: AgentDist } = {}): HubFixture {
  const fixture = startHub({
    ...(options.service ? { service: options.service } : {}),
    deps: { agentDist: options.dist ?? fakeDist(READY) },
  });
  hubs.push(fixture);
  return fixture;
}

const get = (headers: Record<string, string> = {}): RequestInit => ({ method: 'GET', headers });

describe('GET /install.sh', () => {
  it('is the install script with the address the request came to, and starts getting the bundle ready', async () => {
    const dist = fakeDist(READY);
    const res = await hub({ dist }).request('http://hub.lan:5000/install.sh', get(), '192.168.1.20');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const text = await res.text();
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toContain("\nhub='http://hub.lan:5000'\n");
    expect(text).not.toContain('@HUB_URL@');
    expect(dist.prepared).toBe(1);
  });

  it('takes the Host header the client sent (a name, an IPv6 address with a port)', async () => {
    const fixture = hub();
    const res = await fixture.request('http://127.0.0.1:5000/install.sh', get({ host: '[fd00::1]:5000' }));
    expect(await res.text()).toContain("\nhub='http://[fd00::1]:5000'\n");
  });

  it('app.service.public_url wins over the request (the hub behind a reverse proxy)', async () => {
    const fixture = hub({ service: { public_url: 'https://janitor.example.org/hub/' } });
    const res = await fixture.request('http://127.0.0.1:5000/install.sh', get({ host: '127.0.0.1:5000' }));
    expect(await res.text()).toContain("\nhub='https://janitor.example.org/hub'\n");
  });

  it.each([
    ['a quote', "evil'$(reboot)"],
    ['a space', 'hub lan'],
    ['a percent sign', 'hub%0a.lan'],
  ])('refuses a Host header with %s (it would go into a shell script): 400 naming public_url', async (_what, host) => {
    const res = await hub().request('http://x/install.sh', get({ host }));
    expect(res.status).toBe(400);
    expect(await jsonOf(res)).toEqual({
      error: 'cannot tell this hub’s address from the request’s Host header: set app.service.public_url',
      field: 'host',
    });
  });
});

describe('GET /agent/janitor-agent.mjs and .sha256', () => {
  it('serve the bundle with its SHA-256 (the .sha256 file, the ETag and Repr-Digest agree)', async () => {
    const fixture = hub();
    const agent = await fixture.request('/agent/janitor-agent.mjs');
    expect(agent.status).toBe(200);
    expect(agent.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(agent.headers.get('etag')).toBe(`"${SHA}"`);
    expect(agent.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(SHA, 'hex').toString('base64')}:`);
    expect(await agent.text()).toBe(BODY);
    const sum = await fixture.request('/agent/janitor-agent.mjs.sha256');
    expect(sum.status).toBe(200);
    expect(await sum.text()).toBe(`${SHA}  janitor-agent.mjs\n`);
  });

  it('answer 503 with Retry-After while the bundle builds', async () => {
    const fixture = hub({ dist: fakeDist({ status: 'building', retryAfterSeconds: 2 }) });
    for (const path of ['/agent/janitor-agent.mjs', '/agent/janitor-agent.mjs.sha256']) {
      const res = await fixture.request(path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(await jsonOf(res)).toEqual({ error: 'the agent is being built; retry in 2 s' });
    }
  });

  it('answer 503 without the reason when the bundle cannot be built (the log has it)', async () => {
    const fixture = hub({
      dist: fakeDist({ status: 'failed', error: 'esbuild missing in /home/me/janitor', retryAfterSeconds: 25 }),
    });
    const res = await fixture.request('/agent/janitor-agent.mjs');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('25');
    expect(await res.text()).not.toContain('/home/me');
  });

  it('other methods get a 405 naming GET', async () => {
    const res = await hub().request('/agent/janitor-agent.mjs', { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
  });
});

describe('who gets the agent (no token needed: nothing in it is secret)', () => {
  const paths = ['/install.sh', '/agent/janitor-agent.mjs', '/agent/janitor-agent.mjs.sha256'];

  it('a hub without tokens serves loopback and private networks, and refuses the rest as it refuses reports', async () => {
    const fixture = hub();
    for (const path of paths) {
      expect((await fixture.request(`http://hub.lan:5000${path}`, get(), '127.0.0.1')).status).toBe(200);
      expect((await fixture.request(`http://hub.lan:5000${path}`, get(), '10.1.2.3')).status).toBe(200);
      const outside = await fixture.request(`http://hub.lan:5000${path}`, get(), '203.0.113.9');
      expect(outside.status).toBe(401);
      expect(await jsonOf(outside)).toMatchObject({ field: 'authorization' });
    }
    const report = await fixture.request('/sysinfo', { method: 'POST', body: '{}' }, '203.0.113.9');
    expect(report.status).toBe(401);
  });

  it('a hub with tokens serves anyone, as it answers /health, while reports still need the token', async () => {
    const fixture = hub({ service: { tokens: [{ name: 'agents', token: TOKEN }] } });
    for (const path of paths) {
      expect((await fixture.request(`http://hub.example:5000${path}`, get(), '203.0.113.9')).status).toBe(200);
    }
    const report = await fixture.request('/sysinfo', { method: 'POST', body: '{}' }, '203.0.113.9');
    expect(report.status).toBe(401);
  });
});
