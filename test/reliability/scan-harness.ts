/**
 * The registry scan against real parts: the ACR fake (through the real @azure/container-registry
 * client, over TLS) and the git-backed GitHub fake holding a config repository whose environment
 * lists the fake registry.
 */
import { systemClock, type Clock } from '../../shared/clusters/clock.ts';
import { createConfigProvider } from '../../shared/pipeline/config-provider.ts';
import { KeyedMutex } from '../../shared/pipeline/keyed-mutex.ts';
import { silentLogger, type Logger } from '../../shared/pipeline/logger.ts';
import type { OnImagePushedDeps } from '../../shared/pipeline/on-image-pushed.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';
import type { ScanDeps, ScanLimits } from '../../shared/pipeline/scan-images.ts';
import { acrManifestReader } from '../../shared/registry/acr-manifest-reader.ts';
import { acrTagLister } from '../../shared/registry/acr-tag-lister.ts';
import { LruCache } from '../../shared/sources/github/lru-cache.ts';
import { startAcrFake, type AcrFake, type AcrFakeOptions } from '../support/acr-fake/index.ts';
import { startGitHubFake, type GitHubFake } from '../support/github-fake/index.ts';
import { coldSource, REPO, TOKEN, workloadAt } from './github-harness.ts';

export interface ScanFixture {
  acr: AcrFake;
  github: GitHubFake;
  /** Scan deps as one Functions instance holds them (its caches persist across runs). */
  deps(options?: { limits?: Partial<ScanLimits>; log?: Logger; clock?: Clock }): ScanDeps;
  /** Event-path deps of another instance. */
  eventDeps(): OnImagePushedDeps;
  event(repository: string, tag: string): ImagePushed;
  /** The tag `name`'s image has on main. */
  tagOnMain(name: string): Promise<string | undefined>;
  close(): Promise<void>;
}

export const scanWorkloadPath = (name: string): string => `development-configs/${name}.yaml`;

/** A Deployment following `host/name` with `filter`, running `tag`. */
export const scanWorkload = workloadAt;

let n = 0;

/** Starts both fakes; `workloads` maps a workload name to its current tag and filter. */
export async function startScanFixture(workloads: Record<string, { tag: string; filter?: string }>, acrOptions: AcrFakeOptions = {}): Promise<ScanFixture> {
  const acr = await startAcrFake(acrOptions);
  // The operator's environments (GITOPS_CONFIG); the repository holds only the manifests.
  const gitopsYaml = `environments:\n  development:\n    branch: main\n    path: development-configs\n    registries: [${acr.host}]\n`;
  const files: Record<string, string> = { 'README.md': 'config\n' };
  for (const [name, w] of Object.entries(workloads)) files[scanWorkloadPath(name)] = scanWorkload(acr.host, name, w.tag, w.filter);
  const github = await startGitHubFake({ repos: [{ fullName: REPO, files, branches: ['main'] }], token: TOKEN });
  const clientOptions = { tlsOptions: { ca: acr.ca } };
  const eventDeps = (): OnImagePushedDeps => {
    const source = coldSource(github);
    return { config: createConfigProvider(source, { inlineYaml: gitopsYaml }), source, proposer: source, branchLocks: new KeyedMutex(), log: silentLogger, sleep: async () => {} };
  };
  return {
    acr,
    github,
    deps: (o = {}) => {
      const access = { tags: acrTagLister(acr.host, acr.credential, { endpoint: acr.url, clientOptions }), manifests: acrManifestReader(acr.host, acr.credential, { endpoint: acr.url, clientOptions }) };
      return {
        ...eventDeps(),
        log: o.log ?? silentLogger,
        registry: (host) => (host === acr.host ? access : undefined),
        clock: o.clock ?? systemClock,
        createdCache: new LruCache({ maxEntries: 10_000 }),
        ...(o.limits ? { limits: o.limits } : {}),
      };
    },
    eventDeps,
    event: (repository, tag) => ({ id: `scan-fixture-${++n}`, registry: acr.host, repository, tag, digest: acr.images.tags.get(repository)?.get(tag)?.digest ?? '', pushedAt: undefined }),
    tagOnMain: async (name) => {
      const text = await github.readFile(REPO, 'main', scanWorkloadPath(name));
      return text?.match(new RegExp(`${acr.host.replace(/\./g, '\\.')}/${name}:([^\\s"']+)`))?.[1];
    },
    close: async () => {
      await Promise.all([acr.close(), github.close()]);
    },
  };
}
