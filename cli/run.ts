/** Dispatches `gitops <command>` and turns errors into one-line reasons and exit codes. */
import { ConfigError } from '../shared/config/index.ts';
import { createOutput, type OutputStreams } from './output.ts';
import { UsageError } from './usage-error.ts';
import type { CommandContext } from './context.ts';

type Command = (args: string[], ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: { summary: 'what an environment applies (Flux v1 rules)', load: async () => (await import('./commands/render.ts')).render },
  build: { summary: 'every object an environment applies, exactly as a sync sends it', load: async () => (await import('./commands/build.ts')).build },
  images: { summary: 'every workload container, its image, policies and filter', load: async () => (await import('./commands/images.ts')).images },
  sync: { summary: 'apply an environment to kubeconfig contexts, or write it to a folder', load: async () => (await import('./commands/sync.ts')).sync },
  status: { summary: 'the commit each cluster runs, last sync, failures, suspension', load: async () => (await import('./commands/status.ts')).status },
  diff: { summary: 'what a sync would change (dry run), or a PR between two revisions', load: async () => (await import('./commands/diff.ts')).diff },
  suspend: { summary: 'stop deploys of an environment (or one cluster) in an emergency', load: async () => (await import('./commands/suspend.ts')).suspend },
  resume: { summary: 'end a suspension; the next sync applies HEAD', load: async () => (await import('./commands/suspend.ts')).resume },
  serve: { summary: 'the Function App on a laptop: webhooks, queue worker, timer', load: async () => (await import('./commands/serve.ts')).serve },
  demo: { summary: 'the main job on embedded defaults, no cloud account', load: async () => (await import('./commands/demo.ts')).demo },
  policy: { summary: 'automate, deautomate, lock, unlock or set a tag filter on a workload', load: async () => (await import('./commands/policy.ts')).policy },
  promote: { summary: 'propose an environment to the next one (files, registries, filters)', load: async () => (await import('./commands/promote.ts')).promote },
  release: { summary: 'apply an image push to a branch, or release one workload', load: async () => (await import('./commands/release.ts')).release },
};

export const USAGE = `Usage: gitops <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run 'gitops <command> --help' for a command's options.`;

/** Runs the CLI with the given arguments and streams; returns the exit code. */
export async function run(argv: string[], streams: OutputStreams & { cwd: string; registries?: CommandContext['registries'] }): Promise<number> {
  const out = createOutput(streams);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out.line(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.warn(`gitops: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await command.load())(rest, { out, env: streams.env, cwd: streams.cwd, progress: streams.stderr, ...(streams.registries ? { registries: streams.registries } : {}) });
  } catch (err) {
    if (err instanceof UsageError) {
      out.warn(`gitops ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof ConfigError) {
      out.warn(`gitops ${name}: invalid configuration: ${err.message}`);
      return 2;
    }
    out.warn(`gitops ${name}: ${describe(err)}`);
    if (streams.env.GITOPS_DEBUG) out.warn(String((err as Error)?.stack ?? err));
    return 1;
  }
}

/** One line: the message and its causes. */
function describe(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e && parts.length < 5; e = (e as { cause?: unknown }).cause) {
    parts.push(e instanceof Error ? e.message : String(e));
  }
  return parts.join(': ');
}
