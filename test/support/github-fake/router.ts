/**
 * Route table: OpenAPI path templates (`/repos/{owner}/{repo}/git/ref/{ref}`) compiled to regular expressions.
 * The template doubles as the request-log key and as the key into GitHub's OpenAPI description.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeRepo } from './repo.ts';
import type { FakeState } from './state.ts';

/** What a handler answers: JSON `body`, or `raw` bytes with their content type. */
export interface Reply {
  status: number;
  body?: unknown;
  raw?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One request as handlers see it. `repo` is resolved from `{owner}/{repo}` (404 before the handler when unknown). */
export interface Ctx {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  repo: FakeRepo;
  state: FakeState;
}

/** A route: method, OpenAPI template, and handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  handler: (ctx: Ctx) => Promise<Reply>;
}

interface Compiled extends Route { regex: RegExp; names: string[] }

/** Parameters that may contain `/` when sent unencoded (refs, paths, branch names, compare ranges). */
const WIDE = new Set(['ref', 'path', 'branch', 'basehead']);

/** Compiles routes in order; the first match wins, so list specific templates before general ones. */
export function compileRoutes(routes: Route[]): Compiled[] {
  return routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/[.]/g, '\\.').replace(/\/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      if (name === 'path') return '(?:/(.*))?';
      if (name === 'pull_number') return '/(\\d+)';
      return WIDE.has(name) ? '/(.+)' : '/([^/]+)';
    });
    return { ...route, names, regex: new RegExp(`^${pattern}/?$`) };
  });
}

/** Finds the route for a method and raw (still percent-encoded) path. Params are decoded. */
export function matchRoute(routes: Compiled[], method: string, rawPath: string): { route: Compiled; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const m = route.regex.exec(rawPath);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => { params[name] = safeDecode(m[i + 1] ?? ''); });
    return { route, params };
  }
  return undefined;
}

/** The template a path would have matched for any method (for logging 404s and 405s). */
export function templateFor(routes: Compiled[], rawPath: string): string | undefined {
  return routes.find((r) => r.regex.test(rawPath))?.path;
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
