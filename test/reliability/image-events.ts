/**
 * Concurrent image events through the real GitHub adapter against the GitHub fake, several "instances"
 * writing to one branch: every update lands exactly once, history stays linear, nothing is lost.
 */
import { onImagePushed, type ImagePushedResult } from '../../shared/pipeline/on-image-pushed.ts';
import type { ImagePushed } from '../../shared/pipeline/registry-event.ts';
import { commitsSince, fileOnMain, imageEvent, instance, REGISTRY, startConfigRepo, tagIn, workload, workloadPath, type Instance } from './github-harness.ts';

/** Handles an event as Event Grid delivers it: retried when the handler fails, at most `attempts` times. */
export async function deliverWithRetry(event: ImagePushed, inst: Instance, attempts = 5, pauseMs = 20): Promise<{ result?: ImagePushedResult; attempts: number; error?: string }> {
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return { result: await onImagePushed(event, inst.deps), attempts: attempt };
    } catch (err) {
      error = (err as Error).message;
      await new Promise((resolve) => setTimeout(resolve, pauseMs * attempt));
    }
  }
  return { attempts, error };
}

export interface ConcurrentFigures {
  events: number;
  instances: number;
  expected_commits: number;
  commits: number;
  lost_updates: number;
  conflicting_commits: number;
  merges: number;
  /** Event deliveries beyond the first (the handler failed and Event Grid would retry). */
  event_retries: number;
  /** Compare-and-swap attempts beyond the first inside the handler (another writer moved the branch). */
  cas_retries: number;
  events_failed: number;
  ms: number;
}

/** `images` different images pushed at once, handled by `instances` instances. */
export async function concurrentImages(images = 20, instances = 4): Promise<ConcurrentFigures> {
  const names = Array.from({ length: images }, (_, i) => `app-${i}`);
  const fake = await startConfigRepo(Object.fromEntries(names.map((n) => [workloadPath(n), workload(n, 'master-1')])));
  try {
    const base = (await fake.head('acme/config', 'main'))!;
    const insts = Array.from({ length: instances }, () => instance(fake));
    const t0 = performance.now();
    const outcomes = await Promise.all(names.map((n, i) => deliverWithRetry(imageEvent(n, 'master-2'), insts[i % instances]!)));
    const ms = performance.now() - t0;
    const commits = await commitsSince(fake, base);
    let lost = 0;
    for (const n of names) if (tagIn(await fileOnMain(fake, workloadPath(n)), n) !== 'master-2') lost++;
    const seen = new Set<string>();
    let conflicting = 0;
    for (const c of commits) {
      const image = c.message.match(new RegExp(`${REGISTRY.replace(/\./g, '\\.')}/(app-\\d+):`))?.[1];
      const ok = image !== undefined && c.paths.length === 1 && c.paths[0] === workloadPath(image) && !seen.has(image);
      if (!ok) conflicting++;
      if (image) seen.add(image);
    }
    return {
      events: images,
      instances,
      expected_commits: images,
      commits: commits.length,
      lost_updates: lost,
      conflicting_commits: conflicting,
      merges: commits.filter((c) => c.parents.length !== 1).length,
      event_retries: outcomes.reduce((a, o) => a + o.attempts - 1, 0),
      cas_retries: outcomes.reduce((a, o) => a + (o.result?.kind === 'released' ? o.result.branches.reduce((b, x) => b + x.attempts - 1, 0) : 0), 0),
      events_failed: outcomes.filter((o) => !o.result).length,
      ms: Math.round(ms),
    };
  } finally {
    await fake.close();
  }
}

export interface SameImageFigures {
  /** The same event delivered `events` times at once: exactly one commit. */
  duplicates: { events: number; commits: number; final_tag: string | undefined; lost_updates: number };
  /** `events` newer tags of one image at once under a semver filter: the newest wins, never a step back. */
  newer_tags: { events: number; commits: number; final_tag: string | undefined; expected_tag: string; rollbacks: number; lost_updates: number };
  conflicting_commits: number;
  merges: number;
  events_failed: number;
}

/** `events` events for the same image at once, twice: duplicates of one tag, and successive semver tags. */
export async function sameImage(events = 5, instances = 3): Promise<SameImageFigures> {
  const fake = await startConfigRepo({ [workloadPath('dup')]: workload('dup', 'master-1'), [workloadPath('semver')]: workload('semver', '1.0.0', 'semver:~1') });
  try {
    const base = (await fake.head('acme/config', 'main'))!;
    const insts = Array.from({ length: instances }, () => instance(fake));
    const dupEvent = imageEvent('dup', 'master-2');
    const dup = await Promise.all(Array.from({ length: events }, (_, i) => deliverWithRetry(dupEvent, insts[i % instances]!)));
    const afterDup = (await fake.head('acme/config', 'main'))!;
    const dupCommits = await commitsSince(fake, base);
    const tags = Array.from({ length: events }, (_, i) => `1.0.${i + 1}`);
    const semver = await Promise.all(tags.map((t, i) => deliverWithRetry(imageEvent('semver', t), insts[i % instances]!)));
    const semverCommits = await commitsSince(fake, afterDup);
    // Walk the history: the tag must only move up.
    let rollbacks = 0;
    let previous = [1, 0, 0];
    for (const c of semverCommits) {
      const t = c.message.match(/semver:(\d+)\.(\d+)\.(\d+)/);
      if (!t) continue;
      const v = [Number(t[1]), Number(t[2]), Number(t[3])];
      if (v[0]! * 1e6 + v[1]! * 1e3 + v[2]! <= previous[0]! * 1e6 + previous[1]! * 1e3 + previous[2]!) rollbacks++;
      previous = v;
    }
    const all = [...dupCommits, ...semverCommits];
    const dupTag = tagIn(await fileOnMain(fake, workloadPath('dup')), 'dup');
    const semverTag = tagIn(await fileOnMain(fake, workloadPath('semver')), 'semver');
    const expected = tags.at(-1)!;
    return {
      duplicates: { events, commits: dupCommits.length, final_tag: dupTag, lost_updates: dupTag === 'master-2' ? 0 : 1 },
      newer_tags: { events, commits: semverCommits.length, final_tag: semverTag, expected_tag: expected, rollbacks, lost_updates: semverTag === expected ? 0 : 1 },
      conflicting_commits: all.filter((c) => c.paths.length !== 1).length + Math.max(0, dupCommits.length - 1),
      merges: all.filter((c) => c.parents.length !== 1).length,
      events_failed: [...dup, ...semver].filter((o) => !o.result).length,
    };
  } finally {
    await fake.close();
  }
}
