/**
 * Parses and validates `gitops.yaml`. Every problem names the file, the line,
 * the key and what was expected; all problems are reported at once.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import { z } from 'zod';
import { parseTagFilter } from '../images/tag-filter.ts';
import { ConfigError } from './config-error.ts';
import { issuePath, repositoryName } from './validation.ts';
import type { ClusterSelection, Environment, GitopsConfig, Promotion, VariablesSource } from './environment.ts';

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const registryHost = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$/;

/** git check-ref-format rules that matter for branch names. */
function isBranchName(s: string): boolean {
  return (
    s.length > 0 &&
    !s.startsWith('-') &&
    !s.startsWith('/') &&
    !s.endsWith('/') &&
    !s.endsWith('.') &&
    !s.endsWith('.lock') &&
    !s.includes('..') &&
    !s.includes('//') &&
    !s.includes('@{') &&
    !/[\s~^:?*[\\\x00-\x1f\x7f]/.test(s)
  );
}

const pattern = z.string().min(1, 'expected a non-empty glob pattern');

const clustersSchema = z.strictObject({
  azure: z
    .strictObject({
      subscription: z.string().regex(/^[0-9a-fA-F-]{36}$/, 'expected a subscription id (a GUID)'),
      resourceGroups: z.array(z.string().min(1)).default([]),
      names: pattern.optional(),
      tags: z.record(z.string(), z.string()).default({}),
    })
    .refine((a) => a.names !== undefined || Object.keys(a.tags).length > 0, {
      message: 'expected `names` or `tags` to select clusters (refusing to target every cluster in a subscription)',
    })
    .optional(),
  kubeconfig: z.strictObject({ path: z.string().min(1).optional(), contexts: pattern }).optional(),
  static: z
    .array(
      z.strictObject({
        name: z.string().regex(dnsLabel, 'expected a cluster name (lower-case letters, digits, dashes)'),
        server: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL of the API server' }),
        certificateAuthorityData: z.string().min(1).optional(),
        auth: z.enum(['azure', 'none']).default('azure'),
      }),
    )
    .default([]),
});

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const configMapKey = /^[-._a-zA-Z0-9]+$/;

const variablesSchema = z.strictObject({
  configMap: z.strictObject({
    namespace: z.string().regex(dnsLabel, 'expected the namespace of the ConfigMap'),
    name: z.string().max(253).regex(dnsSubdomain, 'expected a ConfigMap name (lower-case DNS subdomain)'),
    key: z.string().max(253).regex(configMapKey, 'expected a ConfigMap data key (letters, digits, -, _ and .)').optional(),
  }),
});

const host = z.string().transform((s) => s.toLowerCase()).refine((s) => registryHost.test(s), 'expected a registry host name such as myregistry.azurecr.io');

function isTagFilter(s: string): boolean {
  try {
    parseTagFilter(s);
    return true;
  } catch {
    return false;
  }
}
const tagFilter = z.string().min(1).refine(isTagFilter, 'expected a valid tag filter such as glob:release-*, semver:~1 or regexp:^v');

const promotionSchema = z.strictObject({
  from: z.string().regex(dnsLabel, 'expected the name of the environment promoted from'),
  rewrite: z
    .strictObject({
      registries: z.record(host, host).default({}),
      filters: z.record(tagFilter, tagFilter).default({}),
    })
    .default({ registries: {}, filters: {} }),
  paths: z.array(pattern).min(1, 'expected at least one glob (omit `paths` to promote every file)').max(100).optional(),
  auto: z.boolean().default(false),
});

/** A directory as `path` is read: leading `./` and trailing `/` dropped, `.` the root. */
const normalizePath = (p: string): string => {
  const n = p.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return n === '.' ? '' : n;
};

const environmentSchema = z.strictObject({
  branch: z.string().refine(isBranchName, 'expected a git branch name'),
  path: z
    .string()
    .transform((p) => p.replace(/^(\.\/)+/, '').replace(/\/+$/, ''))
    .refine((p) => p === '.' || !(p.startsWith('/') || p.split('/').some((s) => s === '..' || s === '') || p.includes('\\')) || p === '', {
      message: 'expected a directory relative to the repository root, without `..` (use "" or "." for the root)',
    })
    .transform((p) => (p === '.' ? '' : p)),
  namespace: z.string().regex(dnsLabel, 'expected a namespace name').default('default'),
  clusters: clustersSchema.default({ static: [] }),
  registries: z
    .array(z.string().transform((s) => s.toLowerCase()).refine((s) => registryHost.test(s), 'expected a registry host name such as myregistry.azurecr.io'))
    .default([]),
  imageUpdates: z.enum(['commit', 'pull-request']).default('commit'),
  prune: z.boolean().default(false),
  previews: z
    .strictObject({
      dryRun: z
        .union([z.number().int().min(0).max(1000), z.enum(['all', 'none'])], { error: 'expected a number of clusters (0-1000), all or none' })
        .default('none'),
    })
    .optional(),
  variables: variablesSchema.optional(),
  healthTimeoutMinutes: z.number().int().min(1).max(1440).optional(),
  promotion: promotionSchema.optional(),
  fluxGitPaths: z
    .array(z.string().min(1).max(4096).refine((p) => !p.startsWith('/'), 'expected a relative path (Flux v1 refuses a --git-path with a leading /)'))
    .min(1, 'expected the --git-path of the Flux v1 daemon this environment takes over (omit the key to use `path`)')
    .max(1, 'expected one --git-path: Flux v1 owned the objects of all its --git-paths as one set, and an environment deploys one path, so its prune could not tell the other paths\' objects from removed ones (taking over a multi-path Flux v1 daemon is not supported)')
    .optional(),
});

const configSchema = z.strictObject({
  repository: repositoryName.optional(),
  environments: z
    .record(z.string().regex(dnsLabel, 'expected environment names of lower-case letters, digits and dashes'), environmentSchema)
    .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment'),
});

/**
 * Parses gitops.yaml text. Throws ConfigError listing every problem as
 * `<file>:<line>: <key>: <what was expected>`.
 */
export interface ParseConfigOptions {
  /**
   * The text comes from the operator (the GITOPS_CONFIG setting), not from a file anyone with push access can
   * change: only then may it name a kubeconfig file.
   */
  operator?: boolean;
}

export function parseConfig(text: string, file: string, options: ParseConfigOptions = {}): GitopsConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // e.g. an alias bomb: the yaml library refuses excessive alias expansion
    throw new ConfigError([`${file}: ${(err as Error).message}`], { cause: err });
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const path = issue.path as (string | number)[];
        const at = issue.code === 'unrecognized_keys' && issue.keys.length > 0 ? [...path, issue.keys[0]!] : path;
        const node = locate(doc, at);
        const line = node ? `:${lineCounter.linePos(node).line}` : '';
        const where = issuePath(issue);
        const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
        return `${file}${line}: ${where}: ${message}`;
      }),
    );
  }
  const environments: Environment[] = Object.entries(result.data.environments).map(([name, e]) => ({
    name,
    branch: e.branch,
    path: e.path,
    namespace: e.namespace,
    clusters: stripUndefined(e.clusters) as ClusterSelection,
    registries: e.registries,
    imageUpdates: e.imageUpdates,
    prune: e.prune,
    ...(e.previews ? { previews: { dryRun: e.previews.dryRun === 0 ? 'none' : e.previews.dryRun } } : {}),
    ...(e.variables ? { variables: { configMap: stripUndefined(e.variables.configMap) as VariablesSource['configMap'] } } : {}),
    ...(e.healthTimeoutMinutes !== undefined ? { healthTimeoutMinutes: e.healthTimeoutMinutes } : {}),
    ...(e.promotion ? { promotion: promotionOf(e.promotion) } : {}),
    ...(e.fluxGitPaths ? { fluxGitPaths: e.fluxGitPaths } : {}),
  }));
  const at = (path: (string | number)[]): string => {
    const node = locate(doc, path);
    return node === undefined ? file : `${file}:${lineCounter.linePos(node).line}`;
  };
  const promotionErrors = [...promotionProblems(environments, Object.keys(result.data.environments), at), ...fluxGitPathProblems(environments, Object.keys(result.data.environments), at)];
  if (promotionErrors.length > 0) throw new ConfigError(promotionErrors);
  const refused = trustProblems(environments, options).map((p) => `${file}: ${p}`);
  if (refused.length > 0) throw new ConfigError(refused);
  const clash = findClash(environments);
  if (clash) throw new ConfigError([`${file}: environments.${clash}`]);
  return {
    ...(result.data.repository ? { repository: result.data.repository } : {}),
    environments,
    source: file,
  };
}

