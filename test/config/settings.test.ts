import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadSettings } from '../../shared/config/index.ts';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

test('with nothing set the defaults apply and webhooks are refused (no secrets)', () => {
  const s = loadSettings({});
  assert.equal(s.github, undefined);
  assert.deepEqual(s.webhookSecrets, []);
  assert.equal(s.acrWebhookSecret, undefined);
  assert.equal(s.stateNamespace, 'gitops-system');
  assert.equal(s.pruneMaxShare, 0.5);
  assert.equal(s.driftMinutes, 60);
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
