/**
 * parse_plan_2000_manifests_ms: CPU only, planManifestReads + loadManifests + sortForApply over 2,000 generated
 * realistic manifests held in memory, beside its floor: a bare js-yaml `loadAll` of the same files, documents
 * kept, in the same process (parse-plan-child.ts). Each fresh process runs both alternately `rounds` times;
 * the machine is shared, so the ratio is the median over every round of ours / floor of that round (a pair
 * measured a few hundred milliseconds apart sees the same load). The first round of each process is a cold
 * instance's: reported apart. Peak RSS of the process is the memory figure.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runChild } from './child.ts';
import { median, round, type Figure } from './report.ts';

interface Run { ms: number[]; floor_ms: number[]; resources: number; errors: number; documents: number; files: number; bytes: number; peak_rss_mb: number; rss_before_mb: number }

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function parsePlanFigures(options: { runs: number; manifests: number; rounds?: number }): Promise<Figure[]> {
  const runs: Run[] = [];
  const rounds = options.rounds ?? 5;
  for (let i = 0; i < options.runs; i++) runs.push(await runChild<Run>(['bench/parse-plan-child.ts', String(options.manifests), String(rounds)], root));
  const ours = runs.flatMap((r) => r.ms);
  const floors = runs.flatMap((r) => r.floor_ms);
  const pairs = runs.flatMap((r) => r.ms.map((m, i) => m / r.floor_ms[i]!));
  const cold = runs.map((r) => r.ms[0]! / r.floor_ms[0]!);
  const ms = round(median(ours));
  const floor = round(median(floors));
  const ratio = round(median(pairs), 2);
  const rss = round(median(runs.map((r) => r.peak_rss_mb)));
  const first = runs[0]!;
  const detail = {
    runs: runs.map((r) => ({ ms: r.ms.map((x) => round(x)), floor_ms: r.floor_ms.map((x) => round(x)) })),
    ratios: pairs.map((x) => round(x, 2)), cold_ratio_median: round(median(cold), 2),
    manifests: options.manifests, files: first.files, resources: first.resources, documents: first.documents, errors: first.errors, megabytes: round(first.bytes / 1024 ** 2, 2),
  };
  return [
    {
      name: `parse_plan_${options.manifests}_manifests_ms`, value: ms, floor, ratio, ratioIs: 'median over rounds of ours / floor measured in the same round',
      unit: 'ms', goal: '≤ 1.5 × floor (js-yaml loadAll of the same files, same process)', met: ratio <= 1.5,
      rows: [
        { label: `${runs.length} fresh processes × ${rounds} rounds`, value: `ours median ${ms} ms, loadAll median ${floor} ms; ${first.resources} resources from ${first.files} files, ${round(first.bytes / 1024 ** 2, 2)} MB` },
        { label: 'cold (first round of each process)', value: `ratio ${cold.map((x) => round(x, 2)).join(', ')}` },
      ],
      detail,
    },
    { name: `parse_plan_${options.manifests}_manifests_peak_rss_mb`, value: rss, unit: 'MB', goal: '< 150 MB', met: rss < 150, rows: [{ label: 'process RSS before parsing (node + the texts)', value: `${round(median(runs.map((r) => r.rss_before_mb)))} MB` }], detail: { runs: runs.map((r) => round(r.peak_rss_mb)) } },
  ];
}
