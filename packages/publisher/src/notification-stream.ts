import type { mastodon } from 'masto';
import { AuthError } from './auth-error.ts';
import { type IncomingNotification, toIncomingNotification } from './incoming-notification.ts';
import { ListenError, LOGIN_AGAIN } from './listen-error.ts';
import { endpoint, streamingClient } from './masto-client.ts';
import type { InstanceType } from './status-draft.ts';

/** What {@link Publisher.streamNotifications} calls. */
export interface NotificationHandlers {
  /** A mention or favourite arrived (other events are ignored). */
  onNotification(notification: IncomingNotification): void;
  /**
   * The stream ended without `close()`: dropped, closed by the server, refused a subscription (an
   * {@link AuthError} for a missing scope), or `onNotification` threw (that error). Called once.
   */
  onClose(error?: Error): void;
}

/** An open notification stream. */
export interface NotificationStream {
  /** Closes it; `onClose` is not called. */
  close(): void;
}

/** What {@link openNotificationStream} needs. */
export interface NotificationStreamOptions {
  /** `configuration.urls.streaming` of the instance (or `ws(s)://` of the server). */
  streamingUrl: string;
  accessToken: string;
  instanceType: InstanceType;
  /** How long connecting and subscribing may take. */
  timeoutMs: number;
  handlers: NotificationHandlers;
}

const STREAMING_PATH = '/api/v1/streaming';

/**
 * Opens the streaming API through masto's streaming client and subscribes to `user:notification` (`user` on
 * GoToSocial, which has no notification stream). Resolves once the subscription is sent (servers acknowledge none),
 * rejects with a {@link ListenError} when the connection is refused or takes longer than `timeoutMs`.
 */
export function openNotificationStream(options: NotificationStreamOptions): Promise<NotificationStream> {
  const { streamingUrl, accessToken, instanceType, timeoutMs, handlers } = options;
  const where = endpoint(streamingUrl, STREAMING_PATH);
  const stream = instanceType === 'gotosocial' ? 'user' : 'user:notification';

  return new Promise((resolve, reject) => {
    let socket: WebSocket | undefined;
    let client: mastodon.streaming.Client | undefined;
    let subscribed = false;
    let ended = false;
    let closedByCaller = false;
    const refused = () =>
      new ListenError(
        `stream notifications failed: GET ${where}: the server refused the WebSocket connection (streaming off, a proxy without WebSocket support, or an invalid token)`,
        { retryable: true, kind: 'unreachable' },
      );

    const end = (error?: Error) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      client?.close();
      // A socket still connecting is not masto's yet: close it too, or it would stay open once connected.
      socket?.close();
      if (!subscribed) {
        reject(
          error ??
            new ListenError(`stream notifications failed: GET ${where}: the connection closed`, { retryable: true }),
        );
      } else if (!closedByCaller) {
        handlers.onClose(error);
      }
    };

    const timer = setTimeout(() => {
      end(
        new ListenError(`stream notifications failed: GET ${where}: no connection within ${timeoutMs} ms`, {
          retryable: true,
          kind: 'timeout',
        }),
      );
    }, timeoutMs);

    // masto connects through this class: it is Node's WebSocket, watched so that a drop ends the stream (masto
    // would reconnect), a sent subscription resolves the promise, and messages masto cannot read are kept from it.
    class WatchedWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: ConstructorParameters<typeof WebSocket>[1]) {
        super(url, protocols);
        socket = this;
        // Registered before masto's listener. masto reads the `stream` array of every message and throws on one
        // without it, such as Pleroma's `pleroma:respond` answer to a subscription: those stop here.
        this.addEventListener('message', (event) => {
          const message = parseMessage(event.data);
          if (!message || Array.isArray(message.stream) || 'error' in message) return;
          event.stopImmediatePropagation();
          if (message.event === 'pleroma:respond') {
            const answer = parseMessage(message.payload);
            if (answer?.result === 'error') end(pleromaError(String(answer.error), where, stream));
          }
        });
        this.addEventListener('close', (event) => {
          if (!subscribed) return end(refused());
          const reason = event.reason ? ` ${event.reason}` : '';
          end(
            new ListenError(`notification stream closed: ${where}: code ${event.code}${reason}`, {
              retryable: true,
              kind: 'connection',
            }),
          );
        });
      }

      override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
        super.send(data);
        if (!subscribed && typeof data === 'string' && data.includes('"subscribe"')) {
          subscribed = true;
          clearTimeout(timer);
          resolve({
            close() {
              closedByCaller = true;
              end();
            },
          });
        }
      }
    }

    client = streamingClient(streamingUrl, accessToken, WatchedWebSocket);
    const subscription = stream === 'user' ? client.user.subscribe() : client.user.notification.subscribe();
    void (async () => {
      try {
        for await (const event of subscription) {
          if (ended) return;
          if (event.event !== 'notification') continue;
          const notification = toIncomingNotification(event.payload);
          if (!notification) continue;
          try {
            handlers.onNotification(notification);
          } catch (error) {
            end(error instanceof Error ? error : new Error(String(error)));
            return;
          }
        }
      } catch (error) {
        // Before the subscription, masto failing to connect is the refusal the socket reports too.
        end(subscribed ? serverError(error, where, stream) : refused());
      }
    })();
  });
}

/** A message of the streaming API as an object, or undefined when it is not JSON of one. */
function parseMessage(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Pleroma's refusal of a subscription (`pleroma:respond` with `result: error`). */
function pleromaError(code: string, where: string, stream: string): Error {
  if (code === 'unauthorized') {
    return new AuthError(
      `stream notifications failed: ${where}: subscribing to ${stream}: unauthorized; ${LOGIN_AGAIN}`,
      {
        reason: 'unauthorized',
        retryable: false,
      },
    );
  }
  return new ListenError(`stream notifications failed: ${where}: subscribing to ${stream}: ${code}`, {
    retryable: false,
  });
}

/** What the server said on the stream (masto throws its `error` message), as an error that says what to do. */
function serverError(error: unknown, where: string, stream: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/scope|access token/i.test(message)) {
    return new AuthError(`stream notifications failed: ${where}: ${message}; ${LOGIN_AGAIN}`, {
      cause: error,
      reason: 'unauthorized',
      retryable: false,
    });
  }
  return new ListenError(`stream notifications failed: ${where}: subscribing to ${stream}: ${message}`, {
    cause: error,
    retryable: false,
  });
}
