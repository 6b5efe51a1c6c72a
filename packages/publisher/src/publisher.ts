import { hostname as osHostname } from 'node:os';
import type { Logger, Message, MessageType } from '@janitor/protocol';
import { silentLogger } from '@janitor/protocol';
import { MastoHttpError } from 'masto';
import { type Account, verifyCredentials } from './account.ts';
import { AuthError } from './auth-error.ts';
import { cutToLength, type LengthCounting, statusLength } from './cut-to-length.ts';
import { isRetryableStatus } from './http-failure.ts';
import { DEFAULT_TIMEOUT_MS, endpoint, restClient } from './masto-client.ts';
import type { MessageTemplates } from './message-template.ts';
import { PublishError, toPublishError } from './publish-error.ts';
import {
  acceptsContentType,
  type ContentType,
  type InstanceType,
  renderMessage,
  type StatusDraft,
  type Visibility,
  withDirectMention,
} from './status-draft.ts';

/** Options of {@link createPublisher}: the `mastodon` and `status_post` settings of config.yaml. */
export interface PublisherOptions {
  /** The server's base URL (`api_base_url`), e.g. `https://mastodon.social`. */
  url: string;
  /** Required unless `dryRun`. */
  accessToken?: string;
  /** @default 'mastodon' */
  instanceType?: InstanceType;
  /** @default 'public' */
  visibility?: Visibility;
  /** @default 'text/plain' (sent only for pleroma, akkoma, gotosocial) */
  contentType?: ContentType;
  /** Mentioned at the start of every `direct` status, so that it reaches this account (`user@domain`). */
  usernameToDm?: string;
  /** The limit when the instance does not say (`status_post.max_length`). @default 500 */
  maxLength?: number;
  /** Put the summary at the top of the text instead of in the content warning. @default false */
  mergeSummaryIntoText?: boolean;
  /** Per-type template overrides; the defaults reproduce the original. */
  templates?: MessageTemplates;
  /** Per-type icon overrides. @default MESSAGE_ICONS from @janitor/protocol */
  icons?: Partial<Record<MessageType, string>>;
  /** The host a message is about when it names none. @default os.hostname() */
  hostname?: string;
  /** ISO 639 language code of the statuses. */
  language?: string;
  /** Log the exact status through `logger.info` and contact nobody. @default false */
  dryRun?: boolean;
  /** How long one request may take. @default 15000 */
  timeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
  /** The clock used to read `Retry-After` dates. @default Date.now */
  now?: () => number;
}

