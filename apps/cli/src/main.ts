#!/usr/bin/env node
// janitor: the command line. Thin: each command reads the config and calls the packages and the agent.
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { formatDryRunPost, openRuntime, publisherFor, type RuntimeOptions, runLocalCheck } from 'janitor-agent';
import { runProgram } from 'janitor-agent/cli-support';
import pkg from '../package.json' with { type: 'json' };
import { initConfig } from './init.ts';
import { ensureApp, login, requireMethod } from './login.ts';

interface Common {
  config?: string;
  dryRun?: boolean;
}

/** The global options reach subcommands through optsWithGlobals(). */
function runtimeOptions(cmd: Command): RuntimeOptions {
  const o = cmd.optsWithGlobals<Common>();
  return { ...(o.config ? { configPath: o.config } : {}), ...(o.dryRun ? { dryRun: true } : {}) };
}

const out = (line: string) => process.stdout.write(`${line}\n`);

const program = new Command('janitor')
  .description('Janitor watches machines and speaks through the Fediverse.')
  .version(pkg.version)
  .option('-c, --config <path>', 'the config file (default: $JANITOR_CONFIG, or config.yaml found upward)')
  .showHelpAfterError('(run with --help for usage)');

program
  .command('init')
  .description('write a commented config.yaml from config.yaml.dist (never overwrites)')
  .action((_o, cmd: Command) => {
    const path = initConfig(cmd.optsWithGlobals<Common>().config ?? 'config.yaml');
    out(`wrote ${path}: set mastodon.api_base_url, then run 'janitor login'`);
  });

const run = program.command('run').description('run a job once');
run
  .command('local')
  .description('collect this machine’s metrics, check the limits, publish a report if one is crossed')
  .option('--dry-run', 'log the post that would be made instead of publishing')
  .action(async (_o, cmd: Command) => {
    const runtime = await openRuntime(runtimeOptions(cmd));
    const publisher = publisherFor(runtime);
    const outcome = await runLocalCheck({ config: runtime.config, publisher, logger: runtime.logger });
    if (outcome.published?.dryRun) out(formatDryRunPost(outcome.published.draft));
    await runtime.logger.flush();
  });

const config = program.command('config').description('inspect the configuration');
config
  .command('validate')
  .description('load and validate the config; list every problem with its key path')
  .action(async (_o, cmd: Command) => {
    const runtime = await openRuntime(runtimeOptions(cmd));
    const { filepath, rules, warnings } = runtime.config;
    out(`${filepath ?? 'no config file found: embedded defaults'}: valid (${rules.length} threshold rules)`);
    for (const w of warnings) out(`warning: ${w}`);
  });

program
  .command('create-app')
  .description('register Janitor as an application on the server and save its client credentials (0600)')
  .option('--force', 'register again even if the client file exists')
  .action(async (o: { force?: boolean }, cmd: Command) => {
    const runtime = await openRuntime(runtimeOptions(cmd));
    const app = await ensureApp(runtime, { force: o.force === true });
    const file = runtime.config.data.mastodon.credentials.client_file;
    out(
      app.created
        ? `app registered; credentials saved to ${file}`
        : `app already registered (${file}); --force registers a new one`,
    );
  });

program
  .command('login')
  .description('get an access token, check it, and save it (0600) to mastodon.credentials.user_file')
  .addOption(new Option('--token [token]', 'paste a token made in the account’s Development settings (default)'))
  .option('--oauth', 'authorize in a browser: prints an address, then reads the code it shows (PKCE, out-of-band)')
  .option('--code <code>', 'with --oauth: the authorization code, instead of asking for it')
  .addOption(new Option('--password [password]', 'email/username and password (Pleroma and Akkoma only)'))
  .option('--username <name>', 'with --password: the email or username (default: mastodon.credentials.user.email)')
  .action(
    async (
      o: { token?: string | true; oauth?: boolean; code?: string; password?: string | true; username?: string },
      cmd: Command,
    ) => {
      const method = requireMethod(o);
      const runtime = await openRuntime(runtimeOptions(cmd));
      const { account, file } = await login(runtime, {
        method,
        ...(typeof o.token === 'string' ? { token: o.token } : {}),
        ...(o.code ? { code: o.code } : {}),
        ...(o.username ? { username: o.username } : {}),
        ...(typeof o.password === 'string' ? { password: o.password } : {}),
        out,
      });
      out(`logged in as @${account.acct} on ${runtime.config.data.mastodon.api_base_url}; token saved to ${file}`);
    },
  );

const mastodon = program.command('mastodon').description('talk to the Mastodon-compatible server');
mastodon
  .command('test')
  .description('post a test status and print its address')
  .option('--dry-run', 'log the status instead of posting it')
  .action(async (_o, cmd: Command) => {
    const runtime = await openRuntime(runtimeOptions(cmd));
    const publisher = publisherFor(runtime);
    const result = await publisher.publish({
      type: 'info',
      hostname: hostname(),
      text: `Test post from Janitor ${pkg.version} at ${new Date().toISOString()}: publishing works.`,
    });
    if (result.dryRun) out(formatDryRunPost(result.draft));
    else out(result.url ?? `posted (status id ${result.id})`);
    await runtime.logger.flush();
  });

process.exitCode = await runProgram(program);
