/** Shared set-up of the cluster and sync tests: environments, settings and connectors over kube-fakes. */
import type { Environment } from '../../shared/config/index.ts';
import { createClusterConnector, systemClock, type ClusterConnector, type Clock } from '../../shared/clusters/index.ts';
import type { SyncSettings } from '../../shared/pipeline/sync-cluster.ts';
import type { KubeFake } from '../support/kube-fake/index.ts';

/** An environment on `branch`/`path` whose clusters are the given fakes (static, no auth). */
export function fakeEnvironment(fakes: readonly KubeFake[], overrides: Partial<Environment> = {}): Environment {
  return {
    name: 'development', branch: 'master', path: 'development-configs', namespace: 'default',
    clusters: { static: fakes.map((f) => ({ name: f.name, server: f.url, auth: 'none' as const })) },
    registries: [], imageUpdates: 'commit', prune: false,
    ...overrides,
  };
}

/** A clock whose sleeps are real but short (retry backoff, lease polls). */
export const fastClock: Clock = { now: () => Date.now(), sleep: (ms) => systemClock.sleep(Math.min(ms, 20)) };

/** A connector with quick retries. */
export function testConnector(extra: Partial<Parameters<typeof createClusterConnector>[0]> = {}): ClusterConnector {
  return createClusterConnector({ clock: fastClock, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 5000, ...extra });
}

export const GIT_URL = 'git@github.com:equinor/radix-flux.git';

export function testSettings(overrides: Partial<SyncSettings> = {}): SyncSettings {
  return { gitUrl: GIT_URL, holderIdentity: 'worker-1', leasePollMs: 10, crdWaitMs: 5000, ...overrides };
}

export function yamlDocs(...docs: object[]): string {
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

export function deployment(name: string, namespace: string | undefined, image = 'nginx:1.27', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } }, ...extra },
  };
}

export function configMap(name: string, namespace: string | undefined, data: Record<string, string> = { k: 'v' }, annotations?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) }, data };
}

/** A namespaced CRD `widgets.example.com` (kind Widget) that keeps unknown fields under spec. */
export function widgetCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }],
    },
  };
}
