import type { DatabaseSync } from 'node:sqlite';

/** One step of the schema. Steps are applied in order; step `i` takes the schema from version `i` to `i + 1`. */
export interface Migration {
  /** What the step adds, e.g. `outbox and kv`. */
  readonly name: string;
  readonly up: (db: DatabaseSync) => void;
}

/**
 * The schema of the store, oldest first. Append new steps at the end; never edit or reorder a released one (a file
 * records how many steps it has had in `PRAGMA user_version`).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: 'outbox and kv',
    up: (db) =>
      db.exec(`
        -- AUTOINCREMENT: an id is never reused, even after the newest entry was deleted and the process restarted.
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          created_at_ms INTEGER NOT NULL,
          payload TEXT NOT NULL,
          group_key TEXT,
          idempotency_key TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          not_before_ms INTEGER NOT NULL,
          last_error TEXT,
          state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead'))
        ) STRICT;
        CREATE INDEX outbox_by_state ON outbox (state, id);
        CREATE INDEX outbox_by_group ON outbox (group_key, state, id);
        CREATE TABLE kv (
          key TEXT PRIMARY KEY NOT NULL,
          value TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
      `),
  },
  {
    name: 'alert state, hosts and silences',
    up: (db) =>
      db.exec(`
        -- The alert lifecycle's state of each alert of each host, as JSON (one row per alert that is not idle).
        CREATE TABLE alert_state (
          hostname TEXT NOT NULL,
          key TEXT NOT NULL,
          state TEXT NOT NULL,
          PRIMARY KEY (hostname, key)
        ) STRICT, WITHOUT ROWID;
        -- Every host that reported: its last report and its recent report times (for its usual interval).
        CREATE TABLE host (
          hostname TEXT PRIMARY KEY NOT NULL,
          last_seen_ms INTEGER NOT NULL,
          report_times TEXT NOT NULL
        ) STRICT, WITHOUT ROWID;
        -- Silences: posts about a host (or '*', every host), one alert key or metric (or '*'), held back until until_ms.
        CREATE TABLE silence (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          hostname TEXT NOT NULL,
          key TEXT NOT NULL,
          until_ms INTEGER NOT NULL,
          reason TEXT,
          created_at_ms INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX silence_by_until ON silence (until_ms);
      `),
  },
  {
    name: 'notification log',
    up: (db) =>
      db.exec(`
        -- What an outbox entry is about (PostAbout as JSON), and, once others were merged into it, every entry it
        -- stands for (a JSON array of {outboxId, groupKey, about}): what its post is logged as.
        ALTER TABLE outbox ADD COLUMN about TEXT;
        ALTER TABLE outbox ADD COLUMN merged TEXT;
        -- Every status the server confirmed, with what it was about (one row per status and per thing it was about:
        -- a merged post has a row for each entry merged into it). The about_* columns repeat the JSON for lookups.
        -- No CHECK on kind: a later kind must not need a table rebuild.
        CREATE TABLE notification (
          id INTEGER PRIMARY KEY,
          status_id TEXT NOT NULL,
          url TEXT,
          posted_at_ms INTEGER NOT NULL,
          part INTEGER NOT NULL DEFAULT 0,
          outbox_id INTEGER,
          group_key TEXT,
          kind TEXT NOT NULL,
          host TEXT,
          alert_key TEXT,
          incident_start_ms INTEGER,
          about TEXT NOT NULL
        ) STRICT;
        CREATE INDEX notification_by_status ON notification (status_id);
        CREATE INDEX notification_by_incident ON notification (host, alert_key, incident_start_ms, posted_at_ms, id)
          WHERE kind = 'alert';
        CREATE INDEX notification_by_time ON notification (posted_at_ms);
      `),
  },
  {
    name: 'metric history',
    up: (db) =>
      db.exec(`
        -- Metric history (history-store.ts). Hosts and their series are numbered once; the rows hold numbers only.
        -- AUTOINCREMENT: an id of a forgotten host, series or layout is never given to another (readers cache them).
        -- ten_until_ms: the raw points before it are in the 10-minute tier; hour_until_ms: the 10-minute buckets before
        -- it are in the hour tier. Both only move forward; a report older than ten_until_ms is "late" (history_late).
        CREATE TABLE history_host (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          hostname TEXT NOT NULL UNIQUE,
          ten_until_ms INTEGER NOT NULL,
          hour_until_ms INTEGER NOT NULL
        ) STRICT;
        -- A series of a host: 'cpu_percent', 'disk_usage_percent@/data', 'net_rx_bytes_per_second@eth0'.
        CREATE TABLE history_series (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          host_id INTEGER NOT NULL,
          key TEXT NOT NULL,
          UNIQUE (host_id, key)
        ) STRICT;
        -- Which series a raw row holds, in the order of its values (series ids, 32-bit little-endian): the reports of
        -- a host share one as long as they carry the same metrics.
        CREATE TABLE history_layout (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          host_id INTEGER NOT NULL,
          series BLOB NOT NULL,
          UNIQUE (host_id, series)
        ) STRICT;
        -- One row per report: its values as 64-bit little-endian doubles, in the order of its layout. One insert per
        -- report on the ingest path, whatever the number of metrics.
        CREATE TABLE history_raw (
          host_id INTEGER NOT NULL,
          t_ms INTEGER NOT NULL,
          layout_id INTEGER NOT NULL,
          vals BLOB NOT NULL,
          PRIMARY KEY (host_id, t_ms)
        ) STRICT, WITHOUT ROWID;
        -- Reports kept after their time was tiered already: maintain() adds them to the tiers, then forgets them here.
        CREATE TABLE history_late (
          host_id INTEGER NOT NULL,
          t_ms INTEGER NOT NULL,
          PRIMARY KEY (host_id, t_ms)
        ) STRICT, WITHOUT ROWID;
        -- The downsampled tiers (1: 10 minutes in blocks of 6 hours, 2: hours in blocks of a day): a row per series
        -- and block, its buckets' count, average, minimum and maximum packed (history-block.ts).
        CREATE TABLE history_block (
          series_id INTEGER NOT NULL,
          tier INTEGER NOT NULL,
          start_ms INTEGER NOT NULL,
          data BLOB NOT NULL,
          PRIMARY KEY (series_id, tier, start_ms)
        ) STRICT, WITHOUT ROWID;
      `),
  },
  {
    name: 'alert log and message log',
    up: (db) =>
      db.exec(`
        -- The alert log (alert-log.ts): every transition of every alert. No CHECK on transition: a later kind must not
        -- need a table rebuild. outbox_id: the post that told it, to find its status in the notification log.
        CREATE TABLE alert_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at_ms INTEGER NOT NULL,
          hostname TEXT NOT NULL,
          key TEXT NOT NULL,
          label TEXT NOT NULL,
          transition TEXT NOT NULL,
          level TEXT,
          value REAL,
          limit_value REAL,
          incident_start_ms INTEGER,
          end_ms INTEGER,
          peak REAL,
          outbox_id INTEGER
        ) STRICT;
        -- Newest first, for everyone, one host, the incidents that ended; the latest row of each alert (state=firing).
        CREATE INDEX alert_log_by_time ON alert_log (at_ms, id);
        CREATE INDEX alert_log_by_host ON alert_log (hostname, at_ms, id);
        CREATE INDEX alert_log_ended ON alert_log (at_ms, id) WHERE transition IN ('resolved', 'host_back');
        CREATE INDEX alert_log_by_alert ON alert_log (hostname, key, id);
        -- The message log (message-log.ts): every /message accepted, with the outbox entry it was queued as.
        CREATE TABLE message_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at_ms INTEGER NOT NULL,
          hostname TEXT,
          source TEXT NOT NULL,
          type TEXT NOT NULL,
          summary TEXT,
          text TEXT NOT NULL,
          outbox_id INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX message_log_by_time ON message_log (at_ms, id);
        CREATE INDEX message_log_by_host ON message_log (hostname, at_ms, id);
        -- The statuses of an outbox entry's post: how both logs find their status URL.
        CREATE INDEX notification_by_outbox ON notification (outbox_id, part, id) WHERE outbox_id IS NOT NULL;
      `),
  },
  {
    name: 'message threads and acknowledgements',
    up: (db) =>
      db.exec(`
        -- The thread key a message was sent with (/message thread=...): its later messages reply to the thread.
        ALTER TABLE notification ADD COLUMN thread_key TEXT;
        CREATE INDEX notification_by_thread ON notification (thread_key, posted_at_ms, id) WHERE thread_key IS NOT NULL;
        -- Who acknowledged an alert (transition 'acknowledged').
        ALTER TABLE alert_log ADD COLUMN actor TEXT;
        -- A host forgotten after alerting.forget_after ends its silence incident too.
        DROP INDEX alert_log_ended;
        CREATE INDEX alert_log_ended ON alert_log (at_ms, id) WHERE transition IN ('resolved', 'host_back', 'forgotten');
      `),
  },
  {
    name: 'foreign alerts',
    up: (db) =>
      db.exec(`
        -- Alerts of other monitors (Alertmanager, Grafana, Uptime Kuma...): the state of each one still firing, as
        -- JSON, by its source and its key there (an Alertmanager fingerprint, a monitor id). A resolved one has no row.
        CREATE TABLE foreign_alert (
          source TEXT NOT NULL,
          key TEXT NOT NULL,
          state TEXT NOT NULL,
          updated_at_ms INTEGER NOT NULL,
          PRIMARY KEY (source, key)
        ) STRICT, WITHOUT ROWID;
      `),
  },
];

/** The schema version that added the metric history (a file older than this may be converted to incremental vacuum). */
export const HISTORY_SCHEMA_VERSION = 4;

/** The schema version of a file (`PRAGMA user_version`): how many migrations it has had. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/**
 * Brings the file to the newest schema: applies the migrations it has not had, all in one write transaction, and
 * records the new version. Safe with several processes opening the same file: the version is read again under the
 * write lock. A file written by a newer version (more steps than `migrations`) is refused rather than damaged.
 * @returns the version before and after.
 */
export function migrate(
  db: DatabaseSync,
  migrations: readonly Migration[] = MIGRATIONS,
): { fromVersion: number; toVersion: number } {
  const target = migrations.length;
  const before = schemaVersion(db);
  checkNotNewer(before, target);
  if (before === target) return { fromVersion: before, toVersion: target };
  db.exec('BEGIN IMMEDIATE');
  try {
    const current = schemaVersion(db);
    checkNotNewer(current, target);
    for (let version = current; version < target; version++) migrations[version]!.up(db);
    db.exec(`PRAGMA user_version = ${target}`);
    db.exec('COMMIT');
    return { fromVersion: current, toVersion: target };
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function checkNotNewer(version: number, target: number): void {
  if (version > target) {
    throw new Error(`schema version ${version} is newer than this @janitor/store knows (${target}): upgrade janitor`);
  }
}
