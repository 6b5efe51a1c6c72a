import { mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { LogFields, Logger } from '@janitor/protocol';
import type { SonicBoom } from 'sonic-boom';
import type { Logger as TsLogger } from 'tslog';
import type { ConfigData } from './schema.ts';

// tslog and sonic-boom are loaded when first needed, not with this module: a cron-started command that has nothing
// to say (`janitor scheduler` with nothing due) never pays for them. Both load synchronously through require().
const require = createRequire(import.meta.url);

/** How much of the log file is gathered in memory before a write, and for how long at most. */
const FILE_BUFFER_BYTES = 8192;
const FILE_FLUSH_MS = 1000;

/**
 * A log file: lines gathered during one turn of the event loop are handed to sonic-boom together (sonic-boom
 * measures its whole pending buffer at every write call, which a call per line of a busy hub makes quadratic).
 */
interface LogFile {
  sink: SonicBoom;
  pending: string[];
  /** Hands the gathered lines to sonic-boom. */
  hand(): void;
}

/** Every log file open in this process: what is still gathered or buffered is written when it exits. */
const openFiles = new Set<LogFile>();
let exitHookInstalled = false;
function flushAtExit(file: LogFile): void {
  openFiles.add(file);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const open of openFiles) {
      try {
        open.hand();
        open.sink.flushSync();
      } catch {
        // Nothing more can be done at exit.
      }
    }
  });
}

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

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_IDS: Readonly<Record<Level, number>> = { debug: 2, info: 3, warn: 4, error: 5 };
const LEVEL_NAMES: Readonly<Record<Level, string>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };
const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));

/**
 * Builds the apps' logger from the `logger` section: level (names or the original's 10/20/30/40/50), stdout and/or
 * a file, `pretty` (one `time LEVEL name message key=value ...` line per event) or `json` lines. Values of secret
 * fields (tokens, passwords) are masked.
 *
 * An event whose fields are all plain values (strings, numbers, booleans) under names that are not secret is
 * formatted directly: nothing in it can need masking, and the hub logs one such line per request. Any other event
 * (nested objects, errors, a field named like a secret) goes through tslog, which masks secrets at every depth.
 * The file is appended through one buffered writer (sonic-boom): the lines of one turn of the event loop are handed
 * over together, written once 8 KiB have gathered or a second has passed, and what is still buffered is written
 * synchronously when the process exits. Standard error gets each line at once. Logging never throws: a file that
 * cannot be opened (at the first line) or written is said once on the stream, and the lines go on there.
 *
 * @example
 * const log = createLogger(config.data.logger);
 * log.info('hub listening', { port: 5000 });
 */
export function createLogger(settings: ConfigData['logger'], options: CreateLoggerOptions = {}): AppLogger {
  const stream = options.stream ?? process.stderr;
  const minLevel = toTsLogLevel(settings.loglevel);
  const format = settings.style === 'json' ? toJsonLine : toPrettyLine;
  let file: LogFile | undefined;
  const openFile = (): LogFile => {
    // A folder made for the log is its owner's only, as the state folder (where it often lives) is made.
    mkdirSync(dirname(settings.filename), { recursive: true, mode: 0o700 });
    // Opened synchronously here (not by sonic-boom, asynchronously) so that flushSync works from the first line.
    const { SonicBoom } = require('sonic-boom') as typeof import('sonic-boom');
    // Written once 8 KiB have gathered, and at least every second (a busy hub would otherwise make one small write
    // per request).
    const sink = new SonicBoom({
      fd: openSync(settings.filename, 'a', 0o640),
      minLength: FILE_BUFFER_BYTES,
      periodicFlush: FILE_FLUSH_MS,
    });
    // A logging sink must never take the process down (disk full, file removed): say it once on stderr.
    sink.on('error', fileFailure);
    const opened: LogFile = {
      sink,
      pending: [],
      hand() {
        handScheduled = false;
        if (opened.pending.length === 0) return;
        const chunk = opened.pending.join('');
        opened.pending = [];
        sink.write(chunk);
      },
    };
    flushAtExit(opened);
    return opened;
  };
  let fileFailed = false;
  let openFailed = false;
  let handScheduled = false;
  function fileFailure(error: Error): void {
    if (!fileFailed) stream.write(`janitor: cannot write the log file ${settings.filename}: ${error.message}\n`);
    fileFailed = true;
  }
  const writeLine = (line: string) => {
    // Standard error at once: a command's log lines stay in order with what it prints.
    if (settings.to_stdout) stream.write(line);
    if (settings.to_file && !openFailed) {
      if (file === undefined) {
        // Opened at the first line: logging never throws, so a file that cannot be opened (a folder gone, a
        // dangling link) never turns what the caller did into an error; it is said once, and lines go on to stderr.
        try {
          file = openFile();
        } catch (error) {
          openFailed = true;
          fileFailure(error as Error);
          return;
        }
      }
      file.pending.push(line);
      if (!handScheduled) {
        handScheduled = true;
        setImmediate(file.hand);
      }
    }
  };
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
    logger.attachTransport((record: unknown) => {
      const { message, fields, level, date } = parts(record as Record_);
      writeLine(format(date.toISOString(), level, settings.name, message, fields));
    });
    return logger;
  };
  const emit = (level: Level) => {
    // Below the level: return before anything is built. A hub logs every request at info.
    if (LEVEL_IDS[level] < minLevel) return () => {};
    return (message: string, fields?: LogFields) => {
      if (fields === undefined || isPlain(fields)) {
        writeLine(format(isoNow(), LEVEL_NAMES[level], settings.name, message, fields ?? {}));
        return;
      }
      tslog ??= build();
      tslog[level](message, fields);
    };
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    enabled: (level) => LEVEL_IDS[level] >= minLevel,
    async flush() {
      const open = file;
      if (open === undefined || fileFailed) return;
      open.hand();
      await new Promise<void>((resolve) => {
        open.sink.flush(() => resolve());
      });
    },
  };
}

/** Field names already looked at (a program logs the same few dozen names over and over). */
const secretByName = new Map<string, boolean>();
function isSecretKey(key: string): boolean {
  let secret = secretByName.get(key);
  if (secret === undefined) {
    secret = SECRET_KEY_SET.has(key.toLowerCase());
    if (secretByName.size < 10_000) secretByName.set(key, secret);
  }
  return secret;
}

/** The time now as an ISO string, made once per millisecond (a busy hub logs dozens of lines in one). */
let lastMs = 0;
let lastIso = '';
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** Whether every field is a plain value under a name that is not a secret's: such an event needs no masking. */
function isPlain(fields: LogFields): boolean {
  for (const key in fields) {
    const value = fields[key];
    if (value !== null && typeof value === 'object') return false;
    if (typeof value === 'function' || isSecretKey(key)) return false;
  }
  return true;
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

function toPrettyLine(time: string, level: string, name: string, message: string, fields: Record<string, unknown>) {
  let line = `${time} ${level.padEnd(5)} ${name} ${message}`;
  for (const key in fields) {
    if (fields[key] !== undefined) line += ` ${key}=${formatValue(fields[key])}`;
  }
  return `${line}\n`;
}

function toJsonLine(time: string, level: string, name: string, message: string, fields: Record<string, unknown>) {
  return `${JSON.stringify({ time, level, name, message, ...fields })}\n`;
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) || v === '' ? JSON.stringify(v) : v;
  if (v instanceof Error) return JSON.stringify(v.message);
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return String(v);
}
