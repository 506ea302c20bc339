/** A tiny fetch wrapper for the kube-fake tests: JSON in, JSON out, status and headers kept. */

/** What {@link call} returns. */
export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
}

/** Options of {@link call}. */
export interface CallOptions {
  contentType?: string;
  token?: string;
  accept?: string;
}

/** Sends one request to the fake; bodies that are not strings are sent as JSON. */
export async function call(base: string, method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.accept) headers.accept = opts.accept;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Server-side apply of `obj` at `path` by `manager`. */
export function applyAt(base: string, path: string, obj: unknown, manager: string, extraQuery = ''): Promise<CallResult> {
  const sep = path.includes('?') ? '&' : '?';
  return call(base, 'PATCH', `${path}${sep}fieldManager=${encodeURIComponent(manager)}${extraQuery}`, obj, { contentType: 'application/apply-patch+yaml' });
}
