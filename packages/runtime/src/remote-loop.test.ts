// The long-running remote loop, against a recording hub on loopback: reports every interval, the spool first, the
// dry run printed, a refused token logged without stopping, and SIGINT/SIGTERM logged by name.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { parseConfig } from '@janitor/config';
import type { LogFields, Sample } from '@janitor/protocol';
import { type RecordingHub, startRecordingHub, tempDir as tempDirNamed } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { runRemoteLoop } from './remote-loop.ts';
import type { Runtime } from './runtime.ts';

type Line = { level: string; message: string; fields: LogFields | undefined };

const hubs: RecordingHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function recordingHub(): Promise<RecordingHub> {
  const hub = await startRecordingHub();
  hubs.push(hub);
  return hub;
}

function runtimeIn(dir: string, dryRun: boolean): Runtime & { lines: Line[] } {
  const config = parseConfig(
    { app: { state_dir: 'state' } },
    { baseDir: dir, filepath: join(dir, 'config.yaml'), env: {} },
  );
  const lines: Line[] = [];
  const log = (level: string) => (message: string, fields?: LogFields) => void lines.push({ level, message, fields });
  const logger = {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    flush: async () => {},
  };
  return { config, logger, dryRun, lines };
}

let collected = 0;
function nextSample(): Promise<Sample> {
  collected += 1;
  return Promise.resolve({
    hostname: 'pi',
    collectedAtMs: 1_700_000_000_000 + collected * 60_000,
    metrics: { cpu_percent: 10, cpu_count: 4, memory_percent: 20, disk_usage_percent: 30 },
    disks: [],
    network: [],
  });
}

/** Resolves once `done()` holds; fails the test after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const collectedAt = (hub: RecordingHub) => hub.received.map((r) => (r.body as { sample: Sample }).sample.collectedAtMs);

describe('runRemoteLoop', () => {
  it('reports every interval, a spooled report first, until SIGINT, which it logs by name', async () => {
    await using dir = await tempDirNamed('janitor-loop-');
    const hub = await recordingHub();
    const runtime = runtimeIn(dir.path, false);
    const signals = new EventEmitter();
    // The first report finds the hub unable to take it: it waits in the spool and goes first next time.
    hub.answer(() => ({ status: 503 }));
    const loop = runRemoteLoop(runtime, { hub: hub.url, intervalSeconds: 0.05, collect: nextSample, signals });
    await until(() => hub.received.length >= 1);
    hub.answer(() => ({ status: 200, body: { status: 'queued' } }));
    await until(() => hub.received.length >= 4);
    signals.emit('SIGINT', 'SIGINT');
    await loop;
    const times = collectedAt(hub);
    expect(times[1]).toBe(times[0]);
    expect(times.slice(1)).toEqual([...times.slice(1)].sort((a, b) => a - b));
    const messages = runtime.lines.map((l) => l.message);
    expect(runtime.lines[0]).toMatchObject({
      message: 'agent started',
      fields: { mode: 'remote', hub: hub.url, intervalSeconds: 0.05, spooled: 0 },
    });
    expect(runtime.lines.find((l) => l.message === 'agent stopping')?.fields).toEqual({ signal: 'SIGINT' });
    expect(messages.at(-1)).toBe('agent stopped');
    // The listeners went with the loop: a later signal takes its default action again.
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('a refused token is logged and the loop goes on; the report waits for the fixed token', async () => {
    await using dir = await tempDirNamed('janitor-loop-');
    const hub = await recordingHub();
    const runtime = runtimeIn(dir.path, false);
    const signals = new EventEmitter();
    hub.answer(() => ({ status: 401, body: { error: 'invalid token' } }));
    const loop = runRemoteLoop(runtime, { hub: hub.url, intervalSeconds: 0.05, collect: nextSample, signals });
    await until(() => runtime.lines.filter((l) => l.level === 'error').length >= 2);
    expect(runtime.lines.find((l) => l.level === 'error')?.message).toMatch(/^the hub refused the token .*401/);
    hub.answer(() => ({ status: 200 }));
    const refused = hub.received.length;
    await until(() => hub.received.slice(refused).length >= 3);
    signals.emit('SIGTERM', 'SIGTERM');
    await loop;
    expect(runtime.lines.find((l) => l.message === 'agent stopping')?.fields).toEqual({ signal: 'SIGTERM' });
  });

  it('a dry run prints each report and sends nothing; an abort from outside stops it too', async () => {
    await using dir = await tempDirNamed('janitor-loop-');
    const hub = await recordingHub();
    const runtime = runtimeIn(dir.path, true);
    const printed: string[] = [];
    const stop = new AbortController();
    const loop = runRemoteLoop(runtime, {
      hub: hub.url,
      intervalSeconds: 0.05,
      collect: nextSample,
      out: (text) => printed.push(text),
      signal: stop.signal,
      signals: new EventEmitter(),
    });
    await until(() => printed.length >= 2);
    stop.abort();
    await loop;
    expect(printed[0]).toMatch(new RegExp(`^--- dry run: this report was not sent ---\\nPOST ${hub.url}/sysinfo\\n`));
    expect(hub.received).toEqual([]);
    expect(runtime.lines.map((l) => l.message)).not.toContain('agent stopping');
  });
});
