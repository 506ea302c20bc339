import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSameAsKubectl, buildOurs } from './support/oracle.ts';

const base = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, finalizers: [a, b, a], labels: {x: "1", y: "2", app: web}, annotations: {x: "1"}}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {q: "1"}}
    spec:
      tolerations: [{key: a}, {key: b}]
      volumes: [{name: v1, emptyDir: {}}, {name: v2, configMap: {name: c}}]
      containers:
      - name: a
        image: a
        args: [x, y]
        env: [{name: E1, value: "1"}, {name: E2, value: "2"}]
        volumeMounts: [{name: v1, mountPath: /a}, {name: v1, mountPath: /b}]
        ports: [{containerPort: 80, protocol: TCP}, {containerPort: 81}]
      - name: b
        image: b
      initContainers: [{name: i, image: i}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other, labels: {app: api}}
spec:
  template:
    spec:
      containers: [{name: a, image: a}]
---
apiVersion: x.io/v1
kind: Foo
metadata: {name: f, labels: {a: b}}
spec:
  list: [{name: a, v: 1}, {name: b, v: 2}]
  plain: [1, 2]
  m: {a: 1, b: 2}
  keep: {$patch: x}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gone}
`;

const smp = `apiVersion: apps/v1
kind: Deployment
metadata: {name: d, finalizers: [c], labels: {x: null}, annotations: {y: null}}
spec:
  selector:
    $patch: replace
    matchLabels: {c: d}
  template:
    metadata: {labels: {q: null}}
    spec:
      $setElementOrder/containers: [{name: b}, {name: a}]
      tolerations: [{key: c}]
      volumes:
      - $retainKeys: [name, emptyDir]
        name: v2
        emptyDir: {}
      containers:
      - name: b
        $patch: delete
      - name: c
        image: c
      - name: a
        args: [z]
        env: [{name: E2, value: "x"}, {name: E0, value: "0"}]
        ports: [{containerPort: 82}]
      initContainers: [{name: j, image: j}, {$patch: replace}]
      hostAliases: [{ip: 1.1.1.1, hostnames: [x]}]
---
apiVersion: x.io/v1
kind: Foo
metadata: {name: f, labels: {a: null}}
spec:
  list: [{name: b, w: 3}, {name: c}]
  plain: null
  m: {a: null, c: 3}
  new: {$patch: delete}
  other: {x: 1, y: null}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: gone}
$patch: delete
`;

test('patchesStrategicMerge: merge keys from the schema, directives, JSON merge for unknown kinds, delete', async (t) => {
  await assertSameAsKubectl(t, { 'kustomization.yaml': 'resources: [b.yaml]\npatchesStrategicMerge: [p.yaml]\n', 'b.yaml': base, 'p.yaml': smp });
});

test('patchesStrategicMerge: an inline patch, and an empty patch file', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [b.yaml]
patchesStrategicMerge:
- empty.yaml
- |-
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: other}
  spec: {replicas: 3}
`,
    'b.yaml': base,
    'empty.yaml': '',
  });
});

test('patches: by the patch id, by target with regex names, label and annotation selectors, options', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [b.yaml]
namePrefix: p-
patches:
- path: p1.yaml
- target: {kind: Deployment, name: "d|oth.*"}
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: ignored}
    spec: {minReadySeconds: 5}
- target: {labelSelector: "app in (web)"}
  patch: |-
    - op: add
      path: /metadata/annotations/sel
      value: "yes"
- target: {kind: Deployment, labelSelector: "app!=web"}
  patch: '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "b"}]'
- target: {group: x.io, version: v1, kind: Foo}
  patch: |-
    - op: remove
      path: /spec/plain/0
    - op: add
      path: /spec/list/-
      value: {name: z}
    - op: copy
      from: /spec/m
      path: /spec/m2
    - op: move
      from: /spec/keep
      path: /spec/kept
    - op: test
      path: /spec/m/a
      value: 1
- target: {annotationSelector: "x=1"}
  patch: |-
    - op: replace
      path: /metadata/name
      value: renamed
