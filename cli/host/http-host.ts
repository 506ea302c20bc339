/**
 * The local host's HTTP side: the Function App's routes served by node:http,
 * calling the same handlers Azure runs. The Event Grid route behaves as the
 * Functions extension (Microsoft.Azure.WebJobs.Extensions.EventGrid, HttpRequestProcessor) does:
 * `/runtime/webhooks/eventgrid?functionName=…`; the CloudEvents validation handshake (`OPTIONS` with
 * `WebHook-Request-Origin` → 200 and `WebHook-Allowed-Origin`); the Event Grid schema's
 * `aeg-event-type: SubscriptionValidation` handshake; `Notification` bodies of either schema, a JSON object
 * (CloudEvents structured, `application/cloudevents+json`) or an array (`application/json`,
 * `application/cloudevents-batch+json`), one invocation per event, and 500 when any of them fails.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { WebhookResponse } from '../../shared/app/http-outcomes.ts';
import type { WebhookRequest } from '../../shared/pipeline/github-delivery.ts';

export interface HostRoutes {
  /** HTTP functions by route (e.g. `github-webhook` for /api/github-webhook). */
  http: Record<string, (req: WebhookRequest) => Promise<WebhookResponse>>;
  /** Event Grid functions by name. */
  eventGrid: Record<string, (event: unknown) => Promise<unknown>>;
  /** Called for failures the response does not show (logs). */
  onError?(route: string, error: unknown): void;
}

/** The largest body accepted (GitHub's limit). */
const MAX_BODY = 25 * 1024 * 1024;

export async function startHttpHost(routes: HostRoutes, options: { port?: number; host?: string } = {}): Promise<{ url: string; port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void handle(req).then(
      ({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      },
      (err: unknown) => {
        routes.onError?.(req.url ?? '', err);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error)?.message ?? 'internal error' }));
      },
    );
  });

  async function handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/') return { status: 200, body: { ok: true, routes: [...Object.keys(routes.http).map((r) => `/api/${r}`), ...Object.keys(routes.eventGrid).map((f) => `/runtime/webhooks/eventgrid?functionName=${f}`)] } };
    if (req.method === 'OPTIONS' && url.pathname === '/runtime/webhooks/eventgrid') {
      if (!routes.eventGrid[url.searchParams.get('functionName') ?? '']) return { status: 404, body: { error: `no Event Grid function ${url.searchParams.get('functionName') ?? ''}` } };
      return { status: 200, headers: { 'webhook-allowed-origin': allowedOrigin(headerOf(req, 'webhook-request-origin')) } };
    }
    const body = await readBody(req);
    if (body === undefined) return { status: 413, body: { error: `body larger than ${MAX_BODY} bytes` } };
    if (url.pathname.startsWith('/api/')) {
      const fn = routes.http[url.pathname.slice(5)];
      if (!fn) return { status: 404, body: { error: `no function at ${url.pathname}` } };
      if (req.method !== 'POST') return { status: 405, body: { error: 'POST only' } };
      const r = await fn({ header: (n) => headerOf(req, n), body });
      return { status: r.status, body: r.body };
    }
    if (url.pathname === '/runtime/webhooks/eventgrid') {
      if (req.method !== 'POST') return { status: 405, body: { error: 'POST or OPTIONS only' } };
      return eventGrid(url.searchParams.get('functionName') ?? '', headerOf(req, 'aeg-event-type'), body);
    }
    return { status: 404, body: { error: `no route ${url.pathname}` } };
  }

  async function eventGrid(name: string, type: string | undefined, body: string): Promise<{ status: number; body?: unknown }> {
    const fn = routes.eventGrid[name];
    if (!fn) return { status: 404, body: { error: `no Event Grid function ${name}` } };
    let events: unknown;
    try {
      events = JSON.parse(body);
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    const list = Array.isArray(events) ? events : [events];
    switch (type) {
      case 'SubscriptionValidation': {
        // An array (Event Grid schema), or one object whose data is double-encoded (a CloudEvent), as the extension reads it.
        const data = Array.isArray(events) ? (list[0] as { data?: unknown } | undefined)?.data : (events as { data?: unknown } | null)?.data;
        const code = (typeof data === 'string' ? safeJson(data) : (data as { validationCode?: unknown } | undefined))?.validationCode;
        return typeof code === 'string' ? { status: 200, body: { validationResponse: code } } : { status: 400, body: { error: 'no validationCode' } };
      }
      case 'Unsubscribe':
        return { status: 202 };
      case 'Notification': {
        if (typeof events !== 'object' || events === null) return { status: 400, body: { error: 'expected a JSON object or array of events' } };
        const results = await Promise.allSettled(list.map((e) => fn(e)));
        const failed = results.filter((r) => r.status === 'rejected');
        for (const f of failed) routes.onError?.(`eventgrid:${name}`, (f as PromiseRejectedResult).reason);
        // As the extension: one failure fails the batch, so Event Grid redelivers all of it.
        return failed.length > 0 ? { status: 500, body: { error: `${failed.length} of ${list.length} events failed` } } : { status: 202 };
      }
      default:
        return { status: 400, body: { error: `aeg-event-type ${type ?? '(missing)'} is not Notification, SubscriptionValidation or Unsubscribe` } };
    }
  }

  server.listen(options.port ?? 7071, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** The extension answers with the request's origin when it is one of Event Grid's clouds, else the public cloud's. */
const EVENT_GRID_ORIGINS = new Set(['eventgrid.azure.net', 'eventgrid.azure.us', 'eventgrid.azure.cn', 'eventgrid.azure.eaglex.ic.gov', 'eventgrid.azure.microsoft.scloud']);
function allowedOrigin(origin: string | undefined): string {
  return origin && EVENT_GRID_ORIGINS.has(origin) ? origin : 'eventgrid.azure.net';
}

function safeJson(text: string): { validationCode?: unknown } | undefined {
  try {
    return JSON.parse(text) as { validationCode?: unknown };
  } catch {
    return undefined;
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
