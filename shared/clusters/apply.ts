/**
 * Server-side apply of a desired state to one cluster, in Flux's kind ranking: ranks one after another,
 * bounded concurrency within a rank, CRDs Established (and served) before later ranks use them. One
 * object's failure is recorded with the API server's message and does not stop the others.
 */
import { rankOfKind } from '../manifests/index.ts';
import type { ApiDiscovery } from './api-discovery.ts';
import { resourcePath } from './api-discovery.ts';
import type { ApplyItem } from './apply-body.ts';
import type { Clock } from './clock.ts';
import { KubeApiError, type KubeClient } from './kube-client.ts';
import { runRanked } from './rank-scheduler.ts';

/** The stable field manager of every apply. */
export const FIELD_MANAGER = 'serverless-gitops';
export const APPLY_PATCH = 'application/apply-patch+yaml';
/** How often a CRD is checked while waiting for it to be Established. */
const CRD_POLL_MS = 100;
/**
 * What an apply asks back: the object's metadata only (`PartialObjectMetadata`, as client-go's metadata client
 * asks), or the whole object from a server that cannot give that. Either carries `metadata.resourceVersion`, all
 * a sync reads from the answer, and the metadata is about a quarter of a Deployment's answer to parse.
 */
export const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** Apply bodies as JSON text, made once per item: a render's items are shared by every cluster it is applied to. */
const bodyTexts = new WeakMap<ApplyItem, string>();

function bodyText(item: ApplyItem): string {
  let text = bodyTexts.get(item);
  if (text === undefined) {
    text = JSON.stringify(item.body);
    bodyTexts.set(item, text);
  }
  return text;
}

/**
 * What happened to one object, in every step and report (apply, prune, inventory, counts, logs), as fluxcd/pkg
 * ssa's `Action`: applied (server-side applied), unchanged (not sent: the inventory has it as desired), pruned
 * (deleted, or already gone), failed (with the server's message). A dry run uses the same words: the result's
 * `dryRun` says nothing was stored.
 */
export type ObjectAction = 'applied' | 'unchanged' | 'pruned' | 'failed';

export interface ObjectOutcome {
  id: string;
  action: ObjectAction;
  /** The step the outcome comes from, when not apply. */
  step?: 'prune';
  /** The API server's message (failures), or a note. */
  message?: string;
  /** HTTP status of a failure (0: no answer). */
  status?: number;
  /** Where the object is declared in git. */
  file?: string;
  line?: number;
  /** Applied: the server created it (201), rather than merging into an existing object. */
  created?: boolean;
  /** Applied: the object's resourceVersion in the server's answer (unchanged when the apply changed nothing). */
  resourceVersion?: string;
}

export interface ApplyOptions {
  clock: Clock;
  /** Objects in flight at once within a rank (default 16). */
  concurrency?: number;
  /** Longest wait for a CRD to be Established and served (default 60 s). */
  crdWaitMs?: number;
  /** Server-side dry run (`dryRun=All`): nothing is stored. */
  dryRun?: boolean;
  /** Called after each rank (e.g. to renew the lease); a throw stops the apply. */
  onRankDone?: () => Promise<void>;
  /** Progress for people: after each object, the rank it is in, and how many of the rank and of all are done. */
  onProgress?: (p: ApplyProgress) => void;
}

export interface ApplyProgress {
  rank: number;
  /** 1-based position of the rank among the ranks this apply has, and how many there are. */
  rankIndex: number;
  ranks: number;
  doneInRank: number;
  inRank: number;
  done: number;
  total: number;
}

export interface ClusterApi {
  client: KubeClient;
  discovery: ApiDiscovery;
}

function failure(item: ApplyItem, err: unknown): ObjectOutcome {
  const where = { file: item.resource.file, line: item.resource.line };
  if (err instanceof KubeApiError) return { id: item.id, action: 'failed', status: err.status, message: err.message, ...where };
  return { id: item.id, action: 'failed', message: err instanceof Error ? err.message : String(err), ...where };
}

const isCrd = (item: ApplyItem): boolean => item.resource.kind === 'CustomResourceDefinition' && item.resource.apiVersion.startsWith('apiextensions.k8s.io/');

