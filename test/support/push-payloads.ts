/**
 * Real GitHub push payloads (from @octokit/webhooks-examples), adjusted to a
 * repository, branch and file lists, and signed the way GitHub signs them.
 */
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

/** The first real push example for a branch (a new-branch push with one commit). */
export function realPushExample(): Record<string, any> {
  const push = examples.find((e) => e.name === 'push')!;
  const branchPush = push.examples.find((e) => String(e.ref).startsWith('refs/heads/') && Array.isArray(e.commits) && (e.commits as unknown[]).length > 0)!;
  return structuredClone(branchPush) as Record<string, any>;
}

/** Every real example payload of an event other than push (for "other events are ignored"). */
export function realExamples(name: string): Record<string, any>[] {
  return structuredClone(examples.find((e) => e.name === name)?.examples ?? []) as Record<string, any>[];
}

let counter = 0;
const sha = (n: number) => n.toString(16).padStart(40, '0');

export interface PushSpec {
  repository?: string;
  branch?: string;
  before?: string;
  after?: string;
  created?: boolean;
  forced?: boolean;
  deleted?: boolean;
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
}

/** A push payload based on GitHub's real example, with the given fields. */
export function pushPayload(spec: PushSpec = {}): Record<string, any> {
  const p = realPushExample();
  const [owner, name] = (spec.repository ?? 'equinor/radix-flux').split('/');
  p.ref = `refs/heads/${spec.branch ?? 'master'}`;
  p.before = spec.before ?? sha(++counter + 1000);
  p.after = spec.after ?? sha(++counter + 2000);
  p.created = spec.created ?? false;
  p.deleted = spec.deleted ?? false;
  p.forced = spec.forced ?? false;
  p.repository.name = name;
  p.repository.full_name = `${owner}/${name}`;
  p.repository.owner.login = owner;
  const template = p.commits[0];
  p.commits = (spec.commits ?? [{ modified: ['development-configs/apps/web.yaml'] }]).map((c, i) => ({
    ...structuredClone(template),
    id: sha(++counter + 3000 + i),
    added: c.added ?? [],
    modified: c.modified ?? [],
    removed: c.removed ?? [],
  }));
  p.head_commit = p.commits.at(-1) ?? null;
  return p;
}

/** Headers and body of a delivery as GitHub sends it (JSON content type unless `form`). */
export async function signedDelivery(
  payload: unknown,
  options: { secret: string; event?: string; delivery?: string; form?: boolean },
): Promise<{ headers: Record<string, string>; body: string }> {
  const json = JSON.stringify(payload);
  const body = options.form ? `payload=${encodeURIComponent(json)}` : json;
  return {
    body,
    headers: {
      'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json',
      'x-github-event': options.event ?? 'push',
      'x-github-delivery': options.delivery ?? crypto.randomUUID(),
      'x-hub-signature-256': await sign(options.secret, body),
      'user-agent': 'GitHub-Hookshot/test',
    },
  };
}
