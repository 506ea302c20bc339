/**
 * The composition root: the pipeline's dependencies built from validated
 * settings, once per process (a Functions instance or the local host). Reads
 * no environment itself; `functions/` and `cli/serve` pass settings in.
 */
import type { Environment } from '../config/index.ts';
import type { Settings } from '../config/settings.ts';
import type { ImageRef } from '../images/index.ts';
import type { ConfigProvider } from '../pipeline/config-provider.ts';
import type { DeliveryLog } from '../pipeline/delivery-log.ts';
import { KeyedMutex } from '../pipeline/keyed-mutex.ts';
import type { ChangeProposer } from '../pipeline/on-image-pushed.ts';
import type { JobQueue } from '../pipeline/sync-job.ts';
import type { SourceReader, SourceWriter, StatusReporter } from '../sources/port.ts';

/** The clusters an environment deploys to (discovery; cached by the implementation). */
export interface ClusterDirectory {
  clusters(env: Environment): Promise<readonly { name: string }[]>;
}

export interface Runtime {
  settings: Settings;
  /** Where the config repository is read and written. */
  source: SourceReader & SourceWriter;
  /** Commit statuses, where the source supports them (GitHub). */
  statuses: StatusReporter | undefined;
  /** Pull requests for `imageUpdates: pull-request` environments (GitHub). */
  proposer: ChangeProposer | undefined;
  config: ConfigProvider;
  queue: JobQueue;
  deliveries: DeliveryLog;
  directory: ClusterDirectory;
  buildTimes: ((refs: readonly ImageRef[]) => Promise<ReadonlyMap<string, Date>>) | undefined;
  /** Serialises this process's writes per branch. */
  branchLocks: KeyedMutex;
}

/** Assembles a runtime from its parts (adapters are built by the caller that knows the platform). */
export function assembleRuntime(parts: Omit<Runtime, 'branchLocks' | 'statuses' | 'proposer' | 'buildTimes'> & Partial<Pick<Runtime, 'statuses' | 'proposer' | 'buildTimes'>>): Runtime {
  return { statuses: undefined, proposer: undefined, buildTimes: undefined, ...parts, branchLocks: new KeyedMutex() };
}
