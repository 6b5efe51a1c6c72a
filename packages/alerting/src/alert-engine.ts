import type { LoadedConfig } from '@janitor/config';
import { formatSpan, type Logger, type PostAbout, silentLogger } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import {
  type AlertLog,
  type AlertStore,
  createGroupCommit,
  type HostRecord,
  type KeyValue,
  type Silence,
  type Silences,
} from '@janitor/store';
import {
  type AlertNotification,
  type AlertPlan,
  type AlertState,
  acknowledge,
  alertLabel,
  alertOfKey,
  checkSilentHosts,
  createAlertPlan,
  evaluateHost,
  expectedHostsSince,
  formatNotifications,
  HOST_SILENT_KEY,
  hostSilentUntil,
  isMuted,
  isReportLike,
  matchSilences,
  type ReportInput,
  SILENCE_ALL,
  silentAfterMs,
  silentHostsDue,
  UNKNOWN_HOST,
  usualIntervalMs,
} from '@janitor/thresholds';
import { type AlertChange, type AlertDescription, alertLogRows } from './alert-log-rows.ts';
import { createDeadlines } from './deadlines.ts';
import { sameStates } from './same-states.ts';

/**
 * What the alert engine reads and writes of a store (@janitor/store's `Store` fits): the alert tables, the silences,
 * one key-value entry, the outbox and the alert log, every write of a batch in one transaction.
 */
export interface AlertEngineStore {
  /** Runs `fn` in one write transaction (synchronous). */
  transaction<T>(fn: () => T): T;
  /**
   * Resolves once what was committed survives a power cut (a store with `durability: 'background'`): awaited after
   * each commit, before an ingest resolves. @default resolved at once
   */
  synced?(): Promise<void>;
  readonly alerts: Pick<AlertStore, 'allStates' | 'hosts' | 'putHost' | 'putSeen' | 'forgetHost'>;
  /** Where every transition is recorded, in the transaction of the states and posts it goes with. */
  readonly alertLog: Pick<AlertLog, 'recordMany'>;
  readonly silences: Pick<Silences, 'active' | 'purge' | 'add' | 'get' | 'remove'>;
  readonly kv: Pick<KeyValue, 'get' | 'set'>;
  readonly outbox: {
    /** Queues the posts in order; durable when the transaction around it commits. */
    enqueueMany(
      inputs: readonly { payload: OutboxPayload; groupKey: string; about: PostAbout }[],
    ): readonly { id: number }[];
  };
}

/** Options of {@link createAlertEngine}. */
export interface AlertEngineOptions {
  /** Rules (`config.rules`), lifecycle settings (`config.alerting`) and the report format. */
  config: Pick<LoadedConfig, 'rules' | 'alerting' | 'reportFormat'>;
  store: AlertEngineStore;
  /** The clock of every evaluation, silence and silent-host check. @default Date.now */
  now?: () => number;
  /** Called after posts were queued (wakes the outbox worker). */
  onQueued?: () => void;
  /** One `alert` line (info) per transition posted or held back, one line per silence added or removed. */
  logger?: Logger;
  /**
   * Whether the engine watches for silent hosts: records each host's report times, times the expected hosts, and
   * checks them at {@link AlertEngine.tick}. Off for local mode (one machine checking itself has nobody to notice
   * its silence): nothing of the hosts table or the expected hosts is read or written. @default true
   */
  silentHosts?: boolean;
}

/** What one report, or one silent-host check, did. */
export interface AlertOutcome {
  /** The outbox ids of the posts it queued, in posting order. */
  queued: number[];
  notifications: AlertNotification[];
}

/** Someone takes an incident in hand (`ack` by mention, a favourite of an alert post). */
export interface AckRequest {
  hostname: string;
  /** The alert's key (`cpu_percent`, `disk_usage_percent@/data`). */
  key: string;
  /** The incident meant (the post's): an ack of an incident that is over acknowledges nothing. */
  incidentStartMs?: number;
  /** Who: `user@domain`. */
  by: string;
}

/**
 * What an acknowledgement did: nothing (the alert is not firing or another incident is: `not-firing`; someone
 * acknowledged it already: `already`, with who), or the post it queued.
 */
export type AckOutcome =
  | { acknowledged: false; reason: 'not-firing' | 'already'; by?: string }
  | { acknowledged: true; label: string; level: string; queued: number[]; firingSinceMs: number };

/** A silence to add through {@link AlertEngine.silence}. */
export interface SilenceRequest {
  /** The host, or `*` for every host. */
  hostname: string;
  /** An alert key, a metric, `host_silent`, or `*` (every alert of the host). @default '*' */
  key?: string;
  forMs: number;
  reason?: string;
}