/** Applies one object; the outcome says applied or failed (with the server's message). */
export async function applyOne(api: ClusterApi, item: ApplyItem, options: ApplyOptions, createdNamespaces: ReadonlySet<string> = new Set()): Promise<ObjectOutcome> {
  const { apiVersion, kind, name, namespace } = item.resource;
  try {
    const r = await api.discovery.resolve(apiVersion, kind);
    if (!r) return failure(item, new Error(`the cluster does not serve ${kind} in ${apiVersion} (is its CustomResourceDefinition installed and Established?)`));
    if (r.namespaced && !namespace) return failure(item, new Error(`${kind} is namespaced but the object has no namespace`));
    const res = await api.client.request({
      method: 'PATCH',
      path: resourcePath(r, namespace, name),
      query: { fieldManager: FIELD_MANAGER, force: 'true', ...(options.dryRun ? { dryRun: 'All' } : {}) },
      contentType: APPLY_PATCH,
      body: item.body,
      bodyText: bodyText(item),
      accept: METADATA_ACCEPT,
    });
    const rv = res.body?.metadata?.resourceVersion;
    return { id: item.id, action: 'applied', ...(res.status === 201 ? { created: true } : {}), ...(typeof rv === 'string' && rv ? { resourceVersion: rv } : {}) };
  } catch (err) {
    // A dry run does not create namespaces, so objects in a namespace this sync creates cannot be checked.
    if (options.dryRun && err instanceof KubeApiError && err.status === 404 && namespace && createdNamespaces.has(namespace) && /namespaces? "?[^"]*"? not found/.test(err.serverMessage)) {
      return { id: item.id, action: 'applied', message: `dry run: namespace ${namespace} is created by this sync` };
    }
    return failure(item, err);
  }
}

/** Waits until a CRD is Established and its kind is served by discovery; throws when it is not in time. */
export async function waitForCrd(api: ClusterApi, crd: ApplyItem, options: ApplyOptions): Promise<void> {
  const deadline = options.clock.now() + (options.crdWaitMs ?? 60_000);
  const spec = (crd.body.spec ?? {}) as { group?: string; names?: { kind?: string }; versions?: Array<{ name?: string; served?: boolean }> };
  const versions = (spec.versions ?? []).filter((v) => v.served !== false && v.name).map((v) => `${spec.group}/${v.name}`);
  const kind = spec.names?.kind;
  for (;;) {
    const res = await api.client.request({ method: 'GET', path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.resource.name)}` });
    const conditions = (res.body?.status?.conditions ?? []) as Array<{ type?: string; status?: string }>;
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
      await Promise.all(versions.map((gv) => api.discovery.refresh(gv)));
      if (!kind || versions.every((gv) => api.discovery.resource(gv, kind))) return;
    }
    if (options.clock.now() >= deadline) throw new Error(`CustomResourceDefinition ${crd.resource.name} was not Established and served within ${options.crdWaitMs ?? 60_000} ms`);
    await options.clock.sleep(CRD_POLL_MS);
  }
}

/** Applies items rank by rank; outcomes come back in the items' order. */
export async function applyObjects(api: ClusterApi, items: readonly ApplyItem[], options: ApplyOptions): Promise<ObjectOutcome[]> {
  const createdNamespaces = new Set(items.filter((i) => i.resource.kind === 'Namespace' && i.resource.apiVersion === 'v1').map((i) => i.resource.name));
  const crdFailures = new Map<string, string>();
  const rankSizes = new Map<number, number>();
  for (const item of items) rankSizes.set(rankOfKind(item.resource.kind), (rankSizes.get(rankOfKind(item.resource.kind)) ?? 0) + 1);
  const rankOrder = [...rankSizes.keys()].sort((a, b) => a - b);
  const doneByRank = new Map<number, number>();
  let done = 0;
  const progress = (rank: number) => {
    if (!options.onProgress) return;
    done += 1;
    doneByRank.set(rank, (doneByRank.get(rank) ?? 0) + 1);
    options.onProgress({ rank, rankIndex: rankOrder.indexOf(rank) + 1, ranks: rankOrder.length, doneInRank: doneByRank.get(rank)!, inRank: rankSizes.get(rank)!, done, total: items.length });
  };
  return runRanked(items, {
    rankOf: (item) => rankOfKind(item.resource.kind),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    run: async (item) => {
      const reason = crdFailures.get(`${item.resource.apiVersion.split('/')[0]}/${item.resource.kind}`);
      const outcome = reason ? failure(item, new Error(reason)) : await applyOne(api, item, options, createdNamespaces);
      progress(rankOfKind(item.resource.kind));
      return outcome;
    },
    afterRank: async (_rank, done) => {
      await options.onRankDone?.();
      if (options.dryRun) return;
      const crds = done.filter(({ item, result }) => isCrd(item) && result.action === 'applied').map(({ item }) => item);
      await Promise.all(crds.map(async (crd) => {
        try {
          await waitForCrd(api, crd, options);
        } catch (err) {
          const spec = (crd.body.spec ?? {}) as { group?: string; names?: { kind?: string } };
          crdFailures.set(`${spec.group}/${spec.names?.kind}`, err instanceof Error ? err.message : String(err));
        }
      }));
    },
  });
}
