import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadSettings } from '../../shared/config/index.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

test('with nothing set the defaults apply and webhooks are refused (no secrets)', () => {
  const s = loadSettings({});
  assert.equal(s.github, undefined);
  assert.deepEqual(s.webhookSecrets, []);
  assert.equal(s.acrWebhookSecrets.size, 0);
  assert.equal(s.registryTopics.size, 0);
  assert.equal(s.stateNamespace, 'gitops-system');
  assert.equal(s.pruneMaxShare, 0.5);
  assert.equal(s.driftMinutes, 60);
  assert.equal(s.applyConcurrency, undefined, 'the sync keeps its own default');
  assert.deepEqual(s.commitAuthor, { name: 'serverless-gitops', email: 'serverless-gitops@users.noreply.github.com' });
});

test('a GitHub App is read with its key (escaped newlines as Key Vault stores them)', () => {
  const s = loadSettings({
    GITHUB_REPOSITORY: 'equinor/radix-flux',
    GITHUB_APP_ID: '12345',
    GITHUB_APP_PRIVATE_KEY: pem.replace(/\n/g, '\\n'),
    GITHUB_APP_INSTALLATION_ID: '678',
    GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
    GITHUB_WEBHOOK_SECRET: 'new',
    GITHUB_WEBHOOK_SECRET_PREVIOUS: 'old',
  });
  assert.deepEqual(s.github, { repository: 'equinor/radix-flux', apiUrl: 'https://ghe.example.com/api/v3', auth: { kind: 'app', appId: 12345, privateKey: pem, installationId: 678 } });
  assert.deepEqual(s.webhookSecrets, ['new', 'old']);
});

