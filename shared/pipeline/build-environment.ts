/**
 * What a sync would send for an environment, without a cluster: the objects as applied (`gitops build`), or
 * written to the dry-run folder target, one file per object with the ownership mark and checksum (`gitops sync
 * --out`, and the local host for an environment with no reachable cluster). One render, the same apply items a
 * cluster gets.
 */
import { applyItems, appliedObject, syncSetName, writeObjects, type Clock } from '../clusters/index.ts';
import { syncSetPaths, type Environment } from '../config/index.ts';
import type { KubeObject } from '../manifests/index.ts';
import type { SourceReader } from '../sources/port.ts';
import { renderEnvironment, type RenderedEnvironment, type RenderOptions } from './render-environment.ts';

export interface BuiltEnvironment {
  rendered: RenderedEnvironment;
  /** Every object as a sync applies it (before the ownership label and checksum annotation), in apply order. */
  objects: KubeObject[];
}

/** Renders `env` at `revision` into the objects a sync would apply. */
export async function buildEnvironment(source: SourceReader, env: Environment, revision: string, options: RenderOptions = {}): Promise<BuiltEnvironment> {
  const rendered = await renderEnvironment(source, env, revision, options);
  return { rendered, objects: rendered.resources.map(appliedObject) };
}

export interface WrittenEnvironment {
  rendered: RenderedEnvironment;
  /** Each object's id and its file in the folder, in apply order. */
  written: { id: string; file: string }[];
}

export interface FolderTarget {
  /** The folder (created if needed); object files of an earlier write are replaced. */
  dir: string;
  /** The repository URL the ownership marks are computed from (as Flux v1 was given it). */
  gitUrl: string;
  /** Also write `_sync.json` with the revision and the time of writing by this clock. */
  clock?: Clock;
  render?: RenderOptions;
}

/** Renders `env` at `revision` and writes each object as it would be applied into the folder target. */
export async function writeEnvironment(source: SourceReader, env: Environment, revision: string, target: FolderTarget): Promise<WrittenEnvironment> {
  const rendered = await renderEnvironment(source, env, revision, target.render ?? {});
  const items = applyItems(rendered.resources, syncSetName(target.gitUrl, env.branch, syncSetPaths(env)));
  const stamp = target.clock ? { revision, at: new Date(target.clock.now()).toISOString() } : undefined;
  const written = await writeObjects(target.dir, items, stamp);
  return { rendered, written };
}
