import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { gcMark, safeGitUrl, syncSetName } from '../../shared/clusters/index.ts';

// Values computed by hand from flux-v1-semantics §3.6 with openssl:
//   printf '%s' 'ssh://git@github.com/equinor/radix-flux.gitmasterdevelopment-configs' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '='
const SET = 'ojD0T00vf5kLbfOlN6VeCIQUQSk6Fg6LF2Ts_wngZrA';

describe('Flux v1 GC mark', () => {
  it('normalises git URLs as Flux v1 safeURL did: scp form becomes ssh://, the password is dropped, the user kept', () => {
    const cases: Array<[string, string]> = [
      ['git@github.com:equinor/radix-flux.git', 'ssh://git@github.com/equinor/radix-flux.git'],
      ['git@github.com:2222/equinor/radix-flux', 'ssh://git@github.com:2222/equinor/radix-flux'],
      ['https://user:secret@github.com/equinor/radix-flux', 'https://user@github.com/equinor/radix-flux'],
      ['https://github.com/equinor/radix-flux', 'https://github.com/equinor/radix-flux'],
      ['SSH://git@github.com/equinor/radix-flux', 'ssh://git@github.com/equinor/radix-flux'],
      ['/srv/git/config-repo', 'file:///srv/git/config-repo'],
    ];
    for (const [input, expected] of cases) assert.equal(safeGitUrl(input), expected, input);
  });

  it('computes the sync set name as base64url-nopad(sha256(safeURL + branch + paths joined))', () => {
    assert.equal(syncSetName('git@github.com:equinor/radix-flux.git', 'master', ['development-configs']), SET);
    const byFormula = createHash('sha256').update('https://github.com/equinor/radix-fluxreleaseaplayground-configs').digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    assert.equal(syncSetName('https://github.com/equinor/radix-flux', 'release', ['a', 'playground-configs']), byFormula);
  });

  it('computes the mark as sha256. + base64url-nopad(sha256(syncSetName + resource id)), 50 characters long', () => {
    assert.equal(gcMark(SET, 'default:deployment/web'), 'sha256.-g3Ur7rzJkrpSpaFPLxjgNq4b7me71ZuMysHjTGfjc8');
    assert.equal(gcMark(SET, '<cluster>:namespace/apps'), 'sha256.YUSnOGpmol18N4gZYg7HjSD72l8Xto324CTJhf7Tkwc');
    assert.equal(gcMark(SET, 'default:deployment/web').length, 50);
  });

  it('gives different marks to different paths and branches, so two environments never own each other\'s objects', () => {
    const a = syncSetName('https://github.com/equinor/radix-flux', 'master', ['development-configs']);
    const b = syncSetName('https://github.com/equinor/radix-flux', 'release', ['development-configs']);
    const c = syncSetName('https://github.com/equinor/radix-flux', 'master', ['./development-configs']);
    assert.notEqual(a, b);
    assert.notEqual(a, c);
    assert.notEqual(gcMark(a, 'default:configmap/x'), gcMark(b, 'default:configmap/x'));
  });
});
