import { type ParseResult, type RawRequest, WIRE_LIMITS } from '@janitor/protocol';
import { header } from './header.ts';
import type { HubContext } from './hub-env.ts';

/** How much of an oversized body is read and dropped before the hub gives up on it (the connection is then cut). */
const DRAIN_LIMIT_BYTES = 16 * WIRE_LIMITS.bodyBytes;

/** A body refused before it was parsed: a 413. */
export type Refusal = Extract<ParseResult<never>, { ok: false }>;

/**
 * The request's body parsed by `parse` (one of @janitor/protocol's request parsers), read under the wire's body
 * limit: a 413 on `body` past it.
 */
export async function readBody<R extends ParseResult<unknown>>(
  c: HubContext,
  parse: (request: RawRequest) => R,
): Promise<R | Refusal> {
  const body = await readBytes(c);
  if (!body.ok) return body;
  return parse({ contentType: header(c, 'content-type'), body: body.value });
}

/**
 * The request's body, refused with a 413 on `body` when its Content-Length says it is over the limit, or once it
 * goes over it (chunked). Past the limit the rest is read and dropped (up to 16 times the limit), so the client,
 * still sending, gets its 413 instead of a reset connection.
 */
export async function readBytes(c: HubContext): Promise<ParseResult<Uint8Array>> {
  const declared = header(c, 'content-length');
  if (declared !== undefined) {
    const length = Number(declared);
    if (Number.isFinite(length) && length > WIRE_LIMITS.bodyBytes) return tooBig();
    // With a Content-Length the adapter reads the body directly: much cheaper than building a web stream per
    // request. Only chunked bodies take the stream path with its running count.
    return { ok: true, value: new Uint8Array(await c.req.arrayBuffer()) };
  }
  const stream = c.req.raw.body;
  if (!stream) return { ok: true, value: new Uint8Array() };
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > WIRE_LIMITS.bodyBytes) {
      await drain(reader, size);
      return tooBig();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, value: out };
}

function tooBig(): ParseResult<never> {
  return { ok: false, error: { status: 413, error: `body over ${WIRE_LIMITS.bodyBytes} bytes`, field: 'body' } };
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, alreadyRead: number): Promise<void> {
  let size = alreadyRead;
  try {
    while (size <= DRAIN_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client went away: nothing left to drain.
  }
}
