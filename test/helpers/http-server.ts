/**
 * A tiny scripted HTTP server on 127.0.0.1 for download tests. Each path has a list of replies
 * used one per request (the last one repeats); every request is recorded so tests can count.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Reply =
  /** 200 with the whole body and a correct Content-Length. */
  | { kind: 'body'; body: Buffer }
  /** A bare status with a short text body. */
  | { kind: 'status'; status: number }
  /** 200 promising the whole body, sending `sendBytes` of it, then closing the socket. */
  | { kind: 'truncated'; body: Buffer; sendBytes: number }
  /** 200 promising the whole body, sending `sendBytes`, then going silent (socket kept open). */
  | { kind: 'stall'; body: Buffer; sendBytes: number }
  | { kind: 'redirect'; location: string }
  /**
   * 200 sending `body` in `chunks` pieces `delayMs` apart: with a Content-Length, or (`chunked`)
   * without one, as a server that does not know the size sends it.
   */
  | { kind: 'slow'; body: Buffer; chunks: number; delayMs: number; chunked?: boolean };

export interface ScriptedServer {
  /** Absolute URL of `path` on this server. */
  url(path: string): string;
  /** Every request's path, in arrival order. */
  readonly requests: string[];
  countFor(path: string): number;
  close(): Promise<void>;
}

export async function startScriptedServer(
  script: Record<string, Reply[]>
): Promise<ScriptedServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const served = new Map<string, number>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    requests.push(path);
    const replies = script[path];
    if (replies === undefined || replies.length === 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const index = served.get(path) ?? 0;
    served.set(path, index + 1);
    answer(res, replies[Math.min(index, replies.length - 1)]);
  });
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: path => `http://127.0.0.1:${port}${path}`,
    requests,
    countFor: path => requests.filter(p => p === path).length,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })
  };
}

function answer(res: ServerResponse, reply: Reply): void {
  switch (reply.kind) {
    case 'body':
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': String(reply.body.length)
      });
      res.end(reply.body);
      return;
    case 'status':
      res.writeHead(reply.status, { 'content-type': 'text/plain' }).end(`status ${reply.status}\n`);
      return;
    case 'truncated':
    case 'stall':
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': String(reply.body.length)
      });
      res.write(reply.body.subarray(0, reply.sendBytes), () => {
        if (reply.kind === 'truncated') res.socket?.destroy();
      });
      return;
    case 'redirect':
      res.writeHead(302, { location: reply.location }).end();
      return;
    case 'slow':
      void sendSlowly(res, reply);
      return;
  }
}

async function sendSlowly(
  res: ServerResponse,
  reply: Extract<Reply, { kind: 'slow' }>
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/zip' };
  if (!reply.chunked) headers['content-length'] = String(reply.body.length);
  res.writeHead(200, headers);
  const size = Math.ceil(reply.body.length / reply.chunks);
  for (let at = 0; at < reply.body.length; at += size) {
    if (res.destroyed) return;
    res.write(reply.body.subarray(at, at + size));
    await new Promise(resolve => setTimeout(resolve, reply.delayMs));
  }
  res.end();
}
