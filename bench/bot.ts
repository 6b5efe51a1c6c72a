// The bot: how long a mention takes to be answered, by streaming and by polling.
//
//   node bench/bot.ts [--mentions 30] [--only streaming|polling] [--hub PATH]
//
// A hub is started as users run it (`node apps/hub/src/main.ts --config ... --port ...` with HUB_NODE_FLAGS, logger
// level warn), logged in (JANITOR_MASTODON_ACCESS_TOKEN) to the testkit's fake Mastodon server, which runs in this
// process, with `bot: { enabled: true, allowed_accounts: [owner@example.social] }`. pi1 first gets 6 hours of history
// (360 v2 reports, one a minute, all under the thresholds: no alert post competes with the answers). Then --mentions
// mentions from owner@example.social, `@janitor status pi1` (an answer with pi1's values and a chart of its last 6
// hours, rendered and uploaded with POST /api/v2/media) and `@janitor help` (text only) in turn. Latency: from
// `fake.mention()` (the status and its notification exist, and are pushed on the open streams) to the moment the fake
// creates the bot's status replying to it (its `onStatus` callback, in this process). Two cases, each with its own
// fake and hub:
// - streaming: the default; the hub's listener holds a WebSocket on the streaming API, and a notification wakes its
//   catch-up (GET /api/v1/notifications). Mentions one at a time: the next 200 ms after the answer.
// - polling: the fake refuses streaming (`streaming: false`, upgrades answered 404), `bot.poll_interval: "10s"` (the
//   minimum); the hub polls the notifications every 10 s. Mentions one at a time, 0.5-3.5 s apart (seeded random),
//   without waiting for the answers, so that they land at every point of the poll cycle.
// The fake's rate limits are off (requests, posts, and the 30 uploads per 30 minutes of Mastodon): they would turn
// the later answers into answers without a chart, or make them wait, which is not what is measured here.
// Each latency is split at the first GET /api/v1/notifications the fake received after the mention (the hub reading
// it): before, the stream's push or the poll's wait; after, the command, the chart, the upload and the post.
// Targets (issue 12): median and p99 within 2 s by streaming, within the poll interval + 2 s (12 s) by polling.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeMastodon, type RecordedStatus, startFakeMastodon } from '../packages/testkit/src/index.ts';
import {
  args,
  freePort,
  hubArgs,
  hubMain,
  loadAverageLine,
  option,
  type Server,
  startServer,
  stopServer,
} from './hub-harness.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const MENTIONS = option('--mentions', 30);
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
if (ONLY !== undefined && ONLY !== 'streaming' && ONLY !== 'polling')
  throw new Error('--only must be streaming or polling');
const OWNER = 'owner@example.social';
const TOKEN = 'bench-bot-token';
const POLL_INTERVAL_MS = 10_000;
const STREAMING_TARGET_MS = 2000;
const POLLING_TARGET_MS = POLL_INTERVAL_MS + 2000;
const HOUR = 3_600_000;
/** Give up on one answer after this long (it counts as missing). */
const ANSWER_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small seeded random generator (mulberry32), so every run spaces the mentions the same way. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pi1's report at `atMs`: a v2 sample, cpu along a slow wave between 15 and 55 % (under the default 80). */
function report(atMs: number, i: number): string {
  return JSON.stringify({
    version: 2,
    sample: {
      hostname: 'pi1',
      collectedAtMs: atMs,
      metrics: {
        cpu_percent: 35 + 20 * Math.sin(i / 30),
        cpu_count: 4,
        memory_total: 8_000_000_000,
        memory_used: 2_000_000_000,
        memory_avail: 6_000_000_000,
        memory_free: 5_000_000_000,
        memory_percent: 25 + 5 * Math.sin(i / 50),
        load_1: 0.4,
        uptime_seconds: 86_400 + i * 60,
      },
      disks: [
        {
          mount: '/',
          device: '/dev/sda1',
          fsType: 'ext4',
          totalBytes: 100e9,
          usedBytes: 30e9,
          freeBytes: 70e9,
          usedPercent: 30,
        },
      ],
      network: [{ iface: 'eth0', rxBytesPerSecond: 1200, txBytesPerSecond: 800 }],
    },
  });
}

