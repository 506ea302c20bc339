/**
 * A fake of the Azure Container Registry data-plane endpoints `@azure/container-registry` uses,
 * over TLS on loopback with a self-signed certificate:
 *
 * - the token exchange: a request without a valid access token gets 401 with ACR's
 *   `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge; `POST /oauth2/exchange` trades the
 *   Entra (AAD) token for a refresh token (a JWT with `exp`); `POST /oauth2/token` trades that for an
 *   access token scoped to one repository;
 * - `GET /acr/v1/{repo}/_tags` (`n`, `last`, `orderby=timedesc|timeasc`, `Link` to the next page) and
 *   `GET /acr/v1/{repo}/_tags/{tag}`;
 * - `GET /v2/{repo}/manifests/{ref}` (with `Docker-Content-Digest`) and `GET /v2/{repo}/blobs/{digest}`.
 *
 * Faults: `throttleRate` answers that share of data requests 429 with `retry-after-ms` (seeded).
 * `calls` counts every request by kind; `hold()` parks data requests until released.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { seededRandom } from '../seeded-random.ts';
import { FakeImages, type PushOptions } from './images.ts';
import { loopbackCertificate } from './tls.ts';

export type { PushOptions } from './images.ts';

export interface AcrFakeOptions {
  /** Share of data-plane requests answered 429 (default 0). */
  throttleRate?: number;
  /** What the 429 asks to wait, in ms (`retry-after-ms`; default 20). */
  retryAfterMs?: number;
  seed?: number;
}

export interface AcrFake {
  /** `https://127.0.0.1:PORT`. */
  url: string;
  /** The registry host as image references name it: `127.0.0.1:PORT`. */
  host: string;
  /** The certificate to trust (PEM). */
  ca: string;
  /** An Entra credential the fake accepts. */
  credential: TokenCredential;
  images: FakeImages;
  push(repository: string, tag: string, options?: PushOptions): string;
  /** Requests by kind: challenge (401), exchange, token, tags, tag, manifest, blob, throttled. */
  calls: Record<string, number>;
  /** Data-plane requests (tags, tag, manifest, blob) plus auth round trips: everything the registry served. */
  totalCalls(): number;
  resetCalls(): void;
  /** Parks data requests until the returned function is called. */
  hold(): () => void;
  close(): Promise<void>;
}

