// Posting wired once: createPosting gives every caller the same meaning of the config. Through the real publisher,
// a real store file and the fake server: `status_post.pacing: false` turns the post budget off, and the budget spent
// is read from the store (what earlier runs or the hub before a restart posted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, parseConfig } from '@janitor/config';
import { openStore, type Store } from '@janitor/store';
import { startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createPosting } from './posting.ts';
import type { Runtime } from './runtime.ts';

const TOKEN = 'tok-posting-5521';
const NOW = Date.parse('2026-12-02T10:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runtimeFor(url: string, pacing: boolean): Runtime {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-posting-'));
  dirs.push(dir);
  const config = parseConfig(
    {
      app: { state_dir: dir },
      logger: { to_stdout: false },
      mastodon: { api_base_url: url, instance_type: 'pleroma', status_post: { pacing } },
    },
    { baseDir: dir, env: { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN } },
  );
  return { config, logger: createLogger(config.data.logger), dryRun: false };
}

/** A store whose budget says Pleroma's 15 posts in 10 s were all spent a second ago, with one message queued. */
function spentStore(runtime: Runtime): Store {
  const store = openStore({ path: join(runtime.config.data.app.state_dir, 'janitor.db'), now: () => NOW });
  store.kv.set(
    'publisher.post_times',
    Array.from({ length: 15 }, () => NOW - 1000),
  );
  store.outbox.enqueue({ payload: { kind: 'message', message: { hostname: 'pi1', text: 'disk full' } } });
  return store;
}

describe('createPosting', () => {
  it('paces under the budget kept in the store: nothing goes out while it is spent', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const runtime = runtimeFor(fake.url, true);
    const store = spentStore(runtime);
    try {
      const { worker } = createPosting(runtime, store, {
        env: { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN },
        now: () => NOW,
      });
      const result = await worker.drain();
      expect(result.posted).toBe(0);
      expect(result.resumeAtMs).toBeGreaterThan(NOW);
      expect(fake.statuses).toHaveLength(0);
      expect(store.outbox.counts().pending).toBe(1);
    } finally {
      store.close();
    }
  });

  it('status_post.pacing: false posts at once, whatever the budget says', async () => {
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN], postRateLimit: false });
    const runtime = runtimeFor(fake.url, false);
    const store = spentStore(runtime);
    try {
      const { worker } = createPosting(runtime, store, {
        env: { JANITOR_MASTODON_ACCESS_TOKEN: TOKEN },
        now: () => NOW,
      });
      const result = await worker.drain();
      expect(result.posted).toBe(1);
      expect(fake.statuses.map((s) => s.params.status)).toEqual([expect.stringContaining('disk full')]);
      expect(store.outbox.counts().pending).toBe(0);
    } finally {
      store.close();
    }
  });
});
