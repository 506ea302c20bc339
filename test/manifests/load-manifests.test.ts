import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScopeOf } from '../../shared/manifests/index.ts';
import { cm, ids, load } from './load-env.ts';

describe('documents and resources', () => {
  it('a multi-document file yields every document in order, with file, line and document index', () => {
    const set = load({ 'env/a.yaml': `# header\n---\n${cm('one')}---\n${cm('two')}` });
    assert.deepEqual(set.resources.map((r) => [r.id, r.file, r.line, r.docIndex]), [
      ['default:configmap/one', 'env/a.yaml', 3, 0],
      ['default:configmap/two', 'env/a.yaml', 8, 1],
    ]);
    assert.deepEqual(set.errors, []);
  });
  it('a resource carries apiVersion, kind, name, namespace, the object as written, annotations and policies', () => {
    const [r] = load({ 'env/a.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    fluxcd.io/automated: "true"\nspec: {replicas: 2}\n' }).resources;
    assert.ok(r);
    assert.equal(r.apiVersion, 'apps/v1');
    assert.equal(r.kind, 'Deployment');
    assert.equal(r.name, 'web');
    assert.equal(r.namespace, 'default');
    assert.equal(r.object.metadata?.namespace, undefined, 'the namespace is not injected into the object');
    assert.deepEqual(r.object.spec, { replicas: 2 });
    assert.deepEqual(r.annotations, { 'fluxcd.io/automated': 'true' });
    assert.equal(r.policies.automated, true);
    assert.equal(r.itemIndex, undefined);
  });
  it('resources come in walk order across files', () => {
    const set = load({ 'env/b.yaml': cm('b'), 'env/a/x.yaml': cm('x'), 'env/a.yaml': cm('a') });
    assert.deepEqual(ids(set), ['default:configmap/x', 'default:configmap/a', 'default:configmap/b']);
  });
  it('documents with no kind are skipped with a reason (Helm values files, kustomize-like files)', () => {
    const set = load({ 'env/values.yaml': 'image:\n  tag: 1\n', 'env/a.yaml': `kind: ""\n---\n${cm('a')}` });
    assert.deepEqual(ids(set), ['default:configmap/a']);
    assert.deepEqual(set.skipped, [
      { file: 'env/a.yaml', line: 1, reason: 'document has no kind (not a Kubernetes object)' },
      { file: 'env/values.yaml', line: 1, reason: 'document has no kind (not a Kubernetes object)' },
    ]);
  });
  it('empty documents are skipped with a reason', () => {
    const set = load({ 'env/a.yaml': `${cm('a')}---\n` });
    assert.deepEqual(set.skipped, [{ file: 'env/a.yaml', line: 5, reason: 'empty document' }]);
  });
});

describe('List kinds', () => {
  it('any kind ending in List is expanded to its items, each with its own line and item index', () => {
    const set = load({
      'env/list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Secret\n  metadata: {name: b, namespace: x}\n',
      'env/custom.yaml': 'apiVersion: example.com/v1\nkind: WidgetList\nitems:\n- {apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}\n',
    });
    assert.deepEqual(set.resources.map((r) => [r.id, r.line, r.docIndex, r.itemIndex]), [
      ['default:widget/w', 4, 0, 0],
      ['default:configmap/a', 4, 0, 0],
      ['x:secret/b', 7, 0, 1],
    ]);
  });
  it('a List with no items is skipped with a reason', () => {
    const set = load({ 'env/l.yaml': 'apiVersion: v1\nkind: ConfigMapList\nitems: []\n' });
    assert.deepEqual(set.resources, []);
    assert.deepEqual(set.skipped, [{ file: 'env/l.yaml', line: 1, reason: 'ConfigMapList with no items' }]);
  });
  it('List items that are not objects are errors with their line; the other items still load', () => {
    const set = load({ 'env/l.yaml': `apiVersion: v1\nkind: List\nitems:\n- just a string\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}\n- {apiVersion: v1, metadata: {name: nokind}}\n` });
    assert.deepEqual(ids(set), ['default:configmap/ok']);
    assert.deepEqual(set.errors.map((e) => [e.file, e.line]), [['env/l.yaml', 4], ['env/l.yaml', 6]]);
    assert.match(set.errors[0]?.message ?? '', /List item 0 is not a valid Kubernetes object: not a mapping/);
    assert.match(set.errors[1]?.message ?? '', /item 2 .*no kind/);
  });
  it('a List whose items are not a sequence is an error', () => {
    const set = load({ 'env/l.yaml': 'apiVersion: v1\nkind: List\nitems: {a: 1}\n' });
    assert.match(set.errors[0]?.message ?? '', /items must be a sequence/);
  });
});

