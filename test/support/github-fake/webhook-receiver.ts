/**
 * A tiny HTTP server that records what it receives (for webhook delivery tests).
 */
import http from 'node:http';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** A received request. */
export interface Received { headers: http.IncomingHttpHeaders; body: string }

export interface Receiver {
  url: string;
  /** Every request so far, in arrival order. */
  received: Received[];
  /** The first request (already received or still to come) that `match` accepts; rejects after `timeoutMs`. */
  next(match: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** Starts a receiver answering 202; `received` fills as requests arrive. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const arrivals = new EventEmitter();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      res.writeHead(202).end();
      arrivals.emit('request', r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github`, received,
    async next(match, timeoutMs = 30_000) {
      const seen = received.find(match);
      if (seen) return seen;
      const signal = AbortSignal.timeout(timeoutMs);
      for (;;) {
        const [r] = await once(arrivals, 'request', { signal }) as [Received];
        if (match(r)) return r;
      }
    },
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
