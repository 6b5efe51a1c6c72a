import { hostname as osHostname } from 'node:os';
import { type PingKind, pingPath } from './check-ping.ts';
import { type ChecksView, parseChecksView } from './check-view.ts';
import { type FleetView, type HostDetailView, parseFleetView, parseHostDetailView } from './fleet-view.ts';
import { type AlertLogPage, type MessageLogPage, parseAlertLogPage, parseMessageLogPage } from './log-entry.ts';
import { parseMessageFields } from './message-fields.ts';
import type { MessageType } from './message-type.ts';
import { parseReport } from './report.ts';
import { REPORT_VERSION, type ReportV2, type Sample } from './sample.ts';
import { parseSeriesView, type SeriesRequest, type SeriesView } from './series-view.ts';
import type { SilenceOrder } from './silence-request.ts';
import { parseSilenceView, type SilenceView } from './silence-view.ts';
import type { ParseResult, WireError } from './wire-error.ts';
import { isRecord } from './wire-text.ts';

/** Options of {@link createJanitorClient}. */
export interface JanitorClientOptions {
  /** The hub's base URL, e.g. `http://hub.lan:5000`; `/message`, `/sysinfo` and `/silences` are appended. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when given. */
  token?: string;
  /** Who the messages are about. @default os.hostname() */
  hostname?: string;
  /** The fetch to use (tests, proxies). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Deadline of each request, response body included. @default 5000 */
  timeoutMs?: number;
}

/** A message as a script writes it; `type` defaults to `none`, `hostname` to the client's. */
export interface ClientMessage {
  text: string;
  summary?: string;
  type?: MessageType;
  hostname?: string;
  /** A thread key: the hub posts the messages of one key within its window as one thread. */
  thread?: string;
}

/** What the hub answered a message with: the durable outbox entry it queued the message as. */
export interface SendReceipt {
  /**
   * The outbox id (`{ "status": "queued", "id": 42 }`); `undefined` when the hub's 2xx answer named none or could not
   * be read: the message was taken all the same, and must not be sent again.
   */
  id: number | undefined;
}

/**
 * Talks to a Janitor hub: messages for scripts, reports for agents, silences for their owner, the read API for the
 * command line. Every method resolves once the hub took the request, and throws a {@link JanitorClientError} otherwise.
 */
export interface JanitorClient {
  /** Posts a message to `POST /message`; resolves with the outbox id the hub queued it as. */
  send(message: ClientMessage): Promise<SendReceipt>;
  /** A plain message (type `none`: no icon). */
  log(text: string, summary?: string): Promise<SendReceipt>;
  info(text: string, summary?: string): Promise<SendReceipt>;
  warning(text: string, summary?: string): Promise<SendReceipt>;
  error(text: string, summary?: string): Promise<SendReceipt>;
  alarm(text: string, summary?: string): Promise<SendReceipt>;
  /** Posts a v2 report `{ version: 2, sample }` to `POST /sysinfo`. */
  report(sample: Sample): Promise<void>;
  /**
   * Starts a silence (`POST /silences`) and resolves with it as the hub stored it. The order is not checked locally:
   * the hub knows which rules it has, and refuses a bad one with a 400 naming the field.
   */
  silence(order: SilenceOrder): Promise<SilenceView>;
  /** The silences running now (`GET /silences`), those the token may see. */
  silences(): Promise<SilenceView[]>;
  /** Ends a silence now (`DELETE /silences/:id`) and resolves with it; one that is not running is a 404 on `id`. */
  unsilence(id: number): Promise<SilenceView>;
  /**
   * Forgets a decommissioned host (`DELETE /api/v1/hosts/{hostname}`, scope `admin`): its alerts, its silence watch
   * and its history. A host the hub does not know is a 404.
   */
  forgetHost(hostname: string): Promise<void>;
  /** A page of the alert log (`GET /api/v1/alerts`), newest first; its `next` is the `cursor` of the next page. */
  alertLog(request?: AlertLogRequest): Promise<AlertLogPage>;
  /** A page of the message log (`GET /api/v1/messages`), newest first; its `next` is the `cursor` of the next page. */
  messageLog(request?: LogRequest): Promise<MessageLogPage>;
  /**
   * The fleet (`GET /api/v1/hosts`, scope `read`), checked with `parseFleetView`: every host with its state, last
   * report, newest values and firing alerts. `problems: true` keeps the hosts not `up` or with firing alerts.
   */
  fleet(options?: { problems?: boolean }): Promise<FleetView>;
  /** One host (`GET /api/v1/hosts/{hostname}`) with its series keys and limits; a host it does not know is a 404. */
  host(hostname: string): Promise<HostDetailView>;
  /**
   * Series of a host over a range (`GET /api/v1/hosts/{hostname}/series`), checked with `parseSeriesView`. A host it
   * does not know is a 404 on `hostname`; a bad range a 400 on `from` or `to`, a series the host never had one on
   * `metrics`.
   */
  series(hostname: string, request: SeriesRequest): Promise<SeriesView>;
  /**
   * A job check-in (`POST /ping/{slug}`, `/start`, `/fail` or `/{exit-status}`) with an optional body, the run's
   * output (the hub keeps its last 10 KB). An unknown slug is a 404 on `slug` (unless the hub creates checks on their
   * first ping); a slug or exit status no hub takes is refused locally, naming `slug` or `exit-status`.
   */
  ping(slug: string, kind?: PingKind, body?: string): Promise<void>;
  /** The job check-ins (`GET /api/v1/checks`, scope `read`), checked with `parseChecksView`. */
  checks(): Promise<ChecksView>;
}

