/**
 * One run of parse_plan in a fresh process (spawned by parse-plan.ts): generate the manifests (not timed),
 * then time planManifestReads + loadManifests + sortForApply once, as a cold instance would, and print
 * `{ ms, resources, errors, bytes, peak_rss_mb, rss_before_mb }` as JSON on stdout.
 */
import { loadManifests, planManifestReads, sortForApply } from '../shared/manifests/index.ts';
import { realisticManifests } from './generate-manifests.ts';

const count = Number(process.argv[2] ?? 2000);
const files = realisticManifests(count);
const contents = new Map(Object.entries(files));
const paths = Object.keys(files);
const bytes = [...contents.values()].reduce((a, t) => a + Buffer.byteLength(t), 0);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const plan = planManifestReads(paths, 'development-configs');
const set = loadManifests({ plan, contents, defaultNamespace: 'default' });
const sorted = sortForApply(set.resources);
const ms = performance.now() - t0;
const peak = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ ms, resources: sorted.length, errors: set.errors.length, files: plan.files.length, bytes, peak_rss_mb: peak / 1024 ** 2, rss_before_mb: rssBefore / 1024 ** 2 }));
