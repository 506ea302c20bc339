/** Human output for the CLI: aligned tables, colour only on a TTY (and never with NO_COLOR). */

export interface Output {
  /** Prints a line to stdout. */
  line(text?: string): void;
  /** Prints a warning line to stderr. */
  warn(text: string): void;
  /** Colour helpers; identity functions when colour is off. */
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
}

export interface OutputStreams {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** Builds an Output over streams; colour when stdout is a TTY and NO_COLOR is unset. */
export function createOutput(streams: OutputStreams): Output {
  const colour = Boolean(streams.stdout.isTTY) && !streams.env.NO_COLOR;
  const paint = (code: number) => (s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    line: (text = '') => void streams.stdout.write(`${text}\n`),
    warn: (text) => void streams.stderr.write(`${text}\n`),
    bold: paint(1),
    dim: paint(2),
    red: paint(31),
    green: paint(32),
    yellow: paint(33),
  };
}

/** Formats rows as columns padded to the widest cell; the header row first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

/** Wraps text at spaces to `width` columns (a word longer than a line is cut, never lost), each line after the first indented. */
export function wrap(text: string, width = 80, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  const room = () => width - (lines.length ? indent.length : 0);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    if (line && line.length + 1 + w.length > room()) { lines.push(line); line = ''; }
    while (!line && w.length > room()) { lines.push(w.slice(0, room())); w = w.slice(room()); }
    line = line ? `${line} ${w}` : w;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines.map((l, i) => (i ? indent + l : l));
}
