/**
 * Flux v1 applied its patch file to built-in kinds with apimachinery's strategic merge. `kubectl patch --local
 * --type strategic` runs that same code offline: it is the oracle for {@link applyStrategicPatch}, and for the
 * patches {@link createTwoWayMergePatch} writes (applied to the generated object, they give the updated one).
 * Skips with a message where kubectl is absent.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyStrategicPatch } from '../../shared/build/apply-strategic-patch.ts';
import { createTwoWayMergePatch } from '../../shared/build/two-way-merge-patch.ts';

const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const skip = hasKubectl ? false : 'kubectl is not installed: no oracle';
const dir = mkdtempSync(path.join(os.tmpdir(), 'smp-oracle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubectlPatch(object: object, patch: object): unknown {
  writeFileSync(path.join(dir, 'o.json'), JSON.stringify(object));
  writeFileSync(path.join(dir, 'p.json'), JSON.stringify(patch));
  const r = spawnSync('kubectl', ['patch', '--local', '-f', path.join(dir, 'o.json'), '--type', 'strategic', '--patch-file', path.join(dir, 'p.json'), '-o', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 2, selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        initContainers: [{ name: 'init', image: 'r/init:1' }],
        containers: [
          { name: 'z', image: 'r/z:1', args: ['a', 'b'], env: [{ name: 'B', value: '1' }, { name: 'A', value: '2' }], ports: [{ containerPort: 80, name: 'http' }] },
          { name: 'a', image: 'r/a:1' },
        ],
        volumes: [{ name: 'v1', emptyDir: {} }],
      },
    },
  },
};
const spec = (s: object) => ({ spec: { template: { spec: s } } });

const PATCHES: [string, object][] = [
  ['an image of the second container', spec({ containers: [{ name: 'a', image: 'r/a:2' }] })],
  ['$setElementOrder reorders the list', spec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'z' }], containers: [{ name: 'a', image: 'r/a:2' }] })],
  ['a new container is appended', spec({ containers: [{ name: 'new', image: 'r/new:1' }] })],
  ['env merged by name, args replaced, a port merged by containerPort', spec({ containers: [{ name: 'z', args: ['c'], env: [{ name: 'A', value: '3' }, { name: 'C', value: '4' }], ports: [{ containerPort: 80, protocol: 'TCP' }] }] })],
  ['labels merged, a label deleted with null, replicas set', { metadata: { labels: { tier: null, env: 'dev' } }, spec: { replicas: 3 } }],
  ['a volume merged by name', spec({ volumes: [{ name: 'v2', configMap: { name: 'c' } }] })],
  ['$setElementOrder alone reorders', spec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'z' }] })],
  ['a list the object lacks, with $setElementOrder', spec({ '$setElementOrder/imagePullSecrets': [{ name: 'y' }, { name: 'x' }], imagePullSecrets: [{ name: 'y' }, { name: 'x' }] })],
  ['several elements: patch order, server-only elements between', spec({ containers: [{ name: 'b', image: 'r/b:1' }, { name: 'a', image: 'r/a:5' }] })],
];

describe('apimachinery strategic merge against kubectl patch --local', { skip }, () => {
  for (const [what, patch] of PATCHES) {
    it(`${what}: the same object as kubectl`, () => {
      assert.deepEqual(applyStrategicPatch(structuredClone(deployment), structuredClone(patch) as Record<string, unknown>), kubectlPatch(deployment, patch));
    });
  }
  it('the two-way patch written for an image update gives back the updated object under kubectl', () => {
    const updated = structuredClone(deployment);
    updated.spec.template.spec.containers[0]!.image = 'r/z:9';
    updated.spec.template.spec.containers[1]!.image = 'r/a:9';
    updated.spec.template.spec.initContainers[0]!.image = 'r/init:9';
    const patch = createTwoWayMergePatch(deployment, updated);
    assert.deepEqual(kubectlPatch(deployment, patch), updated);
  });
});
