import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, findEnvironment, parseConfig } from '../../shared/config/index.ts';

const envs = (promotion: string) => `environments:
  development:
    branch: master
    path: development-configs
    registries: [radixdev.azurecr.io]
  playground:
    branch: release
    path: playground-configs
    registries: [radixdev.azurecr.io]
${promotion}
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'gitops.yaml');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return [...err.problems];
  }
  assert.fail('expected the config to be rejected');
}

test('a promotion is read with its rewrites, paths and auto flag, registries in lower case', () => {
  const config = parseConfig(envs(`    promotion:
      from: development
      rewrite:
        registries: { RADIXDEV.azurecr.io: radixdev.azurecr.io }
        filters: { "glob:master-*": "glob:release-*" }
      paths: ["radix-platform/**"]
      auto: true`), 'gitops.yaml');
  assert.deepEqual(findEnvironment(config, 'playground')!.promotion, {
    from: 'development',
    rewrite: { registries: { 'radixdev.azurecr.io': 'radixdev.azurecr.io' }, filters: { 'glob:master-*': 'glob:release-*' } },
    paths: ['radix-platform/**'],
    auto: true,
  });
  assert.equal(findEnvironment(config, 'development')!.promotion, undefined);
});

test('a promotion with only `from` has empty rewrites and is not automatic', () => {
  const config = parseConfig(envs(`    promotion: { from: development }`), 'gitops.yaml');
  assert.deepEqual(findEnvironment(config, 'playground')!.promotion, { from: 'development', rewrite: { registries: {}, filters: {} }, auto: false });
});

test('a promotion from an environment that does not exist names the file, line, key and the environments there are', () => {
  const p = problems(envs(`    promotion:
      from: developmnet`));
  assert.deepEqual(p, ['gitops.yaml:11: environments.playground.promotion.from: expected the name of an environment (have: development), got developmnet']);
});

test('an environment cannot be promoted from itself', () => {
  const p = problems(envs(`    promotion: { from: playground }`));
  assert.match(p[0]!, /^gitops\.yaml:10: environments\.playground\.promotion\.from: expected another environment/);
});

test('a registry rewrite must land on a registry the target lists', () => {
  const p = problems(envs(`    promotion:
      from: development
      rewrite:
        registries:
          radixdev.azurecr.io: radixprod.azurecr.io`));
  assert.deepEqual(p, ['gitops.yaml:14: environments.playground.promotion.rewrite.registries.radixdev.azurecr.io: expected a registry playground lists in registries (radixdev.azurecr.io), got radixprod.azurecr.io']);
});

test('invalid filters, unknown keys and empty path lists are each reported with their line', () => {
  const p = problems(envs(`    promotion:
      from: development
      rewrite:
        filters: { "glob:master-*": "regexp:(" }
      paths: []
      automatic: true`));
  assert.equal(p.length, 3, p.join('\n'));
  assert.ok(p.some((l) => /^gitops\.yaml:13: environments\.playground\.promotion\.rewrite\.filters\.glob:master-\*: expected a valid tag filter/.test(l)), p.join('\n'));
  assert.ok(p.some((l) => /^gitops\.yaml:14: environments\.playground\.promotion\.paths: expected at least one glob/.test(l)), p.join('\n'));
  assert.ok(p.some((l) => /^gitops\.yaml:15: environments\.playground\.promotion/.test(l) && /automatic/.test(l)), p.join('\n'));
});
