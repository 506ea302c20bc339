/**
 * Parsed YAML by file text, so one process parses a file once however many
 * clusters (jobs) render the same commit. Owned by whoever builds the runtime;
 * bounded (least recently used go first, by lru-cache). Entries are shared: a consumer may only change a parsed
 * value in a way every consumer would (document-objects.ts turns annotation and label values into strings, in
 * place and idempotently, keeping the object's identity for the apply-body cache); apply bodies are built from
 * clones.
 */
import { LRUCache } from 'lru-cache';
import type { YamlParseResult } from './yaml.ts';

export class ParseCache {
  private readonly entries: LRUCache<string, { file: string; result: YamlParseResult }>;

  constructor(maxEntries = 5000) {
    this.entries = new LRUCache({ max: maxEntries });
  }

  /** The parse of `text` as `file` (errors name the file, so another file's parse is not reused). */
  get(text: string, file: string): YamlParseResult | undefined {
    const hit = this.entries.get(text);
    return hit && hit.file === file ? hit.result : undefined;
  }

  set(text: string, file: string, result: YamlParseResult): void {
    this.entries.set(text, { file, result });
  }

  get size(): number {
    return this.entries.size;
  }
}
