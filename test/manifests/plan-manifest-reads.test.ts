import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isYamlPath, normaliseEnvPath, planManifestReads } from '../../shared/manifests/index.ts';

const reasons = (plan: ReturnType<typeof planManifestReads>): Record<string, string> =>
  Object.fromEntries(plan.skipped.map((s) => [s.file, s.reason]));

describe('which files are YAML candidates', () => {
  it('only .yaml and .yml files under the environment path are candidates (exact, case-sensitive extension)', () => {
    const plan = planManifestReads([
      'env/a.yaml', 'env/b.yml', 'env/c.YAML', 'env/d.json', 'env/e.yaml.tmpl', 'env/README.md', 'env/sub/f.yaml',
      'other/g.yaml', 'envx/h.yaml', 'root.yaml',
    ], 'env');
    assert.deepEqual(plan.files, ['env/a.yaml', 'env/b.yml', 'env/sub/f.yaml']);
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(Object.keys(reasons(plan)).sort(), ['env/README.md', 'env/c.YAML', 'env/d.json', 'env/e.yaml.tmpl']);
    assert.equal(reasons(plan)['env/d.json'], 'not a .yaml or .yml file');
  });
  it('isYamlPath matches Go filepath.Ext: a file named .yaml counts, .Yml does not', () => {
    assert.equal(isYamlPath('a/.yaml'), true);
    assert.equal(isYamlPath('a/x.Yml'), false);
    assert.equal(isYamlPath('a/yaml'), false);
  });
  it('hidden directories are not skipped', () => {
    assert.deepEqual(planManifestReads(['env/.hidden/a.yaml'], 'env').files, ['env/.hidden/a.yaml']);
  });
  it('the empty environment path is the repository root', () => {
    assert.deepEqual(planManifestReads(['b.yaml', 'a/x.yaml'], '').files, ['a/x.yaml', 'b.yaml']);
  });
  it('candidates come in Flux v1 walk order: directory by directory, entries sorted by name', () => {
    const plan = planManifestReads(['env/b.yaml', 'env/b/c.yaml', 'env/a-x.yaml', 'env/a/z.yaml', 'env/A.yaml'], 'env');
    // Walk visits dir "b" before "b.yaml" and "a" before "a-x.yaml"; plain string sort would not.
    assert.deepEqual(plan.files, ['env/A.yaml', 'env/a/z.yaml', 'env/a-x.yaml', 'env/b/c.yaml', 'env/b.yaml']);
  });
  it('an environment path given as ./env/ is normalised', () => {
    assert.equal(normaliseEnvPath('./env/'), 'env');
    assert.equal(normaliseEnvPath('.'), '');
    assert.deepEqual(planManifestReads(['env/a.yaml'], './env/').files, ['env/a.yaml']);
  });
});

describe('environment paths that cannot be loaded are errors, never an empty environment', () => {
  it('an environment path with no file under it is an error', () => {
    const plan = planManifestReads(['other/a.yaml'], 'missing-configs');
    assert.deepEqual(plan.files, []);
    assert.equal(plan.errors.length, 1);
    assert.match(plan.errors[0]?.message ?? '', /not in the repository/);
  });
  it('an absolute environment path or one that leaves the repository is an error', () => {
    for (const bad of ['/env', '../env', 'env/../../x']) {
      const plan = planManifestReads(['env/a.yaml'], bad);
      assert.equal(plan.errors.length, 1, bad);
      assert.deepEqual(plan.files, []);
    }
  });
  it('an environment path that is a single file loads that file', () => {
    assert.deepEqual(planManifestReads(['env/a.yaml', 'env/b.yaml'], 'env/a.yaml').files, ['env/a.yaml']);
  });
});

