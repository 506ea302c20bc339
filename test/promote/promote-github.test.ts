import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFixture, REPO } from '../sources/github/fixture.ts';
import { parseConfig } from '../../shared/config/index.ts';
import { proposeEnvironmentPromotion } from '../../shared/pipeline/propose-promotion.ts';
import { devProdConfig } from './dev-prod-config.ts';

const config = parseConfig(devProdConfig(), 'gitops.yaml');

const cm = (level: string, image = 'dev.azurecr.io/tool:1') => `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: ${level}
  image: ${image}
`;

test('--pr through the GitHub API: one pull request to the target branch, updated across runs, body the summary; the same commits again write nothing', async () => {
  const f = await startFixture({ 'dev/settings.yaml': cm('debug'), 'prod/settings.yaml': cm('warn', 'prod.azurecr.io/tool:0') }, { branches: ['master', 'release'] });
  try {
    const releaseHead = await f.source.resolveBranch('release');
    const first = await proposeEnvironmentPromotion(f.source, config, 'prod');
    assert.equal(first.status, 'opened');
    const branch = 'gitops/promote/dev-to-prod';
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/settings.yaml'), cm('debug', 'prod.azurecr.io/tool:1'));
    assert.equal(await f.fake.head(REPO, 'release'), releaseHead, 'the target branch is not written');

    await f.fake.commit('master', { files: { 'dev/settings.yaml': cm('info') }, message: 'dev: info' });
    const second = await proposeEnvironmentPromotion(f.source, config, 'prod');
    assert.equal(second.status, 'updated');
    const pulls = f.fake.pulls(REPO);
    assert.equal(pulls.length, 1, 'one pull request, never one per run');
    assert.equal(pulls[0]!.head, branch);
    assert.equal(pulls[0]!.base, 'release');
    assert.equal(pulls[0]!.title, 'Promote dev to prod');
    assert.match(pulls[0]!.body ?? '', /^Promote dev to prod \(dev at [0-9a-f]{12}, prod at [0-9a-f]{12}\): 1 file\(s\)\.\n\nFiles:\n- update prod\/settings\.yaml\n  - line 7: registry dev\.azurecr\.io\/tool:1 → prod\.azurecr\.io\/tool:1/);
    assert.equal(await f.fake.readFile(REPO, branch, 'prod/settings.yaml'), cm('info', 'prod.azurecr.io/tool:1'));

    const before = await f.fake.head(REPO, branch);
    const third = await proposeEnvironmentPromotion(f.source, config, 'prod');
    assert.equal(third.status, 'unchanged');
    assert.equal(await f.fake.head(REPO, branch), before);
  } finally {
    await f.close();
  }
});
