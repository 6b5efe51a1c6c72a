import { hostname as osHostname } from 'node:os';
import { parseMessageFields } from './message-fields.ts';
import type { MessageType } from './message-type.ts';
import { parseReport } from './report.ts';
import { REPORT_VERSION, type ReportV2, type Sample } from './sample.ts';
import type { WireError } from './wire-error.ts';

/** Options of {@link createJanitorClient}. */
export interface JanitorClientOptions {
  /** The hub's base URL, e.g. `http://hub.lan:5000`; `/message` and `/sysinfo` are appended. */
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
}

/** Talks to a Janitor hub: messages for scripts, reports for agents. Every method resolves once the hub took it. */
export interface JanitorClient {
  /** Posts a message to `POST /message`. */
  send(message: ClientMessage): Promise<void>;
  /** A plain message (type `none`: no icon). */
  log(text: string, summary?: string): Promise<void>;
  info(text: string, summary?: string): Promise<void>;
  warning(text: string, summary?: string): Promise<void>;
  error(text: string, summary?: string): Promise<void>;
  alarm(text: string, summary?: string): Promise<void>;
  /** Posts a v2 report `{ version: 2, sample }` to `POST /sysinfo`. */
  report(sample: Sample): Promise<void>;
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

/** A message or report the hub did not take: refused locally, refused by the hub, or never delivered. */
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

/**
 * Creates a client for a Janitor hub: the Node equivalent of the original's Python client. Messages and reports are
 * checked locally with the hub's own validators first (a bad one throws without a request), then POSTed as JSON.
 * Each call resolves on a 2xx answer and otherwise throws a {@link JanitorClientError} saying whether a retry can
 * help; the caller owns any retry.
 *
 * @example
 * import { createJanitorClient } from '@janitor/protocol';
 * const janitor = createJanitorClient({ url: 'http://hub.lan:5000', token: process.env.JANITOR_HUB_TOKEN });
 * await janitor.warning('3 files were skipped', 'Backup finished with warnings');
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

  async function post(path: string, payload: unknown): Promise<void> {
    const endpoint = `${root}${path}`;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`;
    const signal = AbortSignal.timeout(timeoutMs);
    const failure = (cause: unknown) => {
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `network error: ${describe(cause)}`;
      return new JanitorClientError(`POST ${endpoint} ${reason}`, { retryable: true, cause });
    };
    let response: Response;
    try {
      response = await fetchImpl(endpoint, { method: 'POST', headers, body: JSON.stringify(payload), signal });
    } catch (cause) {
      throw failure(cause);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      // After a 2xx the hub has taken it: failing to read its short reply must not make the caller send it again.
      if (response.ok) return;
      throw failure(cause);
    }
    if (response.ok) return;
    const body = readErrorBody(text);
    const where = body.field === undefined ? '' : ` (field ${body.field})`;
    const errorOptions: JanitorClientErrorOptions = {
      retryable: isRetryableStatus(response.status),
      status: response.status,
    };
    if (body.field !== undefined) errorOptions.field = body.field;
    throw new JanitorClientError(
      `POST ${endpoint}: ${response.status} ${body.error ?? response.statusText}${where}`,
      errorOptions,
    );
  }

  async function send(message: ClientMessage): Promise<void> {
    const parsed = parseMessageFields({
      hostname: message.hostname ?? hostname,
      message: message.text,
      summary: message.summary,
      message_type: message.type,
    });
    if (!parsed.ok) throw invalid('message', parsed.error);
    const { value } = parsed;
    await post('/message', {
      hostname: value.hostname,
      message: value.text,
      ...(value.summary === undefined ? {} : { summary: value.summary }),
      message_type: value.type,
    });
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
      await post('/sysinfo', body);
    },
  };
}