`,
    'b.yaml': base,
    'p1.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {paused: true}\n',
  });
});

test('patchesJson6902: target by group/version/kind/name, YAML and JSON operations, after namePrefix', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [b.yaml]
namePrefix: p-
patchesJson6902:
- target: {group: apps, version: v1, kind: Deployment, name: d}
  path: j.yaml
- target: {version: v1, kind: ConfigMap, name: gone}
  patch: '[{"op": "add", "path": "/data", "value": {"k": "v"}}]'
`,
    'b.yaml': base,
    'j.yaml': '- op: replace\n  path: /spec/template/spec/containers/1/image\n  value: yes\n- op: add\n  path: /spec/replicas\n  value: 0755\n',
  });
});

test('a patch whose target does not exist is refused, as kustomize refuses it', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [b.yaml]\npatchesStrategicMerge: [p.yaml]\n',
    'b.yaml': base,
    'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope}\n',
  }, '', { refused: true });
});

test('a JSON patch that removes a missing field is refused, as kustomize refuses it', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [b.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: "[{\\"op\\": \\"remove\\", \\"path\\": \\"/nope\\"}]"\n',
    'b.yaml': base,
  }, '', { refused: true });
});

test('a merged list whose elements lack their merge key, or a patch list naming a key twice, is refused', () => {
  const deploy = (env: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        env: ${env}\n`;
  for (const [b, p] of [
    ['[{name: E1}, {value: nokey}]', '[{name: E1, value: "1"}]'],
    ['[{name: E1}]', '[{name: E2}, {name: E2, value: "2"}]'],
  ]) {
    const r = buildOurs({ 'kustomization.yaml': 'resources: [b.yaml]\npatchesStrategicMerge: [p.yaml]\n', 'b.yaml': deploy(b as string), 'p.yaml': deploy(p as string) });
    assert.equal(r.kind, 'refused');
    if (r.kind === 'refused') assert.match(r.errors[0]?.message ?? '', /p\.yaml: patching Deployment\.v1\.apps\/d.*not reproduced/);
  }
});

const mixed = `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: h, namespace: n}
spec:
  values: {a: {b: 1}, l: [1], m: {x: 1}, s: str, keep: {k: 1}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: a, image: a, args: [x]}]
      nodeSelector: {a: b}
`;

test('replaced lists keep nulls as written; new maps drop them; empty maps and lists are set', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml]\npatchesStrategicMerge: [p.yaml]\n',
    'a.yaml': mixed,
    'p.yaml': `apiVersion: helm.fluxcd.io/v1
kind: HelmRelease
metadata: {name: h, namespace: n}
spec:
  values: {l: [{x: 1, y: null}], new: {}, newl: [], n2: {q: null}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: a, args: [], env: [{name: X, value: null}], resources: {}}]
      nodeSelector: null
      affinity: {}
      tolerations: [{key: k, value: null}]
`,
  });
});

for (const [what, values] of [['a scalar over a map', '{a: 5}'], ['a map over a scalar', '{s: {z: 1}}']]) {
  test(`a patch putting ${what} is refused, as kustomize refuses it`, async (t) => {
    await assertSameAsKubectl(t, {
      'kustomization.yaml': 'resources: [a.yaml]\npatchesStrategicMerge: [p.yaml]\n',
      'a.yaml': mixed,
      'p.yaml': `apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: h, namespace: n}\nspec:\n  values: ${values}\n`,
    }, '', { refused: true });
  });
}

test('a patch walks the whole object: duplicate keys in an untouched keyed list collapse to the last, in place', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': 'resources: [a.yaml]\npatches: [{path: p.yaml}]\n',
    'a.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      volumes: [{name: v}, {name: w, emptyDir: {}}, {name: v, emptyDir: {}}]
      containers:
      - name: a
        env: [{name: E1, value: "1"}, {name: E2, value: "2"}, {name: E1}]
`,
    'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {paused: true}\n',
  });
});

test('patches options allowNameChange and allowKindChange let a strategic merge patch rename, and references follow', async (t) => {
  await assertSameAsKubectl(t, {
    'kustomization.yaml': `resources: [a.yaml]
patches:
- target: {kind: ConfigMap, name: old}
  options: {allowNameChange: true}
  patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: new}
- target: {kind: Secret}
  options: {allowKindChange: true}
  patch: |-
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: s}
`,
    'a.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: old}
---
apiVersion: v1
kind: Secret
metadata: {name: s}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: c, image: i, envFrom: [{configMapRef: {name: old}}]}]
`,
  });
});
