// The foreign alert engine over a real store in a temporary file, the clock injected: states, posts and alert log rows
// written together; a re-send posts nothing; a resolution is a reply in its incident's thread, found through the
// notification log as the outbox worker finds it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ForeignAlert, PostAbout } from '@janitor/protocol';
import { openStore, type Store } from '@janitor/store';
import { afterEach, describe, expect, it } from 'vitest';
import { createForeignAlertEngine, type ForeignAlertEngine } from './foreign-engine.ts';

const MINUTE = 60_000;
/** 2026-11-03 14:00 UTC. */
const T0 = Date.UTC(2026, 10, 3, 14, 0);

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Rig {
  store: Store;
  engine: ForeignAlertEngine;
  clock: { now: number };
  woken: number[];
  /** Posts every queued entry as the worker would: a status per entry, recorded in the notification log. */
  post(): { id: number; statusId: string; inReplyTo: string | undefined; about: PostAbout; text: string }[];
}

function rig(): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-foreign-'));
  dirs.push(dir);
  const store = openStore({ path: join(dir, 'janitor.db') });
  stores.push(store);
  const clock = { now: T0 };
  const woken: number[] = [];
  const engine = createForeignAlertEngine({ store, now: () => clock.now, onQueued: () => woken.push(clock.now) });
  let statusId = 100;
  return {
    store,
    engine,
    clock,
    woken,
    post() {
      const posted = [];
      for (let entry = store.outbox.next(); entry; entry = store.outbox.next()) {
        const about = entry.about as PostAbout;
        // What the worker asks before posting: the status this one continues.
        const inReplyTo = store.notifications.replyTarget(about, { nowMs: clock.now, threadWindowMs: 86_400_000 });
        const id = String(statusId++);
        store.outbox.complete(entry.id, entry.idempotencyKey, {
          statuses: [{ id, url: `https://social.example/@janitor/${id}` }],
          postedAtMs: clock.now,
        });
        const payload = entry.payload as { report: { text: string } };
        posted.push({ id: entry.id, statusId: id, inReplyTo, about, text: payload.report.text });
      }
      return posted;
    },
  };
}

const alert = (patch: Partial<ForeignAlert> = {}): ForeignAlert => ({
  source: 'alertmanager',
  key: 'fp1',
  status: 'firing',
  type: 'alarm',
  title: 'HighCPU',
  text: 'CPU at 97% on pi1',
  host: 'pi1',
  ...patch,
});

