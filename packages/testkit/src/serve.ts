#!/usr/bin/env node
// Start the fake Mastodon server for manual demos:
//   node packages/testkit/src/serve.ts --port 3000 --flavour pleroma --token abc
// Prints `listening <url>` (one line), then every created status as one JSON line on stdout.
import { parseArgs } from 'node:util';
import { startFakeMastodon } from './fake-mastodon.ts';
import { FLAVOURS, isFlavour } from './flavour.ts';

const USAGE = `usage: serve.ts [--port N] [--host ADDR] [--flavour ${FLAVOURS.join('|')}] [--token T]... [--max-characters N] [--user NAME:PASSWORD]...`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    flavour: { type: 'string', default: 'mastodon' },
    token: { type: 'string', multiple: true },
    'max-characters': { type: 'string' },
    user: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!isFlavour(values.flavour)) fail(`unknown flavour ${JSON.stringify(values.flavour)}`);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid port ${JSON.stringify(values.port)}`);
const maxCharacters = values['max-characters'] === undefined ? undefined : Number(values['max-characters']);
if (maxCharacters !== undefined && !(Number.isInteger(maxCharacters) && maxCharacters > 0)) {
  fail(`invalid --max-characters ${JSON.stringify(values['max-characters'])}`);
}
const users = (values.user ?? []).map((entry) => {
  const colon = entry.indexOf(':');
  if (colon <= 0) fail(`--user expects NAME:PASSWORD, got ${JSON.stringify(entry)}`);
  return { username: entry.slice(0, colon), password: entry.slice(colon + 1) };
});

const fake = await startFakeMastodon({
  flavour: values.flavour,
  port,
  host: values.host,
  ...(values.token ? { accessTokens: values.token } : {}),
  ...(maxCharacters === undefined ? {} : { maxCharacters }),
  users,
  onStatus: (status) => {
    const { id, status: text, spoilerText, visibility, language, contentType, idempotencyKey, createdAt } = status;
    process.stdout.write(
      `${JSON.stringify({ id, status: text, spoilerText, visibility, language, contentType, idempotencyKey, createdAt })}\n`,
    );
  },
});
process.stdout.write(`listening ${fake.url} (${fake.flavour}, max ${fake.maxCharacters} characters)\n`);

const stop = () => {
  fake.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