describe('Helm chart folders', () => {
  it('a folder with Chart.yaml and values.yaml is skipped with everything under it', () => {
    const plan = planManifestReads([
      'env/app.yaml', 'env/chart/Chart.yaml', 'env/chart/values.yaml', 'env/chart/templates/deploy.yaml',
      'env/chart/templates/sub/x.yaml', 'env/chart/README.md',
    ], 'env');
    assert.deepEqual(plan.files, ['env/app.yaml']);
    assert.deepEqual(plan.skipped, [{
      file: 'env/chart', reason: 'Helm chart folder (has Chart.yaml and values.yaml): skipped with everything under it (5 files)',
    }]);
  });
  it('a folder with only Chart.yaml, or Chart.yml and values.yml, is not a chart', () => {
    const plan = planManifestReads(['env/c1/Chart.yaml', 'env/c1/t.yaml', 'env/c2/Chart.yml', 'env/c2/values.yml'], 'env');
    assert.deepEqual(plan.files, ['env/c1/Chart.yaml', 'env/c1/t.yaml', 'env/c2/Chart.yml', 'env/c2/values.yml']);
  });
  it('a nested chart is covered by the outer chart', () => {
    const plan = planManifestReads([
      'env/outer/Chart.yaml', 'env/outer/values.yaml', 'env/outer/charts/inner/Chart.yaml',
      'env/outer/charts/inner/values.yaml', 'env/outer/charts/inner/templates/a.yaml',
    ], 'env');
    assert.deepEqual(plan.files, []);
    assert.deepEqual(plan.skipped.map((s) => s.file), ['env/outer']);
  });
  it('an environment path inside a chart loads nothing (charts are found from the repository root)', () => {
    const plan = planManifestReads(['charts/x/Chart.yaml', 'charts/x/values.yaml', 'charts/x/templates/a.yaml'], 'charts/x/templates');
    assert.deepEqual(plan.files, []);
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.skipped.length, 1);
    assert.equal(plan.skipped[0]?.file, 'charts/x');
    assert.match(plan.skipped[0]?.reason ?? '', /nothing is loaded/);
  });
  it('an environment path that is a chart loads nothing', () => {
    const plan = planManifestReads(['charts/x/Chart.yaml', 'charts/x/values.yaml', 'charts/x/templates/a.yaml'], 'charts/x');
    assert.deepEqual(plan.files, []);
    assert.equal(plan.skipped[0]?.file, 'charts/x');
  });
  it('a chart at the repository root makes every environment empty', () => {
    const plan = planManifestReads(['Chart.yaml', 'values.yaml', 'env/a.yaml'], 'env');
    assert.deepEqual(plan.files, []);
    assert.equal(plan.skipped[0]?.file, '');
  });
});

describe('kustomization.yaml and .flux.yaml are never resources', () => {
  it('kustomization.yaml and kustomization.yml are skipped with a reason', () => {
    const plan = planManifestReads(['env/kustomization.yaml', 'env/sub/kustomization.yml', 'env/a.yaml'], 'env');
    assert.deepEqual(plan.files, ['env/a.yaml']);
    assert.match(reasons(plan)['env/kustomization.yaml'] ?? '', /kustomize/);
    assert.match(reasons(plan)['env/sub/kustomization.yml'] ?? '', /kustomize/);
  });
  it('every .flux.yaml under the environment is skipped with a reason', () => {
    const plan = planManifestReads(['env/.flux.yaml', 'env/sub/.flux.yaml', 'env/a.yaml'], 'env');
    assert.deepEqual(plan.files, ['env/a.yaml']);
    assert.match(reasons(plan)['env/sub/.flux.yaml'] ?? '', /\.flux\.yaml/);
  });
  it('the .flux.yaml to read is the nearest one in the environment directory or a parent, never below', () => {
    assert.deepEqual(planManifestReads(['.flux.yaml', 'a/.flux.yaml', 'a/b/x.yaml'], 'a/b').fluxConfigs, ['a/.flux.yaml']);
    assert.deepEqual(planManifestReads(['.flux.yaml', 'a/b/x.yaml'], 'a/b').fluxConfigs, ['.flux.yaml']);
    assert.deepEqual(planManifestReads(['a/b/.flux.yaml', 'a/b/x.yaml'], 'a/b').fluxConfigs, ['a/b/.flux.yaml']);
    assert.deepEqual(planManifestReads(['a/b/c/.flux.yaml', 'a/b/x.yaml'], 'a/b').fluxConfigs, []);
  });
});