/** One mention and what became of it. */
interface Sample {
  command: 'status pi1' | 'help';
  /** Epoch ms (the fake's clock) of the mention. */
  sentAt: number;
  /** performance.now() at the mention and at the answer's creation. */
  t0: number;
  t1?: number;
  /** The first GET /api/v1/notifications after the mention (epoch ms, the fake's clock). */
  readAt?: number;
  answers: RecordedStatus[];
}

interface CaseResult {
  name: string;
  samples: Sample[];
  /** Requests the fake answered the hub, by kind. */
  requests: Record<string, number>;
  hubLog: string;
}

async function runCase(kind: 'streaming' | 'polling'): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), `janitor-bench-bot-${kind}-`));
  const byMention = new Map<string, Sample>();
  const samples: Sample[] = [];
  let fake: FakeMastodon | undefined;
  let hub: Server | undefined;
  let hubLog = '';
  try {
    fake = await startFakeMastodon({
      accessTokens: [TOKEN],
      streaming: kind === 'streaming',
      rateLimit: false,
      postRateLimit: false,
      mediaRateLimit: false,
      onStatus: (status) => {
        const sample = status.inReplyToId ? byMention.get(status.inReplyToId) : undefined;
        if (!sample) return;
        sample.t1 ??= performance.now();
        sample.answers.push(status);
      },
    });
    const port = await freePort();
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        `app: { run_control: { dry_run: false }, state_dir: ${JSON.stringify(join(dir, 'state'))} }`,
        `mastodon: { api_base_url: ${JSON.stringify(fake.url)}, instance_type: mastodon }`,
        'logger: { loglevel: warn }',
        `bot: { enabled: true, allowed_accounts: [${OWNER}], poll_interval: "${POLL_INTERVAL_MS / 1000}s" }`,
      ].join('\n'),
    );
    const env = { ...process.env, JANITOR_MASTODON_ACCESS_TOKEN: TOKEN };
    hub = await startServer('the hub', hubArgs(hubMain, config, port), port, { env });
    const stderr = hub.child.stderr;
    stderr?.on('data', (chunk: Buffer) => {
      hubLog += chunk.toString();
    });

    // pi1's last 6 hours, a report a minute, oldest first (the hub keeps a v2 report at its own time).
    const start = Date.now() - 6 * HOUR;
    for (let i = 0; i < 360; i++) {
      const res = await fetch(`${hub.url}/sysinfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: report(start + (i + 1) * 60_000, i),
      });
      if (res.status !== 200) throw new Error(`report ${i} answered ${res.status}: ${await res.text()}`);
    }

    // The listener is ready: subscribed to the stream, or past its first poll.
    const f = fake;
    if (kind === 'streaming') {
      await f.waitFor(() => f.streams.some((s) => s.open && s.subscriptions.length > 0), { timeoutMs: 15_000 });
    } else {
      await f.waitFor(() => f.requests.some((r) => r.path === '/api/v1/notifications'), { timeoutMs: 15_000 });
    }
    await sleep(500);

    const next = random(kind === 'streaming' ? 1 : 2);
    for (let i = 0; i < MENTIONS; i++) {
      const command = i % 2 === 0 ? 'status pi1' : 'help';
      const sentAt = Date.now();
      const t0 = performance.now();
      const { status } = f.mention({ from: OWNER, text: `@janitor ${command}` });
      const sample: Sample = { command, sentAt, t0, answers: [] };
      byMention.set(status.id, sample);
      samples.push(sample);
      if (kind === 'streaming') {
        const deadline = t0 + ANSWER_TIMEOUT_MS;
        while (sample.t1 === undefined && performance.now() < deadline) await sleep(2);
        await sleep(200);
      } else {
        await sleep(500 + next() * 3000);
      }
    }
    // Every answer, or the time for one more poll and its work.
    const deadline = performance.now() + (kind === 'polling' ? POLL_INTERVAL_MS + 5000 : 5000);
    while (samples.some((s) => s.t1 === undefined) && performance.now() < deadline) await sleep(5);
    await sleep(1000); // a second answer to the same mention would show now

    const reads = f.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/notifications');
    for (const sample of samples) sample.readAt = reads.find((r) => r.receivedAt >= sample.sentAt)?.receivedAt;
    const requests: Record<string, number> = {};
    for (const r of f.requests) {
      const key = `${r.method} ${r.path.replace(/\/\d+$/, '/:id')}`;
      requests[key] = (requests[key] ?? 0) + 1;
    }
    return { name: kind, samples, requests, hubLog };
  } finally {
    if (hub) await stopServer(hub);
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: CaseResult[] = [];
for (const kind of ['streaming', 'polling'] as const) {
  if (ONLY === undefined || ONLY === kind) cases.push(await runCase(kind));
}

// --- report --------------------------------------------------------------------------------------------------------
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores; the fake server and this process share them too'));
console.log(
  `${MENTIONS} mentions per case from ${OWNER}, 'status pi1' (with a chart of 6 hours, 360 points) and 'help' in turn; ` +
    'the hub in its own process, the fake Mastodon server in this one (rate limits off)',
);
const ms = (v: number) => (Number.isFinite(v) ? `${fmt(v / 1000, 2)} s` : 'n/a');
const table = [['case', 'command', 'answered', 'median', 'p99', 'max', 'until read (median)', 'then (median)']];
let pass = true;
for (const c of cases) {
  const target = c.name === 'streaming' ? STREAMING_TARGET_MS : POLLING_TARGET_MS;
  for (const command of ['status pi1', 'help', 'all'] as const) {
    const chosen = c.samples.filter((s) => command === 'all' || s.command === command);
    const answered = chosen.filter((s) => s.t1 !== undefined);
    const latency = answered.map((s) => s.t1! - s.t0);
    const read = answered.filter((s) => s.readAt !== undefined).map((s) => s.readAt! - s.sentAt);
    const then = answered.filter((s) => s.readAt !== undefined).map((s) => s.t1! - s.t0 - (s.readAt! - s.sentAt));
    table.push([
      c.name,
      command,
      `${answered.length}/${chosen.length}`,
      ms(median(latency)),
      ms(percentile(latency, 99)),
      ms(Math.max(...latency)),
      ms(median(read)),
      ms(median(then)),
    ]);
    if (command === 'all') {
      const ok = answered.length === chosen.length && median(latency) <= target && percentile(latency, 99) <= target;
      pass &&= ok;
      console.log(
        `${c.name}: median ${ms(median(latency))}, p99 ${ms(percentile(latency, 99))} ` +
          `(target <= ${ms(target)}; ${answered.length}/${chosen.length} answered): ${ok ? 'PASS' : 'FAIL'}`,
      );
    }
  }
}
for (const row of formatTable(table)) console.log(row);
for (const c of cases) {
  const statusAnswers = c.samples.filter((s) => s.command === 'status pi1' && s.answers.length > 0);
  const withChart = statusAnswers.filter((s) => s.answers[0]!.mediaIds.length === 1).length;
  const twice = c.samples.filter((s) => s.answers.length > 1).length;
  console.log(
    `${c.name}: ${withChart}/${statusAnswers.length} 'status pi1' answers carry a chart; ${twice} mentions answered ` +
      `more than once; the hub's requests: ${Object.entries(c.requests)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
  );
  if (withChart !== statusAnswers.length || twice > 0) pass = false;
  // The hub's own lines at level warn and above; anything else on its stderr is masto's console output (it prints a
  // WebSocket ErrorEvent when the server refuses the stream, see @janitor/publisher's masto-client.ts).
  const lines = c.hubLog.split('\n').filter((line) => line.trim() !== '');
  const own = lines.filter((line) => / (WARN|ERROR) /.test(line));
  if (lines.length > 0) {
    console.log(
      `${c.name}: the hub logged ${own.length} warning or error lines (${lines.length - own.length} other lines on stderr)`,
    );
    for (const line of own) console.log(`  ${line}`);
  }
}
process.exitCode = pass ? 0 : 1;
