import type { IncomingMessage } from 'node:http';
import type { AlertEngine } from '@janitor/alerting';
import type { LoadedConfig } from '@janitor/config';
import {
  decodeUtf8Strict,
  type LogFields,
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
import { createGroupCommit, createTurn } from '@janitor/store';
import { evaluate, fromLegacy, fromSample } from '@janitor/thresholds';
import { type Context, Hono } from 'hono';
import type { createAccessPolicy } from './access.ts';
import { parseSilenceRequest, silenceView } from './silence-request.ts';

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
  /** The alert lifecycle over the store: what a report posts, silent hosts, silences. */
  alerts: AlertEngine;
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
 * The hub as a Hono app: `POST /sysinfo` (the original's `{"sys_data": …}` and the v2 report, through the alert
 * lifecycle), `POST /message` (form or JSON, as the original's clients and curl send it), `GET /health`, and
 * silences (`POST /silences`, `GET /silences`, `DELETE /silences/:id`). Everything accepted is in the durable
 * outbox before the sender gets its 200. Bad input gets a 4xx with `{ error, field }`; nothing is a 500.
 *
 * @example
 * const alerts = createAlertEngine({ config, store });
 * const app = createHub({ config, outbox: store.outbox, alerts, access, remoteAddress: () => '127.0.0.1' });
 * const res = await app.request('/message', { method: 'POST', body: new URLSearchParams({ hostname: 'h', message: 'hi' }) });
 */
export function createHub(deps: HubDeps): Hono {
  const { config, outbox, alerts, access, remoteAddress, logger = silentLogger } = deps;
  const enqueue = createGroupCommit((inputs: readonly { payload: OutboxPayload; groupKey: string }[]) =>
    outbox.enqueueMany(inputs),
  );
  const app = new Hono();
  const turn = createTurn();

  // One line per request, with the sender's address; nothing at all when the logger drops info lines. Each handler is
  // wrapped rather than the app given a middleware: a middleware puts every request through Hono's async compose,
  // which cost the hub a sixth of its throughput (BENCHMARKS.md).
  const logRequests = logger.enabled?.('info') ?? true;
  function logRequest(c: Context, status: number, started: number): void {
    const fields: LogFields = {
      method: c.req.method,
      path: c.req.path,
      status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      from: remoteAddress(c) ?? 'unknown',
    };
    // Who spoke, by the token's name (never the token).
    const tokenName = c.get('tokenName' as never) as string | undefined;
    if (tokenName) fields.tokenName = tokenName;
    logger.info('request', fields);
  }
  function logged(handler: (c: Context) => Response | Promise<Response>): (c: Context) => Response | Promise<Response> {
    if (!logRequests) return handler;
    return async (c) => {
      const started = performance.now();
      let response: Response;
      try {
        response = await handler(c);
      } catch (error) {
        // onError answers it, and logs the line after the failure's.
        c.set('started' as never, started as never);
        throw error;
      }
      logRequest(c, response.status, started);
      return response;
    };
  }

  app.get(
    '/health',
    logged((c) => {
      // A store that fails outright is the answer, not a reason for the health check itself to fail.
      const counts = countsOrUndefined();
      const storeWritable = counts !== undefined && (deps.storeWritable?.() ?? true);
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
          outbox: counts
            ? { pending: counts.pending, dead: counts.dead, oldestPendingMs: counts.oldestPendingMs }
            : { pending: null, dead: null, oldestPendingMs: null },
        },
        problems.length === 0 ? 200 : 503,
      );
    }),
  );

  function countsOrUndefined() {
    try {
      return outbox.counts();
    } catch (error) {
      logger.error('health: the outbox cannot be read', {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    }
  }

  app.post(
    '/sysinfo',
    logged(async (c) => {
      const denied = authorize(c);
      if (denied) return denied;
      const parsed = await readBody(c, parseReportRequest);
      if (!parsed.ok) return fail(c, parsed.error);
      const report = parsed.value;
      const hostname = reportHostname(report);
      const hostDenied = checkHost(c, hostname);
      if (hostDenied) return hostDenied;
      if (report.kind === 'v2' && isReplay(hostname ?? '', report.sample.collectedAtMs)) {
        // An agent retrying a report whose answer it never got (see the agent's spool): taken already, say so.
        return c.json({ status: 'duplicate', crossed: [] });
      }
      const input = report.kind === 'legacy' ? fromLegacy(report.sysData) : fromSample(report.sample, reportKeys());
      const crossed = evaluate(input, alerts.plan.host(hostname ?? '').rules).breaches.map((b) => b.label);
      // The 200 is sent once the host's alert states and the posts they call for are durable, together.
      const outcome = await alerts.ingest(hostname, input);
      // Answered with the other reports of this turn of the event loop, written or not, as /message answers are:
      // answering a burst together costs a fifth less CPU per report than answering each at once (BENCHMARKS.md).
      await turn();
      if (outcome.queued.length === 0) return c.json({ status: 'ok', crossed });
      return c.json({ status: 'queued', id: outcome.queued[0], ids: outcome.queued, crossed });
    }),
  );

  app.post(
    '/silences',
    logged(async (c) => {
      const denied = authorize(c);
      if (denied) return denied;
      const parsed = await readBody(c, parseSilenceRequest);
      if (!parsed.ok) return fail(c, parsed.error);
      const { host, rule, forMs, reason } = parsed.value;
      const hostDenied = checkHost(c, host);
      if (hostDenied) return hostDenied;
      const silence = alerts.silence({ hostname: host, key: rule, forMs, ...(reason === undefined ? {} : { reason }) });
      return c.json({ status: 'silenced', silence: silenceView(silence) });
    }),
  );

  app.get(
    '/silences',
    logged((c) => {
      const denied = authorize(c);
      if (denied) return denied;
      const hosts = c.get('hosts' as never) as readonly string[] | undefined;
      const visible = alerts.silences().filter((s) => hosts === undefined || hosts.includes(s.hostname));
      return c.json({ silences: visible.map(silenceView) });
    }),
  );

  app.delete(
    '/silences/:id',
    logged((c) => {
      const denied = authorize(c);
      if (denied) return denied;
      const raw = c.req.param('id') ?? '';
      const id = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(id))
        return c.json({ error: 'expected a silence id (a positive integer)', field: 'id' }, 400);
      const running = alerts.silences().find((s) => s.id === id);
      if (running === undefined) return c.json({ error: `no running silence with id ${id}`, field: 'id' }, 404);
      const hostDenied = checkHost(c, running.hostname);
      if (hostDenied) return hostDenied;
      alerts.unsilence(id);
      return c.json({ status: 'removed', silence: silenceView(running) });
    }),
  );

  app.post(
    '/message',
    logged(async (c) => {
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
    }),
  );

  const allowed: Record<string, string> = {
    '/sysinfo': 'POST',
    '/message': 'POST',
    '/health': 'GET',
    '/silences': 'GET, POST',
    '/silences/:id': 'DELETE',
  };
  for (const [path, allow] of Object.entries(allowed)) {
    app.all(
      path,
      logged((c) =>
        c.json({ error: `method ${c.req.method} not allowed on ${c.req.path}`, field: 'method' }, 405, {
          Allow: allow,
        }),
      ),
    );
  }
  app.notFound(logged((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}`, field: 'path' }, 404)));
  app.onError((error, c) => {
    // Input problems never get here (they are 4xx above): this is the hub failing, e.g. the disk is full.
    logger.error('request failed', { path: c.req.path, error: error.message });
    const response = c.json({ error: 'the hub could not accept this request now; retry later' }, 503);
    const started = c.get('started' as never) as number | undefined;
    if (logRequests) logRequest(c, response.status, started ?? performance.now());
    return response;
  });

  // The newest collectedAtMs taken per host. A v2 report no newer than that is a replay; the original's reports
  // carry no time and cannot be told apart. Kept in memory: bounded by the number of hosts.
  const lastCollected = new Map<string, number>();
  function isReplay(hostname: string, collectedAtMs: number): boolean {
    const last = lastCollected.get(hostname);
    if (last !== undefined && collectedAtMs <= last) return true;
    lastCollected.set(hostname, collectedAtMs);
    return false;
  }

  function reportKeys() {
    const keys = config.data.system_info.report_keys;
    return keys ? { keys } : {};
  }

  function authorize(c: Context) {
    const decision = access.check(remoteAddress(c), header(c, 'authorization'));
    if (decision.allowed) {
      c.set('hosts' as never, (decision.via === 'token' ? decision.hosts : undefined) as never);
      if (decision.via === 'token') c.set('tokenName' as never, decision.tokenName as never);
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

/**
 * A request header. Served by @hono/node-server, straight from Node's parsed headers: `c.req.header()` would build
 * a whole Fetch `Headers` object for every request, a good part of the hub's cost per report. Elsewhere (tests'
 * `app.request`, another runtime), from the Fetch request.
 */
function header(c: Context, name: 'authorization' | 'content-type' | 'content-length'): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers !== undefined) return incoming.headers[name];
  return c.req.header(name);
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
  return parse({ contentType: header(c, 'content-type'), body: body.value });
}

async function readMessage(c: Context): Promise<ParseResult<Message>> {
  const type = header(c, 'content-type') ?? '';
  if (!/^\s*multipart\/form-data/i.test(type)) return readBody(c, parseMessageRequest);
  // curl -F: read under the same limit as every other body (a chunked upload has no Content-Length to check).
  const tooBig = declaredTooBig(c);
  if (tooBig) return tooBig;
  const body = await readLimited(c);
  if (!body.ok) return body;
  return parseMultipart(type, body.value);
}

/** A `multipart/form-data` body as curl -F sends it, to the fields of a message. */
async function parseMultipart(contentType: string, body: Uint8Array): Promise<ParseResult<Message>> {
  // Strict UTF-8 like the other encodings: the multipart parser would silently replace invalid bytes with U+FFFD.
  const text = decodeUtf8Strict(body);
  if (!text.ok) return text;
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return { ok: false, error: { status: 400, error: 'malformed multipart body', field: 'body' } };
  }
  // No prototype: a part named `__proto__` is just a field. Repeated names become arrays, refused like a form's.
  const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let count = 0;
  for (const [name, value] of form) {
    count += 1;
    if (count > WIRE_LIMITS.formFields) {
      const error = `multipart body must not have more than ${WIRE_LIMITS.formFields} fields`;
      return { ok: false, error: { status: 400, error, field: 'body' } };
    }
    // A file where a text field belongs is not a string: parseMessageFields refuses it, naming the field.
    const field: unknown = typeof value === 'string' ? value : { file: value.name };
    const previous = fields[name];
    fields[name] = previous === undefined ? field : Array.isArray(previous) ? [...previous, field] : [previous, field];
  }
  return parseMessageFields(fields);
}

function declaredTooBig(c: Context): ParseResult<never> | undefined {
  const length = Number(header(c, 'content-length'));
  if (Number.isFinite(length) && length > WIRE_LIMITS.bodyBytes) {
    return { ok: false, error: { status: 413, error: `body over ${WIRE_LIMITS.bodyBytes} bytes`, field: 'body' } };
  }
  return undefined;
}

/**
 * Reads the body, stopping at the limit even when no Content-Length was sent (chunked). Past the limit the rest is
 * read and dropped (up to {@link DRAIN_LIMIT_BYTES}), so the client, still sending, gets its 413 instead of a reset
 * connection.
 */
async function readLimited(c: Context): Promise<ParseResult<Uint8Array>> {
  // With a Content-Length (already checked against the limit) the adapter reads the body directly: much cheaper
  // than building a web stream per request. Only chunked bodies take the stream path with its running count.
  if (header(c, 'content-length') !== undefined) {
    return { ok: true, value: new Uint8Array(await c.req.arrayBuffer()) };
  }
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
      await drain(reader, size);
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

/** How much of an oversized body is read and dropped before the hub gives up on it (the connection is then cut). */
const DRAIN_LIMIT_BYTES = 16 * WIRE_LIMITS.bodyBytes;

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let size = alreadyRead;
  try {
    while (size <= DRAIN_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to drain.
  }
}
