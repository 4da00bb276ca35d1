import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature, webhookHeaderNames } from '../../src/notify/webhook';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether `verifyWebhookSignature` accepted it (only when the receiver has a secret). */
  verified?: boolean;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Answer after this long (to exercise timeouts). */
  delayMs?: number;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP receiver on 127.0.0.1. With a secret it verifies each delivery as a docflow consumer would, and
 * answers 401 when the signature does not verify; otherwise `reply` decides (default 204).
 */
export async function startWebhookReceiver(
  options: { secret?: string; reply?: (request: ReceivedRequest) => Reply } = {},
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const received: ReceivedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      if (options.secret !== undefined) {
        received.verified = verifyWebhookSignature({
          body,
          timestamp: header(req.headers, webhookHeaderNames.timestamp),
          signature: header(req.headers, webhookHeaderNames.signature),
          secret: options.secret,
        });
      }
      requests.push(received);
      const reply: Reply =
        received.verified === false ? { status: 401 } : (options.reply?.(received) ?? { status: 204 });
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers).end();
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
