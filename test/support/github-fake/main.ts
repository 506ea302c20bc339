/**
 * Standalone GitHub fake for local end-to-end runs:
 *
 *   npm run -s fake:github -- --port 4010 --repo ../config-repo --name acme/config
 *     [--copy] [--token T] [--webhook-url URL --webhook-secret S] [--latency MS] [--poll MS]
 *
 * Serves DIR (bare or not) in place: API writes land in it as commits and ref moves (a work tree is not touched);
 * `--copy` serves a temporary clone instead. Refs moved outside the API (e.g. a `git push` into DIR) are noticed
 * every `--poll` ms (default 1000) and sent as push events. Prints `github-fake listening on URL` when ready.
 */
import { parseArgs } from 'node:util';
import { startGitHubFake } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' }, repo: { type: 'string' }, name: { type: 'string', default: 'local/config' },
    copy: { type: 'boolean', default: false }, token: { type: 'string' }, 'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' }, latency: { type: 'string', default: '0' }, poll: { type: 'string', default: '1000' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

if (!values.repo) {
  process.stderr.write('usage: main.ts --repo DIR [--name OWNER/NAME] [--port PORT] [--copy] [--token T] [--webhook-url URL --webhook-secret S]\n');
  process.exit(2);
}

const fake = await startGitHubFake({
  repos: [{ fullName: values.name, dir: values.repo, inPlace: !values.copy }],
  port: Number(values.port), host: values.host, latencyMs: Number(values.latency), token: values.token,
  webhook: values['webhook-url'] ? { url: values['webhook-url'], secret: values['webhook-secret'] } : undefined,
});
process.stdout.write(`github-fake listening on ${fake.url} serving ${values.name} from ${values.repo}\n`);

const pollMs = Number(values.poll);
const timer = pollMs > 0 ? setInterval(() => { fake.syncRefs().catch((e: unknown) => process.stderr.write(`github-fake: ${String(e)}\n`)); }, pollMs) : undefined;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (timer) clearInterval(timer);
    void fake.close().then(() => process.exit(0));
  });
}
