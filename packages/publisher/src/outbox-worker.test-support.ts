// Shared by the outbox worker's tests: a real store in a temporary folder, the fake server, a real publisher and the
// worker, all on one manual clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message, PostAbout } from '@janitor/protocol';
import { openStore, type Store } from '@janitor/store';
import {
  type FakeMastodon,
  type FakeMastodonOptions,
  type Flavour,
  type RecordedRequest,
  startFakeMastodon,
} from '@janitor/testkit';
import type { OutboxPayload } from './outbox-payload.ts';
import { createOutboxWorker, type OutboxPort, type OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.ts';
import { createPublisher, type PublisherOptions } from './publisher.ts';

export const STATUSES = '/api/v1/statuses';
/** Midday, on a 3-hour boundary: the fake's fixed rate-limit windows start here. */
export const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

const cleanups: (() => Promise<void> | void)[] = [];

/** Run from `afterEach`: closes what {@link setup} opened, newest first. */
export async function runCleanups(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}

/** A clock the test moves by hand. */
export function manualClock(start = T0) {
  let t = start;
  return {
    now: () => t,
    set(ms: number) {
      t = ms;
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface SetupOptions {
  flavour?: Flavour;
  fake?: Partial<FakeMastodonOptions>;
  publisher?: Partial<PublisherOptions>;
  worker?: Partial<OutboxWorkerOptions>;
  /** Wraps the store's outbox, e.g. to make one call fail. */
  port?: (outbox: OutboxPort) => OutboxPort;
}

export interface Setup {
  clock: ReturnType<typeof manualClock>;
  store: Store;
  /** The fake server; {@link Setup.restartFake} replaces it (same port). */
  fake: FakeMastodon;
  worker: OutboxWorker;
  /** Queues a message about `hostname` (in its group), about `about` when given. */
  enqueue(
    hostname: string,
    text: string,
    about?: PostAbout,
  ): { id: number; idempotencyKey: string; notBeforeMs: number };
  /** A second worker on the same store and server, as after a restart of the process. */
  newWorker(extra?: Partial<OutboxWorkerOptions>): OutboxWorker;
  /** Closes the server: connections are refused until {@link Setup.restartFake}. */
  stopFake(): Promise<void>;
  /** A fresh fake on the same port (the server is back). */
  restartFake(): Promise<FakeMastodon>;
}

/** A real store, the fake server (on the test's clock), a real publisher and the worker. */
export async function setup(options: SetupOptions = {}): Promise<Setup> {
  const { flavour = 'mastodon' } = options;
  const dir = mkdtempSync(join(tmpdir(), 'janitor-outbox-worker-'));
  const clock = manualClock();
  const store: Store = openStore({ path: join(dir, 'janitor.db'), now: clock.now });
  const fakeOptions: FakeMastodonOptions = { flavour, now: clock.now, ...options.fake };
  let fake = await startFakeMastodon(fakeOptions);
  let fakeOpen = true;
  const port = Number(new URL(fake.url).port);
  const publisher = createPublisher({
    url: fake.url,
    accessToken: 'test-token',
    instanceType: flavour,
    hostname: 'this-host',
    timeoutMs: 5000,
    ...options.publisher,
  });
  const workers: OutboxWorker[] = [];
  const newWorker = (extra: Partial<OutboxWorkerOptions> = {}) => {
    const worker = createOutboxWorker({
      outbox: options.port ? options.port(store.outbox) : store.outbox,
      publisher,
      now: clock.now,
      random: () => 0.25,
      state: store.kv,
      ...options.worker,
      ...extra,
    });
    workers.push(worker);
    return worker;
  };
  const worker = newWorker();
  cleanups.push(async () => {
    for (const w of workers) await withDeadline(w.stop(), 5000, 'worker.stop() in cleanup');
    store.close();
    if (fakeOpen) await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const setupResult: Setup = {
    clock,
    store,
    fake,
    worker,
    enqueue: (hostname, text, about) =>
      store.outbox.enqueue({
        payload: messagePayload(hostname, text),
        groupKey: hostname,
        ...(about ? { about } : {}),
      }),
    newWorker,
    async stopFake() {
      fakeOpen = false;
      await fake.close();
    },
    async restartFake() {
      fake = await startFakeMastodon({ ...fakeOptions, port });
      fakeOpen = true;
      setupResult.fake = fake;
      return fake;
    },
  };
  return setupResult;
}

export function messagePayload(hostname: string, text: string): OutboxPayload {
  const message: Message = { type: 'info', hostname, text };
  return { kind: 'message', message };
}

/** The status posts the fake received, in order. */
export const posts = (fake: FakeMastodon): RecordedRequest[] =>
  fake.requests.filter((r) => r.method === 'POST' && r.path === STATUSES);

export const postOnly = { path: STATUSES, method: 'POST' } as const;

export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once `probe` is true, checking every 5 ms; rejects after the deadline. */
export async function until(probe: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
