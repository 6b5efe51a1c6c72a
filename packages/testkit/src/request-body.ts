/** A file received in a multipart body. */
export interface UploadedFile {
  filename: string;
  /** The part's declared content type (`application/octet-stream` when the client sent none). */
  type: string;
  size: number;
  bytes: Uint8Array;
}

/** Parsed request parameters, Rails style: `a[]` and `a[0]` become arrays, `a[b]` nested objects. */
export type Params = Record<string, unknown>;

/** The outcome of parsing a body: parameters, or why the body could not be read. */
export type ParsedBody = { ok: true; params: Params } | { ok: false; error: string };

/** Whether a value is an uploaded file (as opposed to a string, an array or a nested object). */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return (
    typeof value === 'object' &&
    value !== null &&
    'bytes' in value &&
    (value as UploadedFile).bytes instanceof Uint8Array &&
    typeof (value as UploadedFile).filename === 'string'
  );
}

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first <= 0 || !key.endsWith(']')) return [key];
  const head = key.slice(0, first);
  return [head, ...key.slice(first + 1, -1).split('][')];
}

function isIndexObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isUploadedFile(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => /^\d+$/.test(key));
}

// `media_ids[0]=a&media_ids[1]=b` (what masto's multipart serializer writes) reads like `media_ids[]`.
function indexObjectsToArrays(value: unknown): unknown {
  if (isIndexObject(value)) {
    return Object.entries(value)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => indexObjectsToArrays(item));
  }
  if (Array.isArray(value)) return value.map(indexObjectsToArrays);
  if (typeof value === 'object' && value !== null && !isUploadedFile(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, indexObjectsToArrays(v)]));
  }
  return value;
}

/** Build nested parameters from flat form entries, the way Rails reads `a[]`, `a[0]` and `a[b][c]` keys. */
export function nestParams(entries: Iterable<readonly [string, string | UploadedFile]>): Params {
  const root: Params = {};
  for (const [key, value] of entries) {
    const path = splitKey(key);
    let node: Record<string, unknown> = root;
    for (let i = 0; i < path.length; i += 1) {
      const part = path[i] as string;
      const last = i === path.length - 1;
      const next = path[i + 1];
      if (last) {
        if (part === '') continue;
        node[part] = value;
        break;
      }
      if (next === '' && i + 1 === path.length - 1) {
        const existing = node[part];
        if (Array.isArray(existing)) existing.push(value);
        else node[part] = [value];
        break;
      }
      const child = node[part];
      if (typeof child === 'object' && child !== null && !Array.isArray(child) && !isUploadedFile(child)) {
        node = child as Record<string, unknown>;
      } else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    }
  }
  return indexObjectsToArrays(root) as Params;
}

/** Parse a query string into Rails-style parameters. */
export function parseQuery(search: string): Params {
  return nestParams(new URLSearchParams(search).entries());
}

/**
 * Parse a request body by its content type: JSON, `application/x-www-form-urlencoded` or `multipart/form-data`.
 * An empty body gives no parameters. Unknown content types with a body are an error, as Rails would answer.
 */
export async function parseBody(contentType: string | undefined, raw: Buffer): Promise<ParsedBody> {
  if (raw.length === 0) return { ok: true, params: {} };
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      const value: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, error: 'the JSON body must be an object' };
      }
      return { ok: true, params: value as Params };
    } catch (error) {
      return { ok: false, error: `malformed JSON body: ${(error as Error).message}` };
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { ok: true, params: parseQuery(raw.toString('utf8')) };
  }
  if (mediaType === 'multipart/form-data') {
    try {
      // The WHATWG Request parses multipart bodies; no hand-written parser needed.
      const form = await new Request('http://fake.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType ?? '' },
        body: raw,
      }).formData();
      const entries: [string, string | UploadedFile][] = [];
      for (const [key, value] of form.entries()) {
        if (typeof value === 'string') {
          entries.push([key, value]);
        } else {
          const bytes = new Uint8Array(await value.arrayBuffer());
          entries.push([
            key,
            { filename: value.name, type: value.type || 'application/octet-stream', size: bytes.length, bytes },
          ]);
        }
      }
      return { ok: true, params: nestParams(entries) };
    } catch (error) {
      return { ok: false, error: `malformed multipart body: ${(error as Error).message}` };
    }
  }
  return { ok: false, error: `unsupported content type ${JSON.stringify(contentType ?? '')}` };
}

/** A copy of parameters fit for recording: files become `{ filename, type, size }`. */
export function describeParams(params: Params): Params {
  const describe = (value: unknown): unknown => {
    if (isUploadedFile(value)) return { filename: value.filename, type: value.type, size: value.size };
    if (Array.isArray(value)) return value.map(describe);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, describe(v)]));
    }
    return value;
  };
  return describe(params) as Params;
}
