/**
 * Generated bad input, seeded: GitHub webhook deliveries (truncated JSON, wrong types, huge fields, wrong
 * signatures, unknown events, wrong content types), Event Grid events and ACR webhook bodies (malformed
 * envelopes, malformed image references), and manifests (YAML bombs, deep nesting, mangled real files).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { pushPayload } from '../support/push-payloads.ts';
import type { SeededRandom } from '../support/seeded-random.ts';
import { REGISTRY, REPO, workload } from './github-harness.ts';

export const WEBHOOK_SECRET = 'reliability-webhook-secret';
export const ACR_SECRET = 'reliability-acr-secret';
/** The Event Grid topic of REGISTRY (GITOPS_REGISTRY_TOPICS maps it). */
export const EVENT_GRID_TOPIC = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/radixdev';

export type Case =
  | { target: 'github'; kind: string; headers: Record<string, string>; body: string }
  | { target: 'eventgrid'; kind: string; event: unknown }
  | { target: 'acr'; kind: string; headers: Record<string, string>; body: string }
  | { target: 'manifests'; kind: string; files: Record<string, string> };

const examples = (createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[]);

const hmac = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

function signed(body: string, event = 'push', extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': randomUUID(), 'x-hub-signature-256': hmac(WEBHOOK_SECRET, body), ...extra };
}

/** A push to the configured repository and branch that would be accepted as it is. */
export function validPush(): Record<string, any> {
  return pushPayload({ repository: REPO, branch: 'main', commits: [{ modified: ['development-configs/app-0.yaml'] }] });
}