function promotionOf(p: z.infer<typeof promotionSchema>): Promotion {
  return { from: p.from, rewrite: { registries: p.rewrite.registries, filters: p.rewrite.filters }, ...(p.paths ? { paths: p.paths } : {}), auto: p.auto };
}

/**
 * What a promotion must name correctly: another environment as its source, and registries the target lists
 * (a repository file may never put an image from an unlisted registry into an environment).
 */
function promotionProblems(envs: readonly Environment[], keys: readonly string[], at: (path: (string | number)[]) => string): string[] {
  const problems: string[] = [];
  envs.forEach((env, i) => {
    const p = env.promotion;
    if (!p) return;
    const base = ['environments', keys[i]!, 'promotion'];
    const where = `environments.${env.name}.promotion`;
    if (p.from === env.name) problems.push(`${at([...base, 'from'])}: ${where}.from: expected another environment (an environment cannot be promoted from itself)`);
    else if (!envs.some((e) => e.name === p.from)) {
      problems.push(`${at([...base, 'from'])}: ${where}.from: expected the name of an environment (have: ${envs.filter((e) => e !== env).map((e) => e.name).join(', ')}), got ${p.from}`);
    }
    for (const [from, to] of Object.entries(p.rewrite.registries)) {
      if (!env.registries.includes(to)) {
        problems.push(`${at([...base, 'rewrite', 'registries', from])}: ${where}.rewrite.registries.${from}: expected a registry ${env.name} lists in registries (${env.registries.join(', ') || 'none'}), got ${to}`);
      }
    }
  });
  return problems;
}

