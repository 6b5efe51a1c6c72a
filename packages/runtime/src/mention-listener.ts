// The bot's ears: the account's notifications, through the streaming API with a polling catch-up, each mention turned
// into an answer queued in the outbox. The stream only wakes the catch-up: every notification is read from the REST
// API after the cursor, in order, so a burst, a reconnect or a restart neither skips nor repeats one.
import type { AckRequest, AckOutcome as EngineAckOutcome, SilenceRequest } from '@janitor/alerting';
import {
  type AckOutcome,
  answerCommand,
  type BotAnswer,
  type BotContext,
  type BotSettings,
  commandRights,
  parseCommand,
  refusalAnswer,
  replyVisibility,
} from '@janitor/bot';
import { type FleetView, type HostDetailView, type Logger, type PostAbout, silentLogger } from '@janitor/protocol';
import { type AnswerPost, AuthError, compareIds, type Visibility } from '@janitor/publisher';
import type { KeyValue, NotificationEntry, Silence } from '@janitor/store';
import type { Component } from './components.ts';
import { silenceView } from './silence-view.ts';

/** A notification as the publisher reads it (@janitor/publisher's `IncomingNotification`). */
export interface MentionNotification {
  id: string;
  type: 'mention' | 'favourite';
  createdAt: string;
  account: { id: string; acct: string; url: string };
  status: {
    id: string;
    visibility: Visibility;
    content: string;
    inReplyToId: string | null;
    mentions: readonly { id: string; acct: string; url: string }[];
  };
}

/** Where notifications come from (@janitor/publisher's Publisher fits). */
export interface MentionSource {
  notificationsSince(sinceId: string | undefined, options?: { signal?: AbortSignal }): Promise<MentionNotification[]>;
  streamNotifications(handlers: {
    onNotification(notification: MentionNotification): void;
    onClose(error?: Error): void;
  }): Promise<{ close(): void }>;
  whoAmI(): Promise<{ acct: string; domain: string }>;
}

/** What the listener reads and changes (the hub's store, engine and read model fit). */
export interface MentionListenerDeps {
  source: MentionSource;
  settings: BotSettings;
  store: {
    transaction<T>(fn: () => T): T;
    kv: Pick<KeyValue, 'get' | 'set'>;
    outbox: { enqueueMany(inputs: readonly { payload: AnswerPost; about: PostAbout }[]): readonly { id: number }[] };
    notifications: { about(statusId: string): NotificationEntry | undefined };
  };
  alerts: {
    acknowledge(request: AckRequest): Promise<EngineAckOutcome>;
    silence(request: SilenceRequest): Silence;
    silences(): Silence[];
    unsilence(id: number): Silence | undefined;
  };
  read: {
    fleet(): FleetView;
    host(hostname: string): { ok: true; body: HostDetailView } | { ok: false };
  };
  /** Whether answers may carry a chart (`status_post.charts`). @default true */
  charts?: boolean;
  /** The server's status length limit. */
  maxChars?: () => Promise<number>;
  /** Called after an answer was queued (wakes the outbox worker). */
  onQueued?: () => void;
  logger?: Logger;
  now?: () => number;
  /** The time zone of times in answers. @default 'UTC' */
  timeZone?: string;
  /** Longest wait before a stream that dropped is opened again. @default 60000 */
  maxReconnectMs?: number;
  /** A catch-up this often even while streaming (a notification the stream missed). @default bot.poll_interval */
  safetyPollMs?: number;
  /** After the stream could not be opened (not a refused token), how long before trying again. @default 600000 */
  streamRetryMs?: number;
}

/** The listener: a component, and one catch-up pass on demand (tests, a poll). */
export interface MentionListener extends Component {
  /** Reads and answers every notification after the cursor, in order. Resolves when done. */
  catchUp(): Promise<number>;
}

/** Where the cursor (the last notification handled) is kept. */
export const MENTION_CURSOR_KEY = 'bot.notifications_cursor';

/** On the first start (no cursor yet), mentions older than this are not answered: the bot was not there. */
export const FIRST_START_WINDOW_MS = 10 * 60_000;

/**
 * Listens to the account's notifications and answers the mentions the bot settings allow. Each notification is handled
 * once: the answer is queued and the cursor moved in one transaction, and the outbox posts it with its own idempotency
 * key. A favourite of an alert post by an allowed account acknowledges the incident.
 *
 * @example
 * const listener = createMentionListener({ source: publisher, settings: config.bot, store, alerts, read });
 * await startComponents([listener]);
 */
