/**
 * Images of a HelmRelease (flux-v1-semantics §5.2), read from `spec.values` only:
 *
 * A. `chart-image`: `values.image` as a string (+ `values.registry`, `values.tag`), or
 *    `values.image.repository` (+ `values.image.registry`, `values.image.tag`);
 * B. for every top-level mapping `values.<k>`, the same shapes one level down → container `<k>`;
 * C. `repository.fluxcd.io/<c>` (required), `registry.fluxcd.io/<c>`, `tag.fluxcd.io/<c>`: dot paths
 *    relative to `spec.values` → container `<c>`, overriding A/B entries of the same name.
 *
 * Every value that makes up a reference must be a string. Flux v1 silently ignored an unquoted
 * `tag: 1.10` (a number); here it is a problem on that container.
 */
import type { Resource } from '../manifests/resource.ts';
import { tryParseImageRef, type ImageRef } from './image-ref.ts';
import { formatPath, valueAt, type ImageField, type ImageLocation, type ValuePath } from './image-location.ts';
import { workloadContainer, type ContainerProblem, type FoundContainers, type WorkloadContainer } from './workload-container.ts';
import { isMapping } from '../manifests/is-mapping.ts';

/** The name Flux gives the image found directly in `spec.values`. */
export const CHART_IMAGE = 'chart-image';

const VALUES: ValuePath = ['spec', 'values'];

/** Whether a kind/apiVersion is a HelmRelease whose values automation reads. */
export function isHelmRelease(apiVersion: string, kind: string): boolean {
  if (kind !== 'HelmRelease') return false;
  return (
    apiVersion === 'flux.weave.works/v1beta1' ||
    apiVersion === 'helm.fluxcd.io/v1' ||
    apiVersion.startsWith('helm.toolkit.fluxcd.io/')
  );
}


type Entry = { container: WorkloadContainer } | { problem: ContainerProblem };

/** A field that is present, whatever its type. */
interface Present {
  readonly path: ValuePath;
  readonly value: unknown;
}

function read(root: unknown, path: ValuePath): Present | undefined {
  const value = valueAt(root, path);
  return value === undefined ? undefined : { path, value };
}

const describe = (v: unknown): string => (v === null ? 'null' : `a ${typeof v} (${JSON.stringify(v)})`);

function notString(name: string, field: Present, repository?: ImageRef): Entry {
  const hint = typeof field.value === 'number' ? '; quote it ("…") so YAML reads a string' : '';
  const message = `${formatPath(field.path)} must be a string, not ${describe(field.value)}${hint}`;
  return { problem: { container: name, message, ...(repository ? { repository } : {}) } };
}

/** Builds a container from a repository field and optional registry and tag fields: `[reg/]repo[:tag]`. */
function fromParts(resource: Resource, name: string, repository: ImageField, registry?: Present, tag?: Present): Entry {
  if (registry && typeof registry.value !== 'string') return notString(name, registry);
  const reg = registry as ImageField | undefined;
  const untagged = reg ? `${reg.value}/${repository.value}` : repository.value;
  if (tag && typeof tag.value !== 'string') {
    const repo = tryParseImageRef(untagged);
    return notString(name, tag, 'ref' in repo ? repo.ref : undefined);
  }
  const tagField = tag as ImageField | undefined;
  const parsed = tryParseImageRef(tagField ? `${untagged}:${tagField.value}` : untagged);
  if ('error' in parsed) {
    return { problem: { container: name, message: `${formatPath(repository.path)}: ${parsed.error.message}` } };
  }
  const location: ImageLocation = {
    form: 'parts', repository, ...(reg ? { registry: reg } : {}), ...(tagField ? { tag: tagField } : {}),
  };
  return { container: workloadContainer(resource, name, parsed.ref, location) };
}

/** Step A/B: interprets the mapping at `base` as a container, or undefined when it holds no image. */
function interpretAsContainer(resource: Resource, name: string, base: ValuePath): Entry | undefined {
  const root = resource.object;
  const image = valueAt(root, [...base, 'image']);
  if (typeof image === 'string') {
    const repository = { path: [...base, 'image'], value: image };
    return fromParts(resource, name, repository, read(root, [...base, 'registry']), read(root, [...base, 'tag']));
  }
  if (isMapping(image) && typeof image.repository === 'string') {
    const at = [...base, 'image'];
    const repository = { path: [...at, 'repository'], value: image.repository };
    return fromParts(resource, name, repository, read(root, [...at, 'registry']), read(root, [...at, 'tag']));
  }
  return undefined;
}

/** Step C: a container from the `repository|registry|tag.fluxcd.io/<name>` path annotations. */
function interpretMapping(resource: Resource, name: string): Entry {
  const fields: Partial<Record<'repository' | 'registry' | 'tag', Present>> = {};
  for (const kind of ['repository', 'registry', 'tag'] as const) {
    const dotted = resource.annotations[`${kind}.fluxcd.io/${name}`];
    if (dotted === undefined) continue;
    const path = [...VALUES, ...dotted.split('.')];
    const field = read(resource.object, path);
    if (!field) {
      return { problem: { container: name, message: `${kind}.fluxcd.io/${name}: ${formatPath(path)} does not exist` } };
    }
    fields[kind] = field;
  }
  const repository = fields.repository!;
  if (typeof repository.value !== 'string') return notString(name, repository);
  return fromParts(resource, name, repository as ImageField, fields.registry, fields.tag);
}

/** Finds the images of a HelmRelease: `chart-image` first, then names ascending. */
export function findHelmContainers(resource: Resource): FoundContainers {
  const entries = new Map<string, Entry>();
  const values = valueAt(resource.object, VALUES);
  if (isMapping(values)) {
    const a = interpretAsContainer(resource, CHART_IMAGE, VALUES);
    if (a) entries.set(CHART_IMAGE, a);
    for (const [key, v] of Object.entries(values)) {
      if (!isMapping(v)) continue;
      const b = interpretAsContainer(resource, key, [...VALUES, key]);
      if (b) entries.set(key, b);
    }
  }
  for (const key of Object.keys(resource.annotations)) {
    if (!key.startsWith('repository.fluxcd.io/')) continue;
    const name = key.slice('repository.fluxcd.io/'.length);
    if (name !== '') entries.set(name, interpretMapping(resource, name));
  }
  const names = [...entries.keys()].sort((x, y) =>
    x === CHART_IMAGE ? -1 : y === CHART_IMAGE ? 1 : x < y ? -1 : x > y ? 1 : 0,
  );
  const found: FoundContainers = { containers: [], problems: [] };
  for (const name of names) {
    const e = entries.get(name)!;
    if ('container' in e) found.containers.push(e.container);
    else found.problems.push(e.problem);
  }
  return found;
}
