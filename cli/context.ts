/** What every CLI command receives. */
import type { Output } from './output.ts';

export interface CommandContext {
  out: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}