/** Which rows of a log to read: the parameters of `GET /api/v1/messages`, checked by the hub. */
export interface LogRequest {
  host?: string;
  /** Rows since: epoch ms, or a text the hub reads (`-7d`, `2026-12-01T09:00:00Z`). */
  from?: number | string;
  /** @default 50 (the hub's), at most 500 */
  limit?: number;
  /** The `next` of the previous page. */
  cursor?: string;
}

/** The parameters of `GET /api/v1/alerts`. */
export interface AlertLogRequest extends LogRequest {
  /** `firing`: open incidents; `resolved`: ended ones. @default every row */
  state?: 'firing' | 'resolved';
}

/** Details of a {@link JanitorClientError}. */
export interface JanitorClientErrorOptions {
  /** Whether trying again later may succeed: network failures, timeouts, 408, 429 and 5xx. */
  retryable: boolean;
  /** The hub's HTTP status, when it answered. */
  status?: number;
  /** The field the hub (or the local check) named in its error. */
  field?: string;
  cause?: unknown;
}

/**
 * A request the hub did not take: refused locally, refused by the hub, never delivered, or answered with something
 * that is not what the hub answers.
 */
export class JanitorClientError extends Error {
  override name = 'JanitorClientError';
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly field: string | undefined;

  constructor(message: string, options: JanitorClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
    this.status = options.status;
    this.field = options.field;
  }
}

function invalid(what: string, error: WireError): JanitorClientError {
  const where = error.field === undefined ? '' : ` (field ${error.field})`;
  const options: JanitorClientErrorOptions = { retryable: false };
  if (error.field !== undefined) options.field = error.field;
  return new JanitorClientError(`invalid ${what}: ${error.error}${where}`, options);
}

/** The hub's `{ error, field }` body, when the response carries one. */
function readErrorBody(text: string): { error?: string; field?: string } {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null) return {};
    const { error, field } = body as Record<string, unknown>;
    return {
      // A proxy's error page is not worth repeating in full.
      ...(typeof error === 'string' ? { error: error.slice(0, 500) } : {}),
      ...(typeof field === 'string' ? { field } : {}),
    };
  } catch {
    return {};
  }
}

/** `fetch failed (ECONNREFUSED)`: undici hides the useful part in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

type Method = 'GET' | 'POST' | 'DELETE';

/** A 2xx answer: its JSON body, `undefined` when it could not be read or is not JSON. */
interface Answer {
  method: Method;
  endpoint: string;
  status: number;
  body: unknown;
}

/** A 2xx answer that is not what the hub answers: taking it again will not help. */
function unexpected(answer: Answer, error: WireError): JanitorClientError {
  const where = error.field === undefined ? '' : ` (field ${error.field})`;
  return new JanitorClientError(
    `${answer.method} ${answer.endpoint}: ${answer.status} unexpected answer: ${error.error}${where}`,
    { retryable: false, status: answer.status },
  );
}

/** The `silence` of a `{ status, silence }` answer. */
function silenceOf(answer: Answer): SilenceView {
  const view = parseSilenceView(isRecord(answer.body) ? answer.body.silence : undefined);
  if (!view.ok) throw unexpected(answer, view.error);
  return view.value;
}

