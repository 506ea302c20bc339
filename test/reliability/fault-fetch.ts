/**
 * Faults the GitHub fake cannot inject by rate, added on the client's side of the wire: 429 answers with
 * GitHub's rate-limit headers (secondary: `retry-after`; primary: `x-ratelimit-remaining: 0` and a reset
 * time), and "lost answers" — the request reaches the fake and takes effect, but the client sees a 502.
 * Seeded, so runs repeat (up to the order in which concurrent requests draw from the sequence).
 */
import type { SeededRandom } from '../support/seeded-random.ts';

export interface FaultCounts {
  rate_limited_429: number;
  lost_answers: number;
  requests: number;
}

export function faultyFetch(random: SeededRandom, rates: { rateLimit: number; lostAnswer: number }): { fetch: typeof fetch; counts: FaultCounts; enabled: { on: boolean } } {
  const counts: FaultCounts = { rate_limited_429: 0, lost_answers: 0, requests: 0 };
  const enabled = { on: true };
  const wrapped = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]): Promise<Response> => {
    counts.requests++;
    const r = enabled.on ? random.next() : 1;
    if (r < rates.rateLimit) {
      counts.rate_limited_429++;
      const secondary = random.chance(0.5);
      const reset = Math.floor(Date.now() / 1000) + 1;
      const headers: Record<string, string> = secondary
        ? { 'content-type': 'application/json', 'retry-after': '1' }
        : { 'content-type': 'application/json', 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' };
      const message = secondary ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' : 'API rate limit exceeded for installation ID 1.';
      return new Response(JSON.stringify({ message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }), { status: 429, headers });
    }
    if (r < rates.rateLimit + rates.lostAnswer) {
      counts.lost_answers++;
      const res = await fetch(input, init);
      await res.arrayBuffer();
      return new Response(JSON.stringify({ message: 'Server Error' }), { status: 502, headers: { 'content-type': 'application/json' } });
    }
    return fetch(input, init);
  };
  return { fetch: wrapped as typeof fetch, counts, enabled };
}
