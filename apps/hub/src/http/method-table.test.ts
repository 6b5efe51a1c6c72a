// Requests no route takes: 405 with Allow from the routes mounted, 404 otherwise; and every route that matches runs
// exactly one handler (a second one, e.g. a middleware, would put each request through Hono's compose).
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { startHub } from '../hub.test-support.ts';
import type { HubEnv } from './hub-env.ts';
import { methodTable } from './method-table.ts';

describe('methodTable', () => {
  const app = new Hono<HubEnv>();
  app.post('/things', (c) => c.text('posted'));
  app.get('/things', (c) => c.text('listed'));
  app.delete('/things/:id', (c) => c.text('deleted'));
  app.notFound(methodTable(app.routes));

  it.each<[string, string, number, string | null, string]>([
    ['PUT', '/things', 405, 'GET, POST', 'method PUT not allowed on /things'],
    ['PATCH', '/things/7', 405, 'DELETE', 'method PATCH not allowed on /things/7'],
    ['GET', '/things/', 404, null, 'no such endpoint: GET /things/'],
    ['DELETE', '/things', 405, 'GET, POST', 'method DELETE not allowed on /things'],
    ['GET', '/others', 404, null, 'no such endpoint: GET /others'],
  ])('%s %s: %i', async (method, path, status, allow, error) => {
    const res = await app.request(path, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toEqual({ error, field: status === 405 ? 'method' : 'path' });
  });

  it('leaves the routes’ own answers alone, HEAD of a GET route included', async () => {
    expect(await (await app.request('/things', { method: 'POST' })).text()).toBe('posted');
    expect((await app.request('/things', { method: 'HEAD' })).status).toBe(200);
    expect((await app.request('/things/7', { method: 'HEAD' })).status).toBe(405);
  });
});

describe('the hub’s routes', () => {
  const hub = startHub();
  afterAll(() => hub.close());

  it('each run exactly one handler when they match', () => {
    const served = hub.app.routes.map((r) => [r.method, r.path]);
    expect(served).toEqual(
      expect.arrayContaining([
        ['GET', '/health'],
        ['POST', '/sysinfo'],
        ['POST', '/message'],
        ['POST', '/silences'],
        ['GET', '/silences'],
        ['DELETE', '/silences/:id'],
      ]),
    );
    for (const [method, path] of served) {
      const [handlers] = hub.app.router.match(method as string, (path as string).replace(':id', '1'));
      expect(handlers, `${method} ${path}`).toHaveLength(1);
    }
  });
});
