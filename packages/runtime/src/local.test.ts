// Local mode as the agent's loop runs it: a check every interval, without credentials a dry run said once, and
// SIGINT/SIGTERM logged by name.
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { parseConfig } from '@janitor/config';
import type { LogFields, Sample } from '@janitor/protocol';
import { tempDir as tempDirNamed } from '@janitor/testkit';
import { describe, expect, it } from 'vitest';
import { runLocalLoop } from './local.ts';
import type { Runtime } from './runtime.ts';

type Line = { level: string; message: string; fields: LogFields | undefined };

function runtimeIn(dir: string): Runtime & { lines: Line[] } {
  const config = parseConfig(
    {
      app: { state_dir: 'state', run_control: { dry_run: false } },
      mastodon: { api_base_url: 'https://bots.example.net' },
      system_info: { thresholds: { cpu_count: { value: 0 } } },
    },
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
  return { config, logger, dryRun: false, lines };
}

const sample = (): Promise<Sample> =>
  Promise.resolve({
    hostname: 'pi',
    collectedAtMs: Date.now(),
    metrics: { cpu_percent: 10, cpu_count: 4, memory_percent: 20, disk_usage_percent: 30 },
    disks: [],
    network: [],
  });

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('runLocalLoop', () => {
  it('checks every interval; without credentials each post is printed, the dry run said once; SIGINT is named', async () => {
    await using dir = await tempDirNamed('janitor-local-loop-');
    const runtime = runtimeIn(dir.path);
    const printed: string[] = [];
    const signals = new EventEmitter();
    const loop = runLocalLoop(runtime, {
      intervalSeconds: 0.05,
      collect: sample,
      out: (text) => printed.push(text),
      env: {},
      signals,
    });
    await until(() => printed.length >= 3);
    signals.emit('SIGINT', 'SIGINT');
    await loop;
    expect(printed[2]).toMatch(/^--- dry run: this post was not made ---\n[\s\S]*CPU count/);
    const notices = runtime.lines.filter((l) => l.message.startsWith('dry run: no Mastodon credentials yet'));
    expect(notices.map((l) => l.level)).toEqual(['warn']);
    expect(runtime.lines[0]).toMatchObject({
      message: 'agent started',
      fields: { mode: 'local', intervalSeconds: 0.05 },
    });
    expect(runtime.lines.find((l) => l.message === 'agent stopping')?.fields).toEqual({ signal: 'SIGINT' });
    expect(runtime.lines.at(-1)?.message).toBe('agent stopped');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