/** The `silences` of a `{ silences: [...] }` answer. */
function silencesOf(answer: Answer): SilenceView[] {
  const list = isRecord(answer.body) ? answer.body.silences : undefined;
  if (!Array.isArray(list)) throw unexpected(answer, { status: 400, error: 'expected a list', field: 'silences' });
  return list.map((item: unknown, index) => {
    const view = parseSilenceView(item);
    if (view.ok) return view.value;
    const field = `silences[${index}]${view.error.field?.slice('silence'.length) ?? ''}`;
    throw unexpected(answer, { ...view.error, field });
  });
}

/** `?a=1&b=2` of the parameters given, or nothing. */
function queryOf(request: AlertLogRequest): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(request)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The answer's body checked with `parse`, or an unexpected answer. */
function viewOf<T>(answer: Answer, parse: (body: unknown) => ParseResult<T>): T {
  const view = parse(answer.body);
  if (!view.ok) throw unexpected(answer, view.error);
  return view.value;
}

/** The path of a host under `/api/v1/hosts/`, or a local refusal for a name no hub has. */
function hostPath(hostname: string): string {
  if (typeof hostname !== 'string' || hostname === '' || hostname === '.' || hostname === '..') {
    throw invalid('hostname', {
      status: 400,
      error: `expected a hostname, got ${JSON.stringify(hostname)}`,
      field: 'hostname',
    });
  }
  return `/api/v1/hosts/${encodeURIComponent(hostname)}`;
}

/** The query of a series request: `?metrics=a,b&from=…&to=…&points=…`. */
function seriesQuery(request: SeriesRequest): string {
  const query = new URLSearchParams({ metrics: request.metrics.join(',') });
  if (request.from !== undefined) query.set('from', String(request.from));
  if (request.to !== undefined) query.set('to', String(request.to));
  if (request.points !== undefined) query.set('points', String(request.points));
  return query.toString();
}

/**
 * Creates a client for a Janitor hub: the Node equivalent of the original's Python client, plus the hub's silences.
 * Messages and reports are checked locally with the hub's own validators first (a bad one throws without a request),
 * then POSTed as JSON; silence orders are the hub's to judge. Each call resolves on a 2xx answer and otherwise throws a
 * {@link JanitorClientError} saying whether a retry can help; the caller owns any retry.
 *
 * @example
 * import { createJanitorClient } from '@janitor/protocol';
 * const janitor = createJanitorClient({ url: 'http://hub.lan:5000', token: process.env.JANITOR_HUB_TOKEN });
 * const { id } = await janitor.warning('3 files were skipped', 'Backup finished with warnings');
 * const silence = await janitor.silence({ host: 'pi1', for: '2h', reason: 'moving it to the attic' });
 */
