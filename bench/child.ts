/** Runs a script in a fresh Node process (the one running the benchmark) and parses the JSON it prints. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function runChild<T>(args: string[], cwd: string): Promise<T> {
  const { stdout } = await run(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  const last = stdout.trim().split('\n').at(-1)!;
  return JSON.parse(last) as T;
}
