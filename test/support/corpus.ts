/**
 * Locates the radix-flux corpus that lives beside the repository (`../shared/corpus/radix-flux`).
 * A user's clone has no `../shared`: tests then skip, saying why.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The corpus directory, or undefined when `../shared/corpus/radix-flux` is absent. */
export function corpusDir(): string | undefined {
  const dir = process.env.GITOPS_CORPUS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'corpus', 'radix-flux');
  return existsSync(dir) ? dir : undefined;
}

/** The `skip` option for node:test when the corpus is absent, with the reason as its message. */
export function skipWithoutCorpus(): string | false {
  return corpusDir() ? false : 'the radix-flux corpus (../shared/corpus/radix-flux beside the repo) is absent';
}
