/**
 * `startKubeFake`: an HTTP server that speaks the Kubernetes API (discovery, CRUD, server-side
 * apply, Status errors) over in-memory state, with fault injection, an optional bearer token
 * and request counts.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster, resourceKey } from './cluster.ts';
import { dispatch, type Response } from './dispatch.ts';
import { Faults, type FaultOptions } from './faults.ts';
import { splitApiVersion, groupVersion } from './registry.ts';
import { route, verbOf } from './routing.ts';
import { parseLabelSelector } from './selectors.ts';
import { KubeError } from './status.ts';
import { loadBuiltInValidators } from './validation.ts';
import type { SsaUnknownFields } from './writes.ts';
import type { ControllerOptions } from './controllers.ts';

export type { FaultOptions } from './faults.ts';

/** Options of {@link startKubeFake}. */
export interface KubeFakeOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** Shorthand for `faults.latencyMs`. */
  latencyMs?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** Delay before a new CRD becomes Established and its kinds are served (default 20 ms). */
  crdEstablishDelayMs?: number;
  /** Faults injected from the start. */
  faults?: FaultOptions;
  /** A label for this fake (e.g. the cluster it stands for). */
  name?: string;
  /** `/version` gitVersion (default v1.33.0). */
  kubernetesVersion?: string;
  /** Unknown fields in an apply patch: `reject` (default, as a real server: 500 "field not declared in schema"), or `prune` per fieldValidation. */
  ssaUnknownFields?: SsaUnknownFields;
  /** Serve https with this key and certificate (PEM) instead of http (see test/support/tls.ts). */
  tls?: { key: string; cert: string };
  /** Simulated controllers set the status of workloads and HelmReleases after a write (off by default). */
  controllers?: ControllerOptions;
}

/** Request counts since start or the last reset. */
export interface RequestCounts {
  total: number;
  /** By Kubernetes verb: get, list, create, update, patch, apply, delete, deletecollection, discovery. */
  byVerb: Record<string, number>;
  /** By `VERB /path` (no query string), e.g. `apply /apis/apps/v1/namespaces/a/deployments/web`. */
  byVerbAndPath: Record<string, number>;
}

/** Which stored objects {@link KubeFake.list} returns. */
export interface ListFilter {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  labelSelector?: string;
}

/** A running fake API server. */
export interface KubeFake {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  readonly name: string;
  /** Stops the server and pending timers. */
  close(): Promise<void>;
  /** Replaces the injected faults. */
  setFaults(faults: FaultOptions): void;
  /** Stops listening (connections are refused) or listens again on the same port. */
  setDown(down: boolean): Promise<void>;
  /** Sets or clears the required bearer token. */
  setToken(token: string | undefined): void;
  /** A stored object (a copy), or undefined. `namespace` is ignored for cluster-scoped kinds. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Record<string, any> | undefined;
  /** Stored objects (copies), all kinds unless filtered. */
  list(filter?: ListFilter): Array<Record<string, any>>;
  /** Seeds an object directly, without validation; returns the stored copy. A CRD is Established at once. */
  put(obj: Record<string, any>): Record<string, any>;
  /** Establishes a CRD now instead of after the delay. */
  establishCrd(name: string): void;
  /** Turns the controller simulation on (with these options) or off. */
  setControllers(options: ControllerOptions | undefined): void;
  /** Resolves when no simulated controller status update is pending. */
  controllersIdle(): Promise<void>;
  /** Runs the pending simulated controller updates now (tests with long delays). */
  flushControllers(): void;
  requestCount(): RequestCounts;
  resetCounts(): void;
}

function emptyCounts(): RequestCounts {
  return { total: 0, byVerb: {}, byVerbAndPath: {} };
}

function send(res: http.ServerResponse, r: Response): void {
  const body = JSON.stringify(r.body);
  res.writeHead(r.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...(r.headers ?? {}) });
  res.end(body);
}

function sendError(res: http.ServerResponse, e: KubeError): void {
  send(res, { code: e.status.code, body: e.status, headers: e.headers });
}

