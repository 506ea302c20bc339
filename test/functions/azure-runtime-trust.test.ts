/**
 * Issue 10, item 1: the Function App refuses to start without a safe configuration source, and says how to
 * choose one; the operator's own GITOPS_CONFIG is checked against the operator's bounds at start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../shared/config/index.ts';
import { createAzureRuntime } from '../../shared/app/azure-runtime.ts';

const base = { GITHUB_REPOSITORY: 'acme/config', GITHUB_TOKEN: 'ghs_x', AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
const inline = 'environments:\n  production:\n    branch: release\n    path: prod\n    clusters:\n      static: [{ name: prod-1, server: "https://prod-1.example:443" }]\n    registries: [radixprod.azurecr.io]\n    prune: true\n';

test('without GITOPS_CONFIG or GITOPS_ENVIRONMENTS the app does not start, and the message names both ways out', () => {
  assert.throws(() => createAzureRuntime(base), (e: unknown) => e instanceof ConfigError && /no safe configuration source/.test(e.message) && /GITOPS_CONFIG/.test(e.message) && /GITOPS_ENVIRONMENTS/.test(e.message));
});

test('GITOPS_CONFIG and GITOPS_ENVIRONMENTS together are refused: one source of definitions', () => {
  assert.throws(() => createAzureRuntime({ ...base, GITOPS_CONFIG: inline, GITOPS_ENVIRONMENTS: 'production=release' }), /choose one source/);
});

test('GITOPS_ENVIRONMENTS is a safe source: the app starts', () => {
  const runtime = createAzureRuntime({ ...base, GITOPS_ENVIRONMENTS: 'development=master,production=release' });
  assert.equal(runtime.repository, 'acme/config');
});

test('the operator\'s inline config is held to the operator\'s bounds at start: every excess is named', () => {
  assert.throws(
    () => createAzureRuntime({ ...base, GITOPS_CONFIG: inline, GITOPS_API_SERVERS: '', GITOPS_REGISTRIES: 'radixdev.azurecr.io', GITOPS_PRUNE_ALLOWED: 'false' }),
    (e: unknown) => e instanceof ConfigError && e.problems.length === 3
      && /static\.prod-1: https:\/\/prod-1\.example:443 may not receive the managed identity's token/.test(e.message)
      && /radixprod\.azurecr\.io is not in GITOPS_REGISTRIES/.test(e.message) && /prune is not allowed/.test(e.message),
  );
  const runtime = createAzureRuntime({ ...base, GITOPS_CONFIG: inline, GITOPS_API_SERVERS: 'https://PROD-1.example', GITOPS_REGISTRIES: 'radixprod.azurecr.io', GITOPS_PRUNE_ALLOWED: 'true' });
  assert.equal(runtime.settings.bounds.pruneAllowed, true);
});

test('an identity-based storage connection needs its table endpoint named: it is not guessed from the queue endpoint', () => {
  const identity = { GITHUB_REPOSITORY: 'acme/config', GITHUB_TOKEN: 'ghs_x', GITOPS_ENVIRONMENTS: 'production=release', AzureWebJobsStorage__queueServiceUri: 'https://acct.queue.core.windows.net' };
  assert.throws(() => createAzureRuntime(identity), (e: unknown) => e instanceof ConfigError && /AzureWebJobsStorage__tableServiceUri: required/.test(e.message));
  const runtime = createAzureRuntime({ ...identity, AzureWebJobsStorage__tableServiceUri: 'https://acct.table.core.windows.net' });
  assert.equal(runtime.repository, 'acme/config');
});