test('a token works instead of an App; storage by connection string or by identity', () => {
  assert.deepEqual(loadSettings({ GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' }).github?.auth, { kind: 'token', token: 't' });
  assert.deepEqual(loadSettings({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' }).storage, { connectionString: 'UseDevelopmentStorage=true' });
  assert.deepEqual(loadSettings({ AzureWebJobsStorage__queueServiceUri: 'https://a.queue.core.windows.net', AzureWebJobsStorage__tableServiceUri: 'https://a.table.core.windows.net' }).storage, {
    queueServiceUri: 'https://a.queue.core.windows.net',
    tableServiceUri: 'https://a.table.core.windows.net',
  });
});

test('every invalid or incomplete setting is named, and secret values are never echoed', () => {
  try {
    loadSettings({ GITHUB_REPOSITORY: 'not a repo', GITHUB_APP_ID: 'abc', GITHUB_APP_PRIVATE_KEY: 'hunter2', AZURE_CLIENT_ID: 'x', GITOPS_PRUNE_MAX_SHARE: '2', GITOPS_COMMIT_AUTHOR: 'bot' });
    assert.fail('expected ConfigError');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const text = err.problems.join('\n');
    for (const name of ['GITHUB_REPOSITORY', 'GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'AZURE_CLIENT_ID', 'GITOPS_PRUNE_MAX_SHARE', 'GITOPS_COMMIT_AUTHOR']) {
      assert.match(text, new RegExp(`setting ${name}: `));
    }
    assert.doesNotMatch(text, /hunter2/);
  }
  assert.throws(() => loadSettings({ GITHUB_REPOSITORY: 'o/r' }), /GitHub needs a token or a GitHub App/);
  assert.throws(() => loadSettings({ GITHUB_TOKEN: 't' }), /setting GITHUB_REPOSITORY: GitHub credentials are set/);
  assert.throws(() => loadSettings({ GITHUB_REPOSITORY: 'o/r', GITHUB_APP_ID: '1' }), /needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID together/);
});

test('an unresolved Key Vault reference is refused, never used as the secret', () => {
  assert.throws(
    () => loadSettings({ GITHUB_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/github-webhook-secret/)' }),
    (e: unknown) => e instanceof ConfigError && /setting GITHUB_WEBHOOK_SECRET: its Key Vault reference did not resolve/.test(e.message) && !/kv\.vault/.test(e.message),
  );
});

const REGISTRY_ID = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/common/providers/Microsoft.ContainerRegistry/registries/radixdev';

test('GITOPS_REGISTRY_TOPICS maps each registry resource id (compared case-insensitively) to its login server', () => {
  const s = loadSettings({ GITOPS_REGISTRY_TOPICS: JSON.stringify({ [REGISTRY_ID]: 'RadixDev.azurecr.io' }) });
  assert.deepEqual([...s.registryTopics], [[REGISTRY_ID.toLowerCase(), 'radixdev.azurecr.io']]);
  for (const [bad, why] of [
    ['not json', /GITOPS_REGISTRY_TOPICS: not JSON/],
    ['["radixdev.azurecr.io"]', /GITOPS_REGISTRY_TOPICS: expected JSON \{/],
    [JSON.stringify({ 'radixdev.azurecr.io': 'radixdev.azurecr.io' }), /"radixdev\.azurecr\.io": expected a registry's ARM resource id/],
    [JSON.stringify({ [REGISTRY_ID]: 'https://radixdev.azurecr.io' }), /registries\/radixdev: expected the registry's login server/],
  ] as const) {
    assert.throws(() => loadSettings({ GITOPS_REGISTRY_TOPICS: bad }), (e: unknown) => e instanceof ConfigError && why.test(e.message), bad);
  }
});

test('ACR_WEBHOOK_SECRETS holds one secret (or a rotation pair) per registry, never echoed; the single ACR_WEBHOOK_SECRET is refused', () => {
  const a = 'a'.repeat(32);
  const s = loadSettings({ ACR_WEBHOOK_SECRETS: JSON.stringify({ 'RadixDev.azurecr.io': a, 'radixprod.azurecr.io': ['n'.repeat(20), 'o'.repeat(20)] }) });
  assert.deepEqual([...s.acrWebhookSecrets], [['radixdev.azurecr.io', [a]], ['radixprod.azurecr.io', ['n'.repeat(20), 'o'.repeat(20)]]]);
  assert.throws(
    () => loadSettings({ ACR_WEBHOOK_SECRETS: JSON.stringify({ 'radixdev.azurecr.io': 'short-hunter2' }) }),
    (e: unknown) => e instanceof ConfigError && /ACR_WEBHOOK_SECRETS: radixdev\.azurecr\.io: expected a secret of at least 16 characters/.test(e.message) && !/hunter2/.test(e.message),
  );
  assert.throws(() => loadSettings({ ACR_WEBHOOK_SECRET: a }), (e: unknown) => e instanceof ConfigError && /setting ACR_WEBHOOK_SECRET: replaced by ACR_WEBHOOK_SECRETS, one secret per registry/.test(e.message) && !e.message.includes(a));
});

test('a registry topic whose login server the operator\'s GITOPS_REGISTRIES does not list is refused', () => {
  const topics = JSON.stringify({ [REGISTRY_ID]: 'radixdev.azurecr.io' });
  assert.throws(() => loadSettings({ GITOPS_REGISTRY_TOPICS: topics, GITOPS_REGISTRIES: 'radixprod.azurecr.io' }), /setting GITOPS_REGISTRY_TOPICS: .*registries\/radixdev maps to radixdev\.azurecr\.io, which GITOPS_REGISTRIES does not list/);
  assert.equal(loadSettings({ GITOPS_REGISTRY_TOPICS: topics, GITOPS_REGISTRIES: 'radixprod.azurecr.io,radixdev.azurecr.io' }).registryTopics.size, 1);
});

test('the apply concurrency is a whole number from 1 to 128, and a bad one is named', () => {
  assert.equal(loadSettings({ GITOPS_APPLY_CONCURRENCY: '32' }).applyConcurrency, 32);
  for (const bad of ['0', '129', '8.5', 'many']) {
    assert.throws(() => loadSettings({ GITOPS_APPLY_CONCURRENCY: bad }), (e: Error) => e instanceof ConfigError && /GITOPS_APPLY_CONCURRENCY/.test(e.message) && /1 to 128/.test(e.message), bad);
  }
});