const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, true, 'x', '', [], {}, [1, 2], { a: 1 }, 'é'.repeat(10), '0'.repeat(39), 'g'.repeat(40)];
/** Push fields and values that can never be valid there (commits may be absent, so it is never deleted). */
const PUSH_FIELDS: Record<string, (v: unknown) => boolean> = {
  ref: (v) => typeof v !== 'string' || v === '',
  before: (v) => typeof v !== 'string' || !/^[0-9a-f]{40}$/.test(v),
  after: (v) => typeof v !== 'string' || !/^[0-9a-f]{40}$/.test(v),
  created: (v) => typeof v !== 'boolean',
  deleted: (v) => typeof v !== 'boolean',
  forced: (v) => typeof v !== 'boolean',
  commits: (v) => v !== undefined && !Array.isArray(v) || (Array.isArray(v) && v.length > 0),
  repository: (v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('full_name' in v),
};

function githubCase(r: SeededRandom): Case {
  const k = r.int(10);
  const base = validPush();
  const json = JSON.stringify(base);
  switch (k) {
    case 0: { // truncated JSON, correctly signed
      const body = json.slice(0, r.int(json.length - 1));
      return { target: 'github', kind: 'truncated-json', headers: signed(body), body };
    }
    case 1: { // truncated form body
      const body = `payload=${encodeURIComponent(json.slice(0, r.int(json.length - 1)))}`;
      return { target: 'github', kind: 'truncated-form', headers: { ...signed(body), 'content-type': 'application/x-www-form-urlencoded' }, body };
    }
    case 2: case 3: { // wrong types (one or several fields)
      const p = structuredClone(base);
      const fields = Object.keys(PUSH_FIELDS);
      for (let i = 0, n = 1 + r.int(3); i < n; i++) {
        const f = r.pick(fields);
        let v = r.pick(WRONG_VALUES);
        while (!PUSH_FIELDS[f]!(v)) v = r.pick(WRONG_VALUES);
        if (f === 'commits' && Array.isArray(v) && v.length > 0) v = [{ id: 'nope', added: 'x' }];
        p[f] = v;
      }
      if (r.chance(0.3)) p.commits = [{ id: r.pick(['', 'zz', 7, null]), added: r.pick([[1], 'a', null, {}]) }];
      const body = JSON.stringify(p);
      return { target: 'github', kind: 'wrong-types', headers: signed(body), body };
    }
    case 4: { // huge fields
      const p = structuredClone(base);
      const huge = 'a'.repeat(10_000 + r.int(1_000_000));
      const where = r.int(4);
      if (where === 0) p.after = huge;
      else if (where === 1) p.repository = { full_name: huge };
      else if (where === 2) p.commits = [{ id: 'x'.repeat(40), added: [huge] }];
      else p.ref = 42, p.padding = huge;
      const body = JSON.stringify(p);
      return { target: 'github', kind: 'huge-fields', headers: signed(body), body };
    }
    case 5: { // wrong signatures
      const body = json;
      const h = signed(body);
      const v = r.int(8);
      if (v === 0) h['x-hub-signature-256'] = hmac('another secret', body);
      else if (v === 1) h['x-hub-signature-256'] = hmac(WEBHOOK_SECRET, body + ' ');
      else if (v === 2) h['x-hub-signature-256'] = h['x-hub-signature-256']!.toUpperCase();
      else if (v === 3) h['x-hub-signature-256'] = h['x-hub-signature-256']!.slice(0, 20 + r.int(40));
      else if (v === 4) h['x-hub-signature-256'] = `sha1=${createHmac('sha1', WEBHOOK_SECRET).update(body).digest('hex')}`;
      else if (v === 5) delete h['x-hub-signature-256'];
      else if (v === 6) h['x-hub-signature-256'] = '';
      else delete h['x-github-delivery'];
      return { target: 'github', kind: 'bad-signature', headers: h, body };
    }
    case 6: case 7: { // unknown events: GitHub's real examples of every other event, and invented names
      const family = r.pick(examples.filter((e) => e.name !== 'push' && e.examples.length > 0));
      const payload = r.pick(family.examples);
      const body = JSON.stringify(payload);
      const event = r.chance(0.8) ? family.name : r.pick(['Push', 'push ', 'pushed', 'x'.repeat(300), 'ping2', '']);
      return { target: 'github', kind: 'unknown-event', headers: signed(body, event || 'unknown'), body };
    }
    case 8: { // content types and bodies that are not JSON objects
      const body = r.pick([json, '[]', 'null', '"push"', '42', '<xml/>', '', 'payload=%7B', '\u0000\u0001']);
      // A valid push body only with a content type that is not JSON (form bodies without a payload field answer 400).
      const type = body === json ? r.pick(['text/plain', 'application/xml', 'multipart/form-data', 'application/x-www-form-urlencoded']) : r.pick(['text/plain', 'application/xml', 'multipart/form-data', 'application/json', 'application/x-www-form-urlencoded']);
      return { target: 'github', kind: 'not-an-object', headers: { ...signed(body), 'content-type': type }, body };
    }
    default: { // pushes that are well-formed but must do nothing: other repository, tags, deletions, unknown branch
      const p = structuredClone(base);
      const v = r.int(4);
      if (v === 0) p.repository.full_name = 'someone/else';
      else if (v === 1) p.ref = 'refs/tags/v1.0.0';
      else if (v === 2) { p.deleted = true; p.after = '0'.repeat(40); }
      else p.ref = `refs/heads/feature-${r.int(1000)}`;
      const body = JSON.stringify(p);
      return { target: 'github', kind: 'ignored-push', headers: signed(body), body };
    }
  }
}

const BAD_REPOSITORIES = ['', 'UPPER/case', 'has space', '../etc/passwd', 'a//b', '-lead', 'trail-', 'ü', 'a'.repeat(600), 'x:y', 'a@b', '/abs'];
const BAD_TAGS = ['-lead', '.dot', 'has space', 'ü', 't'.repeat(129), 'a/b', 'a:b', '\n', 'tag@sha'];
const BAD_DIGESTS = ['', 'sha256:', 'sha256:xyz', 'md5', 'sha256:' + 'A'.repeat(64), 'sha256:' + 'a'.repeat(10)];
const BAD_HOSTS = ['', 'UPPER..host', 'a'.repeat(300), 'host:999999', 'http://x', 'a b', '-x.io'];

/** A registry event's data: a valid push with one field broken (or none when `broken` is false). */
function acrData(r: SeededRandom, broken: boolean, options: { host: boolean } = { host: true }): Record<string, any> {
  const d: Record<string, any> = {
    id: randomUUID(), timestamp: new Date(0).toISOString(), action: 'push',
    target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: 'app-0', tag: 'master-2', digest: `sha256:${'d'.repeat(64)}` },
    request: { host: REGISTRY },
  };
  if (!broken) return d;
  switch (r.int(12)) {
    case 0: d.target.repository = r.pick(BAD_REPOSITORIES); break;
    case 1: d.target.tag = r.pick(BAD_TAGS); break;
    case 2: d.target.digest = r.pick(BAD_DIGESTS); break;
    case 3: if (options.host) d.request.host = r.pick(BAD_HOSTS); else d.target.repository = r.pick(BAD_REPOSITORIES); break; // Event Grid: the registry is the topic's, request.host is not read
    case 4: d.target = r.pick([null, 'x', [], 5]); break;
    case 5: delete d.target.digest; break;
    case 6: d.action = r.pick([5, null, {}]); break;
    case 7: d.request = r.pick(['x', 5, []]); break;
    case 8: d.target.repository = Array.from({ length: 2 + r.int(60) }, () => 'seg').join('/'); d.target.repository += '/'.repeat(r.int(2)); break; // long but well-formed paths
    case 9: d.target.repository = 'a'.repeat(200 + r.int(312)); break; // long but matching the schema
    case 10: d.target.tag = r.pick([5, true, {}, []]); break;
    default: d.target.repository = r.pick([5, null, {}]); break;
  }
  return d;
}

