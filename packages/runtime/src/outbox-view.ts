// The outbox as `janitor outbox` shows it: one line per entry, the counts, what a flush did.
import type { DrainResult } from '@janitor/publisher';
import type { Store } from '@janitor/store';

/** An outbox entry as the commands show it (@janitor/store's `OutboxEntry` fits). */
export interface ShownEntry {
  id: number;
  createdAtMs: number;
  payload: unknown;
  groupKey: string | null;
  attempts: number;
  notBeforeMs: number;
  lastError: string | null;
  state: 'pending' | 'dead';
}

/**
 * One line about an entry: `#12 pending pi-1, 3 attempts, next try in 4m: disk / at 91 % (last error: …)`. The text
 * is the post's first line (a message's summary or text, a report's content warning, a merge's header).
 */
export function formatEntry(entry: ShownEntry, nowMs: number): string {
  const host = entry.groupKey ?? 'no host';
  const attempts = entry.attempts === 1 ? '1 attempt' : `${entry.attempts} attempts`;
  const when =
    entry.state === 'dead'
      ? `janitor outbox retry ${entry.id}`
      : entry.notBeforeMs > nowMs
        ? `next try in ${duration(entry.notBeforeMs - nowMs)}`
        : 'due now';
  const error = entry.lastError ? ` (last error: ${oneLine(entry.lastError, 160)})` : '';
  return `#${entry.id} ${entry.state} ${host}, ${attempts}, queued ${duration(nowMs - entry.createdAtMs)} ago, ${when}: ${oneLine(summary(entry.payload), 60)}${error}`;
}

/** The closing line of `janitor outbox list`: `2 pending (oldest queued 5m ago), 1 dead`. */
export function formatCounts(counts: { pending: number; dead: number; oldestPendingMs: number | null }, nowMs: number) {
  const oldest =
    counts.oldestPendingMs === null ? '' : ` (oldest queued ${duration(nowMs - counts.oldestPendingMs)} ago)`;
  return `${counts.pending} pending${oldest}, ${counts.dead} dead`;
}

/** `janitor outbox list [--dead]`: one line per entry, then the counts. */
export function listOutbox(store: Pick<Store, 'outbox'>, options: { dead?: boolean; nowMs: number }): string[] {
  const entries = store.outbox.list(options.dead ? { state: 'dead' } : {});
  const lines = entries.map((entry) => formatEntry(entry, options.nowMs));
  if (entries.length === 0) lines.push(options.dead ? 'no dead letters' : 'the outbox is empty');
  lines.push(formatCounts(store.outbox.counts(), options.nowMs));
  return lines;
}

/** What a flush did, in one line. */
export function formatDrain(result: DrainResult, nowMs: number): string {
  const parts = [`${result.posted} posted`, `${result.retried} to retry`, `${result.dead} dead`];
  if (result.merged > 0) parts.push(`${result.merged} merged`);
  const stopped =
    result.resumeAtMs === null ? '' : `; stopped: nothing goes out for ${duration(result.resumeAtMs - nowMs)}`;
  return `${parts.join(', ')}${stopped}`;
}

/** The first line of what an entry will post. */
function summary(payload: unknown): string {
  const p = payload as {
    kind?: string;
    message?: { summary?: string; text?: string };
    report?: { spoiler?: string; text?: string };
    items?: unknown[];
    hostname?: string;
  };
  if (p?.kind === 'message') return p.message?.summary || p.message?.text || '';
  if (p?.kind === 'report') return p.report?.spoiler || p.report?.text || '';
  if (p?.kind === 'merged') return `${p.items?.length ?? 0} posts merged for ${p.hostname ?? 'a host'}`;
  return JSON.stringify(payload) ?? '';
}

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** `45s`, `4m`, `2h 5m`, `3d 4h`. */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
