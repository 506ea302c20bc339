/**
 * `pipeline.diffCluster`: what a sync of an environment would change on one cluster, asked of the API server
 * itself. Each object of the render is read live and applied with `dryRun=All` (the same body, field manager
 * and force as a sync), and the two are compared with shared/diff; the objects prune would delete are listed
 * (with prune's safety rules) and read live too. Nothing is stored, no lease is taken.
 */
import {
  FIELD_MANAGER, KubeApiError, APPLY_PATCH, applyItems, listMarkedObjects, mapBounded, planPrune, resourcePath, syncSetName,
  type ApplyItem, type ClusterConnection,
} from '../clusters/index.ts';
import { syncSetPaths, type Environment } from '../config/index.ts';
import { diffObjectSets, type DiffObject, type ObjectSetDiff } from '../diff/index.ts';
import type { ManifestError } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderForCluster } from './render-for-cluster.ts';

export interface DiffClusterOptions {
  source: SourceReader;
  revision: string;
  gitUrl: string;
  /** Prune as the sync would (default: the environment's setting). */
  prune?: boolean;
  pruneMaxShare?: number;
  concurrency?: number;
}

export interface DiffClusterResult {
  environment: string;
  cluster: string;
  revision: string;
  /** Live (before) against the server's dry-run answer (after); `removed` are the prune candidates. */
  diff: ObjectSetDiff;
  prune: { enabled: boolean; candidates: string[]; refused?: string };
  /** Objects the server refused in the dry run (they would fail the sync). */
  failed: Array<{ id: string; message: string }>;
  renderErrors: ManifestError[];
  /** Objects that cannot be checked because this sync creates their namespace: shown as written. */
  notes: Array<{ id: string; message: string }>;
}

type Live = { id: string; live: unknown; after: unknown } | { id: string; failed: string } | { id: string; note: string; after: unknown };

async function getLive(conn: ClusterConnection, apiVersion: string, kind: string, namespace: string | undefined, name: string): Promise<unknown> {
  const r = await conn.discovery.resolve(apiVersion, kind);
  if (!r) return undefined;
  try {
    return (await conn.client.request({ method: 'GET', path: resourcePath(r, namespace, name) })).body;
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function dryRunOne(conn: ClusterConnection, item: ApplyItem, fieldManager: string, createdNamespaces: ReadonlySet<string>): Promise<Live> {
  const { apiVersion, kind, name, namespace } = item.resource;
  const r = await conn.discovery.resolve(apiVersion, kind);
  if (!r) return { id: item.id, failed: `the cluster does not serve ${kind} in ${apiVersion} (is its CustomResourceDefinition installed and Established?)` };
  const live = await getLive(conn, apiVersion, kind, namespace, name);
  try {
    const res = await conn.client.request({
      method: 'PATCH', path: resourcePath(r, namespace, name), contentType: APPLY_PATCH, body: item.body,
      query: { fieldManager, force: 'true', dryRun: 'All' },
    });
    return { id: item.id, live, after: res.body };
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404 && namespace && createdNamespaces.has(namespace) && /namespaces? "?[^"]*"? not found/.test(err.serverMessage)) {
      return { id: item.id, note: `namespace ${namespace} is created by this sync: shown as written, not checked by the server`, after: item.body };
    }
    return { id: item.id, failed: err instanceof Error ? err.message : String(err) };
  }
}

/** Compares what a sync of `revision` would leave on the cluster with what is there now. */
export async function diffCluster(env: Environment, conn: ClusterConnection, options: DiffClusterOptions): Promise<DiffClusterResult> {
  await conn.discovery.load();
  // The cluster's variables (gitops.yaml `variables`) and the environment's mode, as a sync builds it.
  const built = await renderForCluster(env, options.revision, conn, { source: options.source });
  if (!built.ok) throw new Error(built.message);
  const rendered = built.rendered;
  if (rendered.refused) {
    const e = rendered.errors[0];
    throw new Error(`${env.name} is refused as a whole: ${e ? `${e.line ? `${e.file}:${e.line}` : e.file}: ${e.message}` : 'no reason given'}`);
  }
  const setName = syncSetName(options.gitUrl, env.branch, syncSetPaths(env));
  const items = applyItems(rendered.resources, setName);
  const createdNamespaces = new Set(items.filter((i) => i.resource.kind === 'Namespace' && i.resource.apiVersion === 'v1').map((i) => i.resource.name));
  const answers = await mapBounded(items, options.concurrency ?? 16, (item) => dryRunOne(conn, item, FIELD_MANAGER, createdNamespaces));

  const before: DiffObject[] = [];
  const after: DiffObject[] = [];
  const failed: DiffClusterResult['failed'] = [];
  const notes: DiffClusterResult['notes'] = [];
  for (const a of answers) {
    if ('failed' in a) { failed.push({ id: a.id, message: a.failed }); continue; }
    if ('note' in a) notes.push({ id: a.id, message: a.note });
    else if (a.live !== undefined) before.push({ id: a.id, object: a.live });
    after.push({ id: a.id, object: a.after });
  }

  const enabled = options.prune ?? env.prune;
  if (rendered.refused) {
    // A generated environment that cannot be built: nothing of it may be applied or pruned, so nothing to compare.
    return { environment: env.name, cluster: conn.target.name, revision: options.revision, diff: diffObjectSets(before, after), prune: { enabled, candidates: [], refused: 'the environment cannot be built' }, failed, renderErrors: rendered.errors, notes };
  }
  const marked = await listMarkedObjects(conn);
  const plan = planPrune({
    syncSetName: setName, marked,
    desired: new Set(items.map((i) => i.id)),
    skipped: new Set(rendered.skipped.flatMap((s) => (s.id ? [s.id] : []))),
    renderErrors: rendered.errors.length,
    maxShare: options.pruneMaxShare ?? 0.5,
    force: false,
  });
  const candidates = plan.candidates;
  const lives = await mapBounded(candidates, options.concurrency ?? 16, (c) => getLive(conn, c.apiVersion, c.kind, c.namespace, c.name));
  candidates.forEach((c, i) => { if (lives[i] !== undefined) before.push({ id: c.id, object: lives[i] }); });

  return {
    environment: env.name, cluster: conn.target.name, revision: options.revision,
    diff: diffObjectSets(before, after),
    prune: { enabled, candidates: candidates.map((c) => c.id), ...(plan.refused ? { refused: plan.refused } : {}) },
    failed, renderErrors: rendered.errors, notes,
  };
}