export function createMentionListener(deps: MentionListenerDeps): MentionListener {
  const { source, settings, store, alerts, read, logger = silentLogger, now = Date.now } = deps;
  const { maxReconnectMs = 60_000, timeZone = 'UTC', charts = true } = deps;
  // Mastodon does not stream the private mentions it filters: they come by polling, even while streaming.
  const { safetyPollMs = settings.pollIntervalMs, streamRetryMs = 600_000 } = deps;
  let me: { acct: string; domain: string } | undefined;
  let maxChars: number | undefined;
  let stopped = true;
  let stream: { close(): void } | undefined;
  let wake: (() => void) | undefined;
  let pass: Promise<number> | undefined;
  let again = false;
  let loop: Promise<void> | undefined;
  const abort = new AbortController();

  const fullAcct = (acct: string) => (acct.includes('@') ? acct.toLowerCase() : `${acct}@${me!.domain}`.toLowerCase());

  async function handle(n: MentionNotification): Promise<void> {
    const asker = fullAcct(n.account.acct);
    if (n.type === 'favourite') {
      // A favourite of an alert post by someone who may command: the incident is acknowledged (the engine posts it).
      if (commandRights(asker, settings, me!.domain, { verb: 'ack' }) !== 'allowed') return;
      const about = store.notifications.about(n.status.id)?.about;
      if (about?.kind !== 'alert') return;
      await alerts.acknowledge({
        hostname: about.host,
        key: about.key,
        incidentStartMs: about.incidentStartMs,
        by: asker,
      });
      return;
    }
    const command = parseCommand(n.status.content);
    const right = commandRights(asker, settings, me!.domain, command);
    if (right === 'ignored') return;
    let answer: BotAnswer;
    if (right === 'refused') answer = refusalAnswer(settings);
    else {
      try {
        answer = await answerCommand(command, context(n, asker));
      } catch (error) {
        logger.warn('a command failed', { from: asker, error: error instanceof Error ? error.message : String(error) });
        answer = { text: 'Sorry, that failed on my side; the hub’s log says why.' };
      }
    }
    queue(n, asker, answer);
  }

  function context(n: MentionNotification, asker: string): BotContext {
    return {
      fleet: () => read.fleet(),
      host: (name) => {
        const found = read.host(name);
        return found.ok ? found.body : undefined;
      },
      silences: {
        list: () => alerts.silences().map(silenceView),
        add: (s) =>
          silenceView(
            alerts.silence({
              hostname: s.host,
              ...(s.rule ? { key: s.rule } : {}),
              forMs: Math.max(1, s.untilMs - now()),
              reason: s.reason ? `${s.reason} (${s.by})` : `by ${s.by}`,
            }),
          ),
        remove: (target) => {
          const ended: Silence[] = [];
          for (const silence of alerts.silences()) {
            const match =
              'id' in target ? silence.id === target.id : target.host === '*' || silence.hostname === target.host;
            if (!match) continue;
            const removed = alerts.unsilence(silence.id);
            if (removed) ended.push(removed);
          }
          return ended.map(silenceView);
        },
      },
      ack: () => ackOf(n, asker),
      now,
      timeZone,
      asker,
      ...(maxChars === undefined ? {} : { maxChars }),
    };
  }

  async function ackOf(n: MentionNotification, asker: string): Promise<AckOutcome> {
    const about = n.status.inReplyToId ? store.notifications.about(n.status.inReplyToId)?.about : undefined;
    if (about?.kind !== 'alert') return { acknowledged: false, reason: 'not-an-alert' };
    const incident = `${about.key} on ${about.host}`;
    const outcome = await alerts.acknowledge({
      hostname: about.host,
      key: about.key,
      incidentStartMs: about.incidentStartMs,
      by: asker,
    });
    if (outcome.acknowledged) return { acknowledged: true, incident: `${outcome.label} on ${about.host}` };
    if (outcome.reason === 'already') {
      return { acknowledged: false, reason: 'already', incident, ...(outcome.by ? { by: outcome.by } : {}) };
    }
    return { acknowledged: false, reason: 'resolved', incident };
  }

  function queue(n: MentionNotification, asker: string, answer: BotAnswer): void {
    const payload: AnswerPost = {
      kind: 'answer',
      answer: {
        text: answer.text,
        mention: asker,
        inReplyToId: n.status.id,
        visibility: replyVisibility(n.status.visibility),
        ...(answer.chart && charts ? { chart: answer.chart } : {}),
      },
    };
    store.transaction(() => {
      store.outbox.enqueueMany([{ payload, about: { kind: 'report' } }]);
      store.kv.set(MENTION_CURSOR_KEY, n.id);
    });
    deps.onQueued?.();
  }

  /** One pass: every notification after the cursor, oldest first. */
  async function runPass(): Promise<number> {
    me ??= await source.whoAmI();
    if (maxChars === undefined && deps.maxChars) maxChars = await deps.maxChars().catch(() => undefined);
    const cursor = store.kv.get<string>(MENTION_CURSOR_KEY);
    const found = await source.notificationsSince(cursor, { signal: abort.signal });
    const fresh = found
      .filter((n) => cursor === undefined || compareIds(n.id, cursor) > 0)
      .sort((a, b) => compareIds(a.id, b.id));
    for (const n of fresh) {
      if (stopped && loop !== undefined) break;
      if (cursor === undefined && Date.parse(n.createdAt) < now() - FIRST_START_WINDOW_MS) {
        // The first start: what was said before the bot listened is history, not a question for it.
        store.kv.set(MENTION_CURSOR_KEY, n.id);
        continue;
      }
      await handle(n);
      // handle() queued an answer with the cursor, or there was nothing to answer: move the cursor on.
      if (compareIds(n.id, store.kv.get<string>(MENTION_CURSOR_KEY) ?? '') > 0) store.kv.set(MENTION_CURSOR_KEY, n.id);
    }
    return fresh.length;
  }

  function catchUp(): Promise<number> {
    if (pass) {
      again = true;
      return pass;
    }
    pass = (async () => {
      let handled = 0;
      do {
        again = false;
        handled += await runPass();
      } while (again);
      return handled;
    })().finally(() => {
      pass = undefined;
    });
    return pass;
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  async function run(): Promise<void> {
    let backoffMs = 1000;
    let streamFailed = !settings.streaming;
    // A stream the server could not open (not a refused token): tried again after a while.
    let streamRetryAtMs: number | undefined;
    while (!stopped) {
      if (streamFailed && streamRetryAtMs !== undefined && Date.now() >= streamRetryAtMs) {
        streamFailed = false;
        streamRetryAtMs = undefined;
      }
      try {
        await catchUp();
      } catch (error) {
        logger.warn('could not read the notifications; trying again', {
          error: error instanceof Error ? error.message : String(error),
        });
        await sleep(Math.min(backoffMs, maxReconnectMs));
        backoffMs = Math.min(backoffMs * 2, maxReconnectMs);
        continue;
      }
      if (!streamFailed && stream === undefined) {
        try {
          stream = await source.streamNotifications({
            onNotification: () => {
              void catchUp().catch((error: unknown) =>
                logger.warn('could not read the notifications', {
                  error: error instanceof Error ? error.message : String(error),
                }),
              );
            },
            onClose: (error) => {
              stream = undefined;
              if (error instanceof AuthError) {
                streamFailed = true;
                streamRetryAtMs = undefined;
                logger.error('the server refused the notification stream: polling only', { error: error.message });
              }
              if (!stopped)
                logger.info('the notification stream closed; catching up and opening it again', {
                  ...(error ? { error: error.message } : {}),
                });
              wake?.();
            },
          });
          backoffMs = 1000;
          // What came between the catch-up and the subscription.
          await catchUp();
        } catch (error) {
          logger.warn('streaming is not available: polling instead', {
            every: `${settings.pollIntervalMs / 1000}s`,
            error: error instanceof Error ? error.message : String(error),
          });
          streamFailed = true;
          if (!(error instanceof AuthError)) streamRetryAtMs = Date.now() + streamRetryMs;
        }
      }
      if (stopped) break;
      if (stream) await sleep(safetyPollMs);
      else if (!streamFailed) {
        // The stream dropped: wait a little (growing) before opening it again.
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxReconnectMs);
      } else await sleep(settings.pollIntervalMs);
    }
  }

  return {
    name: 'mention listener',
    catchUp,
    start() {
      stopped = false;
      loop = run();
    },
    async stop() {
      stopped = true;
      stream?.close();
      stream = undefined;
      abort.abort();
      wake?.();
      await loop?.catch(() => {});
    },
  };
}