/**
 * The alert lifecycle over the store, for the hub and for local mode: each report is evaluated against its host's
 * saved states (`evaluateHost`), and the new states, the host's last report, the posts due and the alert log's rows
 * of its transitions are written in ONE transaction before the report is answered. In the hub, a timer calls
 * {@link AlertEngine.tick} for silent hosts.
 */
export interface AlertEngine {
  readonly plan: AlertPlan;
  /**
   * Evaluates one report of `hostname` (undefined: a report without one). Resolves once its states and posts are
   * durable (group-committed with the reports that arrive at the same time); a report that changes nothing durable
   * and posts nothing resolves at once, without a write.
   */
  ingest(hostname: string | undefined, input: ReportInput): Promise<AlertOutcome>;
  /**
   * The periodic work: ends expired silences, checks for silent hosts (announce, remind, and post the still-silent
   * ones whose silence ended), and writes what was kept in memory (last reports, last values).
   */
  tick(): Promise<AlertOutcome>;
  /**
   * Adds a silence, starting now. Posts are held back, not the evaluation; when it ends, what still differs from
   * what followers were told is posted: at the host's next report for its metrics (a host that stopped reporting
   * has nothing to re-evaluate but its silence alarm), at the next {@link tick} for its "host silent" alarm.
   */
  silence(request: SilenceRequest): Silence;
  /** The silences running now, in id order. */
  silences(): Silence[];
  /** Ends a silence. @returns the silence, or undefined when there was none with this id. */
  unsilence(id: number): Silence | undefined;
  /**
   * Acknowledges a firing alert: its repeats stop until it resolves or escalates; an `acknowledged` row in the alert
   * log and a short "acknowledged by" post in the incident's thread, written with the states in one transaction.
   */
  acknowledge(request: AckRequest): Promise<AckOutcome>;
  /**
   * Forgets a host (decommissioned): its alert states and report times, so that it is no longer watched for silence
   * and its alerts are gone; its next report, if one ever comes, starts afresh. Its history is the store's to forget.
   * @returns whether the engine knew it.
   */
  forget(hostname: string): Promise<boolean>;
  /** Writes what is kept in memory (last reports, last values) now. */
  flush(): void;
  /**
   * What the engine knows of each host now, from memory (fresher than the store between two ticks): its last report
   * (when silent hosts are watched) and its alert states. Every host with either, sorted by hostname.
   */
  hosts(): HostAlertView[];
}

/** One host as {@link AlertEngine.hosts} sees it. */
export interface HostAlertView {
  hostname: string;
  /** Its last report, when silent hosts are watched and it reported. */
  lastSeenMs?: number;
  /** Its alerts' states by alert key (`cpu_percent`, `disk_usage_percent@/data`, `host_silent`). */
  states: Readonly<Record<string, AlertState>>;
}

/** How many recent report times are kept per host, for its usual interval (the median gap between them). */
export const REPORT_TIMES_KEPT = 12;

/** The states of a host forgotten in the batch being written (an empty record, told apart by identity). */
const FORGOTTEN: Readonly<Record<string, AlertState>> = Object.freeze({});

/**
 * The most hosts whose report times one commit writes: a turn of the event loop each. With 100,000 hosts in the store
 * 100 rows take a median 2.3 ms (17 ms at most, with a checkpoint); 500 took 11 ms (30 ms), long enough to show among
 * the hub's longest stalls at that scale.
 */
export const SEEN_SLICE = 100;

/**
 * A tick writes at least a tenth of the report times waiting (and at least a slice): each host's is written within
 * about ten ticks (5 minutes), and a fleet of 100,000 hosts reporting every minute costs 10,000 rows a tick, not
 * 100,000. They only serve a restart after a crash (a stopping hub writes them all), which gives every host its
 * silent time again from the start anyway.
 */
const SEEN_SPREAD_TICKS = 10;

/** How far ahead of now a tick tidies the deadlines (two of the hub's 30 s ticks). */
const TIDY_AHEAD_MS = 60_000;

/** The most deadlines a tick tidies per turn of the event loop (about a millisecond). */
const DEADLINE_SLICE = 2000;

/** The key under which the first time each expected host was watched is kept (`kv`). */
const EXPECTED_SINCE_KEY = 'alerts.expected_since';

type States = Record<string, AlertState>;

/** One group commit: the states written so far (not yet in the cache) and what to do once it is committed. */
interface Batch {
  overlay: Map<string, States>;
  afterCommit: (() => void)[];
  /** What to undo in memory when the transaction rolls back. */
  afterRollback: (() => void)[];
}

