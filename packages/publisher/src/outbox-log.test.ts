// The notification log through the worker: a real store, the fake server and the real masto client. After a post
// the store knows its status id and what it was about, before the outbox forgets the entry.
import { DatabaseSync } from 'node:sqlite';
import type { PostAbout } from '@janitor/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxPayload } from './outbox-payload.ts';
import { postOnly, posts, runCleanups, setup, T0 } from './outbox-worker.test-support.ts';
import type { OutboxPort } from './outbox-worker.ts';

afterEach(runCleanups);

const incident = { host: 'pi-1', key: 'disk_usage_percent@/data', incidentStartMs: T0 - 300_000 };
const alert = (reason: string, over: Partial<typeof incident> = {}): PostAbout => ({
  kind: 'alert',
  ...incident,
  ...over,
  reason,
});
const report = (hostname: string, spoiler: string, text: string): OutboxPayload => ({
  kind: 'report',
  report: { spoiler, text, hostname },
});

describe('the notification log', () => {
  it('after a post the store returns its status id for the alert, and what the status is about', async () => {
    const { clock, store, fake, worker } = await setup();
    const firing = store.outbox.enqueue({
      payload: report('pi-1', '🚨 pi-1', 'disk /data is 93 % full'),
      groupKey: 'pi-1',
      about: alert('firing'),
    });
    clock.advance(1234);
    expect(await worker.drain()).toMatchObject({ posted: 1 });

    const status = fake.statuses[0]!;
    const logged = store.notifications.lastOfIncident(incident);
    expect(logged).toEqual({
      id: expect.any(Number),
      statusId: status.id,
      url: `${fake.url}/@${fake.account.username}/${status.id}`,
      postedAtMs: T0 + 1234,
      part: 0,
      outboxId: firing.id,
      groupKey: 'pi-1',
      about: alert('firing'),
    });
    expect(store.notifications.about(status.id)?.about).toEqual(alert('firing'));
    expect(store.outbox.get(firing.id)).toBeUndefined();

    // The resolution of the same incident: the last status moves on, the first stays the announcement.
    store.outbox.enqueue({
      payload: report('pi-1', '✅ pi-1', 'disk /data is back to 70 %'),
      groupKey: 'pi-1',
      about: alert('resolved'),
    });
    await worker.drain();
    const resolved = fake.statuses[1]!;
    expect(store.notifications.firstOfIncident(incident)?.statusId).toBe(status.id);
    expect(store.notifications.lastOfIncident(incident)).toMatchObject({
      statusId: resolved.id,
      about: alert('resolved'),
    });
    // Another host's incident of the same rule is another incident.
    expect(store.notifications.lastOfIncident({ ...incident, host: 'pi-2' })).toBeUndefined();
  });

  it('a message is logged with its outbox id and group; one queued without `about` as a report', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const message = enqueue('pi-2', 'backup done', { kind: 'message', host: 'pi-2', groupKey: 'pi-2' });
    const plain = enqueue('pi-3', 'said nothing of itself');
    await worker.drain();
    const [first, second] = fake.statuses;
    expect(store.notifications.about(first!.id)).toMatchObject({
      outboxId: message.id,
      groupKey: 'pi-2',
      about: { kind: 'message', host: 'pi-2', groupKey: 'pi-2' },
    });
    expect(store.notifications.about(second!.id)).toMatchObject({ outboxId: plain.id, about: { kind: 'report' } });
  });

  it('a merged post logs each entry merged into it under the one status id', async () => {
    // A budget of 2 posts in 3 hours, less its reserve: the three queued posts of pi-1 must go out as one status.
    const { store, fake, worker } = await setup({ worker: { budget: [{ limit: 2, windowMs: 3 * 3_600_000 }] } });
    const entries = [
      store.outbox.enqueue({
        payload: report('pi-1', '🚨 pi-1', 'disk full'),
        groupKey: 'pi-1',
        about: alert('firing'),
      }),
      store.outbox.enqueue({
        payload: report('pi-1', '🚨 pi-1', 'cpu hot'),
        groupKey: 'pi-1',
        about: alert('firing', { key: 'cpu_percent', incidentStartMs: T0 - 60_000 }),
      }),
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: 'pi-1', text: 'backup done' } },
        groupKey: 'pi-1',
        about: { kind: 'message', host: 'pi-1', thread: 'backup' },
      }),
    ];

    expect(await worker.drain()).toMatchObject({ posted: 1, merged: 2 });
    expect(fake.statuses).toHaveLength(1);
    const status = fake.statuses[0]!;
    expect(status.status).toMatch(/^3 alerts and messages for pi-1:/);
    expect(store.notifications.allAbout(status.id).map((e) => [e.outboxId, e.groupKey, e.about])).toEqual([
      [entries[0]!.id, 'pi-1', alert('firing')],
      [entries[1]!.id, 'pi-1', alert('firing', { key: 'cpu_percent', incidentStartMs: T0 - 60_000 })],
      [entries[2]!.id, 'pi-1', { kind: 'message', host: 'pi-1', thread: 'backup' }],
    ]);
    expect(store.notifications.lastOfIncident(incident)?.statusId).toBe(status.id);
    expect(
      store.notifications.lastOfIncident({ host: 'pi-1', key: 'cpu_percent', incidentStartMs: T0 - 60_000 })?.statusId,
    ).toBe(status.id);
    expect(store.outbox.counts().pending).toBe(0);
  });

  it('a thread logs every part, in order; the parts of an earlier attempt keep their address', async () => {
    const { clock, store, fake, worker } = await setup({ fake: { maxCharacters: 200 } });
    const text = Array.from({ length: 6 }, (_, i) => `Line ${i + 1}: ${'the disk keeps filling '.repeat(3)}`).join(
      '\n',
    );
    store.outbox.enqueue({ payload: report('pi-1', '🚨 pi-1', text), groupKey: 'pi-1', about: alert('firing') });
    // The first part goes through, the second gets a 503: the next attempt resumes after the first.
    fake.failNext({ kind: 'delay', ms: 0 }, postOnly);
    fake.failNext({ kind: 'status', status: 503 }, postOnly);
    const failed = await worker.drain();
    expect(failed).toMatchObject({ posted: 0, retried: 1 });
    expect(store.notifications.lastOfIncident(incident)).toBeUndefined();
    clock.set(failed.resumeAtMs!);
    expect(await worker.drain()).toMatchObject({ posted: 1 });

    const statuses = fake.statuses;
    expect(statuses.length).toBeGreaterThan(2);
    const logged = store.notifications
      .allAbout(statuses[0]!.id)
      .concat(statuses.slice(1).flatMap((s) => store.notifications.allAbout(s.id)));
    expect(logged.map((e) => [e.statusId, e.part, e.url])).toEqual(
      statuses.map((s, i) => [s.id, i, `${fake.url}/@${fake.account.username}/${s.id}`]),
    );
    expect(store.notifications.firstOfIncident(incident)?.statusId).toBe(statuses[0]!.id);
    expect(store.notifications.lastOfIncident(incident)?.statusId).toBe(statuses.at(-1)!.id);
  });

  it('records the statuses before the entry is deleted: a log that cannot be written keeps the entry owed', async () => {
    const { store, fake, worker, enqueue } = await setup();
    const entry = enqueue('pi-1', 'posted, then the log failed', alert('firing'));
    const db = new DatabaseSync(store.path);
    db.exec(`CREATE TRIGGER broken_log BEFORE INSERT ON notification BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    try {
      await expect(worker.drain()).rejects.toThrow('disk I/O error');
    } finally {
      db.exec('DROP TRIGGER broken_log');
      db.close();
    }
    expect(store.outbox.get(entry.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(store.notifications.lastOfIncident(incident)).toBeUndefined();

    // The next pass sends it again under the same key: Mastodon answers with the status it made, which is logged.
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(posts(fake)).toHaveLength(2);
    expect(fake.statuses).toHaveLength(1);
    expect(store.notifications.lastOfIncident(incident)?.statusId).toBe(fake.statuses[0]!.id);
    expect(store.outbox.get(entry.id)).toBeUndefined();
  });

  it('a dry run posts nothing, so it logs nothing', async () => {
    const { store, newWorker, enqueue } = await setup({ publisher: { dryRun: true } });
    enqueue('pi-1', 'not really posted', alert('firing'));
    expect(await newWorker().drain()).toMatchObject({ posted: 1 });
    expect(store.outbox.counts().pending).toBe(0);
    expect(store.notifications.lastOfIncident(incident)).toBeUndefined();
    expect(store.notifications.purge(Number.POSITIVE_INFINITY)).toBe(0);
  });

  it('an outbox without a log works as before: it is handed the statuses and may ignore them', async () => {
    const handed: unknown[] = [];
    const { store, fake, worker, enqueue } = await setup({
      port: (outbox): OutboxPort => ({
        ...outbox,
        complete: (id, key, posted) => {
          handed.push(posted);
          return outbox.complete(id, key);
        },
      }),
    });
    const entry = enqueue('pi-1', 'no log here', alert('firing'));
    expect(await worker.drain()).toMatchObject({ posted: 1 });
    expect(store.outbox.get(entry.id)).toBeUndefined();
    expect(handed).toEqual([{ statuses: [{ id: fake.statuses[0]!.id, url: expect.any(String) }], postedAtMs: T0 }]);
    expect(store.notifications.about(fake.statuses[0]!.id)).toBeUndefined();
  });
});
