// Open-loop paced HTTP load, the way a fleet loads a hub: each agent reports on its own clock, so requests arrive
// evenly spread over time and do not wait for the hub's earlier answers. Used by hub-scale (see why autocannon is not
// used there). Not a benchmark itself: run on its own, it does nothing.
import { Agent, type ClientRequest, request } from 'node:http';

/** What {@link pacedLoad} sends. */
export interface PacedLoadOptions {
  /** Where to POST, e.g. `http://127.0.0.1:PORT/sysinfo`. */
  url: string;
  /** Requests per second: request n is due `n / rate` seconds after the start. */
  rate: number;
  /** How long requests are issued: `ceil(rate * seconds)` requests in all. */
  seconds: number;
  /** The body of request n (0-based, called when it is issued), sent as `application/json`. */
  body: (n: number) => string;
  /** Sockets of the keep-alive agent; a request issued while all are busy waits in the agent's queue. @default 64 */
  connections?: number;
  /** A request not answered this long after it was issued is aborted and counted as a timeout. @default 10 000 */
  timeoutMs?: number;
}

/** Exact percentiles (nearest rank over all samples), in ms with 2 decimals; NaN when there is no sample. */
export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** What {@link pacedLoad} measured. */
export interface PacedLoadResult {
  /** Requests issued. */
  sent: number;
  /** Responses received, whatever their status. */
  answered: number;
  /** Responses with a status outside 200-299 (counted in `answered` too). */
  non2xx: number;
  /** Requests that failed without a response, timeouts aside. */
  errors: number;
  timeouts: number;
  /** The first error's message, if any. */
  firstError?: string;
  /** Due time → end of the response, answered requests only: the headline (no coordinated omission). */
  latency: Percentiles;
  /** Socket assigned (the request leaves the agent's queue) → end of the response, answered requests only. */
  service: Percentiles;
  /** First due time → last request settled (answered, failed or timed out), in s. */
  durationS: number;
  /** The rate at which the generator actually issued requests (first issue → last issue), per s. */
  sendRate: number;
  /** How late the generator issued requests behind their due times, in ms: when large, the client was the limit. */
  lag: { p50: number; p99: number; max: number };
}

const round2 = (ms: number) => Math.round(ms * 100) / 100;

/** Nearest-rank percentile of an ascending array. */
function rank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return round2(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!);
}

function percentiles(values: Float64Array): Percentiles {
  const sorted = values.sort();
  return { p50: rank(sorted, 50), p99: rank(sorted, 99), p999: rank(sorted, 99.9), max: rank(sorted, 100) };
}

/**
 * POSTs `body(n)` to `url`, request n due at `t0 + n / rate` (evenly spaced, open loop: whatever happened to the
 * earlier ones). A timer loop, waking about every millisecond (or sleeping until the next due time), issues every
 * request that is due over one keep-alive `http.Agent` with `maxSockets = connections`. Latency counts from the DUE
 * time, so time spent queued behind a slow server, or behind a late generator, is in it, one sample per request
 * (unlike autocannon, which bursts each second's quota and pads slow answers with synthetic samples). Resolves when
 * every request has settled.
 */
export function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const { rate, seconds, body, connections = 64, timeoutMs = 10_000 } = options;
  if (!(rate > 0) || !(seconds >= 0)) throw new RangeError(`pacedLoad: rate ${rate}/s for ${seconds} s`);
  const total = Math.ceil(rate * seconds);
  const target = new URL(options.url);
  const path = `${target.pathname}${target.search}`;
  // FIFO: every open socket is used in turn, so none sits idle long enough for the server's keep-alive timeout to
  // close it just as a request is written to it (LIFO, the default, leaves the sockets opened in a burst idle).
  const agent = new Agent({ keepAlive: true, maxSockets: connections, scheduling: 'fifo' });
  const latency = new Float64Array(total);
  const service = new Float64Array(total);
  const lag = new Float64Array(total);
  const issuedAt = new Float64Array(total);
  const settled = new Uint8Array(total);
  /** Requests in flight by number (undefined once settled), for the timeout sweep. */
  const inFlight: (ClientRequest | undefined)[] = new Array(total);
  let issued = 0;
  let done = 0;
  let answered = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let firstError: string | undefined;
  let lastSettled = 0;
  const t0 = performance.now();
  const dueAt = (n: number) => t0 + (n * 1000) / rate;

  return new Promise((resolve) => {
    if (total === 0) {
      agent.destroy();
      resolve(summary());
      return;
    }
    // Issue order is number order and the timeout is the same for all: the oldest unsettled request expires first.
    let oldest = 0;
    const sweep = setInterval(() => {
      const now = performance.now();
      while (oldest < issued && (settled[oldest] === 1 || issuedAt[oldest]! + timeoutMs <= now)) {
        const req = inFlight[oldest];
        if (settled[oldest] === 0 && req) {
          settle(oldest, 'timeout');
          req.destroy(new Error(`no answer within ${timeoutMs} ms`));
        }
        oldest++;
      }
    }, 100);

    function settle(n: number, outcome: 'answered' | 'error' | 'timeout', error?: Error): void {
      if (settled[n] === 1) return;
      settled[n] = 1;
      inFlight[n] = undefined;
      lastSettled = performance.now();
      if (outcome === 'timeout') timeouts++;
      else if (outcome === 'error') {
        errors++;
        firstError ??= error?.message;
      }
      if (++done === total) {
        clearInterval(sweep);
        agent.destroy();
        resolve(summary());
      }
    }

    function issue(n: number): void {
      const now = performance.now();
      issuedAt[n] = now;
      lag[n] = now - dueAt(n);
      const payload = body(n);
      const req = request({
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      inFlight[n] = req;
      let socketAt = Number.NaN;
      req.once('socket', () => {
        socketAt = performance.now();
      });
      req.once('response', (res) => {
        res.on('error', (err) => settle(n, 'error', err));
        res.once('end', () => {
          if (settled[n] === 1) return;
          const end = performance.now();
          latency[answered] = end - dueAt(n);
          service[answered] = end - socketAt;
          answered++;
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) non2xx++;
          settle(n, 'answered');
        });
        res.resume();
      });
      req.on('error', (err) => settle(n, 'error', err));
      req.end(payload);
    }

    function tick(): void {
      const due = Math.min(total, Math.floor(((performance.now() - t0) * rate) / 1000) + 1);
      while (issued < due) issue(issued++);
      if (issued < total) setTimeout(tick, Math.max(1, Math.floor(dueAt(issued) - performance.now())));
    }
    tick();
  });

  function summary(): PacedLoadResult {
    const lagSorted = lag.subarray(0, issued).sort();
    return {
      sent: issued,
      answered,
      non2xx,
      errors,
      timeouts,
      ...(firstError === undefined ? {} : { firstError }),
      latency: percentiles(latency.subarray(0, answered)),
      service: percentiles(service.subarray(0, answered)),
      durationS: round2((Math.max(lastSettled, t0) - t0) / 1000),
      sendRate: issued > 1 ? ((issued - 1) * 1000) / (issuedAt[issued - 1]! - issuedAt[0]!) : Number.NaN,
      lag: { p50: rank(lagSorted, 50), p99: rank(lagSorted, 99), max: rank(lagSorted, 100) },
    };
  }
}
