/**
 * Parsed YAML by file text, so one process parses a file once however many
 * clusters (jobs) render the same commit. Owned by whoever builds the runtime;
 * bounded (oldest entries go first). Entries are shared: consumers must not
 * mutate parsed values (apply bodies are built from clones).
 */
import type { YamlParseResult } from './yaml.ts';

export class ParseCache {
  private readonly entries = new Map<string, { file: string; result: YamlParseResult }>();
  private readonly maxEntries: number;

  constructor(maxEntries = 5000) {
    this.maxEntries = maxEntries;
  }

  /** The parse of `text` as `file` (errors name the file, so another file's parse is not reused). */
  get(text: string, file: string): YamlParseResult | undefined {
    const hit = this.entries.get(text);
    return hit && hit.file === file ? hit.result : undefined;
  }

  set(text: string, file: string, result: YamlParseResult): void {
    this.entries.delete(text);
    this.entries.set(text, { file, result });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
