/**
 * parse_plan_2000_manifests_ms: CPU only, planManifestReads + loadManifests + sortForApply over 2,000
 * generated realistic manifests held in memory, each run in a fresh process (a cold instance; its peak RSS
 * is the memory figure). The median of the runs is reported.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runChild } from './child.ts';
import { median, round, type Figure } from './report.ts';

interface Run { ms: number; resources: number; errors: number; files: number; bytes: number; peak_rss_mb: number; rss_before_mb: number }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function parsePlanFigures(options: { runs: number; manifests: number }): Promise<Figure[]> {
  const runs: Run[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(await runChild<Run>(['bench/parse-plan-child.ts', String(options.manifests)], root));
  const ms = round(median(runs.map((r) => r.ms)));
  const rss = round(median(runs.map((r) => r.peak_rss_mb)));
  const first = runs[0]!;
  const detail = { runs: runs.map((r) => round(r.ms)), manifests: options.manifests, files: first.files, resources: first.resources, errors: first.errors, megabytes: round(first.bytes / 1024 ** 2, 2) };
  return [
    { name: `parse_plan_${options.manifests}_manifests_ms`, value: ms, unit: 'ms', goal: '< 300 ms', met: ms < 300, rows: [{ label: `median of ${runs.length} fresh processes`, value: `${runs.map((r) => round(r.ms)).join(', ')} ms; ${first.resources} resources from ${round(first.bytes / 1024 ** 2, 2)} MB` }], detail },
    { name: `parse_plan_${options.manifests}_manifests_peak_rss_mb`, value: rss, unit: 'MB', goal: '< 150 MB', met: rss < 150, rows: [{ label: 'process RSS before parsing (node + the texts)', value: `${round(median(runs.map((r) => r.rss_before_mb)))} MB` }], detail: { runs: runs.map((r) => round(r.peak_rss_mb)) } },
  ];
}
