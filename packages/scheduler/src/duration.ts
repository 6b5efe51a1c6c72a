const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest timeout a task may set: one day. */
export const MAX_TIMEOUT_MS = 24 * 3_600_000;

/**
 * A duration as config writes it, in milliseconds: a number of seconds (`30`), or a string with a unit
 * (`"500ms"`, `"30s"`, `"5m"`, `"1h"`; no unit means seconds). `undefined` when it is not one, or not positive.
 */
export function parseDuration(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
    if (match) ms = Number(match[1]) * UNIT_MS[(match[2] ?? 's').toLowerCase()]!;
  }
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}