describe('bad input fails only itself, reported with file, line and reason', () => {
  it('a file that does not parse is reported with its line and the rest of the environment still loads', () => {
    const set = load({ 'env/bad.yaml': `${cm('x')}\tdata: 1\n`, 'env/good.yaml': cm('good') });
    assert.deepEqual(ids(set), ['default:configmap/good']);
    assert.equal(set.errors.length, 1);
    assert.equal(set.errors[0]?.file, 'env/bad.yaml');
    assert.equal(set.errors[0]?.line, 5);
  });
  it('a YAML bomb is an error for its file only', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 8; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(i === 1 ? '*a' : `*a${i - 1}`).join(',')}]`);
    const set = load({ 'env/bomb.yaml': `${bomb.join('\n')}\n`, 'env/good.yaml': cm('good') });
    assert.deepEqual(ids(set), ['default:configmap/good']);
    assert.match(set.errors[0]?.message ?? '', /YAML bomb/);
  });
  it('a document that is not a mapping is an error; other documents of the file still load', () => {
    const set = load({ 'env/a.yaml': `- a\n- b\n---\n${cm('ok')}---\njust text\n` });
    assert.deepEqual(ids(set), ['default:configmap/ok']);
    assert.deepEqual(set.errors.map((e) => [e.line, e.message]), [
      [1, 'document 1 is not a Kubernetes object: not a mapping but a sequence'],
      [9, 'document 3 is not a Kubernetes object: not a mapping but a string ("just text")'],
    ]);
  });
  it('a missing or non-string apiVersion is an error', () => {
    const set = load({ 'env/a.yaml': 'kind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: 1\nkind: ConfigMap\nmetadata: {name: b}\n' });
    assert.deepEqual(set.resources, []);
    assert.equal(set.errors.length, 2);
    assert.match(set.errors[0]?.message ?? '', /apiVersion must be a non-empty string, not nothing/);
    assert.match(set.errors[1]?.message ?? '', /apiVersion must be a non-empty string, not a number/);
  });
  it('a missing or non-string metadata.name is an error', () => {
    const set = load({ 'env/a.yaml': 'apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: 12}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: x}\n' });
    assert.deepEqual(set.resources, []);
    assert.deepEqual(set.errors.map((e) => e.line), [1, 4, 8]);
    assert.match(set.errors[0]?.message ?? '', /metadata must be a mapping/);
    assert.match(set.errors[1]?.message ?? '', /metadata.name must be a non-empty string, not a number/);
    assert.match(set.errors[2]?.message ?? '', /metadata.name must be a non-empty string, not nothing/);
  });
  it('a non-string kind or metadata.namespace is an error', () => {
    const set = load({ 'env/a.yaml': 'apiVersion: v1\nkind: [x]\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: {x: 1}}\n' });
    assert.deepEqual(set.resources, []);
    assert.match(set.errors[0]?.message ?? '', /kind must be a string/);
    assert.match(set.errors[1]?.message ?? '', /metadata.namespace must be a string/);
  });
  it('a planned file with no content is an error for that file, not a crash', () => {
    const set = load({ 'env/b.yaml': cm('b') }, { paths: ['env/a.yaml', 'env/b.yaml'] });
    assert.deepEqual(ids(set), ['default:configmap/b']);
    assert.deepEqual(set.errors, [{ file: 'env/a.yaml', message: 'no content was read for this planned file' }]);
  });
  it('planning errors reach the manifest set', () => {
    const set = load({ 'x/a.yaml': cm('a') }, { env: 'nope' });
    assert.equal(set.errors.length, 1);
    assert.match(set.errors[0]?.message ?? '', /not in the repository/);
  });
});

describe('annotation and label values are normalised to strings', () => {
  it('unquoted true/false become "true"/"false", numbers their decimal text, null ""', () => {
    const [r] = load({ 'env/a.yaml': cm('a', '  annotations:\n    flux.weave.works/automated: true\n    a: false\n    mode: 0755\n    v: 1.5\n    nothing: ~\n    agreed: yes\n  labels:\n    on: on\n    version: 2\n') }).resources;
    assert.ok(r);
    const expected = { 'flux.weave.works/automated': 'true', a: 'false', mode: '493', v: '1.5', nothing: '', agreed: 'true' };
    assert.deepEqual(r.annotations, expected);
    assert.deepEqual(r.object.metadata?.annotations, expected);
    assert.deepEqual(r.object.metadata?.labels, { true: 'true', version: '2' });
    assert.equal(r.policies.automated, true);
  });
  it('a non-scalar annotation value is an error for that document (an annotations map nested in annotations)', () => {
    const set = load({ 'env/a.yaml': `${cm('bad', '  annotations:\n    annotations:\n      x: y\n')}---\n${cm('good')}` });
    assert.deepEqual(ids(set), ['default:configmap/good']);
    assert.match(set.errors[0]?.message ?? '', /metadata.annotations\["annotations"\] must be a string, not a mapping/);
  });
  it('YAML 1.1 booleans apply to keys and values alike: a name of n or y is a boolean, so not a valid name', () => {
    const set = load({ 'env/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: n}\n' });
    assert.match(set.errors[0]?.message ?? '', /metadata.name must be a non-empty string, not a boolean \(false\)/);
  });
  it('labels that are not a mapping are an error', () => {
    const set = load({ 'env/a.yaml': cm('bad', '  labels: [a]\n') });
    assert.match(set.errors[0]?.message ?? '', /metadata.labels must be a mapping/);
  });
});

describe('resource ids and effective namespaces', () => {
  it('ids are <namespace>:<kind lowercased>/<name> with the default namespace when none is set', () => {
    assert.deepEqual(ids(load({ 'env/a.yaml': 'apiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata: {name: Web}\n' })), ['default:helmrelease/Web']);
  });
  it('the configured default namespace is used when the object sets none; the object namespace wins', () => {
    const set = load({ 'env/a.yaml': `${cm('a')}---\n${cm('b', '  namespace: own\n')}---\n${cm('c', '  namespace: ""\n')}` }, { defaultNamespace: 'team' });
    assert.deepEqual(ids(set), ['team:configmap/a', 'own:configmap/b', 'team:configmap/c']);
    assert.deepEqual(set.resources.map((r) => r.namespace), ['team', 'own', 'team']);
  });
  it('built-in cluster-scoped kinds get <cluster> and no namespace, even when they set one', () => {
    const set = load({
      'env/a.yaml': [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n',
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr, namespace: ignored}\n',
        'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: sc}\n',
        'apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: vwc}\n',
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n',
      ].join('---\n'),
    });
    assert.deepEqual(ids(set), [
      '<cluster>:namespace/ns', '<cluster>:clusterrole/cr', '<cluster>:storageclass/sc',
      '<cluster>:validatingwebhookconfiguration/vwc', 'default:role/r',
    ]);
    assert.equal(set.resources[1]?.namespace, undefined);
  });
  it('the built-in table is keyed by API group: a custom kind named Namespace in another group is namespaced', () => {
    assert.deepEqual(ids(load({ 'env/a.yaml': 'apiVersion: example.com/v1\nkind: Namespace\nmetadata: {name: ns}\n' })), ['default:namespace/ns']);
  });
  it('CRDs in the same manifest set decide the scope of their kinds; unknown kinds are namespaced', () => {
    const crd = (kind: string, scope: string): string =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: ${kind.toLowerCase()}s.example.com}\nspec:\n  group: example.com\n  names: {kind: ${kind}, plural: ${kind.toLowerCase()}s}\n  scope: ${scope}\n`;
    const set = load({
      'env/crds.yaml': `${crd('Tenant', 'Cluster')}---\n${crd('Widget', 'Namespaced')}`,
      'env/x.yaml': 'apiVersion: example.com/v1\nkind: Tenant\nmetadata: {name: t}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\napiVersion: other.com/v1\nkind: Tenant\nmetadata: {name: o}\n',
    });
    assert.deepEqual(ids(set), [
      '<cluster>:customresourcedefinition/tenants.example.com', '<cluster>:customresourcedefinition/widgets.example.com',
      '<cluster>:tenant/t', 'default:widget/w', 'default:tenant/o',
    ]);
  });
  it('a caller-supplied scopeOf takes precedence over the built-in table and CRDs', () => {
    const scopeOf: ScopeOf = (apiVersion, kind) => (kind === 'Thing' ? 'Cluster' : kind === 'Namespace' && apiVersion === 'v1' ? 'Namespaced' : undefined);
    const set = load({ 'env/a.yaml': 'apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: node1}\n' }, { scopeOf });
    assert.deepEqual(ids(set), ['<cluster>:thing/t', 'default:namespace/ns', '<cluster>:node/node1']);
  });
});