/** Starts a fake kube-apiserver on 127.0.0.1. */
export async function startKubeFake(options: KubeFakeOptions = {}): Promise<KubeFake> {
  const cluster = new Cluster(options.crdEstablishDelayMs ?? 20, options.controllers);
  await loadBuiltInValidators(cluster.registry.groupVersions().flatMap((gv) => cluster.registry.resources(gv)));
  const faults = new Faults({ ...(options.latencyMs ? { latencyMs: options.latencyMs } : {}), ...(options.faults ?? {}) });
  let token = options.token;
  let counts = emptyCounts();
  const settings = { gitVersion: options.kubernetesVersion ?? 'v1.33.0', ssaUnknownFields: options.ssaUnknownFields ?? 'reject' as const };
  const sockets = new Set<Socket>();

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const arrived = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const r = route(url.pathname, cluster.registry);
    const contentType = String(req.headers['content-type'] ?? '');
    const verb = verbOf(req.method ?? 'GET', r, contentType, url.searchParams.get('watch') === 'true');
    counts.total++;
    counts.byVerb[verb] = (counts.byVerb[verb] ?? 0) + 1;
    const key = `${verb} ${url.pathname}`;
    counts.byVerbAndPath[key] = (counts.byVerbAndPath[key] ?? 0) + 1;

    const chunks: Buffer[] = [];
    // What `for await (const c of req)` does (it waits on the same end-of-stream), without an async iterator.
    req.on('data', (c: Buffer) => chunks.push(c));
    await finished(req);
    const delay = faults.latency();
    // The latency is the request's response time, from its arrival: the server's work is inside it, as a real API
    // server's response time includes its work (work that takes longer answers when it is done).
    const answerAfterLatency = async () => {
      const left = delay - (performance.now() - arrived);
      if (left > 0) await sleep(left);
    };
    const fault = faults.decide(req.method ?? 'GET');
    const authorized = token === undefined || req.headers.authorization === `Bearer ${token}`;
    // A fault or a refusal is answered after the latency too; a request served is answered after its work and the rest of the latency.
    if (fault !== undefined || !authorized) await answerAfterLatency();
    if (fault === 'reset') { req.socket.destroy(); return; }
    if (!authorized) {
      sendError(res, new KubeError(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    if (fault === 'throttle') {
      const s = faults.retryAfter();
      sendError(res, new KubeError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: s }, { 'Retry-After': String(s) }));
      return;
    }
    if (fault === 'error') {
      const code = faults.errorStatus();
      const reason = code === 503 ? 'ServiceUnavailable' : code === 504 ? 'Timeout' : 'InternalError';
      sendError(res, new KubeError(code, reason, `Internal error occurred: injected fault (kube-fake ${options.name ?? ''})`.trim()));
      return;
    }
    const host = req.headers.host ?? '127.0.0.1';
    let answer: Response;
    try {
      answer = dispatch(cluster, { method: req.method ?? 'GET', route: r, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), host }, settings);
    } finally {
      await answerAfterLatency();
    }
    send(res, answer);
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (e instanceof KubeError) sendError(res, e);
      else sendError(res, new KubeError(500, 'InternalError', `Internal error occurred: ${(e as Error)?.stack ?? String(e)}`));
    });
  };
  const server: http.Server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
  // The API server keeps idle connections 90 s (its http.Server IdleTimeout); stop() ends them all.
  server.keepAliveTimeout = 90_000;
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => { server.off('error', reject); resolve((server.address() as AddressInfo).port); });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (!server.listening) { resolve(); return; }
    server.close(() => resolve());
    for (const s of sockets) s.destroy();
  });

  const port = await listen(options.port ?? 0);
  let down = false;

  const typeOf = (apiVersion: string, kind: string) => {
    const { group, version } = splitApiVersion(apiVersion);
    return cluster.registry.byApiVersionKind(groupVersion(group, version), kind);
  };

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    name: options.name ?? 'kube-fake',
    async close() { cluster.close(); await stop(); },
    setFaults(f) { faults.set(f); },
    async setDown(d) {
      if (d === down) return;
      down = d;
      if (d) await stop();
      else await listen(port);
    },
    setToken(t) { token = t; },
    get(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      const o = t && cluster.store.get(resourceKey(t), t.namespaced ? namespace ?? 'default' : '', name);
      return o ? structuredClone(o) : undefined;
    },
    list(filter = {}) {
      const match = parseLabelSelector(filter.labelSelector);
      const types = cluster.registry.groupVersions().flatMap((gv) => cluster.registry.resources(gv))
        .filter((t) => (!filter.kind || t.kind === filter.kind) && (!filter.apiVersion || groupVersion(t.group, t.version) === filter.apiVersion));
      const keys = [...new Set(types.map((t) => resourceKey(t)))];
      return keys.flatMap((k) => cluster.store.list(k, filter.namespace))
        .filter((o) => (!filter.namespace || o.metadata.namespace === filter.namespace) && match(o.metadata?.labels ?? {}))
        .map((o) => structuredClone(o));
    },
    put(obj) { return structuredClone(cluster.put(obj)); },
    establishCrd(name) { cluster.establish(name); },
    setControllers(o) { cluster.controllers = o; },
    controllersIdle: () => cluster.controllersIdle(),
    flushControllers: () => cluster.flushControllers(),
    requestCount() { return structuredClone(counts); },
    resetCounts() { counts = emptyCounts(); },
  };
}
