import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FlavourProfile } from './flavour.ts';
import { type RecordedToken, scopeCovers } from './oauth.ts';

/** One WebSocket connection to the fake's streaming API. */
export interface RecordedStream {
  /** 1, 2, … in connection order. */
  id: number;
  /** The token it authenticated with. */
  accessToken: string;
  /** How the token came: `Authorization` header, `access_token` query parameter, or `Sec-WebSocket-Protocol`. */
  auth: 'header' | 'query' | 'protocol';
  /** The streams it is subscribed to now (`user`, `user:notification`…), in subscription order. */
  subscriptions: string[];
  /** False once either side closed it. */
  open: boolean;
  /** Every message the fake sent on it, parsed (events and errors), in order. */
  sent: unknown[];
}

/** What the streaming server needs from the rest of the fake. */
export interface StreamingDependencies {
  profile: FlavourProfile;
  /** Whether upgrades are accepted (option `streaming`). */
  enabled: boolean;
  /** The token behind a bearer string, or null when unknown, revoked, or not acting for a user. */
  resolveToken: (token: string) => RecordedToken | null;
  /** Called after every change a test may wait for (a connection, a subscription, a close). */
  changed: () => void;
  /** Record the upgrade request with the status it got (101 when accepted). */
  record: (request: IncomingMessage, status: number) => void;
}

/** The streaming API: WebSocket upgrades on /api/v1/streaming, subscriptions, events. */
export interface StreamingServer {
  readonly streams: RecordedStream[];
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Send an event to every open stream of `accountId` subscribed to one of `streams`: on Mastodon and Pleroma each
   * stream name gets its own message (their per-channel listeners), on GoToSocial one message lists them all. `needs`
   * is the scope a token must cover to receive it on `user` (Mastodon and Pleroma).
   */
  emit(accountId: string, streams: readonly string[], event: string, payload: unknown, needs?: string): void;
  /** Cut every open stream abruptly (no close frame: what a network drop looks like); returns how many. */
  drop(): number;
  close(): void;
}

const PUBLIC_STREAMS = [
  'public',
  'public:media',
  'public:local',
  'public:local:media',
  'public:remote',
  'public:remote:media',
  'hashtag',
  'hashtag:local',
];

/** Mastodon's `checkScopes`: `read` opens every stream; `user:notification` also `read:notifications`, others `read:statuses`. */
function hasStreamScope(token: RecordedToken, stream: string): boolean {
  if (PUBLIC_STREAMS.includes(stream)) return true;
  const narrow = stream === 'user:notification' ? 'read:notifications' : 'read:statuses';
  return token.scopes.includes('read') || token.scopes.includes(narrow);
}