type Job =
  | { kind: 'report'; host: string; hostname: string | undefined; input: ReportInput; now: number }
  | { kind: 'tick'; now: number }
  | ({ kind: 'ack'; now: number } & AckRequest)
  | { kind: 'forget'; host: string; now: number }
  | { kind: 'seen' };

/**
 * Wires the alert lifecycle to the store. Loads every host's states, the hosts that reported and the running
 * silences once, when it is created; from then on this engine is the only writer of the alert tables (one hub per
 * store). A process that checks once (local mode run by cron) creates one, ingests its report, awaits it, flushes and
 * closes the store: the next run loads the states afresh.
 *
 * What is kept in memory and written later (at each {@link AlertEngine.tick}, every 30 s in the hub, and at
 * {@link AlertEngine.flush}): the report times of a host (its first one too), and an alert's last value when nothing else of
 * its state changed (and the incident's peak). A crash loses at most that much: a host looks up to one tick older (a
 * silence alarm comes that much earlier, against minutes of `silent_after`), and the value in a later "recovered" or
 * reminder post is the one the next report brings anyway; a host seen once and never again before a crash of the hub
 * is not watched for silence. Every change of phase, level or what followers were told, and every post are written
 * before the report is answered, with their rows in the alert
 * log (`alertLogRows`: pending, firing, escalated, deescalated, repeated, resolved, silenced, host_silent,
 * host_back), each with the outbox entry of the post that told it.
 *
 * @example
 * const engine = createAlertEngine({ config, store });
 * const { queued } = await engine.ingest('pi1', fromSample(sample));
 */