export function createJanitorClient(options: JanitorClientOptions): JanitorClient {
  const { token, hostname = osHostname(), fetch: fetchImpl = globalThis.fetch, timeoutMs = 5000 } = options;
  let base: URL;
  try {
    base = new URL(options.url);
  } catch (cause) {
    throw new JanitorClientError(`invalid hub url: ${JSON.stringify(options.url)}`, { retryable: false, cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new JanitorClientError(`invalid hub url: ${base.protocol} is not http: or https:`, { retryable: false });
  }
  const root = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;

  /** `payload` goes as JSON, or as it is when it is a {@link PlainText}. */
  async function call(method: Method, path: string, payload?: unknown): Promise<Answer> {
    const endpoint = `${root}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const plain = payload instanceof PlainText;
    if (payload !== undefined) headers['content-type'] = plain ? 'text/plain; charset=utf-8' : 'application/json';
    if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
    const signal = AbortSignal.timeout(timeoutMs);
    const failure = (cause: unknown) => {
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `network error: ${describe(cause)}`;
      return new JanitorClientError(`${method} ${endpoint} ${reason}`, { retryable: true, cause });
    };
    let response: Response;
    try {
      response = await fetchImpl(endpoint, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: plain ? payload.text : JSON.stringify(payload) }),
        signal,
      });
    } catch (cause) {
      throw failure(cause);
    }
    let text: string | undefined;
    try {
      text = await response.text();
    } catch (cause) {
      // After a 2xx the hub has taken it: failing to read its short reply must not make the caller send it again.
      if (!response.ok) throw failure(cause);
    }
    if (response.ok) return { method, endpoint, status: response.status, body: parseJson(text) };
    const body = readErrorBody(text ?? '');
    const where = body.field === undefined ? '' : ` (field ${body.field})`;
    const errorOptions: JanitorClientErrorOptions = {
      retryable: isRetryableStatus(response.status),
      status: response.status,
    };
    if (body.field !== undefined) errorOptions.field = body.field;
    throw new JanitorClientError(
      `${method} ${endpoint}: ${response.status} ${body.error ?? response.statusText}${where}`,
      errorOptions,
    );
  }

  async function send(message: ClientMessage): Promise<SendReceipt> {
    const parsed = parseMessageFields({
      hostname: message.hostname ?? hostname,
      message: message.text,
      summary: message.summary,
      message_type: message.type,
      thread: message.thread,
    });
    if (!parsed.ok) throw invalid('message', parsed.error);
    const { value } = parsed;
    const answer = await call('POST', '/message', {
      hostname: value.hostname,
      message: value.text,
      ...(value.summary === undefined ? {} : { summary: value.summary }),
      message_type: value.type,
      ...(value.thread === undefined ? {} : { thread: value.thread }),
    });
    const id = isRecord(answer.body) ? answer.body.id : undefined;
    return { id: typeof id === 'number' ? id : undefined };
  }

  const typed = (type: MessageType) => (text: string, summary?: string) =>
    send(summary === undefined ? { text, type } : { text, summary, type });

  return {
    send,
    log: typed('none'),
    info: typed('info'),
    warning: typed('warning'),
    error: typed('error'),
    alarm: typed('alarm'),
    async report(sample) {
      const parsed = parseReport({ version: REPORT_VERSION, sample });
      if (!parsed.ok) throw invalid('report', parsed.error);
      if (parsed.value.kind !== 'v2') throw new JanitorClientError('invalid report', { retryable: false });
      const body: ReportV2 = { version: REPORT_VERSION, sample: parsed.value.sample };
      await call('POST', '/sysinfo', body);
    },
    async silence(order) {
      return silenceOf(
        await call('POST', '/silences', {
          host: order.host,
          ...(order.rule === undefined ? {} : { rule: order.rule }),
          for: order.for,
          ...(order.reason === undefined ? {} : { reason: order.reason }),
        }),
      );
    },
    async silences() {
      return silencesOf(await call('GET', '/silences'));
    },
    async unsilence(id) {
      if (!Number.isSafeInteger(id) || id <= 0) {
        throw invalid('silence id', { status: 400, error: `expected a positive integer, got ${id}`, field: 'id' });
      }
      return silenceOf(await call('DELETE', `/silences/${id}`));
    },
    async forgetHost(hostname) {
      if (typeof hostname !== 'string' || hostname.trim() === '') {
        throw invalid('hostname', { status: 400, error: 'expected a hostname', field: 'hostname' });
      }
      await call('DELETE', `/api/v1/hosts/${encodeURIComponent(hostname.trim())}`);
    },
    async alertLog(request = {}) {
      const answer = await call('GET', `/api/v1/alerts${queryOf(request)}`);
      const page = parseAlertLogPage(answer.body);
      if (!page.ok) throw unexpected(answer, page.error);
      return page.value;
    },
    async messageLog(request = {}) {
      const answer = await call('GET', `/api/v1/messages${queryOf(request)}`);
      const page = parseMessageLogPage(answer.body);
      if (!page.ok) throw unexpected(answer, page.error);
      return page.value;
    },
    async fleet(fleetOptions = {}) {
      return viewOf(await call('GET', `/api/v1/hosts${fleetOptions.problems ? '?problems=1' : ''}`), parseFleetView);
    },
    async host(name) {
      return viewOf(await call('GET', hostPath(name)), parseHostDetailView);
    },
    async series(name, request) {
      const path = `${hostPath(name)}/series?${seriesQuery(request)}`;
      return viewOf(await call('GET', path), parseSeriesView);
    },
    async ping(slug, kind = 'success', body) {
      const path = pingPath(slug, kind);
      if (!path.ok) throw invalid('ping', path.error);
      await call('POST', path.value, body === undefined ? undefined : new PlainText(body));
    },
    async checks() {
      return viewOf(await call('GET', '/api/v1/checks'), parseChecksView);
    },
  };
}

/** A request body sent as it is (`text/plain`), not as JSON. */
class PlainText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** A 2xx answer's JSON body; `undefined` when there is none or it is not JSON. */
function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
