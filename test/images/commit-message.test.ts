import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoReleaseMessage } from '../../shared/images/index.ts';

test('one image is Auto-release <image> without a trailing newline', () => {
  assert.equal(autoReleaseMessage(['docker.io/org/app:1.0.1']), 'Auto-release docker.io/org/app:1.0.1');
});

test('the same image twice is still one image', () => {
  assert.equal(autoReleaseMessage(['a:1', 'a:1']), 'Auto-release a:1');
});

test('several images are counted, sorted, and each line ends in a newline', () => {
  assert.equal(
    autoReleaseMessage(['radixprod.azurecr.io/radix-cicd-canary:r-6', 'radixprod.azurecr.io/radix-acr-cleanup:m-5', 'radixprod.azurecr.io/radix-acr-cleanup:m-5']),
    'Auto-release multiple (2) images\n\n - radixprod.azurecr.io/radix-acr-cleanup:m-5\n - radixprod.azurecr.io/radix-cicd-canary:r-6\n',
  );
});

test('no images is Flux\'s placeholder message', () => {
  assert.equal(autoReleaseMessage([]), 'Auto-release (no images)\n');
});
