// A hub whose store commits without waiting for the disk (durability 'background') answers a request that may have
// written only once the write survives a power cut (`synced`), and does not make reads wait for it.
import { afterAll, describe, expect, it } from 'vitest';
import { form, json, startHub } from './hub.test-support.ts';

/** A `synced` that the test releases by hand, counting its callers. */
function heldSync() {
  let release: () => void = () => {};
  let held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sync = {
    calls: 0,
    synced: () => {
      sync.calls++;
      return held;
    },
    release() {
      release();
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
  return sync;
}

/** Whether `promise` settled within a few turns of the event loop. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('a hub whose store syncs in the background', () => {
  const sync = heldSync();
  const hub = startHub({ deps: { synced: sync.synced } });
  afterAll(() => hub.close());

  it('answers POST /message once the store synced, with the message queued', async () => {
    const answer = hub.request('/message', form({ hostname: 'pi', message: 'git pull failed' }));
    expect(await settled(answer)).toBe(false);
    expect(sync.calls).toBe(1);
    sync.release();
    const res = await answer;
    expect(res.status).toBe(200);
    expect(hub.store.outbox.counts().pending).toBe(1);
  });

  it('answers a silence and a webhook only after the sync too', async () => {
    const silence = hub.request('/silences', json({ host: 'pi', for: '1h' }));
    const webhook = hub.request('/webhooks/generic', json({ title: 'backup', message: 'backup failed' }));
    expect(await settled(Promise.race([silence, webhook]))).toBe(false);
    sync.release();
    expect((await silence).status).toBe(200);
    expect((await webhook).status).toBe(200);
  });

  it('does not make a read wait for it', async () => {
    const calls = sync.calls;
    const res = await hub.request('/health');
    expect(res.status).toBe(200);
    expect(sync.calls).toBe(calls);
  });

  it('answers a report that changed nothing without waiting (a history point need not survive a power cut)', async () => {
    const calls = sync.calls;
    const res = await hub.request('/sysinfo', json({ sys_data: { hostname: 'pi', cpu_percent: 10 } }));
    expect(res.status).toBe(200);
    expect(sync.calls).toBe(calls);
  });
});
