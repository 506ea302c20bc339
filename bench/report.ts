/**
 * Figures, goals and how they are printed: a table for people, one JSON object for machines.
 */
import os from 'node:os';

export interface Figure {
  name: string;
  /** The measured value; null when it cannot be measured yet (`reason` says why). */
  value: number | null;
  unit: string;
  /** The goal in words, e.g. "< 300 ms". */
  goal?: string;
  /** Whether the goal is met; null when there is no value or no goal. */
  met: boolean | null;
  reason?: string;
  /** Extra rows for the table (label, value), e.g. one per repository size. */
  rows?: { label: string; value: string }[];
  /** Everything else measured on the way (goes to JSON). */
  detail?: Record<string, unknown>;
}

/** A figure that needs code that has not landed yet. */
export function pending(name: string, unit: string, goal: string, reason: string): Figure {
  return { name, value: null, unit, goal, met: null, reason };
}

export function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
  };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** One JSON object: every figure by name, plus machine, date and options. */
export function toJson(figures: Figure[], options: Record<string, unknown>): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    machine: machine(),
    options,
    figures: Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? null, met: f.met, ...(f.reason ? { reason: f.reason } : {}), ...(f.detail ?? {}) }])),
    summary: { met: figures.filter((f) => f.met === true).length, missed: figures.filter((f) => f.met === false).length, pending: figures.filter((f) => f.value === null).length },
  };
}

/** A plain-text table: figure, value, goal, met. */
export function toTable(figures: Figure[]): string {
  const rows: string[][] = [['figure', 'value', 'goal', 'met']];
  for (const f of figures) {
    const value = f.value === null ? `null (${f.reason ?? 'not measured'})` : `${f.value} ${f.unit}`;
    rows.push([f.name, value, f.goal ?? '', f.met === null ? '-' : f.met ? 'yes' : 'NO']);
    for (const r of f.rows ?? []) rows.push([`  ${r.label}`, r.value, '', '']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const m = machine();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), '', `node ${m.node}, ${m.cpus} × ${m.cpu_model}, ${m.memory_gb} GB, ${new Date().toISOString()}`].join('\n');
}
