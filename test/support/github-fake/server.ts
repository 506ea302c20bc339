/**
 * The HTTP server: parses requests, applies latency, faults, authentication and rate limits, dispatches to
 * the route table, renders GitHub's JSON and headers, and logs every request by route template.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { HttpError, badRequest, notFound, unauthorized } from './errors.ts';
import { compileRoutes, matchRoute, templateFor, type Reply, type Route } from './router.ts';
import type { FakeState } from './state.ts';
import { ACCESS_TOKENS_ROUTE } from './routes-app.ts';

const MAX_BODY = 100 * 1024 * 1024;

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, { message: 'Request body too large' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Problems parsing JSON');
  }
}

function tokenOf(header: string | undefined): string | undefined {
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts the server on `port` (0: any free port) at 127.0.0.1 and returns it with its base URL. */
export async function listen(state: FakeState, routes: Route[], port: number, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const table = compileRoutes(routes);
  const server = http.createServer((req, res) => {
    void handle(state, table, req, res);
  });
  // Connections stay open between requests, as GitHub's do. Under undici's 2 s margin (keepAliveTimeoutThreshold)
  // a 1 s timeout made every request of a client open a new connection; close() ends them all.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}

/**
 * Waits until `latencyMs` have passed since the request arrived: the injected latency is the request's response
 * time, the fake's own work (git, JSON) inside it, as a real server's response time includes its work. Work that
 * takes longer answers when it is done.
 */
async function answerAfterLatency(state: FakeState, started: number): Promise<void> {
  const left = state.limits.latencyMs - (Date.now() - started);
  if (left > 0) await sleep(left);
}

async function handle(state: FakeState, table: ReturnType<typeof compileRoutes>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const started = Date.now();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://fake');
  const rawPath = url.pathname.replace(/^\/api\/v3(?=\/)/, '').replace(/^\/api\/graphql$/, '/graphql');
  const match = matchRoute(table, method, rawPath);
  const template = match?.route.path ?? templateFor(table, rawPath) ?? '<unmatched>';
  const isGraphql = template === '/graphql';
  const resource = isGraphql ? 'graphql' : 'core';
  const entry = { method, path: url.pathname + url.search, route: `${method} ${template}`, status: 0, durationMs: 0, at: new Date(started).toISOString() } as
    { method: string; path: string; route: string; status: number; durationMs: number; at: string; response?: unknown };
  state.log.push(entry);
  const fault = state.limits.fault();
  if (fault.kind === 'reset') {
    await answerAfterLatency(state, started);
    entry.status = -1;
    entry.durationMs = Date.now() - started;
    req.socket.resetAndDestroy();
    return;
  }
  let reply: Reply;
  let extraHeaders: Record<string, string> = {};
  try {
    if (fault.kind === 'answer') throw fault.error;
    const token = tokenOf(req.headers.authorization);
    const appExchange = template === ACCESS_TOKENS_ROUTE;
    if (!appExchange && state.token !== undefined && token !== state.token && !(token && state.installationTokens.has(token))) throw unauthorized(token ? 'Bad credentials' : 'Requires authentication');
    const gate = state.limits.rate(resource, template !== '/rate_limit', isGraphql);
    if (gate.kind === 'answer') throw gate.error;
    if (!match) throw notFound();
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req);
    const repo = match.params['owner'] !== undefined ? state.repo(`${match.params['owner']}/${match.params['repo']}`) : undefined;
    reply = await match.route.handler({ method, params: match.params, query: url.searchParams, body, headers: req.headers, repo: repo!, state });
  } catch (error) {
    if (error instanceof HttpError) {
      reply = { status: error.status, body: error.body };
      extraHeaders = error.headers;
    } else {
      const message = error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
      reply = { status: 500, body: { message: `github-fake internal error: ${message}` } };
    }
  }
  const headers: Record<string, string> = {
    ...state.limits.headers(resource), 'x-github-request-id': randomUUID().toUpperCase(), 'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28', ...extraHeaders, ...reply.headers,
  };
  let payload: Buffer | undefined;
  if (reply.raw) {
    payload = reply.raw;
    headers['content-type'] = reply.contentType ?? 'application/octet-stream';
  } else if (reply.body !== undefined) {
    payload = Buffer.from(JSON.stringify(reply.body));
    headers['content-type'] = 'application/json; charset=utf-8';
    if (state.captureBodies) entry.response = reply.body;
  }
  if (payload) headers['content-length'] = String(payload.length);
  await answerAfterLatency(state, started);
  entry.status = reply.status;
  entry.durationMs = Date.now() - started;
  if (res.destroyed) return;
  res.writeHead(reply.status, headers);
  res.end(method === 'HEAD' ? undefined : payload);
}
