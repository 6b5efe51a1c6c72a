import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MessageLogEntry } from '@janitor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogCursorError, type MessageLogInput, openStore, type Store } from './index.ts';
import { encodeLogCursor } from './log-page.ts';

let dir: string;
let store: Store;
let clockMs: number;

const MINUTE = 60_000;
/** 2026-12-01 09:00 UTC. */
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-store-message-log-'));
  clockMs = T0;
  store = openStore({ path: join(dir, 'janitor.db'), now: () => clockMs });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A message queued in the outbox and recorded in the log in one transaction, as the hub's /message does. */
function accept(over: Partial<MessageLogInput> = {}): MessageLogEntry {
  return store.transaction(() => {
    const entry = store.outbox.enqueue({ payload: { text: over.text ?? 'backup done' }, groupKey: 'web1' });
    return store.messageLog.record({
      hostname: 'web1',
      source: 'token:backup-script',
      type: 'info',
      summary: 'Backup',
      text: 'backup done',
      outboxId: entry.id,
      ...over,
    });
  });
}

describe('the message log', () => {
  it('records a message with the time of the store clock and lists it unposted', () => {
    const recorded = accept();
    const expected: MessageLogEntry = {
      id: 1,
      atMs: T0,
      hostname: 'web1',
      source: 'token:backup-script',
      type: 'info',
      summary: 'Backup',
      text: 'backup done',
      outboxId: 1,
      statusUrl: null,
      posted: false,
    };
    expect(recorded).toEqual(expected);
    expect(store.messageLog.list()).toEqual({ entries: [expected], next: null });
  });

  it('is posted, with its status URL, once the outbox entry is completed with the server answer', () => {
    const first = accept();
    const second = accept({ text: 'disk check', hostname: null, summary: null, source: '203.0.113.5' });
    const entry = store.outbox.get(first.outboxId)!;
    store.outbox.complete(entry.id, entry.idempotencyKey, {
      statuses: [{ id: '555', url: 'https://social.example/@janitor/555' }],
    });
    // A server that gives no URL: posted all the same.
    const other = store.outbox.get(second.outboxId)!;
    store.outbox.complete(other.id, other.idempotencyKey, { statuses: [{ id: '556', url: null }] });
    expect(store.messageLog.list().entries.map((e) => [e.text, e.statusUrl, e.posted, e.hostname])).toEqual([
      ['disk check', null, true, null],
      ['backup done', 'https://social.example/@janitor/555', true, 'web1'],
    ]);
  });

  it('a merged post gives every message it stands for its status URL', () => {
    const a = accept({ text: 'one' });
    const b = accept({ text: 'two' });
    const merged = store.outbox.replace([a.outboxId, b.outboxId], { payload: { text: 'one and two' } });
    store.outbox.complete(merged.id, merged.idempotencyKey, {
      statuses: [{ id: '700', url: 'https://s.example/700' }],
    });
    expect(store.messageLog.list().entries.map((e) => e.statusUrl)).toEqual([
      'https://s.example/700',
      'https://s.example/700',
    ]);
  });

  it('rolls back with the enqueue it was recorded with', () => {
    expect(() =>
      store.transaction(() => {
        const entry = store.outbox.enqueue({ payload: {} });
        store.messageLog.record({ source: 'x', type: 'none', text: 't', outboxId: entry.id });
        throw new Error('the answer could not be written');
      }),
    ).toThrow('the answer could not be written');
    expect(store.messageLog.list().entries).toEqual([]);
  });

  it('pages newest first through many messages, filtered by host and time', () => {
    for (let i = 0; i < 120; i += 1) {
      clockMs = T0 + i * MINUTE;
      accept({ hostname: i % 2 === 0 ? 'web1' : 'db1', text: `m${i}` });
    }
    const texts: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = store.messageLog.list({ host: 'web1', limit: 25, ...(cursor ? { cursor } : {}) });
      texts.push(...page.entries.map((e) => e.text));
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(texts).toEqual(Array.from({ length: 60 }, (_, i) => `m${118 - 2 * i}`));
    expect(store.messageLog.list({ fromMs: T0 + 117 * MINUTE }).entries.map((e) => e.text)).toEqual([
      'm119',
      'm118',
      'm117',
    ]);
    expect(store.messageLog.list({ hosts: ['db1'], limit: 1 }).entries.map((e) => e.text)).toEqual(['m119']);
  });

  it('refuses a cursor of the alert log, and a bad row', () => {
    accept();
    expect(() => store.messageLog.list({ cursor: encodeLogCursor('a', { atMs: T0, id: 1 }) })).toThrow(LogCursorError);
    expect(() => store.messageLog.record({ source: '', type: 'info', text: 't', outboxId: 1 })).toThrow(/source/);
    expect(() => store.messageLog.record({ source: 's', type: 'loud' as 'info', text: 't', outboxId: 1 })).toThrow(
      /not a message type/,
    );
    expect(() => store.messageLog.record({ source: 's', type: 'info', text: 't', outboxId: 0 })).toThrow(/outboxId/);
  });

  it('purges by age', () => {
    accept({ text: 'old' });
    clockMs = T0 + 401 * 86_400_000;
    accept({ text: 'new' });
    expect(store.messageLog.purge(clockMs - 400 * 86_400_000)).toBe(1);
    expect(store.messageLog.list().entries.map((e) => e.text)).toEqual(['new']);
  });
});
