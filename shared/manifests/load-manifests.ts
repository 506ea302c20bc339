/**
 * Step two of loading an environment: from the planned files' contents to the set of resources Flux v1
 * would apply from raw files, plus everything skipped and every error, each with file and line.
 *
 * Deliberately better than Flux v1, which failed the whole sync on any of these: a file that does not parse,
 * a document that is not a valid object, and the definitions of a duplicated id are left out and reported;
 * the rest of the environment still loads.
 */
import type { DeclaredObject } from './document-objects.ts';
import { objectsOfDocument } from './document-objects.ts';
import { makeScopeResolver } from './kind-scope.ts';
import type { ScopeOf } from './kind-scope.ts';
import type { ManifestError, ManifestReadPlan, ManifestSet, Skipped } from './manifest-set.ts';
import { policiesFromAnnotations } from './policies.ts';
import { compareWalkOrder } from './repo-paths.ts';
import { resourceId } from './resource.ts';
import type { Resource } from './resource.ts';
import type { ParseCache } from './parse-cache.ts';
import { parseYamlDocuments } from './yaml.ts';
import type { YamlLimits } from './yaml.ts';

/** What {@link loadManifests} needs. */
export interface LoadManifestsInput {
  /** The plan from `planManifestReads`. */
  plan: ManifestReadPlan;
  /** Contents of the plan's `files` and `fluxConfigs`, by path. A missing entry is an error for that file. */
  contents: ReadonlyMap<string, string>;
  /**
   * Namespace of namespaced objects that set none (Flux v1: `--k8s-default-namespace`, normally `default`);
   * '' means `default`.
   */
  defaultNamespace: string;
  /** Scope from cluster discovery; wins over the built-in table and the set's CRDs. */
  scopeOf?: ScopeOf;
  /** Overrides of the YAML guards. */
  limits?: Partial<YamlLimits>;
  /** Parses shared across calls (a process rendering one commit for many clusters parses each file once). */
  parseCache?: ParseCache;
}

const missingContent = (file: string): ManifestError => ({ file, message: 'no content was read for this planned file' });

function lineOf(o: { file: string; line: number }): string {
  return `${o.file}:${o.line}`;
}

function toResource(o: DeclaredObject, namespace: string | undefined): Resource {
  const resource: Resource = {
    file: o.file, line: o.line, docIndex: o.docIndex,
    id: resourceId(namespace, o.kind, o.name),
    apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace,
    object: o.object, annotations: o.annotations, policies: policiesFromAnnotations(o.annotations),
  };
  if (o.itemIndex !== undefined) resource.itemIndex = o.itemIndex;
  return resource;
}

function byFileThenLine(a: { file: string; line?: number }, b: { file: string; line?: number }): number {
  return compareWalkOrder(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0);
}

/**
 * Loads an environment's resources from the files its plan names.
 *
 * Ids use the effective namespace (the object's, else `defaultNamespace`; none for cluster-scoped kinds).
 * A resource whose ignore policy is `"true"` goes to `skipped`; `"sync_only"` stays in `resources`.
 * Never throws on bad input.
 */
export function loadManifests(input: LoadManifestsInput): ManifestSet {
  const { plan, contents, scopeOf, limits } = input;
  const defaultNamespace = input.defaultNamespace || 'default';
  const skipped: Skipped[] = [...plan.skipped];
  const errors: ManifestError[] = [...plan.errors];

  const sink = { objects: [] as DeclaredObject[], skipped, errors };
  for (const file of plan.files) {
    const text = contents.get(file);
    if (text === undefined) {
      errors.push(missingContent(file));
      continue;
    }
    let parsed = input.parseCache?.get(text, file);
    if (!parsed) {
      parsed = parseYamlDocuments(text, file, limits);
      input.parseCache?.set(text, file, parsed);
    }
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    for (const doc of parsed.documents) objectsOfDocument(doc, file, sink);
  }

  return settleResources(sink.objects, { defaultNamespace, ...(scopeOf ? { scopeOf } : {}) }, skipped, errors);
}

/**
 * From declared objects to resources: effective namespaces and ids, duplicates reported (none of them
 * applied), `ignore: "true"` skipped. Shared by raw files and generated (kustomize) output.
 */
export function settleResources(objects: readonly DeclaredObject[], options: { defaultNamespace: string; scopeOf?: ScopeOf }, skipped: Skipped[], errors: ManifestError[]): ManifestSet {
  const defaultNamespace = options.defaultNamespace || 'default';
  const scopeFor = makeScopeResolver([...objects], options.scopeOf);
  const all = objects.map((o) =>
    toResource(o, scopeFor(o.apiVersion, o.kind) === 'Cluster' ? undefined : (o.namespace ?? defaultNamespace)));

  const byId = new Map<string, Resource[]>();
  for (const r of all) {
    const same = byId.get(r.id);
    if (same) same.push(r);
    else byId.set(r.id, [r]);
  }

  const resources: Resource[] = [];
  for (const r of all) {
    const same = byId.get(r.id) as Resource[];
    if (same.length > 1) {
      if (same[0] === r) {
        const last = same[same.length - 1] as Resource;
        const places = same.map(lineOf);
        errors.push({
          file: last.file, line: last.line,
          message: `duplicate definition of '${r.id}' (in ${places.slice(0, -1).join(', ')} and ${places.at(-1)}); none of them is applied`,
        });
      }
      continue;
    }
    if (r.policies.ignore === 'true') {
      const key = r.policies.raw.ignore?.key ?? 'fluxcd.io/ignore';
      skipped.push({ file: r.file, line: r.line, id: r.id, reason: `${key}: "true": never applied` });
      continue;
    }
    resources.push(r);
  }
  return { resources, skipped: skipped.sort(byFileThenLine), errors: errors.sort(byFileThenLine) };
}
