// janitor init, config validate|migrate, create-app, login, mastodon test: setting Janitor up.
import { type Command, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { type Common, out, rt, runtimeOptions, warn } from './common.ts';

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
    .action(async (_o, cmd: Command) => (await rt()).validateConfig(runtimeOptions(cmd).configPath, out));

  config
    .command('migrate')
    .description("convert the original Janitor's v0.5 config/ folder into one config.yaml, comments kept")
    .option('--output <path>', "where to write it, '-' to print it (default: config.yaml beside config/)")
    .option('--force', 'replace an existing file')
    .action(async (o: { output?: string; force?: boolean }, cmd: Command) =>
      (await rt()).migrateConfig({ ...runtimeOptions(cmd), ...o, out, warn }),
    );

  program
    .command('create-app')
    .description('register Janitor as an application on the server and save its client credentials (0600)')
    .option('--force', 'register again even if the client file exists')
    .action(async (o: { force?: boolean }, cmd: Command) =>
      (await import('@janitor/runtime/login')).createAppCommand(runtimeOptions(cmd), { ...o, out }),
    );

  program
    .command('login')
    .description('get an access token, check it, and save it (0600) to mastodon.credentials.user_file')
    .addOption(new Option('--token [token]', 'paste a token made in the account’s Development settings (default)'))
    .option('--oauth', 'authorize in a browser: prints an address, then reads the code it shows (PKCE, out-of-band)')
    .option('--code <code>', 'with --oauth: the authorization code, instead of asking for it')
    .addOption(new Option('--password [password]', 'email/username and password (Pleroma and Akkoma only)'))
    .option('--username <name>', 'with --password: the email or username (default: mastodon.credentials.user.email)')
    .action(async (o, cmd: Command) =>
      (await import('@janitor/runtime/login')).loginCommand(runtimeOptions(cmd), o, out),
    );

  const mastodon = program.command('mastodon').description('talk to the Mastodon-compatible server');
  mastodon
    .command('test')
    .description('post a test status and print its address')
    .option('--dry-run', 'log the status instead of posting it')
    .action(async (_o, cmd: Command) => (await rt()).mastodonTest(runtimeOptions(cmd), { version: pkg.version, out }));
}
