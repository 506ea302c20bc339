import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFluxConfig } from '../../shared/build/flux-config.ts';
import { planGenerator } from '../../shared/build/generators.ts';

const radix = `version: 1
patchUpdated:
  generators:
    - command: ../update_radix_patch.sh "$PWD/third-party/external-dns.yaml" ./radix-patch.yaml
    - command: kustomize build .
  patchFile: ./flux-patch.yaml
`;

describe('.flux.yaml', () => {
  it('reads patchUpdated with its generators and the patch file relative to the environment directory', () => {
    const r = parseFluxConfig('dev/.flux.yaml', radix, 'dev');
    assert.ok(r.ok);
    assert.equal(r.config.mode, 'patchUpdated');
    if (r.config.mode !== 'patchUpdated') return;
    assert.equal(r.config.patchFile, 'dev/flux-patch.yaml');
    assert.deepEqual(r.config.generators.map((g) => g.line), [4, 5]);
  });
  it('a parent .flux.yaml resolves patchFile against the environment path, not its own folder', () => {
    const r = parseFluxConfig('.flux.yaml', 'version: 1\npatchUpdated:\n  generators: []\n  patchFile: p.yaml\n', 'envs/dev');
    assert.ok(r.ok && r.config.mode === 'patchUpdated' && r.config.patchFile === 'envs/dev/p.yaml');
  });
  it('scanForFiles (and Flux\'s first spelling, files) means raw files', () => {
    for (const key of ['scanForFiles', 'files']) {
      const r = parseFluxConfig('.flux.yaml', `version: 1\n${key}: {}\n`, '');
      assert.ok(r.ok && r.config.mode === 'scanForFiles', key);
    }
  });
  it('an extra field is an error naming the file, the line and the key', () => {
    const r = parseFluxConfig('dev/.flux.yaml', `${radix}  timeout: 1m\nextra: 1\n`, 'dev');
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => [e.file, e.line, e.message.split(':')[0]]), [
      ['dev/.flux.yaml', 8, 'extra'],
      ['dev/.flux.yaml', 7, 'patchUpdated.timeout'],
    ]);
  });
  it('needs version 1 and exactly one mode', () => {
    const two = parseFluxConfig('.flux.yaml', 'version: 1\nscanForFiles: {}\ncommandUpdated: {generators: []}\n', '');
    assert.ok(!two.ok && /exactly one of/.test(two.errors[0]!.message));
    const v2 = parseFluxConfig('.flux.yaml', 'version: 2\nscanForFiles: {}\n', '');
    assert.ok(!v2.ok && v2.errors[0]!.line === 1 && /version: expected 1/.test(v2.errors[0]!.message));
    const commandKey = parseFluxConfig('.flux.yaml', 'version: 1\ncommandUpdated:\n  generators:\n  - {command: x, env: y}\n', '');
    assert.ok(!commandKey.ok && /generators\[0\]\.env/.test(commandKey.errors[0]!.message));
  });
  it('a patchFile that leaves the repository is an error', () => {
    const r = parseFluxConfig('.flux.yaml', 'version: 1\npatchUpdated:\n  generators: []\n  patchFile: ../../x.yaml\n', 'dev');
    assert.ok(!r.ok && /leaves the repository/.test(r.errors[0]!.message) && r.errors[0]!.line === 4);
  });
});

describe('generators', () => {
  const tree = new Set(['dev/third-party/external-dns.yaml', 'update_radix_patch.sh']);
  it('kustomize build [DIR] and kubectl kustomize [DIR] are done natively, relative to the environment directory', () => {
    assert.deepEqual(planGenerator('kustomize build .', 1, 'dev', tree), { kind: 'kustomize', command: 'kustomize build .', line: 1, dir: 'dev' });
    assert.equal((planGenerator('kubectl kustomize overlays/x', 1, 'dev', tree) as { dir: string }).dir, 'dev/overlays/x');
    assert.equal((planGenerator('kustomize build', 1, 'dev', tree) as { dir: string }).dir, 'dev');
  });
  it('kustomize with flags, pipes or other commands is never run', () => {
    assert.equal(planGenerator('kustomize build --enable-helm .', 1, 'dev', tree).kind, 'not-run');
    assert.equal(planGenerator('kustomize build . | sed s/a/b/', 1, 'dev', tree).kind, 'not-run');
  });
  it('a command that is not run may write the path arguments git does not hold', () => {
    const p = planGenerator('../update_radix_patch.sh "$PWD/third-party/external-dns.yaml" ./radix-patch.yaml', 3, 'dev', tree);
    assert.deepEqual(p, { kind: 'not-run', command: '../update_radix_patch.sh "$PWD/third-party/external-dns.yaml" ./radix-patch.yaml', line: 3, writes: ['dev/radix-patch.yaml'] });
  });
});

describe('generator commands as words', () => {
  const tree = new Set<string>(['dev/third-party/external-dns.yaml']);
  it('an output redirection names a file the command writes; its stdout then contributes nothing', () => {
    const p = planGenerator('../update_radix_patch.sh third-party/external-dns.yaml > radix-patch.yaml 2>/dev/null', 1, 'dev', tree);
    assert.deepEqual(p.kind === 'not-run' ? p.writes : undefined, ['dev/radix-patch.yaml']);
    assert.equal(planGenerator('kustomize build . > out', 1, 'dev', tree).kind, 'not-run');
  });
  it('pipes, sequences and substitutions are not split: nothing is assumed about what they write', () => {
    for (const c of ['a | b', 'a; b ./x.yaml', 'a && b ./x.yaml', 'echo $(cat x) ./x.yaml', 'a `b` ./x.yaml']) {
      const p = planGenerator(c, 1, 'dev', tree);
      assert.deepEqual(p.kind === 'not-run' ? p.writes : undefined, [], c);
    }
  });
});
