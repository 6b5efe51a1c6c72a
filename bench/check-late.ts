// Check-ins: how long after its deadline a check that missed it is posted (issue 13: within 60 s).
//
//   node bench/check-late.ts [--checks 6] [--period 60] [--hub PATH]
//
// The hub runs as users run it (`main.ts` with the flags of `HUB_NODE_FLAGS`, dry run, log level warn) with CHECKS
// declared checks (`period` seconds, grace 1 min, the shortest; each of its own host). Each is pinged once, the pings
// spread evenly over the hub's 30 s check interval (so that the deadlines fall at every phase of it), and then never
// again: each misses its deadline (last success + period + grace, read from `GET /api/v1/checks`). The bench polls
// `GET /api/v1/alerts` every 100 ms for the check's row (written with the post queued for it, in one commit); the
// figure is the time from the deadline to when that row is first seen: at worst the hub's check interval and a poll.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  hubArgs,
  hubMain,
  loadAverageLine,
  option,
  startServer,
  stopServer,
  writeHubConfig,
} from './hub-harness.ts';
import { fmt, machine } from './stats.ts';

const CHECKS = option('--checks', 6);
const PERIOD_S = option('--period', 60);
const CHECK_INTERVAL_S = 30;
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-check-late-'));
const slugs = Array.from({ length: CHECKS }, (_, i) => `job-${i + 1}`);

interface CheckRow {
  slug: string;
  nextDeadlineMs: number | null;
  problemSinceMs: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  const port = await freePort();
  const config = writeHubConfig(dir, [
    'checks:',
    ...slugs.map((slug) => `  - { slug: ${slug}, period: "${PERIOD_S}s", grace: "1m", host: ${slug}-host }`),
  ]);
  const hub = await startServer('hub', hubArgs(hubMain, config, port), port);
  const deadlines = new Map<string, number>();
  const seenLate = new Map<string, number>();
  try {
    for (const [i, slug] of slugs.entries()) {
      if (i > 0) await sleep((CHECK_INTERVAL_S * 1000) / CHECKS);
      const res = await fetch(`${hub.url}/ping/${slug}`);
      if (!res.ok) throw new Error(`ping ${slug}: ${res.status} ${await res.text()}`);
    }
    const view = (await (await fetch(`${hub.url}/api/v1/checks`)).json()) as { checks: CheckRow[] };
    for (const check of view.checks) deadlines.set(check.slug, check.nextDeadlineMs!);
    const giveUp = Math.max(...deadlines.values()) + 3 * CHECK_INTERVAL_S * 1000;
    while (seenLate.size < CHECKS && Date.now() < giveUp) {
      await sleep(100);
      const alerts = (await (await fetch(`${hub.url}/api/v1/alerts?limit=100`)).json()) as {
        alerts?: { hostname: string; transition?: string; label?: string }[];
      };
      const now = Date.now();
      for (const row of alerts.alerts ?? []) {
        const slug = row.hostname.replace(/-host$/, '');
        if (deadlines.has(slug) && !seenLate.has(slug)) seenLate.set(slug, now);
      }
    }
  } finally {
    await stopServer(hub);
  }

  const delays = slugs.map((slug) => {
    const seen = seenLate.get(slug);
    return seen === undefined ? Number.NaN : (seen - deadlines.get(slug)!) / 1000;
  });
  console.log(`machine: ${await machine()}`);
  console.log(loadAverageLine());
  console.log(
    `${CHECKS} checks (period ${PERIOD_S} s, grace 1 min), pinged once each, spread over the hub's ${CHECK_INTERVAL_S} s check interval`,
  );
  for (const [i, slug] of slugs.entries()) {
    console.log(`${slug}: late row seen ${fmt(delays[i]!, 1)} s after its deadline`);
  }
  const worst = Math.max(...delays.map((d) => (Number.isNaN(d) ? Number.POSITIVE_INFINITY : d)));
  console.log(
    `worst: ${fmt(worst, 1)} s after the deadline (target <= 60 s): ${worst <= 60 ? 'PASS' : 'FAIL'}${seenLate.size < CHECKS ? ` (${CHECKS - seenLate.size} never posted)` : ''}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
