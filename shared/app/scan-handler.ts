/**
 * The `image-scan` timer with the runtime, independent of the transport: the registry scan over every
 * environment with registries, through the same release path as registry events.
 */
import type { Logger } from '../pipeline/logger.ts';
import { scanImages, type ScanResult } from '../pipeline/scan-images.ts';
import type { Runtime } from './runtime.ts';
import { environmentSuspension } from '../pipeline/environment-suspension.ts';

export function scanRegistries(runtime: Runtime, log: Logger): Promise<ScanResult> {
  const s = runtime.settings.imageScan;
  return scanImages({
    config: () => runtime.config(),
    source: runtime.source,
    ...(runtime.proposer ? { proposer: runtime.proposer } : {}),
    ...(runtime.buildTimes ? { buildTimes: runtime.buildTimes } : {}),
    branchLocks: runtime.branchLocks,
    // A suspended environment takes no image updates, from events or from the scan.
    suspended: (env) => environmentSuspension(env, { discover: (e) => runtime.discover(e), connector: runtime.connector, stateNamespace: runtime.settings.stateNamespace }),
    log,
    registry: (host) => runtime.registryAccess(host),
    clock: runtime.clock,
    createdCache: runtime.imageCreatedCache,
    limits: { tagsPerRepository: s.maxTags, repositoriesPerRun: s.maxRepositories, imageReadsPerRun: s.maxImageReads, concurrencyPerRegistry: s.concurrency },
  });
}
