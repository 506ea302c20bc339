/**
 * The state of one fake cluster: served types, stored objects, CRD establishment, reads and
 * deletes. Writes (create, update, apply, patch) live in writes.ts and call back into it.
 */
import { randomUUID } from 'node:crypto';
import { groupVersion, Registry, splitApiVersion, typesFromCrd, type ResourceType } from './registry.ts';
import { Store } from './store.ts';
import { customResourceShape, modelShape, type Shape } from './shapes.ts';
import { recordUpdate, timestamp } from './apply.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { badRequest, KubeError, notFound, success, type Status } from './status.ts';
import { simulated, simulatedStatus, type ControllerOptions } from './controllers.ts';

type Obj = Record<string, any>;

/** Options of a list call. */
export interface ListOptions {
  labelSelector?: string | null;
  fieldSelector?: string | null;
  limit?: number;
  continue?: string | null;
}

/** Storage key of a resource: group and plural (every version of a CRD shares it). */
export function resourceKey(t: ResourceType): string {
  let key = resourceKeys.get(t);
  if (key === undefined) resourceKeys.set(t, (key = `${t.group}/${t.plural}`));
  return key;
}

/** One key string per type, so the store's maps hash it once rather than a new string on every call. */
const resourceKeys = new WeakMap<ResourceType, string>();

const NAMESPACES = '/namespaces';

/** One cluster's objects and types. */
export class Cluster {
  readonly registry = new Registry();
  readonly store = new Store();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly crdEstablishDelayMs: number;
  /** The controller simulation (off when undefined). */
  controllers: ControllerOptions | undefined;

  constructor(crdEstablishDelayMs: number, controllers?: ControllerOptions) {
    this.crdEstablishDelayMs = crdEstablishDelayMs;
    this.controllers = controllers;
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      this.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
  }

  /** The SSA shape of a type's objects. */
  shape(t: ResourceType): Shape {
    return t.model ? modelShape(t.model) : customResourceShape(t.crd?.openAPIV3Schema);
  }

  /** Throws 404 `namespaces "x" not found` when a namespaced request names a missing namespace. */
  requireNamespace(t: ResourceType, namespace: string): void {
    if (t.namespaced && !this.store.get(NAMESPACES, '', namespace)) throw notFound('namespaces', '', namespace);
  }

  /** A stored object, shown in the requested version. */
  read(t: ResourceType, namespace: string, name: string): Obj {
    const obj = this.store.get(resourceKey(t), t.namespaced ? namespace : '', name);
    if (!obj) throw notFound(t.plural, t.group, name);
    return this.inVersion(t, obj);
  }

  private inVersion(t: ResourceType, obj: Obj): Obj {
    const gv = groupVersion(t.group, t.version);
    return obj.apiVersion === gv ? obj : { ...obj, apiVersion: gv };
  }

