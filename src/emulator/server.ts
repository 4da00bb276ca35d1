import { randomUUID } from 'node:crypto';
import { createServer as createHttp1Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { authorizationError } from './authorization';
import { AwsError, internalError, throttled } from './errors';
import type { Operation } from './faults';

/** What a route answers: a JSON body and extra headers. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  /** Path segments, percent-decoded one by one (an ARN label keeps its `/` and `:`). */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body; `undefined` for an empty body. */
  json(): unknown;
}

export interface Route {
  method: string;
  /** Segments to match; `*` matches any one segment. */
  path: string[];
  /** The AWS operation, for fault injection; admin routes have none. */
  operation?: Operation;
  handle(ctx: RequestContext): Reply | Promise<Reply>;
}

export interface ServerHooks {
  /** A fault to answer this operation with instead of serving it. */
  requestFault(operation: Operation): 'throttle' | 'server-error' | undefined;
  onError(error: AwsError): void;
}

/** The preface every HTTP/2 prior-knowledge (h2c) connection opens with; no HTTP/1 request starts this way. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

function startsLikeHttp2(first: Buffer): boolean {
  const n = Math.min(first.length, HTTP2_PREFACE.length);
  return first.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
}

/**
 * The HTTP/2 session reads a TCP socket's native handle directly and would miss the bytes already read to
 * sniff the protocol, so it gets a stream that replays them and then relays the socket.
 */
function relay(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (err, callback) => {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  duplex.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.once('end', () => duplex.push(null));
  socket.once('close', () => duplex.destroy());
  return duplex;
}

export interface EmulatorServer {
  server: Server;
  /** Closes the listener and every open connection. */
  close: () => Promise<void>;
}

/** The first path segment of every admin route: no AWS path uses it. */
export const ADMIN_PREFIX = '_docflow';

/**
 * The HTTP front: routing, JSON bodies and AWS-shaped errors. AWS requests must be signed (the keys are not checked).
 * One port speaks both HTTP/1.1 (the Bedrock control-plane client) and cleartext HTTP/2 (the bedrock-runtime
 * client's default handler): each connection's first bytes decide which protocol serves it.
 */
export function createEmulatorServer(routes: Route[], hooks: ServerHooks): EmulatorServer {
  const handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    void serve(routes, hooks, req, res);
  };
  const http1 = createHttp1Server(handler);
  const http2 = createHttp2Server(handler);
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      if (startsLikeHttp2(first)) {
        http2.emit('connection', relay(socket, first));
      } else {
        socket.pause();
        socket.unshift(first);
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function serve(
  routes: Route[],
  hooks: ServerHooks,
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    const method = req.method ?? 'GET';
    // The admin routes are docflow's own, for curl and tests: only the AWS API asks for a signature.
    if (segments[0] !== ADMIN_PREFIX) {
      const unsigned = authorizationError(header(req, 'authorization'), url.searchParams);
      if (unsigned !== undefined) throw unsigned;
    }
    const route = routes.find((r) => r.method === method && matches(r.path, segments));
    if (route === undefined)
      throw new AwsError('UnknownOperationException', `No operation matches ${method} ${url.pathname}.`);
    const fault = route.operation === undefined ? undefined : hooks.requestFault(route.operation);
    if (fault === 'throttle') throw throttled();
    if (fault === 'server-error') throw internalError();
    const reply = await route.handle({ method, segments, query: url.searchParams, json: () => parseJson(raw) });
    send(res, reply.status ?? 200, requestId, reply.body, reply.headers);
  } catch (err) {
    const error = err instanceof AwsError ? err : internalError();
    hooks.onError(error);
    send(
      res,
      error.status,
      requestId,
      { message: error.message },
      { 'x-amzn-errortype': `${error.type}:http://internal.amazon.com/coral/com.amazonaws.bedrock/` },
    );
  }
}

function header(req: IncomingMessage | Http2ServerRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function matches(pattern: string[], segments: string[]): boolean {
  return pattern.length === segments.length && pattern.every((p, i) => p === '*' || p === segments[i]);
}

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
}

async function readBody(req: IncomingMessage | Http2ServerRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(
  res: ServerResponse | Http2ServerResponse,
  status: number,
  requestId: string,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  const all: Record<string, string> = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(payload)),
    'x-amzn-requestid': requestId,
    ...headers,
  };
  res.statusCode = status;
  for (const [name, value] of Object.entries(all)) res.setHeader(name, value);
  res.end(payload);
}
