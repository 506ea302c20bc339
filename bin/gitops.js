#!/usr/bin/env node
// Installed entry point. Runs the built CLI (npm run build) when there is one; otherwise the TypeScript source,
// which needs Node >= 22.18 (type stripping). On an older Node (a machine's Node 20), it re-runs itself under
// the Node 22 that `npm ci` installs into node_modules (the devDependency `node`), with the same arguments.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../cli/main.ts', import.meta.url);
const stripsTypes = Boolean(process.features && process.features.typescript);

if (existsSync(built)) {
  await import(built.href);
} else if (stripsTypes) {
  await import(source.href);
} else {
  const candidates = ['../node_modules/node/bin/node', '../node_modules/.bin/node'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const node22 = candidates.find((p) => existsSync(p));
  if (!node22) {
    process.stderr.write(`gitops: Node ${process.versions.node} cannot run the TypeScript sources and there is no build.\n` +
      `Run 'npm ci' (it installs Node 22 into node_modules) or 'npm run build', or use Node >= 22.18.\n`);
    process.exit(2);
  }
  const r = spawnSync(node22, [fileURLToPath(source), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`gitops: could not start ${node22}: ${r.error.message}\n`);
    process.exit(2);
  }
  process.exit(r.status ?? (r.signal ? 128 : 1));
}
