/**
 * The HTTP transport of one cluster, configured by a `KubeConfig` from @kubernetes/client-node (server, CA,
 * client certificates, tokens, exec plugins and our own authenticators, applied on every request so tokens
 * refresh). Bodies are sent as JSON text exactly as given.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, queryString, type KubeRequest, type KubeResponse, type KubeTransport } from './kube-client.ts';

export interface TransportOptions {
  /** Time allowed for one request (default 30 s). */
  timeoutMs?: number;
}

/**
 * The same agent with keep-alive. @kubernetes/client-node builds its (cached) `http.Agent`/`https.Agent`
 * without `keepAlive`, so every request would open a new connection: a TCP and a TLS handshake, two to three
 * round trips more per request to a real API server. Proxy agents are left as they are.
 */
function keepAliveAgent(agent: unknown, cache: WeakMap<object, http.Agent>): unknown {
  if (!(agent instanceof http.Agent) || (agent as http.Agent & { keepAlive?: boolean }).keepAlive) return agent;
  const kind = agent.constructor === https.Agent ? https.Agent : agent.constructor === http.Agent ? http.Agent : undefined;
  if (!kind) return agent;
  let kept = cache.get(agent);
  if (!kept) {
    kept = new kind({ ...(agent as http.Agent & { options: http.AgentOptions }).options, keepAlive: true });
    cache.set(agent, kept);
  }
  return kept;
}

/** A transport to the current context's cluster of `kc` (build one KubeConfig per cluster). */
export function kubeConfigTransport(kc: KubeConfig, options: TransportOptions = {}): KubeTransport {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig context ${kc.getCurrentContext() || '(none)'} names no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agents = new WeakMap<object, http.Agent>();
  return async (request: KubeRequest): Promise<KubeResponse> => {
    const opts: https.RequestOptions = { method: request.method, headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    opts.agent = keepAliveAgent(opts.agent, agents) as http.Agent | undefined;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers = opts.headers as Record<string, string>;
    if (body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    headers['User-Agent'] = 'serverless-gitops';
    const url = new URL(server + request.path + queryString(request.query));
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = lib.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new KubeApiError(0, err.message, { cause: err })));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { /* not JSON: keep the text */ }
          const h: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: h });
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      // No HTTP answer (refused, reset, timeout, TLS): status 0, which the client retries.
      req.on('error', (err: NodeJS.ErrnoException) => reject(new KubeApiError(0, `${server}: ${err.code ?? err.message}`, { cause: err })));
      if (body !== undefined) req.write(body);
      req.end();
    });
  };
}
