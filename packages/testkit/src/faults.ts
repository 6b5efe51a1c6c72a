import type { FlavourProfile } from './flavour.ts';

/**
 * A failure the fake plays instead of (or around) its normal answer.
 *
 * All kinds except `delay` and `reset-after-commit` are played before the request reaches the API: the request has
 * no effect (no status is created). `delay` answers normally after the pause; `reset-after-commit` lets the request
 * take effect (the status IS created) and then destroys the socket instead of answering.
 */
export type Fault =
  /** An HTTP error answer: JSON `{"error": ...}` by default, `body` as JSON, or as text/plain when it is a string. */
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** 429 as the flavour sends it: Mastodon `X-RateLimit-*` with an ISO 8601 reset, GoToSocial unix seconds, Pleroma no headers. */
  | { kind: 'rate-limit'; resetAt: Date; limit?: number }
  /** An nginx-style HTML error page (content-type text/html), as a reverse proxy answers when the app is down. */
  | { kind: 'html'; status?: number }
  /** Answer normally after `ms` milliseconds (real time). */
  | { kind: 'delay'; ms: number }
  /** Accept the request and never answer, until the client gives up or the fake closes. */
  | { kind: 'stall' }
  /** Destroy the socket mid-response (a few header bytes, then nothing): the client sees a network error. */
  | { kind: 'reset' }
  /** Handle the request normally (it takes effect), then destroy the socket instead of answering. */
  | { kind: 'reset-after-commit' };

/** The kinds of Fault. */
export type FaultKind = Fault['kind'];

/** Which requests a fault applies to, and how many times. */
export interface FailNextOptions {
  /**
   * How many matching requests get the fault.
   * @default 1
   */
  times?: number;
  /** Only requests whose path (without query) equals this string or matches this RegExp. Default: any path. */
  path?: string | RegExp;
  /** Only requests with this method (case-insensitive). Default: any method. */
  method?: string;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  path: string | RegExp | undefined;
  method: string | undefined;
}

/** A FIFO of armed faults; the first one matching a request is consumed by it. */
export interface FaultQueue {
  add(fault: Fault, options?: FailNextOptions): void;
  take(method: string, path: string): Fault | null;
  clear(): void;
  readonly pending: number;
}

function validateFault(fault: Fault): void {
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 400 || fault.status > 599) {
        throw new RangeError(`fault status must be an HTTP error status (400-599), got ${fault.status}`);
      }
      return;
    case 'rate-limit':
      if (!(fault.resetAt instanceof Date) || Number.isNaN(fault.resetAt.getTime())) {
        throw new TypeError('rate-limit fault needs a valid resetAt Date');
      }
      return;
    case 'html':
      if (fault.status !== undefined && (fault.status < 400 || fault.status > 599)) {
        throw new RangeError(`html fault status must be 400-599, got ${fault.status}`);
      }
      return;
    case 'delay':
      if (!Number.isFinite(fault.ms) || fault.ms < 0) throw new RangeError(`delay must be >= 0 ms, got ${fault.ms}`);
      return;
    case 'stall':
    case 'reset':
    case 'reset-after-commit':
      return;
    default:
      throw new TypeError(`unknown fault kind ${JSON.stringify((fault as { kind: unknown }).kind)}`);
  }
}

/** Create an empty fault queue. */
export function createFaultQueue(): FaultQueue {
  let queue: QueuedFault[] = [];
  return {
    add(fault, options = {}) {
      validateFault(fault);
      const times = options.times ?? 1;
      if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
      queue.push({ fault, remaining: times, path: options.path, method: options.method?.toUpperCase() });
    },
    take(method, path) {
      const index = queue.findIndex(
        (entry) =>
          (entry.method === undefined || entry.method === method) &&
          (entry.path === undefined ||
            (typeof entry.path === 'string' ? entry.path === path : new RegExp(entry.path).test(path))),
      );
      if (index < 0) return null;
      const entry = queue[index] as QueuedFault;
      entry.remaining -= 1;
      if (entry.remaining === 0) queue.splice(index, 1);
      return entry.fault;
    },
    clear() {
      queue = [];
    },
    get pending() {
      return queue.reduce((sum, entry) => sum + entry.remaining, 0);
    },
  };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The standard reason phrase of a status code. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? 'Error';
}

/** An nginx error page, byte for byte the shape nginx serves (what masto cannot parse as JSON). */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** A prepared answer: status, headers, body bytes as a string. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The answer a `status` fault plays: the flavour's usual JSON error body unless the test gave one. */
export function statusFaultReply(fault: Extract<Fault, { kind: 'status' }>, profile: FlavourProfile): RawReply {
  const extra = Object.fromEntries(Object.entries(fault.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  if (typeof fault.body === 'string') {
    return {
      status: fault.status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...extra },
      body: fault.body,
    };
  }
  let body: unknown = fault.body;
  if (body === undefined) {
    if (fault.status === 401) body = profile.errors.tokenInvalid.body;
    else if (fault.status === 404) body = profile.errors.notFound.body;
    else if (fault.status === 429) body = profile.errors.rateLimited.body;
    else if (fault.status === 422 && profile.flavour === 'mastodon') body = { error: 'Validation failed' };
    else body = { error: reasonPhrase(fault.status) };
  }
  return {
    status: fault.status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...extra },
    body: JSON.stringify(body),
  };
}

/** The 429 a `rate-limit` fault plays, with the flavour's headers. */
export function rateLimitFaultReply(fault: Extract<Fault, { kind: 'rate-limit' }>, profile: FlavourProfile): RawReply {
  return {
    status: 429,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      ...rateLimitHeaders(profile, fault.limit ?? 300, 0, fault.resetAt.getTime()),
    },
    body: JSON.stringify(profile.errors.rateLimited.body),
  };
}

/** The rate-limit headers of a flavour (none for Pleroma/Akkoma). */
export function rateLimitHeaders(
  profile: FlavourProfile,
  limit: number,
  remaining: number,
  resetAtMs: number,
): Record<string, string> {
  switch (profile.rateLimitHeaders) {
    case 'none':
      return {};
    case 'iso':
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': new Date(resetAtMs).toISOString(),
      };
    case 'unix':
      return {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(Math.ceil(resetAtMs / 1000)),
      };
  }
}