export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { config, store, now: clock = Date.now, onQueued, logger = silentLogger, silentHosts = true } = options;
  const plan = createAlertPlan({ rules: config.rules, settings: config.alerting });
  const startedAt = clock();

  // Everything the engine needs, loaded once: it is the only writer of these tables.
  const states = new Map<string, States>(Object.entries(store.alerts.allStates<AlertState>()));
  const seen = new Map<string, HostRecord>(
    silentHosts ? store.alerts.hosts().map((record) => [record.hostname, record]) : [],
  );
  let running: Silence[] = store.silences.active(startedAt);
  const expectedSince = silentHosts ? loadExpectedSince() : {};
  const expectedHosts = new Set(plan.settings.expectedHosts);

  // Each tick finds the hosts that fell silent or are to be forgotten by their deadlines (a host's last report plus
  // its silent time, or forget_after), and follows the hosts whose silence it told: never a pass over the fleet.
  const silenceDue = createDeadlines();
  const forgetDue = createDeadlines();
  /** The hosts with a `host_silent` state (told, or held back by a mute or a silence). */
  const silentStateHosts = new Set<string>();
  for (const [host, hostStates] of states) {
    if (hostStates[HOST_SILENT_KEY] !== undefined) silentStateHosts.add(host);
  }
  for (const record of seen.values()) schedule(record);

  /** Hosts whose last report (in `seen`) or last values (in `states`) are newer in memory than in the store. */
  const unsavedSeen = new Set<string>();
  /** How many report times were written so far (the tick's quota counts them). */
  let seenWritten = 0;
  const unsavedStates = new Set<string>();
  /** Reports of a host waiting for their commit: later ones of the same host wait in line, in order. */
  const inFlight = new Map<string, number>();

  const commit = createGroupCommit((jobs: readonly Job[]): ReturnType<typeof runJob>[] => {
    const batch: Batch = { overlay: new Map(), afterCommit: [], afterRollback: [] };
    let results: ReturnType<typeof runJob>[];
    try {
      results = store.transaction(() => jobs.map((job) => runJob(job, batch)));
    } catch (error) {
      for (const fn of batch.afterRollback) fn();
      throw error;
    }
    // Committed: the cache takes the new states, and what was written is no longer unsaved.
    for (const [host, next] of batch.overlay) setStates(host, next);
    for (const fn of batch.afterCommit) fn();
    return results;
  });

  function loadExpectedSince(): Record<string, number> {
    const saved = store.kv.get<Record<string, number>>(EXPECTED_SINCE_KEY) ?? {};
    const { since, added } = expectedHostsSince(saved, plan.settings.expectedHosts, startedAt);
    if (added.length > 0) store.kv.set(EXPECTED_SINCE_KEY, since);
    return since;
  }

  function setStates(host: string, next: States): void {
    if (isEmpty(next)) states.delete(host);
    else states.set(host, next);
    if (next[HOST_SILENT_KEY] === undefined) silentStateHosts.delete(host);
    else silentStateHosts.add(host);
  }

  /** The silent time of a host (`silent_after`, or three of its usual intervals), undefined for `never`. */
  function silentAfterOf(record: HostRecord): number | undefined {
    return silentAfterMs(plan.settings.silentAfterMs, usualIntervalMs(record.reportTimesMs));
  }

  /** Sets when a host falls silent and when it is forgotten, from its last report. */
  function schedule(record: HostRecord): void {
    const afterMs = silentAfterOf(record);
    if (afterMs !== undefined) silenceDue.set(record.hostname, record.lastSeenMs + afterMs);
    const forgetAfter = plan.settings.forgetAfterMs;
    if (forgetAfter !== 'never' && !expectedHosts.has(record.hostname)) {
      forgetDue.set(record.hostname, record.lastSeenMs + forgetAfter);
    }
  }

  function noteReport(host: string, at: number): void {
    const record = seen.get(host);
    if (record === undefined) {
      seen.set(host, { hostname: host, lastSeenMs: at, reportTimesMs: [at] });
    } else {
      // In place: a report per host per minute, from thousands of hosts, need not copy anything.
      record.lastSeenMs = at;
      record.reportTimesMs.push(at);
      if (record.reportTimesMs.length > REPORT_TIMES_KEPT) record.reportTimesMs.shift();
    }
    schedule(seen.get(host)!);
    unsavedSeen.add(host);
  }

  function postsOf(
    notifications: readonly AlertNotification[],
    hostname: string | undefined,
    input?: ReportInput,
  ): { payload: OutboxPayload; groupKey: string; about: PostAbout }[] {
    if (notifications.length === 0) return [];
    const host = hostname ?? '';
    const posts = formatNotifications(notifications, {
      ...(input === undefined ? {} : { input }),
      rules: plan.host(host).rules,
      format: config.reportFormat,
    });
    const { abouts } = postPlan(notifications);
    return posts.map((post, i) => ({
      payload: {
        kind: 'report',
        report: { spoiler: post.spoiler, text: post.text, type: post.type, ...(hostname ? { hostname } : {}) },
      },
      groupKey: hostname || UNKNOWN_HOST,
      about: abouts[i] ?? { kind: 'report' },
    }));
  }

  function evaluate(host: string, input: ReportInput, previous: States, now: number) {
    return evaluateHost(input, {
      plan: plan.host(host),
      states: previous,
      now,
      ...optional('silencedUntil', matchSilences(running, host, now)),
    });
  }

  /** Deletes what the store keeps of the host's alerts, and from memory once committed. */
  function forgetHost(host: string, batch: Batch): boolean {
    const known = states.has(host) || seen.has(host) || batch.overlay.has(host);
    store.alerts.forgetHost(host);
    batch.overlay.set(host, FORGOTTEN);
    batch.afterCommit.push(() => {
      seen.delete(host);
      silenceDue.delete(host);
      forgetDue.delete(host);
      unsavedSeen.delete(host);
      unsavedStates.delete(host);
    });
    return known;
  }

  function runAck(job: AckRequest & { now: number }, batch: Batch): AckOutcome {
    const { hostname: host, key, by, now } = job;
    const previous = batch.overlay.get(host) ?? states.get(host) ?? {};
    const current = previous[key];
    const already = current?.acknowledged;
    if (already && (job.incidentStartMs === undefined || job.incidentStartMs === current.firingSince)) {
      return { acknowledged: false, reason: 'already', by: already.by };
    }
    const acked = acknowledge(current, by, now, job.incidentStartMs);
    if (acked === undefined || acked.firingSince === undefined) return { acknowledged: false, reason: 'not-firing' };
    const next = { ...previous, [key]: acked };
    store.alerts.putHost(host, next);
    batch.overlay.set(host, next);
    batch.afterCommit.push(() => unsavedStates.delete(host));
    const description = describe(key, alertOfKey(plan.host(host), key));
    const level = acked.acknowledged!.level;
    const [entry] = store.outbox.enqueueMany([
      {
        payload: {
          kind: 'report',
          report: {
            spoiler: '',
            text: `✅ ${description.label} on ${host} acknowledged by ${by}: no reminders until it recovers or gets worse.`,
            type: 'info',
            hostname: host,
          },
        },
        groupKey: host,
        about: { kind: 'alert', host, key, incidentStartMs: acked.firingSince, reason: 'acknowledged' },
      },
    ]);
    store.alertLog.recordMany([
      {
        atMs: now,
        hostname: host,
        key,
        label: description.label,
        transition: 'acknowledged',
        level,
        value: acked.lastValue ?? null,
        limit: description.limitOf(level),
        incidentStartMs: acked.firingSince,
        outboxId: entry!.id,
        by,
      },
    ]);
    logger.info('alert acknowledged', { host, key, by });
    return {
      acknowledged: true,
      label: description.label,
      level,
      queued: [entry!.id],
      firingSinceMs: acked.firingSince,
    };
  }

  function runJob(job: Job, batch: Batch): AlertOutcome | AckOutcome | (AlertOutcome & { forgotten: boolean }) {
    if (job.kind === 'tick') return runTick(job.now, batch);
    if (job.kind === 'ack') return runAck(job, batch);
    if (job.kind === 'seen') {
      writeUnsaved(batch);
      return { queued: [], notifications: [] };
    }
    if (job.kind === 'forget') return { queued: [], notifications: [], forgotten: forgetHost(job.host, batch) };
    const { overlay, afterCommit } = batch;
    const { host, hostname, input, now } = job;
    const previous = overlay.get(host) ?? states.get(host) ?? {};
    const result = evaluate(host, input, previous, now);
    if (!sameStates(previous, result.states, true)) {
      store.alerts.putHost(host, result.states);
      afterCommit.push(() => unsavedStates.delete(host));
    } else if (!sameStates(previous, result.states, false)) {
      afterCommit.push(() => unsavedStates.add(host));
    }
    overlay.set(host, result.states);
    const record = seen.get(host);
    if (record !== undefined) {
      store.alerts.putSeen(record);
      afterCommit.push(() => unsavedSeen.delete(host));
    }
    const posts = postsOf(result.notifications, hostname, input);
    const entries = posts.length === 0 ? [] : store.outbox.enqueueMany(posts);
    logTransitions(host, previous, result, entries, now);
    return { queued: entries.map((e) => e.id), notifications: result.notifications };
  }

  /**
   * Records a report's transitions in the alert log: each alert of the host before and after, with the post that
   * told it (a report's firing alerts share one post).
   */
  function logTransitions(
    host: string,
    previous: States,
    result: { states: States; notifications: readonly AlertNotification[] },
    entries: readonly { id: number }[],
    now: number,
  ): void {
    const { postOf } = postPlan(result.notifications);
    const silences = matchSilences(running, host, now);
    const hostPlan = plan.host(host);
    const rows = [...new Set([...Object.keys(previous), ...Object.keys(result.states)])].flatMap((key) => {
      const index = result.notifications.findIndex((n) => n.key === key);
      const found = alertOfKey(hostPlan, key);
      const metric = found?.alert.metric ?? key.replace(/[@:].*$/, '');
      const silenced =
        silences !== undefined && [key, metric, SILENCE_ALL].some((name) => Object.hasOwn(silences, name));
      const change: AlertChange = {
        hostname: host,
        key,
        previous: previous[key],
        next: result.states[key],
        heldBack: silenced || isMuted(hostPlan, metric),
        at: now,
      };
      if (index >= 0) {
        change.notification = result.notifications[index];
        change.outboxId = entries[postOf[index]!]?.id;
      }
      return alertLogRows(change, describe(key, found));
    });
    if (rows.length > 0) store.alertLog.recordMany(rows);
  }

  /** An alert's name and limits, for its rows in the alert log. */
  function describe(key: string, found: ReturnType<typeof alertOfKey>): AlertDescription {
    if (found === undefined) {
      return { label: key === HOST_SILENT_KEY ? alertLabel({ metric: key }) : key, limitOf: () => null };
    }
    const { alert, mount } = found;
    return {
      label: alertLabel(
        mount === undefined ? { metric: alert.metric } : { metric: alert.metric, mount },
        config.reportFormat,
      ),
      limitOf: (level) => alert.levels.find((l) => l.type === level)?.value ?? null,
    };
  }

  /** The silent-host check: the next `host_silent` states by hostname and the posts due. */
  function checkSilence(now: number, silentStates: Record<string, AlertState>, batch: Batch) {
    // The hosts past their silent time, and those whose silence was told (followed until they report). A host
    // forgotten in this tick is not watched any more (it leaves `seen` once the tick commits).
    const taken = silenceDue.takeDue(now);
    batch.afterRollback.push(() => {
      for (const host of taken) {
        const record = seen.get(host);
        if (record !== undefined) schedule(record);
      }
    });
    const watched: HostRecord[] = [];
    for (const host of new Set([...taken, ...Object.keys(silentStates)])) {
      const record = seen.get(host);
      if (record !== undefined && batch.overlay.get(host) !== FORGOTTEN) watched.push(record);
    }
    const due = silentHostsDue(watched, {
      settings: plan.settings,
      states: silentStates,
      expectedSince,
      startedAt,
      now,
    });
    const silencedUntil: Record<string, number> = {};
    const hostSilence = (host: string) => {
      const end = hostSilentUntil(running, host, now);
      if (end !== undefined) silencedUntil[host] = end;
    };
    for (const sighting of due.sightings) hostSilence(sighting.hostname);
    const seenPlan: AlertPlan = { ...plan, settings: { ...plan.settings, expectedHosts: [] } };
    const checked = checkSilentHosts(due.sightings, {
      plan: seenPlan,
      states: silentStates,
      now,
      startedAt,
      silencedUntil,
    });
    // A host past its silent time that is not judged yet (the hub started less than its silent time ago): due again
    // once it is.
    const judged = new Set(due.sightings.map((s) => s.hostname));
    for (const host of taken) {
      const record = seen.get(host);
      const afterMs = record && silentAfterOf(record);
      if (afterMs !== undefined && !judged.has(host))
        silenceDue.set(host, Math.max(startedAt, record!.lastSeenMs) + afterMs);
    }
    let next = checked.states;
    const notifications = [...checked.notifications];
    // Expected hosts that never reported, each timed from when this hub first expected it.
    for (const { hostname, since } of due.expected) {
      hostSilence(hostname);
      const one = checkSilentHosts([], {
        plan: { ...plan, settings: { ...plan.settings, expectedHosts: [hostname] } },
        states: next,
        now,
        startedAt: since,
        silencedUntil,
      });
      next = one.states;
      notifications.push(...one.notifications);
    }
    return { next, notifications };
  }

  /**
   * `alerting.forget_after`: the hosts away that long (never an expected one) are forgotten, each with one post in
   * its silence thread and a `forgotten` row in the alert log.
   */
  function forgetAway(now: number, batch: Batch): { queued: number[] } {
    const after = plan.settings.forgetAfterMs;
    if (after === 'never') return { queued: [] };
    const queued: number[] = [];
    const taken = forgetDue.takeDue(now);
    batch.afterRollback.push(() => {
      for (const host of taken) {
        const record = seen.get(host);
        if (record !== undefined) schedule(record);
      }
    });
    for (const host of taken) {
      const record = seen.get(host);
      if (record === undefined || batch.overlay.get(host) === FORGOTTEN) continue;
      if (record.lastSeenMs >= now - after || expectedHosts.has(host)) continue;
      const silent = (batch.overlay.get(host) ?? states.get(host))?.[HOST_SILENT_KEY];
      forgetHost(host, batch);
      const away = formatSpan(now - record.lastSeenMs);
      const incidentStartMs = silent?.firingSince ?? record.lastSeenMs;
      const [entry] = store.outbox.enqueueMany([
        {
          payload: {
            kind: 'report',
            report: {
              spoiler: '',
              text: `${host} has not reported for ${away}: it is no longer watched (a new report brings it back).`,
              type: 'info',
              hostname: host,
            },
          },
          groupKey: host,
          about: { kind: 'alert', host, key: HOST_SILENT_KEY, incidentStartMs, reason: 'forgotten' },
        },
      ]);
      store.alertLog.recordMany([
        {
          atMs: now,
          hostname: host,
          key: HOST_SILENT_KEY,
          label: describe(HOST_SILENT_KEY, undefined).label,
          transition: 'forgotten',
          value: now - record.lastSeenMs,
          incidentStartMs,
          outboxId: entry!.id,
        },
      ]);
      queued.push(entry!.id);
    }
    return { queued };
  }

  /**
   * Writes what is kept in memory only, at most {@link SEEN_SLICE} hosts' worth per commit: first the states whose
   * last values changed (each tick writes all of them, slice after slice), then report times with the room left. A
   * fleet of thousands would otherwise stop the event loop for the whole write (1,500 hosts' states took 75 ms at
   * 100,000 hosts). {@link AlertEngine.tick} commits the rest slice by slice. Hosts forgotten in the batch are left
   * out, and those `skip` names (the ones the tick writes itself).
   */
  function writeUnsaved(batch: Batch, skipAlso: (host: string) => boolean = () => false): void {
    const skip = (host: string) => batch.overlay.get(host) === FORGOTTEN || skipAlso(host);
    const statesSlice: string[] = [];
    for (const host of unsavedStates) {
      if (statesSlice.length === SEEN_SLICE) break;
      if (!skip(host)) statesSlice.push(host);
    }
    for (const host of statesSlice) store.alerts.putHost(host, batch.overlay.get(host) ?? states.get(host) ?? {});
    batch.afterCommit.push(() => {
      for (const host of statesSlice) unsavedStates.delete(host);
    });
    const slice: string[] = [];
    for (const host of unsavedSeen) {
      if (slice.length + statesSlice.length >= SEEN_SLICE) break;
      if (!skip(host)) slice.push(host);
    }
    for (const host of slice) {
      const record = seen.get(host);
      if (record !== undefined) store.alerts.putSeen(record);
    }
    batch.afterCommit.push(() => {
      for (const host of slice) unsavedSeen.delete(host);
      seenWritten += slice.length;
    });
  }

  function runTick(now: number, batch: Batch): AlertOutcome {
    const { overlay, afterCommit } = batch;
    const statesOf = (host: string): States => overlay.get(host) ?? states.get(host) ?? {};
    if (store.silences.purge(now) > 0) running = running.filter((s) => s.untilMs > now);

    const forgotten = silentHosts ? forgetAway(now, batch) : { queued: [] as number[] };

    const silentStates: Record<string, AlertState> = {};
    for (const host of new Set([...silentStateHosts, ...overlay.keys()])) {
      const state = statesOf(host)[HOST_SILENT_KEY];
      if (state !== undefined) silentStates[host] = state;
    }
    const { next, notifications } = silentHosts
      ? checkSilence(now, silentStates, batch)
      : { next: silentStates, notifications: [] };

    // The tick is also the flush: the hosts whose silence changed are written now, and every other host whose states
    // differ from the store's from here on, a slice per commit (tick()).
    const toWrite = new Set<string>();
    for (const host of new Set([...Object.keys(silentStates), ...Object.keys(next)])) {
      const before = statesOf(host);
      const after: States = { ...before };
      if (next[host] === undefined) delete after[HOST_SILENT_KEY];
      else after[HOST_SILENT_KEY] = next[host];
      if (!sameStates(before, after, false) || unsavedStates.has(host)) toWrite.add(host);
      overlay.set(host, after);
    }
    for (const host of toWrite) if (overlay.get(host) !== FORGOTTEN) store.alerts.putHost(host, statesOf(host));
    afterCommit.push(() => {
      for (const host of toWrite) unsavedStates.delete(host);
    });
    writeUnsaved(batch, (host) => toWrite.has(host));

    const posts = notifications.flatMap((n) => postsOf([n], n.hostname));
    const entries = posts.length === 0 ? [] : store.outbox.enqueueMany(posts);
    // One post per notification here: the silence alarm's changes, host by host.
    const rows = [...new Set([...Object.keys(silentStates), ...Object.keys(next)])].flatMap((host) => {
      const index = notifications.findIndex((n) => n.hostname === host);
      return alertLogRows(
        {
          hostname: host,
          key: HOST_SILENT_KEY,
          previous: silentStates[host],
          next: next[host],
          notification: notifications[index],
          outboxId: entries[index]?.id,
          heldBack: isMuted(plan.host(host), HOST_SILENT_KEY) || hostSilentUntil(running, host, now) !== undefined,
          at: now,
        },
        describe(HOST_SILENT_KEY, undefined),
      );
    });
    if (rows.length > 0) store.alertLog.recordMany(rows);
    return { queued: [...forgotten.queued, ...entries.map((e) => e.id)], notifications };
  }

  async function run(job: Job): Promise<AlertOutcome> {
    const outcome = (await commit(job)) as AlertOutcome;
    await store.synced?.();
    for (const n of outcome.notifications) {
      logger.info('alert', { host: n.hostname, key: n.key, reason: n.reason, level: n.level, value: n.value });
    }
    if (outcome.queued.length > 0) onQueued?.();
    return outcome;
  }

  return {
    plan,

    async ingest(hostname, input) {
      const now = clock();
      const host = hostname ?? '';
      // A host's first report is noted like the others (written at the next tick): a fleet of thousands that
      // restarts, or a hub that restarts, must not cost a synchronous commit per host before each answer.
      if (silentHosts && hostname !== undefined) noteReport(host, now);
      if (!inFlight.has(host)) {
        // The common case: nothing changes but the last values. Evaluated against the committed states; no write.
        const previous = states.get(host) ?? {};
        const result = evaluate(host, input, previous, now);
        if (result.notifications.length === 0 && sameStates(previous, result.states, true)) {
          if (!sameStates(previous, result.states, false)) {
            setStates(host, result.states);
            unsavedStates.add(host);
          }
          return { queued: [], notifications: [] };
        }
      }
      // Something to write: evaluated again in the transaction, in line behind the host's earlier reports.
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      try {
        return await run({ kind: 'report', host, hostname, input, now });
      } finally {
        const left = (inFlight.get(host) ?? 1) - 1;
        if (left === 0) inFlight.delete(host);
        else inFlight.set(host, left);
      }
    },

    async tick() {
      const quota = Math.max(SEEN_SLICE, Math.ceil(unsavedSeen.size / SEEN_SPREAD_TICKS));
      const writtenBefore = seenWritten;
      // The states to write are those unsaved now: a report meanwhile makes more, which the next tick writes.
      let statesLeft = unsavedStates.size;
      const outcome = await run({ kind: 'tick', now: clock() });
      // What the tick's own commit could not hold, a slice per turn of the event loop: every unsaved state, and
      // report times up to the quota.
      for (;;) {
        statesLeft = Math.min(statesLeft - SEEN_SLICE, unsavedStates.size);
        if (statesLeft <= 0 && (unsavedSeen.size === 0 || seenWritten - writtenBefore >= quota)) break;
        await new Promise((resolve) => setImmediate(resolve));
        const before = unsavedSeen.size + unsavedStates.size;
        await commit({ kind: 'seen' });
        if (unsavedSeen.size + unsavedStates.size >= before) break;
      }
      // The hosts whose deadlines were pushed on by their reports move on now, a slice per turn, not all at once in
      // the next tick's take.
      const horizon = clock() + TIDY_AHEAD_MS;
      while (silenceDue.tidy(horizon, DEADLINE_SLICE) || forgetDue.tidy(horizon, DEADLINE_SLICE)) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      return outcome;
    },

    async forget(hostname) {
      const outcome = (await commit({ kind: 'forget', host: hostname, now: clock() })) as { forgotten: boolean };
      await store.synced?.();
      if (outcome.forgotten) logger.info('host forgotten', { host: hostname });
      return outcome.forgotten;
    },

    async acknowledge(request) {
      const outcome = (await commit({ kind: 'ack', now: clock(), ...request })) as AckOutcome;
      await store.synced?.();
      if (outcome.acknowledged) onQueued?.();
      return outcome;
    },

    silence(request) {
      const now = clock();
      const silence = store.silences.add({
        hostname: request.hostname,
        key: request.key ?? SILENCE_ALL,
        untilMs: now + request.forMs,
        reason: request.reason ?? null,
      });
      running = [...running, silence];
      logger.info('silence added', {
        id: silence.id,
        host: silence.hostname,
        rule: silence.key,
        until: new Date(silence.untilMs).toISOString(),
      });
      return silence;
    },

    silences() {
      const now = clock();
      return running.filter((s) => s.untilMs > now);
    },

    unsilence(id) {
      const silence = store.silences.get(id);
      if (silence === undefined || !store.silences.remove(id)) return undefined;
      running = running.filter((s) => s.id !== id);
      logger.info('silence removed', { id, host: silence.hostname, rule: silence.key });
      return silence;
    },

    hosts() {
      const names = [...new Set([...states.keys(), ...seen.keys()])].filter((h) => h !== '').sort();
      return names.map((hostname) => {
        const lastSeenMs = seen.get(hostname)?.lastSeenMs;
        return { hostname, ...(lastSeenMs === undefined ? {} : { lastSeenMs }), states: states.get(hostname) ?? {} };
      });
    },

    flush() {
      if (unsavedSeen.size === 0 && unsavedStates.size === 0) return;
      store.transaction(() => {
        for (const host of unsavedStates) store.alerts.putHost(host, states.get(host) ?? {});
        for (const host of unsavedSeen) {
          const record = seen.get(host);
          if (record !== undefined) store.alerts.putSeen(record);
        }
      });
      unsavedStates.clear();
      unsavedSeen.clear();
    },
  };
}

/** `{ [key]: value }`, or `{}` when the value is undefined (for exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * How `formatNotifications(notifications)` makes posts of them: one post per notification, except that every
 * report-like one (`firing`, `report`) shares the first such post. `abouts`: what each post is about, in post order
 * (a shared post is logged as the first of them: for the notification log, the status that starts its incident's
 * thread). `postOf`: the post of each notification, in notification order (its rows in the alert log find their
 * status through it).
 */
function postPlan(notifications: readonly AlertNotification[]): { abouts: PostAbout[]; postOf: number[] } {
  const abouts: PostAbout[] = [];
  const postOf: number[] = [];
  let reportPost: number | undefined;
  for (const n of notifications) {
    const reportLike = isReportLike(n);
    if (reportLike && reportPost !== undefined) {
      postOf.push(reportPost);
      continue;
    }
    if (reportLike) reportPost = abouts.length;
    postOf.push(abouts.length);
    abouts.push({ kind: 'alert', host: n.hostname, key: n.key, incidentStartMs: n.firingSince, reason: n.reason });
  }
  return { abouts, postOf };
}

/** Whether an object has no own enumerable key (without listing them: this runs on every report). */
function isEmpty(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return false;
  return true;
}
