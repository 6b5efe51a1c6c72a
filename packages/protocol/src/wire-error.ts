/**
 * The HTTP status a rejected request gets: 400 malformed input, 413 body too large, 415 wrong content type,
 * 422 well-formed but unsupported (a report version this hub does not read).
 */
export type WireStatus = 400 | 413 | 415 | 422;

/** One problem found in a request: what was expected, and where (a field path such as `sys_data.cpu_percent`). */
export interface WireIssue {
  error: string;
  field?: string;
}

/**
 * Why a request was rejected. `error` and `field` describe the first problem; `issues` lists every problem found
 * (at most {@link WIRE_LIMITS}.issues) when there is more than one.
 */
export interface WireError extends WireIssue {
  status: WireStatus;
  issues?: readonly WireIssue[];
}

/** The outcome of a wire parser: the value, or why the input was rejected. Parsers never throw. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** The JSON body an endpoint answers a rejected request with: `{ "error": "...", "field": "..." }`. */
export interface WireErrorBody {
  error: string;
  field?: string;
  /** Every problem, present only when there is more than one. */
  issues?: WireIssue[];
}

/**
 * The JSON body for a {@link WireError}; send it with `e.status`.
 *
 * @example
 * const parsed = parseReport(body);
 * if (!parsed.ok) return c.json(wireErrorBody(parsed.error), parsed.error.status);
 */
export function wireErrorBody(e: WireError): WireErrorBody {
  const body: WireErrorBody = { error: e.error };
  if (e.field !== undefined) body.field = e.field;
  if (e.issues !== undefined && e.issues.length > 1) body.issues = e.issues.map((issue) => ({ ...issue }));
  return body;
}

/** @internal A successful {@link ParseResult}. */
export function ok<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

/** @internal A failed {@link ParseResult} with a single problem. */
export function fail<T>(status: WireStatus, error: string, field?: string): ParseResult<T> {
  return { ok: false, error: field === undefined ? { status, error } : { status, error, field } };
}

/** @internal Collects problems (up to `max`) so a rejection lists all of them, not only the first. */
export interface IssueList {
  add(field: string | undefined, error: string): void;
  readonly count: number;
  /** The error for everything collected so far; call only when `count > 0`. */
  toError(status: WireStatus): WireError;
}

/** @internal */
export function createIssueList(max: number): IssueList {
  return new Issues(max);
}

class Issues implements IssueList {
  readonly #issues: WireIssue[] = [];
  #count = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  add(field: string | undefined, error: string): void {
    this.#count += 1;
    if (this.#issues.length < this.#max) this.#issues.push(field === undefined ? { error } : { error, field });
  }

  get count(): number {
    return this.#count;
  }

  toError(status: WireStatus): WireError {
    const [first] = this.#issues;
    const out: WireError = { status, error: first?.error ?? 'invalid request' };
    if (first?.field !== undefined) out.field = first.field;
    if (this.#issues.length > 1) out.issues = this.#issues.slice();
    return out;
  }
}
