/**
 * Renders shared by the syncs of one Function instance: an environment at one revision with one variable set
 * is rendered once, however many cluster jobs of the instance ask for it, and jobs that ask while it renders
 * wait for that one render (single-flight) instead of each rendering it on the instance's one thread.
 *
 * Why a per-instance cache and not one invocation per environment fanning out, or a blob cache:
 * - the queue keeps one job per environment × cluster, so each cluster is still leased, retried and poisoned on
 *   its own, and each job still resolves HEAD under its own lease (architecture rule 1): the cache is keyed by
 *   the revision the job resolved, so it can only hand out a render of exactly that commit, never an older one;
 * - the jobs of one push arrive together and a queue batch (host.json batchSize) lands on one instance, so most
 *   renders of a push are shared without a network round trip; a blob cache would add two (read, write) to every
 *   job, and at ten clusters cost more than the render it saves (bench: `render_spread_ms`, README Performance);
 * - a render is a pure function of its key: a failed render (GitHub unreachable) fails the jobs waiting on it
 *   and is not kept, so the next attempt of each job (the queue retries each on its own) renders afresh.
 *
 * A render also depends on what the cluster's discovery says about each kind's scope (a CRD may be namespaced on
 * one cluster and absent on another). The render records every scope question it asked with the answer; another
 * cluster reuses it only if its discovery gives the same answer to each, else it renders for itself (and that
 * render is kept beside the first). Entries are immutable: callers never mutate what they get.
 */
import type { Environment } from '../config/index.ts';
import type { Scope, ScopeOf } from '../manifests/index.ts';
import { variablesKey, type Variables } from '../build/variables.ts';
import type { RenderedEnvironment } from './render-environment.ts';
import { LRUCache } from 'lru-cache';

/** The scope questions a render asked, with the answers it got (`apiVersion kind` → answer). */
type ScopeAnswers = ReadonlyMap<string, Scope | undefined>;

interface Entry {
  rendered: Promise<RenderedEnvironment>;
  /** Whether the render had the cluster's discovery to ask (else built-in tables answered). */
  discovery: boolean;
  /** Filled when the render has finished: the questions it asked. */
  asked?: ScopeAnswers;
}

export interface RenderKeyParts {
  revision: string;
  environment: Environment;
  variables?: Variables | undefined;
  /** Everything else the render reads (state namespace, limits, variables source), as plain data. */
  options: Record<string, unknown>;
}

export class RenderCache {
  /** Per key, the renders made so far (one per distinct set of scope answers; almost always one). */
  private readonly entries: LRUCache<string, Entry[]>;
  /** Renders made and renders shared, for the bench and tests. */
  readonly counts = { rendered: 0, shared: 0 };

  constructor(maxKeys = 16) {
    this.entries = new LRUCache({ max: maxKeys });
  }

  static key(parts: RenderKeyParts): string {
    return JSON.stringify([parts.revision, parts.environment, variablesKey(parts.variables ?? new Map()), parts.options]);
  }

  /**
   * The render of `key`: a finished one whose scope answers `scopeOf` repeats, else one under way (its answers
   * are checked when it finishes), else `render(recordingScopeOf)`, kept for the next caller.
   */
  async get(key: string, scopeOf: ScopeOf | undefined, render: (scopeOf: ScopeOf | undefined) => Promise<RenderedEnvironment>): Promise<RenderedEnvironment> {
    const list = this.entries.get(key) ?? [];
    for (const entry of list) {
      // A render under way that fails fails its waiters too (each job's own retry renders again).
      const rendered = await entry.rendered;
      if (entry.asked && entry.discovery === (scopeOf !== undefined) && sameAnswers(entry.asked, scopeOf)) {
        this.counts.shared += 1;
        return rendered;
      }
    }
    const asked = new Map<string, Scope | undefined>();
    const recording: ScopeOf | undefined = scopeOf && ((apiVersion, kind) => {
      const answer = scopeOf(apiVersion, kind);
      asked.set(`${apiVersion} ${kind}`, answer);
      return answer;
    });
    const entry: Entry = { discovery: scopeOf !== undefined, rendered: render(recording).then((r) => { entry.asked = asked; return r; }) };
    this.counts.rendered += 1;
    this.entries.set(key, [...(this.entries.get(key) ?? []), entry]);
    try {
      return await entry.rendered;
    } catch (err) {
      const left = (this.entries.get(key) ?? []).filter((e) => e !== entry);
      if (left.length) this.entries.set(key, left);
      else this.entries.delete(key);
      throw err;
    }
  }
}

function sameAnswers(asked: ScopeAnswers, scopeOf: ScopeOf | undefined): boolean {
  if (!scopeOf) return true;
  for (const [question, answer] of asked) {
    const space = question.indexOf(' ');
    if (scopeOf(question.slice(0, space), question.slice(space + 1)) !== answer) return false;
  }
  return true;
}
