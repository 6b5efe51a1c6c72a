import type { mastodon } from 'masto';
import { endpoint } from './masto-client.ts';
import { PublishError, toPublishError } from './publish-error.ts';

/** An image (or other file) to attach to a status. */
export interface MediaUpload {
  data: Uint8Array;
  /** `image/png`, `image/jpeg`… */
  mimeType: string;
  /** @default `attachment.<extension of mimeType>` */
  fileName?: string;
  /** The alt text (cut to {@link MAX_DESCRIPTION_LENGTH} characters). */
  description: string;
}

/** What {@link uploadMedia} needs besides the client. */
export interface UploadContext {
  /** The server's base URL, for error messages. */
  url: string;
  timeoutMs: number;
  /** How long to wait between two polls of an attachment still processing. */
  pollIntervalMs: number;
  /** How long processing may take in all before the upload is given up. */
  processingTimeoutMs: number;
  now: () => number;
  signal?: AbortSignal;
}

/** Alt text longer than this is cut: Mastodon's and GoToSocial's default `description_limit` (Pleroma's is 5000). */
export const MAX_DESCRIPTION_LENGTH = 1500;
const UPLOAD_PATH = '/api/v2/media';

/** Checks what the caller gave; a TypeError names the field and what was expected. */
export function checkMediaUpload(media: unknown): asserts media is MediaUpload {
  const problems: string[] = [];
  const given = (media ?? {}) as Partial<Record<keyof MediaUpload, unknown>>;
  if (!(given.data instanceof Uint8Array) || given.data.length === 0) problems.push('data: expected non-empty bytes');
  if (typeof given.mimeType !== 'string' || !/^[\w.+-]+\/[\w.+-]+$/.test(given.mimeType)) {
    problems.push('mimeType: expected a media type like image/png');
  }
  if (typeof given.description !== 'string') problems.push('description: expected the alt text (a string)');
  if (given.fileName !== undefined && (typeof given.fileName !== 'string' || given.fileName === '')) {
    problems.push('fileName: expected a non-empty string');
  }
  if (problems.length > 0) throw new TypeError(`uploadMedia: ${problems.join('; ')}`);
}

/**
 * Uploads a file with `POST /api/v2/media` (multipart, `description` as alt text). A server that answers 202 is still
 * processing it: `GET /api/v1/media/:id` is polled (206, `url: null`) until it has a URL, at most
 * `processingTimeoutMs`. Throws {@link PublishError} (a timeout is retryable; the signal aborts the wait too).
 */
export async function uploadMedia(
  client: mastodon.rest.Client,
  media: MediaUpload,
  context: UploadContext,
): Promise<{ id: string }> {
  const { signal } = context;
  const failure = (error: unknown, method: string, where: string) =>
    toPublishError(error, method, where, {
      timeoutMs: context.timeoutMs,
      now: context.now,
      ...(signal ? { signal } : {}),
    });
  const requestInit: RequestInit = signal ? { signal } : {};
  const uploadUrl = endpoint(context.url, UPLOAD_PATH);
  const file = new File([media.data as Uint8Array<ArrayBuffer>], media.fileName ?? defaultFileName(media.mimeType), {
    type: media.mimeType,
  });
  let attachment: { id?: unknown; url?: unknown } | undefined;
  try {
    attachment = await client.v2.media.create(
      { file, description: cutDescription(media.description), skipPolling: true },
      { requestInit },
    );
  } catch (error) {
    throw failure(error, 'POST', uploadUrl);
  }
  if (!attachment || typeof attachment.id !== 'string') {
    throw new PublishError(`publish failed: POST ${uploadUrl}: the answer is not a media attachment`, {
      retryable: true,
      kind: 'invalid-response',
    });
  }
  const id = attachment.id;
  if (typeof attachment.url === 'string' && attachment.url !== '') return { id };

  const pollUrl = endpoint(context.url, `/api/v1/media/${encodeURIComponent(id)}`);
  const polls = Math.max(1, Math.ceil(context.processingTimeoutMs / Math.max(1, context.pollIntervalMs)));
  for (let poll = 0; poll < polls; poll++) {
    try {
      await pause(context.pollIntervalMs, signal);
      const state = (await client.v1.media.$select(id).fetch(undefined, { requestInit })) as { url?: unknown };
      if (typeof state?.url === 'string' && state.url !== '') return { id };
    } catch (error) {
      throw failure(error, 'GET', pollUrl);
    }
  }
  throw new PublishError(
    `publish failed: GET ${pollUrl}: the media was still processing after ${context.processingTimeoutMs} ms`,
    { retryable: true, kind: 'timeout' },
  );
}

/** Alt text within {@link MAX_DESCRIPTION_LENGTH} characters (code points, as servers count), cut with `…`. */
export function cutDescription(description: string): string {
  const characters = [...description];
  if (characters.length <= MAX_DESCRIPTION_LENGTH) return description;
  return `${characters.slice(0, MAX_DESCRIPTION_LENGTH - 1).join('')}…`;
}

function defaultFileName(mimeType: string): string {
  const subtype = mimeType.split('/')[1]?.split('+')[0] ?? 'bin';
  return `attachment.${subtype === 'jpeg' ? 'jpg' : subtype}`;
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
