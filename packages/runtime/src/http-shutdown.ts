// Stopping an HTTP server gracefully: no new connections, in-flight requests finish, idle keep-alive connections (and
// those that never sent a request) are closed, the rest cut at a deadline.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Stops accepting, lets in-flight requests finish, closes the other connections (idle keep-alive ones, and those that
 * never sent a request, which `closeIdleConnections` leaves open), cuts the rest at the deadline.
 */
export async function shutdown(server: Server, idle: () => void, deadlineMs: number): Promise<void> {
  const http = server;
  const closed = new Promise<void>((resolve) => http.close(() => resolve()));
  const closeIdle = () => {
    http.closeIdleConnections?.();
    idle();
  };
  const sweep = setInterval(closeIdle, 100);
  const deadline = setTimeout(() => http.closeAllConnections?.(), deadlineMs);
  closeIdle();
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
}

/** Counts the requests in progress on each connection; `closeIdle()` destroys the connections that have none. */
export function trackConnections(server: Server): () => void {
  const inProgress = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    inProgress.set(socket, 0);
    socket.once('close', () => inProgress.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inProgress.set(socket, (inProgress.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (inProgress.has(socket)) inProgress.set(socket, (inProgress.get(socket) ?? 1) - 1);
    });
  });
  return () => {
    for (const [socket, count] of inProgress) if (count === 0) socket.destroy();
  };
}
