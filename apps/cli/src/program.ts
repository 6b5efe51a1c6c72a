// janitor: the command line. Thin: each command reads the config and calls the packages and the agent.
//
// Each command loads what it needs when it runs (the agent, the publisher, the hub's helpers): cron starts
// `janitor scheduler` every minute, and a run with nothing due must not pay for modules it never uses.
import { hostname } from 'node:os';
import { MESSAGE_TYPES, type MessageType } from '@janitor/protocol';
import { Command, Option } from 'commander';
import type { RuntimeOptions } from 'janitor-agent';
import { parseDurationSeconds, parseHubUrl, runProgram } from 'janitor-agent/cli-support';
import pkg from '../package.json' with { type: 'json' };
import { outboxCommand } from './outbox.ts';
import { silenceCommand } from './silence.ts';

const agent = () => import('janitor-agent');

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
  .action(async (_o, cmd: Command) => {
    const { initConfig } = await import('./init.ts');
    const path = initConfig(cmd.optsWithGlobals<Common>().config ?? 'config.yaml');
    out(`wrote ${path}: set mastodon.api_base_url, then run 'janitor login'`);
  });

const run = program.command('run').description('run a job once');
run
  .command('local')
  .description('collect this machine’s metrics, check the limits, publish a report if one is crossed')
  .option('--dry-run', 'log the post that would be made instead of publishing')
  .action(async (_o, cmd: Command) => {
    const [{ formatDryRunPost, openRuntime, publisherFor }, { runLocalCheck }] = await Promise.all([
      agent(),
      import('@janitor/alerting'),
    ]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    const publisher = publisherFor(runtime);
    const outcome = await runLocalCheck({ config: runtime.config, publisher, logger: runtime.logger });
    for (const post of outcome.posts) if (post.dryRun) out(formatDryRunPost(post.draft));
    await runtime.logger.flush();
  });

run
  .command('remote')
  .description('collect this machine’s metrics and send them to the hub (spooled while the hub is unreachable)')
  .option('--dry-run', 'print the report that would be sent instead of sending it')
  .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
  .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
  .option('--legacy', 'send the original’s {"sys_data": …} report, for hubs of Janitor 0.1')
  .action(async (o: HubFlags & { legacy?: boolean }, cmd: Command) => {
    const { openRuntime, remoteOnceCommand } = await agent();
    const runtime = await openRuntime(runtimeOptions(cmd));
    await remoteOnceCommand(runtime, { ...hubChoice(o), ...(o.legacy ? { legacy: true } : {}) }, out);
    await runtime.logger.flush();
  });

const config = program.command('config').description('inspect the configuration');
config
  .command('validate')
  .description('load and validate the config; list every problem with its key path')
  .action(async (_o, cmd: Command) => {
    const { openRuntime } = await agent();
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
    const [{ openRuntime }, { ensureApp }] = await Promise.all([agent(), import('./login.ts')]);
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
      const [{ openRuntime }, { login, requireMethod }] = await Promise.all([agent(), import('./login.ts')]);
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
    const { formatDryRunPost, openRuntime, publisherFor } = await agent();
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

interface HubFlags {
  hub?: string;
  token?: string;
}

function hubChoice(o: HubFlags): { hub?: string; token?: string } {
  return { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) };
}

function withHubOptions(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'the hub’s address (default: app.service.remote_url)', parseHubUrl)
    .option('--token <token>', 'the hub’s bearer token (default: $JANITOR_HUB_TOKEN, app.service.remote_token)')
    .option('--hostname <name>', 'who the message is about (default: this machine’s hostname)');
}

withHubOptions(
  program
    .command('send')
    .description('post a message through the hub (MESSAGE "-" reads it from stdin)')
    .argument('<message>', 'the text of the message, or - to read it from stdin'),
)
  .addOption(new Option('--type <type>', 'the message type (its icon)').choices(MESSAGE_TYPES).default('none'))
  .option('--summary <text>', 'a summary: the post’s content warning')
  .action(
    async (text: string, o: HubFlags & { type: MessageType; summary?: string; hostname?: string }, cmd: Command) => {
      const [{ openRuntime, remoteTarget }, { sendMessage }, { readMessageFrom }] = await Promise.all([
        agent(),
        import('janitor-agent/tasks'),
        import('./send.ts'),
      ]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      const target = remoteTarget(runtime, hubChoice(o));
      const message = text === '-' ? await readMessageFrom(process.stdin) : text;
      const receipt = await sendMessage({
        url: target.url,
        ...(target.token ? { token: target.token } : {}),
        message: {
          text: message,
          type: o.type,
          hostname: o.hostname ?? hostname(),
          ...(o.summary ? { summary: o.summary } : {}),
        },
      });
      out(receipt.id === undefined ? 'sent' : `queued as #${receipt.id}`);
    },
  );

withHubOptions(
  program
    .command('exec')
    .description('run a command and report its outcome through the hub: an error when it fails')
    .argument('<command...>', 'the command and its arguments, after --')
    .usage('[options] -- <command> [args...]'),
)
  .addOption(
    new Option('--on-success <type>', 'also report a successful run, as this message type')
      .choices(['info', 'none'])
      .default('none'),
  )
  .option('--summary <text>', 'the summary of the report (default: "`cmd` failed (exit 3) after 1.2 s on host")')
  .option(
    '--tail-lines <n>',
    'lines of output in the report',
    (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 1000) throw new Error('expected a number of lines, 0-1000');
      return n;
    },
    20,
  )
  .action(
    async (
      words: string[],
      o: HubFlags & { onSuccess: 'info' | 'none'; summary?: string; tailLines: number; hostname?: string },
      cmd: Command,
    ) => {
      const [command = '', ...args] = words;
      const { execMessage, runCommand } = await import('janitor-agent/tasks');
      const result = await runCommand({ command, args, tailLines: o.tailLines });
      if (result.end.kind === 'not-started') process.stderr.write(`janitor exec: ${command}: ${result.end.reason}\n`);
      const ok = result.end.kind === 'exited' && result.end.code === 0;
      // Exit with the command's own status whatever happens to the report: cron sees the job, not janitor.
      process.exitCode = result.exitCode;
      if (ok && o.onSuccess === 'none') return;
      try {
        // The config is read after the command: a broken config.yaml never stops the job itself.
        const [{ openRuntime, remoteTarget }, { sendMessage }] = await Promise.all([
          agent(),
          import('janitor-agent/tasks'),
        ]);
        const runtime = await openRuntime(runtimeOptions(cmd));
        const target = remoteTarget(runtime, hubChoice(o));
        const message = execMessage(result, {
          command,
          args,
          hostname: o.hostname ?? hostname(),
          ...(o.summary ? { summary: o.summary } : {}),
        });
        await sendMessage({ url: target.url, ...(target.token ? { token: target.token } : {}), message });
      } catch (error) {
        const { describeFailure } = await agent();
        process.stderr.write(
          `janitor exec: warning: the outcome was not reported: ${describeFailure(error).message}\n`,
        );
      }
      process.exitCode = result.exitCode;
    },
  );

interface ListenFlags {
  detach?: boolean;
  dryRun?: boolean;
  host?: string;
  port?: number;
}

program
  .command('start')
  .description('the main job: the hub, and an agent of this machine reporting to it (dry run until logged in)')
  .option('--interval <duration>', 'time between two reports of this machine (60, 30s, 5m)', parseDurationSeconds, 60)
  .action(async (o: { interval: number }, cmd: Command) => {
    const configPath = cmd.optsWithGlobals<Common>().config;
    const [{ openRuntime }, { runMainJob }] = await Promise.all([agent(), import('./start.ts')]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    process.exitCode = await runMainJob({
      runtime,
      ...(configPath ? { configPath } : {}),
      intervalSeconds: o.interval,
      out,
    });
  });

const listen = program
  .command('listen')
  .description('run the hub: in the foreground, or in the background with --detach (see also: status, stop)')
  .option('--detach', 'run in the background: log to <state_dir>/hub.log, PID in <state_dir>/hub.pid')
  .option('--dry-run', 'log the posts instead of making them')
  .option('--host <host>', 'address to listen on (default: app.service.listen.host)')
  .option('--port <port>', 'port to listen on (default: app.service.listen.port)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error('expected a port number 0-65535');
    return n;
  })
  .action(async (o: ListenFlags, cmd: Command) => {
    const configPath = cmd.optsWithGlobals<Common>().config;
    const args = {
      ...(configPath ? { config: configPath } : {}),
      ...(o.host ? { host: o.host } : {}),
      ...(o.port === undefined ? {} : { port: o.port }),
      ...(o.dryRun ? { dryRun: true } : {}),
    };
    const [
      { openRuntime, resolveStateDir },
      { toTsLogLevel },
      { hubFiles, localUrl, runHubForeground, startHubDetached },
    ] = await Promise.all([agent(), import('@janitor/config'), import('./listen.ts')]);
    if (!o.detach) {
      process.exitCode = await runHubForeground(args);
      return;
    }
    const runtime = await openRuntime(runtimeOptions(cmd));
    const { listen: where } = runtime.config.data.app.service;
    const port = o.port ?? where.port;
    const logger = runtime.config.data.logger;
    const files = hubFiles(resolveStateDir(runtime.config));
    const started = await startHubDetached({
      args,
      files,
      ...(port === 0 ? {} : { expectedUrl: localUrl(o.host ?? where.host, port) }),
      logsListening: logger.to_stdout && toTsLogLevel(logger.loglevel) <= 3,
    });
    out(`hub running with PID ${started.pid} on ${started.url} (log: ${files.logFile})`);
    if (started.health !== 'ready') out(`warning: the hub is ${started.health}: see GET ${started.url}/health`);
  });

listen
  .command('status')
  .description('say whether the hub started with --detach is running (exit 0) or not (exit 3)')
  .action(async (_o, cmd: Command) => {
    const [{ openRuntime, resolveStateDir }, { hubEntryPoint, hubFiles, hubState, probeHealth }] = await Promise.all([
      agent(),
      import('./listen.ts'),
    ]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    const files = hubFiles(resolveStateDir(runtime.config));
    const state = hubState(files, hubEntryPoint());
    if (state.state === 'running') {
      const health = state.url ? await probeHealth(state.url) : undefined;
      const where = state.url ? ` on ${state.url}` : '';
      out(`hub running with PID ${state.pid}${where}${health ? ` (${health})` : ''}`);
      return;
    }
    out(
      state.state === 'stopped'
        ? 'hub not running'
        : `hub not running (stale pid file ${files.pidFile}: PID ${state.pid} ${state.reason === 'gone' ? 'is gone' : `is ${state.reason}`})`,
    );
    process.exitCode = EXIT_NOT_RUNNING;
  });

listen
  .command('stop')
  .description('stop the hub started with --detach (SIGTERM; SIGKILL after 10 s)')
  .action(async (_o, cmd: Command) => {
    const [{ openRuntime, resolveStateDir }, { hubFiles, stopHub }] = await Promise.all([
      agent(),
      import('./listen.ts'),
    ]);
    const runtime = await openRuntime(runtimeOptions(cmd));
    const files = hubFiles(resolveStateDir(runtime.config));
    const { stopped, killed } = await stopHub(files);
    if (stopped.state !== 'running') {
      out(stopped.state === 'stale' ? 'hub not running (stale pid file removed)' : 'hub not running');
      return;
    }
    out(killed ? `hub (PID ${stopped.pid}) did not stop in time and was killed` : `hub stopped (PID ${stopped.pid})`);
  });

program
  .command('scheduler')
  .description(
    'run the tasks of app.schedules due this minute (crontab: * * * * * janitor scheduler); exit 1 if one failed',
  )
  .option('--daemon', 'keep running and run each task on its minutes, without cron (stops on SIGTERM)')
  .action(async (o: { daemon?: boolean }, cmd: Command) => {
    const [{ schedulerCommand }, { hubEntryPoint }] = await Promise.all([
      import('janitor-agent/tasks'),
      import('./hub-entry.ts'),
    ]);
    const { exitCode, forceExit } = await schedulerCommand({
      ...runtimeOptions(cmd),
      daemon: o.daemon === true,
      out,
      hubMain: hubEntryPoint(),
    });
    // A task abandoned at its timeout (or a daemon's leftovers) must not keep the process alive.
    if (forceExit) process.exit(exitCode);
    process.exitCode = exitCode;
  });

const schedule = program.command('schedule').description('inspect the schedule (app.schedules)');
schedule
  .command('list')
  .description('each task, its expression in words, and its next three runs in its time zone')
  .action(async (_o, cmd: Command) => {
    const { scheduleListCommand } = await import('./scheduler.ts');
    await scheduleListCommand({ ...runtimeOptions(cmd), out });
  });

program.addCommand(silenceCommand({ runtimeOptions, out }));
program.addCommand(outboxCommand({ runtimeOptions, out }));

/** LSB: `status` of a service that is not running. */
const EXIT_NOT_RUNNING = 3;

process.exitCode = await runProgram(program);
