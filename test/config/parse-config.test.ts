import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  DEFAULT_CONFIG,
  environmentsForRegistry,
  environmentsOnBranch,
  parseConfig,
  pathInEnvironment,
  syncSetPaths,
} from '../../shared/config/index.ts';

function problems(text: string): string[] {
  try {
    parseConfig(text, 'gitops.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return [...err.problems];
  }
  assert.fail('expected the config to be rejected');
}

test('the embedded default is the seed: development, playground and production on master and release', () => {
  const byName = Object.fromEntries(DEFAULT_CONFIG.environments.map((e) => [e.name, e]));
  assert.deepEqual(Object.keys(byName), ['development', 'playground', 'production']);
  assert.equal(byName.development!.branch, 'master');
  assert.equal(byName.development!.path, 'development-configs');
  assert.equal(byName.development!.clusters.kubeconfig?.contexts, 'weekly-*');
  assert.equal(byName.playground!.branch, 'release');
  assert.equal(byName.playground!.path, 'playground-configs');
  assert.equal(byName.playground!.clusters.kubeconfig?.contexts, 'playground-*');
  assert.equal(byName.production!.branch, 'release');
  assert.equal(byName.production!.path, 'production-configs');
  assert.deepEqual(environmentsOnBranch(DEFAULT_CONFIG, 'release').map((e) => e.name), ['playground', 'production']);
  assert.deepEqual(environmentsForRegistry(DEFAULT_CONFIG, 'RADIXDEV.azurecr.io').map((e) => e.name), ['development', 'playground']);
});

test('a full gitops.yaml is read with defaults filled in', () => {
  const config = parseConfig(
    `repository: equinor/radix-flux
environments:
  development:
    branch: master
    path: ./development-configs/
    clusters:
      azure: { subscription: 6f1e1d6a-0000-4000-8000-000000000001, resourceGroups: [rg-dev], names: "weekly-*" }
    registries: [RadixDev.azurecr.io]
  production:
    branch: release
    path: production-configs
    namespace: platform
    clusters:
      static:
        - { name: prod-1, server: "https://prod-1.example:443" }
    registries: [radixprod.azurecr.io]
    imageUpdates: pull-request
    prune: true
`,
    'gitops.yaml',
  );
  assert.equal(config.repository, 'equinor/radix-flux');
  assert.equal(config.source, 'gitops.yaml');
  const [dev, prod] = config.environments;
  assert.equal(dev!.path, 'development-configs', 'a leading ./ and a trailing / are normalised away');
  assert.deepEqual(dev!.registries, ['radixdev.azurecr.io'], 'registry hosts are lower-cased');
  assert.deepEqual(dev!.clusters.azure, {
    subscription: '6f1e1d6a-0000-4000-8000-000000000001',
    resourceGroups: ['rg-dev'],
    names: 'weekly-*',
    tags: {},
  });
  assert.equal(dev!.namespace, 'default');
  assert.equal(dev!.imageUpdates, 'commit');
  assert.equal(dev!.prune, false);
  assert.equal(prod!.namespace, 'platform');
  assert.equal(prod!.imageUpdates, 'pull-request');
  assert.equal(prod!.prune, true);
  assert.deepEqual(prod!.clusters.static, [{ name: 'prod-1', server: 'https://prod-1.example:443', auth: 'azure' }]);
});

test('the repository root is path "" whether written as "", "." or "./"', () => {
  for (const p of ['""', '.', './']) {
    const [env] = parseConfig(`environments:\n  all: { branch: main, path: ${p} }\n`, 'g.yaml').environments;
    assert.equal(env!.path, '', `path ${p}`);
    assert.ok(pathInEnvironment(env!, 'anything/at/all.yaml'));
  }
});

test('every problem names the file, the line, the key and what was expected', () => {
  const found = problems(`environments:
  development:
    branch: master
    path: ../outside
    imageUpdates: pr
    surprise: 1
  production:
    branch: "bad branch"
    path: prod
    registries: ["not a host!"]
`);
  assert.deepEqual(found, [
    'gitops.yaml:4: environments.development.path: expected a directory relative to the repository root, without `..` (use "" or "." for the root)',
    'gitops.yaml:5: environments.development.imageUpdates: Invalid option: expected one of "commit"|"pull-request"',
    'gitops.yaml:6: environments.development: Unrecognized key: "surprise"',
    'gitops.yaml:8: environments.production.branch: expected a git branch name',
    'gitops.yaml:10: environments.production.registries.0: expected a registry host name such as myregistry.azurecr.io',
  ]);
});

test('a missing required key is reported at its parent', () => {
  assert.deepEqual(problems('environments:\n  dev:\n    path: dev\n'), ['gitops.yaml:3: environments.dev.branch: Invalid input: expected string, received undefined']);
});

test('an azure selection must name clusters or tags, never a whole subscription', () => {
  const [p] = problems(`environments:
  dev:
    branch: main
    path: dev
    clusters: { azure: { subscription: 6f1e1d6a-0000-4000-8000-000000000001 } }
`);
  assert.match(p!, /^gitops\.yaml:5: environments\.dev\.clusters\.azure: expected `names` or `tags`/);
});

test('YAML syntax errors and duplicate keys are reported with their line', () => {
  assert.match(problems('environments:\n  dev: {branch: main\n')[0]!, /^gitops\.yaml:3: Flow map/);
  assert.match(problems('environments:\n  dev: {branch: a, path: a}\n  dev: {branch: b, path: b}\n')[0]!, /^gitops\.yaml:3: .*[Uu]nique/);
});

test('an empty environments map and two environments on one branch and path are rejected', () => {
  assert.deepEqual(problems('environments: {}\n'), ['gitops.yaml:1: environments: expected at least one environment']);
  assert.deepEqual(problems('environments:\n  a: {branch: main, path: x}\n  b: {branch: main, path: ./x/}\n'), [
    'gitops.yaml: environments.b: deploys the same branch and path as a (main:x); expected each environment to have its own directory or branch',
  ]);
});

test('environment names must be usable in statuses and branch names', () => {
  assert.match(problems('environments:\n  Prod_1: {branch: main, path: x}\n')[0]!, /environments\.Prod_1: expected environment names/);
});

test('YAML aliases cannot blow up the config loader', () => {
  const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 12; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`);
  assert.throws(() => parseConfig(bomb.join('\n') + '\nenvironments: *l\n', 'g.yaml'), (e: unknown) => e instanceof ConfigError && /^g\.yaml: .*[Aa]lias/.test(e.message));
});

test('previews.dryRun takes a number of clusters, all or none; anything else is named with file, line and key', () => {
  const config = parseConfig(`environments:
  dev: { branch: main, path: dev, previews: { dryRun: 2 } }
  qa: { branch: main, path: qa, previews: { dryRun: all } }
  prod: { branch: release, path: prod }
  zero: { branch: release, path: zero, previews: { dryRun: 0 } }
`, 'gitops.yaml');
  assert.deepEqual(config.environments.map((e) => e.previews?.dryRun ?? 'default'), [2, 'all', 'default', 'none']);
  assert.deepEqual(problems(`environments:
  dev:
    branch: main
    path: dev
    previews:
      dryRun: some
      comment: true
`), [
    'gitops.yaml:6: environments.dev.previews.dryRun: expected a number of clusters (0-1000), all or none',
    'gitops.yaml:7: environments.dev.previews: Unrecognized key: "comment"',
  ]);
});

test('an environment names the ConfigMap its per-cluster variables come from; a wrong field names file, line and key', () => {
  const config = parseConfig([
    'environments:',
    '  development:',
    '    branch: master',
    '    path: development-configs',
    '    variables:',
    '      configMap: { namespace: default, name: radix-platform-config, key: platform }',
  ].join('\n'), 'gitops.yaml');
  assert.deepEqual(config.environments[0]!.variables, { configMap: { namespace: 'default', name: 'radix-platform-config', key: 'platform' } });
  const withoutKey = parseConfig('environments:\n  dev:\n    branch: master\n    path: dev\n    variables:\n      configMap: { namespace: ops, name: vars }\n', 'gitops.yaml');
  assert.deepEqual(withoutKey.environments[0]!.variables, { configMap: { namespace: 'ops', name: 'vars' } });
  assert.deepEqual(problems('environments:\n  dev:\n    branch: master\n    path: dev\n    variables:\n      configMap: { namespace: ops, name: Vars, keys: x }\n'), [
    'gitops.yaml:6: environments.dev.variables.configMap.name: expected a ConfigMap name (lower-case DNS subdomain)',
    'gitops.yaml:6: environments.dev.variables.configMap: Unrecognized key: "keys"',
  ]);
});

test('the operator\'s GITOPS_PREVIEW_DRY_RUN_ALLOWED=false refuses a definition asking for pull-request dry runs', async () => {
  const { boundsProblems } = await import('../../shared/config/bounds.ts');
  const { loadSettings } = await import('../../shared/config/settings.ts');
  const [asks, none] = parseConfig('environments:\n  dev: { branch: main, path: dev, previews: { dryRun: 1 } }\n  qa: { branch: main, path: qa, previews: { dryRun: none } }\n', 'gitops.yaml').environments;
  const bounds = loadSettings({ GITOPS_PREVIEW_DRY_RUN_ALLOWED: 'false' }).bounds;
  assert.deepEqual(boundsProblems(asks!, bounds), ['environments.dev.previews.dryRun: pull-request dry runs on live clusters are not allowed (GITOPS_PREVIEW_DRY_RUN_ALLOWED is false)']);
  assert.deepEqual(boundsProblems(none!, bounds), []);
  assert.deepEqual(boundsProblems(asks!, loadSettings({ GITOPS_PREVIEW_DRY_RUN_ALLOWED: 'true' }).bounds), []);
});

test('fluxGitPaths keeps the --git-path of the replaced Flux v1 daemon as it was spelled, and the sync set is computed from it', () => {
  const config = parseConfig('environments:\n  dev: { branch: master, path: development-configs, fluxGitPaths: [./development-configs/] }\n  root: { branch: release, path: "" }\n', 'gitops.yaml');
  assert.deepEqual(config.environments[0]!.fluxGitPaths, ['./development-configs/']);
  assert.deepEqual(syncSetPaths(config.environments[0]!), ['./development-configs/']);
  assert.deepEqual(syncSetPaths(config.environments[1]!), [''], 'without it, the path (Flux v1 without --git-path hashes no path, as "" does)');
});

test('fluxGitPaths naming another directory, several paths, or an absolute path is refused with the line and the reason', () => {
  assert.deepEqual(problems('environments:\n  dev:\n    branch: master\n    path: development-configs\n    fluxGitPaths: [production-configs]\n'), [
    'gitops.yaml:5: environments.dev.fluxGitPaths.0: expected a spelling of this environment\'s path "development-configs" (such as "./development-configs"), not "production-configs": the GC marks of another directory are another environment\'s',
  ]);
  const several = problems('environments:\n  dev:\n    branch: master\n    path: a\n    fluxGitPaths: [a, b]\n');
  assert.equal(several.length, 1);
  assert.match(several[0]!, /^gitops\.yaml:5: environments\.dev\.fluxGitPaths: expected one --git-path: Flux v1 owned the objects of all its --git-paths as one set/);
  assert.match(problems('environments:\n  dev: { branch: master, path: a, fluxGitPaths: [/a] }\n')[0]!, /fluxGitPaths\.0: expected a relative path \(Flux v1 refuses a --git-path with a leading \/\)/);
  assert.match(problems('environments:\n  dev: { branch: master, path: a, fluxGitPaths: [] }\n')[0]!, /fluxGitPaths: expected the --git-path of the Flux v1 daemon/);
});