describe('duplicate ids', () => {
  it('a duplicate id in two files is an error naming both files and lines, and both definitions are left out', () => {
    const set = load({ 'env/a.yaml': `${cm('other')}---\n${cm('dup')}`, 'env/b.yaml': `# x\n${cm('dup', '  namespace: default\n')}` });
    assert.deepEqual(ids(set), ['default:configmap/other']);
    assert.deepEqual(set.errors, [{
      file: 'env/b.yaml', line: 2,
      message: "duplicate definition of 'default:configmap/dup' (in env/a.yaml:6 and env/b.yaml:2); none of them is applied",
    }]);
  });
  it('a duplicate id within one file is an error too', () => {
    const set = load({ 'env/a.yaml': `${cm('d')}---\n${cm('d')}---\n${cm('d')}` });
    assert.deepEqual(set.resources, []);
    assert.match(set.errors[0]?.message ?? '', /\(in env\/a\.yaml:1, env\/a\.yaml:6 and env\/a\.yaml:11\)/);
  });
  it('kinds differing only in case collide, as ids lowercase the kind', () => {
    const set = load({ 'env/a.yaml': 'apiVersion: x/v1\nkind: Foo\nmetadata: {name: a}\n---\napiVersion: x/v1\nkind: FOO\nmetadata: {name: a}\n' });
    assert.deepEqual(set.resources, []);
    assert.equal(set.errors.length, 1);
  });
});