function eventGridCase(r: SeededRandom): Case {
  const k = r.int(8);
  const event: Record<string, any> = { id: randomUUID(), eventType: 'Microsoft.ContainerRegistry.ImagePushed', topic: EVENT_GRID_TOPIC, subject: 'app-0:master-2', eventTime: new Date(0).toISOString(), dataVersion: '1.0', data: acrData(r, true, { host: false }) };
  if (k === 0) return { target: 'eventgrid', kind: 'not-an-object', event: r.pick([null, 0, 'x', [], true, JSON.stringify(event).slice(0, r.int(200)), '{"id":']) };
  if (k === 1) { delete event[r.pick(['id', 'eventType'])]; return { target: 'eventgrid', kind: 'missing-envelope-field', event }; }
  if (k === 2) { event[r.pick(['id', 'eventType', 'topic', 'subject'])] = r.pick([5, null, {}, [], '']); return { target: 'eventgrid', kind: 'wrong-envelope-type', event }; }
  if (k === 3) { event.eventType = r.pick(['Microsoft.ContainerRegistry.ImageDeleted', 'Microsoft.Storage.BlobCreated', 'Microsoft.ContainerRegistry.ChartPushed', 'x']); return { target: 'eventgrid', kind: 'unknown-event', event }; }
  if (k === 4) { delete event.data.request; event.topic = r.pick([undefined, '', '/not/a/registry', 5]); return { target: 'eventgrid', kind: 'no-registry', event }; }
  if (k === 5) { event.data = acrData(r, false); event.topic = EVENT_GRID_TOPIC.replace('/radixdev', `/${r.pick(['other', 'radixprod', 'attacker'])}`); event.data.request.host = REGISTRY; return { target: 'eventgrid', kind: 'unknown-registry', event }; }
  if (k === 6) { event.data = acrData(r, false); if (r.chance(0.5)) event.data.target.tag = ''; else delete event.data.target.tag; return { target: 'eventgrid', kind: 'untagged', event }; }
  return { target: 'eventgrid', kind: 'malformed-image', event };
}

function acrCase(r: SeededRandom): Case {
  const k = r.int(5);
  const auth = { 'content-type': 'application/json', authorization: `Bearer ${ACR_SECRET}` };
  if (k === 0) {
    const body = JSON.stringify(acrData(r, false));
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const v = r.int(4);
    if (v === 1) headers.authorization = `Bearer ${ACR_SECRET}x`;
    else if (v === 2) headers.authorization = ACR_SECRET.slice(1);
    else if (v === 3) headers.authorization = 'Basic ' + Buffer.from(`u:${ACR_SECRET}`).toString('base64');
    return { target: 'acr', kind: 'bad-secret', headers, body };
  }
  if (k === 1) { const body = JSON.stringify(acrData(r, false)); return { target: 'acr', kind: 'truncated-json', headers: auth, body: body.slice(0, r.int(body.length - 1)) }; }
  if (k === 2) { const d = acrData(r, false); delete d[r.pick(['id', 'request'])]; return { target: 'acr', kind: 'missing-field', headers: auth, body: JSON.stringify(d) }; }
  if (k === 3) return { target: 'acr', kind: 'not-an-object', headers: auth, body: r.pick(['', 'null', '[]', '5', '"x"', '{']) };
  return { target: 'acr', kind: 'malformed-image', headers: auth, body: JSON.stringify(acrData(r, true)) };
}

