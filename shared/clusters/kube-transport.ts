/**
 * The HTTP transport of one cluster, configured by a `KubeConfig` from @kubernetes/client-node (server, CA,
 * client certificates, tokens, exec plugins and our own authenticators, applied on every request so tokens
 * refresh). Requests go through undici, as the client library's own API calls do: one connection pool per
 * cluster, kept alive, with the TLS material and proxy the kubeconfig names (the library's own mapping,
 * `createDispatcherOptions`). Bodies are sent as JSON text exactly as given.
 *
 * undici rather than node:http: a request costs the pipeline about a quarter less CPU (195 against 270 µs per
 * apply, measured 2026-11-30), and a push applies tens of objects to every cluster of an environment from one
 * Functions instance. Its `dispatch` with a handler that collects the answer, rather than `request()` and a body
 * stream read to text: about 70 µs less again per request (220 against 290 µs, measured the same day).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';
import { KubeApiError, queryString, type KubeRequest, type KubeResponse, type KubeTransport } from './kube-client.ts';

export interface TransportOptions {
  /** Time allowed for the answer's headers, and then between body chunks (default 30 s). */
  timeoutMs?: number;
}

/** The TLS fields of a request's options that shape its connections (a change means new connections). */
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
type TlsMaterial = Pick<https.RequestOptions, (typeof TLS_FIELDS)[number]>;

function sameMaterial(a: TlsMaterial, b: TlsMaterial): boolean {
  return TLS_FIELDS.every((f) => {
    const x = a[f] as unknown;
    const y = b[f] as unknown;
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) return x.equals(y);
    return x === y;
  });
}

/**
 * Idle connections are kept 90 s, as client-go's transport keeps them (IdleConnTimeout) and the API server
 * serves them (IdleTimeout): the API server sends no Keep-Alive hint, and undici's own default (4 s) would open
 * new connections, each with a TLS handshake, for every push that comes more than 4 s after the last.
 */
const IDLE = { keepAliveTimeout: 90_000, keepAliveMaxTimeout: 90_000 };

/** The kubeconfig's TLS material and proxy as an undici dispatcher (kept alive: 30 s keep-alive probes, as client-go). */
function dispatcherFor(kc: KubeConfig, material: TlsMaterial): Dispatcher {
  const agentOptions: https.AgentOptions = {};
  for (const f of TLS_FIELDS) if (material[f] !== undefined) Object.assign(agentOptions, { [f]: material[f] });
  const options = kc.createDispatcherOptions(kc.getCurrentCluster(), agentOptions);
  switch (options.type) {
    case 'agent': return new Agent({ connect: options.connect, ...IDLE });
    case 'proxy': return new ProxyAgent({ uri: options.uri, requestTls: options.requestTls, connect: options.connect, ...IDLE });
    case 'none': return new Agent({ connect: { keepAlive: true, keepAliveInitialDelay: 30_000 }, ...IDLE });
    case 'socks': throw new Error(`kubeconfig cluster ${kc.getCurrentCluster()?.name ?? ''}: a SOCKS proxy-url is not supported (use an HTTP(S) proxy, or none)`);
  }
}

/** A transport to the current context's cluster of `kc` (build one KubeConfig per cluster). */
export function kubeConfigTransport(kc: KubeConfig, options: TransportOptions = {}): KubeTransport {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context ${kc.getCurrentContext() || '(none)'} names no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  let pool: { material: TlsMaterial; dispatcher: Dispatcher } | undefined;
  return async (request: KubeRequest): Promise<KubeResponse> => {
    const opts: https.RequestOptions = { headers: { Accept: request.accept ?? 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    // New TLS material (a rotated client certificate, a new CA): new connections; the old pool ends with its requests.
    if (!pool || !sameMaterial(pool.material, opts)) {
      const previous = pool?.dispatcher;
      pool = { material: Object.fromEntries(TLS_FIELDS.map((f) => [f, opts[f]])) as TlsMaterial, dispatcher: dispatcherFor(kc, opts) };
      void previous?.close().catch(() => undefined);
    }
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string>), 'User-Agent': 'serverless-gitops' };
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const body = request.bodyText ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    if (body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
    let res: Answer;
    try {
      const url = new URL(server + request.path + queryString(request.query));
      res = await exchange(pool.dispatcher, {
        origin: url.origin, path: `${url.pathname}${url.search}`,
        method: request.method, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      });
    } catch (err) {
      // No HTTP answer (refused, reset, timeout, TLS): status 0, which the client retries.
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      throw new KubeApiError(0, `${server}: ${e.cause?.code ?? e.code ?? e.message}`, { cause: err });
    }
    const { text } = res;
    let parsed: unknown = text;
    try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, body: parsed, headers: h };
  };
}

interface Answer { statusCode: number; headers: IncomingHttpHeaders; text: string }

/** One request through `dispatcher`: the final answer's status, headers and body as UTF-8 text. */
function exchange(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    try {
      dispatcher.dispatch(options, {
        onRequestStart: () => {},
        // An informational (1xx) answer, if one comes first, is replaced by the final one.
        onResponseStart: (_c, status, h) => { statusCode = status; headers = h; },
        onResponseData: (_c, chunk) => { chunks.push(chunk); },
        onResponseEnd: () => resolve({ statusCode, headers, text: Buffer.concat(chunks).toString('utf8') }),
        onResponseError: (_c, err) => reject(err),
      });
    } catch (err) {
      reject(err);
    }
  });
}
