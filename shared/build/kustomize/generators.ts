/**
 * `configMapGenerator` / `secretGenerator` with `generatorOptions`, as kustomize v5.5.0 generates them: literals
 * (`k=v`, surrounding quotes removed), files (`path` or `key=path`, UTF-8 into data, other bytes refused), env files
 * (`K=V` lines; `#` comments and blank lines skipped; a line without `=` would read the process environment and is
 * refused). Behaviors create / replace / merge against what the kustomization already holds. The content-hash suffix
 * is added at the end of the whole build.
 */
import { isPlainObject } from '../merge/index.ts';
import { refuse } from './build-message.ts';
import type { FileLoader } from './file-loader.ts';
import type { GeneratorArgs, GeneratorOptions, Kustomization } from './kustomization-file.ts';
import { idEquals, idString, Resource } from './resource.ts';
import type { ResMap } from './res-map.ts';

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}


function parseEnvFile(text: string, file: string, into: Array<[string, string]>): void {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').replace(/^[\s]+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) refuse(file, `${file}:${i + 1}: ${line} has no value: kustomize would read it from its own environment (not supported)`, i + 1);
    into.push([line.slice(0, eq), line.slice(eq + 1)]);
  });
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Key/value pairs of one generator, in kustomize's order: envs, literals, files. */
function collect(args: GeneratorArgs, dir: string, file: string, loader: FileLoader, key: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const env of [...(args.envs ?? []), ...(args.env ? [args.env] : [])]) {
    const path = loader.resolve(dir, env, file, `${key} envs`, true);
    parseEnvFile(loader.read(path, file, `${key} envs`), path, out);
  }
  for (const literal of args.literals ?? []) {
    const eq = literal.indexOf('=');
    if (eq <= 0) refuse(file, `invalid literal source ${literal}, expected key=value in ${key} of ${file}`);
    out.push([literal.slice(0, eq), removeQuotes(literal.slice(eq + 1))]);
  }
  for (const source of args.files ?? []) {
    const eq = source.indexOf('=');
    if (eq === 0) refuse(file, `key names or file paths cannot contain '=' (${source}) in ${key} of ${file}`);
    const [k, ref] = eq > 0 ? [source.slice(0, eq), source.slice(eq + 1)] : [basename(source), source];
    const path = loader.resolve(dir, ref, file, `${key} files`, true);
    if (loader.isDir(path) && !loader.isFile(path)) refuse(file, `${key} files in ${file}: ${ref} is a directory (not supported)`);
    const text = loader.read(path, file, `${key} files`);
    if (text.includes('\uFFFD')) refuse(file, `${key} files in ${file}: ${ref} is not valid UTF-8 (binaryData is not supported)`);
    out.push([k, text]);
  }
  const seen = new Set<string>();
  for (const [k] of out) {
    if (seen.has(k)) refuse(file, `${key} in ${file}: key ${k} is repeated in ${args.name ?? ''}`);
    seen.add(k);
  }
  return out;
}

function mergedOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions {
  return {
    labels: { ...(global?.labels ?? {}), ...(local?.labels ?? {}) },
    annotations: { ...(global?.annotations ?? {}), ...(local?.annotations ?? {}) },
    disableNameSuffixHash: (local?.disableNameSuffixHash ?? false) || (global?.disableNameSuffixHash ?? false),
    immutable: (local?.immutable ?? false) || (global?.immutable ?? false),
  };
}

function makeObject(kind: 'ConfigMap' | 'Secret', args: GeneratorArgs, pairs: Array<[string, string]>, opts: GeneratorOptions): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (opts.labels && Object.keys(opts.labels).length > 0) metadata.labels = { ...opts.labels };
  if (opts.annotations && Object.keys(opts.annotations).length > 0) metadata.annotations = { ...opts.annotations };
  const obj: Record<string, unknown> = { apiVersion: 'v1', kind, metadata };
  if (pairs.length > 0) {
    obj.data = Object.fromEntries(kind === 'Secret'
      ? pairs.map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')])
      : pairs);
  }
  if (kind === 'Secret') obj.type = args.type || 'Opaque';
  if (opts.immutable) obj.immutable = true;
  return obj;
}

/** Labels and annotations of `from` merged under those of `into` (into's win). */
function mergeMeta(from: Record<string, unknown>, into: Record<string, unknown>): void {
  const fromMeta = isPlainObject(from.metadata) ? from.metadata : {};
  if (!isPlainObject(into.metadata)) into.metadata = {};
  const intoMeta = into.metadata as Record<string, unknown>;
  for (const field of ['labels', 'annotations']) {
    const merged = { ...(isPlainObject(fromMeta[field]) ? fromMeta[field] : {}), ...(isPlainObject(intoMeta[field]) ? intoMeta[field] : {}) };
    if (Object.keys(merged).length > 0) intoMeta[field] = merged;
  }
}

function mergeInto(old: Resource, generated: Record<string, unknown>): void {
  const oldMeta = isPlainObject(old.obj.metadata) ? old.obj.metadata : {};
  const newMeta = generated.metadata as Record<string, unknown>;
  for (const field of ['labels', 'annotations']) {
    const merged = { ...(isPlainObject(oldMeta[field]) ? oldMeta[field] : {}), ...(isPlainObject(newMeta[field]) ? newMeta[field] : {}) };
    if (Object.keys(merged).length > 0) oldMeta[field] = merged;
  }
  const data = { ...(isPlainObject(old.obj.data) ? old.obj.data : {}), ...(isPlainObject(generated.data) ? generated.data : {}) };
  if (Object.keys(data).length > 0) old.obj.data = data;
  if (generated.immutable) old.obj.immutable = true;
}

export function runGenerators(map: ResMap, k: Kustomization, dir: string, file: string, loader: FileLoader): void {
  const kinds: Array<['ConfigMap' | 'Secret', GeneratorArgs[] | undefined, string]> = [
    ['ConfigMap', k.configMapGenerator, 'configMapGenerator'],
    ['Secret', k.secretGenerator, 'secretGenerator'],
  ];
  for (const [kind, list, key] of kinds) {
    for (const args of list ?? []) {
      if (!args.name) refuse(file, `a ${key} entry in ${file} has no name`);
      const opts = mergedOptions(args.options, k.generatorOptions);
      const obj = makeObject(kind, args, collect(args, dir, file, loader, key), opts);
      const res = new Resource(obj, file);
      const behavior = args.behavior ?? 'create';
      const existing = map.list.filter((r) => idEquals(r.curId(), res.curId()) || r.allIds().some((id) => idEquals(id, res.curId())));
      if (behavior === 'create') {
        res.generated = { hash: !opts.disableNameSuffixHash, behavior };
        map.append(res, file);
        continue;
      }
      if (existing.length !== 1) {
        refuse(file, `${key} ${args.name} in ${file} has behavior ${behavior} but ${existing.length === 0 ? 'no' : 'more than one'} resource ${idString(res.curId())} exists to ${behavior}`);
      }
      const old = existing[0] as Resource;
      if (behavior === 'replace') {
        const previous = old.obj;
        old.obj = { ...obj, metadata: { ...(obj.metadata as object), name: old.name, ...(old.namespace ? { namespace: old.namespace } : {}) } };
        mergeMeta(previous, old.obj);
      } else mergeInto(old, obj);
      // A plain resource stays without a suffix; a generated one keeps its own (checked against kubectl).
      old.generated = { hash: (old.generated?.hash ?? false) && !opts.disableNameSuffixHash, behavior };
    }
  }
}
