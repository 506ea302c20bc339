/**
 * `.flux.yaml` (Flux v1 `pkg/manifests/configfile.go`): `version: 1` and exactly one of `commandUpdated`,
 * `patchUpdated` or `scanForFiles` (`files` in Flux's first releases). Anything else in the file is an error
 * naming the file, the line and the key: a field we would ignore could change what Flux deployed.
 */
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { joinRelative } from '../manifests/repo-paths.ts';

/** A problem with an input file. */
export interface ConfigMessage { file: string; line?: number; message: string }

/** One `generators` (or updater) entry. */
export interface FluxCommand { command: string; line: number }

export type FluxConfig =
  | { mode: 'scanForFiles'; file: string }
  | { mode: 'patchUpdated'; file: string; generators: FluxCommand[]; patchFile: string; patchFileAsWritten: string; patchFileLine: number }
  | { mode: 'commandUpdated'; file: string; generators: FluxCommand[]; updaters: FluxCommand[] };

const MODES = ['commandUpdated', 'patchUpdated', 'scanForFiles', 'files'] as const;
const COMMAND_KEYS = ['command', 'timeout'];

/**
 * Parses and validates a `.flux.yaml`.
 *
 * @param file its repository path.
 * @param text its content.
 * @param workingDir the environment path: generators run there and `patchFile` is relative to it (Flux v1's
 *   `findConfigFilePaths` returns the target path as the working directory, not the config's folder).
 */
export function parseFluxConfig(file: string, text: string, workingDir: string): { ok: true; config: FluxConfig } | { ok: false; errors: ConfigMessage[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.1' });
  const errors: ConfigMessage[] = [];
  const lineOf = (node: unknown): number | undefined =>
    isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
  const err = (node: unknown, message: string): void => {
    const line = lineOf(node);
    errors.push({ file, ...(line !== undefined ? { line } : {}), message });
  };
  if (doc.errors.length > 0) {
    for (const e of doc.errors) errors.push({ file, line: lineCounter.linePos(e.pos[0]).line, message: `does not parse as YAML: ${e.message.split('\n')[0]}` });
    return { ok: false, errors };
  }
  const root = doc.contents;
  if (!isMap(root)) {
    err(root, 'a .flux.yaml must be a mapping with version: 1 and one of commandUpdated, patchUpdated or scanForFiles');
    return { ok: false, errors };
  }
  const keyNode = (map: Node, key: string): Node | undefined =>
    isMap(map) ? (map.items.find((p) => isScalar(p.key) && p.key.value === key)?.key as Node | undefined) : undefined;
  const valueNode = (map: Node, key: string): unknown => (isMap(map) ? map.get(key, true) : undefined);

  const version = valueNode(root, 'version');
  if (!isScalar(version) || version.value !== 1) err(version ?? root, 'version: expected 1 (the only .flux.yaml version Flux v1 knows)');
  const present = MODES.filter((m) => keyNode(root, m) !== undefined);
  for (const pair of root.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (k === undefined || (k !== 'version' && !(MODES as readonly string[]).includes(k))) {
      err(pair.key, `${k ?? '(a non-scalar key)'}: not a .flux.yaml field (expected version and one of commandUpdated, patchUpdated, scanForFiles)`);
    }
  }
  if (present.length !== 1) {
    err(present.length > 1 ? keyNode(root, present[1]!) : root,
      `expected exactly one of commandUpdated, patchUpdated or scanForFiles, found ${present.length === 0 ? 'none' : present.join(' and ')}`);
    return { ok: false, errors };
  }
  const mode = present[0]!;
  const body = valueNode(root, mode);

  if (mode === 'scanForFiles' || mode === 'files') {
    if (!(isMap(body) && body.items.length === 0) && !(isScalar(body) && body.value === null)) err(body, `${mode}: expected {} (it takes no fields)`);
    return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { mode: 'scanForFiles', file } };
  }
  if (!isMap(body)) {
    err(body ?? keyNode(root, mode), `${mode}: expected a mapping`);
    return { ok: false, errors };
  }
  const allowed = mode === 'patchUpdated' ? ['generators', 'patchFile'] : ['generators', 'updaters'];
  for (const pair of body.items) {
    const k = isScalar(pair.key) ? String(pair.key.value) : '(a non-scalar key)';
    if (!allowed.includes(k)) err(pair.key, `${mode}.${k}: not a field of ${mode} (expected ${allowed.join(', ')})`);
  }
  const commands = (node: unknown, path: string, wrapper?: string): FluxCommand[] => {
    if (node === undefined) return [];
    if (!isSeq(node)) {
      err(node, `${path}: expected a list`);
      return [];
    }
    const out: FluxCommand[] = [];
    node.items.forEach((item, i) => {
      let entry: unknown = item;
      const at = `${path}[${i}]`;
      if (wrapper !== undefined) {
        if (!isMap(item)) return void err(item, `${at}: expected a mapping with containerImage and/or policy`);
        for (const pair of item.items) {
          const k = isScalar(pair.key) ? String(pair.key.value) : '';
          if (k !== 'containerImage' && k !== 'policy') err(pair.key, `${at}.${k}: not a field of an updater (expected containerImage, policy)`);
        }
        for (const k of ['containerImage', 'policy']) {
          const c = item.get(k, true);
          if (c !== undefined) out.push(...commandOf(c, `${at}.${k}`));
        }
        return;
      }
      out.push(...commandOf(entry, at));
    });
    return out;
  };
  const commandOf = (node: unknown, at: string): FluxCommand[] => {
    if (!isMap(node)) return void err(node, `${at}: expected a mapping with command`), [];
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!COMMAND_KEYS.includes(k)) err(pair.key, `${at}.${k}: not a field of a command (expected command, timeout)`);
    }
    const command = node.get('command', true);
    if (!isScalar(command) || typeof command.value !== 'string' || command.value.trim() === '') {
      err(command ?? node, `${at}.command: expected a non-empty string`);
      return [];
    }
    return [{ command: command.value, line: lineOf(command) ?? 0 }];
  };
  const generatorsNode = valueNode(body, 'generators');
  if (generatorsNode === undefined) err(keyNode(root, mode), `${mode}.generators: required`);
  const generators = commands(generatorsNode, `${mode}.generators`);
  if (mode === 'commandUpdated') {
    const updaters = commands(valueNode(body, 'updaters'), 'commandUpdated.updaters', 'updater');
    return errors.length > 0 ? { ok: false, errors } : { ok: true, config: { mode, file, generators, updaters } };
  }
  const patchFileNode = valueNode(body, 'patchFile');
  if (!isScalar(patchFileNode) || typeof patchFileNode.value !== 'string' || patchFileNode.value === '') {
    err(patchFileNode ?? keyNode(root, mode), 'patchUpdated.patchFile: expected a non-empty path relative to the environment directory');
    return { ok: false, errors };
  }
  const patchFile = joinRelative(workingDir, patchFileNode.value);
  if (patchFile === undefined || patchFile === '') {
    err(patchFileNode, `patchUpdated.patchFile: "${patchFileNode.value}" leaves the repository`);
    return { ok: false, errors };
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: { mode, file, generators, patchFile, patchFileAsWritten: patchFileNode.value, patchFileLine: lineOf(patchFileNode) ?? 0 },
  };
}


