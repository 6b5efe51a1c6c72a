import type { LoadedConfig } from '@janitor/config';
import {
  bodyKind,
  type Logger,
  type Message,
  type ParsedReport,
  type ParseResult,
  parseMessageFields,
  parseMessageRequest,
  parseReportRequest,
  silentLogger,
  WIRE_LIMITS,
  type WireError,
  wireErrorBody,
} from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { evaluate, formatReport, fromLegacy, fromSample } from '@janitor/thresholds';
import { type Context, Hono } from 'hono';
import type { createAccessPolicy } from './access.ts';
import { createGroupCommit } from './group-commit.ts';

/** The outbox as the hub uses it: durable enqueue and its depth (@janitor/store's outbox fits). */
export interface HubOutbox {
  enqueueMany(inputs: readonly { payload: unknown; groupKey?: string | null }[]): readonly { id: number }[];
  counts(): { pending: number; dead: number; oldestPendingMs: number | null };
}

/** What /health reports about the publisher. */
export type PublisherState = 'ready' | 'dry-run' | 'no-token';

export interface HubDeps {
  config: LoadedConfig;
  outbox: HubOutbox;
  access: ReturnType<typeof createAccessPolicy>;
  /** The peer's IP address. main.ts reads it from the socket; tests pass their own. */
  remoteAddress: (c: Context) => string | undefined;
  /** Called after something was queued (wakes the outbox worker). */
  onQueued?: () => void;
  /** @default 'ready' */
  publisherState?: () => PublisherState;
  /** True when the store accepts writes. @default () => true */
  storeWritable?: () => boolean;
  logger?: Logger;
}

/**
 * The hub as a Hono app: `POST /sysinfo` (the original's `{"sys_data": …}` and the v2 report), `POST /message`
 * (form or JSON, as the original's clients and curl send it), `GET /health`. Everything accepted is in the durable
 * outbox before the sender gets its 200. Bad input gets a 4xx with `{ error, field }`; nothing is a 500.
 *
 * @example
 * const app = createHub({ config, outbox: store.outbox, access, remoteAddress: () => '127.0.0.1' });
 * const res = await app.request('/message', { method: 'POST', body: new URLSearchParams({ hostname: 'h', message: 'hi' }) });
 */