describe('createForeignAlertEngine', () => {
  it('posts a firing alert once, keeps its state, and logs it under its source', async () => {
    const { store, engine, woken, post } = rig();
    const outcome = await engine.ingest([alert()]);
    expect(outcome.queued).toHaveLength(1);
    expect(woken).toEqual([T0]);
    expect(store.foreignAlerts.get('alertmanager', 'fp1')).toMatchObject({
      incidentStartMs: T0,
      notifiedType: 'alarm',
    });
    const [posted] = post();
    expect(posted!.about).toEqual({
      kind: 'alert',
      host: 'pi1',
      key: 'alertmanager:fp1',
      incidentStartMs: T0,
      reason: 'firing',
    });
    expect(posted!.text).toMatch(/^HighCPU on pi1 is firing \(Alertmanager\)/);
    const [row] = store.alertLog.list().entries;
    expect(row).toMatchObject({
      hostname: 'pi1',
      key: 'alertmanager:fp1',
      label: 'HighCPU',
      transition: 'firing',
      level: 'alarm',
      incidentStartMs: T0,
      statusUrl: `https://social.example/@janitor/${posted!.statusId}`,
    });
  });

  it('posts nothing for an unchanged re-send (Alertmanager’s repeat_interval), and writes no row', async () => {
    const { store, engine, clock, woken, post } = rig();
    await engine.ingest([alert()]);
    post();
    clock.now += 4 * 60 * MINUTE;
    const again = await engine.ingest([alert({ text: 'CPU at 99% on pi1' })]);
    expect(again.queued).toEqual([]);
    expect(woken).toHaveLength(1);
    expect(store.outbox.counts().pending).toBe(0);
    expect(store.alertLog.list().entries.map((e) => e.transition)).toEqual(['firing']);
    expect(store.foreignAlerts.get('alertmanager', 'fp1')).toMatchObject({
      lastSeenMs: clock.now,
      text: 'CPU at 99% on pi1',
    });
  });

  it('posts the resolution as a reply in the incident’s thread, after its escalation, and forgets the alert', async () => {
    const { store, engine, clock, post } = rig();
    await engine.ingest([alert({ type: 'warning' })]);
    const [first] = post();
    clock.now += 5 * MINUTE;
    await engine.ingest([alert({ type: 'alarm' })]);
    const [escalated] = post();
    clock.now += 30 * MINUTE;
    await engine.ingest([alert({ status: 'resolved', text: '' })]);
    const [resolved] = post();
    expect(escalated!.inReplyTo).toBe(first!.statusId);
    expect(resolved!.inReplyTo).toBe(escalated!.statusId);
    expect(resolved!.about).toMatchObject({ key: 'alertmanager:fp1', incidentStartMs: T0, reason: 'resolved' });
    expect(resolved!.text).toBe('HighCPU on pi1 resolved after 35m (Alertmanager)');
    expect(store.foreignAlerts.get('alertmanager', 'fp1')).toBeUndefined();
    const ended = store.alertLog.list({ state: 'resolved' }).entries[0];
    expect(ended).toMatchObject({ transition: 'resolved', incidentStartMs: T0, durationMs: 35 * MINUTE });
  });

  it('starts a new thread for the next incident of the same fingerprint', async () => {
    const { engine, clock, post } = rig();
    await engine.ingest([alert()]);
    clock.now += MINUTE;
    await engine.ingest([alert({ status: 'resolved' })]);
    clock.now += MINUTE;
    await engine.ingest([alert()]);
    const [, , again] = post();
    expect(again!.inReplyTo).toBeUndefined();
    expect(again!.about).toMatchObject({ incidentStartMs: T0 + 2 * MINUTE });
  });

  it('keys alerts by source and fingerprint: each has its own incident and thread', async () => {
    const { store, engine, post } = rig();
    await engine.ingest([alert(), alert({ key: 'fp2', title: 'DiskFull' }), alert({ source: 'grafana' })]);
    expect(post().map((p) => p.about)).toMatchObject([
      { key: 'alertmanager:fp1' },
      { key: 'alertmanager:fp2' },
      { key: 'grafana:fp1' },
    ]);
    await engine.ingest([alert({ key: 'fp2', status: 'resolved' })]);
    expect(engine.firing().map((f) => `${f.source}/${f.key}`)).toEqual(['alertmanager/fp1', 'grafana/fp1']);
    expect(engine.firing('grafana')).toHaveLength(1);
    expect(store.foreignAlerts.get('alertmanager', 'fp2')).toBeUndefined();
  });

  it('holds posts back under a silence of the host, logs them as silenced, and posts once it ended', async () => {
    const { store, engine, clock, post } = rig();
    store.silences.add({ hostname: 'pi1', key: '*', untilMs: T0 + 10 * MINUTE });
    const held = await engine.ingest([alert(), alert({ key: 'other', host: 'nas' })]);
    expect(held.changes.map((c) => [c.key, c.heldBack, c.post])).toEqual([
      ['fp1', true, undefined],
      ['other', false, 'firing'],
    ]);
    expect(post()).toHaveLength(1);
    clock.now += 11 * MINUTE;
    await engine.ingest([alert()]);
    const [late] = post();
    expect(late!.about).toMatchObject({ key: 'alertmanager:fp1', reason: 'firing', incidentStartMs: T0 });
    const transitions = store.alertLog
      .list({ host: 'pi1' })
      .entries.reverse()
      .map((e) => e.transition);
    expect(transitions).toEqual(['silenced', 'firing']);
  });

  it('writes nothing of a delivery whose posts cannot be queued', async () => {
    const { store } = rig();
    const failing = {
      ...store,
      transaction: store.transaction,
      foreignAlerts: store.foreignAlerts,
      alertLog: store.alertLog,
      silences: store.silences,
      outbox: {
        enqueueMany: (inputs: Parameters<Store['outbox']['enqueueMany']>[0]) => {
          store.outbox.enqueueMany(inputs);
          throw new Error('disk full');
        },
      },
    };
    const engine = createForeignAlertEngine({ store: failing, now: () => T0 });
    await expect(engine.ingest([alert({ key: 'fp0' }), alert()])).rejects.toThrow('disk full');
    expect(store.foreignAlerts.list()).toEqual([]);
    expect(store.outbox.counts().pending).toBe(0);
    expect(store.alertLog.list().entries).toEqual([]);
  });
});