/** YAML that hurts parsers: alias bombs, deep nesting, too many documents, huge scalars. */
export function yamlBomb(r: SeededRandom): { kind: string; text: string } {
  const v = r.int(8);
  if (v === 0) { // billion laughs
    const levels = 6 + r.int(6);
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
    return { kind: 'billion-laughs', text: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n` };
  }
  if (v === 1) { const d = 300 + r.int(20_000); return { kind: 'deep-flow-nesting', text: `kind: ConfigMap\ndata: ${'['.repeat(d)}${']'.repeat(d)}\n` }; }
  if (v === 2) { const d = 300 + r.int(2000); return { kind: 'deep-block-nesting', text: Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x\n' }; }
  if (v === 3) return { kind: 'many-documents', text: 'kind: ConfigMap\n---\n'.repeat(10_001 + r.int(5000)) };
  if (v === 4) return { kind: 'huge-scalar', text: `kind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: "${'x'.repeat(8 * 1024 * 1024 + r.int(1000))}"\n` };
  if (v === 5) { // merge-key bomb
    const lines = ['base: &b {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}'];
    for (let i = 0; i < 3000 + r.int(3000); i++) lines.push(`m${i}: {<<: *b}`);
    return { kind: 'merge-bomb', text: `kind: ConfigMap\nmetadata: {name: merge}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n` };
  }
  if (v === 6) return { kind: 'alias-fanout', text: `kind: ConfigMap\nmetadata: {name: fan}\nx: &x ${JSON.stringify('y'.repeat(1000))}\ndata: [${Array.from({ length: 100_000 }, () => '*x').join(',')}]\n` };
  return { kind: 'undefined-alias-and-tags', text: r.pick(['a: *nothing\n', 'a: !!js/function "function(){}"\n', 'a: !!binary "%%%"\n', '? [a, b]\n: c\n', 'a: &x\n  b: *x\n', '%YAML 9.9\n---\na: 1\n', '\t- tab\n', 'a: "\\x"\n']) };
}

/** A real-looking manifest with bytes, lines or indentation mangled. */
function mangled(r: SeededRandom): string {
  const text = workload(`app-${r.int(100)}`, 'master-1');
  const lines = text.split('\n');
  const v = r.int(6);
  if (v === 0) return text.slice(0, r.int(text.length));
  if (v === 1) { const i = r.int(lines.length); lines.splice(i, 1 + r.int(3)); return lines.join('\n'); }
  if (v === 2) { const i = r.int(lines.length); lines[i] = ' '.repeat(r.int(7)) + lines[i]!.trimStart(); return lines.join('\n'); }
  if (v === 3) { const chars = [...text]; for (let n = 0; n < 1 + r.int(8); n++) chars[r.int(chars.length)] = r.pick([':', '-', '[', '{', '"', "'", '&', '*', '!', '|', '>', '\t', '\u0000', '\uFFFD', '#', '%']); return chars.join(''); }
  if (v === 4) return lines.map((l) => (r.chance(0.2) ? `${l}: ${r.pick(['[', '{a', '*x', '!!int x', '"'])}` : l)).join('\n');
  return Buffer.from(Array.from({ length: 1 + r.int(2000) }, () => r.int(256))).toString('latin1');
}

function manifestCase(r: SeededRandom): Case {
  if (r.chance(0.05)) { const b = yamlBomb(r); return { target: 'manifests', kind: `bomb:${b.kind}`, files: { 'development-configs/bomb.yaml': b.text } }; }
  return { target: 'manifests', kind: 'mangled-manifest', files: { 'development-configs/mangled.yaml': mangled(r), 'development-configs/ok.yaml': workload('ok', 'master-1') } };
}

/** The n-th case of a run: the target mix is webhooks 40%, Event Grid 25%, ACR 15%, manifests 20%. */
export function nextCase(r: SeededRandom): Case {
  const t = r.next();
  if (t < 0.4) return githubCase(r);
  if (t < 0.65) return eventGridCase(r);
  if (t < 0.8) return acrCase(r);
  return manifestCase(r);
}

/** A delivery too large to accept (> 25 MB). */
export function oversizedDelivery(): Case {
  const body = JSON.stringify({ ...validPush(), padding: 'p'.repeat(26 * 1024 * 1024) });
  return { target: 'github', kind: 'oversized-body', headers: signed(body), body };
}
