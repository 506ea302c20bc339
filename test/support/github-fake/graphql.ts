/**
 * `POST /graphql`: the slice of GitHub's GraphQL schema our adapter uses to batch-read files —
 * `repository(owner, name) { <alias>: object(expression: "rev:path" | oid: "...") { ... on Blob { oid text byteSize
 * isBinary isTruncated } } }`, trees, commits (with `file(path:)`), refs and `rateLimit`. Queries are parsed with `graphql`, validated
 * against a small schema (GitHub's error messages), and every `object` in a query is read by one `git cat-file --batch`.
 */
import { getLocation, Kind, parse, Source, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { parseCommit, type TreeEntry } from './git.ts';
import type { FakeRepo } from './repo.ts';
import type { FakeState } from './state.ts';
import type { Route } from './router.ts';

const OBJECT_FIELDS = { oid: 'GitObjectID', abbreviatedOid: 'String', id: 'ID', commitUrl: 'URI', __typename: 'String' };
/** Field name to type name, per type of the supported schema slice. */
const SCHEMA: Record<string, Record<string, string>> = {
  Query: { repository: 'Repository', rateLimit: 'RateLimit', __typename: 'String' },
  Repository: { name: 'String', nameWithOwner: 'String', id: 'ID', url: 'URI', object: 'GitObject', defaultBranchRef: 'Ref', ref: 'Ref', __typename: 'String' },
  Ref: { name: 'String', prefix: 'String', id: 'ID', target: 'GitObject', __typename: 'String' },
  GitObject: OBJECT_FIELDS,
  Blob: { ...OBJECT_FIELDS, byteSize: 'Int', text: 'String', isBinary: 'Boolean', isTruncated: 'Boolean' },
  Tree: { ...OBJECT_FIELDS, entries: 'TreeEntry' },
  Commit: { ...OBJECT_FIELDS, message: 'String', messageHeadline: 'String', committedDate: 'DateTime', authoredDate: 'DateTime', tree: 'Tree', file: 'TreeEntry', url: 'URI' },
  Tag: { ...OBJECT_FIELDS, name: 'String' },
  TreeEntry: { name: 'String', path: 'String', type: 'String', mode: 'Int', oid: 'GitObjectID', object: 'GitObject', __typename: 'String' },
  RateLimit: { cost: 'Int', remaining: 'Int', limit: 'Int', used: 'Int', resetAt: 'DateTime', nodeCount: 'Int', __typename: 'String' },
};
const IMPLEMENTS: Record<string, string[]> = { Blob: ['GitObject', 'Node'], Tree: ['GitObject', 'Node'], Commit: ['GitObject', 'Node'], Tag: ['GitObject', 'Node'], Repository: ['Node'], Ref: ['Node'] };

/** An error in GitHub's GraphQL error shape. */
interface GqlError { message: string; path?: Array<string | number>; locations?: Array<{ line: number; column: number }>; type?: string; extensions?: Record<string, unknown> }

interface GitObj { repo: FakeRepo; sha: string; type: string; content: Buffer; path?: string }

/** Batches `object` reads issued in the same turn into one `cat-file --batch` per repository. */
class Loader {
  private queue = new Map<FakeRepo, Array<{ name: string; resolve: (v: GitObj | null) => void; reject: (e: unknown) => void }>>();
  private scheduled = false;

  load(repo: FakeRepo, name: string): Promise<GitObj | null> {
    return new Promise((resolve, reject) => {
      const list = this.queue.get(repo) ?? [];
      list.push({ name, resolve, reject });
      this.queue.set(repo, list);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = new Map();
    for (const [repo, items] of queue) {
      try {
        const found = await repo.git.readBatch(items.map((i) => i.name));
        items.forEach((item, i) => { const o = found[i]; item.resolve(o ? { repo, ...o } : null); });
      } catch (error) {
        for (const item of items) item.reject(error);
      }
    }
  }
}

class Executor {
  readonly errors: GqlError[] = [];
  readonly loader = new Loader();
  readonly source: Source;
  readonly state: FakeState;
  readonly variables: Record<string, unknown>;
  readonly fragments: Map<string, FragmentDefinitionNode>;

  constructor(source: Source, state: FakeState, variables: Record<string, unknown>, fragments: Map<string, FragmentDefinitionNode>) {
    this.source = source;
    this.state = state;
    this.variables = variables;
    this.fragments = fragments;
  }

  loc(node: { loc?: { start: number } | undefined }): Array<{ line: number; column: number }> {
    return node.loc ? [getLocation(this.source, node.loc.start)] : [];
  }

  matches(condition: string, runtime: string): boolean {
    return condition === runtime || (IMPLEMENTS[runtime] ?? []).includes(condition);
  }

  /** Static validation: fields exist on their types, objects have selections, scalars have none. */
  validate(set: SelectionSetNode, type: string, path: string[]): void {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const fieldType = SCHEMA[type]?.[sel.name.value];
        const p = [...path, sel.alias?.value ?? sel.name.value];
        if (!fieldType) {
          this.errors.push({ path: p, extensions: { code: 'undefinedField', typeName: type, fieldName: sel.name.value }, locations: this.loc(sel), message: `Field '${sel.name.value}' doesn't exist on type '${type}'` });
        } else if (SCHEMA[fieldType] && !sel.selectionSet) {
          this.errors.push({ path: p, locations: this.loc(sel), message: `Field must have selections (field '${sel.name.value}' returns ${fieldType} but has no selections. Did you mean '${sel.name.value} { ... }'?)` });
        } else if (!SCHEMA[fieldType] && sel.selectionSet) {
          this.errors.push({ path: p, locations: this.loc(sel), message: `Selections can't be made on scalars (field '${sel.name.value}' returns ${fieldType} but has selections [${sel.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '...')).join(', ')}])` });
        } else if (sel.selectionSet) {
          this.validate(sel.selectionSet, fieldType, p);
        }
      } else {
        const frag = sel.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(sel.name.value) : sel;
        if (!frag) {
          this.errors.push({ path, locations: this.loc(sel), message: `Fragment ${sel.kind === Kind.FRAGMENT_SPREAD ? sel.name.value : ''} was used, but not defined` });
          continue;
        }
        const cond = frag.typeCondition?.name.value ?? type;
        if (!SCHEMA[cond] && cond !== 'Node') {
          this.errors.push({ path, locations: this.loc(sel), message: `No such type ${cond}, so it can't be a fragment condition` });
          continue;
        }
        this.validate(frag.selectionSet, SCHEMA[cond] ? cond : type, path);
      }
    }
  }

  value(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.VARIABLE: return this.variables[node.name.value];
      case Kind.STRING: case Kind.ENUM: return node.value;
      case Kind.INT: return Number(node.value);
      case Kind.BOOLEAN: return node.value;
      case Kind.NULL: return null;
      default: return undefined;
    }
  }

  args(field: FieldNode): Record<string, unknown> {
    return Object.fromEntries((field.arguments ?? []).map((a) => [a.name.value, this.value(a.value)]));
  }

  /** The fields a selection set asks of a value whose runtime type is `runtime`, fragments flattened. */
  collect(set: SelectionSetNode, runtime: string, out: FieldNode[] = []): FieldNode[] {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) out.push(sel);
      else {
        const frag = sel.kind === Kind.FRAGMENT_SPREAD ? this.fragments.get(sel.name.value) : sel;
        if (frag && (!frag.typeCondition || this.matches(frag.typeCondition.name.value, runtime))) this.collect(frag.selectionSet, runtime, out);
      }
    }
    return out;
  }

  async select(set: SelectionSetNode, runtime: string, value: unknown, path: Array<string | number>): Promise<Record<string, unknown>> {
    const fields = this.collect(set, runtime);
    const out: Record<string, unknown> = {};
    const results = await Promise.all(fields.map(async (f) => {
      const key = f.alias?.value ?? f.name.value;
      return [key, await this.field(f, runtime, value, [...path, key])] as const;
    }));
    for (const [k, v] of results) if (!(k in out)) out[k] = v;
    return out;
  }

  async sub(field: FieldNode, value: unknown, runtime: string, path: Array<string | number>): Promise<unknown> {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => this.sub(field, v, runtimeOf(v, runtime), [...path, i])));
    return this.select(field.selectionSet!, runtimeOf(value, runtime), value, path);
  }

  async field(f: FieldNode, runtime: string, value: unknown, path: Array<string | number>): Promise<unknown> {
    const name = f.name.value;
    if (name === '__typename') return runtime;
    const args = this.args(f);
    const resolved = await this.resolve(runtime, name, value, args, f, path);
    const type = SCHEMA[runtime]![name]!;
    return SCHEMA[type] ? this.sub(f, resolved, type, path) : resolved ?? null;
  }

  async resolve(type: string, name: string, value: unknown, args: Record<string, unknown>, f: FieldNode, path: Array<string | number>): Promise<unknown> {
    if (type === 'Query') {
      if (name === 'rateLimit') {
        const b = this.state.limits.bucket('graphql');
        return { cost: 1, remaining: b.remaining, limit: b.limit, used: b.used, resetAt: new Date(b.reset * 1000).toISOString().slice(0, 19) + 'Z', nodeCount: 1 };
      }
      const full = `${String(args['owner'])}/${String(args['name'])}`;
      const repo = this.state.repos.get(full.toLowerCase());
      if (!repo) this.errors.push({ type: 'NOT_FOUND', path, locations: this.loc(f), message: `Could not resolve to a Repository with the name '${full}'.` });
      return repo ?? null;
    }
    if (type === 'RateLimit') return (value as Record<string, unknown>)[name];
    if (type === 'Repository') {
      const repo = value as FakeRepo;
      if (name === 'name') return repo.name;
      if (name === 'nameWithOwner') return repo.fullName;
      if (name === 'id') return Buffer.from(`0:Repository${repo.id}`).toString('base64');
      if (name === 'url') return `${this.state.bases.html}/${repo.fullName}`;
      if (name === 'defaultBranchRef') return this.ref(repo, `refs/heads/${await repo.defaultBranch()}`);
      if (name === 'ref') return typeof args['qualifiedName'] === 'string' ? this.ref(repo, qualified(args['qualifiedName'])) : null;
      const expr = args['expression'] ?? args['oid'];
      if (typeof expr !== 'string' || !expr) {
        this.errors.push({ path, locations: this.loc(f), message: "Argument 'expression' or 'oid' on Field 'object' is required" });
        return null;
      }
      if (typeof args['oid'] === 'string' && !/^[0-9a-f]{40}$/.test(expr)) return null;
      const obj = await this.loader.load(repo, expr);
      return obj ? { ...obj, path: expr.includes(':') ? expr.slice(expr.indexOf(':') + 1) : undefined } : null;
    }
    if (type === 'Ref') {
      const ref = value as { repo: FakeRepo; name: string; prefix: string; sha: string };
      if (name === 'id') return Buffer.from(`0:Ref${ref.prefix}${ref.name}`).toString('base64');
      if (name === 'target') return this.loader.load(ref.repo, ref.sha);
      return ref[name as 'name' | 'prefix'];
    }
    if (type === 'TreeEntry') {
      const e = value as TreeEntry & { repo: FakeRepo; dir: string };
      if (name === 'name') return e.path;
      if (name === 'path') return e.dir ? `${e.dir}/${e.path}` : e.path;
      if (name === 'mode') return parseInt(e.mode, 8);
      if (name === 'oid') return e.sha;
      if (name === 'type') return e.type;
      return e.type === 'commit' ? null : this.loader.load(e.repo, e.sha);
    }
    const o = value as GitObj;
    if (name === 'oid') return o.sha;
    if (name === 'abbreviatedOid') return o.sha.slice(0, 7);
    if (name === 'id') return Buffer.from(`0:${type}${o.sha}`).toString('base64');
    if (name === 'commitUrl' || name === 'url') return `${this.state.bases.html}/${o.repo.fullName}/commit/${o.sha}`;
    if (type === 'Blob') {
      const binary = o.content.subarray(0, 8000).includes(0);
      const limit = this.state.sizes.graphqlText;
      if (name === 'byteSize') return o.content.length;
      if (name === 'isBinary') return binary;
      if (name === 'isTruncated') return o.content.length > limit;
      if (name === 'text') return binary ? null : o.content.subarray(0, limit).toString('utf8');
    }
    if (type === 'Tree' && name === 'entries') {
      return (await o.repo.git.lsTree(o.sha, false)).map((e) => ({ ...e, repo: o.repo, dir: o.path ?? '' }));
    }
    if (type === 'Commit') {
      const c = parseCommit(o.sha, o.content.toString('utf8'));
      if (name === 'message') return c.message.replace(/\n$/, '');
      if (name === 'messageHeadline') return c.message.split('\n')[0];
      if (name === 'committedDate') return c.committer.date;
      if (name === 'authoredDate') return c.author.date;
      if (name === 'tree') return this.loader.load(o.repo, c.tree);
      if (name === 'file') return this.file(o.repo, o.sha, args['path']);
    }
    if (type === 'Tag' && name === 'name') return /^tag (.*)$/m.exec(o.content.toString('utf8'))?.[1] ?? null;
    return null;
  }

  /** `Commit.file(path:)`: the tree entry at a path of the commit's tree, or null. */
  async file(repo: FakeRepo, commit: string, path: unknown): Promise<unknown> {
    if (typeof path !== 'string' || !path || path.startsWith('/') || path.split('/').includes('..')) return null;
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash);
    const level = await repo.git.lsTree(`${commit}:${dir}`, false).catch(() => []);
    const entry = level.find((e) => e.path === path.slice(slash + 1));
    return entry ? { ...entry, repo, dir } : null;
  }

  async ref(repo: FakeRepo, full: string): Promise<unknown> {
    const sha = await repo.git.refValue(full);
    if (!sha) return null;
    const m = /^(refs\/(?:heads|tags)\/)(.*)$/.exec(full);
    return { repo, sha, prefix: m?.[1] ?? 'refs/', name: m?.[2] ?? full.slice(5) };
  }
}

