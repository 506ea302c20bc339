/**
 * A node:test reporter for test/run.ts: the time each test file's top-level tests took, as one JSON object
 * `{ "test/x.test.ts": ms }`, so the next run can deal the files to shards evenly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface TestEvent {
  type: string;
  data: { nesting?: number; file?: string; details?: { duration_ms?: number } };
}

export default async function* fileDurations(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const ms: Record<string, number> = {};
  for await (const event of source) {
    if ((event.type !== 'test:pass' && event.type !== 'test:fail') || event.data.nesting !== 0 || !event.data.file) continue;
    const file = path.relative(root, event.data.file.startsWith('file:') ? fileURLToPath(event.data.file) : event.data.file);
    ms[file] = Math.round((ms[file] ?? 0) + (event.data.details?.duration_ms ?? 0));
  }
  yield JSON.stringify(ms);
}
