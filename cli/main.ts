#!/usr/bin/env node
/**
 * `gitops`: the pipeline from a laptop or CI. Each command is a thin shell over
 * shared/pipeline; this file only dispatches and maps failures to exit codes:
 * 0 success (warnings included), 1 the work failed, 2 bad arguments or configuration.
 */
import { run } from './run.ts';

// `gitops images | head`: a closed pipe ends the output quietly, as other command-line tools do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Under `npm run`, npm starts scripts in the package's folder; INIT_CWD is where the user ran the command.
  cwd: process.env.npm_lifecycle_event && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd(),
});
