/**
 * Test helper: builds Resources from YAML text the simple way (js-yaml `loadAll` with the YAML 1.1
 * schema + `policiesFromAnnotations`), independent of the manifest loader.
 */
import { loadAll, YAML11_SCHEMA } from 'js-yaml';
import { policiesFromAnnotations } from '../../shared/manifests/policies.ts';
import { resourceId, type KubeObject, type Resource } from '../../shared/manifests/resource.ts';

function toResource(object: KubeObject, file: string, docIndex: number, itemIndex?: number): Resource {
  const metadata = object.metadata ?? {};
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.annotations ?? {})) annotations[k] = String(v);
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  const kind = String(object.kind);
  const name = String(metadata.name);
  const resource: Resource = {
    id: resourceId(namespace, kind, name),
    file, line: 1, docIndex,
    apiVersion: String(object.apiVersion), kind, name, namespace,
    object, annotations, policies: policiesFromAnnotations(annotations),
  };
  if (itemIndex !== undefined) resource.itemIndex = itemIndex;
  return resource;
}

/** Every object of a file (List items expanded), skipping documents without a kind. */
export function resourcesOf(file: string, text: string): Resource[] {
  const out: Resource[] = [];
  loadAll(text, { schema: YAML11_SCHEMA }).forEach((doc, docIndex) => {
    if (doc === null || typeof doc !== 'object') return;
    const object = doc as KubeObject;
    if (typeof object.kind !== 'string' || object.kind === '') return;
    if (object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, i: number) => out.push(toResource(item as KubeObject, file, docIndex, i)));
      return;
    }
    out.push(toResource(object, file, docIndex));
  });
  return out;
}

/** The only resource of a one-object text. */
export function resourceOf(text: string, file = 'app.yaml'): Resource {
  const all = resourcesOf(file, text);
  if (all.length !== 1) throw new Error(`expected one resource, got ${all.length}`);
  return all[0]!;
}
