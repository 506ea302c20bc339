/**
 * build_2000_kustomize_ms: our kustomize build of a ~2,000-object kustomization tree (generated realistic
 * manifests in 20 team bases, under a top kustomization with commonLabels, commonAnnotations, images, a strategic
 * merge patch and a configMapGenerator) beside `kubectl kustomize` on the same tree written to disk, measured in one
 * run. Ours runs in-process over files already read (what the Function App's reader hands it), median of the
 * runs after one warm-up; kubectl's figure is its wall time including process start. Both outputs are compared.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { kustomizeBuild } from '../shared/build/kustomize/index.ts';
import { parseYamlDocuments } from '../shared/manifests/yaml.ts';
import { realisticManifests } from './generate-manifests.ts';
import { median, round, type Figure } from './report.ts';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** The tree: `env/kustomization.yaml` over `env/team-N/` bases, each listing its files. */
export function kustomizeTree(manifests: number): Record<string, string> {
  const generated = realisticManifests(manifests, { envPath: 'env' });
  const files: Record<string, string> = {};
  const teams = new Map<string, string[]>();
  for (const [p, text] of Object.entries(generated)) {
    const m = /^env\/(team-[0-9]+)\/([^/]+\.yaml)$/.exec(p);
    if (!m) continue;
    files[p] = text;
    teams.set(m[1] as string, [...(teams.get(m[1] as string) ?? []), m[2] as string]);
  }
  for (const [team, list] of teams) files[`env/${team}/kustomization.yaml`] = `resources:\n${list.map((f) => `- ${f}`).join('\n')}\n`;
  files['env/kustomization.yaml'] = `resources:
${[...teams.keys()].map((t) => `- ${t}`).join('\n')}
commonLabels:
  platform: radix
commonAnnotations:
  owner: platform-team
images:
- name: radixdev.azurecr.io/app-0001
  newTag: release-2
patchesStrategicMerge:
- patch.yaml
configMapGenerator:
- name: platform
  literals: [clusterName=dev, dnsZone=dev.example.com]
`;
  const cm = Object.values(files).map((t) => /^apiVersion: v1\nkind: ConfigMap\nmetadata:\n {2}name: (\S+)\n {2}namespace: (\S+)\n/.exec(t)).find((m) => m);
  if (!cm) throw new Error('the generated manifests hold no ConfigMap to patch');
  files['env/patch.yaml'] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${cm[1]}, namespace: ${cm[2]}}\ndata: {patched: "true"}\n`;
  return files;
}

function runKubectl(dir: string): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, ['kustomize', dir], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl kustomize failed: ${stderr}`, { cause: error }));
      else resolve({ ms: performance.now() - start, stdout });
    });
  });
}

/** `runs` of ours (median) and `kubectlRuns` of kubectl (default 1: kubectl takes about a minute of CPU on this tree). */
export async function kustomizeFigures(options: { runs: number; manifests: number; kubectlRuns?: number }): Promise<Figure[]> {
  const name = 'build_2000_kustomize_ms';
  const files = kustomizeTree(options.manifests);
  const view = { tree: new Set(Object.keys(files)), files: new Map(Object.entries(files)) };
  const first = performance.now();
  const result = kustomizeBuild('env', view);
  const firstMs = performance.now() - first;
  if (result.kind !== 'built') {
    return [{ name, value: null, unit: 'ms', goal: '≤ 1× kubectl kustomize', met: false, reason: `our build did not build: ${JSON.stringify(result).slice(0, 300)}` }];
  }
  const ours: number[] = [];
  const oursCpu: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    kustomizeBuild('env', view);
    ours.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    oursCpu.push((used.user + used.system) / 1000);
  }
  const oursMs = round(median(ours));
  const objects = result.objects.length;
  if (!existsSync(KUBECTL)) {
    return [{ name, value: oursMs, unit: 'ms', goal: '≤ 1× kubectl kustomize', met: null, reason: `kubectl not found at ${KUBECTL}: no comparison`, detail: { objects } }];
  }
  const root = await mkdtemp(path.join(tmpdir(), 'kz-bench-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, p)), { recursive: true });
      await writeFile(path.join(root, p), text);
    }
    const theirs: number[] = [];
    let stdout = '';
    for (let i = 0; i < (options.kubectlRuns ?? 1); i++) {
      const r = await runKubectl(path.join(root, 'env'));
      theirs.push(r.ms);
      stdout = r.stdout;
    }
    const parsed = parseYamlDocuments(stdout, 'kubectl-output', { maxLength: 256 * 1024 * 1024 });
    const kubectlObjects = parsed.ok ? parsed.documents.map((d) => d.value).filter((v) => v !== null) : [];
    const same = isDeepStrictEqual(JSON.parse(JSON.stringify(result.objects.map((o) => o.object))), kubectlObjects);
    const kubectlMs = round(median(theirs));
    const ratio = round(oursMs / kubectlMs, 3);
    return [{
      name, value: oursMs, unit: 'ms', goal: '≤ 1× kubectl kustomize (incl. process start)', met: ratio <= 1 && same,
      rows: [
        { label: `ours, median of ${ours.length} (first run ${round(firstMs)} ms)`, value: `${ours.map((x) => round(x)).join(', ')} ms (CPU ${oursCpu.map((x) => round(x)).join(', ')} ms); ${objects} objects from ${view.tree.size} files` },
        { label: `kubectl kustomize, median of ${theirs.length} (wall time, process start included)`, value: `${theirs.map((x) => round(x)).join(', ')} ms` },
        { label: 'ratio ours / kubectl; same output', value: `${ratio}; ${same}` },
      ],
      detail: { objects, files: view.tree.size, ours_runs: ours.map((x) => round(x)), ours_cpu_ms: oursCpu.map((x) => round(x)), ours_first_ms: round(firstMs), kubectl_ms: kubectlMs, kubectl_runs: theirs.map((x) => round(x)), ratio, same_output: same },
    }];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await kustomizeFigures({ runs: 3, manifests: 1700, kubectlRuns: 1 });
  console.log(JSON.stringify(figures, null, 2));
}
