// A hub on loopback that records every request and answers what a test says: for agents, `janitor send` and
// anything else that talks to a hub, without starting one.
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One request the recording hub received. */
export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** What the recording hub answers: a status and a JSON body. */
export type Answer = { status: number; body?: unknown };

/** A hub on loopback that records every request and answers what the test says (by default 200 queued). */
export interface RecordingHub {
  url: string;
  port: number;
  received: Recorded[];
  /** Sets the answer to the following requests. */
  answer(next: (request: Recorded) => Answer): void;
  close(): Promise<void>;
}

/** Starts a {@link RecordingHub} on 127.0.0.1 (`port` 0: any free port). */
export async function startRecordingHub(port = 0): Promise<RecordingHub> {
  const received: Recorded[] = [];
  let respond: (r: Recorded) => Answer = () => ({ status: 200, body: { status: 'queued', id: received.length } });
  const server: Server = createServer(async (req, res) => {
    const text = await readAll(req);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const recorded: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body,
    };
    received.push(recorded);
    const answer = respond(recorded);
    res.writeHead(answer.status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    answer(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
