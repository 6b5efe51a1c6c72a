import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
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
