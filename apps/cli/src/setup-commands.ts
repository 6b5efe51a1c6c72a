// janitor init, config validate|migrate, create-app, login, mastodon test: setting Janitor up.
import { hostname } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
import { type Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { type Common, out, rt, runtimeOptions } from './common.ts';

/** Adds the setup commands to `program`. */
export function addSetupCommands(program: Command): void {
  program
    .command('init')
    .description('write a commented config.yaml from config.yaml.dist (never overwrites)')
    .action(async (_o, cmd: Command) => {
      const { initConfig } = await import('./init.ts');
      const path = initConfig(cmd.optsWithGlobals<Common>().config ?? 'config.yaml');
      out(`wrote ${path}: set mastodon.api_base_url, then run 'janitor login'`);
    });

  const config = program.command('config').description('inspect the configuration');
  config
    .command('validate')
    .description('load and validate the config; list every problem with its key path')
    .action(async (_o, cmd: Command) => {
      // Loaded without the runtime's logger, which would log each warning once more.
      const { loadConfig } = await import('@janitor/config');
      const { configPath } = runtimeOptions(cmd);
      const config = await loadConfig(configPath ? { configPath } : {});
      out(`${describeSources(config)}: valid (${config.rules.length} threshold rules)`);
      for (const w of config.warnings) out(`warning: ${w}`);
    });

  config
    .command('migrate')
    .description("convert the original Janitor's v0.5 config/ folder into one config.yaml, comments kept")
    .option('--output <path>', "where to write it, '-' to print it (default: config.yaml beside config/)")
    .option('--force', 'replace an existing file')
    .action(async (o: { output?: string; force?: boolean }, cmd: Command) => {
      const [{ findOriginalLayout, migrateOriginalConfig }, { CliError, EXIT }, { writeMigratedConfig }] =
        await Promise.all([import('@janitor/config'), rt(), import('./migrate.ts')]);
      const { configPath } = runtimeOptions(cmd);
      const from = configPath ? resolve(configPath) : findOriginalLayout(process.cwd());
      if (!from) {
        throw new CliError(
          'no config/main.yaml of the original Janitor here or in a folder above; name the folder with --config PATH',
          EXIT.config,
        );
      }
      const migration = await migrateOriginalConfig({ from });
      const folder = `${dirname(migration.sources[0] as string)}/`;
      if (o.output === '-') {
        out(migration.yaml.trimEnd());
        for (const w of migration.warnings) process.stderr.write(`warning: ${w}\n`);
        return;
      }
      const target = resolve(o.output ?? migration.target);
      writeMigratedConfig(target, migration.yaml, { force: o.force === true });
      out(`wrote ${target} from ${folder} (${migration.sources.map((f) => basename(f)).join(', ')})`);
      if (migration.unused.length > 0) {
        out('left out, because this version does not use them (also listed at the top of the file):');
        for (const line of migration.unused) out(`  ${line}`);
      }
      for (const w of migration.warnings) out(`warning: ${w}`);
      out(`Janitor now reads ${target}; ${folder} is no longer read (keep it as a backup, or remove it).`);
    });

  program
    .command('create-app')
    .description('register Janitor as an application on the server and save its client credentials (0600)')
    .option('--force', 'register again even if the client file exists')
    .action(async (o: { force?: boolean }, cmd: Command) => {
      const [{ openRuntime }, { ensureApp }, { requireServer }] = await Promise.all([
        rt(),
        import('@janitor/runtime/login'),
        import('@janitor/config'),
      ]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      // Nothing is registered on a server the config does not name (the default is a placeholder).
      requireServer(runtime.config);
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
        const [{ openRuntime }, { login, requireMethod }, { requireServer }] = await Promise.all([
          rt(),
          import('@janitor/runtime/login'),
          import('@janitor/config'),
        ]);
        const method = requireMethod(o);
        const runtime = await openRuntime(runtimeOptions(cmd));
        requireServer(runtime.config);
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
      const [{ formatDryRunPost, openRuntime, requirePosting }, { publisherFor }] = await Promise.all([
        rt(),
        import('@janitor/runtime/posting'),
      ]);
      const runtime = await openRuntime(runtimeOptions(cmd));
      // A test post without credentials is exit 4 and where to put a token, not a dry run.
      requirePosting(runtime);
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
}

/** Where the config came from: the file, the original's config/ folder and its files, or the embedded defaults. */
function describeSources(config: LoadedConfig): string {
  const { filepath, sources } = config;
  if (!filepath) return 'no config file found: embedded defaults';
  if (sources.length <= 1) return filepath;
  return `${dirname(filepath)}/ (${sources.map((f) => basename(f)).join(', ')})`;
}
