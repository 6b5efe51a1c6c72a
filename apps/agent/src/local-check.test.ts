// Local mode once, in process: an injected sample, the real publisher, the fake server. The original's goldens say
// what must reach the server.
import { tmpdir } from 'node:os';
import { type LoadedConfig, parseConfig } from '@janitor/config';
import type { LogFields, Logger, Sample } from '@janitor/protocol';
import { createPublisher } from '@janitor/publisher';
import { type Golden, goldens, startFakeMastodon } from '@janitor/testkit';
import { describe, expect, it } from 'vitest';
import { runLocalCheck } from './local-check.ts';

const TOKEN = 'tok-golden-8841';

function goldenCase(name: string): Golden & { request: { json: { sys_data: Record<string, number | string> } } } {
  const found = goldens.cases.find((c) => c.name === name);
  if (!found?.request.json) throw new Error(`golden case missing: ${name}`);
  return found as never;
}

/** The golden's `sys_data` as a v2 sample (no disks: the rules read the flat metrics, as the original did). */
function sampleOf(sysData: Record<string, number | string>): Sample {
  const { hostname, ...metrics } = sysData;
  return {
    hostname: String(hostname),
    collectedAtMs: 0,
    metrics: metrics as Record<string, number>,
    disks: [],
    network: [],
  };
}

/** accepted_differences[0]: a float the JSON input wrote as 90.0 may print as 90. */
const acceptingWholeFloats = (text: string) => text.replace(/(\d)\.0(?!\d)/g, '$1');

/** The original's defaults (config.yaml.dist of v0.1): Pleroma, Markdown, public, default thresholds. */
function originalConfig(url: string): LoadedConfig {
  return parseConfig(
    {
      mastodon: {
        api_base_url: url,
        instance_type: 'pleroma',
        status_post: { content_type: 'text/markdown', visibility: 'public' },
      },
    },
    { baseDir: tmpdir(), env: {} },
  );
}

function recordingLogger(): Logger & { lines: Array<[string, string, LogFields | undefined]> } {
  const lines: Array<[string, string, LogFields | undefined]> = [];
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push([level, message, fields]);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('runLocalCheck', () => {
  it('posts exactly the golden "sysinfo over two thresholds (cpu warning, disk alarm: worst wins)"', async () => {
    const golden = goldenCase('sysinfo over two thresholds (cpu warning, disk alarm: worst wins)');
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const publisher = createPublisher({
      url: fake.url,
      accessToken: TOKEN,
      instanceType: 'pleroma',
      contentType: 'text/markdown',
      visibility: 'public',
    });
    const outcome = await runLocalCheck({
      config: originalConfig(fake.url),
      publisher,
      logger: recordingLogger(),
      collect: async () => sampleOf(golden.request.json.sys_data),
    });

    expect(outcome.published?.dryRun).toBe(false);
    expect(fake.statuses).toHaveLength(1);
    const posted = fake.statuses[0]!;
    expect(posted.status).toBe(acceptingWholeFloats(golden.posted!.status));
    expect(posted.spoilerText).toBe(golden.posted!.spoiler_text);
    expect(posted.contentType).toBe(golden.posted!.content_type);
    expect(posted.visibility).toBe(golden.posted!.visibility);
  });

  it('logs "No issues found" and contacts nobody for the golden that posted nothing', async () => {
    const golden = goldenCase('sysinfo, everything at or under thresholds (80.0 is not over 80)');
    expect(golden.posted).toBeNull();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const logger = recordingLogger();
    const outcome = await runLocalCheck({
      config: originalConfig(fake.url),
      publisher: createPublisher({ url: fake.url, accessToken: TOKEN, instanceType: 'pleroma' }),
      logger,
      collect: async () => sampleOf(golden.request.json.sys_data),
    });
    expect(outcome.published).toBeUndefined();
    expect(outcome.evaluation.breaches).toEqual([]);
    expect(logger.lines.filter(([level]) => level === 'info').map(([, message]) => message)).toEqual([
      'No issues found',
    ]);
    expect(fake.requests).toEqual([]);
  });
});