/** Per-call options of {@link Publisher.publish} and {@link Publisher.post}. */
export interface PostOptions {
  /**
   * Sent as `Idempotency-Key`: Mastodon (1 h, successful posts) and Pleroma/Akkoma (6 h, errors too) then post a
   * retried status once. GoToSocial ignores it.
   */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** What a publish did: in a dry run only the draft, otherwise also the new status's id and URL. */
export type PublishResult =
  | { dryRun: true; draft: StatusDraft }
  | { dryRun: false; draft: StatusDraft; id: string; url: string | null };

/** An alert report as @janitor/thresholds' `formatReport` writes it. */
export interface ReportPost {
  /** The content warning, e.g. `🚨 peer-host`. */
  spoiler: string;
  /** The report lines. */
  text: string;
}

/** Posts Janitor messages to one account. Made by {@link createPublisher}. */
export interface Publisher {
  /** The status a message becomes (templates, mention, visibility, content type), not cut to the limit. */
  render(message: Message): StatusDraft;
  /** Renders, cuts to the server's limit and posts a message. Throws {@link PublishError}. */
  publish(message: Message, options?: PostOptions): Promise<PublishResult>;
  /**
   * Posts a status rendered elsewhere (an alert report): adds the direct mention, fills the content type and
   * language from the options where the draft has none, cuts to the limit. Throws {@link PublishError}.
   */
  post(draft: StatusDraft, options?: PostOptions): Promise<PublishResult>;
  /**
   * Posts an alert report with the configured visibility: the spoiler as content warning (or, with
   * `mergeSummaryIntoText`, above the text after a blank line), then as {@link Publisher.post}.
   */
  publishReport(report: ReportPost, options?: PostOptions): Promise<PublishResult>;
  /**
   * The server's limit: `/api/v2/instance` `configuration.statuses.max_characters`, else `/api/v1/instance`
   * `max_toot_chars` (Pleroma, Akkoma) or `configuration.statuses.max_characters`, else the `maxLength` option.
   * Read once and cached (after a network failure the next call asks again). In a dry run, the option.
   */
  maxLength(): Promise<number>;
  /** The account of the access token. Throws {@link AuthError}; contacts the server even in a dry run. */
  verifyCredentials(): Promise<Account>;
}

const STATUSES_PATH = '/api/v1/statuses';

/** How each server counts a status against its limit. */
const COUNTING: Record<InstanceType, LengthCounting> = {
  mastodon: 'mastodon',
  pleroma: 'graphemes',
  akkoma: 'graphemes',
  gotosocial: 'code-points',
};

/**
 * Makes a publisher for one account. Creating it contacts nobody.
 *
 * @example
 * const publisher = createPublisher({ url: 'https://mastodon.social', accessToken: process.env.TOKEN });
 * const { url } = await publisher.publish({ type: 'warning', summary: 'Backup', text: '3 files were skipped' });
 */
export function createPublisher(options: PublisherOptions): Publisher {
  const {
    url,
    accessToken,
    instanceType = 'mastodon',
    visibility = 'public',
    contentType = 'text/plain',
    usernameToDm,
    maxLength: fallbackMaxLength = 500,
    mergeSummaryIntoText = false,
    templates = {},
    icons = {},
    hostname = osHostname(),
    language,
    dryRun = false,
    timeoutMs = DEFAULT_TIMEOUT_MS,
    logger = silentLogger,
    now = Date.now,
  } = options;
  if (!dryRun && !accessToken) {
    throw new TypeError('createPublisher: accessToken is required unless dryRun is set');
  }
  const rest = accessToken ? restClient(url, accessToken, timeoutMs) : undefined;
  const statusesUrl = endpoint(url, STATUSES_PATH);

  let cachedMaxLength: number | undefined;
  let pendingMaxLength: Promise<number> | undefined;

  function render(message: Message): StatusDraft {
    return renderMessage(message, {
      instanceType,
      visibility,
      contentType,
      usernameToDm,
      mergeSummaryIntoText,
      templates,
      icons,
      hostname,
      language,
    });
  }

  async function maxLength(): Promise<number> {
    if (dryRun || !rest) return fallbackMaxLength;
    if (cachedMaxLength !== undefined) return cachedMaxLength;
    pendingMaxLength ??= readMaxLength(rest).finally(() => {
      pendingMaxLength = undefined;
    });
    return pendingMaxLength;
  }

  async function readMaxLength(client: NonNullable<typeof rest>): Promise<number> {
    let unreachable = false;
    const sources: Array<[string, () => Promise<number | undefined>]> = [
      [
        '/api/v2/instance',
        async () => positive((await client.v2.instance.fetch())?.configuration?.statuses?.maxCharacters),
      ],
      [
        '/api/v1/instance',
        async () => {
          const v1 = (await client.v1.instance.fetch()) as unknown as V1Instance | undefined;
          return positive(v1?.maxTootChars) ?? positive(v1?.configuration?.statuses?.maxCharacters);
        },
      ],
    ];
    for (const [path, read] of sources) {
      try {
        const limit = await read();
        if (limit !== undefined) {
          cachedMaxLength = limit;
          return limit;
        }
        logger.debug('the instance does not state its status length limit', { url: endpoint(url, path) });
      } catch (error) {
        // A 4xx (Akkoma has no v2 endpoint) is an answer; a timeout, a reset or a 5xx is worth asking again later.
        if (!(error instanceof MastoHttpError) || isRetryableStatus(error.statusCode)) unreachable = true;
        logger.debug('could not read the instance', {
          url: endpoint(url, path),
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (!unreachable) cachedMaxLength = fallbackMaxLength;
    logger.warn('using max_length: the server did not say how long a status may be', {
      url,
      maxLength: fallbackMaxLength,
    });
    return fallbackMaxLength;
  }

  /** The draft as it will be sent: mention, content type and language filled in, cut to `limit`. */
  function finish(draft: StatusDraft, limit: number): StatusDraft {
    const out: StatusDraft = withDirectMention({ ...draft }, usernameToDm);
    if (acceptsContentType(instanceType)) out.contentType = draft.contentType ?? contentType;
    else delete out.contentType;
    if (!out.language && language) out.language = language;
    const counting = COUNTING[instanceType];
    // Servers count a content warning at its full length (no link concession).
    const spoilerCounting: LengthCounting = counting === 'mastodon' ? 'graphemes' : counting;
    if (out.spoilerText) {
      const spoilerLength = statusLength(out.spoilerText, { counting: spoilerCounting });
      const textLength = statusLength(out.status, { counting });
      // A content warning that would leave too little room for the text gets at most half the limit.
      if (spoilerLength + textLength > limit && spoilerLength > limit / 2) {
        const room = Math.max(Math.floor(limit / 2), limit - textLength);
        out.spoilerText = cutToLength(out.spoilerText, room, { counting: spoilerCounting });
      }
    }
    out.status = cutToLength(out.status, limit, { spoilerText: out.spoilerText ?? '', counting });
    return out;
  }

  async function post(draft: StatusDraft, postOptions: PostOptions = {}): Promise<PublishResult> {
    const { idempotencyKey, signal } = postOptions;
    const limit = await maxLength();
    const final = finish(draft, limit);
    if (dryRun || !rest) {
      logger.info('dry run: status not posted', { ...final, url: statusesUrl });
      return { dryRun: true, draft: final };
    }
    const params: Record<string, unknown> = { status: final.status, visibility: final.visibility };
    if (final.spoilerText) params.spoilerText = final.spoilerText;
    if (final.contentType) params.contentType = final.contentType;
    if (final.language) params.language = final.language;
    if (final.inReplyToId) params.inReplyToId = final.inReplyToId;
    const requestInit: RequestInit = {};
    if (idempotencyKey) requestInit.headers = { 'Idempotency-Key': idempotencyKey };
    if (signal) requestInit.signal = signal;

    let status: { id?: unknown; url?: unknown } | undefined;
    try {
      // content_type is not in masto's types (Pleroma, Akkoma, GoToSocial read it); the encoder sends it as is.
      status = await rest.v1.statuses.create(params as never, { requestInit });
    } catch (error) {
      throw toPublishError(error, 'POST', statusesUrl, signal ? { timeoutMs, signal, now } : { timeoutMs, now });
    }
    if (!status || typeof status.id !== 'string') {
      throw new PublishError(`publish failed: POST ${statusesUrl}: the answer is not a status`, {
        retryable: true,
      });
    }
    const result: PublishResult = {
      dryRun: false,
      draft: final,
      id: status.id,
      url: typeof status.url === 'string' ? status.url : null,
    };
    logger.debug('status posted', { id: result.id, url: result.url });
    return result;
  }

  function reportDraft(report: ReportPost): StatusDraft {
    if (report.spoiler === '') return { status: report.text, visibility };
    if (mergeSummaryIntoText) return { status: `${report.spoiler}\n\n${report.text}`, visibility };
    return { status: report.text, spoilerText: report.spoiler, visibility };
  }

  return {
    render,
    publish: (message, postOptions) => post(render(message), postOptions),
    post,
    publishReport: (report, postOptions) => post(reportDraft(report), postOptions),
    maxLength,
    async verifyCredentials() {
      if (!accessToken) {
        throw new AuthError('verify credentials failed: no access token', { reason: 'unauthorized', retryable: false });
      }
      return verifyCredentials({ url, accessToken, timeoutMs });
    },
  };
}

/** The parts of `/api/v1/instance` that state the limit (masto camel-cases the keys). */
interface V1Instance {
  maxTootChars?: unknown;
  configuration?: { statuses?: { maxCharacters?: unknown } };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