  /** A List (`ConfigMapList`…); built-in items carry no apiVersion/kind, as the real server sends them. */
  list(t: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Obj {
    const matchLabels = parseLabelSelector(opts.labelSelector);
    const matchFields = parseFieldSelector(opts.fieldSelector);
    let items = this.store.list(resourceKey(t), t.namespaced ? namespace : undefined)
      .filter((o) => matchLabels(o.metadata?.labels ?? {}) && matchFields(o));
    if (opts.continue) {
      let after: string;
      try { after = Buffer.from(opts.continue, 'base64url').toString(); } catch { throw badRequest('invalid continue token'); }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    const metadata: Obj = { resourceVersion: this.store.currentResourceVersion() };
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const last = items[opts.limit - 1]!;
      metadata.continue = Buffer.from(`${last.metadata.namespace ?? ''}/${last.metadata.name}`).toString('base64url');
      metadata.remainingItemCount = items.length - opts.limit;
      items = items.slice(0, opts.limit);
    }
    const shown = items.map((o) => {
      if (t.crd) return this.inVersion(t, o);
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    return { kind: `${t.kind}List`, apiVersion: groupVersion(t.group, t.version), metadata, items: shown };
  }

  /** Stores an object (new resourceVersion) and reacts to CRDs and namespaces. */
  save(t: ResourceType, obj: Obj): Obj {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: this.store.nextResourceVersion() } };
    const namespace = t.namespaced ? stored.metadata.namespace : '';
    const previous = this.store.get(resourceKey(t), namespace, stored.metadata.name);
    this.store.set(resourceKey(t), namespace, stored.metadata.name, stored);
    if (t.kind === 'CustomResourceDefinition' && t.group === 'apiextensions.k8s.io') this.crdChanged(stored);
    if (this.controllers && simulated(groupVersion(t.group, t.version), t.kind) && previous?.metadata.generation !== stored.metadata.generation) {
      this.scheduleController(t, namespace, stored.metadata.name, stored.metadata.generation);
    }
    return stored;
  }

  /** The simulated controller's status write for the object's generation, after the configured delay. */
  private scheduleController(t: ResourceType, namespace: string, name: string, generation: number | undefined): void {
    const options = this.controllers!;
    const run = () => {
      this.timers.delete(timer);
      this.controllerTimers.delete(timer);
      const obj = this.store.get(resourceKey(t), namespace, name);
      if (obj && obj.metadata.generation === generation && !obj.metadata.deletionTimestamp) {
        const full = { ...obj, apiVersion: obj.apiVersion ?? groupVersion(t.group, t.version), kind: t.kind };
        const status = simulatedStatus(full, options.outcome?.(full) ?? 'ready');
        const at = timestamp();
        const { object } = recordUpdate(obj, { ...obj, status }, this.shape(t), { manager: 'kube-controller-manager', apiVersion: groupVersion(t.group, t.version), omitStatus: false, now: at, subresource: 'status' });
        this.save(t, object);
      }
      if (this.controllerTimers.size === 0) for (const w of this.controllerWaiters.splice(0)) w();
    };
    const timer = setTimeout(run, options.delayMs ?? 0);
    this.timers.add(timer);
    this.controllerTimers.set(timer, run);
  }

  /** Runs every pending simulated controller update now. */
  flushControllers(): void {
    for (const [timer, run] of [...this.controllerTimers]) {
      clearTimeout(timer);
      run();
    }
  }

  private readonly controllerTimers = new Map<NodeJS.Timeout, () => void>();
  private readonly controllerWaiters: (() => void)[] = [];

  /** Resolves when no simulated controller update is pending. */
  controllersIdle(): Promise<void> {
    if (this.controllerTimers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.controllerWaiters.push(resolve));
  }

  /** Deletes an object: sets deletionTimestamp while finalizers remain, else removes it (cascading for namespaces and CRDs). */
  delete(t: ResourceType, namespace: string, name: string, body: Obj | undefined, dryRun: boolean): { code: number; body: Obj | Status } {
    const obj = this.read(t, namespace, name);
    const pre = body?.preconditions;
    if ((pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) || (pre?.uid && pre.uid !== obj.metadata.uid)) {
      const which = pre?.uid && pre.uid !== obj.metadata.uid ? `UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}` : `ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`;
      throw new KubeError(409, 'Conflict', `Operation cannot be fulfilled on ${t.plural}${t.group ? '.' + t.group : ''} "${name}": Precondition failed: ${which}`, { name, group: t.group || undefined, kind: t.plural });
    }
    if (obj.metadata.finalizers?.length) {
      if (obj.metadata.deletionTimestamp || dryRun) return { code: 202, body: obj };
      return { code: 202, body: this.save(t, { ...obj, metadata: { ...obj.metadata, deletionTimestamp: timestamp(), deletionGracePeriodSeconds: 0 } }) };
    }
    if (!dryRun) this.remove(t, obj);
    if (t.kind === 'Namespace' && !t.group) {
      return { code: 200, body: { ...obj, metadata: { ...obj.metadata, deletionTimestamp: timestamp() }, status: { phase: 'Terminating' } } };
    }
    if (t.returnDeletedObject) return { code: 200, body: obj };
    return { code: 200, body: success({ name, group: t.group || undefined, kind: t.plural, uid: obj.metadata.uid }) };
  }

  /** Removes a stored object now, with what depends on it. */
  remove(t: ResourceType, obj: Obj): void {
    this.store.delete(resourceKey(t), t.namespaced ? obj.metadata.namespace : '', obj.metadata.name);
    if (t.kind === 'Namespace' && !t.group) for (const r of this.store.resources()) this.store.clear(r, obj.metadata.name);
    if (t.kind === 'CustomResourceDefinition' && t.group === 'apiextensions.k8s.io') {
      const types = this.registry.removeCrd(obj.metadata.name);
      if (types[0]) this.store.clear(resourceKey(types[0]));
    }
  }

  private crdChanged(crd: Obj): void {
    const established = crd.status?.conditions?.some((c: Obj) => c.type === 'Established' && c.status === 'True');
    if (established) { this.registry.setCrd(crd.metadata.name, typesFromCrd(crd)); return; }
    const timer = setTimeout(() => { this.timers.delete(timer); this.establish(crd.metadata.name); }, this.crdEstablishDelayMs);
    this.timers.add(timer);
  }

  /** Marks a CRD NamesAccepted and Established (as the apiextensions controllers do) and serves its kinds. */
  establish(crdName: string): void {
    const t = this.registry.byApiVersionKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition')!;
    const crd = this.store.get(resourceKey(t), '', crdName);
    if (!crd || crd.status?.conditions?.some((c: Obj) => c.type === 'Established')) return;
    const now = timestamp();
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', lastTransitionTime: now, reason, message });
    const status = {
      acceptedNames: crd.spec.names,
      conditions: [cond('NamesAccepted', 'NoConflicts', 'no conflicts found'), cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
      storedVersions: (crd.spec.versions ?? []).filter((v: Obj) => v.storage).map((v: Obj) => v.name),
    };
    const next = { ...crd, status };
    const { object } = recordUpdate(crd, next, this.shape(t), { manager: 'kube-apiserver', apiVersion: 'apiextensions.k8s.io/v1', omitStatus: false, now, subresource: 'status' });
    this.save(t, object);
  }

  /** Seeds an object directly (no validation, no namespace check); fills uid, creationTimestamp, resourceVersion. */
  put(obj: Obj): Obj {
    const { group, version } = splitApiVersion(String(obj.apiVersion ?? 'v1'));
    const t = this.registry.byApiVersionKind(groupVersion(group, version), obj.kind);
    if (!t) throw new Error(`kube-fake: ${obj.apiVersion}/${obj.kind} is not served`);
    const meta = { uid: randomUUID(), creationTimestamp: timestamp(), ...(obj.metadata ?? {}) };
    if (t.namespaced) meta.namespace ??= 'default';
    else delete meta.namespace;
    let seeded: Obj = { ...structuredClone(obj), metadata: meta };
    if (t.kind === 'Namespace' && !t.group) seeded = withNamespaceDefaults(seeded);
    if (t.generation) seeded.metadata.generation ??= 1;
    const stored = this.save(t, seeded);
    if (t.kind === 'CustomResourceDefinition' && !stored.status?.conditions) this.establish(stored.metadata.name);
    return stored;
  }

  /** Stops pending CRD timers. */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** What the real server adds to a Namespace: the metadata.name label, spec.finalizers, status.phase. */
export function withNamespaceDefaults(ns: Obj): Obj {
  return {
    ...ns,
    metadata: { ...ns.metadata, labels: { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name } },
    spec: { finalizers: ['kubernetes'], ...(ns.spec ?? {}) },
    status: { phase: 'Active', ...(ns.status ?? {}) },
  };
}
