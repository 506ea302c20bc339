/**
 * One run of parse_plan in a fresh process (spawned by parse-plan.ts): generate the manifests (not timed), then
 * time, in this one process, a bare js-yaml `loadAll` of every file, its documents kept (the floor: what parsing the
 * same bytes into objects held in memory costs with no checks) and our planManifestReads + loadManifests + sortForApply, alternately `rounds` times (the first
 * round is a cold instance's; later ones are warm), and print
 * `{ floor_ms[], ms[], resources, errors, files, bytes, peak_rss_mb, rss_before_mb }` as JSON on stdout.
 */
import { loadAll } from 'js-yaml';
import { loadManifests, planManifestReads, sortForApply } from '../shared/manifests/index.ts';
import { realisticManifests } from './generate-manifests.ts';

const count = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 3);
const files = realisticManifests(count);
const contents = new Map(Object.entries(files));
const paths = Object.keys(files);
const bytes = [...contents.values()].reduce((a, t) => a + Buffer.byteLength(t), 0);
const rssBefore = process.memoryUsage().rss;
const floorMs: number[] = [];
const ms: number[] = [];
let resources = 0;
let errors = 0;
let documents = 0;
let planFiles = 0;
// Peak RSS after the first round's own run (set below).
let peak = 0;
for (let round = 0; round < rounds; round++) {
  // Alternate which runs first, so neither always gets the other's warm-up (ours first in round 0: the memory figure).
  const floor = () => {
    const t = performance.now();
    // The documents are kept, as any use of them keeps them (and as ours keeps its objects until they are sorted).
    const kept: unknown[][] = [];
    for (const text of contents.values()) {
      try { kept.push(loadAll(text)); } catch { /* what js-yaml rejects is counted as nothing */ }
    }
    floorMs.push(performance.now() - t);
    documents = kept.reduce((n, d) => n + d.length, 0);
  };
  const ours = () => {
    const t = performance.now();
    const plan = planManifestReads(paths, 'development-configs');
    const set = loadManifests({ plan, contents, defaultNamespace: 'default' });
    const sorted = sortForApply(set.resources);
    ms.push(performance.now() - t);
    resources = sorted.length;
    errors = set.errors.length;
    planFiles = plan.files.length;
    // The memory figure: this process after ours ran once, cold, before the floor ever ran (round 0 runs ours first).
    if (peak === 0) peak = process.resourceUsage().maxRSS * 1024;
  };
  if (round % 2 === 1) { floor(); ours(); } else { ours(); floor(); }
}
process.stdout.write(JSON.stringify({ floor_ms: floorMs, ms, resources, errors, documents, files: planFiles, bytes, peak_rss_mb: peak / 1024 ** 2, rss_before_mb: rssBefore / 1024 ** 2 }));
