/**
 * Tag globs as Flux v1 matched them: a port of `github.com/ryanuber/go-glob` v1.0.0.
 *
 * Only `*` is special; it matches any run of characters, including `/`, `.` and nothing. There is no
 * `?`, no `[...]`, no `**` and no escaping. Matching is case-sensitive and covers the whole string:
 * a pattern without `*` means equality, and `""` matches only `""`.
 */

/** Whether `subject` matches the go-glob `pattern`. */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '') return subject === '';
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return subject === pattern;
  const leadingGlob = pattern.startsWith('*');
  const trailingGlob = pattern.endsWith('*');
  const end = parts.length - 1;
  let rest = subject;
  for (let i = 0; i < end; i++) {
    const part = parts[i]!;
    const idx = rest.indexOf(part);
    if (i === 0) {
      if (!leadingGlob && idx !== 0) return false;
    } else if (idx < 0) {
      return false;
    }
    rest = rest.slice(idx + part.length);
  }
  return trailingGlob || rest.endsWith(parts[end]!);
}
