#!/usr/bin/env node
// janitor-agent: collects this machine's metrics. Local mode checks them and publishes here.
import { createCollector } from '@janitor/metrics';
import { Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { parseDurationSeconds, runProgram } from './cli-support.ts';
import { runLocalCheck } from './local-check.ts';
import { formatDryRunPost, openRuntime, publisherFor } from './runtime.ts';

interface AgentOptions {
  mode: 'local';
  once?: boolean;
  interval: number;
  config?: string;
  dryRun?: boolean;
}

const program = new Command('janitor-agent')
  .description("Collects this machine's metrics and checks them against the limits in config.yaml (local mode).")
  .version(pkg.version)
  .addOption(
    new Option('--mode <mode>', 'local: collect, check and publish on this machine')
      .choices(['local'])
      .default('local'),
  )
  .option('--once', 'run one check and exit (what cron calls)')
  .option('--interval <duration>', 'time between checks when long-running (60, 30s, 5m)', parseDurationSeconds, 60)
  .option('-c, --config <path>', 'the config file (default: $JANITOR_CONFIG, or config.yaml found upward)')
  .option('--dry-run', 'log the post that would be made instead of publishing')
  .action(async (options: AgentOptions) => {
    const runtime = await openRuntime({
      ...(options.config ? { configPath: options.config } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
    });
    const publisher = publisherFor(runtime);
    if (options.once) {
      const outcome = await runLocalCheck({ config: runtime.config, publisher, logger: runtime.logger });
      if (outcome.published?.dryRun) process.stdout.write(`${formatDryRunPost(outcome.published.draft)}\n`);
      await runtime.logger.flush();
      return;
    }
    // Long-running: one collector keeps its counters in memory; a failed check is logged and the loop goes on.
    const collector = createCollector();
    const intervalMs = options.interval * 1000;
    runtime.logger.info('agent started', { mode: options.mode, intervalSeconds: options.interval });
    let stopping = false;
    let wake: (() => void) | undefined;
    const stop = () => {
      stopping = true;
      wake?.();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    while (!stopping) {
      const started = Date.now();
      try {
        await runLocalCheck({ config: runtime.config, publisher, logger: runtime.logger, collect: collector.collect });
      } catch (error) {
        runtime.logger.error('check failed', { error: error instanceof Error ? error.message : String(error) });
      }
      const delay = Math.max(0, intervalMs - (Date.now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    runtime.logger.info('agent stopped');
    await runtime.logger.flush();
  });

process.exitCode = await runProgram(program);
