/**
 * Repository-relative paths ('/'-separated, no leading '/'): normalising, parents, joining, and the order in
 * which Go's `filepath.Walk` visits them.
 */

/** The directory of a path: '' for a top-level entry. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

/** The last segment of a path. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `dir` and every parent up to the repository root (''), nearest first. */
export function selfAndParents(dir: string): string[] {
  const out = [dir];
  for (let d = dir; d !== ''; ) {
    d = dirOf(d);
    out.push(d);
  }
  return out;
}

/** Whether `path` is `dir` or lies under it ('' contains everything). */
export function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}

/**
 * Cleans a relative path like Go's `path.Clean` (`.` and `..` segments, repeated '/'), or returns undefined
 * when it is absolute or climbs out of the repository.
 */
export function cleanRelative(path: string): string | undefined {
  if (path.startsWith('/')) return undefined;
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

/** Joins a directory and a relative path, cleaned; undefined when the result leaves the repository. */
export function joinRelative(dir: string, rel: string): string | undefined {
  return cleanRelative(dir === '' ? rel : `${dir}/${rel}`);
}

/** Compares two strings by Unicode code point, i.e. as Go compares UTF-8 bytes. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1; // a surrogate (code point >= U+10000) sorts after any BMP code unit that differs
  }
  return a.length - b.length;
}

/**
 * Orders paths as `filepath.Walk` visits them: segment by segment, each directory's entries sorted by name.
 * (Plain string order differs: 'a/b.yaml' < 'a/b/c.yaml' as strings, but Walk visits 'a/b' before 'a/b.yaml'.)
 */
export function compareWalkOrder(a: string, b: string): number {
  // Segment by segment without splitting: the first difference decides, a '/' (the end of a segment) sorting
  // before any other character, as a shorter segment sorts before a longer one it begins.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 0x2f) return -1;
    if (y === 0x2f) return 1;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}
