import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { LogFields, Logger } from '@janitor/protocol';
import type { Logger as TsLogger } from 'tslog';
import type { fileTransport } from 'tslog/transports/file';
import type { ConfigData } from './schema.ts';

// tslog is loaded with the first event that passes the level, not with this module: a cron-started command that has
// nothing to say (`janitor scheduler` with nothing due) never pays for it. tslog is ESM without top-level await,
// which require() loads synchronously.
const require = createRequire(import.meta.url);

/** Field names whose values never reach a log line. */
export const SECRET_KEYS = [
  'token',
  'access_token',
  'accessToken',
  'password',
  'client_secret',
  'clientSecret',
  'authorization',
  'secret',
];

/** An app's logger: the package {@link Logger} interface plus a flush for buffered output before exit. */
export interface AppLogger extends Logger {
  flush(): Promise<void>;
}

export interface CreateLoggerOptions {
  /** Where pretty/json lines go when `to_stdout` is set. @default process.stderr */
  stream?: NodeJS.WritableStream;
}

/**
 * Builds the apps' logger from the `logger` section: level (names or the original's 10/20/30/40/50), stdout and/or
 * a file, `pretty` (one `time LEVEL name message key=value ...` line per event) or `json` lines. Values of secret
 * fields (tokens, passwords) are masked.
 *
 * @example
 * const log = createLogger(config.data.logger);
 * log.info('hub listening', { port: 5000 });
 */
export function createLogger(settings: ConfigData['logger'], options: CreateLoggerOptions = {}): AppLogger {
  const stream = options.stream ?? process.stderr;
  const minLevel = toTsLogLevel(settings.loglevel);
  const json = settings.style === 'json';
  if (settings.to_file) mkdirSync(dirname(settings.filename), { recursive: true });
  let file: ReturnType<typeof fileTransport> | undefined;
  let tslog: TsLogger<unknown> | undefined;
  const build = (): TsLogger<unknown> => {
    const { Logger } = require('tslog') as typeof import('tslog');
    const logger = new Logger({
      name: settings.name,
      type: 'hidden',
      minLevel,
      stack: { capture: 'off' },
      mask: { keys: SECRET_KEYS, caseInsensitive: true },
    } as ConstructorParameters<typeof TsLogger>[0]);
    if (settings.to_stdout) {
      logger.attachTransport((record: unknown) => {
        const r = record as Record_;
        stream.write(`${json ? toJsonLine(r, settings.name) : toPrettyLine(r, settings.name)}\n`);
      });
    }
    if (settings.to_file) {
      const transports = require('tslog/transports/file') as typeof import('tslog/transports/file');
      file = transports.fileTransport({
        path: settings.filename,
        format: (record: unknown) =>
          json ? toJsonLine(record as Record_, settings.name) : toPrettyLine(record as Record_, settings.name),
      } as Parameters<typeof fileTransport>[0]);
      logger.attachTransport(file);
    }
    return logger;
  };
  const levelIds = { debug: 2, info: 3, warn: 4, error: 5 } as const;
  const emit = (level: 'debug' | 'info' | 'warn' | 'error') => {
    // Below the level: return before tslog builds (and masks) a record. A hub logs every request at info.
    if (levelIds[level] < minLevel) return () => {};
    return (message: string, fields?: LogFields) => {
      tslog ??= build();
      if (fields) tslog[level](message, fields);
      else tslog[level](message);
    };
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    async flush() {
      await file?.flush?.();
    },
  };
}

/** tslog levels: 0 silly, 1 trace, 2 debug, 3 info, 4 warn, 5 error, 6 fatal. */
export function toTsLogLevel(level: ConfigData['logger']['loglevel']): number {
  if (typeof level === 'number') {
    // Python: NOTSET 0, DEBUG 10, INFO 20, WARNING 30, ERROR 40, CRITICAL 50.
    return ({ 0: 0, 10: 2, 20: 3, 30: 4, 40: 5, 50: 6 } as Record<number, number>)[level] ?? 3;
  }
  const byName: Record<string, number> = {
    silly: 0,
    trace: 1,
    debug: 2,
    info: 3,
    warn: 4,
    warning: 4,
    error: 5,
    fatal: 6,
    critical: 6,
  };
  return byName[level] ?? 3;
}

type Record_ = Record<string, unknown> & {
  _meta?: unknown;
  _logMeta?: { date?: Date | string; logLevelName?: string };
};

function parts(record: Record_): { message: string; fields: Record<string, unknown>; level: string; date: Date } {
  // tslog puts the call's arguments under the keys "0", "1"... beside its metadata: (message, fields?).
  const meta = record._logMeta ?? {};
  const first = record['0'];
  const second = record['1'];
  const message = typeof first === 'string' ? first : '';
  const fields = (second !== null && typeof second === 'object' ? second : {}) as Record<string, unknown>;
  const date = meta.date instanceof Date ? meta.date : meta.date ? new Date(meta.date) : new Date();
  return { message, fields, level: meta.logLevelName ?? 'INFO', date };
}

function toPrettyLine(record: Record_, name: string): string {
  const { message, fields, level, date } = parts(record);
  let line = `${date.toISOString()} ${level.padEnd(5)} ${name} ${message}`;
  for (const key in fields) line += ` ${key}=${formatValue(fields[key])}`;
  return line;
}

function toJsonLine(record: Record_, name: string): string {
  const { message, fields, level, date } = parts(record);
  return JSON.stringify({ time: date.toISOString(), level, name, message, ...fields });
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}
