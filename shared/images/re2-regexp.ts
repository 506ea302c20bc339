/**
 * Compiles a Go RE2 pattern (Flux v1's `regexp:` filters) into a JavaScript RegExp with the same
 * meaning for the syntax tag filters use. Translated: named groups `(?P<n>…)`, leading flag groups
 * `(?i)`/`(?s)`/`(?m)`, `\A`, `\z`, `\Q…\E` literals and POSIX classes `[[:alpha:]]`. Rejected, as
 * RE2 rejects them: lookarounds and backreferences. Matching stays unanchored, as in Flux.
 */

/** A pattern that RE2 or JavaScript cannot compile; the message names it. */
export class RegexFilterError extends Error {
  /** The pattern as given. */
  readonly pattern: string;
  constructor(pattern: string, reason: string) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
    this.name = 'RegexFilterError';
    this.pattern = pattern;
  }
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&');

/** Translates and compiles an RE2 pattern. Throws {@link RegexFilterError}. */
export function compileRe2(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes('U')) throw new RegexFilterError(pattern, 'the U (ungreedy) flag is not supported');
    flags = [...new Set(lead[1]!)].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1];
      if (next === undefined) throw new RegexFilterError(pattern, 'trailing backslash');
      if (next === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end < 0 ? src.length : end);
        out += escapeLiteral(literal);
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (/[1-9]/.test(next)) throw new RegexFilterError(pattern, 'backreferences are not supported by RE2');
      if (next === 'p' || next === 'P') throw new RegexFilterError(pattern, 'Unicode classes \\p are not supported');
      if (!inClass && (next === 'A' || next === 'z')) {
        if (flags.includes('m')) throw new RegexFilterError(pattern, `\\${next} together with the m flag is not supported`);
        out += next === 'A' ? '^' : '$';
      } else {
        out += ch + next;
      }
      i++;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
      if (posix) {
        const cls = POSIX[posix[2]!];
        if (!cls || posix[1]) throw new RegexFilterError(pattern, `unsupported class [:${posix[1]}${posix[2]}:]`);
        out += cls;
        i += posix[0].length - 1;
        continue;
      }
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') out += '\\' + src[++i];
      continue;
    }
    if (ch === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) throw new RegexFilterError(pattern, 'lookarounds are not supported by RE2');
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
    }
    out += ch;
  }
  try {
    return new RegExp(out, flags);
  } catch (error) {
    throw new RegexFilterError(pattern, error instanceof Error ? error.message : String(error));
  }
}
