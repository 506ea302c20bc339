/** Runs the gitops CLI in-process with captured output (the same code path as the binary). */
import type { CommandContext } from '../../cli/context.ts';
import { run } from '../../cli/run.ts';

export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; registries?: CommandContext['registries'] } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.registries ? { registries: options.registries } : {}),
  });
  return { code, stdout, stderr };
}
