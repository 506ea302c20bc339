/**
 * The `preview` queue's job with the runtime, independent of the transport: builds through the preview seam,
 * dry runs through the cluster connector (server-side `dryRun=All`, nothing stored), reports through GitHub.
 * In its own file so the webhooks never load the Kubernetes client.
 */
import { applyItems, applyObjects, FOLDER_CLUSTER, syncSetName, type ClusterTarget } from '../clusters/index.ts';
import { syncSetPaths } from '../config/index.ts';
import type { Logger } from '../pipeline/logger.ts';
import { readClusterVariables } from '../pipeline/cluster-variables.ts';
import { renderBuilder } from '../pipeline/preview-build.ts';
import { parsePreviewJob } from '../pipeline/preview-job.ts';
import { runPreview, type RunPreviewResult } from '../pipeline/run-preview.ts';
import type { Runtime } from './runtime.ts';

/** Runs one preview job; throws when the queue should retry it (GitHub or a source failed). */
export async function previewJob(runtime: Runtime, log: Logger, message: unknown): Promise<RunPreviewResult | undefined> {
  const job = parsePreviewJob(message);
  const reporter = runtime.previews;
  if (!reporter) {
    log.warn('preview.dropped', { pullRequest: job.number, commit: job.headSha, result: 'previews are not reported in this deployment (no GitHub)' });
    return undefined;
  }
  // One preview of a pull request at a time in this process: two deliveries of one head find one check run.
  return runtime.branchLocks.run(`preview/${job.repository}#${job.number}`, () => runPreview<ClusterTarget>(job, {
    config: () => runtime.config(),
    source: runtime.source,
    builder: renderBuilder({ parseCache: runtime.parseCache }),
    reporter,
    // The local host's folder target stands in for absent clusters: it is no cluster to group or dry-run on.
    clusters: async (env) => (await runtime.discover(env)).filter((t) => t.name !== FOLDER_CLUSTER),
    // The variables the environment names, read in each cluster with its credentials (as a sync reads them).
    async variables(env, target) {
      if (!env.variables) return new Map<string, string>();
      const read = await readClusterVariables((await runtime.connector.connect(target)).client, env.variables);
      return read.ok ? read.variables : { error: read.message };
    },
    async dryRun(env, target, resources) {
      const connection = await runtime.connector.connect(target);
      const items = applyItems(resources, syncSetName(runtime.gitUrl, env.branch, syncSetPaths(env)));
      const outcomes = await applyObjects(connection, items, { clock: runtime.clock, dryRun: true });
      return outcomes.map((o) => ({
        cluster: target.name,
        id: o.id,
        ok: o.action !== 'failed',
        ...(o.message !== undefined ? { message: o.message } : {}),
        ...(o.file !== undefined ? { file: o.file } : {}),
        ...(o.line !== undefined ? { line: o.line } : {}),
      }));
    },
    log,
  }));
}
