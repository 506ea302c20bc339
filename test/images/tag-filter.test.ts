import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_FILTER,
  TagFilterError,
  compileRe2,
  filterAccepts,
  globMatch,
  parseTagFilter,
  parseVersion,
} from '../../shared/images/index.ts';

const accepts = (filter: string | undefined, tag: string): boolean => filterAccepts(parseTagFilter(filter), tag);

test('glob * matches across slashes, dots and nothing', () => {
  assert.ok(globMatch('master-*', 'master-'));
  assert.ok(globMatch('master-*', 'master-a/b.c'));
  assert.ok(globMatch('*-rc', 'x/y-rc'));
  assert.ok(globMatch('a*b*c', 'a/b/c'));
  assert.ok(globMatch('*', ''));
});

test('glob matches the whole string, and only * is special', () => {
  assert.ok(!globMatch('master-*', 'xmaster-1'));
  assert.ok(!globMatch('*-rc', 'a-rc1'));
  assert.ok(!globMatch('v1.?', 'v1.2'));
  assert.ok(globMatch('v1.?', 'v1.?'));
  assert.ok(!globMatch('[ab]', 'a'));
  assert.ok(!globMatch('a*a', 'a'));
  assert.ok(globMatch('', ''));
  assert.ok(!globMatch('', 'x'));
  assert.ok(globMatch('exact', 'exact'));
  assert.ok(!globMatch('Exact', 'exact'));
});

test('a filter without prefix is a glob, and no filter means glob:*', () => {
  assert.deepEqual(parseTagFilter('master-*'), { kind: 'glob', source: 'master-*', pattern: 'master-*' });
  assert.equal(parseTagFilter(undefined).source, DEFAULT_FILTER);
  assert.ok(accepts(undefined, 'anything'));
  assert.ok(accepts('glob:master-*', 'master-abc'));
});

test('filters are not trimmed: glob: master-* matches nothing normal', () => {
  assert.ok(!accepts('glob: master-*', 'master-1'));
});

test('latest is excluded unless the filter is exactly glob:latest', () => {
  assert.ok(!accepts(undefined, 'latest'));
  assert.ok(!accepts('glob:*', 'Latest'));
  assert.ok(!accepts('glob:lat*', 'latest'));
  assert.ok(!accepts('regexp:.*', 'LATEST'));
  assert.ok(accepts('glob:latest', 'latest'));
  assert.ok(!accepts('glob:latest', 'LATEST'), 'the glob itself is case-sensitive');
  assert.ok(accepts('glob:*', 'master-latest'), 'only the whole tag latest is special');
});

test('semver versions are lenient about form: v prefix, 1 and 1.2', () => {
  assert.equal(parseVersion('v1.2')?.normalized, '1.2.0');
  assert.equal(parseVersion('1')?.normalized, '1.0.0');
  assert.equal(parseVersion('1.2.3-rc.1+build.5')?.normalized, '1.2.3-rc.1');
});

test('1.2.3.4, latest and master-abc are not versions', () => {
  for (const t of ['1.2.3.4', 'latest', 'master-abc', 'v', '1.2.', 'x1.2', '1.2.3-01', '1.2.3 ']) {
    assert.equal(parseVersion(t), undefined, t);
  }
  assert.ok(!accepts('semver:*', 'master-abc'));
  assert.ok(!accepts('semver:>=1', '1.2.3.4'));
});

test('semver ranges accept what Masterminds accepts: comparators, tilde, caret, wildcards', () => {
  assert.ok(accepts('semver:~1.2', '1.2.9'));
  assert.ok(!accepts('semver:~1.2', '1.3.0'));
  assert.ok(accepts('semver:^1.2.3', '1.9.0'));
  assert.ok(!accepts('semver:^1.2.3', '2.0.0'));
  assert.ok(accepts('semver:^0.2.3', '0.2.9'));
  assert.ok(!accepts('semver:^0.2.3', '0.3.0'));
  assert.ok(accepts('semver:1.x', '1.7.1'));
  assert.ok(!accepts('semver:1.x', '2.0.0'));
  assert.ok(accepts('semver:*', 'v3'));
  assert.ok(accepts('semver:>1.0', '1.1.0'));
  assert.ok(!accepts('semver:>1.0', '1.0.5'));
  assert.ok(accepts('semver:!=1.2.3', '1.2.4'));
  assert.ok(!accepts('semver:!=1.2.3', '1.2.3'));
  assert.ok(accepts('semver:=1.2.3', 'v1.2.3'));
});

test('semver , and whitespace are AND, || is OR, hyphen ranges are inclusive', () => {
  assert.ok(accepts('semver:>=1.2, <2', '1.5.0'));
  assert.ok(!accepts('semver:>=1.2, <2', '2.0.0'));
  assert.ok(accepts('semver:>=1.2 <2', '1.2.0'));
  assert.ok(accepts('semver:<1 || >=3', '3.1.0'));
  assert.ok(!accepts('semver:<1 || >=3', '2.0.0'));
  assert.ok(accepts('semver:1.2 - 1.4.5', '1.4.5'));
  assert.ok(!accepts('semver:1.2 - 1.4.5', '1.4.6'));
  assert.ok(!accepts('semver:1.2 - 1.4.5', '1.1.9'));
});

