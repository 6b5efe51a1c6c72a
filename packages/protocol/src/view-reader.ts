// @internal Reading a hub's JSON answer field by field: each reader throws a ViewProblem naming the field's path, which
// the public parsers turn into a failed ParseResult (they never throw).
import { fail, type ParseResult } from './wire-error.ts';
import { METRIC_NAME_PATTERN } from './wire-limits.ts';
import { isFiniteNumber, isRecord, own } from './wire-text.ts';

/** @internal A field of an answer that is not what the hub answers. */
export class ViewProblem extends Error {
  override name = 'ViewProblem';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** @internal Runs a reader, turning its {@link ViewProblem} into a failed result. */
export function readView<T>(read: () => T): ParseResult<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    if (error instanceof ViewProblem) return fail(400, error.message, error.field === '' ? undefined : error.field);
    throw error;
  }
}

/** @internal The path of a field: `key` under `path` (`hosts[0].state`), or `key` alone at the top. */
export function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** @internal `value` as an object with named fields. */
export function recordAt(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ViewProblem(path, 'expected an object');
  return value;
}

/** @internal `value` as a list. */
export function listAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ViewProblem(path, 'expected a list');
  return value;
}

/** @internal A non-empty text field. */
export function textOf(record: Record<string, unknown>, key: string, path: string): string {
  const value = own(record, key);
  if (typeof value !== 'string' || value === '') throw new ViewProblem(fieldPath(path, key), 'expected a text');
  return value;
}

/** @internal A non-empty text field, or null (also when it is missing). */
export function textOrNullOf(record: Record<string, unknown>, key: string, path: string): string | null {
  const value = own(record, key) ?? null;
  if (value !== null && (typeof value !== 'string' || value === '')) {
    throw new ViewProblem(fieldPath(path, key), 'expected a text or null');
  }
  return value;
}

/** @internal A finite number field. */
export function numberOf(record: Record<string, unknown>, key: string, path: string): number {
  const value = own(record, key);
  if (!isFiniteNumber(value)) throw new ViewProblem(fieldPath(path, key), 'expected a number');
  return value;
}

/** @internal A finite number field, or null (also when it is missing). */
export function numberOrNullOf(record: Record<string, unknown>, key: string, path: string): number | null {
  const value = own(record, key) ?? null;
  if (value !== null && !isFiniteNumber(value))
    throw new ViewProblem(fieldPath(path, key), 'expected a number or null');
  return value;
}

/** @internal One of `choices`. */
export function choiceOf<T extends string>(
  record: Record<string, unknown>,
  key: string,
  path: string,
  choices: readonly T[],
): T {
  const value = own(record, key);
  if (!choices.includes(value as T))
    throw new ViewProblem(fieldPath(path, key), `expected one of ${choices.join(', ')}`);
  return value as T;
}

/**
 * @internal Whether `key` reads as a series key (`cpu_percent`, `disk_usage_percent@/data`): a metric name before the
 * first `@`. Keys that do not (`__proto__`) are never used as property names of a parsed view.
 */
export function isSeriesKeyLike(key: string): boolean {
  const at = key.indexOf('@');
  return METRIC_NAME_PATTERN.test(at === -1 ? key : key.slice(0, at)) && at !== key.length - 1;
}

/** @internal An object whose keys are series keys and whose values are finite numbers. */
export function numbersByKey(value: unknown, path: string): Record<string, number> {
  const record = recordAt(value, path);
  const out: Record<string, number> = {};
  for (const key of Object.keys(record)) {
    if (!isSeriesKeyLike(key)) throw new ViewProblem(fieldPath(path, key), 'expected a series key');
    out[key] = numberOf(record, key, path);
  }
  return out;
}