function qualified(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}

function runtimeOf(value: unknown, declared: string): string {
  if (declared !== 'GitObject') return declared;
  const t = (value as GitObj).type;
  return t === 'blob' ? 'Blob' : t === 'tree' ? 'Tree' : t === 'tag' ? 'Tag' : 'Commit';
}

/** Executes a GraphQL request body against the fake's repositories. Always answers HTTP 200, like GitHub. */
export async function executeGraphql(state: FakeState, body: unknown): Promise<{ data?: unknown; errors?: GqlError[] }> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  if (typeof b['query'] !== 'string') return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  const source = new Source(b['query']);
  let doc;
  try {
    doc = parse(source);
  } catch (error) {
    const e = error as { message: string; locations?: Array<{ line: number; column: number }> };
    return { errors: [{ message: e.message, locations: e.locations ?? [] }] };
  }
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const fragments = new Map(doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const op = typeof b['operationName'] === 'string' ? ops.find((o) => o.name?.value === b['operationName']) : ops[0];
  if (!op || (ops.length > 1 && typeof b['operationName'] !== 'string')) return { errors: [{ message: 'An operation name is required' }] };
  if (op.operation !== 'query') return { errors: [{ message: `The fake serves queries only, not ${op.operation}s`, locations: [getLocation(source, op.loc?.start ?? 0)] }] };
  const variables = (b['variables'] && typeof b['variables'] === 'object' ? b['variables'] : {}) as Record<string, unknown>;
  for (const def of op.variableDefinitions ?? []) {
    if (!(def.variable.name.value in variables) && def.defaultValue) variables[def.variable.name.value] = new Executor(source, state, {}, fragments).value(def.defaultValue);
  }
  const exec = new Executor(source, state, variables, fragments);
  exec.validate(op.selectionSet, 'Query', ['query']);
  if (exec.errors.length) return { errors: exec.errors };
  const data = await exec.select(op.selectionSet, 'Query', null, []);
  return exec.errors.length ? { data, errors: exec.errors } : { data };
}

/** The route. */
export const graphqlRoutes: Route[] = [
  {
    method: 'POST', path: '/graphql',
    async handler(ctx) {
      return { status: 200, body: await executeGraphql(ctx.state, ctx.body) };
    },
  },
];
