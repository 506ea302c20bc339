/** Commits files of a local working tree (the CLI's `--commit`), with the user's own git identity. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Stages and commits exactly `files` with `message`; returns the new commit's id. */
export async function commitFiles(dir: string, files: readonly string[], message: string): Promise<string> {
  const git = (...a: string[]) => run('git', ['-C', dir, ...a]);
  await git('add', '--', ...files);
  await git('commit', '--quiet', '-m', message, '--', ...files);
  return (await git('rev-parse', 'HEAD')).stdout.trim();
}