describe('ignore policies', () => {
  it('ignore "true" is never applied: it goes to skipped with its id and reason, on both prefixes', () => {
    const set = load({
      'env/a.yaml': `${cm('a', '  annotations:\n    fluxcd.io/ignore: "true"\n')}---\n${cm('b', '  annotations:\n    flux.weave.works/ignore: true\n')}---\n${cm('c')}`,
    });
    assert.deepEqual(ids(set), ['default:configmap/c']);
    assert.deepEqual(set.skipped, [
      { file: 'env/a.yaml', line: 1, id: 'default:configmap/a', reason: 'fluxcd.io/ignore: "true": never applied' },
      { file: 'env/a.yaml', line: 8, id: 'default:configmap/b', reason: 'flux.weave.works/ignore: "true": never applied' },
    ]);
  });
  it('ignore "sync_only" is applied and stays in resources', () => {
    const set = load({ 'env/a.yaml': cm('a', '  annotations:\n    fluxcd.io/ignore: sync_only\n') });
    assert.deepEqual(ids(set), ['default:configmap/a']);
    assert.equal(set.resources[0]?.policies.ignore, 'sync_only');
  });
  it('other ignore values (false, "yes", commented out) have no effect', () => {
    const set = load({ 'env/a.yaml': `${cm('a', '  annotations:\n    fluxcd.io/ignore: "false"\n')}---\n${cm('b', '  annotations:\n    # fluxcd.io/ignore: "true"\n    flux.weave.works/ignore: "yes"\n')}` });
    assert.deepEqual(ids(set), ['default:configmap/a', 'default:configmap/b']);
  });
  it('fluxcd.io/ wins over flux.weave.works/ when both set ignore', () => {
    const set = load({ 'env/a.yaml': cm('a', '  annotations:\n    flux.weave.works/ignore: "true"\n    fluxcd.io/ignore: "false"\n') });
    assert.deepEqual(ids(set), ['default:configmap/a']);
  });
  it('a duplicated id is an error even when one definition is ignored', () => {
    const set = load({ 'env/a.yaml': `${cm('d', '  annotations:\n    fluxcd.io/ignore: "true"\n')}---\n${cm('d')}` });
    assert.deepEqual(set.resources, []);
    assert.equal(set.errors.length, 1);
    assert.deepEqual(set.skipped, []);
  });
});
