/**
 * Image events while GitHub fails about one request in ten (5xx, connection resets, 429 with rate-limit
 * headers, answers lost after the write took effect). The adapter retries requests; an event whose handler
 * still fails is delivered again, as Event Grid does (bounded). Nothing may be lost: every image lands
 * exactly once and the final files are right.
 */
import { seededRandom } from '../support/seeded-random.ts';
import { faultyFetch } from './fault-fetch.ts';
import { commitsSince, fileOnMain, imageEvent, instance, REPO, startConfigRepo, tagIn, workload, workloadPath } from './github-harness.ts';
import { deliverWithRetry } from './image-events.ts';

export interface FaultFigures {
  events: number;
  distinct_images: number;
  fault_rate: number;
  requests: number;
  faults: { http_5xx: number; resets: number; rate_limited_429: number; lost_answers: number; total: number };
  /** Deliveries beyond the first, as Event Grid would make them. */
  event_retries: number;
  /** Events still failing after every delivery attempt. */
  events_lost: number;
  /** Images whose file does not carry the pushed tag at the end. */
  lost_updates: number;
  expected_commits: number;
  commits: number;
  conflicting_commits: number;
  final_state_correct: boolean;
  ms: number;
}

export interface FaultOptions {
  /** Distinct images (each pushed once); plus `redeliveries` duplicates of the first events. */
  images?: number;
  redeliveries?: number;
  faultRate?: number;
  seed?: number;
  instances?: number;
  concurrency?: number;
  /** Delivery attempts per event (Event Grid's policy is bounded too). */
  attempts?: number;
}

export async function imageEventsUnderFaults(options: FaultOptions = {}): Promise<FaultFigures> {
  const images = options.images ?? 100;
  const redeliveries = options.redeliveries ?? 20;
  const rate = options.faultRate ?? 0.1;
  const random = seededRandom(options.seed ?? 7);
  const names = Array.from({ length: images }, (_, i) => `app-${i}`);
  const fake = await startConfigRepo(Object.fromEntries(names.map((n) => [workloadPath(n), workload(n, 'master-1')])));
  try {
    const base = (await fake.head(REPO, 'main'))!;
    // 5xx and resets from the fake itself (before a request takes effect); 429s and lost answers on the wire.
    const serverRandom = seededRandom((options.seed ?? 7) + 1);
    fake.setFaults({ errorRate: rate * 0.3, resetRate: rate * 0.3, errorStatus: 502, random: serverRandom.next });
    const wire = faultyFetch(random, { rateLimit: rate * 0.2, lostAnswer: rate * 0.2 });
    const insts = Array.from({ length: options.instances ?? 4 }, () => instance(fake, { fetch: wire.fetch }));
    const events = names.map((n) => imageEvent(n, 'master-2'));
    const queue = [...events, ...events.slice(0, redeliveries)];
    const outcomes: Awaited<ReturnType<typeof deliverWithRetry>>[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, async () => {
      while (next < queue.length) {
        const i = next++;
        outcomes.push(await deliverWithRetry(queue[i]!, insts[i % insts.length]!, options.attempts ?? 8, 20));
      }
    }));
    const ms = performance.now() - t0;
    fake.setFaults({});
    wire.enabled.on = false;
    const log = fake.requests();
    const http5xx = log.filter((e) => e.status >= 500).length;
    const resets = log.filter((e) => e.status === -1).length;
    let lost = 0;
    for (const n of names) if (tagIn(await fileOnMain(fake, workloadPath(n)), n) !== 'master-2') lost++;
    const commits = await commitsSince(fake, base);
    const perImage = new Map<string, number>();
    let conflicting = 0;
    for (const c of commits) {
      if (c.paths.length !== 1 || c.parents.length !== 1) conflicting++;
      for (const p of c.paths) perImage.set(p, (perImage.get(p) ?? 0) + 1);
    }
    for (const count of perImage.values()) if (count > 1) conflicting += count - 1;
    const eventsLost = outcomes.filter((o) => !o.result).length;
    return {
      events: queue.length,
      distinct_images: images,
      fault_rate: rate,
      requests: log.length + wire.counts.rate_limited_429,
      faults: { http_5xx: http5xx, resets, rate_limited_429: wire.counts.rate_limited_429, lost_answers: wire.counts.lost_answers, total: http5xx + resets + wire.counts.rate_limited_429 + wire.counts.lost_answers },
      event_retries: outcomes.reduce((a, o) => a + o.attempts - 1, 0),
      events_lost: eventsLost,
      lost_updates: lost,
      expected_commits: images,
      commits: commits.length,
      conflicting_commits: conflicting,
      final_state_correct: lost === 0 && commits.length === images && conflicting === 0,
      ms: Math.round(ms),
    };
  } finally {
    await fake.close();
  }
}