/** The start offset of the deepest node that exists along a path, for a line number. */
function locate(doc: ReturnType<typeof parseDocument>, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

/** What a definition may never ask for, whatever the bounds: credentials over http, files and plugins from a repository. */
function trustProblems(envs: readonly Environment[], options: ParseConfigOptions): string[] {
  const problems: string[] = [];
  for (const env of envs) {
    if (env.clusters.kubeconfig?.path !== undefined && !options.operator) {
      problems.push(`environments.${env.name}.clusters.kubeconfig.path: a kubeconfig file is chosen by the operator, never by repository config (use --kubeconfig, KUBECONFIG, or the GITOPS_CONFIG setting)`);
    }
    for (const s of env.clusters.static) {
      if (s.auth === 'azure' && !s.server.toLowerCase().startsWith('https://')) {
        problems.push(`environments.${env.name}.clusters.static.${s.name}.server: the managed identity's token never goes over http (use https, or auth: none for a local test server)`);
      }
    }
  }
  return problems;
}

/**
 * `fluxGitPaths` names the environment's own directory as the replaced Flux v1 daemon spelled it (`./a` and `a`
 * give different GC marks): another directory would make the sync set, and so the prune, another environment's.
 */
function fluxGitPathProblems(envs: readonly Environment[], keys: readonly string[], at: (path: (string | number)[]) => string): string[] {
  const problems: string[] = [];
  envs.forEach((env, i) => {
    (env.fluxGitPaths ?? []).forEach((p, n) => {
      if (normalizePath(p) === env.path) return;
      problems.push(`${at(['environments', keys[i]!, 'fluxGitPaths', n])}: environments.${env.name}.fluxGitPaths.${n}: expected a spelling of this environment's path "${env.path}" (such as "./${env.path || '.'}"), not "${p}": the GC marks of another directory are another environment's`);
    });
  });
  return problems;
}

function findClash(envs: readonly Environment[]): string | undefined {
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = envs[i]!;
      const b = envs[j]!;
      if (a.branch === b.branch && a.path === b.path) {
        return `${b.name}: deploys the same branch and path as ${a.name} (${a.branch}:${a.path || '/'}); expected each environment to have its own directory or branch`;
      }
    }
  }
  return undefined;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