export function createHub(deps: HubDeps): Hono {
  const { config, outbox, access, remoteAddress, logger = silentLogger } = deps;
  const enqueue = createGroupCommit((inputs: readonly { payload: OutboxPayload; groupKey: string }[]) =>
    outbox.enqueueMany(inputs),
  );
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    logger.info('request', {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      from: remoteAddress(c) ?? 'unknown',
    });
  });

  app.get('/health', (c) => {
    const counts = outbox.counts();
    const storeWritable = deps.storeWritable?.() ?? true;
    const publisher = deps.publisherState?.() ?? 'ready';
    const problems = [
      ...(storeWritable ? [] : ['the store is not writable']),
      ...(publisher === 'no-token' ? ['no Mastodon access token: run janitor login'] : []),
    ];
    return c.json(
      {
        status: problems.length === 0 ? 'ready' : 'not ready',
        problems,
        store: { writable: storeWritable },
        publisher,
        outbox: { pending: counts.pending, dead: counts.dead, oldestPendingMs: counts.oldestPendingMs },
      },
      problems.length === 0 ? 200 : 503,
    );
  });

  app.post('/sysinfo', async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const parsed = await readBody(c, parseReportRequest);
    if (!parsed.ok) return fail(c, parsed.error);
    const report = parsed.value;
    const hostname = reportHostname(report);
    const hostDenied = checkHost(c, hostname);
    if (hostDenied) return hostDenied;
    const input = report.kind === 'legacy' ? fromLegacy(report.sysData) : fromSample(report.sample, reportKeys());
    const evaluation = evaluate(input, config.rules);
    if (evaluation.breaches.length === 0) return c.json({ status: 'ok', crossed: [] });
    const rendered = formatReport(input, evaluation, config.reportFormat);
    const entry = await enqueue({
      payload: {
        kind: 'report',
        report: { spoiler: rendered.spoiler, text: rendered.text, ...(hostname ? { hostname } : {}) },
      },
      groupKey: hostname ?? 'unknown host',
    });
    deps.onQueued?.();
    return c.json({ status: 'queued', id: entry.id, crossed: evaluation.breaches.map((b) => b.label) });
  });

  app.post('/message', async (c) => {
    const denied = authorize(c);
    if (denied) return denied;
    const parsed = await readMessage(c);
    if (!parsed.ok) return fail(c, parsed.error);
    const message = parsed.value;
    const hostDenied = checkHost(c, message.hostname);
    if (hostDenied) return hostDenied;
    const entry = await enqueue({ payload: { kind: 'message', message }, groupKey: message.hostname ?? '' });
    deps.onQueued?.();
    return c.json({ status: 'queued', id: entry.id });
  });

  for (const path of ['/sysinfo', '/message', '/health']) {
    app.all(path, (c) =>
      c.json({ error: `method ${c.req.method} not allowed on ${path}`, field: 'method' }, 405, {
        Allow: path === '/health' ? 'GET' : 'POST',
      }),
    );
  }
  app.notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}`, field: 'path' }, 404));
  app.onError((error, c) => {
    // Input problems never get here (they are 4xx above): this is the hub failing, e.g. the disk is full.
    logger.error('request failed', { path: c.req.path, error: error.message });
    return c.json({ error: 'the hub could not accept this request now; retry later' }, 503);
  });

  function reportKeys() {
    const keys = config.data.system_info.report_keys;
    return keys ? { keys } : {};
  }

  function authorize(c: Context) {
    const decision = access.check(remoteAddress(c), c.req.header('authorization'));
    if (decision.allowed) {
      c.set('hosts' as never, (decision.via === 'token' ? decision.hosts : undefined) as never);
      return undefined;
    }
    return c.json({ error: decision.error, ...(decision.field ? { field: decision.field } : {}) }, decision.status, {
      'WWW-Authenticate': 'Bearer',
    });
  }

  function checkHost(c: Context, hostname: string | undefined) {
    const hosts = c.get('hosts' as never) as readonly string[] | undefined;
    if (!hosts) return undefined;
    if (hostname && hosts.includes(hostname)) return undefined;
    return c.json(
      { error: `this token may not speak for host ${JSON.stringify(hostname ?? '')}`, field: 'hostname' },
      403,
    );
  }

  return app;
}

function fail(c: Context, error: WireError) {
  return c.json(wireErrorBody(error), error.status);
}

function reportHostname(report: ParsedReport): string | undefined {
  const name = report.kind === 'legacy' ? report.sysData.hostname : report.sample.hostname;
  return typeof name === 'string' && name.trim() ? name.trim() : undefined;
}

async function readBody<T>(
  c: Context,
  parse: (request: { contentType: string | undefined; body: Uint8Array }) => ParseResult<T>,
): Promise<ParseResult<T>> {
  const tooBig = declaredTooBig(c);
  if (tooBig) return tooBig;
  const body = await readLimited(c);
  if (!body.ok) return body;
  return parse({ contentType: c.req.header('content-type'), body: body.value });
}

async function readMessage(c: Context): Promise<ParseResult<Message>> {
  const type = c.req.header('content-type') ?? '';
  if (/^multipart\/form-data/i.test(type) && bodyKind(type) === undefined) {
    const tooBig = declaredTooBig(c);
    if (tooBig) return tooBig;
    try {
      const form = await c.req.parseBody();
      const fields = Object.fromEntries(
        Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v : Array.isArray(v) ? v : '[file]']),
      );
      return parseMessageFields(fields);
    } catch {
      return { ok: false, error: { status: 400, error: 'malformed multipart body', field: 'body' } };
    }
  }
  return readBody(c, parseMessageRequest);
}

function declaredTooBig(c: Context): ParseResult<never> | undefined {
  const length = Number(c.req.header('content-length'));
  if (Number.isFinite(length) && length > WIRE_LIMITS.bodyBytes) {
    return { ok: false, error: { status: 413, error: `body over ${WIRE_LIMITS.bodyBytes} bytes`, field: 'body' } };
  }
  return undefined;
}

/** Reads the body, stopping at the limit even when no Content-Length was sent (chunked). */
async function readLimited(c: Context): Promise<ParseResult<Uint8Array>> {
  const stream = c.req.raw.body;
  if (!stream) return { ok: true, value: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > WIRE_LIMITS.bodyBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, error: { status: 413, error: `body over ${WIRE_LIMITS.bodyBytes} bytes`, field: 'body' } };
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, value: out };
}
