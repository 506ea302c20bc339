/** What every CLI command receives. */
import type { RegistryAccess } from '../shared/pipeline/registry-tags.ts';
import type { Output } from './output.ts';

export interface CommandContext {
  out: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where progress goes (stderr; drawn only when it is a TTY). */
  progress?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** Registry access by host (tests: a registry fake); default: ACR with the developer's Azure credentials. */
  registries?: (host: string) => RegistryAccess | undefined;
}
