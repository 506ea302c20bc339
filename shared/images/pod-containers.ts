/**
 * Images of native workloads (flux-v1-semantics §5.1): `containers[]` then `initContainers[]` of a
 * pod spec. Container identity is the name.
 */
import type { Resource } from '../manifests/resource.ts';
import { tryParseImageRef } from './image-ref.ts';
import { formatPath, valueAt, type ValuePath } from './image-location.ts';
import { workloadContainer, type FoundContainers } from './workload-container.ts';

/** Finds the containers of a native workload; problems name the field. */
export function findPodContainers(resource: Resource, specPath: ValuePath): FoundContainers {
  const found: FoundContainers = { containers: [], problems: [] };
  for (const list of ['containers', 'initContainers']) {
    const listPath = [...specPath, list];
    const items = valueAt(resource.object, listPath);
    if (items === undefined || items === null) continue;
    if (!Array.isArray(items)) {
      found.problems.push({ message: `${formatPath(listPath)} is not a list` });
      continue;
    }
    items.forEach((item: unknown, i) => {
      const at = formatPath([...listPath, i]);
      const name = valueAt(item, ['name']);
      if (typeof name !== 'string' || name === '') {
        found.problems.push({ message: `${at} has no name` });
        return;
      }
      const imagePath = [...listPath, i, 'image'];
      const image = valueAt(item, ['image']);
      if (typeof image !== 'string') {
        const what = image === undefined ? 'is missing' : `is not a string (${JSON.stringify(image)})`;
        found.problems.push({ container: name, message: `${formatPath(imagePath)} ${what}` });
        return;
      }
      const parsed = tryParseImageRef(image);
      if ('error' in parsed) {
        found.problems.push({ container: name, message: `${formatPath(imagePath)}: ${parsed.error.message}` });
        return;
      }
      found.containers.push(
        workloadContainer(resource, name, parsed.ref, { form: 'ref', field: { path: imagePath, value: image } }),
      );
    });
  }
  return found;
}
