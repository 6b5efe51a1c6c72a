import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, toTsLogLevel } from './create-logger.ts';
import type { ConfigData } from './schema.ts';

function capture(settings: Partial<ConfigData['logger']>) {
  const stream = new PassThrough();
  const lines: string[] = [];
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger(
    { loglevel: 'info', name: 'janitor', to_file: false, filename: 'x', to_stdout: true, style: 'pretty', ...settings },
    { stream },
  );
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one line per event with key=value fields', () => {
    const { logger, lines } = capture({});
    logger.info('hub listening', { host: '127.0.0.1', port: 5000, note: 'two words' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+Z INFO {2}janitor hub listening host=127\.0\.0\.1 port=5000 note="two words"$/);
  });

  it('never prints a secret field', () => {
    const { logger, lines } = capture({ style: 'json' });
    logger.warn('login', { access_token: 'tok-123', password: 'pw', Authorization: 'Bearer x', user: 'bot' });
    const line = JSON.parse(lines[0] ?? '{}');
    expect(JSON.stringify(line)).not.toMatch(/tok-123|"pw"|Bearer x/);
    expect(line.user).toBe('bot');
    expect(line.message).toBe('login');
  });

  it.each([
    [10, 2],
    [20, 3],
    [30, 4],
    [40, 5],
    [50, 6],
    ['warning', 4],
    ['debug', 2],
  ] as const)('maps the level %j to tslog %i', (input, expected) => {
    expect(toTsLogLevel(input)).toBe(expected);
  });

  it('drops events under the level (the original 30 = warnings and up)', () => {
    const { logger, lines } = capture({ loglevel: 30 });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => l.replace(/^\S+ +\S+ +janitor /, ''))).toEqual(['loud']);
  });
});

describe('createLogger to a file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function logFile() {
    const dir = mkdtempSync(join(tmpdir(), 'janitor-logger-'));
    dirs.push(dir);
    return join(dir, 'logs', 'janitor.log');
  }
  const fileSettings = (filename: string) =>
    ({ loglevel: 'info', name: 'janitor', to_file: true, filename, to_stdout: false, style: 'pretty' }) as const;

  it('appends every line in the order logged, plain and nested fields alike, once flushed', async () => {
    const filename = logFile();
    const logger = createLogger(fileSettings(filename));
    logger.info('request', { method: 'POST', path: '/sysinfo', status: 200 });
    logger.warn('login', { user: 'bot', nested: { access_token: 'tok-123', scope: 'write' } });
    logger.info('request', { method: 'POST', path: '/message', status: 200 });
    await logger.flush();
    const lines = readFileSync(filename, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/^\S+Z /, ''))).toEqual([
      'INFO  janitor request method=POST path=/sysinfo status=200',
      expect.stringMatching(/^WARN {2}janitor login user=bot nested=\{.*"scope":"write".*\}$/),
      'INFO  janitor request method=POST path=/message status=200',
    ]);
    expect(lines.join('\n')).not.toContain('tok-123');
    // Not readable by everyone: the lines name the hosts and addresses that spoke.
    expect(statSync(filename).mode & 0o007).toBe(0);
    // A folder it creates is its owner's only: it may be the state folder, created with the first line logged.
    expect(statSync(dirname(filename)).mode & 0o777).toBe(0o700);
  });

  it('masks a secret field given as a plain value', async () => {
    const filename = logFile();
    const logger = createLogger({ ...fileSettings(filename), style: 'json' });
    logger.info('token used', { token: 'tok-456', name: 'pi1' });
    await logger.flush();
    const line = JSON.parse(readFileSync(filename, 'utf8'));
    expect(line).toMatchObject({ message: 'token used', name: 'pi1' });
    expect(JSON.stringify(line)).not.toContain('tok-456');
  });

  it('never throws when the file cannot be opened: the lines still reach the stream, with one notice', () => {
    const filename = logFile();
    // A link to a folder that does not exist: it looks creatable (the config's check passes), and opening fails.
    const dir = join(filename, '..');
    symlinkSync(join(dir, '..', 'no-such-folder', 'logs'), dir);
    const stream = new PassThrough();
    const out: string[] = [];
    stream.on('data', (chunk: Buffer) => out.push(...chunk.toString().split('\n').filter(Boolean)));
    const logger = createLogger({ ...fileSettings(filename), to_stdout: true }, { stream });
    expect(() => {
      logger.info('request', { method: 'POST', path: '/message', status: 200 });
      logger.error('request failed', { error: 'x' });
      logger.info('request', { method: 'POST', path: '/message', status: 200 });
    }).not.toThrow();
    const notices = out.filter((l) => l.startsWith('janitor: cannot write the log file'));
    expect(notices).toEqual([expect.stringContaining(filename)]);
    expect(out.filter((l) => / request method=POST/.test(l))).toHaveLength(2);
  });

  it('writes what is still buffered when the process exits at once', () => {
    const filename = logFile();
    const script = `
      import { createLogger } from ${JSON.stringify(join(import.meta.dirname, 'create-logger.ts'))};
      const logger = createLogger(${JSON.stringify(fileSettings(filename))});
      for (let i = 0; i < 1000; i++) logger.info('line', { i });
      process.exit(0);
    `;
    execFileSync(process.execPath, ['--input-type=module', '-e', script]);
    const lines = readFileSync(filename, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    expect(lines[999]).toMatch(/ line i=999$/);
  });
});
