// janitor init, config validate, create-app, login, mastodon test: setting Janitor up.
import { hostname } from 'node:os';
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
      const { openRuntime } = await rt();
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
      const [{ openRuntime }, { ensureApp }] = await Promise.all([rt(), import('@janitor/runtime/login')]);
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
        const [{ openRuntime }, { login, requireMethod }] = await Promise.all([rt(), import('@janitor/runtime/login')]);
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
      const [{ formatDryRunPost, openRuntime }, { publisherFor }] = await Promise.all([
        rt(),
        import('@janitor/runtime/posting'),
      ]);
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
}
