import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import type { LoadedConfig } from '@janitor/config';
import { MIN_HUB_TOKEN_LENGTH, PUBLIC_URL_CHARACTERS } from '@janitor/config';
import { CliError, EXIT } from './runtime.ts';

/** Options of {@link agentInstallCommand}. */
export interface AgentInstallCommandOptions {
  /** The hub's config: its address and the tokens it accepts. */
  config: Pick<LoadedConfig, 'data'>;
  /** The token the new client will present. */
  token: string;
  /** `--hub URL`: the hub's address as clients reach it. @default see {@link agentInstallCommand} */
  hub?: string;
  /** @default os.hostname() */
  hostname?: () => string;
}

/** The install line, and what the person running it should know. */
export interface AgentInstallCommand {
  /** `curl -fsSL http://hub:5000/install.sh | sh -s -- --token T` */
  line: string;
  hubUrl: string;
  /** Reasons the line may not work as it is (an address only this machine reaches, a token the hub refuses). */
  warnings: string[];
}

/**
 * The line that installs janitor-agent on a client from this hub (`janitor agent-install-command`). The hub's
 * address is `hub` when given, else `app.service.public_url`, else `app.service.remote_url` unless it is a loopback
 * address, else the listen address (this machine's hostname when it listens on every address), else the loopback
 * `remote_url` with a warning.
 * @throws CliError (exit 2) for a token shorter than 16 characters or with spaces
 *
 * @example
 * agentInstallCommand({ config, token: 'pi-token-0123456789abcdef', hub: 'http://hub.lan:5000' }).line
 * // curl -fsSL http://hub.lan:5000/install.sh | sh -s -- --token pi-token-0123456789abcdef
 */
export function agentInstallCommand(options: AgentInstallCommandOptions): AgentInstallCommand {
  const { config, token, hostname = osHostname } = options;
  const service = config.data.app.service;
  if (token.length < MIN_HUB_TOKEN_LENGTH) {
    throw new CliError(`--token: expected a token of at least ${MIN_HUB_TOKEN_LENGTH} characters`, EXIT.usage);
  }
  if (/[\s\p{Cc}]/u.test(token)) throw new CliError('--token: a token has no spaces or control characters', EXIT.usage);

  const warnings: string[] = [];
  const listen = service.listen;
  const wildcard = listen.host === '0.0.0.0' || listen.host === '::' || listen.host === '';
  let hubUrl: string;
  if (options.hub !== undefined) hubUrl = options.hub;
  else if (service.public_url !== undefined) hubUrl = service.public_url;
  else if (!isLoopback(new URL(service.remote_url).hostname)) hubUrl = service.remote_url;
  else if (wildcard) hubUrl = `http://${hostname()}:${listen.port}`;
  else if (!isLoopback(listen.host)) hubUrl = urlOf(listen.host, listen.port);
  else {
    hubUrl = service.remote_url;
    warnings.push(
      `${hubUrl} is an address of this machine only: give --hub with the address clients reach the hub at, ` +
        'or set app.service.public_url',
    );
  }
  hubUrl = hubUrl.replace(/\/+$/, '');
  if (!PUBLIC_URL_CHARACTERS.test(hubUrl)) {
    throw new CliError(`the hub address ${hubUrl} has characters the install script does not take`, EXIT.usage);
  }

  if (service.tokens.length === 0) {
    warnings.push(
      'this hub has no tokens: it takes reports from loopback, private networks and app.service.allow_networks only, ' +
        'and ignores the token',
    );
  } else if (!service.tokens.some((t) => t.token === token)) {
    warnings.push('this token is not one of app.service.tokens (nor JANITOR_HUB_TOKEN): the hub will refuse it');
  }

  return {
    line: `curl -fsSL ${hubUrl}/install.sh | sh -s -- --token ${shellQuote(token)}`,
    hubUrl,
    warnings,
  };
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

function urlOf(host: string, port: number): string {
  return isIP(host) === 6 ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

/** Quotes a word for a POSIX shell when it needs it. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}