const AAD_TOKEN = 'aad-token-for-the-managed-identity';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.sig`;
const claimsOf = (token: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

async function body(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startAcrFake(options: AcrFakeOptions = {}): Promise<AcrFake> {
  const { cert, key } = await loopbackCertificate();
  const images = new FakeImages();
  const random = seededRandom(options.seed ?? 1);
  const calls: Record<string, number> = {};
  const count = (k: string) => (calls[k] = (calls[k] ?? 0) + 1);
  let held: Promise<void> | undefined;
  let host = '';

  const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(value));
  };
  const error = (res: ServerResponse, status: number, code: string, message: string) => json(res, status, { errors: [{ code, message }] });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `https://${host}`);
    if (req.method === 'POST' && url.pathname === '/oauth2/exchange') {
      count('exchange');
      const form = await body(req);
      if (form.get('grant_type') !== 'access_token' || form.get('access_token') !== AAD_TOKEN || form.get('service') !== host) {
        return error(res, 401, 'UNAUTHORIZED', 'invalid Entra token or service');
      }
      return json(res, 200, { refresh_token: jwt({ sub: 'identity', exp: Math.floor(Date.now() / 1000) + 3600, kind: 'refresh' }) });
    }
    if (req.method === 'POST' && url.pathname === '/oauth2/token') {
      count('token');
      const form = await body(req);
      const refresh = claimsOf(form.get('refresh_token') ?? '');
      const scope = form.get('scope') ?? '';
      if (form.get('grant_type') !== 'refresh_token' || refresh?.kind !== 'refresh' || form.get('service') !== host || !scope.startsWith('repository:')) {
        return error(res, 401, 'UNAUTHORIZED', 'invalid refresh token, service or scope');
      }
      return json(res, 200, { access_token: jwt({ exp: Math.floor(Date.now() / 1000) + 3600, kind: 'access', repository: scope.split(':')[1] }) });
    }
    if (req.method !== 'GET') return error(res, 405, 'UNSUPPORTED', `${req.method} is not served by the fake`);
    const route = /^\/acr\/v1\/(.+)\/_tags(?:\/([^/]+))?$/.exec(url.pathname) ?? /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!route) return error(res, 404, 'NOT_FOUND', `no route ${url.pathname}`);
    const repository = decodeURIComponent(route[1]!);
    const kind = url.pathname.startsWith('/acr/') ? (route[2] === undefined ? 'tags' : 'tag') : route[2] === 'manifests' ? 'manifest' : 'blob';
    const action = kind === 'tags' || kind === 'tag' ? 'metadata_read' : 'pull';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const claims = token ? claimsOf(token) : undefined;
    if (claims?.kind !== 'access' || claims.repository !== repository) {
      count('challenge');
      res.writeHead(401, { 'www-authenticate': `Bearer realm="https://${host}/oauth2/token",service="${host}",scope="repository:${repository}:${action}"`, 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return;
    }
    if (held) await held;
    if (options.throttleRate && random.chance(options.throttleRate)) {
      count('throttled');
      res.writeHead(429, { 'retry-after-ms': String(options.retryAfterMs ?? 20), 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'TOOMANYREQUESTS', message: 'too many requests' }] }));
      return;
    }
    count(kind);
    const repo = images.tags.get(repository);
    if (!repo) return error(res, 404, 'NAME_UNKNOWN', `repository ${repository} is not known to registry`);
    if (kind === 'tags') {
      const all = images.listed(repository, url.searchParams.get('orderby'));
      const last = url.searchParams.get('last');
      const start = last === null ? 0 : all.findIndex((t) => t.name === last) + 1;
      const n = Math.max(1, Math.min(Number(url.searchParams.get('n') ?? 100) || 100, 1000));
      const page = all.slice(start, start + n);
      const headers: Record<string, string> = {};
      if (start + n < all.length) {
        const next = new URLSearchParams({ last: page.at(-1)!.name, n: String(n), ...(url.searchParams.get('orderby') ? { orderby: url.searchParams.get('orderby')! } : {}) });
        headers.link = `</acr/v1/${repository}/_tags?${next}>; rel="next"`;
      }
      const attrs = { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true };
      return json(res, 200, { registry: host, imageName: repository, tags: page.map((t) => ({ ...t, signed: false, changeableAttributes: attrs })) }, headers);
    }
    if (kind === 'tag') {
      const t = repo.get(decodeURIComponent(route[2]!));
      if (!t) return error(res, 404, 'TAG_UNKNOWN', 'the specified tag does not exist');
      return json(res, 200, { registry: host, imageName: repository, tag: { ...t, signed: false, changeableAttributes: { deleteEnabled: true, writeEnabled: true, readEnabled: true, listEnabled: true } } });
    }
    const ref = decodeURIComponent(route[3]!);
    if (kind === 'blob') {
      const blob = images.blobs.get(ref);
      if (!blob) return error(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(blob.length), 'docker-content-digest': ref });
      res.end(blob);
      return;
    }
    const digest = ref.startsWith('sha256:') ? ref : repo.get(ref)?.digest;
    const m = digest ? images.manifests.get(digest) : undefined;
    if (!m || !digest) return error(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    res.writeHead(200, { 'content-type': m.mediaType, 'docker-content-digest': digest, 'content-length': String(m.body.length) });
    res.end(m.body);
    return;
  };

  const server: Server = createServer({ cert, key }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) error(res, 500, 'INTERNAL', (err as Error).message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  const credential: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({ token: AAD_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
  return {
    url: `https://${host}`,
    host,
    ca: cert,
    credential,
    images,
    push: (repository, tag, o) => images.push(repository, tag, o),
    calls,
    totalCalls: () => Object.values(calls).reduce((a, v) => a + v, 0),
    resetCalls: () => {
      for (const k of Object.keys(calls)) delete calls[k];
    },
    hold: () => {
      let release!: () => void;
      held = new Promise<void>((r) => (release = r));
      return () => {
        held = undefined;
        release();
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
