import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTwoWayMergePatch, TwoWayPatchUnsupported } from '../../shared/build/two-way-merge-patch.ts';
import { applyStrategicPatch } from '../../shared/build/apply-strategic-patch.ts';

const deployment = (containers: { name: string; image: string; env?: { name: string; value: string }[] }[], init: { name: string; image: string }[] = []) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web' } }, spec: { initContainers: init, containers } } },
});

describe('two-way strategic merge patch (what Flux v1 wrote for built-in kinds)', () => {
  it('applying keeps the original order of a merge list and removes $setElementOrder (apimachinery, not kustomize)', () => {
    const before = deployment([{ name: 'z', image: 'r/z:1' }, { name: 'a', image: 'r/a:1' }]);
    const patch = { spec: { template: { spec: { containers: [{ name: 'a', image: 'r/a:3' }] } } } };
    assert.deepEqual(applyStrategicPatch(before, patch), deployment([{ name: 'z', image: 'r/z:1' }, { name: 'a', image: 'r/a:3' }]));
    const ordered = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'z' }], containers: [{ name: 'a', image: 'r/a:3' }] } } } };
    assert.deepEqual(applyStrategicPatch(before, ordered), deployment([{ name: 'a', image: 'r/a:3' }, { name: 'z', image: 'r/z:1' }]));
    const added = { spec: { template: { spec: { containers: [{ name: 'n', image: 'r/n:1' }] } } } };
    assert.deepEqual(applyStrategicPatch(before, added), deployment([{ name: 'n', image: 'r/n:1' }, { name: 'z', image: 'r/z:1' }, { name: 'a', image: 'r/a:1' }]), 'a new element goes first, as kubectl patch puts it');
    assert.throws(() => applyStrategicPatch(before, { spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } }), /\$patch/);
  });
  it('an image change is the changed container with its name, plus $setElementOrder listing every container', () => {
    const before = deployment([{ name: 'a', image: 'r/a:1' }, { name: 'b', image: 'r/b:1' }]);
    const after = deployment([{ name: 'a', image: 'r/a:1' }, { name: 'b', image: 'r/b:2' }]);
    assert.deepEqual(createTwoWayMergePatch(before, after), {
      spec: { template: { spec: { containers: [{ name: 'b', image: 'r/b:2' }], '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }] } } },
    });
  });
  it('applied with apimachinery\'s strategic merge, the patch gives back the modified object', () => {
    const before = deployment([{ name: 'z', image: 'r/z:1', env: [{ name: 'X', value: '1' }] }, { name: 'a', image: 'r/a:1' }], [{ name: 'init', image: 'r/i:1' }]);
    const after = deployment([{ name: 'z', image: 'r/z:2', env: [{ name: 'X', value: '2' }] }, { name: 'a', image: 'r/a:3' }], [{ name: 'init', image: 'r/i:2' }]);
    after.spec.replicas = 3;
    const patch = createTwoWayMergePatch(before, after);
    assert.deepEqual((patch.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers.map((c) => c.name), ['z', 'a'], 'in the list\'s order, as $setElementOrder requires');
    assert.deepEqual(applyStrategicPatch(structuredClone(before), patch), after);
  });
  it('refuses containers added, removed or reordered', () => {
    const before = deployment([{ name: 'a', image: 'r/a:1' }, { name: 'b', image: 'r/b:1' }]);
    assert.throws(() => createTwoWayMergePatch(before, deployment([{ name: 'b', image: 'r/b:1' }, { name: 'a', image: 'r/a:1' }])), TwoWayPatchUnsupported);
    assert.throws(() => createTwoWayMergePatch(before, deployment([{ name: 'a', image: 'r/a:1' }])), TwoWayPatchUnsupported);
  });
});