test('prereleases only match where the range names one', () => {
  assert.ok(!accepts('semver:>=1.2.3', '1.3.0-rc.1'));
  assert.ok(accepts('semver:>=1.2.3-0', '1.3.0-rc.1'), 'unlike npm, any prerelease once the comparator names one');
  assert.ok(!accepts('semver:~1.2', '1.2.5-beta'));
  assert.ok(accepts('semver:>=1.0.0-alpha <2.0.0-0', '1.5.0-beta'));
  assert.ok(!accepts('semver:>=1.0.0-alpha <2.0.0', '1.5.0-beta'), 'every comparator of the group must name one');
});

test('an unparseable semver range is an error, not match-all', () => {
  for (const bad of ['semver:', 'semver:foo', 'semver:>=1.2.3.4', 'semver:~>', 'semver:1.2 ||| 3']) {
    assert.throws(() => parseTagFilter(bad), (e: unknown) => e instanceof TagFilterError && e.filter === bad, bad);
  }
});

test('regexp filters are unanchored and accept both prefixes', () => {
  assert.ok(accepts('regexp:^master-[0-9a-f]{7}$', 'master-abc1234'));
  assert.ok(!accepts('regexp:^master-[0-9a-f]{7}$', 'master-abc12345'));
  assert.ok(accepts('regex:rc', 'v1.2-rc.3'));
  assert.ok(accepts('regexp:[0-9]', 'x1y'));
});

test("Go's RE2 syntax works: (?P<name>), (?i), \\A, \\z, \\Q..\\E, POSIX classes, ] first in a class", () => {
  assert.ok(accepts('regexp:^(?P<branch>master)-(?P<sha>[a-f0-9]+)$', 'master-abc'));
  assert.ok(accepts('regexp:(?i)^MASTER', 'master-1'));
  assert.ok(accepts('regexp:\\Av1\\z', 'v1'));
  assert.ok(!accepts('regexp:\\Av1\\z', 'v1.1'));
  assert.ok(accepts('regexp:^\\Q1.2+\\E$', '1.2+'));
  assert.ok(!accepts('regexp:^\\Q1.2+\\E$', '1x22'));
  assert.ok(accepts('regexp:^[[:digit:]]+$', '123'));
  assert.ok(!accepts('regexp:^[[:digit:]]+$', '12a'));
  assert.ok(accepts('regexp:a[]b]', 'a]'));
  assert.ok(accepts('regexp:^v(?i)RC$', 'vrc'), 'a flag group applies from where it stands, as in Go');
  assert.ok(!accepts('regexp:^v1$', 'v1\n'), '$ is the end of the text, not before a final newline (Go without m)');
  assert.equal(compileRe2('^(a+)+$').source, '^(a+)+$');
});

test('a catastrophic-backtracking filter matches in linear time: ^(a+)+$ against long tags returns at once', () => {
  // On a backtracking engine (JavaScript RegExp) this froze the host at 34 characters; RE2 is linear in the tag.
  const filter = parseTagFilter('regexp:^(a+)+$');
  for (const n of [34, 64, 127]) {
    assert.equal(filterAccepts(filter, `${'a'.repeat(n)}!`), false);
    assert.equal(filterAccepts(filter, 'a'.repeat(n)), true);
  }
});

test('a tag longer than a registry allows (128) never matches any filter', () => {
  const long = 'a'.repeat(129);
  for (const f of ['glob:*', 'regexp:.*', 'regexp:^a+$']) assert.equal(filterAccepts(parseTagFilter(f), long), false, f);
  assert.equal(filterAccepts(parseTagFilter('glob:*'), 'a'.repeat(128)), true);
});

test('an invalid regexp is an error, not match-all, including syntax RE2 lacks', () => {
  for (const bad of ['regexp:(', 'regexp:[a-', 'regex:a(?=b)', 'regex:(?<=a)b', 'regexp:(a)\\1', 'regexp:a\\']) {
    assert.throws(() => parseTagFilter(bad), (e: unknown) => e instanceof TagFilterError && e.filter === bad && e.message.startsWith('invalid tag filter'), bad);
  }
});

test('a semver range from a manifest is parsed in linear time: 20,000 spaces before a bad character are refused, not backtracked', () => {
  // On JavaScript's backtracking engine Masterminds' pattern took about a second at 1,000 spaces and did not
  // finish at 5,000; Go ran it on RE2, and so do we.
  for (const filter of [`semver:>=1.0.0${' '.repeat(20_000)}!`, `semver:${'>=1.0.0, '.repeat(2_000)}${' '.repeat(20_000)}!`]) {
    assert.throws(() => parseTagFilter(filter), TagFilterError);
  }
  assert.equal(accepts(`semver:>=1.0.0${' '.repeat(20_000)}<2.0.0`, '1.5.0'), true);
});
