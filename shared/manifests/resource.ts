/**
 * The resource model every pure module shares: one Kubernetes object as the
 * config repository declares it, with Flux v1's identity and policies.
 */
import type { Policies } from './policies.ts';

/** A parsed Kubernetes object (YAML 1.1 semantics, annotation and label values as strings). */
export interface KubeObject {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    labels?: Record<string, unknown>;
    annotations?: Record<string, unknown>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** Where an object came from in the repository. */
export interface SourceLocation {
  /** Repository-relative path with forward slashes. */
  file: string;
  /** 1-based line of the document (or List item) in the file. */
  line: number;
  /** 0-based index of the YAML document in the file. */
  docIndex: number;
  /** 0-based index in `items` when the object came from a `*List` document. */
  itemIndex?: number;
}

export interface Resource extends SourceLocation {
  /** Flux v1 resource id: `<namespace or <cluster>>:<kind lowercased>/<name>`. */
  id: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** Effective namespace; undefined for cluster-scoped kinds. */
  namespace: string | undefined;
  /** The object as written in git (namespace not injected). */
  object: KubeObject;
  /** metadata.annotations as strings. */
  annotations: Readonly<Record<string, string>>;
  policies: Policies;
}

/** The `<cluster>` pseudo-namespace Flux v1 uses for cluster-scoped ids. */
export const CLUSTER_SCOPE = '<cluster>';

/** Returns Flux v1's id for an object: `<namespace or <cluster>>:<kind lowercased>/<name>`. */
export function resourceId(namespace: string | undefined, kind: string, name: string): string {
  return `${namespace || CLUSTER_SCOPE}:${kind.toLowerCase()}/${name}`;
}