function firstParam(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === 'string' ? value[0] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Write an HTTP answer on a socket that asked for an upgrade, then close it (what Mastodon's streaming server does). */
function refuse(socket: Duplex, status: number, headers: Record<string, string>, body = ''): void {
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Create the streaming side of the fake. */
export function createStreamingServer(deps: StreamingDependencies): StreamingServer {
  const { profile } = deps;
  const wss = new WebSocketServer({ noServer: true });
  const streams: RecordedStream[] = [];
  const sockets = new Map<RecordedStream, WebSocket>();
  const known = new Set([...PUBLIC_STREAMS, 'user', 'user:notification', 'list', 'direct']);
  // GoToSocial's `AllStatusTimelines`: the only streams its subscribe message accepts.
  const gotosocialMessageStreams = ['public:local', 'public', 'user', 'direct', 'list'];

  const send = (stream: RecordedStream, message: unknown) => {
    const socket = sockets.get(stream);
    if (!socket || socket.readyState !== socket.OPEN) return;
    stream.sent.push(message);
    socket.send(JSON.stringify(message));
  };

  /** Pleroma answers every subscribe and unsubscribe with a `pleroma:respond` event. */
  const respond = (stream: RecordedStream, type: string, result: 'success' | 'error', error?: string) => {
    if (profile.streaming !== 'pleroma') return;
    send(stream, {
      event: 'pleroma:respond',
      payload: JSON.stringify({ type, result, ...(error ? { error } : {}) }),
    });
  };

  const subscribe = (
    stream: RecordedStream,
    token: RecordedToken,
    name: string | undefined,
    params: object,
    from: 'query' | 'message',
  ) => {
    const add = () => {
      if (!stream.subscriptions.includes(name as string)) stream.subscriptions.push(name as string);
      respond(stream, 'subscribe', 'success');
      deps.changed();
    };
    if (profile.streaming === 'gotosocial') {
      // No scope checks, and a message for another stream is only logged by the server.
      if (name && (from === 'query' || gotosocialMessageStreams.includes(name))) add();
      return;
    }
    const fail = (error: string, status: number, code: string) => {
      if (profile.streaming === 'pleroma') respond(stream, 'subscribe', 'error', code);
      else send(stream, { error, status });
    };
    if (!name || !known.has(name)) return fail('Unknown stream type', 400, 'bad_topic');
    if (!hasStreamScope(token, name)) {
      return fail('Access token does not have the required scopes', 401, 'unauthorized');
    }
    if ((name === 'hashtag' || name === 'hashtag:local') && !('tag' in params)) {
      return fail('Missing tag name parameter', 400, 'bad_topic');
    }
    if (name === 'list') return fail('Not authorized to stream this list', 401, 'unauthorized');
    add();
  };

  const connected = (
    socket: WebSocket,
    request: IncomingMessage,
    token: RecordedToken,
    auth: RecordedStream['auth'],
  ) => {
    const stream: RecordedStream = {
      id: streams.length + 1,
      accessToken: token.accessToken,
      auth,
      subscriptions: [],
      open: true,
      sent: [],
    };
    streams.push(stream);
    sockets.set(stream, socket);
    socket.on('close', () => {
      stream.open = false;
      stream.subscriptions = [];
      sockets.delete(stream);
      deps.changed();
    });
    socket.on('error', () => {});
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        socket.close(1003, 'The mastodon streaming server does not support binary messages');
        return;
      }
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const { type, stream: name, ...params } = message as { type?: unknown; stream?: unknown };
      if (type === 'subscribe') subscribe(stream, token, firstParam(name), params, 'message');
      else if (type === 'unsubscribe') {
        stream.subscriptions = stream.subscriptions.filter((subscribed) => subscribed !== firstParam(name));
        respond(stream, 'unsubscribe', 'success');
        deps.changed();
      }
    });
    const query = new URL(request.url ?? '/', 'http://fake').searchParams;
    const initial = query.get('stream');
    if (initial) subscribe(stream, token, initial, Object.fromEntries(query), 'query');
    deps.changed();
  };

  return {
    streams,

    handleUpgrade(request, socket, head) {
      socket.on('error', () => socket.destroy());
      const url = new URL(request.url ?? '/', 'http://fake');
      if (!deps.enabled || !/^\/api\/v1\/streaming\/?$/.test(url.pathname)) {
        deps.record(request, 404);
        refuse(socket, 404, { 'Content-Type': 'application/json' }, JSON.stringify(profile.errors.notFound.body));
        return;
      }
      const header = request.headers.authorization?.replace(/^Bearer\s+/i, '');
      const query = url.searchParams.get('access_token');
      const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
      const given = header || query || protocol;
      const auth: RecordedStream['auth'] = header ? 'header' : query ? 'query' : 'protocol';
      const token = given ? deps.resolveToken(given) : null;
      if (!token) {
        deps.record(request, 401);
        refuse(socket, 401, {
          'Content-Type': 'text/plain',
          'X-Error-Message': given ? 'Invalid access token' : 'Missing access token',
        });
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        deps.record(request, 101);
        connected(ws, request, token, auth);
      });
    },

    emit(accountId, names, event, payload, needs) {
      const encoded = typeof payload === 'string' ? payload : JSON.stringify(payload);
      for (const stream of streams) {
        if (!stream.open) continue;
        const token = deps.resolveToken(stream.accessToken);
        if (!token || token.accountId !== accountId) continue;
        if (profile.streaming === 'gotosocial') {
          if (names.some((name) => stream.subscriptions.includes(name))) {
            send(stream, { stream: [...names], event, payload: encoded });
          }
          continue;
        }
        for (const name of names) {
          if (!stream.subscriptions.includes(name)) continue;
          // The user stream carries notifications only for tokens that may read them.
          if (name === 'user' && needs && !scopeCovers(token.scopes, needs)) continue;
          send(stream, { stream: [name], event, payload: encoded });
        }
      }
    },

    drop() {
      let dropped = 0;
      for (const [stream, socket] of sockets) {
        if (!stream.open) continue;
        socket.terminate();
        dropped += 1;
      }
      return dropped;
    },

    close() {
      for (const socket of sockets.values()) socket.terminate();
      wss.close();
    },
  };
}
