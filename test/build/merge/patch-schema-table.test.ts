import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { kubectlMissing } from '../kustomize/support/oracle.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function run(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script], { cwd: root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
}

test('the committed patch-merge table is what the generator reads from kubectl\'s embedded kustomize schema', { skip: kubectlMissing() }, async () => {
  const [generated, committed] = await Promise.all([
    run('test/build/merge/support/generate-patch-schema.ts'),
    readFile(`${root}shared/build/merge/patch-schema-table.ts`, 'utf8'),
  ]);
  assert.equal(generated, committed);
  assert.match(committed, /"containers":\["l","io\.k8s\.api\.core\.v1\.Container","name","merge"\]/);
});

test('the committed field-spec table is what the generator reads from kubectl\'s embedded kustomize', { skip: kubectlMissing() }, async () => {
  const [generated, committed] = await Promise.all([
    run('test/build/kustomize/support/generate-field-specs.ts'),
    readFile(`${root}shared/build/kustomize/field-specs-table.ts`, 'utf8'),
  ]);
  assert.equal(generated, committed);
});
